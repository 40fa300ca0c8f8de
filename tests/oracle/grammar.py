"""Hypothesis strategies that generate Go templates and JSON contexts from a grammar.

Templates are built from the template grammar (text, actions with trim markers, pipelines,
commands, operands, if/with/range/define/template, declarations and assignments) over a small
vocabulary of field names, so that generated templates mostly parse and reach the data; some are
invalid on purpose (undefined variables, stray ``end``) to compare error paths too. Contexts are
JSON values using the same keys. Only Go's builtin functions appear (sprig is not available to
the Go oracle).

What the generator avoids, because kancli deliberately differs there: complex constants,
function values and pointers (Go prints their addresses), and recursive templates (kancli stops
at a nesting depth of 100, Go at 100000).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

KEYS = ["a", "b", "c", "x", "Name", "l", "m"]
ALPHABET = "ab xyz-_.:/\n\t'\"<>&=é✓{}0123456789"

# Integers stay small: a range over a big number takes Go minutes and stops kancli at its limits.
_NUMBERS = [
    "0",
    "1",
    "-1",
    "2",
    "3",
    "10",
    "25",
    "1.5",
    "-0.5",
    "1e3",
    "0x1F",
    "0o7",
    "017",
    "1_0",
    "'a'",
    "'\\n'",
    "-9223372036854775808",
    "2.0",
    ".5",
    "1e21",
    "1e-7",
]
_STRINGS = ['""', '"a"', '"x"', '"Name"', '"%d"', '"%v"', '"%s-%v"', "`raw`", '"é"', '"<&>"']
_BUILTINS_1 = ["len", "not", "html", "js", "urlquery", "print", "println", "index", "slice"]
_BUILTINS_2 = ["eq", "ne", "lt", "le", "gt", "ge", "and", "or", "index", "printf", "print"]


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-5, max_value=40) | st.sampled_from([0, -(2**31), -(2**63)]),
        st.floats(allow_nan=False, allow_infinity=False)
        | st.sampled_from([0.5, 2.0, 1e21, 1e-7, 2.5, 100.25]),
        st.text(alphabet=ALPHABET, max_size=8),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
        ),
        max_leaves=max_leaves,
    )


def _typed_values() -> st.SearchStrategy[Any]:
    short = st.text(alphabet="abcé", max_size=4)
    return st.one_of(
        st.builds(
            lambda d: {"$go": "map[string]string", "v": d},
            st.dictionaries(st.sampled_from(KEYS), short, max_size=3),
        ),
        st.builds(lambda s: {"$go": "[]byte", "v": s}, short),
        st.builds(lambda i: {"$go": "int", "v": i}, st.integers(-3, 5)),
    )


def contexts() -> st.SearchStrategy[Any]:
    """A context: usually a map over KEYS, sometimes any JSON value."""
    value = st.one_of(json_values(), _typed_values())
    return st.one_of(
        st.dictionaries(st.sampled_from(KEYS), value, min_size=1, max_size=7),
        json_values(6),
    )


class _Gen:
    """Builds one template; ``draw`` is hypothesis' draw function."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw
        self.vars: list[str] = ["$"]
        self.in_range = 0
        self.in_define = False

    def pick(self, options: list[str]) -> str:
        return str(self.draw(st.sampled_from(options)))

    def chance(self, p: float) -> bool:
        return bool(self.draw(st.floats(0, 1)) < p)

    def field(self) -> str:
        n = int(self.draw(st.integers(1, 3)))
        return "".join("." + self.pick(KEYS) for _ in range(n))

    def operand(self, depth: int) -> str:
        kinds = ["field", "field", "dot", "num", "str", "bool", "var"]
        if depth > 0:
            kinds += ["paren", "paren"]
        kind = self.pick(kinds)
        if kind == "field":
            return self.field()
        if kind == "dot":
            return "."
        if kind == "num":
            return self.pick(_NUMBERS)
        if kind == "str":
            return self.pick(_STRINGS)
        if kind == "bool":
            return self.pick(["true", "false", "nil"])
        if kind == "var":
            var = self.pick(self.vars)
            if var != "$" and self.chance(0.3):
                var += "." + self.pick(KEYS)
            if self.chance(0.03):
                var = "$undefined"
            return var
        inner = self.pipeline(depth - 1, allow_decl=False)
        if self.chance(0.2):
            return f"({inner}).{self.pick(KEYS)}"
        return f"({inner})"

    def command(self, depth: int, first: bool) -> str:
        if self.chance(0.55):
            fn = self.pick(_BUILTINS_1 + _BUILTINS_2)
            argc = int(self.draw(st.integers(0 if not first else 1, 3)))
            args = " ".join(self.operand(depth) for _ in range(argc))
            return f"{fn} {args}".strip()
        if not first:
            return self.pick(["print", "len", "not", "html", 'printf "%v"'])
        return self.operand(depth)

    def pipeline(self, depth: int, allow_decl: bool = True) -> str:
        decl = ""
        if allow_decl and self.chance(0.2):
            if len(self.vars) > 1 and self.chance(0.3):
                decl = self.pick(self.vars[1:]) + " = "
            else:
                name = "$" + self.pick(["v", "w", "x", "y"])
                decl = name + " := "
                self.vars.append(name)
        cmds = [self.command(depth, True)]
        for _ in range(int(self.draw(st.integers(0, 2)))):
            cmds.append(self.command(depth, False))
        return decl + " | ".join(cmds)

    def action(self, depth: int) -> str:
        left = "{{- " if self.chance(0.15) else self.pick(["{{", "{{ "])
        right = " -}}" if self.chance(0.15) else self.pick(["}}", " }}"])
        return f"{left}{self.pipeline(depth)}{right}"

    def text(self) -> str:
        t = str(self.draw(st.text(alphabet=ALPHABET, max_size=6)))
        return t.replace("{{", "{")

    def body(self, depth: int) -> str:
        parts = []
        for _ in range(int(self.draw(st.integers(1, 4)))):
            kinds = ["text", "action", "action", "control"] if depth > 0 else ["text", "action"]
            kind = self.pick(kinds)
            if kind == "text":
                parts.append(self.text())
            elif kind == "action":
                parts.append(self.action(depth))
            else:
                parts.append(self.control(depth - 1))
        return "".join(parts)

    def control(self, depth: int) -> str:
        kinds = ["if", "with", "range", "range", "comment", "flow"]
        if not self.in_define:  # no recursion: kancli's template depth limit is lower than Go's
            kinds.append("template")
        kind = self.pick(kinds)
        if kind == "comment":
            return "{{/* note */}}"
        if kind == "flow":
            if self.in_range or self.chance(0.1):
                return self.pick(["{{ break }}", "{{ continue }}"])
            return self.text()
        if kind == "template":
            name = self.pick(["t1", "t2"])
            arg = " " + self.operand(depth) if self.chance(0.7) else ""
            return f'{{{{ template "{name}"{arg} }}}}'
        mark = len(self.vars)
        head = kind
        if kind == "range" and self.chance(0.4):
            if self.chance(0.5):
                head += " $i, $e :="
                self.vars += ["$i", "$e"]
            else:
                head += " $e :="
                self.vars.append("$e")
        pipe = self.pipeline(depth, allow_decl=kind != "range")
        if kind == "range":
            self.in_range += 1
        body = self.body(depth)
        if kind == "range":
            self.in_range -= 1
        out = f"{{{{ {head} {pipe} }}}}{body}"
        if self.chance(0.35):
            if kind in ("if", "with") and self.chance(0.4):
                out += f"{{{{ else {kind} {self.pipeline(depth, allow_decl=False)} }}}}"
            else:
                out += "{{ else }}"
            out += self.body(depth)
        del self.vars[mark:]
        return out + "{{ end }}"

    def template(self) -> str:
        defs = ""
        for name in ("t1", "t2"):
            if self.chance(0.3):
                saved, self.vars = self.vars, ["$"]
                self.in_define = True
                defs += f'{{{{ define "{name}" }}}}{self.body(1)}{{{{ end }}}}'
                self.in_define = False
                self.vars = saved
        return defs + self.body(2)


@st.composite
def templates(draw: Any) -> str:
    """A template from the grammar (mostly valid, sometimes not)."""
    return _Gen(draw).template()

"""Go's ``regexp`` (RE2 syntax, leftmost-first) on top of Python's ``re``.

A Go pattern is translated, not passed through, because the same text means different things:
Go's ``\\d``, ``\\s``, ``\\w`` and ``\\b`` are ASCII-only, ``$`` without ``(?m)`` is the end of the
text, ``\\z`` ends the text (Python spells it ``\\Z``), ``\\12`` is octal, ``x{,3}`` is literal,
``(?i)`` may appear mid-pattern, and group names may start with a digit. Constructs RE2 rejects
(look-around, backreferences, possessive quantifiers) are rejected with Go's message; the few
RE2 features Python cannot express (``\\p{Greek}``, ``(?U)``, ``\\C``) fail with a clear message.
The match loops (``FindAll``, ``ReplaceAll``, ``Split``) follow Go's, whose handling of empty
matches differs from Python's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kancli.template.gofmt import can_backquote, quote
from kancli.template.sprig.gostrings import is_digit, is_letter

__all__ = ["GoRegexError", "GoRegexp", "compile_go", "must_compile"]

_SPACE = "\\t\\n\\f\\r "
_WORD = "0-9A-Za-z_"
_PERL_CLASSES = {"d": "0-9", "s": _SPACE, "w": _WORD}
_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": _WORD,
    "xdigit": "0-9A-Fa-f",
}
_WORD_BOUNDARY = f"(?:(?<=[{_WORD}])(?![{_WORD}])|(?<![{_WORD}])(?=[{_WORD}]))"
_NOT_WORD_BOUNDARY = f"(?:(?<=[{_WORD}])(?=[{_WORD}])|(?<![{_WORD}])(?![{_WORD}]))"
_SIMPLE_ESCAPES = {"a": "\\a", "f": "\\f", "t": "\\t", "n": "\\n", "r": "\\r", "v": "\\v"}
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MAX_REPEAT = 1000


class GoRegexError(ValueError):
    """A pattern Go's ``regexp.Compile`` rejects (or that kancli cannot translate)."""


def _error(code: str, arg: str) -> GoRegexError:
    return GoRegexError(f"error parsing regexp: {code}: `{arg}`")


@dataclass
class _Group:
    flags: str = ""  # Go flags in force (subset of "ims")
    opened: list[str] = field(default_factory=list)  # scoped groups opened by inline "(?flags)"


@dataclass
class _Translator:
    src: str
    out: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=lambda: [""])
    stack: list[_Group] = field(default_factory=lambda: [_Group()])
    i: int = 0

    def translate(self) -> str:
        s = self.src
        while self.i < len(s):
            c = s[self.i]
            if c == "\\":
                self.escape()
            elif c == "[":
                self.char_class()
            elif c == "(":
                self.open_group()
            elif c == ")":
                self.close_group()
            elif c == "|":
                self.alternate()
            elif c == "$":
                self.out.append("$" if "m" in self.stack[-1].flags else "\\Z")
                self.i += 1
            elif c in "*+?":
                self.quantifier(c, 1)
            elif c == "{":
                self.brace()
            else:
                self.out.append(c)
                self.i += 1
        if len(self.stack) > 1:
            raise _error("missing closing )", s)
        self.out.append(")" * len(self.stack[0].opened))
        return "".join(self.out)

    # -- groups and flags

    def open_group(self) -> None:
        s, i = self.src, self.i
        flags = self.stack[-1].flags
        if not s.startswith("(?", i):
            self.out.append("(")
            self.names.append("")
            self.stack.append(_Group(flags))
            self.i += 1
            return
        for bad in ("(?=", "(?!", "(?<=", "(?<!", "(?>", "(?#", "(?P=", "(?P>"):
            if s.startswith(bad, i):
                raise _error("invalid or unsupported Perl syntax", bad)
        named = re.match(r"\(\?P?<([^>]*)>", s[i:])
        if named:
            self.named_group(named)
            return
        m = re.match(r"\(\?([A-Za-z]*)(?:-([A-Za-z]*))?([:)])", s[i:])
        if m is None:
            raise _error("missing closing )", s[i:])
        on, off, end = m.group(1), m.group(2), m.group(3)
        for ch in on + (off or ""):
            if ch == "U":
                raise GoRegexError("error parsing regexp: kancli does not support the U flag")
            if ch not in "ims":
                raise _error("invalid or unsupported Perl syntax", m.group(0))
        if off == "":
            raise _error("invalid or unsupported Perl syntax", m.group(0))
        new_flags = "".join(sorted((set(flags) | set(on)) - set(off or "")))
        scoped = on + (f"-{off}" if off else "")
        self.i += m.end()
        self.out.append(f"(?{scoped}:" if scoped else "(?:")
        if end == ":":
            self.stack.append(_Group(new_flags))
        else:
            # Go applies "(?i)" to the rest of the enclosing group; Python only accepts scoped
            # flags there, so open a scoped group that closes with the enclosing one.
            top = self.stack[-1]
            top.flags = new_flags
            top.opened.append(scoped)

    def named_group(self, named: re.Match[str]) -> None:
        name = named.group(1)
        if not name or not all(ch == "_" or ch.isalnum() for ch in name):
            raise _error("invalid named capture", named.group(0))
        if name in self.names:
            raise _error("duplicate capture group name", name)
        self.out.append(f"(?P<_g{len(self.names)}>")
        self.names.append(name)
        self.stack.append(_Group(self.stack[-1].flags))
        self.i += named.end()

    def close_group(self) -> None:
        if len(self.stack) == 1:
            raise _error("unexpected )", self.src)
        group = self.stack.pop()
        self.out.append(")" * len(group.opened))
        self.out.append(")")
        self.i += 1

    def alternate(self) -> None:
        group = self.stack[-1]
        self.out.append(")" * len(group.opened))
        self.out.append("|")
        self.out.extend(f"(?{scoped}:" if scoped else "(?:" for scoped in group.opened)
        self.i += 1

    # -- repetition

    def quantifier(self, op: str, length: int) -> None:
        s = self.src
        self.out.append(s[self.i : self.i + length])
        self.i += length
        if self.i < len(s) and s[self.i] == "?":
            self.out.append("?")
            self.i += 1
        if (self.i < len(s) and s[self.i] in "*+?") or (
            self.i < len(s) and self._repeat_at(self.i)
        ):
            nxt = s[self.i]
            raise _error("invalid nested repetition operator", op + nxt)

    def _repeat_at(self, i: int) -> re.Match[str] | None:
        return re.match(r"\{([0-9]+)(,([0-9]*))?\}", self.src[i:])

    def brace(self) -> None:
        m = self._repeat_at(self.i)
        if m is None:
            self.out.append("\\{")
            self.i += 1
            return
        lo = int(m.group(1))
        hi = m.group(3)
        if lo > _MAX_REPEAT or (hi and int(hi) > _MAX_REPEAT) or (hi and int(hi) < lo):
            raise _error("invalid repeat count", m.group(0))
        self.quantifier("{", m.end())

    # -- escapes

    def _escape_value(self) -> str:
        """Translate the escape at ``self.i`` to Python syntax usable in (or out of) a class."""
        s = self.src
        if self.i + 1 >= len(s):
            raise _error("trailing backslash at end of expression", "")
        c = s[self.i + 1]
        self.i += 2
        if c in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[c]
        if c in "01234567":
            digits = c
            while len(digits) < 3 and self.i < len(s) and s[self.i] in "01234567":
                digits += s[self.i]
                self.i += 1
            if c != "0" and len(digits) == 1:
                raise _error("invalid escape sequence", "\\" + c)
            return f"\\x{int(digits, 8):02x}"
        if c == "x":
            m = re.match(r"\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{2})", s[self.i :])
            if m is None:
                raise _error("invalid escape sequence", s[self.i - 2 : self.i + 2])
            self.i += m.end()
            code = int(m.group(1) or m.group(2), 16)
            if code > 0x10FFFF:
                raise _error("invalid escape sequence", m.group(0))
            return f"\\U{code:08x}"
        if c in _PUNCT:
            return "\\" + c
        if c in "pP":
            raise GoRegexError(
                f"error parsing regexp: kancli does not support \\{c} Unicode classes"
            )
        raise _error("invalid escape sequence", "\\" + c)

    def escape(self) -> None:
        s = self.src
        c = s[self.i + 1] if self.i + 1 < len(s) else ""
        simple = {"A": "\\A", "z": "\\Z", "b": _WORD_BOUNDARY, "B": _NOT_WORD_BOUNDARY}
        if c in simple:
            self.out.append(simple[c])
            self.i += 2
        elif c and c in "dsw":
            self.out.append(f"[{_PERL_CLASSES[c]}]")
            self.i += 2
        elif c and c in "DSW":
            self.out.append(f"[^{_PERL_CLASSES[c.lower()]}]")
            self.i += 2
        elif c == "Q":
            end = s.find("\\E", self.i + 2)
            literal = s[self.i + 2 :] if end < 0 else s[self.i + 2 : end]
            self.out.append(re.escape(literal))
            self.i = len(s) if end < 0 else end + 2
        else:
            self.out.append(self._escape_value())

    # -- character classes

    def char_class(self) -> None:
        s = self.src
        start = self.i
        self.i += 1
        negate = self.i < len(s) and s[self.i] == "^"
        if negate:
            self.i += 1
        items: list[str] = []
        first = True
        while True:
            if self.i >= len(s):
                raise _error("missing closing ]", s[start:])
            c = s[self.i]
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            posix = re.match(r"\[:(\^?)([a-z]+):\]", s[self.i :])
            if posix:
                if posix.group(2) not in _POSIX_CLASSES:
                    raise _error("invalid character class range", posix.group(0))
                if posix.group(1):
                    raise GoRegexError("error parsing regexp: kancli does not support [:^class:]")
                items.append(_POSIX_CLASSES[posix.group(2)])
                self.i += posix.end()
                continue
            if c == "\\" and self.i + 1 < len(s) and s[self.i + 1] in "dswDSW":
                letter = s[self.i + 1]
                if letter.isupper():
                    raise GoRegexError(
                        f"error parsing regexp: kancli does not support \\{letter} inside [...]"
                    )
                items.append(_PERL_CLASSES[letter])
                self.i += 2
                continue
            lo = self._class_char()
            if self.i + 1 < len(s) and s[self.i] == "-" and s[self.i + 1] != "]":
                self.i += 1
                hi = self._class_char()
                items.append(f"{lo}-{hi}")
            else:
                items.append(lo)
        self.out.append("[" + ("^" if negate else "") + "".join(items) + "]")

    def _class_char(self) -> str:
        s = self.src
        if s[self.i] == "\\":
            return self._escape_value()
        c = s[self.i]
        self.i += 1
        return "\\" + c if c in "[]\\^-&~|" else c


@dataclass
class GoRegexp:
    """A compiled Go pattern: the Python regex plus Go's capture names (index 0 is the match)."""

    expr: str
    regex: re.Pattern[str]
    names: list[str]

    def find_all(self, s: str, n: int) -> list[re.Match[str]]:
        """Go's ``allMatches``: an empty match right after the previous match is skipped."""
        if n < 0:
            n = len(s) + 1
        out: list[re.Match[str]] = []
        pos, prev_end = 0, -1
        while len(out) < n and pos <= len(s):
            m = self.regex.search(s, pos)
            if m is None:
                break
            accept = True
            if m.end() == pos:
                if m.start() == prev_end:
                    accept = False
                pos += 1
            else:
                pos = m.end()
            prev_end = m.end()
            if accept:
                out.append(m)
        return out

    def expand(self, template: str, m: re.Match[str]) -> str:
        """Go's ``Regexp.expand``: ``$1``, ``${1}``, ``$name``, ``${name}``, ``$$``."""
        out: list[str] = []
        while template:
            before, sep, after = template.partition("$")
            if not sep:
                break
            out.append(before)
            template = after
            if template.startswith("$"):
                out.append("$")
                template = template[1:]
                continue
            parsed = _extract(template)
            if parsed is None:
                out.append("$")
                continue
            name, num, template = parsed
            index = num if num >= 0 else (self.names.index(name) if name in self.names else -1)
            if 0 <= index < len(self.names) and m.group(index) is not None and (num >= 0 or name):
                out.append(m.group(index))
        out.append(template)
        return "".join(out)

    def replace_all(self, src: str, repl: str, literal: bool) -> str:
        """Go's ``replaceAll`` loop."""
        out: list[str] = []
        last_end = search = 0
        while search <= len(src):
            m = self.regex.search(src, search)
            if m is None:
                break
            out.append(src[last_end : m.start()])
            if m.end() > last_end or m.start() == 0:
                out.append(repl if literal else self.expand(repl, m))
            last_end = m.end()
            search = search + 1 if search + 1 > m.end() else m.end()
        out.append(src[last_end:])
        return "".join(out)

    def split(self, s: str, n: int) -> list[str]:
        """Go's ``Regexp.Split``."""
        if n == 0:
            return []
        if self.expr and not s:
            return [""]
        out: list[str] = []
        beg = end = 0
        for m in self.find_all(s, n):
            if n > 0 and len(out) == n - 1:
                break
            end = m.start()
            if m.end() != 0:
                out.append(s[beg:end])
            beg = m.end()
        if end != len(s):
            out.append(s[beg:])
        return out


def _extract(template: str) -> tuple[str, int, str] | None:
    brace = template.startswith("{")
    body = template[1:] if brace else template
    i = 0
    while i < len(body) and (is_letter(body[i]) or is_digit(body[i]) or body[i] == "_"):
        i += 1
    if i == 0:
        return None
    name = body[:i]
    if brace:
        if i >= len(body) or body[i] != "}":
            return None
        i += 1
    num = int(name) if name.isascii() and name.isdigit() and len(name) < 9 else -1
    if name.startswith("0") and len(name) > 1:
        num = -1
    return name, num, body[i:]


def compile_go(expr: str) -> GoRegexp:
    """``regexp.Compile``; GoRegexError with Go's message for patterns RE2 rejects."""
    translator = _Translator(expr)
    pattern = translator.translate()
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise GoRegexError(f"error parsing regexp: {exc.msg}: `{expr}`") from None
    return GoRegexp(expr, regex, translator.names)


def must_compile(expr: str) -> GoRegexp:
    """``regexp.MustCompile``: the panic text is ``regexp: Compile(`expr`): <error>``."""
    try:
        return compile_go(expr)
    except GoRegexError as exc:
        shown = "`" + expr + "`" if can_backquote(expr) else quote(expr)
        raise GoRegexError(f"regexp: Compile({shown}): {exc}") from None

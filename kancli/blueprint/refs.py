"""Find which phases, artifacts and defer outputs a Go template refers to, without running it.

The validator needs to know that ``{{ .Phases.dump.Output.path }}`` reads phase ``dump`` and that
``{{ index .ArtifactsIn "cloudObject" "KeyValue" "path" }}`` reads artifact ``cloudObject``. The
template engine's AST is not part of its public API, so this module scans the template text with
a small lexer that knows Go's action delimiters, trim markers, comments, quoted/raw strings and
field chains, and recognises the two forms Blueprints use:

* field chains rooted at the data: ``.Phases.NAME...``, ``$.Phases.NAME...``;
* ``index`` on the root field: ``index .Phases "NAME" ...``, ``(index .Phases "NAME").Output.k``.

Dot-relative chains inside ``with``, ``range``, ``define`` and ``block`` bodies are skipped, since
the dot is no longer the root there (``$.`` chains are still found). Names computed at run time
(``index .Phases $name``) cannot be known and are not reported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

ROOTS = frozenset({"Phases", "ArtifactsIn", "DeferPhase"})
_NAMED_ROOTS = frozenset({"Phases", "ArtifactsIn"})

_TOKEN = re.compile(
    r"""
    (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<char>'(?:[^'\\\n]|\\.)*')
  | (?P<var>\$[A-Za-z0-9_]*)
  | (?P<chain>(?:\.[A-Za-z_][A-Za-z0-9_]*)+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_OPENERS = frozenset({"if", "with", "range", "define", "block"})
_DOT_REBINDING = frozenset({"with", "range", "define", "block"})


@dataclass(frozen=True)
class TemplateRef:
    """A reference to ``.<root>`` in a template.

    ``name`` is the phase or artifact name for ``Phases`` and ``ArtifactsIn`` (None for
    ``DeferPhase``); ``rest`` the field names that follow (e.g. ``("Output", "path")``).
    ``line`` and ``column`` (1-based) locate the reference inside the template text.
    """

    root: str
    name: str | None
    rest: tuple[str, ...]
    line: int
    column: int


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    offset: int


def find_references(text: str) -> list[TemplateRef]:
    """Every static reference to ``.Phases``, ``.ArtifactsIn`` or ``.DeferPhase`` in ``text``."""
    if "{{" not in text:
        return []
    refs: list[TemplateRef] = []
    blocks: list[str] = []
    for start, body in _actions(text):
        tokens = [
            _Token(m.lastgroup or "other", m.group(), start + m.start())
            for m in _TOKEN.finditer(body)
        ]
        keyword = next((t.text for t in tokens if t.kind != "space"), "")
        dot_is_root = not any(kind in _DOT_REBINDING for kind in blocks)
        refs.extend(_scan(tokens, text, dot_is_root=dot_is_root))
        if keyword in _OPENERS:
            blocks.append(keyword)
        elif keyword == "end" and blocks:
            blocks.pop()
    return refs


def _actions(text: str) -> list[tuple[int, str]]:
    """(offset of body, body) for each ``{{ ... }}`` action, comments and trim markers removed."""
    result: list[tuple[int, str]] = []
    pos = 0
    while True:
        open_at = text.find("{{", pos)
        if open_at < 0:
            return result
        body_start = open_at + 2
        if text[body_start : body_start + 1] == "-" and text[body_start + 1 : body_start + 2] in (
            " ",
            "\t",
            "\r",
            "\n",
        ):
            body_start += 1
        end = _action_end(text, body_start)
        body_end = end
        if text[body_end - 1 : body_end] == "-" and text[body_end - 2 : body_end - 1].isspace():
            body_end -= 1
        body = text[body_start:body_end]
        if not body.strip().startswith("/*"):
            result.append((body_start, body))
        pos = end + 2


def _action_end(text: str, pos: int) -> int:
    """Index of the ``}}`` closing the action starting at ``pos`` (strings may contain ``}}``)."""
    index = pos
    length = len(text)
    while index < length:
        char = text[index]
        if char in "\"'":
            index += 1
            while index < length and text[index] not in (char, "\n"):
                index += 2 if text[index] == "\\" else 1
        elif char == "`":
            close = text.find("`", index + 1)
            index = length if close < 0 else close
        elif text.startswith("/*", index):
            close = text.find("*/", index + 2)
            index = length if close < 0 else close + 1
        elif text.startswith("}}", index):
            return index
        index += 1
    return length


def _scan(tokens: list[_Token], text: str, *, dot_is_root: bool) -> list[TemplateRef]:
    refs = []
    significant = [t for t in tokens if t.kind != "space"]
    for index, token in enumerate(tokens):
        if token.kind != "chain":
            continue
        previous = tokens[index - 1] if index else None
        if not _starts_at_root(previous, dot_is_root=dot_is_root):
            continue
        fields = token.text[1:].split(".")
        if fields[0] not in ROOTS:
            continue
        start = previous.offset if previous is not None and previous.kind == "var" else token.offset
        if len(fields) == 1:
            ref = _index_form(significant, token, fields[0], text)
            if ref is not None:
                refs.append(ref)
            continue
        name = fields[1] if fields[0] in _NAMED_ROOTS else None
        rest = tuple(fields[2:] if fields[0] in _NAMED_ROOTS else fields[1:])
        line, column = _position(text, start)
        refs.append(TemplateRef(fields[0], name, rest, line, column))
    return refs


def _starts_at_root(previous: _Token | None, *, dot_is_root: bool) -> bool:
    """Whether a field chain after ``previous`` is evaluated on the template's root data."""
    if previous is None:
        return dot_is_root
    if previous.kind == "var":
        return previous.text == "$"
    if previous.kind in ("ident", "chain", "string", "raw") or previous.text in (")", "]"):
        return False
    return dot_is_root


def _index_form(
    significant: list[_Token], root_token: _Token, root: str, text: str
) -> TemplateRef | None:
    """``index .Root "name" "more"...`` (optionally parenthesised and followed by fields)."""
    position = next(i for i, t in enumerate(significant) if t is root_token)
    before = significant[position - 1] if position else None
    if before is not None and before.kind == "var" and before.text == "$":
        before = significant[position - 2] if position > 1 else None
    if before is None or before.text != "index":
        return None
    literals = []
    cursor = position + 1
    while cursor < len(significant) and significant[cursor].kind in ("string", "raw"):
        literals.append(_unquote(significant[cursor].text))
        cursor += 1
    if cursor < len(significant) and significant[cursor].text == ")":
        after = significant[cursor + 1] if cursor + 1 < len(significant) else None
        adjacent = after is not None and after.offset == significant[cursor].offset + 1
        if after is not None and after.kind == "chain" and adjacent:
            literals.extend(after.text[1:].split("."))
    line, column = _position(text, before.offset)
    if root in _NAMED_ROOTS:
        if not literals:
            return None
        return TemplateRef(root, literals[0], tuple(literals[1:]), line, column)
    return TemplateRef(root, None, tuple(literals), line, column)


def _unquote(literal: str) -> str:
    if literal.startswith("`"):
        return literal[1:-1]
    try:
        value = json.loads(literal)
    except ValueError:
        return literal[1:-1]
    return value if isinstance(value, str) else literal[1:-1]


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column

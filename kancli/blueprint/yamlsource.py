"""YAML reading for Blueprints: nodes with positions, Kubernetes' scalar rules, no silent data loss.

Kanister never sees YAML: ``kubectl`` turns the file into JSON with ``sigs.k8s.io/yaml``, whose
scalar resolution is go-yaml v2's. kancli reads the same file directly, so this module composes the
YAML with PyYAML (keeping every node's mark) and then converts nodes to JSON-like values itself,
following go-yaml v2 for plain scalars: ``y``/``n``/``yes``/``on``... are booleans, ``1e3`` is a
float, ``0o17`` is an int, timestamps and ``1:30`` stay strings. Where YAML would silently lose
data, this module reports a problem instead: duplicate keys (YAML keeps the last one), null values
in args (Kanister's renderer panics on them), unsupported tags, alias bombs and absurd nesting.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from kancli.blueprint.model import ArgPath, Problem, Severity, SourceLocation, TextSpan

# libyaml is much faster on big files and marks positions identically; PyYAML without it falls
# back to the pure-Python loader.
if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Tag given to plain (unquoted, untagged) scalars so that go-yaml's rules can resolve them.
_PLAIN = "tag:kancli,2024:plain"
_STD = "tag:yaml.org,2002:"
MAX_VALUES = 200_000
MAX_DEPTH = 100

_BOOL_WORDS = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE"), True),
    **dict.fromkeys(("on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE"), False),
    **dict.fromkeys(("off", "Off", "OFF"), False),
}
_NULL_WORDS = frozenset(("", "~", "null", "Null", "NULL"))
_SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_GO_INT = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z")
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?\Z")
_INT64 = (-(2**63), 2**63 - 1)


class _Loader(_BaseLoader):
    """PyYAML's safe loader, except that plain scalars are left for :func:`resolve_plain`."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        resolved: str = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return resolved


def _go_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64) after go-yaml removed underscores; None when it fails."""
    if not _GO_INT.match(text):
        return None
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if len(digits) > 1 and digits[0] == "0" and digits[1] not in "xXoObB":
        value = int(digits, 8)
    else:
        value = int(digits, 0)
    return sign * value


def resolve_plain(text: str) -> Any:
    """Resolve a plain scalar as go-yaml v2 does when decoding into ``interface{}``."""
    if text in _NULL_WORDS:
        return None
    if text in _BOOL_WORDS:
        return _BOOL_WORDS[text]
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    first = text[0]
    if first == ".":
        return float(text) if _DOT_FLOAT.match(text) else text
    if first not in "+-0123456789":
        return text
    plain = text.replace("_", "")
    number = _go_int(plain)
    if number is not None and _INT64[0] <= number < 2**64:
        return number
    if _YAML_STYLE_FLOAT.match(plain):
        return float(plain)
    return text


def is_null(node: yaml.Node) -> bool:
    """Whether ``node`` is a YAML null: ``~``, ``null``, nothing, or ``!!null``; not ``""``."""
    return (
        isinstance(node, yaml.ScalarNode)
        and node.tag in (_PLAIN, _STD + "null")
        and node.value in _NULL_WORDS
    )


def key_text(value: Any) -> str:
    """The JSON object key a resolved YAML key becomes (sigs.k8s.io/yaml's conversion)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass
class NodeReader:
    """Turns composed nodes into plain values, recording spans and problems as it goes."""

    source: str
    lines: list[str]
    problems: list[Problem] = field(default_factory=list)
    _count: int = 0

    # -- positions ---------------------------------------------------------------------------
    def location(self, node: yaml.Node) -> SourceLocation:
        mark = node.start_mark
        return SourceLocation(self.source, mark.line + 1, mark.column + 1)

    def span(self, node: yaml.Node, text: str) -> TextSpan:
        """Where the characters of the string scalar ``node`` (value ``text``) sit."""
        loc = self.location(node)
        style = getattr(node, "style", None) or ""
        start, end = node.start_mark, node.end_mark
        if style in ("", "'", '"') and start.line == end.line and "\n" not in text:
            column = start.column + (1 if style else 0)
            source_line = self.lines[start.line] if start.line < len(self.lines) else ""
            exact = source_line[column : column + len(text)] == text
            return TextSpan(loc, start.line + 1, column + 1, is_exact=exact)
        if style == "|":
            indent = self._literal_indent(start.line + 1, text)
            if indent is not None:
                return TextSpan(loc, start.line + 2, indent + 1, is_exact=True)
        return TextSpan(loc, loc.line, loc.column, is_exact=False)

    def _literal_indent(self, first_line: int, text: str) -> int | None:
        """The indentation of a literal block whose content starts at ``first_line`` (0-based)."""
        content = text.split("\n")
        if content and content[-1] == "":
            content.pop()
        indent: int | None = None
        for offset, piece in enumerate(content):
            index = first_line + offset
            if index >= len(self.lines):
                return None
            source_line = self.lines[index]
            if piece == "":
                if source_line.strip():
                    return None
                continue
            if indent is None:
                indent = len(source_line) - len(piece)
                if indent < 0 or source_line[:indent].strip():
                    return None
            if source_line[indent:] != piece:
                return None
        return indent

    # -- problems ----------------------------------------------------------------------------
    def error(self, node: yaml.Node, path: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.location(node), path, message, Severity.ERROR, hint))

    def warn(self, node: yaml.Node, path: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.location(node), path, message, Severity.WARNING, hint))

    # -- scalars and mappings ----------------------------------------------------------------
    def scalar(self, node: yaml.ScalarNode, path: str) -> Any:
        tag = node.tag
        if tag == _PLAIN:
            return resolve_plain(node.value)
        if tag == _STD + "str":
            return node.value
        if tag in (_STD + "int", _STD + "float", _STD + "bool", _STD + "null"):
            return resolve_plain(node.value)
        self.error(node, path, f"unsupported YAML tag {tag!r}", hint="remove the tag")
        return node.value

    def mapping_items(self, node: yaml.MappingNode, path: str) -> list[tuple[str, Any, Any]]:
        """(key, key node, value node) in file order, merge keys applied, duplicates reported."""
        explicit: list[tuple[str, Any, Any]] = []
        merged: dict[str, tuple[str, Any, Any]] = {}
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, path, "a mapping key must be a plain value, not a collection")
                continue
            if key_node.tag == _PLAIN and key_node.value == "<<":
                for source in self._merge_sources(value_node, path):
                    for item in self.mapping_items(source, path):
                        merged.setdefault(item[0], item)
                continue
            key = key_text(self.scalar(key_node, path))
            if key in seen:
                first = seen[key].start_mark.line + 1
                self.error(
                    key_node,
                    _join(path, key),
                    f'duplicate key "{key}" (first defined on line {first})',
                    hint="YAML would silently keep only the last value; remove one of them",
                )
                explicit = [item for item in explicit if item[0] != key]
            seen[key] = key_node
            explicit.append((key, key_node, value_node))
        overridden = {item[0] for item in explicit}
        inherited = [item for key, item in merged.items() if key not in overridden]
        return inherited + explicit

    def _merge_sources(self, node: yaml.Node, path: str) -> list[yaml.MappingNode]:
        if isinstance(node, yaml.MappingNode):
            return [node]
        if isinstance(node, yaml.SequenceNode) and all(
            isinstance(item, yaml.MappingNode) for item in node.value
        ):
            return list(node.value)
        self.error(node, path, "a merge key (<<) needs a mapping or a list of mappings")
        return []

    # -- generic values ----------------------------------------------------------------------
    def value(
        self,
        node: yaml.Node,
        path: str,
        *,
        spans: dict[ArgPath, TextSpan] | None = None,
        key_spans: dict[ArgPath, TextSpan] | None = None,
        arg_path: ArgPath = (),
        null_message: str | None = None,
        _depth: int = 0,
        _active: frozenset[int] = frozenset(),
    ) -> Any:
        """A JSON-like value for ``node``; string spans go to ``spans`` keyed by ``arg_path``.

        With ``null_message``, a null anywhere below is reported as an error with that text.
        """
        self._count += 1
        if self._count > MAX_VALUES:
            if self._count == MAX_VALUES + 1:
                self.error(node, path, f"more than {MAX_VALUES} values (YAML aliases expanded)")
            return None
        if _depth > MAX_DEPTH:
            self.error(node, path, f"nested more than {MAX_DEPTH} levels deep")
            return None
        if id(node) in _active:
            self.error(node, path, "a YAML alias refers to its own ancestor (recursive data)")
            return None
        active = _active | {id(node)}

        def child(sub: yaml.Node, sub_path: str, sub_arg: ArgPath) -> Any:
            return self.value(
                sub,
                sub_path,
                spans=spans,
                key_spans=key_spans,
                arg_path=sub_arg,
                null_message=null_message,
                _depth=_depth + 1,
                _active=active,
            )

        if isinstance(node, yaml.ScalarNode):
            result = self.scalar(node, path)
            if result is None and null_message is not None:
                hint = 'write "" for an empty string, or remove the key'
                self.error(node, path, null_message, hint=hint)
            if isinstance(result, str) and spans is not None:
                spans[arg_path] = self.span(node, result)
            return result
        if isinstance(node, yaml.SequenceNode):
            self._check_collection_tag(node, path, "seq")
            return [
                child(item, f"{path}[{index}]", (*arg_path, index))
                for index, item in enumerate(node.value)
            ]
        if isinstance(node, yaml.MappingNode):
            self._check_collection_tag(node, path, "map")
            result_map: dict[str, Any] = {}
            for key, key_node, value_node in self.mapping_items(node, path):
                sub_arg = (*arg_path, key)
                if key_spans is not None:
                    key_spans[sub_arg] = self.span(key_node, key)
                result_map[key] = child(value_node, _join(path, key), sub_arg)
            return result_map
        self.error(node, path, "unsupported YAML node")  # pragma: no cover - composer invariant
        return None

    def _check_collection_tag(self, node: yaml.Node, path: str, kind: str) -> None:
        if node.tag != _STD + kind:
            self.error(node, path, f"unsupported YAML tag {node.tag!r}", hint="remove the tag")


def _join(path: str, key: str) -> str:
    """Extend a dotted path; keys that are not identifiers are bracketed and quoted."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key):
        return f"{path}.{key}" if path else key
    return f'{path}["{key}"]'


join_path: Callable[[str, str], str] = _join


def compose_documents(text: str, source: str) -> list[yaml.Node]:
    """Compose every document of ``text``; empty documents are dropped.

    Raises :class:`yaml.MarkedYAMLError` (or ``yaml.YAMLError``) for malformed YAML; the loader
    turns it into a :class:`~kancli.errors.BlueprintError` with the position.
    """
    loader = _Loader(text)
    try:
        documents: list[yaml.Node] = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                documents.append(node)
        return documents
    finally:
        loader.dispose()

"""The part of kubectl's JSONPath that Wait conditions use (kanister-behaviour.md 5.16).

Kanister's Wait replaces each ``{$.path}`` in a condition with what kubectl's JSONPath printer
prints for ``{.path}`` on the fetched object. This module evaluates such a path over the object's
JSON: fields (``.a.b``, ``['a.b']``), ``*``, recursive descent (``..name``), indexes (``[0]``,
``[-1]``), slices (``[1:3]``), unions (``[0,2]``, ``['a','b']``) and filters
(``[?(@.type=="Ready")]`` with ``== != < <= > >=`` or a bare ``@.path`` for existence).
Results print as kubectl prints them: strings raw, numbers and booleans as Go's ``fmt`` does,
maps and lists as compact JSON, several results separated by a space. A missing field is an
error ``<name> is not found``, as with kubectl's printer (missing keys are not allowed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kancli.errors import FunctionError
from kancli.template.builtins import sprint


class JsonPathError(FunctionError):
    """The path does not apply to the object (a missing field, an index out of range)."""


class JsonPathSyntaxError(JsonPathError):
    """The path does not parse."""


@dataclass(frozen=True)
class _Field:
    names: tuple[str, ...]  # "*" means every value


@dataclass(frozen=True)
class _Recursive:
    name: str  # "*" means every value at every depth


@dataclass(frozen=True)
class _Index:
    indexes: tuple[int, ...]


@dataclass(frozen=True)
class _Slice:
    start: int | None
    end: int | None
    step: int | None


@dataclass(frozen=True)
class _Filter:
    path: tuple[Any, ...]
    op: str  # "" = exists
    literal: Any


_Step = _Field | _Recursive | _Index | _Slice | _Filter
_NAME = re.compile(r"[^.\[\]\s()=!<>,'\"]+")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def parse(path: str) -> tuple[_Step, ...]:
    """Parse the inside of ``{...}``, with or without the leading ``$``."""
    text = path.strip()
    if text.startswith("$"):
        text = text[1:]
    steps, rest = _parse_steps(text)
    if rest.strip():
        raise JsonPathSyntaxError(f"unrecognized character in action: {rest.strip()[0]!r}")
    return steps


def _parse_steps(text: str) -> tuple[tuple[_Step, ...], str]:
    steps: list[_Step] = []
    while text:
        if text.startswith(".."):
            match = _NAME.match(text, 2)
            if match is None:
                raise JsonPathSyntaxError(f"invalid recursive descent at {text!r}")
            steps.append(_Recursive(match.group(0)))
            text = text[match.end() :]
        elif text.startswith("."):
            match = _NAME.match(text, 1)
            if match is None:
                if text == "." or text[1:2] == "[":
                    text = text[1:]  # ".[0]" and a bare "." (the object itself)
                    continue
                raise JsonPathSyntaxError(f"invalid field at {text!r}")
            steps.append(_Field((match.group(0),)))
            text = text[match.end() :]
        elif text.startswith("["):
            step, text = _parse_bracket(text)
            steps.append(step)
        else:
            break
    return tuple(steps), text


def _parse_bracket(text: str) -> tuple[_Step, str]:
    if text.startswith("[?("):
        close = _matching_filter_end(text)
        body = text[3:close].strip()
        return _parse_filter(body), text[close + 2 :]
    end = text.find("]")
    if end < 0:
        raise JsonPathSyntaxError("unterminated array")
    body = text[1:end].strip()
    rest = text[end + 1 :]
    if body == "*":
        return _Field(("*",)), rest
    if body[:1] in ("'", '"'):
        names = tuple(_unquote(part.strip()) for part in _split_union(body))
        return _Field(names), rest
    if ":" in body:
        parts = [p.strip() for p in body.split(":")]
        if len(parts) > 3:
            raise JsonPathSyntaxError(f"invalid array slice {body!r}")
        nums = [_int(p, body) if p else None for p in parts] + [None] * (3 - len(parts))
        return _Slice(nums[0], nums[1], nums[2]), rest
    return _Index(tuple(_int(p.strip(), body) for p in body.split(","))), rest


def _matching_filter_end(text: str) -> int:
    depth, quote = 0, ""
    for i in range(2, len(text)):
        char = text[i]
        if quote:
            if char == quote:
                quote = ""
        elif char in ("'", '"'):
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and text[i + 1 : i + 2] == "]":
                return i
    raise JsonPathSyntaxError("unterminated filter")


def _parse_filter(body: str) -> _Filter:
    if not body.startswith("@"):
        raise JsonPathSyntaxError(f"unrecognized filter {body!r}")
    steps, rest = _parse_steps(body[1:])
    rest = rest.strip()
    if not rest:
        return _Filter(steps, "", None)
    for op in ("==", "!=", "<=", ">=", "<", ">"):
        if rest.startswith(op):
            return _Filter(steps, op, _literal(rest[len(op) :].strip()))
    raise JsonPathSyntaxError(f"unrecognized filter operator in {body!r}")


def _literal(text: str) -> Any:
    if text[:1] in ("'", '"'):
        return _unquote(text)
    if _NUMBER.fullmatch(text):
        return float(text) if any(c in text for c in ".eE") else int(text)
    if text in ("true", "false"):
        return text == "true"
    raise JsonPathSyntaxError(f"unrecognized literal {text!r}")


def _split_union(body: str) -> list[str]:
    parts, current, quote = [], "", ""
    for char in body:
        if quote:
            current += char
            if char == quote:
                quote = ""
        elif char in ("'", '"'):
            quote = char
            current += char
        elif char == ",":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def _unquote(text: str) -> str:
    if len(text) < 2 or text[0] != text[-1] or text[0] not in ("'", '"'):
        raise JsonPathSyntaxError(f"unterminated string {text!r}")
    return text[1:-1]


def _int(text: str, body: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise JsonPathSyntaxError(f"invalid array index {body!r}") from None


# -- evaluation ---------------------------------------------------------------------------------


def find(obj: Any, steps: tuple[_Step, ...]) -> list[Any]:
    """Every value the path selects in ``obj``, in document order."""
    values = [obj]
    for step in steps:
        values = _STEP[type(step)](step, values)
    return values


def _field(step: Any, values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        for name in step.names:
            if name == "*":
                if isinstance(value, dict):
                    out.extend(value[k] for k in sorted(value))
                elif isinstance(value, list):
                    out.extend(value)
            elif isinstance(value, dict) and name in value:
                out.append(value[name])
            else:
                raise JsonPathError(f"{name} is not found")
    return out


def _recursive(step: Any, values: list[Any]) -> list[Any]:
    out: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if step.name == "*":
                out.extend(value[k] for k in sorted(value))
            elif step.name in value:
                out.append(value[step.name])
            for key in sorted(value):
                walk(value[key])
        elif isinstance(value, list):
            if step.name == "*":
                out.extend(value)
            for item in value:
                walk(item)

    for value in values:
        walk(value)
    return out


def _index(step: Any, values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if not isinstance(value, list):
            raise JsonPathError(f"can not index a non-array value: {_text(value)}")
        for index in step.indexes:
            at = index + len(value) if index < 0 else index
            if not 0 <= at < len(value):
                raise JsonPathError(
                    f"array index out of bounds: index {index}, length {len(value)}"
                )
            out.append(value[at])
    return out


def _slice(step: Any, values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if not isinstance(value, list):
            raise JsonPathError(f"can not slice a non-array value: {_text(value)}")
        out.extend(value[slice(step.start, step.end, step.step)])
    return out


def _filter(step: Any, values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            try:
                found = find(item, step.path)
            except JsonPathError:
                continue
            if not step.op:
                if found:
                    out.append(item)
            elif any(_compare(f, step.op, step.literal) for f in found):
                out.append(item)
    return out


def _compare(left: Any, op: str, right: Any) -> bool:
    numbers = (int, float)
    if isinstance(left, bool) or isinstance(right, bool):
        comparable = isinstance(left, bool) and isinstance(right, bool)
    else:
        comparable = isinstance(left, numbers) == isinstance(right, numbers) and (
            isinstance(left, numbers) or (isinstance(left, str) and isinstance(right, str))
        )
    if op == "==":
        return comparable and bool(left == right)
    if op == "!=":
        return not comparable or bool(left != right)
    if not comparable or isinstance(left, bool):
        return False
    return bool(_ORDER[op](left, right))


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_STEP: dict[type, Callable[[Any, list[Any]], list[Any]]] = {
    _Field: _field,
    _Recursive: _recursive,
    _Index: _index,
    _Slice: _slice,
    _Filter: _filter,
}


def _text(value: Any) -> str:
    """One result as kubectl's JSONPath printer shows it: scalars with Go's ``fmt.Sprint``,
    maps and lists as compact JSON with Go's HTML escaping."""
    if isinstance(value, dict | list):
        text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return sprint(value)


def resolve_to_string(obj: Any, path: str) -> str:
    """What kubectl's JSONPath printer prints for ``{path}`` on ``obj``."""
    return " ".join(_text(v) for v in find(obj, parse(path)))


#: Kanister's pattern for a JSONPath in a Wait condition: ``{$...}`` (the ``}`` is not matched).
CONDITION_JSONPATH = re.compile(r"{\s*\$([^}]*)")


def substitute(condition: str, obj: Any) -> str:
    """Replace every ``{$.path}`` in ``condition`` with its value in ``obj`` (Kanister's
    ``resolveJsonpath``). A path that does not parse becomes the empty string, as in Kanister;
    a path that does not apply raises :class:`JsonPathError`."""
    result = condition
    for match in CONDITION_JSONPATH.finditer(condition):
        source = match.group(0) + "}"
        try:
            value = resolve_to_string(obj, match.group(1).strip())
        except JsonPathSyntaxError:
            value = ""
        result = result.replace(source, value)
    return result

"""Kanister's rendering of Blueprint strings and argument trees (kanister-behaviour.md §3.1, §3.3).

Every templated string in a Blueprint is rendered on its own, as a template named ``config``,
with ``missingkey=error``, sprig plus Go's builtins, over the template parameters. A missing map
key is reported the way Kanister reports it (``Failed to render template: "k" not found``);
other errors keep Go's text. Argument trees are rendered recursively, map keys included.

Deliberate deviation: Kanister's Go code panics on an argument whose value is YAML null; kancli
raises a TemplateError naming the argument instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from kancli.template.engine import DEFAULT_NAME, GoTemplateError, parse
from kancli.template.exec import DEFAULT_LIMITS, Limits

UNDEFINED_KEY_MSG = "map has no entry for key "


def render_string(text: str, data: Any, *, limits: Limits = DEFAULT_LIMITS) -> str:
    """Kanister's ``renderStringArg``: render one Blueprint string; raises GoTemplateError."""
    if "{{" not in text:
        return text  # no action can be in it; parsing would return the text unchanged
    tmpl = parse(text, name=DEFAULT_NAME)
    try:
        return tmpl.execute(data, missingkey="error", limits=limits)
    except GoTemplateError as exc:
        msg = exc.go_message
        at = msg.rfind(UNDEFINED_KEY_MSG)
        if at < 0:
            raise
        key = msg[at + len(UNDEFINED_KEY_MSG) :].strip('"')
        raise GoTemplateError(
            f'Failed to render template: "{key}" not found',
            template=exc.template,
            line=exc.line,
            column=exc.column,
            stage=exc.stage,
            go_message=msg,
        ) from None


def check_syntax(text: str) -> None:
    """Parse ``text`` as Kanister would (functions included); raise GoTemplateError if invalid."""
    if "{{" in text:
        parse(text, name=DEFAULT_NAME)


def render_args(args: Any, data: Any, *, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Kanister's recursive ``render``: strings are rendered, lists and maps rebuilt with their
    elements (and map keys) rendered, dataclass instances rebuilt field by field; numbers and
    booleans pass through. A None value raises a GoTemplateError naming its path."""
    return _render(args, data, limits, "args")


def _render(value: Any, data: Any, limits: Limits, path: str) -> Any:
    if isinstance(value, str):
        return render_string(value, data, limits=limits)
    if value is None:
        raise GoTemplateError(
            f"{path} is null; Kanister cannot render a null argument value",
            template="",
            line=1,
            column=1,
            stage="exec",
            hint="give the argument a value, or remove it",
        )
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            key = _render(k, data, limits, f"{path} key {k!r}") if isinstance(k, str) else k
            out[key] = _render(v, data, limits, f"{path}.{k}")
        return out
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [_render(v, data, limits, f"{path}[{i}]") for i, v in enumerate(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _render(getattr(value, f.name), data, limits, f"{path}.{f.name}")
            for f in dataclasses.fields(value)
            if isinstance(getattr(value, f.name), str | Mapping | list | tuple)
        }
        return dataclasses.replace(value, **changes)
    return value

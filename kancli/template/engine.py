"""Parsed templates, their function maps and the errors they raise.

``parse`` turns template text into a ``Template`` (checking, as Go does, that every function it
names exists); ``Template.execute`` renders it over data. Parsed templates are immutable and are
cached by text, because kancli renders the same Blueprint strings many times (every phase, every
run) and parsing dominates the cost of small templates.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from typing import Any

from kancli.errors import TemplateError
from kancli.template.builtins import BUILTINS
from kancli.template.exec import (
    DEFAULT_LIMITS,
    MISSINGKEY_OPTIONS,
    ExecFailure,
    Limits,
    State,
)
from kancli.template.parse import ParseFailure, Tree, parse_trees
from kancli.template.values import GoFunc

DEFAULT_NAME = "config"


class GoTemplateError(TemplateError):
    """A template that failed to parse or execute.

    ``go_message`` is Go's own error text; ``message`` is what kancli shows (the same, except
    where Kanister rewrites it, e.g. ``Failed to render template: "k" not found``). ``line`` and
    ``column`` (both 1-based, column counted in characters) locate the failure within
    ``template``; the caller adds where the template sits in the Blueprint. ``stage`` is
    ``"parse"``, ``"exec"`` or ``"limit"`` (output, step or time budget exceeded).
    """

    def __init__(
        self,
        message: str,
        *,
        template: str,
        line: int,
        column: int,
        stage: str,
        go_message: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.template = template
        self.line = line
        self.column = column
        self.stage = stage
        self.go_message = go_message if go_message is not None else message


def _position(text: str, pos: int | None) -> tuple[int, int]:
    if pos is None:
        return 1, 1
    prefix = text[:pos]
    return prefix.count("\n") + 1, pos - (prefix.rfind("\n") + 1) + 1


class Template:
    """A parsed template set: the named template plus every ``{{define}}`` in its text."""

    __slots__ = ("funcs", "name", "text", "trees")

    def __init__(
        self, name: str, text: str, trees: Mapping[str, Tree], funcs: Mapping[str, GoFunc]
    ) -> None:
        self.name = name
        self.text = text
        self.trees = trees
        self.funcs = funcs

    def execute(
        self, data: Any, *, missingkey: str = "error", limits: Limits = DEFAULT_LIMITS
    ) -> str:
        """Render over ``data`` (Go's ``Execute``); raises GoTemplateError.

        ``missingkey`` is Go's option: ``"error"`` (Kanister's), ``"zero"`` or ``"default"``.
        """
        try:
            option = MISSINGKEY_OPTIONS[missingkey]
        except KeyError:
            raise ValueError(f"unrecognized option: missingkey={missingkey}") from None
        state = State(self.trees, self.name, self.funcs, option, limits)
        try:
            return state.execute(data)
        except ExecFailure as exc:
            line, column = _position(self.text, exc.pos)
            stage = "limit" if exc.limit else "exec"
            raise GoTemplateError(
                exc.message, template=self.text, line=line, column=column, stage=stage
            ) from None
        except RecursionError:
            raise GoTemplateError(
                f"template: {self.name}: template nesting too deep",
                template=self.text,
                line=1,
                column=1,
                stage="limit",
            ) from None

    def __repr__(self) -> str:
        return f"Template({self.name!r}, {self.text!r})"


def default_funcs() -> Mapping[str, GoFunc]:
    """The function map Kanister templates get besides Go's builtins: sprig v2.22 (§3.2)."""
    return _sprig_funcs()


@functools.cache
def _sprig_funcs() -> Mapping[str, GoFunc]:
    try:
        sprig = importlib.import_module("kancli.template.sprig")
    except ModuleNotFoundError as exc:
        if exc.name is not None and exc.name.startswith("kancli.template.sprig"):
            return {}
        raise
    funcs: Mapping[str, GoFunc] = getattr(sprig, "FUNCS", {})
    return funcs


class _Names:
    """The names a template may call: ``funcs`` plus the builtins (Go checks both)."""

    __slots__ = ("funcs",)

    def __init__(self, funcs: Mapping[str, GoFunc]) -> None:
        self.funcs = funcs

    def __contains__(self, name: object) -> bool:
        return name in self.funcs or name in BUILTINS


def parse(
    text: str, *, name: str = DEFAULT_NAME, funcs: Mapping[str, GoFunc] | None = None
) -> Template:
    """Parse ``text`` as a Go template named ``name``; raises GoTemplateError.

    ``funcs`` defaults to Kanister's map (sprig); Go's builtins are always available, and a
    function in ``funcs`` shadows a builtin of the same name (sprig's ``slice`` does).
    Templates parsed with the default map are cached by text.
    """
    if funcs is None:
        return _parse_default(text, name)
    return _parse(text, name, funcs)


@functools.lru_cache(maxsize=4096)
def _parse_default(text: str, name: str) -> Template:
    return _parse(text, name, default_funcs())


def _parse(text: str, name: str, funcs: Mapping[str, GoFunc]) -> Template:
    try:
        trees = parse_trees(text, name, _Names(funcs))
    except ParseFailure as exc:
        _, column = _position(text, exc.pos)
        raise GoTemplateError(
            exc.message, template=text, line=exc.line, column=column, stage="parse"
        ) from None
    return Template(name, text, trees, funcs)

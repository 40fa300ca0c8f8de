"""The state of one template execution: position, variables, output and its limits.

Go reports every execution error with the node it was *last* positioned on
(``template: config:1:11: executing "config" at <.Options.hello>: ...``); ``StateBase`` keeps
that position and formats errors as Go does. It also enforces kancli's execution bounds
(``Limits``: output size, evaluation steps and wall time), so that a hostile or mistaken
template cannot hang or exhaust a run.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from kancli.template import nodes as n
from kancli.template.parse import Tree
from kancli.template.tokens import go_quote
from kancli.template.values import GoFunc

MISSING_DEFAULT = 0
MISSING_ZERO = 1
MISSING_ERROR = 2
MISSINGKEY_OPTIONS = {
    "default": MISSING_DEFAULT,
    "invalid": MISSING_DEFAULT,
    "zero": MISSING_ZERO,
    "error": MISSING_ERROR,
}


@dataclass(frozen=True)
class Limits:
    """Bounds on one execution: output characters, evaluation steps and seconds.

    A Blueprint string renders in microseconds; the defaults only stop runaway templates (a
    ``range`` over a huge number, exponential ``template`` recursion, a gigantic output).
    """

    max_output: int = 64 * 1024 * 1024
    max_steps: int = 10_000_000
    timeout: float | None = 10.0


DEFAULT_LIMITS = Limits()


class ExecFailure(Exception):
    """An execution error in Go's words; ``pos`` is the index of the node it happened at."""

    def __init__(self, message: str, pos: int | None, *, limit: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.limit = limit


class Break(Exception):
    """``{{break}}`` unwinding to its ``range``."""


class Continue(Exception):
    """``{{continue}}`` unwinding to its ``range``."""


class StateBase:
    """What every part of an execution shares (Go's ``state`` fields)."""

    def __init__(
        self,
        trees: Mapping[str, Tree],
        name: str,
        funcs: Mapping[str, GoFunc],
        missingkey: int,
        limits: Limits,
    ) -> None:
        self.trees = trees
        self.name = name
        self.parse_name = trees[name].parse_name if name in trees else name
        self.text = trees[name].text if name in trees else ""
        self.funcs = funcs
        self.missingkey = missingkey
        self.limits = limits
        self.node: n.Node | None = None
        self.vars: list[list[Any]] = []
        self.depth = 0
        self.out: list[str] = []
        self.out_len = 0
        self.steps = 0
        self.deadline = time.monotonic() + limits.timeout if limits.timeout is not None else None

    # -- errors and output ----------------------------------------------------------------------

    def errorf(self, msg: str) -> NoReturn:
        name = go_quote(self.name)
        node = self.node
        if node is None:
            raise ExecFailure(f"template: {self.name}: {msg}", None)
        prefix = self.text[: node.pos]
        nl = prefix.rfind("\n")
        line = prefix.count("\n") + 1
        column = _byte_len(prefix if nl < 0 else prefix[nl + 1 :])
        loc = f"{self.parse_name}:{line}:{column}"
        raise ExecFailure(f"template: {loc}: executing {name} at <{node}>: {msg}", node.pos)

    def write(self, s: str) -> None:
        self.out.append(s)
        self.out_len += len(s)
        if self.out_len > self.limits.max_output:
            raise ExecFailure(
                f"template: {self.name}: output exceeds the limit of "
                f"{self.limits.max_output} characters",
                None,
                limit=True,
            )

    def tick(self) -> None:
        self.steps += 1
        if self.steps & 1023:
            return
        if self.steps > self.limits.max_steps:
            raise ExecFailure(
                f"template: {self.name}: execution exceeds the limit of "
                f"{self.limits.max_steps} steps",
                None,
                limit=True,
            )
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ExecFailure(
                f"template: {self.name}: execution exceeds the time limit of "
                f"{self.limits.timeout} seconds",
                None,
                limit=True,
            )

    # -- variables ------------------------------------------------------------------------------

    def set_var(self, name: str, value: Any) -> None:
        for entry in reversed(self.vars):
            if entry[0] == name:
                entry[1] = value
                return
        self.errorf(f"undefined variable: {name}")

    def var_value(self, name: str) -> Any:
        for entry in reversed(self.vars):
            if entry[0] == name:
                return entry[1]
        self.errorf(f"undefined variable: {name}")


def _byte_len(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode("utf-8", "surrogateescape"))

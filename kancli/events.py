"""What happens during a run, as plain frozen events, and the tiny interface that receives them.

The runner and the functions never print (STYLE.md 7): they emit events to a :class:`Reporter`.
``kancli.reporting`` turns events into a live view on a terminal, plain lines in CI or JSON lines
for machines; tests collect them with :class:`ListReporter`. Nothing here imports Rich or Typer.

Every event carries the action and, where it applies, the phase name and function, so a
reporter can render any event on its own. Times are ``time.monotonic()`` seconds for durations
and wall-clock UTC for display, taken by the emitter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any, Protocol, TypeVar


class PhaseState(enum.Enum):
    """Kanister's phase states (``pending``/``running``/``failed``/``complete``) plus skipped."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"
    SKIPPED = "skipped"


class Stream(enum.Enum):
    STDOUT = "stdout"
    STDERR = "stderr"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every event."""

    action: str
    at: dt.datetime = dataclasses.field(default_factory=_now)
    #: The object the action runs against (``deployment ns/name``); set by the runner, so that
    #: the events of several subjects running at once can be told apart.
    subject: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class ActionStarted(Event):
    blueprint: str
    subject: str
    phases: tuple[str, ...]
    defer_phase: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PhaseStarted(Event):
    phase: str
    func: str
    is_defer: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class PhaseLog(Event):
    """One line written by a phase's pod or exec'd command (already redacted)."""

    phase: str
    line: str
    stream: Stream = Stream.STDOUT
    pod: str | None = None
    container: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PhaseProgress(Event):
    """A step inside a phase worth showing ("waiting for pod x to be ready")."""

    phase: str
    message: str
    percent: float | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PhaseFinished(Event):
    phase: str
    func: str
    state: PhaseState
    duration: float
    output: Mapping[str, Any] | None = None
    error: str | None = None
    is_defer: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class ActionFinished(Event):
    state: PhaseState
    duration: float
    artifacts: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    error: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunWarning(Event):
    """Something the user should know that does not fail the run."""

    message: str
    phase: str | None = None


_E = TypeVar("_E", bound=Event)


class Reporter(Protocol):
    """Receives events in the order they happen; must not raise."""

    def emit(self, event: Event) -> None: ...


class NullReporter:
    """Discards every event (library use without output)."""

    def emit(self, event: Event) -> None:
        return None


class ListReporter:
    """Keeps every event, for tests and for callers that report at the end."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def of_type(self, kind: type[_E]) -> list[_E]:
        return [e for e in self.events if isinstance(e, kind)]

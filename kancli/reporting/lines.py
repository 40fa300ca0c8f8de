"""Reporters: events as readable lines (terminal or CI log) or as JSON lines, and redaction.

Progress always goes to stderr; stdout is kept for the final result (``--output json``) and for
the output of ``kancli func``. On a terminal the lines are coloured with Rich; with ``NO_COLOR``,
in CI or in a pipe they are plain and timestamped, so that logs read well after the fact.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Mapping
from typing import IO, Any

from kancli.events import (
    ActionFinished,
    ActionStarted,
    Event,
    PhaseFinished,
    PhaseLog,
    PhaseProgress,
    PhaseStarted,
    PhaseState,
    Reporter,
    RunWarning,
    Stream,
)
from kancli.params.redact import Redactor


class RedactingReporter:
    """Passes events on with every known secret value replaced by ``<redacted>``."""

    def __init__(self, inner: Reporter, redactor: Redactor) -> None:
        self.inner = inner
        self.redactor = redactor

    def emit(self, event: Event) -> None:
        r = self.redactor
        if isinstance(event, PhaseLog):
            event = dataclasses.replace(event, line=r.redact_text(event.line))
        elif isinstance(event, PhaseProgress | RunWarning):
            event = dataclasses.replace(event, message=r.redact_text(event.message))
        elif isinstance(event, PhaseFinished):
            event = dataclasses.replace(
                event,
                output=r.redact(event.output) if event.output is not None else None,
                error=r.redact_text(event.error) if event.error else None,
            )
        elif isinstance(event, ActionFinished):
            event = dataclasses.replace(
                event,
                artifacts=r.redact(event.artifacts),
                error=r.redact_text(event.error) if event.error else None,
            )
        self.inner.emit(event)


class FanOut:
    """Sends every event to several reporters."""

    def __init__(self, *reporters: Reporter) -> None:
        self.reporters = reporters

    def emit(self, event: Event) -> None:
        for reporter in self.reporters:
            reporter.emit(event)


class LineReporter:
    """One line per event on ``stream`` (stderr). ``color`` uses Rich markup; ``quiet`` keeps
    only failures and warnings."""

    def __init__(
        self, stream: IO[str], *, color: bool, quiet: bool = False, show_subject: bool = False
    ) -> None:
        self.stream = stream
        self.color = color
        self.quiet = quiet
        self.show_subject = show_subject  # several subjects run at once: say whose line it is
        self._lock = threading.Lock()
        self._console: Any = None
        if color:
            from rich.console import Console

            self._console = Console(file=stream, highlight=False, soft_wrap=True)

    def emit(self, event: Event) -> None:
        line = self._format(event)
        if line is None:
            return
        text, style = line
        if self.show_subject and event.subject:
            text = f"[{event.subject}] {text}"
        stamp = event.at.strftime("%H:%M:%S")
        with self._lock:
            if self._console is not None:
                from rich.text import Text

                self._console.print(Text(f"{stamp} ", style="dim") + Text(text, style=style))
            else:
                self.stream.write(f"{stamp} {text}\n")
                self.stream.flush()

    def _format(self, event: Event) -> tuple[str, str] | None:
        where = event.action
        if isinstance(event, PhaseLog):
            if self.quiet:
                return None
            tag = "!" if event.stream is Stream.STDERR else "|"
            return f"{where}/{event.phase} {tag} {event.line}", "default"
        if isinstance(event, RunWarning):
            return f"{where}: warning: {event.message}", "yellow"
        if isinstance(event, PhaseFinished) and event.state is PhaseState.FAILED:
            return f"{where}/{event.phase} ({event.func}) failed: {event.error}", "bold red"
        if self.quiet:
            return None
        if isinstance(event, ActionStarted):
            return f"{where}: {event.subject} ({len(event.phases)} phases)", "bold"
        if isinstance(event, PhaseStarted):
            kind = "deferPhase" if event.is_defer else "phase"
            return f"{where}/{event.phase} {kind} started ({event.func})", "cyan"
        if isinstance(event, PhaseProgress):
            return f"{where}/{event.phase} {event.message}", "dim"
        if isinstance(event, PhaseFinished):
            return f"{where}/{event.phase} complete in {event.duration:.2f}s", "green"
        if isinstance(event, ActionFinished):
            if event.state is PhaseState.COMPLETE:
                return f"{where}: complete in {event.duration:.2f}s", "bold green"
            return f"{where}: failed after {event.duration:.2f}s", "bold red"
        return None


class JsonLinesReporter:
    """Every event as one JSON object per line (``--events jsonl``)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self._lock = threading.Lock()

    def emit(self, event: Event) -> None:
        record = {"event": type(event).__name__, **_jsonable(dataclasses.asdict(event))}
        with self._lock:
            self.stream.write(json.dumps(record, sort_keys=True) + "\n")
            self.stream.flush()


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):
        return value.value  # enums
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value

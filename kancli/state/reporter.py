"""Record a run from its events: the one-line integration for anything that emits events.

``HistoryReporter(history, start=...)`` is a :class:`kancli.events.Reporter`; put it next to the
terminal reporter (e.g. in a fan-out) and the run is recorded as it goes. The run row is created
on :class:`~kancli.events.ActionStarted`; :meth:`finish` sets the exit code at the end (the event
stream knows the state but not the process exit code), and is called with ``failed`` on
:class:`~kancli.events.ActionFinished` if the caller never calls it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from kancli.events import (
    ActionFinished,
    ActionStarted,
    Event,
    PhaseFinished,
    PhaseLog,
    PhaseStarted,
    PhaseState,
)
from kancli.state.history import History
from kancli.state.recorder import Redact, RunRecorder
from kancli.state.records import RunStatus


@dataclasses.dataclass(frozen=True)
class RunDetails:
    """What the events do not carry but a run record needs."""

    blueprint_path: str
    blueprint_text: str
    blueprint_name: str | None = None
    options: Mapping[str, str] = dataclasses.field(default_factory=dict)
    input_artifacts: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)


class HistoryReporter:
    """A Reporter that writes the run history. Never raises (Reporter contract)."""

    def __init__(self, history: History, details: RunDetails, redact: Redact | None = None):
        self._history = history
        self._details = details
        self._redact = redact
        self.recorder: RunRecorder | None = None
        self._final_state: PhaseState | None = None
        self._final_error: str | None = None
        self.error: Exception | None = None  # the first recording failure, for the caller

    @property
    def run_id(self) -> str | None:
        return self.recorder.run_id if self.recorder else None

    def emit(self, event: Event) -> None:
        try:
            self._handle(event)
        except Exception as exc:  # history must never break the run itself
            if self.error is None:
                self.error = exc

    def finish(self, exit_code: int, *, interrupted: bool = False) -> None:
        """End the record with the process exit code (call once the run is over)."""
        if self.recorder is None:
            return
        if interrupted:
            status = RunStatus.INTERRUPTED
        elif self._final_state is PhaseState.COMPLETE and exit_code == 0:
            status = RunStatus.COMPLETE
        else:
            status = RunStatus.FAILED
        try:
            self.recorder.finish(status, exit_code, self._final_error)
        except Exception as exc:
            if self.error is None:
                self.error = exc

    def _handle(self, event: Event) -> None:
        if isinstance(event, ActionStarted):
            d = self._details
            self.recorder = self._history.start_run(
                blueprint_path=d.blueprint_path,
                blueprint_text=d.blueprint_text,
                blueprint_name=d.blueprint_name,
                action=event.action,
                subject=event.subject,
                options=d.options,
                input_artifacts=d.input_artifacts,
                redact=self._redact,
            )
            return
        recorder = self.recorder
        if recorder is None:
            return
        if isinstance(event, PhaseStarted):
            recorder.phase_started(event.phase, event.func, is_defer=event.is_defer)
        elif isinstance(event, PhaseLog):
            recorder.phase_log(event.phase, event.line)
        elif isinstance(event, PhaseFinished):
            recorder.phase_finished(
                event.phase, event.state.value, outputs=event.output, error=event.error
            )
        elif isinstance(event, ActionFinished):
            recorder.artifacts(event.artifacts)
            self._final_state = event.state
            self._final_error = event.error

"""A Rich live view of a run on a terminal: what runs now, for how long, and what it prints.

For each action (one per subject) the view shows the subject, the phase list with each phase's
state and duration, the phase and function running now with its elapsed time and last message,
and the last lines its pod or command wrote. The lines themselves also scroll above the view,
prefixed with ``action/phase``, so that nothing the pods printed is lost when the view ends.

Used only when stderr is a terminal and colour is on (not in CI, a pipe or with ``NO_COLOR``);
everywhere else :class:`~kancli.reporting.lines.LineReporter` writes plain lines.
"""

from __future__ import annotations

import collections
import dataclasses
import threading
import time
from typing import IO, Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from kancli.events import (
    ActionFinished,
    ActionStarted,
    Event,
    PhaseFinished,
    PhaseLog,
    PhaseProgress,
    PhaseStarted,
    PhaseState,
    RunWarning,
    Stream,
)

#: How many of the running phase's last output lines the view keeps.
TAIL_LINES = 5

_STATE_STYLE = {
    PhaseState.PENDING: ("·", "dim"),
    PhaseState.RUNNING: ("▶", "bold cyan"),
    PhaseState.COMPLETE: ("✓", "green"),
    PhaseState.FAILED: ("✗", "bold red"),
    PhaseState.SKIPPED: ("–", "dim"),
}


@dataclasses.dataclass
class _PhaseView:
    name: str
    func: str = ""
    state: PhaseState = PhaseState.PENDING
    started: float | None = None
    duration: float | None = None
    is_defer: bool = False


@dataclasses.dataclass
class _ActionView:
    action: str
    subject: str
    phases: dict[str, _PhaseView]
    started: float = dataclasses.field(default_factory=time.monotonic)
    current: str | None = None
    message: str = ""
    tail: collections.deque[str] = dataclasses.field(
        default_factory=lambda: collections.deque(maxlen=TAIL_LINES)
    )
    state: PhaseState = PhaseState.RUNNING
    duration: float | None = None
    error: str | None = None


class LiveReporter:
    """Keeps a Rich ``Live`` view of every action up to date; call :meth:`close` at the end.

    Thread-safe: several subjects' actions emit from their own threads.
    """

    def __init__(self, stream: IO[str], *, show_subject: bool = False) -> None:
        self.console = Console(file=stream, highlight=False)
        self.show_subject = show_subject
        self._actions: dict[tuple[str, str], _ActionView] = {}
        self._lock = threading.Lock()
        self._live = Live(
            console=self.console,
            get_renderable=self._render,
            refresh_per_second=4,
            transient=False,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._live.start()

    def close(self) -> None:
        """Draw the final state once more and stop refreshing."""
        self._live.stop()

    def emit(self, event: Event) -> None:
        with self._lock:
            self._apply(event)
        if isinstance(event, PhaseLog):
            tag = "!" if event.stream is Stream.STDERR else "|"
            lead = f"[{event.subject}] " if self.show_subject and event.subject else ""
            style = "red" if event.stream is Stream.STDERR else "default"
            self.console.print(
                Text(f"{lead}{event.action}/{event.phase} {tag} ", style="dim")
                + Text(event.line, style=style)
            )
        elif isinstance(event, RunWarning):
            self.console.print(Text(f"warning: {event.message}", style="yellow"))

    def _apply(self, event: Event) -> None:
        key = (event.action, event.subject)
        if isinstance(event, ActionStarted):
            names = [*event.phases, *([event.defer_phase] if event.defer_phase else [])]
            phases = {n: _PhaseView(n) for n in names}
            if event.defer_phase:
                phases[event.defer_phase].is_defer = True
            self._actions[key] = _ActionView(event.action, event.subject, phases)
            return
        view = self._actions.get(key)
        if view is None:
            return
        if isinstance(event, PhaseStarted):
            phase = view.phases.setdefault(event.phase, _PhaseView(event.phase))
            phase.func, phase.state = event.func, PhaseState.RUNNING
            phase.started = time.monotonic()
            view.current, view.message = event.phase, ""
            view.tail.clear()
        elif isinstance(event, PhaseFinished):
            phase = view.phases.setdefault(event.phase, _PhaseView(event.phase))
            phase.func, phase.state, phase.duration = event.func, event.state, event.duration
            view.message = event.error or ""
        elif isinstance(event, PhaseProgress):
            view.message = event.message
        elif isinstance(event, PhaseLog):
            view.tail.append(event.line)
        elif isinstance(event, ActionFinished):
            view.state, view.duration, view.error = event.state, event.duration, event.error
            view.current = None
            for phase in view.phases.values():
                if phase.state is PhaseState.PENDING:
                    phase.state = PhaseState.SKIPPED

    def _render(self) -> RenderableType:
        with self._lock:
            return Group(*(self._render_action(v) for v in self._actions.values()))

    def _render_action(self, view: _ActionView) -> RenderableType:
        now = time.monotonic()
        elapsed = view.duration if view.duration is not None else now - view.started
        head_style = {PhaseState.COMPLETE: "bold green", PhaseState.FAILED: "bold red"}.get(
            view.state, "bold"
        )
        head = Text(f"{view.action} ", style=head_style) + Text(
            f"{view.subject}  {elapsed:.1f}s", style="dim"
        )
        table = Table.grid(padding=(0, 1))
        for phase in view.phases.values():
            mark, style = _STATE_STYLE[phase.state]
            took = phase.duration
            if took is None and phase.started is not None:
                took = now - phase.started
            table.add_row(
                Text(mark, style=style),
                Text(phase.name + (" (defer)" if phase.is_defer else ""), style=style),
                Text(phase.func, style="dim"),
                Text(f"{took:.1f}s" if took is not None else "", style="dim"),
            )
        parts: list[Any] = [head, table]
        if view.current is not None and view.message:
            parts.append(Text(f"  {view.message}", style="dim"))
        if view.current is not None:
            parts.extend(Text(f"  │ {line}", style="dim") for line in view.tail)
        if view.error:
            parts.append(Text(f"  {view.error}", style="red"))
        return Group(*parts)

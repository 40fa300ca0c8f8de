"""What a Kanister Function receives when it runs: ``run(ctx, args)``.

The runner builds one :class:`FunctionContext` per phase. Functions use only what it carries
(STYLE.md section 5): the connected cluster, the template parameters the phase's args were
rendered with, a way to report progress and pod output, the phase deadline, a cancellation flag,
and a place to register cleanup that must happen even when the run is interrupted. Functions
never build clients, print, read the environment or keep module-level state.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kancli.errors import DeadlineError, InterruptedRunError

if TYPE_CHECKING:
    from kancli.events import Reporter, Stream
    from kancli.kube.facade import Kube
    from kancli.params.model import TemplateParams


#: The image Kanister uses for its data functions (kanister-behaviour.md section 5.0).
DEFAULT_TOOLS_IMAGE = "ghcr.io/kanisterio/kanister-tools:0.119.0"


class Cancellation:
    """Set once when the run is interrupted (Ctrl-C, SIGTERM) or its deadline passes.

    Long waits inside functions poll :meth:`check` (or wait on :attr:`event` with a timeout) so
    that an interrupted run stops promptly and its cleanup and deferPhase still run.
    """

    def __init__(self) -> None:
        self.event = threading.Event()
        self.reason = ""
        self.signal_name = "SIGINT"
        self.is_aborted = False

    def cancel(self, reason: str, *, signal_name: str = "SIGINT") -> None:
        if not self.event.is_set():
            self.reason = reason
            self.signal_name = signal_name
            self.event.set()

    def abort(self, reason: str) -> None:
        """A second interrupt: stop the cleanup too (the deferPhase is cut short)."""
        self.is_aborted = True
        self.cancel(reason)

    @property
    def is_cancelled(self) -> bool:
        return self.event.is_set()

    def check(self) -> None:
        """Raise :class:`InterruptedRunError` if the run was interrupted."""
        if self.event.is_set():
            raise InterruptedRunError(self.reason or "interrupted", signal_name=self.signal_name)


@dataclass(frozen=True)
class Deadline:
    """A monotonic-clock deadline; ``at is None`` means no limit. ``what`` names it in errors
    ("phase backupToS3 (timeout 5m0s)")."""

    at: float | None
    what: str

    @classmethod
    def after(cls, seconds: float | None, what: str) -> Deadline:
        return cls(None if seconds is None else time.monotonic() + seconds, what)

    def remaining(self) -> float | None:
        """Seconds left (never negative), or None when unlimited."""
        if self.at is None:
            return None
        return max(0.0, self.at - time.monotonic())

    def bound(self, timeout: float | None) -> float | None:
        """The smaller of ``timeout`` and what is left of this deadline."""
        left = self.remaining()
        if left is None:
            return timeout
        return left if timeout is None else min(left, timeout)

    def check(self, waiting_for: str = "") -> None:
        """Raise :class:`DeadlineError` naming the deadline and the wait that hit it."""
        if self.at is not None and time.monotonic() >= self.at:
            detail = f" while {waiting_for}" if waiting_for else ""
            raise DeadlineError(f"{self.what} expired{detail}")


@dataclass
class FunctionContext:
    """Everything one phase's function may use."""

    kube: Kube
    params: TemplateParams
    action: str
    phase: str
    func: str
    reporter: Reporter
    deadline: Deadline
    cancellation: Cancellation
    #: Writes one line of pod/command output for the user (redacted by the runner's reporter).
    log_line: Callable[[str, Stream, str | None, str | None], None]
    #: Reports a step ("waiting for pod x to be ready").
    progress: Callable[[str], None]
    #: Default namespace for function-created pods when the Blueprint gives none (Kanister uses
    #: the controller's namespace; kancli uses the subject's, else the context's namespace).
    default_namespace: str = "default"
    #: Image for data functions whose Blueprint gives none.
    tools_image: str = DEFAULT_TOOLS_IMAGE
    #: How long a function-created pod may take to leave Pending (Kanister: 15 min).
    pod_ready_timeout: float = 900.0
    _cleanups: list[Callable[[], None]] = field(default_factory=list)

    def on_cleanup(self, fn: Callable[[], None]) -> Callable[[], None]:
        """Register ``fn`` to run when the phase ends, however it ends (also on Ctrl-C).
        Returns ``fn`` so the caller may run it earlier and :meth:`forget_cleanup` it."""
        self._cleanups.append(fn)
        return fn

    def forget_cleanup(self, fn: Callable[[], None]) -> None:
        if fn in self._cleanups:
            self._cleanups.remove(fn)

    def run_cleanups(self) -> list[BaseException]:
        """Run registered cleanups newest first; returns the errors instead of raising, so that
        one failing cleanup does not stop the others. The runner calls this."""
        errors: list[BaseException] = []
        while self._cleanups:
            fn = self._cleanups.pop()
            try:
                fn()
            except Exception as exc:  # every cleanup must get its turn
                errors.append(exc)
        return errors

    def wait_timeout(self, timeout: float | None = None) -> float | None:
        """A timeout for a blocking call: bounded by the phase deadline."""
        return self.deadline.bound(timeout)

    def checkpoint(self, waiting_for: str = "") -> None:
        """Raise if the run was interrupted or the deadline passed."""
        self.cancellation.check()
        self.deadline.check(waiting_for)

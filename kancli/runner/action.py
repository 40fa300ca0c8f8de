"""``run_action``: one Blueprint action against one subject, as a Kanister controller runs it.

kanister-behaviour.md section 6: every function is looked up and every phase's ``objects`` are
rendered before the first phase; phases run strictly in order, each one's args rendered right
before it with the outputs of the phases before it; the first failure stops the action and the
phases after it are skipped; the deferPhase runs whatever happened (also after a timeout or an
interrupt); output artifacts are rendered only when every phase and the deferPhase succeeded.

Each phase's function runs in a worker thread while this thread watches the phase deadline and
the run's cancellation, so that a timeout or Ctrl-C is noticed at once even when the function is
blocked: the function is asked to stop (its ``ctx.cancellation``), its registered cleanups (task
pods) run, and the action moves on to the deferPhase.

Deviations from Kanister, on purpose: a phase may have a deadline (Kanister waits forever); the
deferPhase gets a fresh deadline of its own, so a run that timed out still restores the workload.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from kancli.blueprint.model import Action, Blueprint, Phase
from kancli.errors import (
    BlueprintError,
    DeadlineError,
    ExitCode,
    FunctionError,
    InterruptedRunError,
    KancliError,
    PhaseError,
    TemplateError,
)
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
    Stream,
)
from kancli.functions.context import Cancellation, Deadline, FunctionContext
from kancli.functions.registry import FunctionSpec, Registry, default_registry
from kancli.kube.facade import Kube
from kancli.params import model
from kancli.params.objects import ObjectSource
from kancli.params.render import read_phase_objects, render_artifacts, render_phase_args
from kancli.template import render_string
from kancli.template.values import NilPointer

#: How long a function may take to stop after it was asked to (timeout, Ctrl-C) before the
#: runner runs its cleanups itself and moves on.
STOP_GRACE_SECONDS = 5.0
_POLL_SECONDS = 0.05


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """Limits and defaults of one run (built by the CLI from its flags and Settings)."""

    phase_timeout: float | None = None
    phase_timeouts: Mapping[str, float] = dataclasses.field(default_factory=dict)
    pod_ready_timeout: float = 900.0
    default_namespace: str = "default"

    def timeout_for(self, phase: str) -> float | None:
        return self.phase_timeouts.get(phase, self.phase_timeout)


@dataclasses.dataclass
class PhaseResult:
    name: str
    func: str
    state: PhaseState = PhaseState.PENDING
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    duration: float | None = None
    output: Mapping[str, Any] | None = None
    error: KancliError | None = None
    is_defer: bool = False


@dataclasses.dataclass
class ActionResult:
    action: str
    subject: str
    phases: list[PhaseResult]
    defer_phase: PhaseResult | None = None
    artifacts: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    error: KancliError | None = None
    duration: float = 0.0

    @property
    def state(self) -> PhaseState:
        return PhaseState.FAILED if self.error is not None else PhaseState.COMPLETE

    @property
    def exit_code(self) -> int:
        return int(self.error.exit_code) if self.error is not None else int(ExitCode.OK)


@dataclasses.dataclass
class _Run:
    """What one action's phases share while it runs."""

    kube: Kube
    action: Action
    reporter: Reporter
    objects: ObjectSource
    cancellation: Cancellation
    run_deadline: Deadline
    options: RunOptions
    registry: Registry
    tp: model.TemplateParams


def run_action(
    blueprint: Blueprint,
    action_name: str,
    params: model.TemplateParams,
    *,
    kube: Kube,
    objects: ObjectSource,
    reporter: Reporter,
    cancellation: Cancellation | None = None,
    run_deadline: Deadline | None = None,
    options: RunOptions | None = None,
    registry: Registry | None = None,
    subject: str = "",
    on_secrets: Callable[[Mapping[str, Any]], None] | None = None,
) -> ActionResult:
    """Run one action; never raises for a phase failure (see :attr:`ActionResult.error`).

    ``on_secrets`` is told about every Secret a phase's ``objects`` read, before the phase runs,
    so that the caller can redact their values from everything it prints.
    """
    action = blueprint.action(action_name)
    if subject:
        reporter = _SubjectReporter(reporter, subject)
    reg = registry or default_registry()
    specs = {id(p): reg.lookup(p.func) for p in action.all_phases()}  # unknown func: exit 3
    run = _Run(
        kube=kube,
        action=action,
        reporter=reporter,
        objects=objects,
        cancellation=cancellation or Cancellation(),
        run_deadline=run_deadline or Deadline(None, "the run"),
        options=options or RunOptions(),
        registry=reg,
        tp=params,
    )
    started = time.monotonic()
    reporter.emit(
        ActionStarted(
            action=action.name,
            blueprint=blueprint.name or blueprint.source,
            subject=subject,
            phases=tuple(p.name for p in action.phases),
            defer_phase=action.defer_phase.name if action.defer_phase else None,
        )
    )
    result = ActionResult(
        action.name, subject, [PhaseResult(p.name, p.func) for p in action.phases]
    )
    # Kanister renders every phase's objects before the first phase runs (section 3.4).
    found: dict[int, tuple[Any, Any]] = {}
    for phase in action.all_phases():
        try:
            found[id(phase)] = read_phase_objects(phase, params, objects, render_string)
            if on_secrets is not None:
                on_secrets(found[id(phase)][0])
        except KancliError as exc:
            result.error = exc
            break
    if result.error is None:
        for phase, phase_result in zip(action.phases, result.phases, strict=True):
            _run_phase(run, phase, specs[id(phase)], found[id(phase)], phase_result)
            if phase_result.error is not None:
                result.error = phase_result.error
                break
    for phase_result in result.phases:
        if phase_result.state is PhaseState.PENDING:
            phase_result.state = PhaseState.SKIPPED
    if action.defer_phase is not None:
        defer = action.defer_phase
        result.defer_phase = PhaseResult(defer.name, defer.func, is_defer=True)
        objs = found.get(id(defer))
        if objs is None:
            result.defer_phase.state = PhaseState.SKIPPED
        else:
            _run_phase(run, defer, specs[id(defer)], objs, result.defer_phase)
            if result.defer_phase.error is not None and result.error is None:
                result.error = result.defer_phase.error
    if result.error is None:
        try:
            result.artifacts = render_artifacts(action, run.tp, render_string)
        except KancliError as exc:
            result.error = exc
    result.duration = time.monotonic() - started
    reporter.emit(
        ActionFinished(
            action=action.name,
            state=result.state,
            duration=result.duration,
            artifacts=result.artifacts,
            error=result.error.message if result.error else None,
        )
    )
    return result


def _run_phase(
    run: _Run,
    phase: Phase,
    spec: FunctionSpec,
    objects: tuple[Any, Any],
    result: PhaseResult,
) -> None:
    is_defer = result.is_defer
    timeout = run.options.timeout_for(phase.name)
    what = f"phase {phase.name} ({phase.func})"
    if timeout is not None:
        what += f", timeout {_duration(timeout)},"
    if is_defer:
        # A fresh deadline: the deferPhase must still run after the run's deadline passed.
        deadline = Deadline.after(timeout, what)
        cancellation = Cancellation()
    else:
        deadline = _earliest(Deadline.after(timeout, what), run.run_deadline)
        cancellation = Cancellation()
        if run.cancellation.is_cancelled:
            result.error = InterruptedRunError(
                run.cancellation.reason, signal_name=run.cancellation.signal_name
            )
            return
    secrets, configmaps = objects
    if is_defer:
        run.tp = model.init_defer_phase_params(run.tp, secrets, configmaps)
    else:
        run.tp = model.init_phase_params(run.tp, phase.name, secrets, configmaps)
    result.state = PhaseState.RUNNING
    result.started_at = dt.datetime.now(dt.UTC)
    started = time.monotonic()
    run.reporter.emit(
        PhaseStarted(action=run.action.name, phase=phase.name, func=phase.func, is_defer=is_defer)
    )
    try:
        output = _call(run, phase, spec, deadline, cancellation, is_defer)
    except (DeadlineError, InterruptedRunError) as exc:
        result.error = exc
    except (TemplateError, BlueprintError) as exc:
        result.error = type(exc)(f"phase {phase.name} ({phase.func}): {exc.message}", hint=exc.hint)
    except KancliError as exc:  # the function failed: a failed phase (exit 5)
        result.error = PhaseError(
            f"action {run.action.name}: phase {phase.name} ({phase.func}) failed: {exc.message}",
            hint=exc.hint,
        )
        result.error.__cause__ = exc  # keeps details such as a command's exit status
    except Exception as exc:  # a bug in a function: still a failed phase, never a crash
        result.error = PhaseError(f"{what}: unexpected error: {exc!r}")
    else:
        result.output = output
        if is_defer:
            run.tp = model.update_defer_phase_params(run.tp, output)
        else:
            run.tp = model.update_phase_params(run.tp, phase.name, output)
    result.finished_at = dt.datetime.now(dt.UTC)
    result.duration = time.monotonic() - started
    result.state = PhaseState.FAILED if result.error else PhaseState.COMPLETE
    run.reporter.emit(
        PhaseFinished(
            action=run.action.name,
            phase=phase.name,
            func=phase.func,
            state=result.state,
            duration=result.duration,
            output=result.output,
            error=result.error.message if result.error else None,
            is_defer=is_defer,
        )
    )


def _call(  # noqa: PLR0917 - one private call site
    run: _Run,
    phase: Phase,
    spec: FunctionSpec,
    deadline: Deadline,
    cancellation: Cancellation,
    is_defer: bool,
) -> Mapping[str, Any] | None:
    """Render, check and run one phase's function; raises the phase's error."""
    if isinstance(run.tp.profile, NilPointer) and mentions(phase.args, ".Profile"):
        # Kanister renders a nil Profile ("null", or a nil-pointer error); that is never meant
        raise TemplateError(
            "its args use .Profile, but no profile was given",
            hint="give --profile NS/NAME (a Kanister Profile) or --profile-file FILE",
        )
    rendered = (
        render_phase_args(phase, run.tp, render_string) if spec.prerender else dict(phase.args)
    )
    args = spec.coerce(rendered)
    ctx = FunctionContext(
        kube=run.kube,
        params=model.with_current_phase(run.tp, None if is_defer else phase.name),
        action=run.action.name,
        phase=phase.name,
        func=phase.func,
        reporter=run.reporter,
        deadline=deadline,
        cancellation=cancellation,
        log_line=_log_line(run, phase.name),
        progress=lambda message: run.reporter.emit(
            PhaseProgress(action=run.action.name, phase=phase.name, message=message)
        ),
        default_namespace=run.options.default_namespace,
        pod_ready_timeout=run.options.pod_ready_timeout,
    )
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["output"] = spec.run(ctx, args)
        except BaseException as exc:  # handed to the runner's thread
            box["error"] = exc

    worker = threading.Thread(target=target, name=f"phase-{phase.name}", daemon=True)
    worker.start()
    try:
        stop = _watch(worker, run, deadline, cancellation, is_defer)
    finally:
        cleanup_errors = ctx.run_cleanups()
    if stop is not None:
        raise stop
    error = box.get("error")
    if isinstance(error, InterruptedRunError) and deadline.remaining() == 0.0:
        raise DeadlineError(f"{deadline.what} expired") from error
    if isinstance(error, DeadlineError) and not error.message.startswith(deadline.what):
        # a wait inside the function hit the phase deadline: name the phase and the wait
        raise DeadlineError(f"{deadline.what} expired: {error.message}") from error
    if isinstance(error, KancliError):
        raise error
    if error is not None:
        raise PhaseError(f"phase {phase.name} ({phase.func}): unexpected error: {error!r}")
    if cleanup_errors:
        first = cleanup_errors[0]
        raise FunctionError(f"phase {phase.name}: cleanup failed: {first}")
    output = box.get("output")
    return dict(output) if isinstance(output, Mapping) else None


def _watch(
    worker: threading.Thread,
    run: _Run,
    deadline: Deadline,
    cancellation: Cancellation,
    is_defer: bool,
) -> KancliError | None:
    """Wait for the function; ask it to stop on timeout or interrupt. Returns the stop reason."""
    stop: KancliError | None = None
    while worker.is_alive():
        worker.join(_POLL_SECONDS)
        if stop is not None or not worker.is_alive():
            continue
        if run.cancellation.is_cancelled and (not is_defer or run.cancellation.is_aborted):
            stop = InterruptedRunError(
                run.cancellation.reason or "interrupted", signal_name=run.cancellation.signal_name
            )
        elif deadline.remaining() == 0.0:
            stop = DeadlineError(f"{deadline.what} expired")
        if stop is not None:
            cancellation.cancel(stop.message, signal_name=run.cancellation.signal_name)
            worker.join(STOP_GRACE_SECONDS)
            break
    return stop


def _log_line(run: _Run, phase: str) -> Callable[[str, Stream, str | None, str | None], None]:
    def emit(line: str, stream: Stream, pod: str | None, container: str | None) -> None:
        run.reporter.emit(
            PhaseLog(
                action=run.action.name,
                phase=phase,
                line=line,
                stream=stream,
                pod=pod,
                container=container,
            )
        )

    return emit


def mentions(value: Any, needle: str) -> bool:
    """Whether any string in an args tree (map keys included) contains ``needle``: a cheap
    look at what a phase's templates use, before rendering them."""
    if isinstance(value, str):
        return needle in value
    if isinstance(value, Mapping):
        return any(mentions(k, needle) or mentions(v, needle) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(mentions(v, needle) for v in value)
    return False


class _SubjectReporter:
    """Stamps every event of one action (the functions' too) with the action's subject."""

    def __init__(self, inner: Reporter, subject: str) -> None:
        self.inner = inner
        self.subject = subject

    def emit(self, event: Event) -> None:
        if not event.subject:
            event = dataclasses.replace(event, subject=self.subject)
        self.inner.emit(event)


def _earliest(a: Deadline, b: Deadline) -> Deadline:
    if b.at is None:
        return a
    if a.at is None or b.at < a.at:
        return b
    return a


def _duration(seconds: float) -> str:
    """Go's duration text (``5m0s``), as users write ``--phase-timeout``."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{seconds:g}s"

"""run_action's semantics (kanister-behaviour.md section 6), with functions from a test registry.

The runner is what is under test here: the functions are small real functions registered in a
registry of the test's own, so that ordering, outputs, failure, timeout, interruption, cleanup and
the deferPhase can be driven precisely. Functions that touch the cluster are tested elsewhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from kancli.blueprint.loader import load_blueprint_text
from kancli.errors import BlueprintError, ExitCode
from kancli.events import ListReporter, PhaseFinished, PhaseLog, PhaseState, Stream
from kancli.functions.args import arg
from kancli.functions.context import Cancellation, Deadline, FunctionContext
from kancli.functions.registry import Registry, kanister_function
from kancli.params import model
from kancli.params.objects import ObjectSet
from kancli.params.redact import Redactor
from kancli.reporting.lines import RedactingReporter
from kancli.runner import RunOptions, run_action
from kancli.template.values import string_map


@dataclass(frozen=True, kw_only=True)
class EchoArgs:
    value: str = arg("value", help="Returned as output key `value`.")


@dataclass(frozen=True, kw_only=True)
class SleepArgs:
    seconds: int = arg("seconds", help="How long to sleep, in tenths of a second.")


@dataclass(frozen=True, kw_only=True)
class FailArgs:
    message: str = arg("message", help="The error.")


def make_registry(calls: list[str]) -> Registry:
    reg = Registry()

    @kanister_function("Echo", args=EchoArgs, description="echo", registry=reg)
    def echo(ctx: FunctionContext, args: EchoArgs) -> Mapping[str, Any]:
        calls.append(f"{ctx.phase}:{args.value}")
        ctx.log_line(f"echo {args.value}", Stream.STDOUT, None, None)
        return {"value": args.value}

    @kanister_function("Sleep", args=SleepArgs, description="sleep", registry=reg)
    def sleep(ctx: FunctionContext, args: SleepArgs) -> None:
        calls.append(f"{ctx.phase}:start")
        ctx.on_cleanup(lambda: calls.append(f"{ctx.phase}:cleanup"))
        end = time.monotonic() + args.seconds / 10
        while time.monotonic() < end:
            ctx.checkpoint("sleeping")
            time.sleep(0.01)
        calls.append(f"{ctx.phase}:done")

    @kanister_function("Fail", args=FailArgs, description="fail", registry=reg)
    def fail(ctx: FunctionContext, args: FailArgs) -> None:
        from kancli.errors import FunctionError

        calls.append(f"{ctx.phase}:fail")
        raise FunctionError(args.message)

    return reg


BLUEPRINT = """
actions:
  backup:
    outputArtifacts:
      result:
        keyValue:
          second: "{{ .Phases.two.Output.value }}"
          defer: "{{ .DeferPhase.Output.value }}"
    phases:
    - {func: Echo, name: one, args: {value: "first-{{ .Options.tag }}"}}
    - {func: Echo, name: two, args: {value: "{{ .Phases.one.Output.value }}-second"}}
    deferPhase: {func: Echo, name: cleanup, args: {value: "deferred"}}
  failing:
    outputArtifacts:
      result: {keyValue: {x: "{{ .Phases.one.Output.value }}"}}
    phases:
    - {func: Echo, name: one, args: {value: a}}
    - {func: Fail, name: two, args: {message: disk on fire}}
    - {func: Echo, name: three, args: {value: c}}
    deferPhase: {func: Echo, name: cleanup, args: {value: "saw {{ .Phases.one.Output.value }}"}}
  slow:
    phases:
    - {func: Sleep, name: nap, args: {seconds: 300}}
    - {func: Echo, name: after, args: {value: never}}
    deferPhase: {func: Echo, name: cleanup, args: {value: deferred}}
  badtemplate:
    phases:
    - {func: Echo, name: one, args: {value: "{{ .Options.missing }}"}}
    deferPhase: {func: Echo, name: cleanup, args: {value: deferred}}
  unknown:
    phases:
    - {func: Nope, name: one, args: {}}
  missingoutput:
    phases:
    - {func: Echo, name: one, args: {value: a}}
    - {func: Echo, name: two, args: {value: "{{ .Phases.one.Output.nope }}"}}
  missingphase:
    phases:
    - {func: Echo, name: one, args: {value: a}}
    - {func: Echo, name: two, args: {value: "{{ .Phases.zero.Output.value }}"}}
"""


def run(action: str, **kw: Any) -> tuple[Any, list[str], ListReporter]:
    calls: list[str] = []
    reporter = ListReporter()
    params = model.TemplateParams(time="2026-11-25T00:00:00Z", options=string_map({"tag": "t"}))
    result = run_action(
        load_blueprint_text(BLUEPRINT, source="bp.yaml"),
        action,
        params,
        kube=None,  # type: ignore[arg-type]  # these functions never use the cluster
        objects=ObjectSet(),
        reporter=kw.pop("reporter", reporter),
        registry=make_registry(calls),
        **kw,
    )
    return result, calls, reporter


def test_phases_run_in_order_and_see_earlier_outputs_and_artifacts_render_last() -> None:
    result, calls, _ = run("backup")
    assert calls == ["one:first-t", "two:first-t-second", "cleanup:deferred"]
    assert result.error is None
    assert result.exit_code == 0
    assert result.artifacts == {
        "result": {"keyValue": {"second": "first-t-second", "defer": "deferred"}}
    }
    assert [p.state for p in result.phases] == [PhaseState.COMPLETE, PhaseState.COMPLETE]


def test_a_failing_phase_stops_the_action_runs_the_defer_phase_and_exits_5() -> None:
    result, calls, reporter = run("failing")
    assert calls == ["one:a", "two:fail", "cleanup:saw a"]
    assert result.exit_code == ExitCode.PHASE
    assert "phase two (Fail) failed: disk on fire" in result.error.message
    assert [p.state for p in result.phases] == [
        PhaseState.COMPLETE,
        PhaseState.FAILED,
        PhaseState.SKIPPED,
    ]
    assert result.defer_phase.state is PhaseState.COMPLETE
    assert result.artifacts == {}  # never rendered after a failure
    failed = [e for e in reporter.of_type(PhaseFinished) if e.state is PhaseState.FAILED]
    assert [e.phase for e in failed] == ["two"]


def test_a_phase_timeout_names_the_phase_exits_7_cleans_up_and_runs_the_defer_phase() -> None:
    started = time.monotonic()
    result, calls, _ = run("slow", options=RunOptions(phase_timeout=0.3))
    assert time.monotonic() - started < 10
    assert result.exit_code == ExitCode.TIMEOUT
    assert "phase nap (Sleep)" in result.error.message
    assert "expired" in result.error.message
    assert calls == ["nap:start", "nap:cleanup", "cleanup:deferred"]
    assert result.phases[1].state is PhaseState.SKIPPED


def test_the_run_deadline_also_stops_a_phase() -> None:
    result, _, _ = run("slow", run_deadline=Deadline.after(0.3, "the run (timeout 0.3s)"))
    assert result.exit_code == ExitCode.TIMEOUT
    assert result.defer_phase.state is PhaseState.COMPLETE


def test_an_interrupt_stops_the_phase_runs_cleanup_and_the_defer_phase_exit_130() -> None:
    cancellation = Cancellation()
    threading.Timer(0.3, lambda: cancellation.cancel("interrupted by SIGINT")).start()
    result, calls, _ = run("slow", cancellation=cancellation)
    assert result.exit_code == ExitCode.INTERRUPTED
    assert calls == ["nap:start", "nap:cleanup", "cleanup:deferred"]


def test_sigterm_gives_exit_143() -> None:
    cancellation = Cancellation()
    threading.Timer(0.2, lambda: cancellation.cancel("x", signal_name="SIGTERM")).start()
    result, _, _ = run("slow", cancellation=cancellation)
    assert result.exit_code == ExitCode.TERMINATED


def test_a_render_error_fails_the_phase_with_exit_3_and_still_runs_the_defer_phase() -> None:
    result, calls, _ = run("badtemplate")
    assert result.exit_code == ExitCode.BLUEPRINT
    assert 'Failed to render template: "missing" not found' in result.error.message
    assert "bp.yaml:" in result.error.message  # points into the Blueprint
    assert calls == ["cleanup:deferred"]


@pytest.mark.parametrize(
    ("action", "explanation"),
    [
        pytest.param("badtemplate", ": .Options.missing; .Options has: tag", id="option"),
        pytest.param(
            "missingoutput", ": .Phases.one.Output.nope; .Phases.one.Output has: value", id="output"
        ),
        pytest.param("missingphase", ": .Phases.zero; .Phases has: one, two", id="phase"),
    ],
)
def test_a_missing_key_error_names_the_field_and_the_keys_that_exist(
    action: str, explanation: str
) -> None:
    result, _, _ = run(action)
    assert result.error.message.endswith(explanation)


def test_an_unknown_function_fails_before_any_phase_runs() -> None:
    with pytest.raises(BlueprintError, match="Nope"):
        run("unknown")


def test_secret_values_are_redacted_from_logs_outputs_and_artifacts() -> None:
    inner = ListReporter()
    redacting = RedactingReporter(inner, Redactor(["first-t"]))
    result, _, _ = run("backup", reporter=redacting)
    texts = [e.line for e in inner.of_type(PhaseLog)]
    assert texts
    assert all("first-t" not in t for t in texts)
    outputs = [e.output for e in inner.of_type(PhaseFinished)]
    assert all("first-t" not in str(o) for o in outputs)
    assert result.phases[0].output == {"value": "first-t"}  # the result itself is not redacted

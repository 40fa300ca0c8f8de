"""What the progress reporters show for a run's events: the live view's final picture, the plain
lines of several subjects, and redaction of secret values in every event."""

from __future__ import annotations

import io

import pytest

from kancli.events import (
    ActionFinished,
    ActionStarted,
    Event,
    PhaseFinished,
    PhaseLog,
    PhaseStarted,
    PhaseState,
    Stream,
)
from kancli.reporting.lines import LineReporter
from kancli.reporting.live import LiveReporter


def run_events(subject: str = "deployment demo/app") -> list[Event]:
    s = {"action": "backup", "subject": subject}
    return [
        ActionStarted(**s, blueprint="bp", phases=("dump", "upload", "never"), defer_phase="tidy"),
        PhaseStarted(**s, phase="dump", func="KubeTask"),
        PhaseLog(**s, phase="dump", line="dumped 3 tables"),
        PhaseFinished(**s, phase="dump", func="KubeTask", state=PhaseState.COMPLETE, duration=1.5),
        PhaseStarted(**s, phase="upload", func="KubeExec"),
        PhaseLog(**s, phase="upload", line="no space left", stream=Stream.STDERR),
        PhaseFinished(
            **s,
            phase="upload",
            func="KubeExec",
            state=PhaseState.FAILED,
            duration=0.5,
            error="phase upload failed: exit 1",
        ),
        PhaseStarted(**s, phase="tidy", func="KubeTask", is_defer=True),
        PhaseFinished(**s, phase="tidy", func="KubeTask", state=PhaseState.COMPLETE, duration=0.2),
        ActionFinished(
            **s, state=PhaseState.FAILED, duration=2.2, error="phase upload failed: exit 1"
        ),
    ]


def test_the_live_view_ends_showing_every_phase_state_the_output_and_the_error() -> None:
    out = io.StringIO()
    view = LiveReporter(out)
    for event in run_events():
        view.emit(event)
    view.close()
    text = out.getvalue()
    assert "backup/dump | dumped 3 tables" in text
    assert "backup/upload ! no space left" in text
    lines = text.splitlines()
    assert any("✓" in line and "dump" in line and "1.5s" in line for line in lines)
    assert any("✗" in line and "upload" in line for line in lines)
    assert any("–" in line and "never" in line for line in lines)  # skipped
    assert any("✓" in line and "tidy (defer)" in line for line in lines)
    assert "phase upload failed: exit 1" in text


@pytest.mark.parametrize(
    ("show_subject", "expected"),
    [
        pytest.param(False, "backup/dump | dumped 3 tables", id="one-subject"),
        pytest.param(True, "[deployment demo/a] backup/dump | dumped 3 tables", id="several"),
    ],
)
def test_plain_lines_name_the_subject_when_several_run_at_once(
    show_subject: bool, expected: str
) -> None:
    out = io.StringIO()
    reporter = LineReporter(out, color=False, show_subject=show_subject)
    for event in run_events("deployment demo/a"):
        reporter.emit(event)
    log_lines = [line for line in out.getvalue().splitlines() if "dumped" in line]
    assert [line.split(" ", 1)[1] for line in log_lines] == [expected]

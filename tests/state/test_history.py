"""The run history library: recording as a run goes, queries, logs, pruning, privacy."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from kancli.errors import UsageError
from kancli.events import (
    ActionFinished,
    ActionStarted,
    PhaseFinished,
    PhaseLog,
    PhaseStarted,
    PhaseState,
)
from kancli.state import (
    History,
    HistoryReporter,
    RunDetails,
    RunFilter,
    RunStatus,
    resolve_state_dir,
)
from kancli.state.recorder import CHUNK_BYTES
from kancli.state.timespec import parse_age, parse_since


def _start(history: History, action: str = "backup", subject: str = "statefulset/db/mysql"):
    return history.start_run(
        blueprint_path="bp.yaml",
        blueprint_text="actions:\n  backup: {}\n",
        action=action,
        subject=subject,
        options={"mode": "full"},
    )


@pytest.fixture
def history(tmp_path: Path):
    with History.open(tmp_path / "state") as h:
        yield h


def test_recorded_run_reads_back_with_phases_outputs_and_artifacts(history: History) -> None:
    rec = _start(history)
    rec.phase_started("dump", "KubeTask")
    rec.phase_log("dump", "line one")
    rec.phase_finished("dump", "complete", outputs={"path": "/b/1"})
    rec.phase_started("cleanup", "KubeOps", is_defer=True)
    rec.phase_finished("cleanup", "failed", error="boom")
    rec.artifacts({"cloudObject": {"keyValue": {"path": "/b/1"}}})
    rec.finish(RunStatus.COMPLETE, 0)

    run = history.get(rec.run_id)
    assert run.status is RunStatus.COMPLETE
    assert run.exit_code == 0
    assert run.options == {"mode": "full"}
    assert [(p.name, p.func, p.status, p.is_defer) for p in run.phases] == [
        ("dump", "KubeTask", "complete", False),
        ("cleanup", "KubeOps", "failed", True),
    ]
    assert run.phases[0].outputs == {"path": "/b/1"}
    assert run.phases[1].error == "boom"
    assert history.artifacts_of(rec.run_id) == {"cloudObject": {"keyValue": {"path": "/b/1"}}}
    assert len(run.blueprint_sha256) == 64


def test_run_ids_sort_by_start_time_and_resolve_by_prefix(history: History) -> None:
    first = _start(history).run_id
    second = _start(history).run_id
    assert first < second
    assert history.get(second[:10]).id == second
    assert history.get("latest").id == second


@pytest.mark.parametrize(
    ("ref", "message"),
    [("zzzz", "no recorded run"), ("", "ambiguous")],
    ids=["unknown-id", "empty-prefix-matches-many"],
)
def test_bad_run_reference_is_a_usage_error(history: History, ref: str, message: str) -> None:
    _start(history)
    _start(history)
    with pytest.raises(UsageError, match=message):
        history.get(ref)


def test_list_filters_by_action_subject_and_status(history: History) -> None:
    ok = _start(history, "backup", "deployment/a/web")
    ok.finish(RunStatus.COMPLETE, 0)
    bad = _start(history, "backup", "deployment/a/other")
    bad.finish(RunStatus.FAILED, 5, "phase failed")
    restore = _start(history, "restore", "deployment/a/web")
    restore.finish(RunStatus.COMPLETE, 0)

    def ids(**kw: object) -> set[str]:
        return {r.id for r in history.list_runs(RunFilter(**kw))}  # type: ignore[arg-type]

    assert ids(action="backup") == {ok.run_id, bad.run_id}
    assert ids(subject="deployment/a/web") == {ok.run_id, restore.run_id}
    assert ids(status=RunStatus.FAILED) == {bad.run_id}
    assert len(history.list_runs(RunFilter(limit=2))) == 2
    latest = history.latest_successful("backup", "deployment/a/web")
    assert latest is not None
    assert latest.id == ok.run_id
    assert history.latest_successful("backup", "deployment/a/other") is None


def test_logs_are_compressed_in_chunks_and_stream_back_whole(history: History) -> None:
    rec = _start(history)
    rec.phase_started("dump", "KubeTask")
    line = "x" * 999
    count = 3 * CHUNK_BYTES // 1000 + 7
    for i in range(count):
        rec.phase_log("dump", f"{i:06d}{line[6:]}")
    rec.phase_finished("dump", "complete")
    rec.finish(RunStatus.COMPLETE, 0)

    chunks = list(history.logs(rec.run_id, "dump"))
    assert len(chunks) >= 3
    assert all(len(c) <= CHUNK_BYTES + 1000 for c in chunks)
    text = b"".join(chunks).decode()
    assert text.splitlines()[0].startswith("000000")
    assert len(text.splitlines()) == count
    stored = history._conn.execute("SELECT SUM(LENGTH(data)) FROM log_chunks").fetchone()[0]
    assert stored < len(text) / 10  # compressed, not raw
    assert zlib.decompress(
        history._conn.execute("SELECT data FROM log_chunks LIMIT 1").fetchone()[0]
    ).startswith(b"000000")


def test_logs_of_an_unknown_phase_name_the_known_ones(history: History) -> None:
    rec = _start(history)
    rec.phase_started("dump", "KubeTask")
    with pytest.raises(UsageError, match="phases: dump"):
        list(history.logs(rec.run_id, "nope"))


def test_redactor_hook_scrubs_every_stored_string(tmp_path: Path) -> None:
    def scrub(text: str) -> str:
        return text.replace("s3cr3t", "<redacted>")

    with History.open(tmp_path) as history:
        rec = history.start_run(
            blueprint_path="bp.yaml",
            blueprint_text="actions: {}",
            action="backup",
            subject="namespace/ns",
            options={"password": "s3cr3t"},
            redact=scrub,
        )
        rec.phase_started("p", "KubeTask")
        rec.phase_log("p", "token=s3cr3t")
        rec.phase_log("p", b"raw s3cr3t bytes\n")
        rec.phase_finished("p", "failed", outputs={"k": "s3cr3t"}, error="bad s3cr3t")
        rec.artifacts({"a": {"keyValue": {"x": "s3cr3t"}}})
        rec.finish(RunStatus.FAILED, 5, "failed with s3cr3t")
    raw = b"".join((tmp_path / name).read_bytes() for name in os.listdir(tmp_path))
    with History.open(tmp_path) as history:
        logs = b"".join(history.logs("latest"))
        run = history.get("latest")
    assert b"s3cr3t" not in raw
    assert b"s3cr3t" not in logs
    assert b"<redacted>" in logs
    assert "s3cr3t" not in repr(run)


def test_state_files_are_private(tmp_path: Path) -> None:
    state = tmp_path / "new" / "state"
    with History.open(state) as history:
        _start(history).finish(RunStatus.COMPLETE, 0)
        for name in os.listdir(state):
            assert stat.S_IMODE((state / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(state.stat().st_mode) == 0o700


def test_run_of_a_crashed_process_shows_as_unfinished(tmp_path: Path) -> None:
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from kancli.state import History\n"
        "h = History.open(Path(sys.argv[1]))\n"
        "r = h.start_run(blueprint_path='b', blueprint_text='t', action='backup', subject='s')\n"
        "r.phase_started('dump', 'KubeTask')\n"
        "r.phase_log('dump', 'before the crash')\n"
        "r.phase_finished('dump', 'complete')\n"
        "os._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=False)
    with History.open(tmp_path) as history:
        run = history.get("latest")
        assert run.status is RunStatus.UNFINISHED
        assert [p.status for p in run.phases] == ["complete"]
        assert b"".join(history.logs(run.id)) == b"before the crash\n"
        assert history.list_runs(RunFilter(status=RunStatus.UNFINISHED))[0].id == run.id
        assert history.list_runs(RunFilter(status=RunStatus.RUNNING)) == []


def test_concurrent_processes_record_without_losing_runs(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kancli.state import History, RunStatus\n"
        "h = History.open(Path(sys.argv[1]))\n"
        "for i in range(15):\n"
        "    r = h.start_run(blueprint_path='b', blueprint_text='t', action='a', subject='s')\n"
        "    r.phase_started('p', 'F')\n"
        "    for j in range(20):\n"
        "        r.phase_log('p', f'line {j}')\n"
        "    r.phase_finished('p', 'complete')\n"
        "    r.finish(RunStatus.COMPLETE, 0)\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path)]) for _ in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    with History.open(tmp_path) as history:
        runs = history.list_runs()
        assert len(runs) == 60
        assert {r.status for r in runs} == {RunStatus.COMPLETE}


def test_forget_and_prune_never_touch_running_runs(history: History) -> None:
    old = _start(history)
    old.finish(RunStatus.COMPLETE, 0)
    history._conn.execute("UPDATE runs SET started_at = started_at - 86400 * 40")
    running = _start(history)
    done = [_start(history) for _ in range(3)]
    for rec in done:
        rec.finish(RunStatus.FAILED, 5)

    assert history.prune(older_than=dt.datetime.now(dt.UTC).timestamp() - 30 * 86400) == [
        old.run_id
    ]
    forgotten = history.prune(keep=2)
    assert forgotten == [done[0].run_id]
    assert {r.id for r in history.list_runs()} == {running.run_id, done[1].run_id, done[2].run_id}
    assert history.forget(done[2].run_id[:12]) == done[2].run_id
    assert history._conn.execute("SELECT COUNT(*) FROM phases").fetchone()[0] == 0


def test_history_reporter_records_a_run_from_events(history: History) -> None:
    reporter = HistoryReporter(history, RunDetails(blueprint_path="bp.yaml", blueprint_text="x"))
    events = [
        ActionStarted(action="backup", blueprint="bp", subject="deployment/ns/web", phases=("a",)),
        PhaseStarted(action="backup", phase="a", func="KubeExec"),
        PhaseLog(action="backup", phase="a", line="hello"),
        PhaseFinished(
            action="backup",
            phase="a",
            func="KubeExec",
            state=PhaseState.COMPLETE,
            duration=0.1,
            output={"x": 1},
        ),
        ActionFinished(
            action="backup", state=PhaseState.COMPLETE, duration=0.2, artifacts={"o": {"k": 1}}
        ),
    ]
    for event in events:
        reporter.emit(event)
    reporter.finish(0)
    assert reporter.error is None
    run = history.get(reporter.run_id or "")
    assert run.status is RunStatus.COMPLETE
    assert run.subject == "deployment/ns/web"
    assert run.phases[0].outputs == {"x": 1}
    assert run.output_artifacts == {"o": {"k": 1}}
    assert b"".join(history.logs(run.id)) == b"hello\n"


def test_history_reporter_marks_interrupted_runs(history: History) -> None:
    reporter = HistoryReporter(history, RunDetails(blueprint_path="b", blueprint_text="x"))
    reporter.emit(ActionStarted(action="backup", blueprint="b", subject="s", phases=()))
    reporter.finish(130, interrupted=True)
    assert history.get("latest").status is RunStatus.INTERRUPTED


@pytest.mark.parametrize(
    ("option", "env", "expected"),
    [
        (Path("/opt/s"), {"KANCLI_STATE_DIR": "/e"}, "/opt/s"),
        (None, {"KANCLI_STATE_DIR": "/e", "XDG_STATE_HOME": "/x"}, "/e"),
        (None, {"XDG_STATE_HOME": "/x"}, "/x/kancli"),
        (None, {"XDG_STATE_HOME": "relative"}, "/home/u/.local/state/kancli"),
        (None, {"KANCLI_STATE_DIR": ""}, "/home/u/.local/state/kancli"),
    ],
    ids=["option-wins", "env-over-xdg", "xdg", "relative-xdg-ignored", "empty-env-unset"],
)
def test_state_dir_resolution(option: Path | None, env: dict[str, str], expected: str) -> None:
    assert resolve_state_dir(option, env, Path("/home/u")) == Path(expected)


NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", NOW - dt.timedelta(days=7)),
        ("12h", NOW - dt.timedelta(hours=12)),
        ("2026-11-01", dt.datetime(2026, 11, 1, tzinfo=dt.UTC)),
        ("2026-11-01T10:00:00+02:00", dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)),
    ],
    ids=["days", "hours", "date", "datetime-with-zone"],
)
def test_since_accepts_ages_and_dates(text: str, expected: dt.datetime) -> None:
    assert parse_since(text, NOW) == expected.timestamp()


@pytest.mark.parametrize("text", ["7", "d7", "yesterday", "7y"], ids=str)
def test_bad_time_specs_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_since(text, NOW)
    with pytest.raises(UsageError):
        parse_age(text)

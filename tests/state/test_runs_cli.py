"""``kancli runs``: list, show, logs, report, prune and forget through the real CLI."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kancli.state import History, RunStatus
from tests.cli.runner import assert_one_error, run_kancli


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A history with a complete backup (2 phases, logs, artifacts) and a failed restore."""
    with History.open(tmp_path) as history:
        rec = history.start_run(
            blueprint_path="mysql.yaml",
            blueprint_text="actions: {}",
            blueprint_name="mysql-blueprint",
            action="backup",
            subject="statefulset/db/mysql",
        )
        rec.phase_started("dumpToObjectStore", "KubeTask")
        rec.phase_log("dumpToObjectStore", "dumping <all> databases")
        rec.phase_finished("dumpToObjectStore", "complete", outputs={"path": "/s3/dump.gz"})
        rec.phase_started("scaleUp", "ScaleWorkload", is_defer=True)
        rec.phase_finished("scaleUp", "complete")
        rec.artifacts({"mysqlCloudDump": {"keyValue": {"path": "/s3/dump.gz"}}})
        rec.finish(RunStatus.COMPLETE, 0)
        bad = history.start_run(
            blueprint_path="mysql.yaml",
            blueprint_text="actions: {}",
            action="restore",
            subject="statefulset/db/mysql",
        )
        bad.phase_started("restore", "KubeTask")
        bad.phase_log("restore", "ERROR 1045 access denied")
        bad.phase_finished("restore", "failed", error="command exited 1")
        bad.finish(RunStatus.FAILED, 5, "phase restore failed")
    return tmp_path


def _runs(state: Path, *args: str, expect: int = 0):
    return run_kancli("runs", *args, "--state-dir", str(state), expect=expect)


def test_list_json_is_newest_first_and_filters(state: Path) -> None:
    runs = _runs(state, "list", "-o", "json").json()
    assert [(r["action"], r["status"]) for r in runs] == [
        ("restore", "failed"),
        ("backup", "complete"),
    ]
    only = _runs(state, "list", "--status", "complete", "--since", "1d", "-o", "json").json()
    assert [r["action"] for r in only] == ["backup"]
    assert _runs(state, "list", "--action", "nope", "-o", "json").json() == []


def test_list_text_has_one_row_per_run(state: Path) -> None:
    lines = _runs(state, "list").stdout.splitlines()
    assert lines[0].split() == ["ID", "STARTED", "TOOK", "ACTION", "SUBJECT", "STATUS"]
    assert len(lines) == 3


def test_state_dir_comes_from_the_environment(state: Path) -> None:
    result = run_kancli("runs", "list", "-o", "json", env={"KANCLI_STATE_DIR": str(state)})
    assert len(result.json()) == 2


def test_show_gives_phases_outputs_artifacts_and_error(state: Path) -> None:
    backup = _runs(state, "show", "latest", "-o", "json").json()
    assert backup["action"] == "restore"
    assert backup["error"] == "phase restore failed"
    first = _runs(state, "list", "--action", "backup", "-o", "json").json()[0]["id"]
    shown = _runs(state, "show", first[:11], "-o", "json").json()
    assert [p["name"] for p in shown["phases"]] == ["dumpToObjectStore", "scaleUp"]
    assert shown["phases"][0]["outputs"] == {"path": "/s3/dump.gz"}
    assert shown["outputArtifacts"]["mysqlCloudDump"]["keyValue"]["path"] == "/s3/dump.gz"


def test_logs_print_the_recorded_lines(state: Path) -> None:
    assert _runs(state, "logs", "latest").stdout == "ERROR 1045 access denied\n"
    first = _runs(state, "list", "--action", "backup", "-o", "json").json()[0]["id"]
    out = _runs(state, "logs", first, "--phase", "dumpToObjectStore").stdout
    assert out == "dumping <all> databases\n"


def test_unknown_run_is_a_usage_error(state: Path) -> None:
    assert_one_error(_runs(state, "show", "zzzz", expect=2), "no recorded run")


def test_forget_and_prune(state: Path) -> None:
    _runs(state, "forget", "latest")
    assert [r["action"] for r in _runs(state, "list", "-o", "json").json()] == ["backup"]
    _runs(state, "prune", "--keep", "0")
    assert _runs(state, "list", "-o", "json").json() == []
    assert_one_error(_runs(state, "prune", expect=2), "--older-than")


def test_markdown_report_lists_every_phase_and_the_error(state: Path) -> None:
    first = _runs(state, "list", "--action", "backup", "-o", "json").json()[0]["id"]
    md = _runs(state, "report", first, "--format", "md").stdout
    assert "| 1 | dumpToObjectStore | KubeTask | complete |" in md
    assert "| 2 | scaleUp (deferPhase) | ScaleWorkload | complete |" in md
    assert "dumping <all> databases" in md
    failed = _runs(state, "report", "latest", "--format", "md").stdout
    assert "phase restore failed" in failed


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (.ci/system-deps.sh)")
def test_html_report_shows_every_phase_row_in_a_browser(state: Path, tmp_path: Path) -> None:
    first = _runs(state, "list", "--action", "backup", "-o", "json").json()[0]["id"]
    report = tmp_path / "report.html"
    _runs(state, "report", first, "-o", str(report))
    dom = subprocess.run(
        [
            str(_chromium()),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            report.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert dom.count('<tr class="phase"') == 2
    assert 'data-phase="dumpToObjectStore"' in dom
    assert 'data-phase="scaleUp"' in dom
    # HTML escaping held: the log line is text, not markup.
    assert "dumping &lt;all&gt; databases" in dom
    assert "/s3/dump.gz" in dom

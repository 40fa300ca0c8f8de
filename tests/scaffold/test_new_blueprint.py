"""``kancli new blueprint``: every scaffold validates and renders offline with its params file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kancli.cli.new import PATTERNS
from kancli.cli.render import render_blueprint_action
from tests.cli.runner import assert_one_error, run_kancli

CASES = [(p, k) for p in PATTERNS for k in ("StatefulSet", "Deployment")]


def _scaffold(tmp_path: Path, pattern: str, kind: str) -> tuple[Path, Path]:
    bp, params = tmp_path / "bp.yaml", tmp_path / "params.yaml"
    run_kancli(
        "new",
        "blueprint",
        "--pattern",
        pattern,
        "--name",
        "my-app",
        "--kind",
        kind,
        "-o",
        str(bp),
        "--params-out",
        str(params),
    )
    return bp, params


@pytest.mark.parametrize(("pattern", "kind"), CASES, ids=[f"{p}-{k}" for p, k in CASES])
def test_scaffold_validates_without_problems(tmp_path: Path, pattern: str, kind: str) -> None:
    bp, _ = _scaffold(tmp_path, pattern, kind)
    report = run_kancli("validate", str(bp), "-o", "json").json()
    assert report["errors"] == 0
    assert report["warnings"] == 0
    assert yaml.safe_load(bp.read_text())["metadata"]["name"] == "my-app"


@pytest.mark.parametrize(("pattern", "kind"), CASES, ids=[f"{p}-{k}" for p, k in CASES])
def test_scaffold_renders_every_action_with_its_params(
    tmp_path: Path, pattern: str, kind: str
) -> None:
    bp, params = _scaffold(tmp_path, pattern, kind)
    actions = yaml.safe_load(bp.read_text())["actions"]
    assert set(actions) == {"backup", "restore", "delete"}
    for action in actions:
        rendered = render_blueprint_action(bp, action, params, show_secrets=True)
        phases = [*rendered["phases"], rendered["deferPhase"]]
        for phase in filter(None, phases):
            assert "error" not in phase, (action, phase)
            assert "{{" not in str(phase["args"]), (action, phase)
        assert rendered["phases"], action


def test_dump_scaffold_pushes_with_the_profile_and_reads_the_phase_secret(tmp_path: Path) -> None:
    bp, params = _scaffold(tmp_path, "dump-to-object-store", "StatefulSet")
    backup = render_blueprint_action(bp, "backup", params, show_secrets=True)
    script = backup["phases"][0]["args"]["command"][-1]
    assert 'kando location push --profile \'{"Location"' in script
    assert "PASSWORD='example-password'" in script
    assert "/my-app/app/app/2026-01-02T03-04-05/dump.gz" in script
    restore = render_blueprint_action(bp, "restore", params)
    assert "--path 'kancli/my-app/app/app/" in restore["phases"][0]["args"]["command"][-1]


def test_scale_down_copy_scales_back_up_in_the_defer_phase(tmp_path: Path) -> None:
    bp, params = _scaffold(tmp_path, "scale-down-copy", "Deployment")
    rendered = render_blueprint_action(bp, "backup", params)
    assert [p["func"] for p in rendered["phases"]] == ["ScaleWorkload", "CopyVolumeData"]
    assert rendered["deferPhase"]["func"] == "ScaleWorkload"
    assert rendered["deferPhase"]["args"]["replicas"] == "1"


def test_scaffold_goes_to_stdout_without_output_file() -> None:
    out = run_kancli("new", "blueprint", "--pattern", "volume-backup").stdout
    assert yaml.safe_load(out)["actions"]["backup"]["phases"][0]["func"] == "BackupData"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--pattern", "nope"], "unknown pattern"),
        (["--pattern", "volume-backup", "--name", "Bad_Name"], "--name"),
        (["--pattern", "volume-backup", "--kind", "Pod"], "--kind"),
    ],
    ids=["unknown-pattern", "bad-name", "bad-kind"],
)
def test_bad_scaffold_options_are_usage_errors(args: list[str], fragment: str) -> None:
    assert_one_error(run_kancli("new", "blueprint", *args, expect=2), fragment)

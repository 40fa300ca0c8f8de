"""``kancli validate``: all problems as file:line:col lines; bad input never gives a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.runner import assert_one_error, run_kancli

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "blueprints").glob("*-blueprint.yaml"))

GOOD = """\
apiVersion: cr.kanister.io/v1alpha1
kind: Blueprint
metadata:
  name: good
actions:
  backup:
    phases:
    - func: KubeTask
      name: dump
      args:
        namespace: '{{ .StatefulSet.Namespace }}'
        image: busybox:1.36
        command: [sh, -c, 'echo {{ .StatefulSet.Name }}']
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_example_blueprints_are_valid() -> None:
    assert EXAMPLES, "blueprints/ holds the example Blueprints"
    result = run_kancli("validate", *map(str, EXAMPLES))
    assert result.stdout.strip() == f"{len(EXAMPLES)} Blueprints valid"


def test_valid_blueprint_exits_0_with_a_summary(tmp_path: Path) -> None:
    result = run_kancli("validate", str(write(tmp_path, "good.yaml", GOOD)))
    assert result.stdout == "1 Blueprint valid\n"
    assert result.stderr == ""


def test_every_problem_is_one_line_with_file_line_column(tmp_path: Path) -> None:
    bad = GOOD.replace("func: KubeTask", "func: KubeTasks").replace(
        "'echo {{ .StatefulSet.Name }}'", "'echo {{ .StatefulSet.Name }'"
    )
    path = write(tmp_path, "bad.yaml", bad)
    result = run_kancli("validate", str(path), expect=3)
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith(f"{path}:8:")
    assert "Requested function {KubeTasks} has not been registered" in lines[0]
    assert lines[1].startswith(f"{path}:13:")
    assert "command[2]" in lines[1]
    assert_one_error(result, "2 problems found in 1 of 1 Blueprint file")


def test_problems_of_several_files_are_all_reported(tmp_path: Path) -> None:
    one = write(tmp_path, "one.yaml", GOOD.replace("KubeTask", "Nope"))
    two = write(tmp_path, "two.yaml", GOOD.replace("image: busybox:1.36", "image: x\n        x: y"))
    result = run_kancli("validate", str(one), str(two), expect=3)
    assert str(one) in result.stdout
    assert f"{two}:" in result.stdout
    assert "argument x is not supported" in result.stdout
    assert_one_error(result, "in 2 of 2 Blueprint files")


def test_json_output_lists_problems_per_file(tmp_path: Path) -> None:
    good = write(tmp_path, "good.yaml", GOOD)
    bad = write(tmp_path, "bad.yaml", GOOD.replace("KubeTask", "Nope"))
    result = run_kancli("validate", str(good), str(bad), "--output", "json", expect=3)
    report = result.json()
    assert report["errors"] == 1
    assert [f["valid"] for f in report["files"]] == [True, False]
    problem = report["files"][1]["problems"][0]
    assert (problem["file"], problem["line"], problem["severity"]) == (str(bad), 8, "error")
    assert "Nope" in problem["message"]


BAD_FILES = [
    ("malformed-yaml", "actions: [\n  oops", "invalid YAML"),
    (
        "template-syntax",
        GOOD.replace("'{{ .StatefulSet.Namespace }}'", "'{{ .StatefulSet.Namespace '"),
        "template: config:1:",
    ),
    ("not-utf8", b"actions:\n  a: caf\xe9\n", "not valid UTF-8"),
    ("empty", "", "empty"),
    ("not-a-blueprint", "- just\n- a list\n", "mapping"),
]


@pytest.mark.parametrize(
    ("content", "problem"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_bad_blueprint_files_give_problem_lines_and_one_error(
    tmp_path: Path, content: str | bytes, problem: str
) -> None:
    path = write(tmp_path, "bp.yaml", content)
    result = run_kancli("validate", str(path), expect=3)
    assert result.stdout.startswith(f"{path}:"), result.stdout
    assert problem in result.stdout
    assert_one_error(result, "found in 1 of 1 Blueprint file")


def test_ten_megabyte_file_is_refused_without_reading_it_as_yaml(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(("a: " + "y" * 1021 + "\n") * (10 * 1024 + 1))
    result = run_kancli("validate", str(path), expect=3)
    assert "larger than" in result.stdout
    assert_one_error(result)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("missing.yaml", "no such Blueprint file"), ("", "is a directory")],
    ids=["missing-file", "directory"],
)
def test_unusable_paths_are_usage_errors(tmp_path: Path, name: str, fragment: str) -> None:
    result = run_kancli("validate", str(tmp_path / name), expect=2)
    assert result.stdout == ""
    assert_one_error(result, fragment)

"""``kancli functions list|describe``: generated from the registry's declarations."""

from __future__ import annotations

import pytest

from kancli.cli.output import print_table
from kancli.functions.registry import default_registry
from kancli.settings import Settings
from tests.cli.runner import assert_one_error, run_kancli


def test_list_shows_every_registered_function() -> None:
    lines = run_kancli("functions", "list").stdout.splitlines()
    assert lines[0].split()[:3] == ["NAME", "VERSION", "RUNS"]
    names = [line.split()[0] for line in lines[1:]]
    assert names == default_registry().names()
    assert {"KubeTask", "KubeExec", "ScaleWorkload", "PrepareData", "WaitV2"} <= set(names)


def test_list_json_describes_arguments_and_outputs() -> None:
    functions = run_kancli("functions", "list", "--output", "json").json()
    by_name = {f["name"]: f for f in functions}
    assert len(by_name) == len(default_registry().names())
    scale = by_name["ScaleWorkload"]
    assert list(scale) == [
        "name", "version", "description", "implemented", "arguments", "outputs"
    ]  # fmt: skip
    replicas = next(a for a in scale["arguments"] if a["name"] == "replicas")
    assert (replicas["required"], replicas["default"]) == (True, None)
    assert [o["name"] for o in scale["outputs"]] == ["originalReplicaCount"]


def test_describe_shows_arguments_with_types_and_defaults() -> None:
    out = run_kancli("functions", "describe", "KubeTask").stdout
    assert out.startswith("KubeTask (v0.0.0)")
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line[:1].isalpha()}
    assert rows["image"][1:3] == ["string", "yes"]
    assert rows["command"][1:3] == ["[]string", "yes"]
    assert rows["namespace"][2] == "no"


def test_describe_json_matches_the_list_entry() -> None:
    described = run_kancli("functions", "describe", "KubeExec", "-o", "json").json()
    listed = run_kancli("functions", "list", "-o", "json").json()
    assert described == next(f for f in listed if f["name"] == "KubeExec")


@pytest.mark.parametrize(
    ("name", "hint"),
    [("kubetask", 'did you mean "KubeTask"?'), ("Zzz", "run 'kancli functions list'")],
    ids=["near-miss", "unknown"],
)
def test_unknown_function_is_a_usage_error_with_a_hint(name: str, hint: str) -> None:
    result = run_kancli("functions", "describe", name, expect=2)
    assert_one_error(result, f"no Kanister Function named '{name}'")
    assert f"hint: {hint}" in result.stderr


def test_tables_use_rich_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(is_interactive=True, color=False)
    print_table(settings, "Title", ["A", "B"], [["x", "y"]])
    out = capsys.readouterr().out
    assert "Title" in out
    assert "┃ A" in out or "│ A" in out
    assert "\x1b[" not in out


def test_tables_are_aligned_plain_text_otherwise(capsys: pytest.CaptureFixture[str]) -> None:
    print_table(Settings(), "Title", ["A", "LONG"], [["xyz", "1"], ["w", "2"]])
    assert capsys.readouterr().out == "A    LONG\nxyz  1\nw    2\n"

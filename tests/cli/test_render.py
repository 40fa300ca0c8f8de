"""``kancli render``: the JSON contract, readable YAML, redaction and failures per phase."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.cli.runner import assert_one_error, run_kancli

REPO = Path(__file__).resolve().parents[2]
KVSTORE = REPO / "blueprints" / "kvstore-blueprint.yaml"
KVSTORE_PARAMS = REPO / "blueprints" / "params" / "kvstore.yaml"
NOTEBOOK = REPO / "blueprints" / "notebook-blueprint.yaml"
NOTEBOOK_PARAMS = REPO / "blueprints" / "params" / "notebook.yaml"
SIGNING_KEY = "change-me-signing-key"


def render_json(*args: str, expect: int = 0) -> dict[str, object]:
    result = run_kancli("render", *args, "--output", "json", expect=expect)
    data = result.json()
    assert isinstance(data, dict)
    return data


def test_json_output_has_exactly_the_documented_shape() -> None:
    data = render_json(str(KVSTORE), "--action", "backup", "--params", str(KVSTORE_PARAMS))
    assert list(data) == ["action", "phases", "deferPhase"]
    assert data["action"] == "backup"
    phases = data["phases"]
    assert isinstance(phases, list)
    assert [list(p) for p in phases] == [["name", "func", "args"]] * 2
    assert [(p["name"], p["func"]) for p in phases] == [
        ("quiesceForBackup", "ScaleWorkload"),
        ("archive", "PrepareData"),
    ]
    assert data["deferPhase"] == {
        "name": "resumeAfterBackup",
        "func": "ScaleWorkload",
        "args": {"namespace": "demo", "name": "kvstore", "kind": "StatefulSet", "replicas": "1"},
    }


def test_action_without_defer_phase_renders_null() -> None:
    data = render_json(str(KVSTORE), "-a", "delete", "-p", str(KVSTORE_PARAMS))
    assert data["deferPhase"] is None


def test_rendered_args_use_params_file_values() -> None:
    data = render_json(str(KVSTORE), "-a", "backup", "-p", str(KVSTORE_PARAMS))
    archive = data["phases"][1]["args"]  # type: ignore[index]
    assert archive["volumes"] == {"data-kvstore-0": "/src", "kvstore-backups": "/backups"}
    script = archive["command"][2]
    assert 'file="kvstore-20260821T101112.tar.gz"' in script


def test_secret_values_are_redacted_by_default() -> None:
    result = run_kancli("render", str(KVSTORE), "-a", "backup", "-p", str(KVSTORE_PARAMS))
    assert SIGNING_KEY not in result.stdout
    assert "key='<redacted>'" in result.stdout


def test_show_secrets_prints_them() -> None:
    result = run_kancli(
        "render", str(KVSTORE), "-a", "backup", "-p", str(KVSTORE_PARAMS), "--show-secrets"
    )
    assert f"key='{SIGNING_KEY}'" in result.stdout


def test_show_secrets_can_come_from_the_environment() -> None:
    result = run_kancli(
        "render",
        str(KVSTORE),
        "-a",
        "backup",
        "-p",
        str(KVSTORE_PARAMS),
        env={"KANCLI_SHOW_SECRETS": "1"},
    )
    assert SIGNING_KEY in result.stdout


def test_text_output_is_readable_yaml_of_the_same_data() -> None:
    text = run_kancli("render", str(NOTEBOOK), "-a", "restore", "-p", str(NOTEBOOK_PARAMS)).stdout
    as_json = render_json(str(NOTEBOOK), "-a", "restore", "-p", str(NOTEBOOK_PARAMS))
    assert yaml.safe_load(text) == as_json
    assert "- |" in text  # multi-line scripts stay block scalars


def test_phase_that_fails_to_render_carries_its_error_and_others_still_render(
    tmp_path: Path,
) -> None:
    params = tmp_path / "params.yaml"
    params.write_text(
        KVSTORE_PARAMS.read_text(encoding="utf-8").replace("name: kvstore-signing", "name: other"),
        encoding="utf-8",
    )
    result = run_kancli(
        "render", str(KVSTORE), "-a", "backup", "-p", str(params), "-o", "json", expect=3
    )
    data = result.json()
    archive = data["phases"][1]
    assert list(archive) == ["name", "func", "error"]
    assert 'secrets "kvstore-signing" not found in namespace "demo"' in archive["error"]
    assert "args" in data["phases"][0]
    assert "args" in data["deferPhase"]
    assert_one_error(result, "1 of 3 phases of action backup failed to render: archive")


def test_render_without_params_uses_empty_fields() -> None:
    result = run_kancli("render", str(KVSTORE), "-a", "backup", "-o", "json", expect=3)
    error = result.json()["phases"][0]["error"]
    assert "nil pointer evaluating *param.StatefulSetParams.Namespace" in error


def test_unknown_action_lists_the_known_ones() -> None:
    result = run_kancli("render", str(KVSTORE), "-a", "bakup", expect=3)
    assert_one_error(result, "Action bakup not found")
    assert "hint: actions in this Blueprint: backup, delete, restore" in result.stderr


BAD_PARAMS = [
    ("yaml-syntax", "Time: [", "invalid YAML"),
    ("wrong-key", "options: {}\n", "options: unknown key"),
    ("wrong-type", "Options: {a: 1}\n", "Options.a: must be a string"),
    ("not-utf8", b"Options:\n  a: \xff\n", "not UTF-8"),
    ("list", "- a\n", "must be a mapping"),
]


@pytest.mark.parametrize(
    ("content", "fragment"), [c[1:] for c in BAD_PARAMS], ids=[c[0] for c in BAD_PARAMS]
)
def test_bad_params_files_are_one_line_usage_errors(
    tmp_path: Path, content: str | bytes, fragment: str
) -> None:
    params = tmp_path / "params.yaml"
    if isinstance(content, bytes):
        params.write_bytes(content)
    else:
        params.write_text(content, encoding="utf-8")
    result = run_kancli("render", str(KVSTORE), "-a", "backup", "-p", str(params), expect=2)
    assert result.stdout == ""
    assert_one_error(result, str(params), fragment)


@pytest.mark.parametrize(
    ("blueprint", "params", "code", "fragment"),
    [
        ("missing.yaml", None, 2, "cannot read Blueprint file"),
        (None, "missing.yaml", 2, "no such params file"),
        ("", None, 2, "is a directory"),
        (None, "", 2, "is a directory"),
    ],
    ids=["missing-blueprint", "missing-params", "blueprint-is-dir", "params-is-dir"],
)
def test_unusable_input_paths(
    tmp_path: Path, blueprint: str | None, params: str | None, code: int, fragment: str
) -> None:
    bp = str(tmp_path / blueprint) if blueprint is not None else str(KVSTORE)
    pp = str(tmp_path / params) if params is not None else str(KVSTORE_PARAMS)
    result = run_kancli("render", bp, "-a", "backup", "-p", pp, expect=code)
    assert_one_error(result, fragment)


def test_malformed_blueprint_is_a_blueprint_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("actions: [", encoding="utf-8")
    result = run_kancli("render", str(bad), "-a", "backup", expect=3)
    assert_one_error(result, str(bad), "invalid YAML")


def test_empty_blueprint_file_is_one_blueprint_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    result = run_kancli("render", str(empty), "-a", "backup", expect=3)
    assert result.stdout == ""
    assert_one_error(result, str(empty))


def test_template_syntax_error_fails_only_its_phase(tmp_path: Path) -> None:
    broken = tmp_path / "kvstore.yaml"
    text = KVSTORE.read_text(encoding="utf-8")
    broken.write_text(
        text.replace("image: busybox:1.36", "image: '{{ .Options.x '", 1), encoding="utf-8"
    )
    result = run_kancli(
        "render", str(broken), "-a", "backup", "-p", str(KVSTORE_PARAMS), "-o", "json", expect=3
    )
    archive = result.json()["phases"][1]
    assert "args.image" in archive["error"]
    assert "template: config:1:" in archive["error"]
    assert "args" in result.json()["phases"][0]


def test_oversized_params_file_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "params.yaml"
    huge.write_text("# " + "x" * (5 * 1024 * 1024) + "\n", encoding="utf-8")
    result = run_kancli("render", str(KVSTORE), "-a", "backup", "-p", str(huge), expect=2)
    assert_one_error(result, "params file is too large")

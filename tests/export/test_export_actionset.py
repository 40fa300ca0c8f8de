"""``kancli export actionset``: Kanister custom resources a controller accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from kancli.blueprint.loader import load_blueprint, load_blueprint_text
from kancli.state import History, RunStatus
from tests.cli.runner import assert_one_error, run_kancli

COMPAT = Path("/work/shared/compat/blueprints")
SCHEMA = json.loads((Path(__file__).parent / "kanister-crs.schema.json").read_text())
MYSQL = COMPAT / "kanisterio-blueprints__mysql__mysql-blueprint.yaml"


def _export(*args: str, expect: int = 0) -> list[dict[str, Any]]:
    result = run_kancli("export", "actionset", *args, expect=expect)
    return [d for d in yaml.safe_load_all(result.stdout) if d is not None]


def _valid(doc: dict[str, Any]) -> None:
    jsonschema.validate(doc, SCHEMA)


@pytest.mark.parametrize(
    "blueprint",
    sorted(COMPAT.glob("*.yaml")),
    ids=lambda p: p.name.split("__")[-1].removesuffix(".yaml"),
)
def test_every_corpus_blueprint_exports_valid_resources_that_round_trip(blueprint: Path) -> None:
    action = next(iter(load_blueprint(blueprint).actions))
    bp, actionset = _export(str(blueprint), "-a", action, "--statefulset", "db/app")
    _valid(bp)
    _valid(actionset)
    reloaded = load_blueprint_text(yaml.safe_dump(bp, sort_keys=False))
    original = load_blueprint(blueprint)
    assert reloaded.name == (original.name or bp["metadata"]["name"])
    assert _phases(reloaded) == _phases(original)


def _refs(objects: Any) -> Any:
    return {
        key: {f: v for f, v in vars(ref).items() if "location" not in f and "span" not in f}
        for key, ref in objects.items()
    }


def _phases(bp: Any) -> Any:
    return {
        name: (
            [(p.name, p.func, p.args, _refs(p.objects)) for p in a.all_phases()],
            {k: (v.key_value, v.kopia_snapshot) for k, v in a.output_artifacts.items()},
            a.input_artifact_names,
            a.secret_names,
            a.config_map_names,
        )
        for name, a in bp.actions.items()
    }


def test_actionset_carries_every_flag_in_kanister_wire_form() -> None:
    bp, actionset = _export(
        str(MYSQL),
        "-a",
        "backup",
        "--statefulset",
        "db/mysql",
        "--deployment",
        "web",
        "--namespace-target",
        "team-a",
        "--object",
        "apps/v1/replicasets/db/rs1",
        "--profile",
        "s3",
        "--options",
        "a=1,b=x=y",
        "--secrets",
        "creds=db/mysql-secret",
        "--config-maps",
        "cfg=settings",
        "--artifact",
        "old.path=/x/y",
        "--name",
        "backup-now",
        "--namespace",
        "kanister",
    )
    _valid(actionset)
    assert bp["metadata"] == {"name": "mysql-blueprint", "namespace": "kanister"}
    assert actionset["metadata"] == {"namespace": "kanister", "name": "backup-now"}
    specs = actionset["spec"]["actions"]
    assert [s["object"] for s in specs] == [
        {"kind": "deployment", "name": "web", "namespace": "kanister"},
        {"kind": "statefulset", "name": "mysql", "namespace": "db"},
        {"kind": "namespace", "name": "team-a", "namespace": "team-a"},
        {
            "apiVersion": "v1",
            "group": "apps",
            "resource": "replicasets",
            "kind": "",
            "name": "rs1",
            "namespace": "db",
        },
    ]
    first = specs[0]
    assert first["name"] == "backup"
    assert first["blueprint"] == "mysql-blueprint"
    assert first["profile"] == {"kind": "profile", "name": "s3", "namespace": "kanister"}
    assert first["options"] == {"a": "1", "b": "x=y"}
    assert first["secrets"] == {"creds": {"name": "mysql-secret", "namespace": "db"}}
    assert first["configMaps"] == {"cfg": {"name": "settings", "namespace": "kanister"}}
    assert first["artifacts"] == {"old": {"keyValue": {"path": "/x/y"}}}


def test_without_name_the_actionset_uses_generate_name() -> None:
    _, actionset = _export(str(MYSQL), "-a", "backup", "--statefulset", "db/mysql")
    assert actionset["metadata"]["generateName"] == "backup-"
    assert "name" not in actionset["metadata"]


def test_bare_blueprint_gets_its_name_from_the_file_or_the_flag(tmp_path: Path) -> None:
    bare = tmp_path / "My_App.yaml"
    bare.write_text(
        "actions:\n  backup:\n    phases:\n    - func: KubeOps\n      name: p\n"
        "      args:\n        operation: create\n        spec: 'x'\n"
    )
    bp, _ = _export(str(bare), "-a", "backup", "--pvc", "ns/data")
    assert bp["metadata"]["name"] == "my-app"
    _valid(bp)
    bp2, actionset = _export(str(bare), "-a", "backup", "--pvc", "ns/data", "--blueprint-name", "x")
    assert bp2["metadata"]["name"] == "x"
    assert actionset["spec"]["actions"][0]["blueprint"] == "x"


def test_from_run_inherits_artifacts_options_and_subject(tmp_path: Path) -> None:
    with History.open(tmp_path) as history:
        rec = history.start_run(
            blueprint_path=str(MYSQL),
            blueprint_text=MYSQL.read_text(),
            action="backup",
            subject="statefulset db/mysql",
            options={"keep": "yes", "mode": "full"},
        )
        rec.artifacts({"mysqlCloudDump": {"keyValue": {"s3path": "/b/dump.gz"}}})
        rec.finish(RunStatus.COMPLETE, 0)
    _, actionset = _export(
        str(MYSQL),
        "-a",
        "restore",
        "--from",
        "latest",
        "--state-dir",
        str(tmp_path),
        "--options",
        "mode=fast",
    )
    _valid(actionset)
    spec = actionset["spec"]["actions"][0]
    assert spec["object"] == {"kind": "statefulset", "name": "mysql", "namespace": "db"}
    assert spec["artifacts"] == {"mysqlCloudDump": {"keyValue": {"s3path": "/b/dump.gz"}}}
    assert spec["options"] == {"keep": "yes", "mode": "fast"}


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["-a", "backup"], 2, "no subject"),
        (["-a", "nope", "--pvc", "a/b"], 3, "Action nope not found"),
        (["-a", "backup", "--pvc", "a/b/c"], 2, "--pvc"),
        (["-a", "backup", "--pvc", "a/b", "--options", "novalue"], 2, "--options"),
    ],
    ids=["no-subject", "unknown-action", "bad-ref", "bad-option"],
)
def test_bad_input_is_one_error_line(args: list[str], code: int, fragment: str) -> None:
    result = run_kancli("export", "actionset", str(MYSQL), *args, expect=code)
    assert_one_error(result, fragment)

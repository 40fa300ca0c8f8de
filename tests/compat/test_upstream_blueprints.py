"""Real upstream Blueprints load, validate and render unchanged, with values Kanister would give.

The Blueprints are read from the shared compatibility corpus (never copied into the project);
each has a params file in tests/compat/params/ describing the cluster it would run against.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kancli.blueprint import Blueprint, load_blueprint, validate_blueprint
from kancli.errors import KancliError
from kancli.functions.registry import default_registry
from kancli.params.offline import OfflineParams, load_params_file
from kancli.params.render import ActionRendering, render_action
from kancli.template import check_syntax, render_string
from kancli.template.values import string_map
from tests.cli.runner import run_kancli

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "compat" / "blueprints"
PARAMS = Path(__file__).resolve().parent / "params"

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"compatibility corpus not present at {CORPUS}"
)

BLUEPRINTS = sorted(p.name for p in CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []

PROFILE_JSON = (
    '{"Location":{"type":"s3Compliant","bucket":"kancli-backups",'
    '"endpoint":"http://127.0.0.1:9000","prefix":"compat","region":"us-east-1"},'
    '"Credential":{"Type":"keyPair","KeyPair":{"ID":"AKIAKANCLIEXAMPLE",'
    '"Secret":"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},"Secret":null,'
    '"KopiaServerSecret":null},"SkipSSLVerify":false}'
)


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """sprig's ``date`` formats in the local zone, as Go does; pin it so dates are stable."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def load(name: str) -> tuple[Blueprint, OfflineParams]:
    return load_blueprint(CORPUS / name), load_params_file(PARAMS / name)


def render(name: str, action: str, offline: OfflineParams | None = None) -> ActionRendering:
    blueprint, from_file = load(name)
    offline = offline or from_file
    return render_action(
        blueprint.action(action),
        offline.params,
        offline.objects,
        phase_outputs=offline.phase_outputs,
        render_string=render_string,
    )


def phase_args(rendering: ActionRendering, phase: str) -> dict[str, Any]:
    for rendered in rendering.all_phases():
        if rendered.name == phase:
            assert rendered.error is None, rendered.error
            assert rendered.args is not None
            return dict(rendered.args)
    raise AssertionError(f"no phase {phase} in {rendering.action}")


def test_every_corpus_blueprint_has_a_params_file() -> None:
    assert BLUEPRINTS, "the corpus holds Blueprints"
    assert sorted(p.name for p in PARAMS.glob("*.yaml")) == BLUEPRINTS


@pytest.mark.parametrize("name", BLUEPRINTS)
def test_blueprint_validates_without_errors(name: str) -> None:
    blueprint = load_blueprint(CORPUS / name)
    catalog = default_registry().catalog()
    errors = [p for p in validate_blueprint(blueprint, catalog, check_syntax) if p.is_error]
    assert errors == [], "\n".join(map(str, errors))


def _actions(name: str) -> list[str]:
    # Collected at import time: a Blueprint that does not load must fail its tests, not collection.
    try:
        return sorted(load_blueprint(CORPUS / name).actions)
    except KancliError:
        return ["<does-not-load>"]


ACTIONS = [(name, action) for name in BLUEPRINTS for action in _actions(name)]


@pytest.mark.parametrize(("name", "action"), ACTIONS, ids=[f"{n[:-5]}:{a}" for n, a in ACTIONS])
def test_every_action_renders_every_phase(name: str, action: str) -> None:
    rendering = render(name, action)
    failures = [f"{p.name}: {p.error}" for p in rendering.all_phases() if not p.ok]
    assert failures == []


MYSQL = "kanisterio-blueprints__mysql__mysql-blueprint.yaml"
MYSQL_V2 = "kanisterio-kanister__examples__mysql__blueprint-v2__mysql-blueprint.yaml"
POSTGRES = "kanisterio-blueprints__postgres__postgres-blueprint.yaml"
MONGO_RESTIC = "kanisterio-blueprints__mongodb-restic__mongodb-restic-blueprint.yaml"
MONGO_SIDECAR = "kanisterio-blueprints__mongo-sidecar__mongo-sidecar-blueprint.yaml"
ELASTIC = "kanisterio-blueprints__elasticsearch__elasticsearch-blueprint.yaml"
REDIS = "kanisterio-blueprints__redis__redis-blueprint.yaml"
CSI = "kanisterio-blueprints__csi-snapshot__csi-snapshot-blueprint.yaml"
TIME_LOG = "kanisterio-blueprints__time-log__time-log-blueprint.yaml"

# (blueprint, action, phase, arg, text expected inside the rendered arg's last element)
SCRIPT_EXPECTATIONS = [
    (
        MYSQL,
        "backup",
        "dumpToObjectStore",
        "command",
        's3_path="/mysql-backups/mysql-test/mysql-release/2026-08-21T10-11-12/dump.sql.gz"',
    ),
    (MYSQL, "backup", "dumpToObjectStore", "command", 'root_password="s3cr3t-root-pw"'),
    (MYSQL, "backup", "dumpToObjectStore", "command", f"--profile '{PROFILE_JSON}' --path"),
    (MYSQL, "backup", "dumpToObjectStore", "command", "-h mysql-release --single-transaction"),
    (
        MYSQL,
        "restore",
        "restoreFromBlobStore",
        "command",
        's3_path="/mysql-backups/mysql-test/mysql-release/2026-08-21T10-11-12/dump.sql.gz"',
    ),
    (MYSQL, "delete", "deleteFromBlobStore", "command", f"--profile '{PROFILE_JSON}'"),
    (MYSQL_V2, "backup", "dumpToStore", "backgroundCommand", "--password=${root_password} -h"),
    (MYSQL_V2, "backup", "dumpToStore", "outputCommand", f"--profile '{PROFILE_JSON}'"),
    (
        MYSQL_V2,
        "restore",
        "restoreFromStore",
        "backgroundCommand",
        """kopia_snap='{"id":"k1f0e2d3c4b5a6","logicalSize":1048576,"physicalSize":524288}'""",
    ),
    (
        POSTGRES,
        "backup",
        "pgDump",
        "command",
        "BACKUP_LOCATION=pg_backups/pg-test/pg-release-postgresql/2026-08-21T10:11:12Z/backup.sql.gz",
    ),
    (POSTGRES, "backup", "pgDump", "command", "export PGPASSWORD='pg-Pa55word'"),
    (
        POSTGRES,
        "backup",
        "pgDump",
        "command",
        "export PGHOST='pg-release-postgresql.pg-test.svc.cluster.local'",
    ),
    (
        MONGO_SIDECAR,
        "backup",
        "takeConsistentBackup",
        "command",
        "export AWS_SECRET_ACCESS_KEY=mongo-aws-secret",
    ),
    (
        MONGO_SIDECAR,
        "backup",
        "takeConsistentBackup",
        "command",
        '"s3://kancli-mongo/backups/mongo/2026-08-21T10-11-12/rs0.tar"',
    ),
    (
        ELASTIC,
        "backup",
        "backupToObjectStore",
        "command",
        'host_name="elasticsearch-master-headless.es-test.svc.cluster.local"',
    ),
    (ELASTIC, "backup", "backupToObjectStore", "command", 'master_password="es-Pa55&word"'),
    (REDIS, "backup", "dumpToObjectStore", "command", "redis-dump -a ${root_password} -h"),
    (REDIS, "backup", "dumpToObjectStore", "command", "-h redis-release-master | gzip"),
]


@pytest.mark.parametrize(
    ("name", "action", "phase", "arg", "expected"),
    SCRIPT_EXPECTATIONS,
    ids=[f"{e[0].split('__')[1]}:{e[1]}:{e[4][:30]}" for e in SCRIPT_EXPECTATIONS],
)
def test_rendered_scripts_hold_kanister_values(
    name: str, action: str, phase: str, arg: str, expected: str
) -> None:
    script = phase_args(render(name, action), phase)[arg][-1]
    assert expected in script


# (blueprint, action, phase, rendered args expected to include these key/values)
ARG_EXPECTATIONS = [
    (MYSQL, "delete", "deleteFromBlobStore", {"namespace": "mysql-test"}),
    (
        MYSQL_V2,
        "backup",
        "dumpToStore",
        {
            "initImage": "ghcr.io/kanisterio/kanister-tools:0.117.0",
            "backgroundImage": "mysql:8",
            "sharedVolumeMedium": "Memory",
        },
    ),
    (
        MONGO_RESTIC,
        "backup",
        "backupSnapshots",
        {"backupArtifactPrefix": "kancli-backups/mongodb-backups/my-release-mongodb/rs_backup"},
    ),
    (MONGO_RESTIC, "restore", "shutdownPrimary", {"name": "my-release-mongodb", "replicas": 0}),
    (
        MONGO_RESTIC,
        "restore",
        "syncSecondary",
        {"volumes": {"datadir-my-release-mongodb-1": "/mongo/secondary"}},
    ),
    (
        MONGO_RESTIC,
        "restore",
        "restorePrimary",
        {"backupInfo": '{"my-release-mongodb-0":{"BackupID":"8f1a","BackupTag":"rs0tag"}}'},
    ),
    (MONGO_RESTIC, "delete", "deleteSnapshots", {"reclaimSpace": True}),
    (MONGO_SIDECAR, "restore", "pullFromBlobStore", {"pod": "mongo-0"}),
    (
        REDIS,
        "backup",
        "dumpToObjectStore",
        {"image": "<registry>/<account_name>/redis-tools:<tag_name>"},
    ),
    (CSI, "backup", "createCSISnapshot", {"pvc": "time-logger-pvc", "namespace": "csi-test"}),
    (
        CSI,
        "restore",
        "deleteOriginalPVC",
        {
            "objectReference": {
                "apiVersion": "v1",
                "group": "",
                "resource": "persistentvolumeclaims",
                "name": "time-logger-pvc",
                "namespace": "csi-test",
            }
        },
    ),
    (CSI, "restore", "restorePVCFromSnapshot", {"accessModes": ["ReadWriteOnce"]}),
    (CSI, "restore", "scaleUpSS", {"name": "time-logger", "kind": "deployment", "replicas": 1}),
    (
        TIME_LOG,
        "backup",
        "backupToS3",
        {"pod": "time-logger-5f6c7d8-qwert", "backupArtifactPrefix": "kancli-backups/time-log"},
    ),
    (TIME_LOG, "restore", "restoreFromS3", {"backupIdentifier": "5e8f9a0b"}),
    (TIME_LOG, "delete", "LocationDeleteFromS3", {"artifact": "kancli-backups/time-log"}),
]


@pytest.mark.parametrize(
    ("name", "action", "phase", "expected"),
    ARG_EXPECTATIONS,
    ids=[f"{e[0].split('__')[1]}:{e[1]}:{e[2]}" for e in ARG_EXPECTATIONS],
)
def test_rendered_args_hold_kanister_values(
    name: str, action: str, phase: str, expected: dict[str, Any]
) -> None:
    args = phase_args(render(name, action), phase)
    assert {k: args[k] for k in expected} == expected


def test_kanister_image_option_overrides_the_default_image() -> None:
    from_file = load_params_file(PARAMS / MYSQL_V2)
    params = dataclasses.replace(from_file.params, options=string_map({"kanisterImage": "t:dev"}))
    offline = dataclasses.replace(from_file, params=params)
    args = phase_args(render(MYSQL_V2, "backup", offline), "dumpToStore")
    assert (args["initImage"], args["outputImage"]) == ("t:dev", "t:dev")


def test_cli_render_redacts_corpus_passwords_and_keeps_the_rest() -> None:
    result = run_kancli(
        "render", str(CORPUS / MYSQL), "-a", "backup", "-p", str(PARAMS / MYSQL), "-o", "json"
    )
    script = result.json()["phases"][0]["args"]["command"][-1]
    assert "s3cr3t-root-pw" not in result.stdout
    assert "wJalrXUtnFEMI" not in result.stdout
    assert 'root_password="<redacted>"' in script
    assert '"bucket":"kancli-backups"' in script

"""Every built-in function declares exactly Kanister's arguments, defaults and outputs (sec. 5)."""

from __future__ import annotations

import dataclasses
import importlib
import re
from typing import Any

import pytest

from kancli.errors import ExitCode
from kancli.functions import FunctionNotImplementedError, default_registry
from kancli.functions.args import StructArg

POD = ("podOverride", "podAnnotations", "podLabels")
RDS_CREDS = ("credentialsSource", "credentialsSecret", "region")

# (function, required args in Kanister's RequiredArgs order, optional args), from section 5
# (5.21 changes applied; CSI and RDS per 5.20 and their Arguments()).
SIGNATURES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("KubeExec", ("namespace", "pod", "command"), ("container",)),
    ("KubeExecAll", ("namespace", "pods", "containers", "command"), ()),
    ("KubeTask", ("image", "command"), ("namespace", *POD)),
    (
        "MultiContainerRun",
        ("backgroundImage", "backgroundCommand", "outputImage", "outputCommand"),
        (
            "namespace",
            "initImage",
            "initCommand",
            "sharedVolumeMedium",
            "sharedVolumeSizeLimit",
            "sharedVolumeDir",
            *POD,
        ),
    ),
    ("ScaleWorkload", ("replicas",), ("namespace", "name", "kind", "waitForReady")),
    (
        "PrepareData",
        ("namespace", "image", "command"),
        ("volumes", "serviceaccount", "failOnError", *POD),
    ),
    (
        "BackupData",
        ("namespace", "pod", "container", "includePath", "backupArtifactPrefix"),
        ("encryptionKey", "insecureTLS"),
    ),
    (
        "BackupDataAll",
        ("namespace", "container", "includePath", "backupArtifactPrefix"),
        ("pods", "encryptionKey", "insecureTLS"),
    ),
    (
        "RestoreData",
        ("namespace", "image", "backupArtifactPrefix"),
        (
            "backupIdentifier",
            "backupTag",
            "backupPath",
            "restorePath",
            "pod",
            "volumes",
            "encryptionKey",
            "insecureTLS",
            *POD,
        ),
    ),
    (
        "RestoreDataAll",
        ("namespace", "image", "backupArtifactPrefix", "backupInfo"),
        ("restorePath", "pods", "encryptionKey", "insecureTLS", *POD),
    ),
    (
        "CopyVolumeData",
        ("namespace", "volume", "dataArtifactPrefix"),
        ("image", "mountPath", "encryptionKey", "insecureTLS", *POD),
    ),
    (
        "DeleteData",
        ("namespace", "backupArtifactPrefix"),
        ("backupID", "backupTag", "encryptionKey", "reclaimSpace", "image", "insecureTLS", *POD),
    ),
    (
        "DeleteDataAll",
        ("namespace", "backupArtifactPrefix", "backupInfo"),
        ("encryptionKey", "reclaimSpace", "image", "insecureTLS", *POD),
    ),
    ("LocationDelete", ("artifact",), ()),
    (
        "BackupDataStats",
        ("namespace", "backupArtifactPrefix", "backupID"),
        ("statsMode", "encryptionKey", "image", *POD),
    ),
    (
        "CheckRepository",
        ("backupArtifactPrefix",),
        ("encryptionKey", "image", "insecureTLS", *POD),
    ),
    ("KubeOps", ("operation",), ("namespace", "spec", "objectReference")),
    ("Wait", ("timeout", "conditions"), ()),
    ("WaitV2", ("timeout", "conditions"), ()),
    ("CreateCSISnapshot", ("pvc", "namespace", "snapshotClass"), ("name", "labels")),
    (
        "CreateCSISnapshotStatic",
        ("name", "namespace", "driver", "snapshotHandle", "snapshotClass"),
        (),
    ),
    (
        "RestoreCSISnapshot",
        ("name", "pvc", "namespace", "storageClass", "restoreSize"),
        ("accessModes", "volumeMode", "labels"),
    ),
    ("DeleteCSISnapshot", ("name", "namespace"), ()),
    ("DeleteCSISnapshotContent", ("name",), ()),
    ("CreateRDSSnapshot", ("instanceID",), ("dbEngine", *RDS_CREDS)),
    (
        "ExportRDSSnapshotToLocation",
        ("namespace", "instanceID", "snapshotID", "dbEngine"),
        (
            "username",
            "password",
            "backupArtifactPrefix",
            "databases",
            "securityGroupID",
            "dbSubnetGroup",
            "podAnnotations",
            "podLabels",
            *RDS_CREDS,
        ),
    ),
    (
        "RestoreRDSSnapshot",
        ("instanceID",),
        (
            "snapshotID",
            "dbEngine",
            "backupArtifactPrefix",
            "backupID",
            "username",
            "password",
            "namespace",
            "securityGroupID",
            "dbSubnetGroup",
            "podAnnotations",
            "podLabels",
            *RDS_CREDS,
        ),
    ),
    ("DeleteRDSSnapshot", ("snapshotID",), ("dbEngine", *RDS_CREDS)),
]

OUTPUTS = {
    "ScaleWorkload": ["originalReplicaCount"],
    "BackupData": ["backupID", "backupTag", "fileCount", "size", "phySize", "version"],
    "BackupDataAll": ["BackupAllInfo", "version"],
    "CopyVolumeData": [
        "backupID",
        "backupRoot",
        "backupArtifactLocation",
        "backupTag",
        "fileCount",
        "size",
        "phySize",
        "version",
    ],
    "DeleteData": ["spaceFreed"],
    "DeleteDataAll": ["spaceFreed"],
    "BackupDataStats": ["mode", "fileCount", "size", "version"],
    "CheckRepository": ["passwordIncorrect", "repoUnavailable", "version"],
    "KubeOps": ["apiVersion", "group", "resource", "kind", "name", "namespace"],
    "CreateCSISnapshot": ["name", "pvc", "namespace", "restoreSize", "snapshotContent"],
    "CreateCSISnapshotStatic": ["name", "namespace", "restoreSize", "snapshotContent"],
    "CreateRDSSnapshot": [
        "snapshotID",
        "instanceID",
        "securityGroupID",
        "allocatedStorage",
        "dbSubnetGroup",
    ],
    "ExportRDSSnapshotToLocation": ["snapshotID", "instanceID", "securityGroupID", "backupID"],
    "RestoreRDSSnapshot": ["endpoint"],
}
PARSED_OUTPUT = {
    "KubeExec",
    "KubeExecAll",
    "KubeTask",
    "MultiContainerRun",
    "PrepareData",
    "RestoreData",
    "RestoreDataAll",
}


def test_all_28_functions_of_kanister_are_registered_at_the_default_version() -> None:
    registry = default_registry()
    assert sorted(registry.names()) == sorted(name for name, _, _ in SIGNATURES)
    assert len(registry.names()) == 28
    assert all(registry.versions(name) == ["v0.0.0"] for name in registry.names())


@pytest.mark.parametrize(
    ("name", "required", "optional"), SIGNATURES, ids=[s[0] for s in SIGNATURES]
)
def test_argument_sets_match_kanister(
    name: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> None:
    spec = default_registry().lookup(name)
    assert spec.required_args == required
    assert sorted(spec.supported_args) == sorted(required + optional)
    assert len(set(spec.supported_args)) == len(spec.supported_args)


@pytest.mark.parametrize("name", [s[0] for s in SIGNATURES])
def test_outputs_match_kanister(name: str) -> None:
    spec = default_registry().lookup(name)
    assert [o.key for o in spec.outputs] == OUTPUTS.get(name, [])
    assert ("kando output" in spec.output_note) == (name in PARSED_OUTPUT)


@pytest.mark.parametrize(
    ("name", "key", "default"),
    [
        ("KubeExec", "container", ""),
        ("ScaleWorkload", "waitForReady", True),
        ("PrepareData", "failOnError", False),
        ("RestoreData", "restorePath", "/"),
        ("RestoreDataAll", "restorePath", "/"),
        (
            "BackupData",
            "encryptionKey",
            "9f735e0df9a1ddc702bf0a1a7b83033f9f7153a00c29de82cedadc9957289b05",
        ),
        ("BackupData", "insecureTLS", False),
        ("DeleteData", "reclaimSpace", False),
        ("BackupDataStats", "statsMode", "restore-size"),
        ("MultiContainerRun", "sharedVolumeDir", "/tmp/"),
        ("MultiContainerRun", "sharedVolumeMedium", ""),
        ("KubeOps", "namespace", "default"),
        ("RestoreCSISnapshot", "accessModes", ("ReadWriteOnce",)),
        ("RestoreCSISnapshot", "volumeMode", "Filesystem"),
        ("ExportRDSSnapshotToLocation", "dbSubnetGroup", "default"),
        ("RestoreRDSSnapshot", "dbSubnetGroup", "default"),
        ("CreateRDSSnapshot", "credentialsSource", "profile"),
    ],
)
def test_defaults_match_kanister(name: str, key: str, default: Any) -> None:
    spec = default_registry().lookup(name)
    (arg,) = [a for a in spec.arguments if a.key == key]
    assert not arg.required
    assert arg.default == default
    assert getattr(spec.args_type(**_required_values(spec)), arg.attr) == default


def _required_values(spec: Any) -> dict[str, Any]:
    """A valid value for every required argument, decoded by the declaration itself."""
    return {
        a.attr: a.kind.decode({} if isinstance(a.kind, StructArg) else "1", "")
        for a in spec.arguments
        if a.required
    }


@pytest.mark.parametrize("name", [s[0] for s in SIGNATURES])
def test_declarations_are_documented_frozen_and_in_their_own_module(name: str) -> None:
    spec = default_registry().lookup(name)
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
    module = importlib.import_module(f"kancli.functions.builtin.{snake}")
    assert spec.args_type is module.Args
    assert module.__doc__ is not None
    assert f"5.{spec.reference.split('.')[1]}" in module.__doc__, "docstring cites its section"
    assert dataclasses.fields(spec.args_type)
    assert spec.args_type.__dataclass_params__.frozen
    assert spec.description.strip()
    assert spec.reference.startswith("5.")
    for arg in spec.arguments:
        assert arg.help.strip(), f"{name}.{arg.key} has no help text"
        assert arg.kind.doc


@pytest.mark.parametrize(
    "name",
    [s[0] for s in SIGNATURES if not default_registry().lookup(s[0]).implemented],
)
def test_unimplemented_functions_refuse_to_run(name: str) -> None:
    spec = default_registry().lookup(name)
    with pytest.raises(FunctionNotImplementedError) as info:
        spec.run(None, spec.args_type(**_required_values(spec)))
    assert (
        str(info.value) == f"Kanister Function {name} is not implemented by this version of kancli"
    )
    assert info.value.exit_code == ExitCode.PHASE


def test_wait_functions_render_their_own_args() -> None:
    registry = default_registry()
    assert not registry.lookup("Wait").prerender
    assert not registry.lookup("WaitV2").prerender
    assert registry.lookup("WaitV2").untemplated_args == frozenset({"timeout", "conditions"})
    assert registry.lookup("Wait").untemplated_args == frozenset()
    assert all(s.prerender for s in registry.specs() if s.name not in ("Wait", "WaitV2"))

"""BackupData -> RestoreData round trips of a PVC's contents through the real test cluster.

An application pod mounts a PVC at /data and fills it; BackupData streams it into the
repository; the PVC is wiped; RestoreData restores it from a helper pod mounting the PVC; a
listing with owners, modes, link targets and checksums, taken in a pod, must be identical.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from kancli.datapath import WrongPasswordError
from kancli.datapath.profilerepo import open_profile_repository, profile_json
from kancli.kube.facade import Kube
from kancli.kube.resources import PVCS
from kancli.params.model import StatefulSetParams, TemplateParams, pvc_mounts
from tests.datafuncs.conftest import Target, tar_of
from tests.functions_cluster.conftest import IMAGE, SLEEPER, FunctionRunner, pod_manifest
from tests.functions_cluster.workloads import pvc

pytestmark = pytest.mark.cluster

KEY = "restore-key"

TREES = {
    "empty-tree": "true",
    "mixed": (
        "mkdir -p /data/sub/deep && printf 'hello' > /data/a.txt && : > /data/empty && "
        "head -c 2000000 /dev/urandom > /data/sub/random.bin && ln -s a.txt /data/link && "
        "ln -s /nowhere /data/dangling && ln /data/a.txt /data/hard && chmod 0751 /data/sub && "
        "chmod 0600 /data/a.txt && chown 1234:5678 /data/empty && "
        "printf 'latin1' > \"/data/$(printf 'caf\\351')\" && "
        "for i in $(seq 1 2000); do echo $i > /data/sub/deep/f$i; done"
    ),
}

# One line per entry: type, mode, owner, size (files), link target, checksum (files).
LISTING = (
    "cd /data && find . | sort | while IFS= read -r f; do "
    'if [ -L "$f" ]; then echo "$f L $(readlink "$f")"; '
    'elif [ -f "$f" ]; then echo "$f F $(stat -c "%a %u:%g %s %h" "$f") '
    '$(sha256sum < "$f" | cut -c1-64)"; '
    'else echo "$f D $(stat -c "%a %u:%g" "$f")"; fi; done'
)


def _exec(kube: Kube, ns: str, pod: str, script: str) -> bytes:
    out: list[bytes] = []
    err: list[bytes] = []
    result = kube.exec(ns, pod, "app", ["sh", "-c", script], stdout=out.append, stderr=err.append)
    assert result.exit_code == 0, b"".join(err)
    return b"".join(out)


def _app_pod(kube: Kube, ns: str, claim: str) -> str:
    name = f"app-{uuid.uuid4().hex[:6]}"
    manifest: dict[str, Any] = pod_manifest(
        name,
        [
            {
                "name": "app",
                "image": IMAGE,
                "command": SLEEPER,
                "volumeMounts": [{"name": "d", "mountPath": "/data"}],
            }
        ],
    )
    manifest["spec"]["volumes"] = [{"name": "d", "persistentVolumeClaim": {"claimName": claim}}]
    kube.create_pod(ns, manifest)
    kube.wait_for_pod_ready(ns, name, timeout=60)
    return name


@pytest.mark.parametrize("tree", list(TREES))
def test_backup_then_restore_of_a_pvc_is_identical(
    kube: Kube, namespace: str, funcs: FunctionRunner, target: Target, tree: str
) -> None:
    claim = f"data-{uuid.uuid4().hex[:6]}"
    kube.create(PVCS, pvc(claim), namespace)
    app = _app_pod(kube, namespace, claim)
    _exec(kube, namespace, app, TREES[tree])
    before = _exec(kube, namespace, app, LISTING)
    out, _ = funcs.run(
        "BackupData",
        {
            "namespace": namespace,
            "pod": app,
            "container": "app",
            "includePath": "/data",
            "backupArtifactPrefix": target.prefix,
            "encryptionKey": KEY,
        },
        params=target.params,
    )
    assert out is not None
    _exec(kube, namespace, app, "rm -rf /data/* /data/.[!.]* 2>/dev/null; true")
    assert _exec(kube, namespace, app, LISTING) != before or tree == "empty-tree"
    restored, _ = funcs.run(
        "RestoreData",
        {
            "namespace": namespace,
            "image": "ghcr.io/kanisterio/kanister-tools:0.119.0",
            "backupArtifactPrefix": target.prefix,
            "backupTag": out["backupTag"],
            "volumes": {claim: "/data"},
            "encryptionKey": KEY,
        },
        params=target.params,
    )
    assert restored is None
    assert _exec(kube, namespace, app, LISTING) == before
    assert not [p for p in funcs.pods() if p.startswith("restore-data-")]


def test_restore_with_backup_path_restores_a_subdirectory_into_restore_path(
    kube: Kube, namespace: str, funcs: FunctionRunner, target: Target
) -> None:
    claim = f"data-{uuid.uuid4().hex[:6]}"
    kube.create(PVCS, pvc(claim), namespace)
    app = _app_pod(kube, namespace, claim)
    _exec(kube, namespace, app, "mkdir -p /data/keep/inner && echo v > /data/keep/inner/f")
    out, _ = funcs.run(
        "BackupData",
        {
            "namespace": namespace,
            "pod": app,
            "container": "app",
            "includePath": "/data",
            "backupArtifactPrefix": target.prefix,
            "encryptionKey": KEY,
        },
        params=target.params,
    )
    assert out is not None
    funcs.run(
        "RestoreData",
        {
            "namespace": namespace,
            "image": "any",
            "backupArtifactPrefix": target.prefix,
            "backupIdentifier": out["backupID"],
            "backupPath": "/data/keep",
            "restorePath": "/data/copy",
            "volumes": {claim: "/data"},
            "encryptionKey": KEY,
        },
        params=target.params,
    )
    assert _exec(kube, namespace, app, "cat /data/copy/inner/f") == b"v\n"


def test_restore_with_a_wrong_key_fails_clearly(
    namespace: str, funcs: FunctionRunner, target: Target
) -> None:
    repo = open_profile_repository(profile_json(target.params), target.prefix, KEY, create=True)
    repo.backup([tar_of({"x": b"1"})], tag="t")
    args = {
        "namespace": namespace,
        "image": "any",
        "backupArtifactPrefix": target.prefix,
        "backupTag": "t",
        "volumes": {"whatever": "/data"},
        "encryptionKey": "wrong",
    }
    with pytest.raises(WrongPasswordError):
        funcs.run("RestoreData", args, params=target.params)


def test_copy_volume_data_then_restore_data_with_backup_root_as_backup_path(
    kube: Kube, namespace: str, funcs: FunctionRunner, target: Target
) -> None:
    claim = f"vol-{uuid.uuid4().hex[:6]}"
    kube.create(PVCS, pvc(claim), namespace)
    app = _app_pod(kube, namespace, claim)
    _exec(kube, namespace, app, TREES["mixed"])
    before = _exec(kube, namespace, app, LISTING)
    out, _ = funcs.run(
        "CopyVolumeData",
        {
            "namespace": namespace,
            "volume": claim,
            "dataArtifactPrefix": target.prefix,
            "encryptionKey": KEY,
        },
        params=target.params,
    )
    assert out is not None
    assert out["backupRoot"] == f"/mnt/vol_data/{claim}"
    assert out["backupArtifactLocation"].endswith(target.prefix)
    assert out["fileCount"] == "2005"  # 2000 + a.txt, empty, random.bin, hard, café
    assert not [p for p in funcs.pods() if p.startswith("copy-vol-data-")]
    _exec(kube, namespace, app, "rm -rf /data/*")
    funcs.run(
        "RestoreData",
        {
            "namespace": namespace,
            "image": "any",
            "backupArtifactPrefix": out["backupArtifactLocation"],
            "backupIdentifier": out["backupID"],
            "backupPath": out["backupRoot"],
            "restorePath": "/data",
            "volumes": {claim: "/data"},
            "encryptionKey": KEY,
        },
        params=target.params,
    )
    assert _exec(kube, namespace, app, LISTING) == before


def test_backup_all_restore_all_and_delete_all_over_two_replicas(
    kube: Kube, namespace: str, funcs: FunctionRunner, target: Target
) -> None:
    claims = {f"web-{i}-{uuid.uuid4().hex[:4]}": f"data-web-{i}" for i in (0, 1)}
    pods = []
    for claim in claims.values():
        kube.create(PVCS, pvc(claim), namespace)
    for claim in claims.values():
        app = _app_pod(kube, namespace, claim)
        _exec(kube, namespace, app, f"echo {claim} > /data/who && mkdir /data/d")
        pods.append(app)
    mounts = {pod: {claim: "/data"} for pod, claim in zip(pods, claims.values(), strict=True)}
    params = TemplateParams(
        profile=target.profile,
        stateful_set=StatefulSetParams(
            name="web", namespace=namespace, pods=pods, persistent_volume_claims=pvc_mounts(mounts)
        ),
    )
    common = {"namespace": namespace, "backupArtifactPrefix": target.prefix, "encryptionKey": KEY}
    out, _ = funcs.run(
        "BackupDataAll", {**common, "container": "app", "includePath": "/data"}, params=params
    )
    assert out is not None
    for pod in pods:
        _exec(kube, namespace, pod, "rm -rf /data/*")
    funcs.run(
        "RestoreDataAll",
        {**common, "image": "any", "backupInfo": out["BackupAllInfo"]},
        params=params,
    )
    for pod, claim in zip(pods, claims.values(), strict=True):
        assert _exec(kube, namespace, pod, "cat /data/who; ls -d /data/d") == (
            f"{claim}\n/data/d\n".encode()
        )
    deleted, _ = funcs.run(
        "DeleteDataAll", {**common, "backupInfo": out["BackupAllInfo"]}, params=params
    )
    assert deleted == {"spaceFreed": "0 B"}
    for pod in pods:
        repo = open_profile_repository(profile_json(params), f"{target.prefix}/{pod}", KEY)
        assert repo.snapshots() == []

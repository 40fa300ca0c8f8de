"""BackupData against the real test cluster: a container's tree streamed into the repository.

The pod runs the test image (busybox tar); the snapshot is read back with the repository API and
compared entry by entry with what the pod holds.
"""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from typing import Any

import pytest

from kancli.datapath.profilerepo import open_profile_repository, profile_json
from kancli.errors import FunctionError
from kancli.kube.facade import Kube
from tests.datafuncs.conftest import Target
from tests.functions_cluster.conftest import FunctionRunner, start_pod

pytestmark = pytest.mark.cluster

KEY = "cluster-key"

MAKE_TREE = (
    "mkdir -p /data/sub/deep && printf 'hello' > /data/a.txt && : > /data/empty && "
    "head -c 3000000 /dev/urandom > /data/sub/random.bin && ln -s a.txt /data/link && "
    "ln /data/a.txt /data/hard && chmod 0751 /data/sub && "
    "for i in $(seq 1 300); do echo $i > /data/sub/deep/f$i; done"
)


def _exec(kube: Kube, ns: str, pod: str, script: str) -> bytes:
    out: list[bytes] = []
    result = kube.exec(ns, pod, "app", ["sh", "-c", script], stdout=out.append)
    assert result.exit_code == 0
    return b"".join(out)


def _members(data: bytes) -> dict[str, tuple[Any, ...]]:
    members = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r|") as tar:
        for m in tar:
            content = tar.extractfile(m).read() if m.isfile() else b""  # type: ignore[union-attr]
            name = m.name.removeprefix("./").rstrip("/") or "."
            members[name] = (m.type, m.mode & 0o7777, m.linkname, content)
    return members


def test_backup_data_streams_a_containers_tree_into_the_repository(
    kube: Kube, namespace: str, funcs: FunctionRunner, target: Target
) -> None:
    pod = start_pod(kube, namespace, f"src-{uuid.uuid4().hex[:6]}", ["app"])
    _exec(kube, namespace, pod, MAKE_TREE)
    args = {
        "namespace": namespace,
        "pod": pod,
        "container": "app",
        "includePath": "/data",
        "backupArtifactPrefix": target.prefix,
        "encryptionKey": KEY,
    }
    out, _ = funcs.run("BackupData", args, params=target.params)
    assert out is not None
    assert set(out) == {"backupID", "backupTag", "fileCount", "size", "phySize", "version"}
    assert len(out["backupTag"]) == 10
    assert out["version"] == "v0.0.0"
    repo = open_profile_repository(profile_json(target.params), target.prefix, KEY)
    restored = _members(b"".join(repo.restore(out["backupID"])))
    expected = _members(_exec(kube, namespace, pod, "tar -c -f - -C /data ."))
    assert restored == expected
    assert restored["sub"][1] == 0o751
    assert len(restored) == 308

    # A second backup of unchanged data adds little.
    again, _ = funcs.run("BackupData", args, params=target.params)
    assert again is not None
    assert again["backupID"] != out["backupID"]
    assert repo.snapshots()[-1].totals.physical_added < 30_000


def test_a_failing_tar_leaves_no_snapshot_and_the_next_backup_works(
    kube: Kube, namespace: str, funcs: FunctionRunner, target: Target
) -> None:
    pod = start_pod(kube, namespace, f"src-{uuid.uuid4().hex[:6]}", ["app"])
    _exec(kube, namespace, pod, "mkdir -p /data && echo x > /data/x")
    args = {
        "namespace": namespace,
        "pod": pod,
        "container": "app",
        "includePath": "/no/such/dir",
        "backupArtifactPrefix": target.prefix,
        "encryptionKey": KEY,
    }
    with pytest.raises(Exception, match="exited with"):
        funcs.run("BackupData", args, params=target.params)
    repo = open_profile_repository(profile_json(target.params), target.prefix, KEY, create=True)
    assert repo.snapshots() == []
    out, _ = funcs.run("BackupData", {**args, "includePath": "/data"}, params=target.params)
    assert out is not None
    assert [s.short_id for s in repo.snapshots()] == [out["backupID"]]


def test_backup_data_all_backs_up_every_pod_into_its_own_repository(
    kube: Kube, namespace: str, funcs: FunctionRunner, target: Target
) -> None:
    pods = [start_pod(kube, namespace, f"web-{i}-{uuid.uuid4().hex[:4]}", ["app"]) for i in (0, 1)]
    for pod in pods:
        _exec(kube, namespace, pod, f"mkdir -p /data && echo {pod} > /data/who")
    args = {
        "namespace": namespace,
        "container": "app",
        "includePath": "/data",
        "backupArtifactPrefix": target.prefix,
        "pods": " ".join(pods),
        "encryptionKey": KEY,
    }
    out, _ = funcs.run("BackupDataAll", args, params=target.params)
    assert out is not None
    info = json.loads(out["BackupAllInfo"])
    assert list(info) == sorted(pods)
    for pod in pods:
        assert info[pod]["PodName"] == pod
        repo = open_profile_repository(profile_json(target.params), f"{target.prefix}/{pod}", KEY)
        (snapshot,) = repo.snapshots()
        assert snapshot.short_id == info[pod]["BackupID"]
        assert snapshot.tags == (info[pod]["BackupTag"],) or list(snapshot.tags) == [
            info[pod]["BackupTag"]
        ]
        assert _members(b"".join(repo.restore(snapshot.id)))["who"][3] == f"{pod}\n".encode()


def test_backup_data_all_reports_every_failing_pod(
    kube: Kube, namespace: str, funcs: FunctionRunner, target: Target
) -> None:
    args = {
        "namespace": namespace,
        "container": "app",
        "includePath": "/data",
        "backupArtifactPrefix": target.prefix,
        "pods": "missing-a missing-b",
    }
    with pytest.raises(FunctionError, match=r"(?s)missing-a: .*\nmissing-b: "):
        funcs.run("BackupDataAll", args, params=target.params)

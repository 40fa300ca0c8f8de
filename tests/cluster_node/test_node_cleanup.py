"""A node leaves nothing behind: no containers, tasks, snapshots, mounts or cgroups."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cluster.containerd import ContainerdRuntime, cgroup_dirs, mount_points_below
from tests.cluster.node import ContainerdNode
from tests.cluster_node.conftest import DictHost, LoopThread, make_pod, phase_is, sh

pytestmark = pytest.mark.cluster


def node_containers(loop: LoopThread, runtime: ContainerdRuntime, node_name: str) -> list[str]:
    res = loop.run(
        runtime.ctr("containers", "ls", "--quiet", f'labels."io.kancli.test/node"=={node_name}')
    )
    return res.stdout.split()


def test_shutdown_removes_containers_tasks_snapshots_and_mounts(
    loop: LoopThread, runtime: ContainerdRuntime
) -> None:
    host = DictHost()
    node = ContainerdNode(runtime, host, name="cleanup-node")
    loop.run(node.start())
    pods = [make_pod([sh("a", "sleep 300"), sh("b", "sleep 300")]) for _ in range(3)]
    for pod in pods:
        loop.run(node.run_pod(pod))
    for pod in pods:
        host.wait_for("default", pod["metadata"]["name"], phase_is("Running"))
    ids = node_containers(loop, runtime, "cleanup-node")
    assert len(ids) == 6
    assert mount_points_below(node.node_dir / "rootfs")
    loop.run(node.shutdown())
    assert node_containers(loop, runtime, "cleanup-node") == []
    tasks = loop.run(runtime.ctr("tasks", "ls", "--quiet")).stdout.split()
    snapshots = loop.run(runtime.ctr("snapshots", "ls")).stdout
    assert not set(ids) & set(tasks)
    assert not any(cid in snapshots for cid in ids)
    assert mount_points_below(node.node_dir) == []
    for top in cgroup_dirs(runtime.cgroup_parent):
        assert not any((top / cid).exists() for cid in ids)
    assert not list((node.node_dir / "pods").iterdir())


def test_a_new_runtime_sweeps_what_a_crashed_session_left(
    loop: LoopThread, tmp_path_factory: pytest.TempPathFactory
) -> None:
    state = Path(tmp_path_factory.mktemp("crashed"))
    crashed = ContainerdRuntime(state)
    loop.run(crashed.open())
    host = DictHost()
    node = ContainerdNode(crashed, host, name="crashy")
    loop.run(node.start())
    pod = make_pod([sh("x", "sleep 300")])
    loop.run(node.run_pod(pod))
    host.wait_for("default", pod["metadata"]["name"], phase_is("Running"))
    # simulate a crash: containerd and the lock vanish, containers and mounts stay
    assert crashed._process is not None
    crashed._process.kill()
    loop.run(crashed._process.wait())
    loop.run(node._hub.stop())
    assert crashed._lock is not None
    crashed._lock.close()
    crashed._lock = None
    assert mount_points_below(state)
    fresh = ContainerdRuntime(state)
    loop.run(fresh.open())
    try:
        assert loop.run(fresh.ctr("containers", "ls", "--quiet")).stdout.split() == []
        assert loop.run(fresh.ctr("tasks", "ls", "--quiet")).stdout.split() == []
    finally:
        loop.run(fresh.close())
    assert mount_points_below(state) == []
    assert cgroup_dirs(fresh.cgroup_parent) == []

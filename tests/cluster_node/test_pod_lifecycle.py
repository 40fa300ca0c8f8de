"""Pods on the containerd node: phases, exit reasons, init containers, restarts, deletion."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.cluster.node import ContainerdNode
from tests.cluster_node.conftest import DictHost, LoopThread, make_pod, phase_is, sh

pytestmark = pytest.mark.cluster

CONTAINER_ID = re.compile(r"^containerd://[0-9a-f]{64}$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def run(loop: LoopThread, node: ContainerdNode, pod: dict[str, Any]) -> tuple[str, str]:
    loop.run(node.run_pod(pod))
    return pod["metadata"]["namespace"], pod["metadata"]["name"]


def only_status(status: dict[str, Any]) -> dict[str, Any]:
    (cs,) = status["containerStatuses"]
    return dict(cs)


def condition(status: dict[str, Any], ctype: str) -> dict[str, Any]:
    return next(c for c in status["conditions"] if c["type"] == ctype)


@pytest.mark.parametrize(
    ("script", "phase", "exit_code", "reason"),
    [
        pytest.param("exit 0", "Succeeded", 0, "Completed", id="exit-0-completed"),
        pytest.param("exit 3", "Failed", 3, "Error", id="exit-3-error"),
        # Kubernetes reduces "$$" in command and args to "$": "$$$$" reaches the shell as "$$"
        pytest.param(
            "sh -c 'kill -TERM $$$$'; exit $?", "Failed", 143, "Error", id="sigterm-status-143"
        ),
    ],
)
def test_terminated_container_reports_exit_code_and_reason(
    loop: LoopThread, node: ContainerdNode, host: DictHost,
    script: str, phase: str, exit_code: int, reason: str,
) -> None:  # fmt: skip
    ns, name = run(loop, node, make_pod([sh("main", script)]))
    status = host.wait_for(ns, name, phase_is("Succeeded", "Failed"))
    assert status["phase"] == phase
    terminated = only_status(status)["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (exit_code, reason)
    assert CONTAINER_ID.match(terminated["containerID"])
    assert RFC3339.match(terminated["startedAt"])
    assert RFC3339.match(terminated["finishedAt"])
    ready = condition(status, "Ready")
    assert ready["status"] == "False"
    assert ready["reason"] == ("PodCompleted" if phase == "Succeeded" else "PodFailed")


def test_pod_goes_pending_then_running_with_kubelet_fields(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    pod = make_pod([{"name": "app", "image": "ghcr.io/kanisterio/kanister-tools:0.119.0",
                     "command": ["sleep", "300"]}])  # fmt: skip
    ns, name = run(loop, node, pod)
    first = host.wait_for(ns, name, lambda s: True)
    assert first["phase"] == "Pending"
    assert only_status(first)["state"] == {"waiting": {"reason": "ContainerCreating"}}
    running = host.wait_for(ns, name, phase_is("Running"))
    cs = only_status(running)
    assert cs["image"] == "ghcr.io/kanisterio/kanister-tools:0.119.0"
    assert cs["ready"] is True
    assert cs["started"] is True
    assert cs["restartCount"] == 0
    assert CONTAINER_ID.match(cs["containerID"])
    assert cs["imageID"].startswith("docker.io/kancli/test-image@sha256:")
    assert RFC3339.match(cs["state"]["running"]["startedAt"])
    assert running["podIP"] == running["hostIP"] == "127.0.0.1"
    assert [c["type"] for c in running["conditions"]] == [
        "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled",
    ]  # fmt: skip
    assert all(c["status"] == "True" for c in running["conditions"])
    loop.run(node.delete_pod(ns, name, 0))


def test_memory_limit_exceeded_is_oom_killed_with_137(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    hog = sh("hog", "x=$(head -c 80000000 /dev/zero | tr '\\0' a); echo ${#x}",
             resources={"limits": {"memory": "32Mi"}})  # fmt: skip
    ns, name = run(loop, node, make_pod([hog]))
    status = host.wait_for(ns, name, phase_is("Failed", "Succeeded"))
    terminated = only_status(status)["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (137, "OOMKilled")


def test_missing_command_is_start_error_worded_as_containerd(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    pod = make_pod([{"name": "c", "image": "busybox", "command": ["nosuchcmd", "--flag"]}])
    ns, name = run(loop, node, pod)
    status = host.wait_for(ns, name, phase_is("Failed"))
    terminated = only_status(status)["state"]["terminated"]
    assert terminated["exitCode"] == 128
    assert terminated["reason"] == "StartError"
    assert terminated["startedAt"] == "1970-01-01T00:00:00Z"
    assert terminated["message"] == (
        "failed to create containerd task: failed to create shim task: OCI runtime create "
        'failed: runc create failed: unable to start container process: exec: "nosuchcmd": '
        "executable file not found in $PATH: unknown"
    )


def test_termination_log_becomes_the_terminated_message(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    ns, name = run(loop, node, make_pod([sh("c", "echo -n 'bye now' > /dev/termination-log")]))
    status = host.wait_for(ns, name, phase_is("Succeeded", "Failed"))
    assert only_status(status)["state"]["terminated"]["message"] == "bye now"


def test_init_containers_run_in_order_before_the_containers(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    mount = {"volumeMounts": [{"name": "work", "mountPath": "/work"}]}
    pod = make_pod(
        [sh("main", "echo main >> /work/order; cat /work/order", **mount)],
        init_containers=[
            sh("first", "sleep 0.3; echo first >> /work/order", **mount),
            sh("second", "echo second >> /work/order", **mount),
        ],
        volumes=[{"name": "work", "emptyDir": {}}],
    )
    ns, name = run(loop, node, pod)
    pending = host.wait_for(
        ns, name, lambda s: s["initContainerStatuses"][0]["state"].get("running")
    )
    assert pending["phase"] == "Pending"
    assert condition(pending, "Initialized")["message"] == (
        "containers with incomplete status: [first second]"
    )
    status = host.wait_for(ns, name, phase_is("Succeeded", "Failed"))
    assert status["phase"] == "Succeeded"
    assert [s["state"]["terminated"]["reason"] for s in status["initContainerStatuses"]] == [
        "Completed", "Completed",
    ]  # fmt: skip
    logs = loop.run(collect_logs(node, ns, name, "main"))
    assert logs == b"first\nsecond\nmain\n"


async def collect_logs(node: ContainerdNode, ns: str, name: str, container: str) -> bytes:
    out = b""
    async for chunk in node.logs(
        ns, name, container, follow=True, tail_lines=None, timestamps=False,
        since_seconds=None, since_time=None, previous=False,
    ):  # fmt: skip
        out += chunk
    return out


def test_failing_init_container_fails_the_pod_under_restart_never(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    pod = make_pod([sh("main", "echo never")], init_containers=[sh("init", "exit 2")])
    ns, name = run(loop, node, pod)
    status = host.wait_for(ns, name, phase_is("Failed"))
    assert status["initContainerStatuses"][0]["state"]["terminated"]["exitCode"] == 2
    assert only_status(status)["state"] == {"waiting": {"reason": "PodInitializing"}}


def test_restart_policy_always_restarts_and_counts(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    ns, name = run(loop, node, make_pod([sh("crash", "echo run; exit 1")], restart_policy="Always"))
    backoff = host.wait_for(
        ns, name, lambda s: only_status(s)["state"].get("waiting", {}).get("reason")
        == "CrashLoopBackOff",
    )  # fmt: skip
    cs = only_status(backoff)
    assert backoff["phase"] == "Running"
    assert cs["lastState"]["terminated"]["exitCode"] == 1
    assert re.match(
        rf"^back-off \d+ms restarting failed container=crash pod={name}_{ns}\(",
        cs["state"]["waiting"]["message"],
    ) or re.match(r"^back-off \d+(\.\d+)?s restarting", cs["state"]["waiting"]["message"])
    later = host.wait_for(ns, name, lambda s: only_status(s)["restartCount"] >= 3)
    assert only_status(later)["restartCount"] >= 3
    previous = loop.run(read_previous(node, ns, name))
    assert previous == b"run\n"
    loop.run(node.delete_pod(ns, name, 0))


async def read_previous(node: ContainerdNode, ns: str, name: str) -> bytes:
    out = b""
    async for chunk in node.logs(
        ns, name, "crash", follow=False, tail_lines=None, timestamps=False,
        since_seconds=None, since_time=None, previous=True,
    ):  # fmt: skip
        out += chunk
    return out


def test_restart_policy_on_failure_stops_after_success(
    loop: LoopThread, node: ContainerdNode, host: DictHost, tmp_path: Any
) -> None:
    host.pvcs[("default", "counter")] = tmp_path
    script = "n=$(cat /c/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /c/n; [ $n -ge 3 ]"
    pod = make_pod(
        [sh("try", script, volumeMounts=[{"name": "c", "mountPath": "/c"}])],
        restart_policy="OnFailure",
        volumes=[{"name": "c", "persistentVolumeClaim": {"claimName": "counter"}}],
    )
    ns, name = run(loop, node, pod)
    status = host.wait_for(ns, name, phase_is("Succeeded", "Failed"))
    assert status["phase"] == "Succeeded"
    assert only_status(status)["restartCount"] == 2
    assert (tmp_path / "n").read_text() == "3\n"


def test_delete_sends_sigterm_and_removes_every_container(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    trap = "trap 'echo got-term; exit 0' TERM; while true; do sleep 0.1; done"
    pod = make_pod([sh("a", trap), sh("b", "sleep 300")])
    ns, name = run(loop, node, pod)
    host.wait_for(ns, name, phase_is("Running"))
    uid = pod["metadata"]["uid"]
    loop.run(node.delete_pod(ns, name, 2))
    remaining = loop.run(
        node.runtime.ctr("containers", "ls", "--quiet", f'labels."io.kancli.test/pod-uid"=={uid}')
    )
    assert remaining.stdout.split() == []
    final = host.latest(ns, name)
    by_name = {c["name"]: c["state"]["terminated"] for c in final["containerStatuses"]}
    assert by_name["a"]["exitCode"] == 0  # handled SIGTERM
    assert by_name["b"]["exitCode"] == 137  # PID 1 ignores SIGTERM: killed after the grace
    assert not (node.node_dir / "pods" / uid).exists()

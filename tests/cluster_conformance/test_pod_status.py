"""Pods that fail: the status fields a kubelet with containerd reports, end to end."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from tests.cluster_conformance.conftest import Kubectl, pod_body, wait_for_phase, wait_until


def _terminated(pod: client.V1Pod) -> client.V1ContainerStateTerminated:
    (status,) = pod.status.container_statuses
    assert status.state.terminated is not None, status.state
    return status.state.terminated


def test_non_zero_exit_fails_the_pod_with_reason_error(
    core: client.CoreV1Api, namespace: str
) -> None:
    core.create_namespaced_pod(namespace, pod_body("p", ["sh", "-c", "exit 3"]))
    pod = wait_for_phase(core, namespace, "p", "Failed", "Succeeded")
    assert pod.status.phase == "Failed"
    term = _terminated(pod)
    assert (term.exit_code, term.reason) == (3, "Error")
    assert pod.status.container_statuses[0].restart_count == 0


def test_zero_exit_completes_the_pod(core: client.CoreV1Api, namespace: str) -> None:
    core.create_namespaced_pod(namespace, pod_body("p", ["true"]))
    pod = wait_for_phase(core, namespace, "p", "Failed", "Succeeded")
    assert pod.status.phase == "Succeeded"
    assert (_terminated(pod).exit_code, _terminated(pod).reason) == (0, "Completed")


def test_memory_limit_kills_the_container_as_oomkilled(
    core: client.CoreV1Api, namespace: str
) -> None:
    body = pod_body(
        "p",
        ["sh", "-c", "dd if=/dev/zero of=/dev/null bs=128M count=1"],
        resources={"limits": {"memory": "32Mi"}},
    )
    core.create_namespaced_pod(namespace, body)
    pod = wait_for_phase(core, namespace, "p", "Failed", "Succeeded")
    assert pod.status.phase == "Failed"
    assert (_terminated(pod).exit_code, _terminated(pod).reason) == (137, "OOMKilled")


def test_missing_executable_is_a_start_error(core: client.CoreV1Api, namespace: str) -> None:
    core.create_namespaced_pod(namespace, pod_body("p", ["/no/such/program"]))
    pod = wait_for_phase(core, namespace, "p", "Failed", "Succeeded")
    term = _terminated(pod)
    assert pod.status.phase == "Failed"
    assert (term.exit_code, term.reason) == (128, "StartError")
    assert 'exec: "/no/such/program"' in term.message
    assert "no such file or directory" in term.message


def test_on_failure_restarts_the_container_and_keeps_the_last_state(
    core: client.CoreV1Api, namespace: str
) -> None:
    core.create_namespaced_pod(
        namespace, pod_body("p", ["sh", "-c", "echo run; exit 1"], restart="OnFailure")
    )

    def restarted() -> Any:
        statuses = core.read_namespaced_pod("p", namespace).status.container_statuses
        if statuses and statuses[0].restart_count >= 1 and statuses[0].last_state.terminated:
            return statuses[0]
        return None

    status = wait_until(restarted, 60, "a restart")
    assert status.last_state.terminated.exit_code == 1
    assert core.read_namespaced_pod_log("p", namespace, previous=True) == "run\n"
    assert core.read_namespaced_pod("p", namespace).status.phase in ("Running", "Pending")


def test_unschedulable_pod_waits_for_its_claim(core: client.CoreV1Api, namespace: str) -> None:
    body = pod_body("p", ["true"])
    body["spec"]["volumes"] = [{"name": "d", "persistentVolumeClaim": {"claimName": "later"}}]
    core.create_namespaced_pod(namespace, body)

    def conditioned() -> Any:
        pod = core.read_namespaced_pod("p", namespace)
        return pod if pod.status.conditions else None

    pod = wait_until(conditioned, 10, "a condition")
    (cond,) = pod.status.conditions
    assert (cond.type, cond.status, cond.reason) == ("PodScheduled", "False", "Unschedulable")
    assert 'persistentvolumeclaim "later" not found' in cond.message
    core.create_namespaced_persistent_volume_claim(
        namespace,
        {
            "metadata": {"name": "later"},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "1Gi"}},
            },
        },
    )
    assert wait_for_phase(core, namespace, "p", "Succeeded", "Failed").status.phase == "Succeeded"


def test_logs_of_a_container_still_initialising_are_a_400(
    core: client.CoreV1Api, kubectl: Kubectl, namespace: str
) -> None:
    body = pod_body("p", ["true"])
    body["spec"]["initContainers"] = [
        {"name": "init", "image": "busybox", "command": ["sleep", "30"]}
    ]
    core.create_namespaced_pod(namespace, body)
    wait_until(
        lambda: core.read_namespaced_pod("p", namespace).status.init_container_statuses,
        30,
        "init status",
    )
    with pytest.raises(ApiException) as info:
        core.read_namespaced_pod_log("p", namespace, container="main")
    assert info.value.status == 400
    message = json.loads(info.value.body)["message"]
    assert message == 'container "main" in pod "p" is waiting to start: PodInitializing'


def test_log_options_tail_and_timestamps(
    core: client.CoreV1Api, kubectl: Kubectl, namespace: str
) -> None:
    core.create_namespaced_pod(namespace, pod_body("p", ["sh", "-c", "echo a; echo b; echo c"]))
    wait_for_phase(core, namespace, "p", "Succeeded")
    assert core.read_namespaced_pod_log("p", namespace) == "a\nb\nc\n"
    assert core.read_namespaced_pod_log("p", namespace, tail_lines=2) == "b\nc\n"
    stamped = kubectl.text("logs", "p", "--timestamps").splitlines()
    assert [line.split(" ", 1)[1] for line in stamped] == ["a", "b", "c"]
    assert all(line.split(" ", 1)[0].endswith("Z") for line in stamped)
    result = kubectl("logs", "p", "-c", "nope", check=False)
    assert "container nope is not valid for pod p" in result.stderr.decode()


def test_graceful_delete_keeps_the_pod_terminating_until_the_node_killed_it(
    core: client.CoreV1Api, kubectl: Kubectl, namespace: str
) -> None:
    core.create_namespaced_pod(namespace, pod_body("p", ["sleep", "600"], grace=30))
    wait_for_phase(core, namespace, "p", "Running")
    started = time.monotonic()
    answer = core.delete_namespaced_pod("p", namespace, grace_period_seconds=2)
    assert answer.metadata.deletion_timestamp is not None
    assert answer.metadata.deletion_grace_period_seconds == 2
    table = kubectl.text("get", "pod", "p", "--no-headers")
    assert table.split()[2] == "Terminating"

    def gone() -> bool:
        try:
            core.read_namespaced_pod("p", namespace)
        except ApiException as exc:
            return exc.status == 404
        return False

    wait_until(gone, 30, "pod removed")
    assert time.monotonic() - started >= 2  # sleep ignores SIGTERM as PID 1: killed at the end

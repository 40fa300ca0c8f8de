"""Helpers for the conformance tests: kubectl and the official client pointed at the cluster.

These tests check the test cluster itself against what kubectl and the ``kubernetes`` client
expect from a real cluster; they never use kancli code.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from kubernetes import client, config

from tests.cluster.session import ClusterSession

T = TypeVar("T")
IMAGE = "busybox:1.36"
IDLE = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "cluster_conformance" in str(item.path):
            item.add_marker(pytest.mark.cluster)


class Kubectl:
    def __init__(self, kubeconfig: str, namespace: str) -> None:
        self.kubeconfig = kubeconfig
        self.namespace = namespace

    def __call__(
        self,
        *args: str,
        input: bytes | str | None = None,
        check: bool = True,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[bytes]:
        data = input.encode() if isinstance(input, str) else input
        result = subprocess.run(
            ["kubectl", "--kubeconfig", self.kubeconfig, "--namespace", self.namespace, *args],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"kubectl {' '.join(args)} exited {result.returncode}:\n"
                f"{result.stderr.decode(errors='replace')}"
            )
        return result

    def text(self, *args: str, **kw: Any) -> str:
        return self(*args, **kw).stdout.decode()


@pytest.fixture
def kubectl(cluster: ClusterSession, namespace: str) -> Kubectl:
    return Kubectl(str(cluster.kubeconfig), namespace)


@pytest.fixture(scope="session")
def api_client(cluster: ClusterSession) -> Iterator[client.ApiClient]:
    api = config.new_client_from_config(config_file=str(cluster.kubeconfig))
    yield api
    api.close()


@pytest.fixture(scope="session")
def core(api_client: client.ApiClient) -> client.CoreV1Api:
    return client.CoreV1Api(api_client)


@pytest.fixture(scope="session")
def apps(api_client: client.ApiClient) -> client.AppsV1Api:
    return client.AppsV1Api(api_client)


@pytest.fixture
def stream_core(cluster: ClusterSession) -> Iterator[client.CoreV1Api]:
    """A CoreV1Api on its own ApiClient, for ``kubernetes.stream.stream`` (which swaps the
    client's request method while it runs)."""
    api = config.new_client_from_config(config_file=str(cluster.kubeconfig))
    yield client.CoreV1Api(api)
    api.close()


def wait_until(check: Callable[[], T | None], timeout: float = 60, what: str = "") -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")
        time.sleep(0.05)


def pod_body(
    name: str,
    command: list[str],
    *,
    restart: str = "Never",
    labels: dict[str, str] | None = None,
    resources: dict[str, Any] | None = None,
    grace: int = 0,
) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "main", "image": IMAGE, "command": command}
    if resources:
        container["resources"] = resources
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {}},
        "spec": {
            "restartPolicy": restart,
            "terminationGracePeriodSeconds": grace,
            "containers": [container],
        },
    }


def run_pod(
    core: client.CoreV1Api, namespace: str, name: str, command: list[str], **kw: Any
) -> Any:
    """Create a pod and wait until it is Running; returns the pod as the client read it."""
    core.create_namespaced_pod(namespace, pod_body(name, command, **kw))
    return wait_until(
        lambda: _running(core.read_namespaced_pod(name, namespace)), 60, f"pod {name} Running"
    )


def _running(pod: Any) -> Any:
    return pod if pod.status.phase == "Running" else None


def wait_for_phase(core: client.CoreV1Api, namespace: str, name: str, *phases: str) -> Any:
    def reached() -> Any:
        pod = core.read_namespaced_pod(name, namespace)
        return pod if pod.status.phase in phases else None

    return wait_until(reached, 60, f"pod {name} in {phases}")

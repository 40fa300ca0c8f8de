"""Fixtures for kancli.kube tests: a connected :class:`Kube` on the test cluster, and manifests.

The cluster and ``namespace`` fixtures come from tests/cluster/fixtures.py; every pod runs the
test image whatever image it names.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kancli.kube import Kube, connect
from tests.kube.tcpproxy import TcpProxy, kubeconfig_through

IMAGE = "busybox:1.36"
SLEEPER = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]


@pytest.fixture(scope="session")
def kube(cluster: Any) -> Iterator[Kube]:
    client = connect(str(cluster.kubeconfig), None)
    yield client
    client.close()


@pytest.fixture
def proxied(cluster: Any, tmp_path: Path) -> Iterator[tuple[Kube, TcpProxy]]:
    """A Kube whose connections pass through a proxy the test can cut."""
    host, port = cluster.url.split("://", 1)[1].rsplit(":", 1)
    with TcpProxy(host, int(port)) as proxy:
        config = kubeconfig_through(proxy, Path(cluster.kubeconfig), tmp_path / "kubeconfig")
        client = connect(str(config), None)
        yield client, proxy
        client.close()


def container(name: str, command: list[str], **extra: Any) -> dict[str, Any]:
    return {"name": name, "image": IMAGE, "command": command, **extra}


def pod_manifest(
    name: str,
    containers: list[dict[str, Any]],
    *,
    init: list[dict[str, Any]] | None = None,
    volumes: list[dict[str, Any]] | None = None,
    labels: dict[str, str] | None = None,
    generate: bool = False,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"generateName": name} if generate else {"name": name}
    if labels:
        meta["labels"] = labels
    spec: dict[str, Any] = {
        "restartPolicy": "Never",
        "terminationGracePeriodSeconds": 0,
        "containers": containers,
    }
    if init:
        spec["initContainers"] = init
    if volumes:
        spec["volumes"] = volumes
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def start_pod(kube: Kube, namespace: str, manifest: dict[str, Any]) -> str:
    """Create a pod and wait until it runs; returns its name."""
    created = kube.create_pod(namespace, manifest)
    name = str(created["metadata"]["name"])
    kube.wait_for_pod_ready(namespace, name, timeout=60)
    return name


@pytest.fixture
def sleeper(kube: Kube, namespace: str) -> str:
    """A running pod with one container ``main`` that idles (for exec)."""
    return start_pod(kube, namespace, pod_manifest("sleeper", [container("main", SLEEPER)]))


def pvc_manifest(name: str, size: str = "1Gi") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}},
    }

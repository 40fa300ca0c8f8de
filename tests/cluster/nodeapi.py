"""The contract between the test API server and the node that runs its pods.

The API server (``tests/cluster/apiserver``) owns the objects; the node (``tests/cluster/node``)
turns a Pod into real containerd containers and reports what happens to them. The API server calls
the node; the node calls back through ``NodeHost`` to read what a pod mounts and to publish status.

All pod and status values are plain JSON-shaped dicts exactly as the Kubernetes API has them
(``pod["spec"]["containers"][0]["volumeMounts"]``, ``status["containerStatuses"]``...).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


class NodeHost(Protocol):
    """What the node may ask of the API server."""

    def pvc_host_path(self, namespace: str, claim_name: str) -> Path:
        """Host directory backing a bound PVC (created by the API server's provisioner).
        Raises KeyError if the claim does not exist."""

    def read_secret(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The Secret object, or None if absent."""

    def read_configmap(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The ConfigMap object, or None if absent."""

    def publish_pod_status(self, namespace: str, name: str, status: dict[str, Any]) -> None:
        """Replace ``pod.status`` (phase, conditions, containerStatuses, initContainerStatuses,
        hostIP, podIP, startTime...). Bumps resourceVersion and notifies watchers."""


@dataclass
class ExecSession:
    """A running exec. ``stdin`` is None unless stdin was requested; closing it sends EOF."""

    stdin: Any  # asyncio.StreamWriter-like: write(), drain(), close()
    stdout: Any  # asyncio.StreamReader-like: read(n)
    stderr: Any  # asyncio.StreamReader-like, or None when tty
    process: Any  # has `async wait() -> int` (the command's exit code) and `kill()`


class ExecError(Exception):
    """Exec could not start: ``reason`` is one of NotFound (pod/container), BadRequest
    (container not running / not given on a multi-container pod), and ``message`` is worded as
    the real API server words it."""

    def __init__(self, reason: str, message: str, code: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.code = code


class Node(Protocol):
    """A kubelet stand-in. Every method is safe to call from the API server's event loop."""

    name: str

    async def start(self) -> None:
        """Connect to the runtime and remove anything a crashed earlier session left behind."""

    async def run_pod(self, pod: dict[str, Any]) -> None:
        """Start the pod (init containers first, then the containers) in the background and keep
        publishing its status through NodeHost until it ends or is deleted. Returns at once."""

    async def delete_pod(self, namespace: str, name: str, grace_seconds: int | None) -> None:
        """Kill the pod's containers (SIGTERM, then SIGKILL after the grace period) and remove
        them; returns when nothing of the pod runs any more."""

    async def exec(
        self,
        namespace: str,
        pod: str,
        container: str,
        command: list[str],
        *,
        stdin: bool,
        tty: bool,
    ) -> ExecSession:
        """Start ``command`` (argv, no shell) in a running container."""

    def logs(
        self,
        namespace: str,
        pod: str,
        container: str,
        *,
        follow: bool,
        tail_lines: int | None,
        timestamps: bool,
        since_seconds: int | None,
        since_time: str | None,
        previous: bool,
    ) -> AsyncIterator[bytes]:
        """The container's combined stdout+stderr, as the kubelet serves it. With follow, ends
        when the container has exited and everything it wrote was sent."""

    async def shutdown(self) -> None:
        """Kill and remove every container and mount this node created."""

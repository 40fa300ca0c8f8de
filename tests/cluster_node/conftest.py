"""Fixtures that run a real containerd-backed node with a small dict-backed NodeHost.

The node is what is under test here, so the API server is replaced by ``DictHost``: a plain
in-memory implementation of the NodeHost protocol that records every published status and lets
a test wait for one. The node's event loop runs in a background thread, as it would inside the
API server; tests hand it coroutines through ``loop.run``.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.cluster.containerd import ContainerdRuntime
from tests.cluster.node import ContainerdNode

T = TypeVar("T")
STATE_DIR = Path(os.environ.get("KANCLI_NODE_TEST_STATE", "/tmp/kancli-node-tests"))
WAIT_SECONDS = 30.0


class LoopThread:
    """An asyncio loop in a daemon thread; ``run`` executes a coroutine there and waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 120.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


class DictHost:
    """NodeHost backed by dicts; remembers every status it was given, in order."""

    def __init__(self) -> None:
        self.pvcs: dict[tuple[str, str], Path] = {}
        self.secrets: dict[tuple[str, str], dict[str, Any]] = {}
        self.configmaps: dict[tuple[str, str], dict[str, Any]] = {}
        self.history: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._cond = threading.Condition()

    def pvc_host_path(self, namespace: str, claim_name: str) -> Path:
        return self.pvcs[(namespace, claim_name)]

    def read_secret(self, namespace: str, name: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.secrets.get((namespace, name)))

    def read_configmap(self, namespace: str, name: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.configmaps.get((namespace, name)))

    def publish_pod_status(self, namespace: str, name: str, status: dict[str, Any]) -> None:
        with self._cond:
            self.history.setdefault((namespace, name), []).append(copy.deepcopy(status))
            self._cond.notify_all()

    def add_secret(self, namespace: str, name: str, data: dict[str, bytes]) -> None:
        encoded = {k: base64.b64encode(v).decode() for k, v in data.items()}
        self.secrets[(namespace, name)] = {"metadata": {"name": name}, "data": encoded}

    def latest(self, namespace: str, name: str) -> dict[str, Any]:
        with self._cond:
            return self.history[(namespace, name)][-1]

    def wait_for(
        self,
        namespace: str,
        name: str,
        predicate: Callable[[dict[str, Any]], bool],
        timeout: float = WAIT_SECONDS,
    ) -> dict[str, Any]:
        """The first published status (past or future) for which ``predicate`` holds."""
        seen = 0
        with self._cond:
            end = time.monotonic() + timeout
            while True:
                items = self.history.get((namespace, name), [])
                for status in items[seen:]:
                    if predicate(status):
                        return status
                seen = len(items)
                left = end - time.monotonic()
                if left <= 0:
                    last = items[-1] if items else None
                    raise AssertionError(f"no matching status for {namespace}/{name}; last: {last}")
                self._cond.wait(left)


def phase_is(*phases: str) -> Callable[[dict[str, Any]], bool]:
    return lambda s: s.get("phase") in phases


def containerd_missing() -> str | None:
    if os.geteuid() != 0:
        return "the test node needs root (containerd, mounts, cgroups)"
    for tool in ("containerd", "ctr", "runc", "busybox"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed: run `bash .ci/system-deps.sh` as root"
    return None


@pytest.fixture(scope="session")
def loop() -> Iterator[LoopThread]:
    thread = LoopThread()
    yield thread
    thread.close()


@pytest.fixture(scope="session")
def runtime(loop: LoopThread) -> Iterator[ContainerdRuntime]:
    reason = containerd_missing()
    if reason:
        pytest.skip(reason)
    rt = ContainerdRuntime(STATE_DIR)
    loop.run(rt.open())
    yield rt
    loop.run(rt.close())


@pytest.fixture(scope="session")
def host() -> DictHost:
    return DictHost()


@pytest.fixture(scope="session")
def node(loop: LoopThread, runtime: ContainerdRuntime, host: DictHost) -> Iterator[ContainerdNode]:
    n = ContainerdNode(runtime, host, name="node-tests", backoff_initial=0.3, backoff_max=1.0)
    loop.run(n.start())
    yield n
    loop.run(n.shutdown())


def make_pod(
    containers: list[dict[str, Any]],
    *,
    restart_policy: str = "Never",
    init_containers: list[dict[str, Any]] | None = None,
    volumes: list[dict[str, Any]] | None = None,
    namespace: str = "default",
    **spec_extra: Any,
) -> dict[str, Any]:
    """A pod manifest with a unique name, as the API server would hand it to the node."""
    name = f"pod-{uuid.uuid4().hex[:10]}"
    spec: dict[str, Any] = {"restartPolicy": restart_policy, "containers": containers, **spec_extra}
    if init_containers:
        spec["initContainers"] = init_containers
    if volumes:
        spec["volumes"] = volumes
    return {
        "metadata": {"name": name, "namespace": namespace, "uid": str(uuid.uuid4()),
                     "labels": {"app": "kancli"}},
        "spec": spec,
    }  # fmt: skip


def sh(name: str, script: str, **extra: Any) -> dict[str, Any]:
    """A container running ``sh -c script`` in the test image."""
    return {"name": name, "image": "busybox", "command": ["sh", "-c", script], **extra}

"""A whole test cluster in one object: private containerd, the node and the API server.

Everything runs on an event loop in a background thread, so synchronous code (pytest fixtures,
``python -m tests.cluster up``) can start it, talk to it over HTTP and stop it. ``stop()``
removes every pod through the API (so the node's deletion path is exercised), shuts the node
and containerd down, and returns what was left behind: containers, mounts, processes. An
empty list means a clean shutdown.

State lives in a numbered directory under ``/tmp/kancli-test-cluster/<purpose>-<n>``: the
first one whose lock is free is used, so a crashed session's leftovers are swept by the next
session and two sessions can run side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from tests.cluster.apiserver import ApiServer, ForbidHandle, RequestRecord
from tests.cluster.apiserver.objects import DeleteOptions
from tests.cluster.apiserver.status import ApiError
from tests.cluster.containerd import (
    ContainerdRuntime,
    StateDirBusyError,
    cgroup_dirs,
    mount_points_below,
)
from tests.cluster.kubeconfig import write_kubeconfig

T = TypeVar("T")
STATE_ROOT = Path(os.environ.get("KANCLI_TEST_CLUSTER_ROOT", "/tmp/kancli-test-cluster"))
REQUIRED_PROGRAMS = ("containerd", "ctr", "runc")


def unavailable_reason() -> str | None:
    """Why real containers cannot run here, or None when they can."""
    if os.geteuid() != 0:
        return "the test cluster runs containerd and needs root"
    missing = [p for p in REQUIRED_PROGRAMS if shutil.which(p) is None]
    if missing:
        return f"{', '.join(missing)} not installed (run .ci/system-deps.sh)"
    return None


def _processes_mentioning(needle: str) -> list[tuple[int, str]]:
    """Live processes (other than this one) whose command line mentions ``needle``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().split(") ", 1)[1][:1]
        except (OSError, IndexError):
            continue
        if needle in cmdline and state != "Z":
            found.append((int(entry.name), cmdline.strip()[:120]))
    return found


class ClusterSession:
    """See the module docstring. ``start()`` then use ``kubeconfig``, ``url``, ``forbid``..."""

    def __init__(
        self,
        purpose: str = "pytest",
        *,
        state_dir: Path | None = None,
        token: str | None = None,
        tls: bool = False,
        port: int = 0,
        crash_backoff: float = 10.0,
    ) -> None:
        self.purpose = purpose
        self._fixed_state_dir = state_dir
        self.token = token
        self.tls = tls
        self.port = port
        self.crash_backoff = crash_backoff
        self.state_dir = Path()
        self.kubeconfig = Path()
        self.server: ApiServer | None = None
        self.runtime: ContainerdRuntime | None = None
        self.node: Any = None
        self.started_in = 0.0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="test-cluster", daemon=True
        )

    # -- running code on the cluster's loop ---------------------------------------------------

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = 300) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout)

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> ClusterSession:
        began = time.monotonic()
        self._thread.start()
        try:
            self.run(self._start())
        except BaseException:
            self.stop()
            raise
        self.started_in = time.monotonic() - began
        return self

    async def _start(self) -> None:
        from tests.cluster.node import ContainerdNode

        self.runtime = await self._open_runtime()
        runtime = self.runtime
        self.server = ApiServer(
            self.state_dir,
            token=self.token,
            tls=self.tls,
            node_factory=lambda host: ContainerdNode(
                runtime, host, backoff_initial=self.crash_backoff
            ),
        )
        self.node = self.server.node
        await self.node.start()
        await self.server.start(self.port)
        certificate = self.server.certificate
        self.kubeconfig = write_kubeconfig(
            self.state_dir / "kubeconfig",
            self.server.url,
            token=self.token,
            ca_pem=certificate.ca_pem if certificate else None,
        )

    async def _open_runtime(self) -> ContainerdRuntime:
        candidates = (
            [self._fixed_state_dir]
            if self._fixed_state_dir
            else [STATE_ROOT / f"{self.purpose}-{n}" for n in range(16)]
        )
        for candidate in candidates:
            runtime = ContainerdRuntime(candidate)
            try:
                await runtime.open()
            except StateDirBusyError:
                if self._fixed_state_dir:
                    raise
                continue
            self.state_dir = runtime.state_dir
            return runtime
        raise StateDirBusyError(f"every state directory under {STATE_ROOT} is in use")

    def stop(self) -> list[str]:
        """Stop everything; return the leftovers found (empty when the shutdown was clean)."""
        leftovers: list[str] = []
        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                leftovers = self.run(self._stop(), timeout=180)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)
        if not self._loop.is_running():
            self._loop.close()
        return leftovers

    async def _stop(self) -> list[str]:
        leftovers: list[str] = []
        if self.server is not None:
            await self.server.stop()
            pods = self.server.store.items(("", "pods"))
            leftovers += [
                f"pod {p['metadata']['namespace']}/{p['metadata']['name']} was not removed"
                for p in pods
            ]
        if self.runtime is not None and self.node is not None:
            listed = await self.runtime.ctr("containers", "ls", "--quiet", check=False)
            leftovers += [
                f"container {cid} still existed after every pod was deleted"
                for cid in listed.stdout.split()
            ]
            await self.node.shutdown()
        if self.runtime is not None:
            await self.runtime.close()
            leftovers += [f"mount {m} left behind" for m in mount_points_below(self.state_dir)]
            for group in cgroup_dirs(self.runtime.cgroup_parent):
                for procs in group.rglob("cgroup.procs"):
                    pids = procs.read_text().split()
                    leftovers += [f"process {pid} left in {procs.parent}" for pid in pids]
            leftovers += [
                f"process {pid} ({cmd}) still runs"
                for pid, cmd in _processes_mentioning(str(self.state_dir))
            ]
        return leftovers

    # -- conveniences for tests -------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def forbid(
        self,
        *,
        verb: str | None = None,
        resource: str | None = None,
        namespace: str | None = None,
        name: str | None = None,
        group: str | None = None,
    ) -> ForbidHandle:
        """Deny matching requests with RBAC's 403 until ``undo()`` (or the end of a ``with``)."""
        assert self.server is not None
        return self.server.authorizer.forbid(
            verb=verb, resource=resource, namespace=namespace, name=name, group=group
        )

    def create_namespace(self, name: str, labels: dict[str, str] | None = None) -> None:
        """Create a namespace in-process (no request is logged)."""
        assert self.server is not None
        server = self.server

        async def create() -> None:
            rtype = server.controllers.rtype(("", "namespaces"))
            meta: dict[str, Any] = {"name": name}
            if labels:
                meta["labels"] = labels
            server.service.create(rtype, "", {"metadata": meta})

        self.run(create())

    def delete_namespace(self, name: str, *, wait: bool = False) -> None:
        """Delete a namespace in-process: its pods at once (grace 0), then the rest."""
        assert self.server is not None
        server = self.server

        async def delete() -> None:
            pods = server.controllers.rtype(("", "pods"))
            for pod in list(server.store.items(pods.key, name)):
                with contextlib.suppress(ApiError):
                    server.service.delete(
                        pods, name, pod["metadata"]["name"], DeleteOptions(grace_seconds=0)
                    )
            namespaces = server.controllers.rtype(("", "namespaces"))
            with contextlib.suppress(ApiError):
                server.service.delete(namespaces, "", name, DeleteOptions())
            while wait and server.store.peek(namespaces.key, "", name) is not None:
                await asyncio.sleep(0.05)

        self.run(delete())

    def allow_all(self) -> None:
        assert self.server is not None
        self.server.authorizer.reset()

    @property
    def requests(self) -> list[RequestRecord]:
        assert self.server is not None
        return self.server.requests.since()

    def mark_requests(self) -> int:
        assert self.server is not None
        return self.server.requests.mark()

    def requests_since(self, mark: int) -> list[RequestRecord]:
        assert self.server is not None
        return self.server.requests.since(mark)

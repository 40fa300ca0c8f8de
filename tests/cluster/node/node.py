"""``ContainerdNode``: the test cluster's kubelet, running pods as real containerd containers.

It implements ``tests.cluster.nodeapi.Node``. The API server calls it; it calls back through
``NodeHost``. Errors for exec and logs are raised as ``nodeapi.ExecError`` (``reason``,
``message``, HTTP ``code``) worded as a real API server and kubelet word them.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.cluster.containerd import ContainerdRuntime, unmount_below
from tests.cluster.image import BuiltImage, build_test_image
from tests.cluster.node.events import EventHub, parse_go_time
from tests.cluster.node.execution import start_exec
from tests.cluster.node.instance import LABEL_PREFIX, NodeContext
from tests.cluster.node.logfile import read_log
from tests.cluster.node.pod import Backoff, PodWorker
from tests.cluster.nodeapi import ExecError, ExecSession, NodeHost

log = logging.getLogger(__name__)

DEFAULT_GRACE_SECONDS = 30


class LogsError(ExecError):
    """Logs cannot be served; same fields as ExecError (reason, message, code)."""


def _bad_request(message: str, cls: type[ExecError] = ExecError) -> ExecError:
    return cls("BadRequest", message, 400)


class ContainerdNode:
    """A kubelet stand-in on a private containerd (see ``tests/cluster/containerd.py``).

    Usage::

        async with ContainerdRuntime.start(state_dir) as runtime:
            node = ContainerdNode(runtime, host)
            await node.start()          # imports the test image, sweeps leftovers
            await node.run_pod(pod)     # returns at once; status arrives via host
            ...
            await node.shutdown()

    Every image name a pod asks for runs the test image (``tests/cluster/image``); the status
    reports the name as given. ``backoff_initial``/``backoff_max`` set the crash-loop back-off
    (a kubelet uses 10 s and 300 s; tests may shorten them).
    """

    def __init__(
        self,
        runtime: ContainerdRuntime,
        host: NodeHost,
        *,
        name: str = "kancli-test-node",
        image: BuiltImage | None = None,
        backoff_initial: float = 10.0,
        backoff_max: float = 300.0,
    ) -> None:
        self.name = name
        self.runtime = runtime
        self.host = host
        self._image = image
        self._backoff = Backoff(backoff_initial, backoff_max)
        self.node_dir = runtime.state_dir / "nodes" / name
        self._hub = EventHub(runtime)
        self._pods: dict[tuple[str, str], PodWorker] = {}
        self._ctx: NodeContext | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Import the test image, subscribe to events and remove what an earlier node of this
        name left behind (containers, mounts, files)."""
        image = self._image
        if image is None:
            image = await asyncio.to_thread(
                build_test_image, self.runtime.state_dir / "image-cache"
            )
        if not await self.runtime.has_image(image.ref, image.manifest_digest, image.chain_id):
            await self.runtime.import_image(image.archive)
        await self.runtime.sweep({f"{LABEL_PREFIX}/node": self.name})
        await asyncio.to_thread(self._clear_node_dir)
        await self._hub.start()
        self._ctx = NodeContext(
            runtime=self.runtime,
            hub=self._hub,
            host=self.host,
            image=image,
            node_name=self.name,
            node_dir=self.node_dir,
        )

    def _clear_node_dir(self) -> None:
        unmount_below(self.node_dir)
        shutil.rmtree(self.node_dir, ignore_errors=True)
        for sub in ("pods", "logs", "rootfs", "specs"):
            (self.node_dir / sub).mkdir(parents=True, exist_ok=True)

    async def shutdown(self) -> None:
        """Kill and remove every pod, container, snapshot and mount of this node."""
        workers = list(self._pods.values())
        self._pods.clear()
        await asyncio.gather(*(w.terminate(0) for w in workers), return_exceptions=True)
        await self.runtime.sweep({f"{LABEL_PREFIX}/node": self.name})
        await self._hub.stop()
        await asyncio.to_thread(self._clear_node_dir)

    # -- pods -----------------------------------------------------------------------------------

    @property
    def ctx(self) -> NodeContext:
        if self._ctx is None:
            raise RuntimeError("ContainerdNode.start() was not awaited")
        return self._ctx

    async def run_pod(self, pod: dict[str, Any]) -> None:
        meta = pod["metadata"]
        key = (meta.get("namespace", "default"), meta["name"])
        if key in self._pods:
            raise ValueError(f"pod {key[0]}/{key[1]} already runs on node {self.name}")
        worker = PodWorker(self.ctx, pod, self._backoff)
        self._pods[key] = worker
        worker.start()

    async def delete_pod(self, namespace: str, name: str, grace_seconds: int | None) -> None:
        worker = self._pods.pop((namespace, name), None)
        if worker is None:
            return
        if grace_seconds is None:
            grace_seconds = int(
                worker.pod["spec"].get("terminationGracePeriodSeconds", DEFAULT_GRACE_SECONDS)
            )
        await worker.terminate(float(grace_seconds))

    def pod_status(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The status last computed for a pod (for tests and debugging)."""
        worker = self._pods.get((namespace, name))
        return worker.status() if worker else None

    # -- exec -----------------------------------------------------------------------------------

    def _worker(self, namespace: str, pod: str, cls: type[ExecError]) -> PodWorker:
        worker = self._pods.get((namespace, pod))
        if worker is None:
            raise cls("NotFound", f'pods "{pod}" not found', 404)
        return worker

    def _container_name(self, worker: PodWorker, container: str, cls: type[ExecError]) -> str:
        """The API server's validateContainer: default to the only container, else insist."""
        if not container:
            names = [c["name"] for c in worker.app_specs]
            if len(names) == 1:
                return str(names[0])
            every = [c["name"] for c in worker.init_specs] + names
            raise _bad_request(
                f"a container name must be specified for pod {worker.name}, "
                f"choose one of: [{' '.join(every)}]",
                cls,
            )
        if worker.state(container) is None:
            raise _bad_request(f"container {container} is not valid for pod {worker.name}", cls)
        return container

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
        worker = self._worker(namespace, pod, ExecError)
        name = self._container_name(worker, container, ExecError)
        inst = worker.instances.get(name)
        state = worker.state(name)
        if inst is None or state is None or not state.is_running:
            raise _bad_request(f'unable to upgrade connection: container not found ("{name}")')
        return await start_exec(
            self.runtime, inst.watch, inst.cid, list(command), stdin=stdin, tty=tty
        )

    # -- logs -----------------------------------------------------------------------------------

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
        """Validate at once (raising LogsError) and return the stream of log bytes."""
        worker = self._worker(namespace, pod, LogsError)
        name = self._container_name(worker, container, LogsError)
        state = worker.state(name)
        assert state is not None
        quoted = f'"{name}" in pod "{pod}"'
        if previous and state.last_terminated is None:
            raise _bad_request(f"previous terminated container {quoted} not found", LogsError)
        waiting = not state.is_running and state.terminated is None
        if not previous and waiting and state.last_terminated is None:
            reason = state.waiting_reason or "ContainerCreating"
            raise _bad_request(f"container {quoted} is waiting to start: {reason}", LogsError)
        path, _ = worker.log_path_for(state, previous)
        since: datetime | None = None
        if since_time:
            since = parse_go_time(since_time)
        elif since_seconds is not None:
            since = datetime.now(UTC) - timedelta(seconds=since_seconds)

        def complete() -> bool:
            current = worker.instances.get(name)
            return current is None or current.log_path != path or current.log_complete.is_set()

        return self._stream_log(path, follow, tail_lines, timestamps, since, complete)

    async def _stream_log(
        self,
        path: Path | None,
        follow: bool,
        tail_lines: int | None,
        timestamps: bool,
        since: datetime | None,
        complete: Any,
    ) -> AsyncIterator[bytes]:
        if path is None:
            return
        async for chunk in read_log(
            path,
            follow=follow,
            tail_lines=tail_lines,
            timestamps=timestamps,
            since=since,
            is_complete=complete,
        ):
            yield chunk

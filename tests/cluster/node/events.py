"""containerd task events for the node: exits, OOM kills and exec starts, as they happen.

A kubelet learns that a container exited from the runtime's event stream; so does this node. One
long-running ``ctr events`` per node is parsed line by line (``<time> <namespace> <topic> <json>``)
and each event is handed to whoever watches that container. Watches are registered before a
container or exec starts, so no event can be missed. If ``ctr events`` dies it is restarted and
every watch is told to re-check its task, so a lost exit cannot hang a pod.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.cluster.containerd import ContainerdRuntime

log = logging.getLogger(__name__)

_LINE = re.compile(r"^(?P<ts>.+?) (?P<ns>\S+) (?P<topic>/\S+)(?: (?P<body>.*))?$")


def parse_go_time(text: str) -> datetime:
    """Parse containerd's RFC3339 time with up to nanoseconds (Python keeps microseconds)."""
    m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$", text)
    if not m:
        raise ValueError(f"not an RFC3339 time: {text!r}")
    frac = (m.group(2) or "0")[:6].ljust(6, "0")
    zone = "+00:00" if m.group(3) == "Z" else m.group(3)
    return datetime.fromisoformat(f"{m.group(1)}.{frac}{zone}").astimezone(UTC)


def _future() -> asyncio.Future[tuple[int, datetime]]:
    return asyncio.get_running_loop().create_future()


@dataclass
class TaskWatch:
    """What happened to one container's task and its exec processes."""

    container_id: str
    exited: asyncio.Future[tuple[int, datetime]] = field(default_factory=_future)
    oom_killed: bool = False
    exec_started: dict[str, asyncio.Event] = field(default_factory=dict)
    recheck: asyncio.Event = field(default_factory=asyncio.Event)

    def exec_event(self, exec_id: str) -> asyncio.Event:
        return self.exec_started.setdefault(exec_id, asyncio.Event())


class EventHub:
    """Subscribes to containerd's events for the runtime's namespace and dispatches them."""

    def __init__(self, runtime: ContainerdRuntime) -> None:
        self._runtime = runtime
        self._watches: dict[str, TaskWatch] = {}
        self._proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._stopping = False
        self._probe_seen = asyncio.Event()
        self._probe_token = ""

    def watch(self, container_id: str) -> TaskWatch:
        """Start (or return) the watch of ``container_id``; call before starting its task."""
        found = self._watches.get(container_id)
        if found is None:
            found = self._watches[container_id] = TaskWatch(container_id)
        return found

    def forget(self, container_id: str) -> None:
        self._watches.pop(container_id, None)

    async def start(self) -> None:
        await self._spawn()

    async def stop(self) -> None:
        self._stopping = True
        if self._proc is not None and self._proc.returncode is None:
            self._proc.kill()
            await self._proc.wait()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def _spawn(self) -> None:
        argv = self._runtime.ctr_argv(
            "events", f"namespace=={self._runtime.namespace}", namespaced=False
        )
        self._proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            limit=1 << 20,
        )
        self._reader = asyncio.create_task(self._read(self._proc))
        await self._wait_subscribed()

    async def _wait_subscribed(self) -> None:
        """Prepare and remove an empty snapshot until its event comes back: then we are
        subscribed, and no later container event can be missed."""
        for attempt in range(100):
            self._probe_seen.clear()
            self._probe_token = f"kancli-events-probe-{id(self)}-{attempt}"
            await self._runtime.ctr("snapshots", "prepare", self._probe_token, check=False)
            await self._runtime.ctr("snapshots", "rm", self._probe_token, check=False)
            try:
                await asyncio.wait_for(self._probe_seen.wait(), 0.2)
                return
            except TimeoutError:
                continue
        raise RuntimeError("ctr events did not deliver events")

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        while True:
            raw = await proc.stdout.readline()
            if not raw:
                break
            try:
                self._dispatch(raw.decode(errors="replace").rstrip("\n"))
            except Exception:
                log.exception("bad containerd event line: %r", raw)
        await proc.wait()
        if not self._stopping and self._runtime.is_running:
            log.warning("ctr events exited (%s); restarting it", proc.returncode)
            asyncio.get_running_loop().create_task(self._restart())

    async def _restart(self) -> None:
        await self._spawn()
        for watch in self._watches.values():
            watch.recheck.set()

    def _dispatch(self, line: str) -> None:
        m = _LINE.match(line)
        if not m:
            return
        topic = m.group("topic")
        body: dict[str, Any] = json.loads(m.group("body") or "{}") if m.group("body") else {}
        if topic.startswith("/snapshot/") and self._probe_token in (m.group("body") or ""):
            self._probe_seen.set()
            return
        watch = self._watches.get(str(body.get("container_id", "")))
        if watch is None:
            return
        if topic == "/tasks/exit" and body.get("id") == watch.container_id:
            if not watch.exited.done():
                when = parse_go_time(body["exited_at"]) if body.get("exited_at") else _now()
                watch.exited.set_result((int(body.get("exit_status", 0)), when))
        elif topic == "/tasks/oom":
            watch.oom_killed = True
        elif topic == "/tasks/exec-started":
            watch.exec_event(str(body.get("exec_id", ""))).set()


def _now() -> datetime:
    return datetime.now(UTC)

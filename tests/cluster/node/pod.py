"""One pod's life on the node: init containers in order, then the containers, with restarts.

``PodWorker.run`` is the kubelet's pod worker in miniature. It prepares the pod's files and
volumes (retrying while a secret, configMap or claim is missing), runs each init container to
completion (a failure fails the pod under ``restartPolicy: Never`` and is retried with back-off
otherwise), then supervises every container under the restart policy: ``Always`` restarts on any
exit, ``OnFailure`` on a non-zero exit, ``Never`` not at all. Restarts back off as a kubelet's do:
the first at once, then ``backoff_initial`` doubling up to ``backoff_max``, shown as
``CrashLoopBackOff``. After every change the whole status is published through ``NodeHost``.

``terminate`` stops everything: SIGTERM to every running container, SIGKILL after the grace
period, then removes the pod's files.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.cluster.node import instance as inst_mod
from tests.cluster.node.instance import Instance, NodeContext
from tests.cluster.node.podconfig import ContainerConfigError
from tests.cluster.node.status import (
    ConditionClock,
    ContainerState,
    Terminated,
    now,
    pod_status,
)
from tests.cluster.node.volumes import HostVolume, VolumeNotReadyError, prepare_volumes

log = logging.getLogger(__name__)

#: How long a new container must run before the node reports it Running (see _run_once).
RUNNING_SETTLE_SECONDS = 0.15
CONFIG_RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class Backoff:
    """Crash-loop back-off: restart 1 at once, then ``initial`` doubling up to ``maximum``."""

    initial: float = 10.0
    maximum: float = 300.0

    def delay(self, restarts_so_far: int) -> float:
        if restarts_so_far <= 0:
            return 0.0
        return float(min(self.initial * 2 ** (restarts_so_far - 1), self.maximum))


def should_restart(policy: str, exit_code: int) -> bool:
    return policy == "Always" or (policy == "OnFailure" and exit_code != 0)


class PodWorker:
    """Runs one pod; see the module docstring."""

    def __init__(self, ctx: NodeContext, pod: dict[str, Any], backoff: Backoff) -> None:
        self.ctx = ctx
        self.pod = pod
        meta = pod["metadata"]
        self.namespace: str = meta.get("namespace", "default")
        self.name: str = meta["name"]
        self.uid: str = meta.get("uid") or f"{self.namespace}-{self.name}"
        self.backoff = backoff
        spec = pod["spec"]
        self.policy: str = spec.get("restartPolicy", "Always")
        self.init_specs: list[dict[str, Any]] = list(spec.get("initContainers") or [])
        self.app_specs: list[dict[str, Any]] = list(spec["containers"])
        first_wait = "PodInitializing" if self.init_specs else "ContainerCreating"
        self.init_states = [
            ContainerState(
                c["name"], c.get("image", ""), is_init=True, waiting_reason="PodInitializing"
            )
            for c in self.init_specs
        ]
        self.app_states = [
            ContainerState(c["name"], c.get("image", ""), waiting_reason=first_wait)
            for c in self.app_specs
        ]
        self.pod_dir = ctx.node_dir / "pods" / self.uid
        self.log_dir = ctx.node_dir / "logs" / f"{self.namespace}_{self.name}_{self.uid}"
        self.instances: dict[str, Instance] = {}
        self.volumes: dict[str, HostVolume] = {}
        self.deleting = False
        self.finished = False
        self.start_time = now()
        self._wake = asyncio.Event()
        self._clock = ConditionClock()
        self._task: asyncio.Task[None] | None = None
        self._last_published: dict[str, Any] | None = None

    # -- lookups used by the node ----------------------------------------------------------

    def state(self, container: str) -> ContainerState | None:
        for s in [*self.init_states, *self.app_states]:
            if s.name == container:
                return s
        return None

    @property
    def phase(self) -> str:
        return str(self.status()["phase"])

    def status(self) -> dict[str, Any]:
        return pod_status(
            self.pod,
            self.init_states,
            self.app_states,
            start_time=self.start_time,
            terminal=self.finished,
            sandbox_ready=not self.finished,
            clock=self._clock,
        )

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"pod {self.namespace}/{self.name}")

    def publish(self) -> None:
        status = self.status()
        if status == self._last_published:
            return
        self._last_published = status
        try:
            self.ctx.host.publish_pod_status(self.namespace, self.name, status)
        except Exception as exc:  # the pod may already be gone from the API server
            if not self.deleting:
                log.warning("publishing status of %s/%s failed: %r", self.namespace, self.name, exc)

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when the pod is being deleted."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def _run(self) -> None:
        try:
            self.publish()
            if not await self._setup():
                return
            for spec, state in zip(self.init_specs, self.init_states, strict=True):
                if not await self._run_init(spec, state):
                    self.finished = not self.deleting
                    if self.finished:
                        self.publish()
                    return
            for state in self.app_states:
                if state.waiting_reason == "PodInitializing":
                    state.waiting_reason = "ContainerCreating"
            self.publish()
            await asyncio.gather(
                *(
                    self._supervise(s, st)
                    for s, st in zip(self.app_specs, self.app_states, strict=True)
                )
            )
            if not self.deleting:
                self.finished = True
                self.publish()
        except Exception:
            log.exception("pod %s/%s failed in the test node", self.namespace, self.name)
            raise

    async def _setup(self) -> bool:
        """Create the pod's files and volumes; wait while a volume source is missing."""
        self.pod_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        (self.pod_dir / "etc-hosts").write_text(
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            f"127.0.0.1\t{self.name}\n"
        )
        (self.pod_dir / "etc-hostname").write_text(self.name + "\n")
        while not self.deleting:
            try:
                self.volumes = await asyncio.to_thread(
                    prepare_volumes, self.pod, self.ctx.host, self.pod_dir
                )
                return True
            except VolumeNotReadyError as exc:
                log.info("pod %s/%s waits for a volume: %s", self.namespace, self.name, exc)
            except ContainerConfigError as exc:
                for state in [*self.init_states, *self.app_states]:
                    state.set_waiting("CreateContainerConfigError", str(exc))
                self.publish()
            await self._sleep(CONFIG_RETRY_SECONDS)
        return False

    async def _run_init(self, spec: dict[str, Any], state: ContainerState) -> bool:
        """Run an init container until it succeeds; False if the pod must stop."""
        while not self.deleting:
            result = await self._run_once(spec, state)
            if result is None:
                return False
            state.set_terminated(result)
            self.publish()
            if result.exit_code == 0:
                return True
            if self.policy == "Never":
                return False
            await self._back_off(state)
        return False

    async def _supervise(self, spec: dict[str, Any], state: ContainerState) -> None:
        while not self.deleting:
            result = await self._run_once(spec, state)
            if result is None:
                return
            state.set_terminated(result)
            self.publish()
            if self.deleting or not should_restart(self.policy, result.exit_code):
                return
            await self._back_off(state)

    async def _back_off(self, state: ContainerState) -> None:
        delay = self.backoff.delay(state.restart_count)
        if delay > 0 and not self.deleting:
            meta = self.pod["metadata"]
            state.set_waiting(
                "CrashLoopBackOff",
                f"back-off {_go_duration(delay)} restarting failed container={state.name} "
                f"pod={self.name}_{self.namespace}({meta.get('uid', '')})",
            )
            self.publish()
            await self._sleep(delay)

    async def _run_once(self, spec: dict[str, Any], state: ContainerState) -> Terminated | None:
        """Start an instance and wait for its end; None if the pod was deleted meanwhile."""
        restarts = state.restart_count + (1 if state.container_id else 0)
        log_path = self.log_dir / spec["name"] / f"{restarts}.log"
        while True:
            if self.deleting:
                return None
            try:
                started = await inst_mod.start_instance(
                    self.ctx, self.pod, spec, self.volumes, self.pod_dir, log_path
                )
                break
            except ContainerConfigError as exc:
                state.set_waiting("CreateContainerConfigError", str(exc))
                self.publish()
                await self._sleep(CONFIG_RETRY_SECONDS)
            except Exception as exc:  # the node itself failed: report it, retry like a kubelet
                log.exception(
                    "starting %s in %s/%s failed", spec["name"], self.namespace, self.name
                )
                state.set_waiting("RunContainerError", f"test node: {exc}")
                self.publish()
                await self._sleep(CONFIG_RETRY_SECONDS)
        state.restart_count = restarts
        if isinstance(started, Terminated):
            state.container_id = started.container_id
            state.image_id = self.ctx.image.repo_digest
            return started
        self.instances[spec["name"]] = started
        state.log_paths.append(str(log_path))
        state.set_running(started.container_id, self.ctx.image.repo_digest, started.started_at)
        if self.deleting:  # terminate() ran while it was starting, so it was not signalled
            await inst_mod.signal_instance(self.ctx, started, "SIGKILL")
        waiter = asyncio.ensure_future(inst_mod.wait_instance(self.ctx, started, spec))
        try:
            # A kubelet learns of container states by relisting, so a container that exits at
            # once is never seen Running; publishing Running for those few milliseconds made
            # readiness waits pass for workloads that can never be ready.
            done, _ = await asyncio.wait({waiter}, timeout=RUNNING_SETTLE_SECONDS)
            if not done:
                self.publish()
            return await waiter
        except asyncio.CancelledError:
            waiter.cancel()
            raise
        finally:
            self.instances.pop(spec["name"], None)

    # -- deletion ------------------------------------------------------------------------------

    async def terminate(self, grace: float) -> None:
        """Stop every container (SIGTERM, SIGKILL after ``grace``) and remove the pod's files."""
        self.deleting = True
        self._wake.set()
        task = self._task
        if grace > 0:
            for inst in list(self.instances.values()):
                await inst_mod.signal_instance(self.ctx, inst, "SIGTERM")
            if task is not None:
                with contextlib.suppress(TimeoutError, Exception):
                    await asyncio.wait_for(asyncio.shield(task), grace)
        while task is not None and not task.done():
            for inst in list(self.instances.values()):
                await inst_mod.signal_instance(self.ctx, inst, "SIGKILL")
            with contextlib.suppress(TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(task), 1.0)
        await self.ctx.runtime.sweep({f"{inst_mod.LABEL_PREFIX}/pod-uid": self.uid})
        await asyncio.to_thread(shutil.rmtree, self.pod_dir, True)
        await asyncio.to_thread(shutil.rmtree, self.log_dir, True)

    def log_path_for(self, state: ContainerState, previous: bool) -> tuple[Path | None, bool]:
        """(log file, complete?) of the current or previous instance of a container."""
        paths = state.log_paths
        if previous:
            index = -1 if not state.is_running else -2
            if state.terminated is not None:
                index = -2
        else:
            index = -1
        if len(paths) < -index:
            return None, True
        path = Path(paths[index])
        current = self.instances.get(state.name)
        complete = current is None or current.log_path != path or current.log_complete.is_set()
        return path, complete


def _go_duration(seconds: float) -> str:
    """Go's time.Duration String() for whole or fractional seconds ("10s", "2m40s", "500ms")."""
    if seconds < 1:
        return f"{int(seconds * 1000)}ms"
    whole = int(seconds)
    minutes, secs = divmod(whole, 60)
    frac = seconds - whole
    sec_text = f"{secs + frac:g}s" if frac else f"{secs}s"
    return f"{minutes}m{sec_text}" if minutes else sec_text

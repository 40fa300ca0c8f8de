"""The controllers of the test cluster, run as asyncio tasks inside the API server.

Store events mark keys dirty; one worker reconciles dirty keys in order, and a periodic resync
re-checks everything so no lost edge can leave a workload stuck. Reconcilers are synchronous
(the store lives on the event loop), long operations on the node are spawned as tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from tests.cluster.apiserver.controllers.collector import GarbageCollector
from tests.cluster.apiserver.controllers.common import controller_of
from tests.cluster.apiserver.controllers.lifecycle import ClusterLifecycle
from tests.cluster.apiserver.controllers.statefulsets import StatefulSetController
from tests.cluster.apiserver.controllers.workloads import (
    DeploymentController,
    ReplicaSetController,
)
from tests.cluster.apiserver.objects import DeleteOptions, ObjectService
from tests.cluster.apiserver.resources import Registry, ResourceType
from tests.cluster.apiserver.status import ApiError
from tests.cluster.apiserver.store import Event, Store
from tests.cluster.nodeapi import Node

log = logging.getLogger(__name__)

RESYNC_SECONDS = 1.0
Key = tuple[str, ...]


class Controllers:
    def __init__(
        self,
        registry: Registry,
        store: Store,
        service: ObjectService,
        node: Node | None,
        volumes_dir: Path,
    ) -> None:
        self.registry = registry
        self.store = store
        self.service = service
        self.node = node
        self.lifecycle = ClusterLifecycle(self, volumes_dir)
        self.collector = GarbageCollector(self)
        self.deployments = DeploymentController(self)
        self.replicasets = ReplicaSetController(self)
        self.statefulsets = StatefulSetController(self)
        self._dirty: dict[Key, None] = {}
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loops: list[asyncio.Task[None]] = []
        service.hooks.update(self.lifecycle.hooks())
        store.listen(self._on_event)

    # -- plumbing ---------------------------------------------------------------------------

    def start(self) -> None:
        self._loops = [asyncio.create_task(self._work()), asyncio.create_task(self._resync())]

    async def stop(self) -> None:
        for task in self._loops:
            task.cancel()
        for task in self._loops:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def drain(self, timeout: float) -> None:
        """Wait for spawned work (pod deletions, namespace drains) to end."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._tasks and asyncio.get_running_loop().time() < deadline:
            await asyncio.wait(set(self._tasks), timeout=0.2)

    def spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> None:
        task = asyncio.get_running_loop().create_task(self._guard(coro, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guard(self, coro: Coroutine[Any, Any, Any], what: str) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed", what)

    def mark(self, *key: str) -> None:
        self._dirty[key] = None
        self._wake.set()

    def rtype(self, key: tuple[str, str]) -> ResourceType:
        for rtype in self.registry.all():
            if rtype.key == key:
                return rtype
        raise KeyError(key)

    def create(self, key: tuple[str, str], namespace: str, obj: dict[str, Any]) -> dict[str, Any]:
        return self.service.create(self.rtype(key), namespace, obj)

    def update(self, key: tuple[str, str], obj: dict[str, Any]) -> dict[str, Any] | None:
        meta = obj["metadata"]
        try:
            return self.service.update(
                self.rtype(key), meta.get("namespace", ""), meta["name"], copy.deepcopy(obj)
            )
        except ApiError:
            return None

    def delete(self, key: tuple[str, str], obj: dict[str, Any], options: DeleteOptions) -> None:
        meta = obj["metadata"]
        with contextlib.suppress(ApiError):
            self.service.delete(self.rtype(key), meta.get("namespace", ""), meta["name"], options)

    # -- events -----------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        obj = event.obj
        meta = obj["metadata"]
        ns = meta.get("namespace", "")
        group, plural = event.key
        if (group, plural) == ("apps", "deployments"):
            self.mark("deployment", ns, meta["name"])
        elif (group, plural) == ("apps", "replicasets"):
            self.mark("replicaset", ns, meta["name"])
        elif (group, plural) == ("apps", "statefulsets"):
            self.mark("statefulset", ns, meta["name"])
        elif (group, plural) == ("", "persistentvolumeclaims"):
            self.mark("schedule", ns)
            self.mark("claims", ns)
        elif (group, plural) == ("", "pods"):
            self.mark("claims", ns)
        owner = controller_of(obj)
        if owner is not None:
            kind, name = owner
            target = {
                "Deployment": "deployment",
                "ReplicaSet": "replicaset",
                "StatefulSet": "statefulset",
            }.get(kind)
            if target:
                self.mark(target, ns, name)
        if event.type == "DELETED":
            self.mark("gc", meta["uid"])
            self.mark("foreground")
            if (group, plural) == ("", "persistentvolumeclaims"):
                self.lifecycle.reclaim(obj)
        elif meta.get("deletionTimestamp"):
            self.mark("foreground")

    async def _work(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._dirty:
                key = next(iter(self._dirty))
                del self._dirty[key]
                try:
                    self._reconcile(key)
                except Exception:
                    log.exception("reconciling %s failed", key)
                await asyncio.sleep(0)

    def _reconcile(self, key: Key) -> None:
        kind = key[0]
        if kind == "deployment":
            self.deployments.reconcile(key[1], key[2])
        elif kind == "replicaset":
            self.replicasets.reconcile(key[1], key[2])
        elif kind == "statefulset":
            self.statefulsets.reconcile(key[1], key[2])
        elif kind == "schedule":
            self.lifecycle.retry_unscheduled(key[1])
        elif kind == "claims":
            self.lifecycle.release_claims(key[1])
        elif kind == "gc":
            self.collector.collect(key[1])
        elif kind == "foreground":
            self.collector.finish_foreground()

    async def _resync(self) -> None:
        while True:
            await asyncio.sleep(RESYNC_SECONDS)
            for plural, kind in (
                ("deployments", "deployment"),
                ("replicasets", "replicaset"),
                ("statefulsets", "statefulset"),
            ):
                for obj in self.store.items(("apps", plural)):
                    self.mark(kind, obj["metadata"]["namespace"], obj["metadata"]["name"])

"""In-memory object storage with a global resourceVersion, event history and watchers.

Every write goes through ``Store.put``/``Store.remove`` and produces one event. Objects in the
store are never mutated in place: writers build a new dict, so an event keeps the exact object
it announced. Watchers get the events of their type that pass their namespace and selectors,
with the API server's transition rule (an object that stops matching is sent as DELETED, one
that starts matching as ADDED). A watch may resume from any resourceVersion still in the
history; older ones get ``410 Expired`` as on a real server.
"""

from __future__ import annotations

import asyncio
import copy
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.cluster.apiserver.selectors import (
    FieldSelector,
    LabelSelector,
    matches_fields,
    matches_labels,
)
from tests.cluster.apiserver.status import gone

HISTORY = 20000
StoreKey = tuple[str, str]  # (group, plural)
ObjKey = tuple[str, str]  # (namespace, name)


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Event:
    type: str  # ADDED, MODIFIED, DELETED
    key: StoreKey
    rv: int
    obj: dict[str, Any]
    old: dict[str, Any] | None


@dataclass(eq=False)
class Watcher:
    key: StoreKey
    namespace: str | None
    labels: LabelSelector
    fields: FieldSelector
    queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = field(default_factory=asyncio.Queue)

    def matches(self, obj: dict[str, Any] | None) -> bool:
        if obj is None:
            return False
        if self.namespace is not None and obj["metadata"].get("namespace") != self.namespace:
            return False
        return matches_labels(self.labels, obj) and matches_fields(self.fields, obj)

    def offer(self, event: Event) -> None:
        new_match = self.matches(event.obj)
        if event.type == "DELETED":
            if new_match:
                self.queue.put_nowait(("DELETED", event.obj))
            return
        old_match = self.matches(event.old)
        if new_match:
            self.queue.put_nowait(("MODIFIED" if old_match else "ADDED", event.obj))
        elif old_match:
            self.queue.put_nowait(("DELETED", event.obj))


class Store:
    """Objects by type and (namespace, name); see the module docstring."""

    def __init__(self) -> None:
        self.rv = 1
        self._objects: dict[StoreKey, dict[ObjKey, dict[str, Any]]] = {}
        self._history: deque[Event] = deque(maxlen=HISTORY)
        self._watchers: set[Watcher] = set()
        self._listeners: list[Callable[[Event], None]] = []

    # -- reading --------------------------------------------------------------------------

    def peek(self, key: StoreKey, namespace: str, name: str) -> dict[str, Any] | None:
        """The stored object itself: read it, never mutate it."""
        return self._objects.get(key, {}).get((namespace, name))

    def get(self, key: StoreKey, namespace: str, name: str) -> dict[str, Any] | None:
        found = self.peek(key, namespace, name)
        return copy.deepcopy(found) if found is not None else None

    def items(self, key: StoreKey, namespace: str | None = None) -> list[dict[str, Any]]:
        """Stored objects (not copies), sorted by namespace and name like etcd keys."""
        table = self._objects.get(key, {})
        return [table[k] for k in sorted(table) if namespace is None or k[0] == namespace]

    def select(
        self,
        key: StoreKey,
        namespace: str | None,
        labels: LabelSelector = (),
        fields: FieldSelector = (),
    ) -> list[dict[str, Any]]:
        return [
            o
            for o in self.items(key, namespace)
            if matches_labels(labels, o) and matches_fields(fields, o)
        ]

    def types(self) -> list[StoreKey]:
        return list(self._objects)

    # -- writing --------------------------------------------------------------------------

    def next_rv(self) -> int:
        self.rv += 1
        return self.rv

    def put(self, key: StoreKey, obj: dict[str, Any]) -> dict[str, Any]:
        """Store ``obj`` (a new dict the caller no longer touches) and announce it. Sets
        resourceVersion; on first store also uid and creationTimestamp."""
        meta = obj["metadata"]
        okey = (meta.get("namespace", ""), meta["name"])
        table = self._objects.setdefault(key, {})
        old = table.get(okey)
        rv = self.next_rv()
        meta["resourceVersion"] = str(rv)
        if old is None:
            meta.setdefault("uid", str(uuid.uuid4()))
            meta.setdefault("creationTimestamp", now_rfc3339())
        table[okey] = obj
        self._emit(Event("ADDED" if old is None else "MODIFIED", key, rv, obj, old))
        return obj

    def remove(self, key: StoreKey, namespace: str, name: str) -> dict[str, Any] | None:
        table = self._objects.get(key, {})
        old = table.pop((namespace, name), None)
        if old is None:
            return None
        rv = self.next_rv()
        gone_obj = copy.deepcopy(old)
        gone_obj["metadata"]["resourceVersion"] = str(rv)
        self._emit(Event("DELETED", key, rv, gone_obj, old))
        return gone_obj

    def _emit(self, event: Event) -> None:
        self._history.append(event)
        for watcher in list(self._watchers):
            if watcher.key == event.key:
                watcher.offer(event)
        for listener in list(self._listeners):
            listener(event)

    # -- watching -------------------------------------------------------------------------

    def listen(self, listener: Callable[[Event], None]) -> None:
        """Call ``listener`` synchronously after every write (controllers use this)."""
        self._listeners.append(listener)

    def watch(
        self,
        key: StoreKey,
        namespace: str | None,
        labels: LabelSelector,
        fields: FieldSelector,
        resource_version: str | None,
    ) -> Watcher:
        watcher = Watcher(key, namespace, labels, fields)
        if not resource_version or resource_version == "0":
            for obj in self.select(key, namespace, labels, fields):
                watcher.queue.put_nowait(("ADDED", obj))
        else:
            try:
                since = int(resource_version)
            except ValueError:
                raise gone(f"too old resource version: {resource_version}") from None
            oldest = self._history[0].rv if self._history else self.rv + 1
            if since < oldest - 1 and len(self._history) == self._history.maxlen:
                raise gone(f"too old resource version: {since} ({oldest - 1})")
            for event in self._history:
                if event.rv > since and event.key == key:
                    watcher.offer(event)
        self._watchers.add(watcher)
        return watcher

    def unwatch(self, watcher: Watcher) -> None:
        self._watchers.discard(watcher)

    def close_watchers(self) -> None:
        for watcher in list(self._watchers):
            watcher.queue.put_nowait(None)
        self._watchers.clear()

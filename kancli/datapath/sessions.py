"""Lock-free coordination between backups, restores and prune: session markers and tombstones.

There is no lock a crash could leave behind. Instead:

* Every backup, restore or prune writes a *session marker* ``sessions/<id>`` and rewrites it
  every ``heartbeat`` seconds (a heartbeat). A marker whose last write, by the store's own clock,
  is older than ``stale_after`` belongs to a dead process and is ignored: a crash delays a prune
  by at most ``stale_after``, it never blocks the repository.
* A prune never deletes packs directly. It first writes a *tombstone* ``deletions/<id>`` naming
  the packs it wants gone. A session records in its marker which tombstones existed when it
  started; it never reuses blobs from packs those tombstones name.
* The packs of a tombstone are deleted only when every live session has seen that tombstone,
  i.e. no running backup can still reference them without knowing they are condemned.

docs/repository-format.md §8 gives the full argument.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kancli.datapath.errors import CorruptionError
from kancli.datapath.packs import Codec
from kancli.errors import ObjectStoreError
from kancli.objectstore import ObjectNotFoundError, Store

SESSION_PREFIX = "sessions/"
TOMBSTONE_PREFIX = "deletions/"
SESSION_AAD = b"kancli session v1"
TOMBSTONE_AAD = b"kancli tombstone v1"


@dataclass(frozen=True)
class Tombstone:
    id: str
    packs: frozenset[str]
    created: str


@dataclass(frozen=True)
class SessionInfo:
    """Another process's marker as a prune sees it."""

    id: str
    kind: str
    host: str
    started: str
    seen: frozenset[str] | None  # None: it has not listed tombstones yet
    age: dt.timedelta


def load_tombstones(store: Store, codec: Codec) -> dict[str, Tombstone]:
    found: dict[str, Tombstone] = {}
    for info in store.list(TOMBSTONE_PREFIX):
        tid = info.key.removeprefix(TOMBSTONE_PREFIX)
        try:
            doc = codec.decode_doc(store.read(info.key), TOMBSTONE_AAD, f"tombstone {tid}")
        except ObjectNotFoundError:
            continue  # swept meanwhile
        found[tid] = Tombstone(tid, frozenset(doc["packs"]), str(doc.get("created", "")))
    return found


def write_tombstone(store: Store, codec: Codec, packs: Iterable[str]) -> Tombstone:
    tid = secrets.token_hex(16)
    created = dt.datetime.now(dt.UTC).isoformat()
    pack_list = sorted(packs)
    doc = {"id": tid, "created": created, "packs": pack_list}
    store.put(TOMBSTONE_PREFIX + tid, codec.encode_doc(doc, TOMBSTONE_AAD))
    return Tombstone(tid, frozenset(pack_list), created)


class Session:
    """This process's marker; a daemon thread keeps it fresh until :meth:`close`."""

    def __init__(
        self, store: Store, codec: Codec, kind: str, heartbeat: float, stale_after: float
    ) -> None:
        self.id = secrets.token_hex(16)
        self.kind = kind
        self._store = store
        self._codec = codec
        self._heartbeat = heartbeat
        self._stale_after = stale_after
        self._started = dt.datetime.now(dt.UTC).isoformat()
        self._host = socket.gethostname()
        self.seen: frozenset[str] | None = None
        self.tombstones: dict[str, Tombstone] = {}
        self._stop = threading.Event()
        self._last_beat = time.monotonic()
        self.max_gap = 0.0
        self._thread: threading.Thread | None = None

    @property
    def key(self) -> str:
        return SESSION_PREFIX + self.id

    def _doc(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "host": self._host,
            "pid": os.getpid(),
            "started": self._started,
            "seenTombstones": None if self.seen is None else sorted(self.seen),
        }

    def beat(self) -> None:
        """Rewrite the marker now (also records the largest gap between two beats)."""
        self._store.put(self.key, self._codec.encode_doc(self._doc(), SESSION_AAD))
        now = time.monotonic()
        self.max_gap = max(self.max_gap, now - self._last_beat)
        self._last_beat = now

    def start(self) -> Session:
        """Register first, then learn the tombstones: the order the safety argument needs."""
        self.beat()
        self.tombstones = load_tombstones(self._store, self._codec)
        self.seen = frozenset(self.tombstones)
        self.beat()
        self._thread = threading.Thread(target=self._run, name="kancli-heartbeat", daemon=True)
        self._thread.start()
        return self

    @property
    def condemned(self) -> frozenset[str]:
        packs: set[str] = set()
        for tomb in self.tombstones.values():
            packs |= tomb.packs
        return frozenset(packs)

    def may_have_gone_stale(self) -> bool:
        """True if some prune could have taken this session for dead at some point."""
        gap = max(self.max_gap, time.monotonic() - self._last_beat)
        return gap >= self._stale_after / 2

    def _run(self) -> None:
        while not self._stop.wait(self._heartbeat):
            try:
                self.beat()
            except ObjectStoreError:
                continue  # the gap grows; may_have_gone_stale() reports it

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with contextlib.suppress(ObjectStoreError):  # else the marker goes stale on its own
            self._store.delete(self.key)

    def __enter__(self) -> Session:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def live_sessions(store: Store, codec: Codec, me: Session, stale_after: float) -> list[SessionInfo]:
    """Other sessions whose markers are fresh, judged by the store's clock (not ours).

    ``me`` is rewritten first so that its modification time is the store's "now".
    """
    me.beat()
    mine = store.head(me.key)
    if mine is None:
        raise CorruptionError(f"session marker {me.key} vanished right after being written")
    now = mine.last_modified
    found: list[SessionInfo] = []
    for info in store.list(SESSION_PREFIX):
        sid = info.key.removeprefix(SESSION_PREFIX)
        if sid == me.id:
            continue
        age = now - info.last_modified
        if age.total_seconds() >= stale_after:
            continue
        try:
            doc = codec.decode_doc(store.read(info.key), SESSION_AAD, f"session {sid}")
        except ObjectNotFoundError:
            continue  # ended meanwhile
        seen = doc.get("seenTombstones")
        found.append(
            SessionInfo(
                id=sid,
                kind=str(doc.get("kind", "")),
                host=str(doc.get("host", "")),
                started=str(doc.get("started", "")),
                seen=None if seen is None else frozenset(seen),
                age=age,
            )
        )
    return found

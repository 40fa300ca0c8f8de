"""A store wrapper that counts requests and bytes, for progress figures and dedup accounting.

The backup repository reports how many bytes a backup actually sent ("physical size added"), and
tests prove deduplication by counting what reached the store. Wrapping keeps that bookkeeping out
of the backends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kancli.objectstore.base import Buffer, ObjectInfo, Store


@dataclass
class StoreCounters:
    """Totals since the wrapper was made (shared by its scoped views)."""

    objects_written: int = 0
    bytes_written: int = 0
    objects_read: int = 0
    bytes_read: int = 0
    objects_deleted: int = 0


class CountingStore(Store):
    """Delegates everything to ``inner`` and counts writes, reads and deletes."""

    def __init__(self, inner: Store, counters: StoreCounters | None = None) -> None:
        self._inner = inner
        self.counters = counters or StoreCounters()
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        return self._inner.description

    def scoped(self, prefix: str) -> CountingStore:
        view = CountingStore(self._inner.scoped(prefix), self.counters)
        view._lock = self._lock
        return view

    def _wrote(self, size: int) -> None:
        with self._lock:
            self.counters.objects_written += 1
            self.counters.bytes_written += size

    def put(self, key: str, data: Buffer) -> None:
        self._inner.put(key, data)
        self._wrote(len(data))

    def put_stream(self, key: str, chunks: Iterable[Buffer]) -> int:
        size = self._inner.put_stream(key, chunks)
        self._wrote(size)
        return size

    def put_if_absent(self, key: str, data: Buffer) -> bool:
        created = self._inner.put_if_absent(key, data)
        if created:
            self._wrote(len(data))
        return created

    def get(self, key: str, *, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        pieces = self._inner.get(key, offset=offset, length=length)
        with self._lock:
            self.counters.objects_read += 1
        return self._count_reads(pieces)

    def _count_reads(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            with self._lock:
                self.counters.bytes_read += len(piece)
            yield piece

    def head(self, key: str) -> ObjectInfo | None:
        return self._inner.head(key)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        return self._inner.list(prefix)

    def delete(self, key: str) -> None:
        self._inner.delete(key)
        with self._lock:
            self.counters.objects_deleted += 1

    def delete_many(self, keys: Iterable[str]) -> int:
        count = self._inner.delete_many(keys)
        with self._lock:
            self.counters.objects_deleted += count
        return count

    def close(self) -> None:
        self._inner.close()

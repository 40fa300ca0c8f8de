"""Backup: a tar stream in, a snapshot out, storing only chunks the repository lacks.

Pipeline, all streaming: tar members (tarstream) -> content-defined chunks (chunker) -> keyed
IDs -> new chunks compressed and sealed (packs.Codec) -> packs uploaded in background threads ->
index files -> manifest as tree blobs -> snapshot object, written last. Memory is bounded by the
chunker buffer plus ``upload_concurrency + 2`` packs. If the stream fails midway, no snapshot is
written; the packs already uploaded are indexed (best effort) so that the next backup reuses
them, and a prune reclaims them if nothing ever does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import secrets
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO

from kancli.datapath.chunker import TREE_CHUNKS, Chunker
from kancli.datapath.errors import CorruptionError, RepositoryError
from kancli.datapath.index import Index, PackInfo, encode_index
from kancli.datapath.manifest import Entry, EntryType
from kancli.datapath.packs import BlobType, PackBuilder, pack_key
from kancli.datapath.repository import Repository
from kancli.datapath.sessions import Session
from kancli.datapath.snapshot import BackupSummary, Snapshot, Totals
from kancli.datapath.tarstream import read_entries
from kancli.errors import KancliError

PACK_PREFIX = "data/"


class BlobWriter:
    """Deduplicates blobs against the index and this session, packs and uploads the new ones."""

    def __init__(self, repo: Repository, index: Index, condemned: frozenset[str]) -> None:
        self._repo = repo
        self._index = index
        self._condemned = condemned
        self._written: set[bytes] = set()
        self.reused_packs: set[str] = set()
        self._builders = {t: PackBuilder(repo.codec) for t in BlobType}
        workers = max(1, repo.options.upload_concurrency)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kancli-pack")
        self._inflight: deque[Future[PackInfo]] = deque()
        self._unindexed: list[PackInfo] = []
        self.bytes_written = 0
        self.blobs_seen = 0
        self.blobs_new = 0

    def add(self, blob_type: BlobType, data: bytes | memoryview) -> bytes:
        """Store ``data`` unless the repository has it already; returns its blob ID."""
        blob_id = self._repo.keys.blob_id(data)
        if blob_type is BlobType.DATA:
            self.blobs_seen += 1
        if blob_id in self._written:
            return blob_id
        known = self._index.blobs.get(blob_id)
        if known is not None and known.pack not in self._condemned:
            self.reused_packs.add(known.pack)
            return blob_id
        self._written.add(blob_id)
        if blob_type is BlobType.DATA:
            self.blobs_new += 1
        builder = self._builders[blob_type]
        builder.add(blob_id, blob_type, self._repo.codec.encode_blob(blob_id, data), len(data))
        if builder.size >= self._repo.options.pack_size:
            self._flush(blob_type)
        return blob_id

    def _flush(self, blob_type: BlobType) -> None:
        builder = self._builders[blob_type]
        if not len(builder):
            return
        self._builders[blob_type] = PackBuilder(self._repo.codec)
        pack_id, body = builder.finish()
        info = PackInfo(pack_id, len(body), builder.entries)
        # Bounded memory: wait for the oldest upload before queueing more than the pool holds.
        while len(self._inflight) >= self._repo.options.upload_concurrency:
            self._collect(self._inflight.popleft().result())
        self._inflight.append(self._pool.submit(self._upload, info, body))

    def _upload(self, info: PackInfo, body: bytes) -> PackInfo:
        self._repo.store.put(pack_key(info.id), body)
        return info

    def _collect(self, info: PackInfo) -> None:
        self.bytes_written += info.size
        self._unindexed.append(info)
        if len(self._unindexed) >= self._repo.options.index_every_packs:
            self.write_index()

    def write_index(self) -> None:
        if not self._unindexed:
            return
        key, body = encode_index(self._repo.codec, self._unindexed)
        self._repo.store.put(key, body)
        self.bytes_written += len(body)
        self._unindexed = []

    def finish(self) -> None:
        """Upload what is buffered, wait for every upload, index them all."""
        for blob_type in BlobType:
            self._flush(blob_type)
        while self._inflight:
            self._collect(self._inflight.popleft().result())
        self.write_index()
        self._pool.shutdown()

    def abort(self) -> None:
        """After a failure: keep (and index) what reached the store, drop the rest."""
        while self._inflight:
            future = self._inflight.popleft()
            with contextlib.suppress(Exception):
                self._collect(future.result())
        with contextlib.suppress(Exception):
            self.write_index()
        self._pool.shutdown(cancel_futures=True)


class TreeWriter:
    """Cuts the manifest stream into content-defined tree blobs as records arrive."""

    def __init__(self, blobs: BlobWriter, seed: int) -> None:
        self._blobs = blobs
        self._chunker = Chunker(TREE_CHUNKS, seed)
        self._buffer = bytearray()
        self.ids: list[bytes] = []

    def add(self, entry: Entry) -> None:
        self._buffer += entry.encode()
        if len(self._buffer) >= 4 * TREE_CHUNKS.max_size:
            self._cut(final=False)

    def _cut(self, *, final: bool) -> None:
        data = bytes(self._buffer)
        pieces = list(self._chunker.buffer(data))
        # The last piece may end only because the buffer does; keep it for the next cut.
        keep = b"" if final or not pieces else bytes(pieces.pop())
        for piece in pieces:
            self.ids.append(self._blobs.add(BlobType.TREE, piece))
        self._buffer = bytearray(keep)

    def finish(self) -> list[bytes]:
        self._cut(final=True)
        return self.ids


def _store_entries(
    repo: Repository, stream: IO[bytes] | Iterable[bytes], blobs: BlobWriter, tree: TreeWriter
) -> Totals:
    chunker = Chunker(repo.config.chunker, repo.keys.chunker_seed)
    files = dirs = others = size = 0
    for entry, reader in read_entries(stream):
        if entry.type is EntryType.FILE and reader is not None:
            hasher = repo.keys.hasher()
            stored = 0
            for view in chunker.stream(reader):
                hasher.update(view)
                entry.chunks.append(blobs.add(BlobType.DATA, view))
                stored += len(view)
            if stored != entry.size:
                raise RepositoryError(
                    f"tar member {entry.display_path()!r} declared {entry.size} bytes "
                    f"but held {stored}"
                )
            entry.hash = hasher.digest()
            size += stored
        if entry.type in (EntryType.FILE, EntryType.HARDLINK):
            files += 1
        elif entry.type is EntryType.DIR:
            dirs += 1
        else:
            others += 1
        tree.add(entry)
    return Totals(file_count=files, dir_count=dirs, other_count=others, size=size)


def _verify_reused_packs(repo: Repository, blobs: BlobWriter) -> None:
    """Only if our heartbeat ever lagged: make sure no prune removed packs we deduplicated to."""
    present = {info.key.rsplit("/", 1)[-1] for info in repo.store.list(PACK_PREFIX)}
    missing = blobs.reused_packs - present
    if missing:
        raise CorruptionError(
            f"{len(missing)} pack(s) this backup reused were removed by a concurrent prune "
            "while this backup was stalled; no snapshot was written",
            hint="run the backup again",
        )


def run_backup(
    repo: Repository,
    stream: IO[bytes] | Iterable[bytes],
    *,
    tags: tuple[str, ...],
    hostname: str,
    paths: Iterable[str],
    extra: dict[str, str] | None,
) -> BackupSummary:
    started = dt.datetime.now(dt.UTC)
    session: Session = repo.session("backup").start()
    try:
        condemned = session.condemned
        index = repo.load_index(condemned)
        blobs = BlobWriter(repo, index, condemned)
        tree = TreeWriter(blobs, repo.keys.chunker_seed)
        try:
            totals = _store_entries(repo, stream, blobs, tree)
            tree_ids = tree.finish()
            blobs.finish()
        except (Exception, KeyboardInterrupt) as exc:
            blobs.abort()
            if isinstance(exc, KancliError | KeyboardInterrupt):
                raise
            raise RepositoryError(f"backup failed, no snapshot was written: {exc}") from exc
        if session.may_have_gone_stale():
            _verify_reused_packs(repo, blobs)
        totals = dataclasses.replace(
            totals,
            data_blobs=blobs.blobs_seen,
            new_data_blobs=blobs.blobs_new,
            physical_added=blobs.bytes_written,
        )
        snapshot = Snapshot(
            id=secrets.token_hex(32),
            time=started,
            tags=tags,
            hostname=hostname,
            paths=tuple(paths),
            tree=tuple(tree_ids),
            totals=totals,
            extra=dict(extra or {}),
        )
        repo.write_snapshot(snapshot)
        return BackupSummary(snapshot)
    finally:
        session.close()

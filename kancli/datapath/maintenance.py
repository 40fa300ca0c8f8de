"""Repository upkeep: stats, check, and prune (reclaiming space nothing references).

Prune never holds a lock. It marks what the snapshots reference, rewrites packs that are mostly
garbage, names the packs to delete in a tombstone, and deletes them only once every running
backup or restore has seen that tombstone (sessions.py). A backup that started before the
tombstone may still reference a condemned pack; such packs are re-checked against the snapshots
present at deletion time and kept if needed. docs/repository-format.md §8 has the argument.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import blake3

from kancli.datapath.backup import PACK_PREFIX, BlobWriter
from kancli.datapath.errors import ConcurrentPruneError, RepositoryError
from kancli.datapath.index import Index, PackInfo, encode_index
from kancli.datapath.manifest import EntryType
from kancli.datapath.packs import pack_key, read_pack_header
from kancli.datapath.repository import Repository
from kancli.datapath.sessions import (
    Session,
    SessionInfo,
    live_sessions,
    load_tombstones,
    write_tombstone,
)
from kancli.datapath.snapshot import Snapshot
from kancli.errors import KancliError

_INDEX_PACKS_PER_FILE = 20_000


# -- references --------------------------------------------------------------------------------


def referenced_blobs(repo: Repository, index: Index, snapshots: Iterable[Snapshot]) -> set[bytes]:
    """Every blob (tree and data) the snapshots need."""
    live: set[bytes] = set()
    seen_trees: set[tuple[bytes, ...]] = set()
    for snap in snapshots:
        if snap.tree in seen_trees:
            continue
        seen_trees.add(snap.tree)
        live.update(snap.tree)
        for entry in repo.iter_entries(index, snap):
            live.update(entry.chunks)
    return live


# -- stats -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotStats:
    """``restic stats`` figures: restore-size counts entries and file bytes; raw-data counts
    distinct blobs and their uncompressed bytes (``stored_size`` is what they occupy)."""

    mode: str
    file_count: int
    blob_count: int
    size: int
    stored_size: int = 0


def snapshot_stats(repo: Repository, snapshot: Snapshot, mode: str) -> SnapshotStats:
    if mode not in ("restore-size", "raw-data"):
        raise RepositoryError(f"unknown stats mode {mode!r}: use restore-size or raw-data")
    index = repo.load_index()
    if mode == "restore-size":
        count = size = 0
        for entry in repo.iter_entries(index, snapshot):
            count += 1
            size += entry.size if entry.type is EntryType.FILE else 0
        return SnapshotStats(mode, file_count=count, blob_count=0, size=size)
    blobs = referenced_blobs(repo, index, [snapshot])
    raw = stored = 0
    for blob_id in blobs:
        loc = index.locate(blob_id)
        raw += loc.raw_length
        stored += loc.length
    return SnapshotStats(mode, file_count=0, blob_count=len(blobs), size=raw, stored_size=stored)


# -- check -------------------------------------------------------------------------------------


@dataclass
class CheckReport:
    snapshots: int = 0
    packs: int = 0
    blobs_checked: int = 0
    errors: list[str] = field(default_factory=list)
    orphan_packs: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def run_check(repo: Repository, *, read_data: bool = False) -> CheckReport:
    report = CheckReport()
    index = repo.load_index()
    present = {i.key.rsplit("/", 1)[-1]: i.size for i in repo.store.list(PACK_PREFIX)}
    report.packs = len(index.packs)
    report.orphan_packs = len(set(present) - set(index.packs))
    for pack in index.packs.values():
        if pack.id not in present:
            report.errors.append(f"pack {pack.id} is in the index but missing from the store")
        elif present[pack.id] != pack.size:
            report.errors.append(
                f"pack {pack.id} has {present[pack.id]} bytes, the index says {pack.size}"
            )
    snapshots = repo.snapshots()
    report.snapshots = len(snapshots)
    for snap in snapshots:
        try:  # reading the tree authenticates every tree blob
            for entry in repo.iter_entries(index, snap):
                for blob_id in entry.chunks:
                    loc = index.blobs.get(blob_id)
                    if loc is None or loc.pack not in present:
                        report.errors.append(
                            f"snapshot {snap.short_id}: {entry.display_path()!r} needs blob "
                            f"{blob_id.hex()[:16]}, which is missing"
                        )
        except KancliError as exc:
            report.errors.append(f"snapshot {snap.short_id}: {exc}")
    if read_data:
        for pack in index.packs.values():
            if pack.id in present:
                report.blobs_checked += _check_pack_data(repo, pack, report.errors)
    return report


def _check_pack_data(repo: Repository, pack: PackInfo, errors: list[str]) -> int:
    body = repo.store.read(pack_key(pack.id))
    if blake3.blake3(body).hexdigest() != pack.id:
        errors.append(f"pack {pack.id} does not match its hash")
    try:
        header = read_pack_header(repo.codec, body, len(body), pack.id)
    except KancliError as exc:
        errors.append(str(exc))
        return 0
    if sorted(b.id for b in header) != sorted(b.id for b in pack.blobs):
        errors.append(f"pack {pack.id}: its header and the index list different blobs")
    checked = 0
    for blob in header:
        try:
            sealed = memoryview(body)[blob.offset : blob.offset + blob.length]
            repo.codec.decode_blob(blob.id, sealed, blob.raw_length)
            checked += 1
        except KancliError as exc:
            errors.append(f"pack {pack.id}: {exc}")
    return checked


# -- prune -------------------------------------------------------------------------------------


@dataclass
class PruneReport:
    snapshots: int = 0
    packs_deleted: int = 0
    bytes_deleted: int = 0
    packs_repacked: int = 0
    bytes_written: int = 0
    packs_deferred: int = 0
    blocked_by: list[str] = field(default_factory=list)

    @property
    def bytes_freed(self) -> int:
        """Net space reclaimed: deleted bytes minus bytes rewritten by repacking."""
        return max(0, self.bytes_deleted - self.bytes_written)


def run_prune(repo: Repository) -> PruneReport:
    session = repo.session("prune").start()
    try:
        others = live_sessions(repo.store, repo.codec, session, repo.options.stale_after)
        rivals = [s for s in others if s.kind == "prune"]
        if rivals:
            raise ConcurrentPruneError(
                f"another prune is running on {repo.store.description} "
                f"(host {rivals[0].host}, started {rivals[0].started})",
                hint=f"wait for it; a crashed prune is ignored after "
                f"{repo.options.stale_after:.0f} s",
            )
        report = PruneReport()
        _condemn(repo, session, report)
        _sweep(repo, session, report)
        return report
    finally:
        session.close()


def _server_now(repo: Repository, session: Session) -> dt.datetime:
    session.beat()
    info = repo.store.head(session.key)
    return info.last_modified if info else dt.datetime.now(dt.UTC)


def _condemn(repo: Repository, session: Session, report: PruneReport) -> None:
    """Mark, repack, and write a tombstone for packs nothing needs."""
    opts = repo.options
    already = session.condemned
    index = repo.load_index(already)
    snapshots = repo.snapshots()
    report.snapshots = len(snapshots)
    live = referenced_blobs(repo, index, snapshots)
    listing = {i.key.rsplit("/", 1)[-1]: i for i in repo.store.list(PACK_PREFIX)}
    now = _server_now(repo, session)
    doomed: set[str] = set()
    repack: list[PackInfo] = []
    for pack in index.packs.values():
        if pack.id in already or pack.id not in listing:
            continue
        kept = [b for b in pack.blobs if b.id in live and index.blobs[b.id].pack == pack.id]
        unused = sum(b.length for b in pack.blobs) - sum(b.length for b in kept)
        if not kept:
            doomed.add(pack.id)
        elif unused / pack.size > opts.repack_unused_fraction:
            repack.append(pack)
    for pack_id, info in listing.items():
        age = (now - info.last_modified).total_seconds()
        if pack_id not in index.packs and pack_id not in already and age >= opts.orphan_grace:
            doomed.add(pack_id)
    if repack:
        report.bytes_written += _repack(repo, index, repack, live)
        report.packs_repacked = len(repack)
        doomed.update(p.id for p in repack)
    if doomed:
        write_tombstone(repo.store, repo.codec, doomed)


def _repack(repo: Repository, index: Index, packs: list[PackInfo], live: set[bytes]) -> int:
    """Copy the live blobs of mostly-garbage packs into new packs (with a new index file)."""
    writer = BlobWriter(repo, Index(), frozenset())
    try:
        for pack in packs:
            body = repo.store.read(pack_key(pack.id))
            for blob in pack.blobs:
                if blob.id in live and index.blobs[blob.id].pack == pack.id:
                    sealed = memoryview(body)[blob.offset : blob.offset + blob.length]
                    data = repo.codec.decode_blob(blob.id, sealed, blob.raw_length)
                    writer.add(blob.type, data)
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    return writer.bytes_written


def _blocks(session: SessionInfo, tombstone_id: str) -> bool:
    return session.seen is None or tombstone_id not in session.seen


def _sweep(repo: Repository, session: Session, report: PruneReport) -> None:
    """Delete the packs of every tombstone that all live sessions have seen."""
    tombstones = load_tombstones(repo.store, repo.codec)
    if not tombstones:
        return
    others = live_sessions(repo.store, repo.codec, session, repo.options.stale_after)
    ready = {t for t in tombstones if not any(_blocks(s, t) for s in others)}
    waiting = set(tombstones) - ready
    for other in others:
        if any(_blocks(other, t) for t in waiting):
            report.blocked_by.append(f"{other.kind} on {other.host} since {other.started}")
    report.packs_deferred = len(set().union(*(tombstones[t].packs for t in waiting)))
    if not ready:
        return
    candidates: set[str] = set().union(*(tombstones[t].packs for t in ready))
    # Re-mark against the snapshots that exist now (a backup may have finished meanwhile) and
    # the index as it is now (repacked copies, packs of finished backups).
    index = repo.load_index()
    live = referenced_blobs(repo, index, repo.snapshots())
    elsewhere = {b.id for p in index.packs.values() if p.id not in candidates for b in p.blobs}
    keep = {
        p
        for p in candidates
        if p in index.packs
        and any(b.id in live and b.id not in elsewhere for b in index.packs[p].blobs)
    }
    delete = candidates - keep
    sizes = {i.key.rsplit("/", 1)[-1]: i.size for i in repo.store.list(PACK_PREFIX)}
    _rewrite_index(repo, index, delete, report)
    repo.store.delete_many(pack_key(p) for p in delete if p in sizes)
    report.packs_deleted = sum(1 for p in delete if p in sizes)
    report.bytes_deleted += sum(sizes.get(p, 0) for p in delete)
    with contextlib.suppress(KancliError):
        repo.store.delete_many(f"deletions/{t}" for t in ready)


def _rewrite_index(repo: Repository, index: Index, delete: set[str], report: PruneReport) -> None:
    """Replace the index files read by one set without the deleted packs (new files first)."""
    if not any(p in index.packs for p in delete):
        return
    survivors = [p for pid, p in index.packs.items() if pid not in delete]
    written = 0
    for start in range(0, len(survivors), _INDEX_PACKS_PER_FILE):
        key, body = encode_index(repo.codec, survivors[start : start + _INDEX_PACKS_PER_FILE])
        repo.store.put(key, body)
        written += len(body)
    # New index files have fresh names (their bytes include a random nonce), so deleting the
    # files this index was loaded from can never remove one of them.
    old = list(index.files)
    sizes = {i.key: i.size for i in repo.store.list("index/")}
    removed = [k for k in old if k in sizes]
    report.bytes_written += written
    report.bytes_deleted += sum(sizes[k] for k in removed)
    repo.store.delete_many(removed)


__all__ = [
    "CheckReport",
    "PruneReport",
    "SnapshotStats",
    "referenced_blobs",
    "run_check",
    "run_prune",
    "snapshot_stats",
]

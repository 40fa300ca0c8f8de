"""A deduplicating, encrypted backup repository in any object store: open, create, list, forget.

This is the Python API the data-path Kanister Functions (BackupData, RestoreData, DeleteData,
BackupDataStats, CheckRepository, ...) build on: :class:`Repository` wraps one repository at one
store prefix. Backup, restore and maintenance live in their own modules and are exposed here as
methods. The on-store format is specified in docs/repository-format.md.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from kancli.datapath.chunker import ChunkerParams
from kancli.datapath.crypto import KdfParams, MasterKeys
from kancli.datapath.errors import (
    CorruptionError,
    RepositoryError,
    RepositoryNotFoundError,
    SnapshotNotFoundError,
)
from kancli.datapath.index import Index, load_index
from kancli.datapath.manifest import Entry, parse_records
from kancli.datapath.packs import Codec, pack_key
from kancli.datapath.sessions import Session
from kancli.datapath.snapshot import SNAPSHOT_AAD, SNAPSHOT_PREFIX, BackupSummary, Snapshot
from kancli.objectstore import ObjectNotFoundError, Store

if TYPE_CHECKING:
    from kancli.datapath.maintenance import CheckReport, PruneReport, SnapshotStats

CONFIG_KEY = "config"
FORMAT_NAME = "kancli-repository"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class RepositoryOptions:
    """How this process reads and writes; none of it is part of the stored format."""

    pack_size: int = 8 << 20
    compression_level: int = 3
    upload_concurrency: int = 3
    index_every_packs: int = 64
    heartbeat: float = 60.0
    stale_after: float = 600.0
    orphan_grace: float = 3600.0
    repack_unused_fraction: float = 0.10
    restore_window: int = 32 << 20
    restore_request_max: int = 8 << 20
    restore_concurrency: int = 4


@dataclass(frozen=True)
class RepositoryConfig:
    id: str
    created: str
    kdf: KdfParams
    wrapped_keys: str
    chunker: ChunkerParams

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "id": self.id,
            "created": self.created,
            "kdf": self.kdf.to_json(),
            "masterKey": self.wrapped_keys,
            "chunker": self.chunker.to_json(),
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any], where: str) -> RepositoryConfig:
        if obj.get("format") != FORMAT_NAME:
            raise RepositoryError(f"{where} holds something that is not a kancli repository")
        if obj.get("version") != FORMAT_VERSION:
            raise RepositoryError(
                f"repository at {where} has format version {obj.get('version')}; "
                f"this kancli reads version {FORMAT_VERSION}",
                hint="upgrade kancli",
            )
        return cls(
            id=str(obj["id"]),
            created=str(obj["created"]),
            kdf=KdfParams.from_json(obj["kdf"]),
            wrapped_keys=str(obj["masterKey"]),
            chunker=ChunkerParams.from_json(obj["chunker"]),
        )


class Repository:
    """One repository; safe to use from several processes at once (no locks, see sessions.py)."""

    def __init__(
        self, store: Store, config: RepositoryConfig, keys: MasterKeys, options: RepositoryOptions
    ) -> None:
        self.store = store
        self.config = config
        self.keys = keys
        self.options = options
        self.codec = Codec(keys, options.compression_level)

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls, store: Store, password: str, options: RepositoryOptions | None = None
    ) -> Repository:
        """Open an existing repository; wrong password and missing repository are distinct."""
        try:
            raw = store.read(CONFIG_KEY)
        except ObjectNotFoundError as exc:
            raise RepositoryNotFoundError(
                f"no repository at {store.description}: "
                "Is there a repository at the following location?",
                hint="run a backup first, which creates the repository",
            ) from exc
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            raise CorruptionError(f"repository config at {store.description} is not JSON") from exc
        config = RepositoryConfig.from_json(obj, store.description)
        keys = MasterKeys.unwrap(config.wrapped_keys, password, config.kdf, config.id)
        return cls(store, config, keys, options or RepositoryOptions())

    @classmethod
    def init(
        cls,
        store: Store,
        password: str,
        options: RepositoryOptions | None = None,
        *,
        chunker: ChunkerParams | None = None,
        kdf_n: int = 1 << 15,
    ) -> Repository:
        """Get or create: open the repository if there is one, else create it atomically."""
        if store.exists(CONFIG_KEY):
            return cls.open(store, password, options)
        keys = MasterKeys.generate()
        kdf = KdfParams.fresh(kdf_n)
        repo_id = secrets.token_hex(16)
        config = RepositoryConfig(
            id=repo_id,
            created=dt.datetime.now(dt.UTC).isoformat(),
            kdf=kdf,
            wrapped_keys=keys.wrap(password, kdf, repo_id),
            chunker=chunker or ChunkerParams(),
        )
        body = json.dumps(config.to_json(), indent=2).encode()
        if not store.put_if_absent(CONFIG_KEY, body):
            return cls.open(store, password, options)  # another process won the race
        return cls(store, config, keys, options or RepositoryOptions())

    # -- sessions and index --------------------------------------------------------------------

    def session(self, kind: str) -> Session:
        return Session(
            self.store, self.codec, kind, self.options.heartbeat, self.options.stale_after
        )

    def load_index(self, condemned: frozenset[str] = frozenset()) -> Index:
        return load_index(self.store, self.codec, condemned)

    def read_blob(self, index: Index, blob_id: bytes) -> bytes:
        loc = index.locate(blob_id)
        try:
            sealed = self.store.read(pack_key(loc.pack), offset=loc.offset, length=loc.length)
        except ObjectNotFoundError as exc:
            raise CorruptionError(
                f"pack {loc.pack} holding blob {blob_id.hex()[:16]} is missing"
            ) from exc
        return self.codec.decode_blob(blob_id, sealed, loc.raw_length)

    def iter_entries(self, index: Index, snapshot: Snapshot) -> Iterator[Entry]:
        """The snapshot's manifest records, reading one tree blob at a time."""
        return parse_records(self.read_blob(index, t) for t in snapshot.tree)

    # -- snapshots -----------------------------------------------------------------------------

    def _snapshot_ids(self) -> list[str]:
        return [i.key.removeprefix(SNAPSHOT_PREFIX) for i in self.store.list(SNAPSHOT_PREFIX)]

    def _read_snapshot(self, sid: str) -> Snapshot | None:
        try:
            body = self.store.read(SNAPSHOT_PREFIX + sid)
        except ObjectNotFoundError:
            return None  # forgotten meanwhile
        return Snapshot.from_json(self.codec.decode_doc(body, SNAPSHOT_AAD, f"snapshot {sid}"))

    def write_snapshot(self, snapshot: Snapshot) -> int:
        body = self.codec.encode_doc(snapshot.to_json(), SNAPSHOT_AAD)
        if not self.store.put_if_absent(SNAPSHOT_PREFIX + snapshot.id, body):
            raise RepositoryError(f"snapshot {snapshot.id} already exists")
        return len(body)

    def snapshots(self, *, tag: str | None = None) -> list[Snapshot]:
        """Complete snapshots, oldest first, optionally only those carrying ``tag``."""
        ids = self._snapshot_ids()
        with ThreadPoolExecutor(max_workers=8, thread_name_prefix="kancli-snap") as pool:
            found = [s for s in pool.map(self._read_snapshot, ids) if s is not None]
        if tag is not None:
            found = [s for s in found if tag in s.tags]
        return sorted(found, key=lambda s: (s.time, s.id))

    def find_snapshot(self, ref: str = "latest", *, tag: str | None = None) -> Snapshot:
        """By full ID, unique ID prefix, or ``latest`` (optionally the latest with ``tag``)."""
        if ref == "latest":
            candidates = self.snapshots(tag=tag)
            if not candidates:
                what = f"with tag {tag!r} " if tag else ""
                raise SnapshotNotFoundError(f"no snapshot {what}in {self.store.description}")
            return candidates[-1]
        matches = [sid for sid in self._snapshot_ids() if sid.startswith(ref)]
        if len(matches) > 1:
            raise SnapshotNotFoundError(f"snapshot ID prefix {ref!r} is ambiguous")
        found = self._read_snapshot(matches[0]) if matches and ref else None
        if found is None or (tag is not None and tag not in found.tags):
            raise SnapshotNotFoundError(f"no snapshot {ref!r} in {self.store.description}")
        return found

    def forget(self, refs: Iterable[str]) -> list[str]:
        """Remove snapshots (by ID or unique prefix); their data stays until :meth:`prune`."""
        ids = [self.find_snapshot(ref).id for ref in refs]
        self.store.delete_many(SNAPSHOT_PREFIX + sid for sid in ids)
        return ids

    # -- operations implemented in their own modules -------------------------------------------

    def backup(
        self,
        stream: IO[bytes] | Iterable[bytes],
        *,
        tag: str | None = None,
        hostname: str = "",
        paths: Iterable[str] = (),
        extra: dict[str, str] | None = None,
    ) -> BackupSummary:
        """Store a tar stream as a new snapshot; see kancli.datapath.backup."""
        from kancli.datapath.backup import run_backup

        return run_backup(
            self, stream, tags=(tag,) if tag else (), hostname=hostname, paths=paths, extra=extra
        )

    def restore(
        self, ref: str = "latest", *, tag: str | None = None, subpath: str = ""
    ) -> Iterator[bytes]:
        """A tar stream of a snapshot (or of one directory in it); see kancli.datapath.restore."""
        from kancli.datapath.restore import run_restore

        return run_restore(self, self.find_snapshot(ref, tag=tag), subpath)

    def stats(self, ref: str, mode: str = "restore-size") -> SnapshotStats:
        from kancli.datapath.maintenance import snapshot_stats

        return snapshot_stats(self, self.find_snapshot(ref), mode)

    def prune(self) -> PruneReport:
        from kancli.datapath.maintenance import run_prune

        return run_prune(self)

    def check(self, *, read_data: bool = False) -> CheckReport:
        from kancli.datapath.maintenance import run_check

        return run_check(self, read_data=read_data)

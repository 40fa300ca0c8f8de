"""Snapshot records and the figures Blueprints see (backupID, fileCount, size, phySize, ...).

A snapshot object is the last thing a backup writes: it names the tree blobs that hold the
manifest, so it exists only once everything it references is stored. Its ID is random and its
object is write-once. The output helpers format numbers the way restic prints them, because
Kanister's BackupData outputs were parsed from restic's output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

SNAPSHOT_AAD = b"kancli snapshot v1"
SNAPSHOT_PREFIX = "snapshots/"
SHORT_ID = 8


def format_bytes(count: int) -> str:
    """restic's ``ui.FormatBytes``: ``512 B``, ``1.500 KiB``, ``2.000 GiB``."""
    for shift, unit in ((40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")):
        if count >= 1 << shift:
            return f"{count / (1 << shift):.3f} {unit}"
    return f"{count} B"


@dataclass(frozen=True)
class Totals:
    """What one backup processed and added."""

    file_count: int = 0  # regular files (hard links included)
    dir_count: int = 0
    other_count: int = 0  # symlinks, devices, fifos
    size: int = 0  # bytes of regular file content processed
    data_blobs: int = 0
    new_data_blobs: int = 0
    physical_added: int = 0  # bytes this backup wrote to the store (packs, index, snapshot)

    def to_json(self) -> dict[str, int]:
        return {
            "fileCount": self.file_count,
            "dirCount": self.dir_count,
            "otherCount": self.other_count,
            "size": self.size,
            "dataBlobs": self.data_blobs,
            "newDataBlobs": self.new_data_blobs,
            "physicalAdded": self.physical_added,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Totals:
        return cls(
            file_count=int(obj.get("fileCount", 0)),
            dir_count=int(obj.get("dirCount", 0)),
            other_count=int(obj.get("otherCount", 0)),
            size=int(obj.get("size", 0)),
            data_blobs=int(obj.get("dataBlobs", 0)),
            new_data_blobs=int(obj.get("newDataBlobs", 0)),
            physical_added=int(obj.get("physicalAdded", 0)),
        )


@dataclass(frozen=True)
class Snapshot:
    id: str
    time: dt.datetime
    tags: tuple[str, ...]
    hostname: str
    paths: tuple[str, ...]
    tree: tuple[bytes, ...]
    totals: Totals
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def short_id(self) -> str:
        return self.id[:SHORT_ID]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time.isoformat(),
            "tags": list(self.tags),
            "hostname": self.hostname,
            "paths": list(self.paths),
            "tree": [t.hex() for t in self.tree],
            "totals": self.totals.to_json(),
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Snapshot:
        return cls(
            id=str(obj["id"]),
            time=dt.datetime.fromisoformat(obj["time"]),
            tags=tuple(obj.get("tags", [])),
            hostname=str(obj.get("hostname", "")),
            paths=tuple(obj.get("paths", [])),
            tree=tuple(bytes.fromhex(t) for t in obj["tree"]),
            totals=Totals.from_json(obj.get("totals", {})),
            extra={str(k): str(v) for k, v in obj.get("extra", {}).items()},
        )


@dataclass(frozen=True)
class BackupSummary:
    """The result of a backup, with Kanister's output names available via :meth:`outputs`."""

    snapshot: Snapshot

    @property
    def backup_id(self) -> str:
        return self.snapshot.short_id

    @property
    def backup_tag(self) -> str:
        return self.snapshot.tags[0] if self.snapshot.tags else ""

    def outputs(self) -> dict[str, str]:
        """``backupID``, ``backupTag``, ``fileCount``, ``size``, ``phySize`` as BackupData gives."""
        totals = self.snapshot.totals
        return {
            "backupID": self.backup_id,
            "backupTag": self.backup_tag,
            "fileCount": str(totals.file_count),
            "size": format_bytes(totals.size),
            "phySize": format_bytes(totals.physical_added),
        }

"""Pod filesystem <-> backup repository: kancli's native, restic-like data mover.

A tar stream of a pod's paths goes in; chunks are deduplicated, compressed, encrypted and stored
in any :mod:`kancli.objectstore` store; restore streams a tar back. The format is specified in
docs/repository-format.md. Entry point: :class:`Repository`.
"""

from kancli.datapath.chunker import ChunkerParams
from kancli.datapath.errors import (
    ConcurrentPruneError,
    CorruptionError,
    RepositoryError,
    RepositoryNotFoundError,
    SnapshotNotFoundError,
    WrongPasswordError,
)
from kancli.datapath.repository import Repository, RepositoryOptions
from kancli.datapath.snapshot import BackupSummary, Snapshot, Totals, format_bytes

DEFAULT_ENCRYPTION_KEY = "9f735e0df9a1ddc702bf0a1a7b83033f9f7153a00c29de82cedadc9957289b05"
"""Kanister's default restic password, sha256("testpassword") in hex (kanister-behaviour §5.0)."""

__all__ = [
    "DEFAULT_ENCRYPTION_KEY",
    "BackupSummary",
    "ChunkerParams",
    "ConcurrentPruneError",
    "CorruptionError",
    "Repository",
    "RepositoryError",
    "RepositoryNotFoundError",
    "RepositoryOptions",
    "Snapshot",
    "SnapshotNotFoundError",
    "Totals",
    "WrongPasswordError",
    "format_bytes",
]

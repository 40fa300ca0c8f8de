"""Errors of the backup repository, as kancli error classes that callers can tell apart.

They derive from :class:`kancli.errors.ObjectStoreError` (exit code 6): a repository is a
location plus a credential (its password), and its failures are location or credential failures.
The future CheckRepository function tells "wrong password" from "no repository" by class.
"""

from __future__ import annotations

from kancli.errors import ObjectStoreError


class RepositoryError(ObjectStoreError):
    """Something is wrong with a backup repository."""


class RepositoryNotFoundError(RepositoryError):
    """No repository (no ``config`` object) at the location."""


class WrongPasswordError(RepositoryError):
    """The encryption key does not open the repository's master key."""


class SnapshotNotFoundError(RepositoryError):
    """No snapshot matches the given ID, prefix or tag."""


class CorruptionError(RepositoryError):
    """Data failed authentication or a checksum, or an object the metadata promises is missing."""


class ConcurrentPruneError(RepositoryError):
    """Another prune is running on the same repository."""

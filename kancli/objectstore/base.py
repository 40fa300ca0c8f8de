"""The one interface every object store in kancli implements, and its error classes.

The backup repository (``kancli.datapath``) and the LocationDelete function only ever talk to a
:class:`Store`: a flat namespace of immutable-looking objects addressed by ``/``-separated keys
relative to the store's root (a bucket plus prefix, or a directory). Two backends exist, S3 and
the local filesystem; tests and callers treat them the same. Errors are always
:class:`kancli.errors.ObjectStoreError` subclasses naming the store, key and cause.
"""

from __future__ import annotations

import abc
import datetime as dt
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kancli.errors import ObjectStoreError

Buffer = bytes | bytearray | memoryview


class ObjectNotFoundError(ObjectStoreError):
    """The object (or, for a GET, the key) does not exist."""


class BucketNotFoundError(ObjectStoreError):
    """The bucket (or the local store's root directory) does not exist."""


class CredentialsRejectedError(ObjectStoreError):
    """The endpoint refused the credential (unknown key, bad signature, access denied)."""


class StoreUnreachableError(ObjectStoreError):
    """No usable answer from the endpoint (connection refused, DNS, TLS, timeouts)."""


@dataclass(frozen=True)
class ObjectInfo:
    """What a listing or a HEAD says about one object."""

    key: str
    size: int
    last_modified: dt.datetime  # timezone-aware, from the store's own clock
    etag: str | None = None


def join_key(*parts: str) -> str:
    """Join key fragments with single slashes, dropping empty fragments and stray slashes."""
    pieces = [p.strip("/") for p in parts]
    return "/".join(p for p in pieces if p)


def check_key(key: str) -> str:
    """Reject keys that could escape a store root or that S3 and a filesystem disagree on."""
    if not key or key.startswith("/") or key.endswith("/"):
        raise ObjectStoreError(f"invalid object key {key!r}: must be non-empty and relative")
    for part in key.split("/"):
        if part in ("", ".", ".."):
            raise ObjectStoreError(f"invalid object key {key!r}: empty, '.' or '..' segment")
    if posixpath.normpath(key) != key:
        raise ObjectStoreError(f"invalid object key {key!r}")
    return key


class Store(abc.ABC):
    """A bucket-like place to keep objects. Implementations must be safe to share across threads.

    Writes are atomic: a reader sees either no object or the whole object, never a partial one.
    """

    @property
    @abc.abstractmethod
    def description(self) -> str:
        """Where this store points, for messages (``s3://bucket/prefix at endpoint``)."""

    @abc.abstractmethod
    def scoped(self, prefix: str) -> Store:
        """A store for the same backend whose keys are relative to ``prefix`` under this root."""

    @abc.abstractmethod
    def put(self, key: str, data: Buffer) -> None:
        """Create or replace an object from bytes held in memory."""

    @abc.abstractmethod
    def put_stream(self, key: str, chunks: Iterable[Buffer]) -> int:
        """Create or replace an object from a stream of any length; returns the bytes written.

        Big streams are uploaded in parallel parts; memory stays bounded by a few part sizes.
        """

    @abc.abstractmethod
    def put_if_absent(self, key: str, data: Buffer) -> bool:
        """Create the object only if no object has that key; True if this call created it.

        Backends that cannot do this atomically fall back to check-then-put (documented).
        """

    @abc.abstractmethod
    def get(self, key: str, *, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        """Stream an object (or a byte range of it) in pieces; never loads it whole.

        The request is made before this returns, so a missing object raises here.
        """

    @abc.abstractmethod
    def head(self, key: str) -> ObjectInfo | None:
        """Size and time of an object, or None if it does not exist."""

    @abc.abstractmethod
    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with the string ``prefix`` (not only a directory)."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove an object; removing an object that does not exist is not an error."""

    def read(self, key: str, *, offset: int = 0, length: int | None = None) -> bytes:
        """Read a small object or range into memory."""
        return b"".join(self.get(key, offset=offset, length=length))

    def exists(self, key: str) -> bool:
        """True if an object with this key exists."""
        return self.head(key) is not None

    def delete_many(self, keys: Iterable[str]) -> int:
        """Remove several objects; returns how many keys were asked to be removed."""
        count = 0
        for key in keys:
            self.delete(key)
            count += 1
        return count

    def delete_prefix(self, prefix: str) -> int:
        """Remove every object whose key starts with the string ``prefix``; returns the count."""
        return self.delete_many([info.key for info in self.list(prefix)])

    def close(self) -> None:  # noqa: B027 - optional hook, most stores hold nothing
        """Release connections or thread pools, if any."""


def iter_buffer(data: Buffer, piece: int = 1 << 20) -> Iterator[bytes]:
    """Yield ``data`` in pieces, for backends that take a stream."""
    view = memoryview(data)
    for start in range(0, len(view), piece):
        yield bytes(view[start : start + piece])

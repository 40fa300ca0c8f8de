"""A directory on the local filesystem used as an object store (``file:///path``).

Lets kancli keep backups on a laptop, an NFS mount or a CI cache without any S3 server, and gives
the tests a second, independent backend. Every write goes to a hidden temporary file in the target
directory, is fsynced, then renamed (or hard-linked, for create-if-absent) into place, and the
directory is fsynced: a crash never leaves a partial object visible under its key.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from kancli.errors import ObjectStoreError
from kancli.objectstore.base import (
    BucketNotFoundError,
    Buffer,
    ObjectInfo,
    ObjectNotFoundError,
    Store,
    check_key,
    join_key,
)

TMP_PREFIX = ".kancli-tmp-"
_READ_PIECE = 1 << 20


class LocalStore(Store):
    """Objects are files under ``root``; a key's ``/`` separators are directory separators."""

    def __init__(self, root: str | os.PathLike[str], prefix: str = "") -> None:
        self._root = Path(root)
        self._prefix = join_key(prefix)

    @property
    def description(self) -> str:
        return f"file://{self._root / self._prefix if self._prefix else self._root}"

    def scoped(self, prefix: str) -> LocalStore:
        return LocalStore(self._root, join_key(self._prefix, prefix))

    # -- paths -------------------------------------------------------------------------------

    def _path(self, key: str) -> Path:
        return self._root / check_key(join_key(self._prefix, check_key(key)))

    def _check_root(self) -> None:
        if not self._root.is_dir():
            raise BucketNotFoundError(
                f"local store {self._root} does not exist or is not a directory",
                hint="create the directory first, or fix the file:// location",
            )

    def _fail(self, action: str, key: str, exc: OSError) -> ObjectStoreError:
        reason = exc.strerror or str(exc)
        return ObjectStoreError(f"cannot {action} {key!r} in {self.description}: {reason}")

    # -- writes ------------------------------------------------------------------------------

    def _write_temp(self, target: Path, chunks: Iterable[Buffer]) -> tuple[Path, int]:
        self._check_root()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f"{TMP_PREFIX}{secrets.token_hex(8)}"
        written = 0
        try:
            with open(tmp, "xb") as out:
                for chunk in chunks:
                    out.write(chunk)
                    written += len(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        return tmp, written

    @staticmethod
    def _fsync_dir(directory: Path) -> None:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def put(self, key: str, data: Buffer) -> None:
        self.put_stream(key, [data])

    def put_stream(self, key: str, chunks: Iterable[Buffer]) -> int:
        target = self._path(key)
        try:
            tmp, written = self._write_temp(target, chunks)
            os.replace(tmp, target)
            self._fsync_dir(target.parent)
        except OSError as exc:
            raise self._fail("write", key, exc) from exc
        return written

    def put_if_absent(self, key: str, data: Buffer) -> bool:
        target = self._path(key)
        try:
            tmp, _ = self._write_temp(target, [data])
            try:
                os.link(tmp, target)
            except FileExistsError:
                return False
            finally:
                tmp.unlink()
            self._fsync_dir(target.parent)
        except OSError as exc:
            raise self._fail("write", key, exc) from exc
        return True

    # -- reads -------------------------------------------------------------------------------

    def get(self, key: str, *, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        path = self._path(key)
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed by the generator below
        except FileNotFoundError as exc:
            self._check_root()
            raise ObjectNotFoundError(f"object {key!r} not found in {self.description}") from exc
        except OSError as exc:
            raise self._fail("read", key, exc) from exc
        handle.seek(offset)
        return _read_file(handle, length)

    def head(self, key: str) -> ObjectInfo | None:
        try:
            st = self._path(key).stat()
        except FileNotFoundError:
            self._check_root()
            return None
        except OSError as exc:
            raise self._fail("stat", key, exc) from exc
        return _info(key, st)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        self._check_root()
        scope = self._prefix + "/" if self._prefix else ""
        full_prefix = scope + prefix.lstrip("/")
        # Start the walk in the deepest directory the prefix names, then filter by string prefix.
        base_dir = full_prefix.rsplit("/", 1)[0] if "/" in full_prefix else ""
        start = self._root / base_dir if base_dir else self._root
        yield from self._walk(start, base_dir, full_prefix, len(scope))

    def _walk(
        self, directory: Path, rel: str, full_prefix: str, strip: int
    ) -> Iterator[ObjectInfo]:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise self._fail("list", rel or ".", exc) from exc
        for entry in entries:
            if entry.name.startswith(TMP_PREFIX):
                continue
            key = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_dir(follow_symlinks=False):
                if key.startswith(full_prefix) or full_prefix.startswith(key + "/"):
                    yield from self._walk(Path(entry.path), key, full_prefix, strip)
            elif key.startswith(full_prefix):
                yield _info(key[strip:], entry.stat(follow_symlinks=False))

    # -- deletes -----------------------------------------------------------------------------

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise self._fail("delete", key, exc) from exc
        self._prune_empty_dirs(path.parent)

    def _prune_empty_dirs(self, directory: Path) -> None:
        """Remove directories emptied by deletes, up to the store root (best effort)."""
        stop = self._root.resolve()
        current = directory
        while current.resolve() != stop and stop in current.resolve().parents:
            try:
                current.rmdir()
            except OSError as exc:
                if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT, errno.EBUSY):
                    return
                raise self._fail("delete", str(current), exc) from exc
            current = current.parent


def _read_file(handle: BinaryIO, length: int | None) -> Iterator[bytes]:
    try:
        remaining = length
        while remaining is None or remaining > 0:
            want = _READ_PIECE if remaining is None else min(_READ_PIECE, remaining)
            piece: bytes = handle.read(want)
            if not piece:
                break
            if remaining is not None:
                remaining -= len(piece)
            yield piece
    finally:
        handle.close()


def _info(key: str, st: os.stat_result) -> ObjectInfo:
    modified = dt.datetime.fromtimestamp(st.st_mtime, tz=dt.UTC)
    return ObjectInfo(key=key, size=st.st_size, last_modified=modified)

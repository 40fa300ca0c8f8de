"""Streaming tar: read a backup's tar stream into manifest entries, write one back on restore.

Reading uses :mod:`tarfile` in stream mode (``r|``), which handles ustar, GNU and PAX archives,
long names, GNU sparse files (old GNU and PAX 0.0/0.1/1.0), hard links, and non-UTF-8 names
through ``surrogateescape``; a member's data is read incrementally and never buffered whole.
Writing builds each member's header with ``TarInfo.tobuf`` (PAX format, ``hdrcharset=BINARY``
for names that are not UTF-8) and streams the content itself, so restore is a generator with
bounded memory. Sparse files are restored as regular files with the same content.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterable, Iterator
from typing import IO

from kancli.datapath.errors import RepositoryError
from kancli.datapath.manifest import Entry, EntryType

ENCODING = "utf-8"
ERRORS = "surrogateescape"
BLOCK = 512
END_OF_ARCHIVE = b"\0" * (2 * BLOCK)

# PAX keys that tarfile turns into TarInfo fields (or that describe sparse storage);
# every other PAX key (mtime/atime/ctime strings, xattrs, ...) is kept verbatim.
_DERIVED_PAX = {"path", "linkpath", "size", "uid", "gid", "uname", "gname", "hdrcharset"}

_TYPES = {
    tarfile.REGTYPE: EntryType.FILE,
    tarfile.AREGTYPE: EntryType.FILE,
    tarfile.CONTTYPE: EntryType.FILE,
    tarfile.GNUTYPE_SPARSE: EntryType.FILE,
    tarfile.DIRTYPE: EntryType.DIR,
    tarfile.SYMTYPE: EntryType.SYMLINK,
    tarfile.LNKTYPE: EntryType.HARDLINK,
    tarfile.CHRTYPE: EntryType.CHAR,
    tarfile.BLKTYPE: EntryType.BLOCK,
    tarfile.FIFOTYPE: EntryType.FIFO,
}
_TAR_TYPES = {
    EntryType.FILE: tarfile.REGTYPE,
    EntryType.DIR: tarfile.DIRTYPE,
    EntryType.SYMLINK: tarfile.SYMTYPE,
    EntryType.HARDLINK: tarfile.LNKTYPE,
    EntryType.CHAR: tarfile.CHRTYPE,
    EntryType.BLOCK: tarfile.BLKTYPE,
    EntryType.FIFO: tarfile.FIFOTYPE,
}


class IterReader(io.RawIOBase):
    """A read-only file object over an iterator of byte pieces (e.g. an exec stdout stream)."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces = iter(pieces)
        self._current = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._current:
            try:
                self._current = memoryview(next(self._pieces))
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._current))
        buffer[:n] = self._current[:n]
        self._current = self._current[n:]
        return n


def as_reader(source: IO[bytes] | Iterable[bytes]) -> IO[bytes]:
    if hasattr(source, "read"):
        return source  # type: ignore[return-value]
    return io.BufferedReader(IterReader(source), buffer_size=1 << 20)


def read_entries(source: IO[bytes] | Iterable[bytes]) -> Iterator[tuple[Entry, IO[bytes] | None]]:
    """Each member as an Entry (no chunks yet) plus, for regular files, a reader of its data.

    The reader must be consumed before asking for the next member.
    """
    try:
        archive = tarfile.open(  # noqa: SIM115 - closed by the with below
            fileobj=as_reader(source), mode="r|", encoding=ENCODING, errors=ERRORS
        )
    except tarfile.ReadError as exc:
        raise RepositoryError(f"the backup stream is not a tar archive: {exc}") from exc
    with archive:
        try:
            for member in archive:
                entry = entry_from_member(member)
                reader = archive.extractfile(member) if entry.type is EntryType.FILE else None
                yield entry, reader
        except tarfile.TarError as exc:
            raise RepositoryError(f"the backup stream is not a valid tar archive: {exc}") from exc


def entry_from_member(member: tarfile.TarInfo) -> Entry:
    kind = _TYPES.get(member.type)
    if kind is None:
        raise RepositoryError(f"tar member {member.name!r} has unsupported type {member.type!r}")
    pax = {
        k: v
        for k, v in member.pax_headers.items()
        if k not in _DERIVED_PAX and not k.startswith("GNU.sparse.")
    }
    return Entry(
        path=member.name.encode(ENCODING, ERRORS),
        type=kind,
        mode=member.mode,
        uid=member.uid,
        gid=member.gid,
        uname=member.uname,
        gname=member.gname,
        mtime=member.mtime,
        size=member.size if kind is EntryType.FILE else 0,
        link=member.linkname.encode(ENCODING, ERRORS),
        dev_major=member.devmajor,
        dev_minor=member.devminor,
        pax=pax,
        sparse=member.issparse(),
    )


def member_header(entry: Entry, *, path: bytes | None = None, link: bytes | None = None) -> bytes:
    """The tar header block(s) for an entry, optionally under another path or link target."""
    info = tarfile.TarInfo((path if path is not None else entry.path).decode(ENCODING, ERRORS))
    info.type = _TAR_TYPES[entry.type]
    info.mode = entry.mode
    info.uid, info.gid = entry.uid, entry.gid
    info.uname, info.gname = entry.uname, entry.gname
    # An exact PAX mtime string, when the source had one, is kept through info.pax_headers.
    info.mtime = int(entry.mtime) if "mtime" in entry.pax else entry.mtime
    info.size = entry.size if entry.type is EntryType.FILE else 0
    info.linkname = (link if link is not None else entry.link).decode(ENCODING, ERRORS)
    info.devmajor, info.devminor = entry.dev_major, entry.dev_minor
    info.pax_headers = dict(entry.pax)
    return info.tobuf(tarfile.PAX_FORMAT, ENCODING, ERRORS)


def padding(size: int) -> bytes:
    """Zero bytes that complete a member's data to a whole 512-byte block."""
    return b"\0" * (-size % BLOCK)

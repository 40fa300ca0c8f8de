"""Build tar streams for the repository tests, and describe archives for comparison.

Streams are generated member by member (headers from ``TarInfo.tobuf``, content from
generators), so multi-GiB archives never sit in memory.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

Content = Callable[[], Iterable[bytes]]


@dataclass
class Member:
    name: bytes
    type: bytes = tarfile.REGTYPE
    data: bytes | None = None
    stream: Content | None = None  # for big content: a factory of pieces
    size: int | None = None
    mode: int = 0o644
    uid: int = 1000
    gid: int = 1000
    uname: str = "app"
    gname: str = "app"
    mtime: float = 1_700_000_000
    linkname: bytes = b""
    devmajor: int = 0
    devminor: int = 0
    pax: dict[str, str] = field(default_factory=dict)

    def pieces(self) -> Iterable[bytes]:
        if self.stream is not None:
            return self.stream()
        return [self.data or b""]

    def length(self) -> int:
        if self.size is not None:
            return self.size
        return len(self.data or b"")


def tar_stream(members: Iterable[Member], fmt: int = tarfile.PAX_FORMAT) -> Iterator[bytes]:
    for m in members:
        info = tarfile.TarInfo(m.name.decode("utf-8", "surrogateescape"))
        info.type = m.type
        info.mode, info.uid, info.gid = m.mode, m.uid, m.gid
        info.uname, info.gname, info.mtime = m.uname, m.gname, m.mtime
        info.linkname = m.linkname.decode("utf-8", "surrogateescape")
        info.devmajor, info.devminor = m.devmajor, m.devminor
        info.pax_headers = dict(m.pax)
        is_file = m.type in (tarfile.REGTYPE, tarfile.AREGTYPE)
        info.size = m.length() if is_file else 0
        yield info.tobuf(fmt, "utf-8", "surrogateescape")
        if is_file:
            sent = 0
            for piece in m.pieces():
                sent += len(piece)
                yield piece
            assert sent == info.size, (m.name, sent, info.size)
            yield b"\0" * (-sent % 512)
    yield b"\0" * 1024


def tar_bytes(members: Iterable[Member], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    return b"".join(tar_stream(members, fmt))


@dataclass(frozen=True)
class Described:
    name: bytes
    type: bytes
    mode: int
    uid: int
    gid: int
    uname: str
    gname: str
    mtime: float
    size: int
    linkname: bytes
    dev: tuple[int, int]
    sha256: str


_FILE_TYPES = (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.GNUTYPE_SPARSE, tarfile.CONTTYPE)


def describe(source: Iterable[bytes] | bytes) -> list[Described]:
    """Every member's metadata and content hash, reading the archive as a stream."""
    if isinstance(source, bytes):
        fileobj: io.RawIOBase | io.BytesIO = io.BytesIO(source)
    else:
        from kancli.datapath.tarstream import IterReader

        fileobj = IterReader(source)
    found = []
    with tarfile.open(
        fileobj=fileobj, mode="r|", encoding="utf-8", errors="surrogateescape"
    ) as archive:
        for m in archive:
            digest = hashlib.sha256()
            if m.type in _FILE_TYPES:
                reader = archive.extractfile(m)
                assert reader is not None
                while piece := reader.read(1 << 20):
                    digest.update(piece)
            found.append(
                Described(
                    name=m.name.encode("utf-8", "surrogateescape").rstrip(b"/"),
                    type=tarfile.REGTYPE if m.type in _FILE_TYPES else m.type,
                    mode=m.mode,
                    uid=m.uid,
                    gid=m.gid,
                    uname=m.uname,
                    gname=m.gname,
                    mtime=m.mtime,
                    size=m.size,
                    linkname=m.linkname.encode("utf-8", "surrogateescape"),
                    dev=(m.devmajor, m.devminor) if m.ischr() or m.isblk() else (0, 0),
                    sha256=digest.hexdigest(),
                )
            )
    return found

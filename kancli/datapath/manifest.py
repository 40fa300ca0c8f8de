"""The file tree of a snapshot: one record per tar member, in tar order.

A snapshot's manifest is a stream of newline-separated JSON records. The stream is itself cut
into content-defined "tree" blobs and stored like file data, so an unchanged part of a big tree
deduplicates against the previous snapshot and a 100,000-file manifest never sits in memory.
Paths and link targets are bytes (tar allows any bytes); they are written as text when they are
valid UTF-8 and as base64 otherwise, so the manifest stays readable and loses nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kancli.datapath.errors import CorruptionError


class EntryType(StrEnum):
    FILE = "file"
    DIR = "dir"
    SYMLINK = "symlink"
    HARDLINK = "hardlink"
    CHAR = "char"
    BLOCK = "block"
    FIFO = "fifo"


@dataclass
class Entry:
    """One tar member: metadata, and for regular files the chunk IDs and a whole-file hash."""

    path: bytes
    type: EntryType
    mode: int = 0o644
    uid: int = 0
    gid: int = 0
    uname: str = ""
    gname: str = ""
    mtime: int | float = 0
    size: int = 0
    link: bytes = b""
    dev_major: int = 0
    dev_minor: int = 0
    pax: dict[str, str] = field(default_factory=dict)
    sparse: bool = False
    chunks: list[bytes] = field(default_factory=list)
    hash: bytes | None = None

    def to_json(self) -> dict[str, Any]:
        obj: dict[str, Any] = _bytes_field("path", self.path)
        obj.update(
            type=self.type.value,
            mode=self.mode,
            uid=self.uid,
            gid=self.gid,
            uname=self.uname,
            gname=self.gname,
            mtime=self.mtime,
        )
        if self.type is EntryType.FILE:
            obj["size"] = self.size
            obj["chunks"] = [c.hex() for c in self.chunks]
            obj["hash"] = self.hash.hex() if self.hash else None
            if self.sparse:
                obj["sparse"] = True
        if self.type in (EntryType.SYMLINK, EntryType.HARDLINK):
            obj.update(_bytes_field("link", self.link))
        if self.type in (EntryType.CHAR, EntryType.BLOCK):
            obj["devMajor"] = self.dev_major
            obj["devMinor"] = self.dev_minor
        if self.pax:
            obj["pax"] = self.pax
        return obj

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Entry:
        try:
            digest = obj.get("hash")
            return cls(
                path=_read_bytes_field(obj, "path"),
                type=EntryType(obj["type"]),
                mode=int(obj["mode"]),
                uid=int(obj["uid"]),
                gid=int(obj["gid"]),
                uname=str(obj["uname"]),
                gname=str(obj["gname"]),
                mtime=obj["mtime"],
                size=int(obj.get("size", 0)),
                link=_read_bytes_field(obj, "link") if ("link" in obj or "linkB64" in obj) else b"",
                dev_major=int(obj.get("devMajor", 0)),
                dev_minor=int(obj.get("devMinor", 0)),
                pax={str(k): str(v) for k, v in obj.get("pax", {}).items()},
                sparse=bool(obj.get("sparse", False)),
                chunks=[bytes.fromhex(c) for c in obj.get("chunks", [])],
                hash=bytes.fromhex(digest) if digest else None,
            )
        except (KeyError, ValueError, TypeError, binascii.Error) as exc:
            raise CorruptionError(f"malformed manifest record: {exc}") from exc

    def encode(self) -> bytes:
        return json.dumps(self.to_json(), separators=(",", ":")).encode() + b"\n"

    def display_path(self) -> str:
        return self.path.decode("utf-8", "backslashreplace")


def _bytes_field(name: str, value: bytes) -> dict[str, Any]:
    try:
        return {name: value.decode("utf-8")}
    except UnicodeDecodeError:
        return {name + "B64": base64.b64encode(value).decode("ascii")}


def _read_bytes_field(obj: dict[str, Any], name: str) -> bytes:
    if name in obj:
        return str(obj[name]).encode("utf-8")
    return base64.b64decode(obj[name + "B64"], validate=True)


def parse_records(pieces: Iterable[bytes]) -> Iterator[Entry]:
    """Entries from a manifest stream delivered in arbitrary pieces (tree blobs)."""
    pending = b""
    for piece in pieces:
        pending += piece
        lines = pending.split(b"\n")
        pending = lines.pop()
        for line in lines:
            if line:
                yield Entry.from_json(json.loads(line))
    if pending.strip():
        raise CorruptionError("manifest ends in the middle of a record")


def normalize_path(path: bytes) -> tuple[bytes, ...]:
    """Path components without ``.``, empty parts or a leading ``/`` (``./a//b/`` -> a, b)."""
    return tuple(p for p in path.split(b"/") if p not in (b"", b"."))

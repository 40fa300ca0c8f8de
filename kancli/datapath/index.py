"""The index: which pack holds which blob, kept in encrypted, write-once index files.

Every backup writes index files for the packs it uploaded (after the packs, before the
snapshot), so readers learn where blobs live without opening every pack. Loading an index unions
all ``index/*`` files; when a blob is stored more than once (concurrent backups), the copy in a
pack that no prune has condemned is preferred.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import blake3

from kancli.datapath.errors import CorruptionError
from kancli.datapath.packs import BlobEntry, BlobType, Codec
from kancli.objectstore import ObjectNotFoundError, Store

INDEX_AAD = b"kancli index v1"
INDEX_PREFIX = "index/"
_LOAD_ATTEMPTS = 3


class BlobLocation(NamedTuple):
    pack: str
    offset: int
    length: int
    raw_length: int
    type: BlobType


@dataclass
class PackInfo:
    """A pack as an index file describes it."""

    id: str
    size: int
    blobs: list[BlobEntry]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "size": self.size, "blobs": [b.to_json() for b in self.blobs]}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> PackInfo:
        return cls(
            id=str(obj["id"]),
            size=int(obj["size"]),
            blobs=[BlobEntry.from_json(b) for b in obj["blobs"]],
        )


@dataclass
class Index:
    """All known blob locations, and the index files and packs they came from."""

    blobs: dict[bytes, BlobLocation] = field(default_factory=dict)
    packs: dict[str, PackInfo] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)  # index file -> pack IDs
    condemned: frozenset[str] = frozenset()

    def add_pack(self, pack: PackInfo) -> None:
        self.packs[pack.id] = pack
        for blob in pack.blobs:
            known = self.blobs.get(blob.id)
            if known is None or (known.pack in self.condemned and pack.id not in self.condemned):
                self.blobs[blob.id] = BlobLocation(
                    pack.id, blob.offset, blob.length, blob.raw_length, blob.type
                )

    def locate(self, blob_id: bytes) -> BlobLocation:
        try:
            return self.blobs[blob_id]
        except KeyError:
            raise CorruptionError(
                f"blob {blob_id.hex()[:16]} is referenced but no index lists it"
            ) from None


def encode_index(codec: Codec, packs: Iterable[PackInfo]) -> tuple[str, bytes]:
    """An index file's name (hash of its bytes) and its sealed bytes."""
    body = codec.encode_doc({"packs": [p.to_json() for p in packs]}, INDEX_AAD)
    return INDEX_PREFIX + blake3.blake3(body).hexdigest(), body


def decode_index(codec: Codec, key: str, body: bytes) -> list[PackInfo]:
    doc = codec.decode_doc(body, INDEX_AAD, f"index file {key}")
    try:
        return [PackInfo.from_json(p) for p in doc["packs"]]
    except (KeyError, ValueError, TypeError) as exc:
        raise CorruptionError(f"index file {key} is malformed: {exc}") from exc


def load_index(store: Store, codec: Codec, condemned: frozenset[str] = frozenset()) -> Index:
    """Read every index file (in parallel). A file removed meanwhile by a prune means retry."""
    for attempt in range(_LOAD_ATTEMPTS):
        keys = [info.key for info in store.list(INDEX_PREFIX)]
        try:
            with ThreadPoolExecutor(max_workers=8, thread_name_prefix="kancli-index") as pool:
                bodies = list(pool.map(store.read, keys))
        except ObjectNotFoundError:
            if attempt == _LOAD_ATTEMPTS - 1:
                raise
            continue
        index = Index(condemned=condemned)
        for key, body in zip(keys, bodies, strict=True):
            packs = decode_index(codec, key, body)
            index.files[key] = [p.id for p in packs]
            for pack in packs:
                index.add_pack(pack)
        return index
    raise AssertionError("unreachable")

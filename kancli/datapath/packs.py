"""Blobs and pack files: how chunks are compressed, encrypted and grouped into objects.

Storing every chunk as its own object would cost one request per chunk; packs group encrypted
blobs into objects of a few MiB. Each pack ends with an encrypted header that lists its blobs,
so the index can always be rebuilt from the packs alone, and is named by the BLAKE3 hash of its
bytes, so a pack object is written once and never changes.

Layout (docs/repository-format.md §5)::

    pack   = blob* sealed_header header_length(u32 little-endian)
    blob   = seal(encryption_key, plaintext, aad=blob_id)
    plaintext = 0x00 raw_bytes | 0x01 zstd_frame
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import blake3
import zstandard

from kancli.datapath.crypto import MasterKeys, seal, unseal
from kancli.datapath.errors import CorruptionError

STORED = 0x00
ZSTD = 0x01
HEADER_AAD = b"kancli pack header v1"
_LENGTH = struct.Struct("<I")


class BlobType(StrEnum):
    DATA = "data"
    TREE = "tree"


@dataclass(frozen=True)
class BlobEntry:
    """Where a blob sits inside its pack."""

    id: bytes
    type: BlobType
    offset: int
    length: int  # stored (sealed) length
    raw_length: int  # plaintext length

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id.hex(),
            "type": self.type.value,
            "offset": self.offset,
            "length": self.length,
            "rawLength": self.raw_length,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> BlobEntry:
        return cls(
            id=bytes.fromhex(obj["id"]),
            type=BlobType(obj["type"]),
            offset=int(obj["offset"]),
            length=int(obj["length"]),
            raw_length=int(obj["rawLength"]),
        )


def pack_key(pack_id: str) -> str:
    return f"data/{pack_id[:2]}/{pack_id}"


class Codec:
    """Encodes and decodes blobs and small documents with one repository's keys."""

    def __init__(self, keys: MasterKeys, level: int = 3) -> None:
        self.keys = keys
        self._level = level

    def _compress(self, data: bytes | memoryview) -> bytes:
        # A fresh compressor per call: zstd compressors are not thread-safe and are cheap to make.
        packed = zstandard.ZstdCompressor(level=self._level).compress(data)
        if len(packed) + len(packed) // 32 < len(data):
            return bytes([ZSTD]) + packed
        return bytes([STORED]) + bytes(data)

    def encode_blob(self, blob_id: bytes, data: bytes | memoryview) -> bytes:
        """Compress (when it helps) and seal one chunk; the blob ID is the associated data."""
        return seal(self.keys.encryption, self._compress(data), blob_id)

    def decode_blob(self, blob_id: bytes, sealed: bytes | memoryview, raw_length: int) -> bytes:
        """Authenticate, decompress and verify one blob against its ID."""
        plain = unseal(self.keys.encryption, sealed, blob_id, f"blob {blob_id.hex()[:16]}")
        data = _decompress(plain, raw_length, blob_id)
        if self.keys.blob_id(data) != blob_id:
            raise CorruptionError(f"blob {blob_id.hex()[:16]} does not match its ID")
        return data

    def encode_doc(self, obj: Any, aad: bytes) -> bytes:
        """A JSON document (index, snapshot, ...) compressed and sealed."""
        raw = json.dumps(obj, separators=(",", ":")).encode()
        return seal(self.keys.encryption, self._compress(raw), aad)

    def decode_doc(self, sealed: bytes | memoryview, aad: bytes, what: str) -> Any:
        plain = unseal(self.keys.encryption, sealed, aad, what)
        data = _decompress(plain, None, None)
        try:
            return json.loads(data)
        except ValueError as exc:
            raise CorruptionError(f"{what} is not valid JSON after decryption") from exc


def _decompress(plain: bytes, raw_length: int | None, blob_id: bytes | None) -> bytes:
    what = f"blob {blob_id.hex()[:16]}" if blob_id else "document"
    if not plain:
        raise CorruptionError(f"{what} is empty")
    if plain[0] == STORED:
        data = plain[1:]
    elif plain[0] == ZSTD:
        try:
            dctx = zstandard.ZstdDecompressor()
            if raw_length is not None:
                data = dctx.decompress(plain[1:], max_output_size=max(raw_length, 1))
            else:
                data = b"".join(dctx.read_to_iter(plain[1:]))
        except zstandard.ZstdError as exc:
            raise CorruptionError(f"{what} does not decompress: {exc}") from exc
    else:
        raise CorruptionError(f"{what} has unknown encoding {plain[0]}")
    if raw_length is not None and len(data) != raw_length:
        raise CorruptionError(f"{what} has length {len(data)}, expected {raw_length}")
    return data


class PackBuilder:
    """Accumulates sealed blobs in memory until the pack is big enough to upload."""

    def __init__(self, codec: Codec) -> None:
        self._codec = codec
        self._parts: list[bytes] = []
        self.entries: list[BlobEntry] = []
        self.size = 0

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, blob_id: bytes, blob_type: BlobType, sealed: bytes, raw_length: int) -> None:
        self.entries.append(BlobEntry(blob_id, blob_type, self.size, len(sealed), raw_length))
        self._parts.append(sealed)
        self.size += len(sealed)

    def finish(self) -> tuple[str, bytes]:
        """The pack's ID and bytes (blobs, sealed header, header length)."""
        header = self._codec.encode_doc([e.to_json() for e in self.entries], HEADER_AAD)
        self._parts.append(header)
        self._parts.append(_LENGTH.pack(len(header)))
        body = b"".join(self._parts)
        self._parts = []
        return blake3.blake3(body).hexdigest(), body


def read_pack_header(codec: Codec, tail: bytes, pack_size: int, pack_id: str) -> list[BlobEntry]:
    """Parse a pack's header from the pack's last bytes (``tail`` must hold the whole header)."""
    if len(tail) < _LENGTH.size:
        raise CorruptionError(f"pack {pack_id} is truncated")
    (length,) = _LENGTH.unpack(tail[-_LENGTH.size :])
    if length + _LENGTH.size > len(tail) or length + _LENGTH.size > pack_size:
        raise CorruptionError(f"pack {pack_id} has an impossible header length {length}")
    sealed = tail[-_LENGTH.size - length : -_LENGTH.size]
    entries = codec.decode_doc(sealed, HEADER_AAD, f"header of pack {pack_id}")
    return [BlobEntry.from_json(e) for e in entries]

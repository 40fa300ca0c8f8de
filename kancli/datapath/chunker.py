"""Content-defined chunking of byte streams (FastCDC 2020, via the ``pyfastcdc`` package).

Chunk boundaries depend on content, so an insertion or a one-byte change moves only the chunks
around it and the rest deduplicate. The gear table is XOR-ed with a per-repository secret seed,
so boundaries (and thus chunk sizes) do not reveal content to someone watching the store.
``pyfastcdc`` was chosen after measuring (see docs/repository-format.md): its Cython core runs at
about 2 GB/s here, releases the GIL, reads streams incrementally and accepts a seed; the
``fastcdc`` package was slower, has a fixed gear table and needs the whole input in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from pyfastcdc import FastCDC


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class ChunkerParams:
    """FastCDC sizes; the library's effective mean is about ``avg + min``."""

    min_size: int = 256 << 10
    avg_size: int = 1 << 20
    max_size: int = 4 << 20

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": "fastcdc2020",
            "minSize": self.min_size,
            "avgSize": self.avg_size,
            "maxSize": self.max_size,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> ChunkerParams:
        return cls(int(obj["minSize"]), int(obj["avgSize"]), int(obj["maxSize"]))


TREE_CHUNKS = ChunkerParams(min_size=64 << 10, avg_size=256 << 10, max_size=1 << 20)


class Chunker:
    """Splits streams and buffers; one instance per thread (the library object is not shared)."""

    def __init__(self, params: ChunkerParams, seed: int) -> None:
        self.params = params
        self._cdc = FastCDC(
            params.avg_size,
            min_size=params.min_size,
            max_size=params.max_size,
            normalized_chunking=1,
            # pyfastcdc shifts the seed left by one before converting it to uint64.
            seed=(seed & 0x7FFF_FFFF_FFFF_FFFF) or 1,
        )

    def stream(self, reader: Readable) -> Iterator[memoryview]:
        """Chunks of a stream; each view is valid only until the next one is requested."""
        for chunk in self._cdc.cut_stream(reader):
            yield chunk.data

    def buffer(self, data: bytes | bytearray | memoryview) -> Iterator[memoryview]:
        """Chunks of a buffer held in memory (the views stay valid while ``data`` lives)."""
        for chunk in self._cdc.cut_buf(data):
            yield chunk.data

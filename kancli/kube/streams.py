"""Reading long-lived HTTP responses (watches, followed logs) chunk by chunk and line by line.

``read1`` hands over whatever bytes have arrived, so events and log lines reach the caller as
soon as the server sends them, whatever the transfer encoding; memory stays bounded by the chunk
size and the longest line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import urllib3

CHUNK = 64 * 1024


def discard(resp: urllib3.BaseHTTPResponse) -> None:
    """Close a streamed response that may not have been read to the end.

    Closing first matters: handing a half-read connection back to the pool would let the next
    request read the rest of this body.
    """
    try:
        resp.close()
    finally:
        resp.release_conn()


def iter_chunks(resp: urllib3.BaseHTTPResponse, size: int = CHUNK) -> Iterator[bytes]:
    """The response body as it arrives; ends at EOF. Connection errors propagate."""
    while True:
        data = resp.read1(size)
        if not data:
            return
        yield data


class LineSplitter:
    """Cuts a byte stream into lines (each keeps its ``\\n``); a line longer than ``max_line``
    is handed over in pieces of that size so that memory stays bounded."""

    def __init__(self, max_line: int = 4 * 1024 * 1024) -> None:
        self._pending = bytearray()
        self._max = max_line

    def feed(self, data: bytes) -> list[bytes]:
        self._pending += data
        lines: list[bytes] = []
        start = 0
        while True:
            end = self._pending.find(b"\n", start)
            if end < 0:
                break
            lines.append(bytes(self._pending[start : end + 1]))
            start = end + 1
        del self._pending[:start]
        while len(self._pending) >= self._max:
            lines.append(bytes(self._pending[: self._max]))
            del self._pending[: self._max]
        return lines

    def rest(self) -> bytes:
        """The unfinished last line (and forget it)."""
        data = bytes(self._pending)
        self._pending.clear()
        return data


def iter_json_lines(resp: urllib3.BaseHTTPResponse) -> Iterator[dict[str, Any]]:
    """Watch events: one JSON object per line."""
    splitter = LineSplitter(max_line=1 << 30)
    for chunk in iter_chunks(resp):
        for line in splitter.feed(chunk):
            if line.strip():
                event = json.loads(line)
                if isinstance(event, dict):
                    yield event
    tail = splitter.rest()
    if tail.strip():
        event = json.loads(tail)
        if isinstance(event, dict):
            yield event

"""Serve a container's CRI log file the way the kubelet serves ``GET .../pods/x/log``.

The file holds one entry per line, ``<RFC3339Nano> <stream> <F|P> <text>``, written by
``logger.py``. Reading follows the kubelet (``pkg/kubelet/kuberuntime/logs``): full entries get
their newline back, partial entries are joined to the next; ``timestamps`` prefixes each line
(not each partial piece) with the entry's time; ``tail_lines`` counts entries from the end of
the file; ``since`` drops entries older than the given time; ``follow`` keeps reading until the
container has stopped and its log is complete. Reading streams in blocks, never loading the file.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

from tests.cluster.node.events import parse_go_time

BLOCK = 256 * 1024
FOLLOW_POLL_SECONDS = 0.03


def tail_offset(path: Path, lines: int) -> int:
    """Byte offset where the last ``lines`` entries of the file begin."""
    if lines <= 0:
        return os.path.getsize(path)
    with path.open("rb") as f:
        end = f.seek(0, os.SEEK_END)
        pos = end
        found = 0
        # a complete file ends with "\n"; that newline ends the last entry, it does not start one
        skip_last = True
        while pos > 0:
            size = min(BLOCK, pos)
            pos -= size
            f.seek(pos)
            block = f.read(size)
            idx = len(block)
            while True:
                idx = block.rfind(b"\n", 0, idx)
                if idx < 0:
                    break
                if skip_last and pos + idx == end - 1:
                    skip_last = False
                    continue
                found += 1
                if found == lines:
                    return pos + idx + 1
            skip_last = False
        return 0


class EntryFormatter:
    """Turns raw CRI entries into the bytes the kubelet would send."""

    def __init__(self, timestamps: bool, since: datetime | None) -> None:
        self.timestamps = timestamps
        self.since = since
        self._at_line_start = True

    def format(self, entry: bytes) -> bytes:
        try:
            ts, _stream, tag, text = entry.split(b" ", 3)
        except ValueError:
            return b""  # not a CRI entry (cannot happen with our logger)
        if self.since is not None and parse_go_time(ts.decode()) < self.since:
            return b""
        prefix = ts + b" " if self.timestamps and self._at_line_start else b""
        if tag == b"P":
            self._at_line_start = False
            return prefix + text
        self._at_line_start = True
        return prefix + text + b"\n"


async def read_log(
    path: Path,
    *,
    follow: bool,
    tail_lines: int | None,
    timestamps: bool,
    since: datetime | None,
    is_complete: Callable[[], bool],
) -> AsyncIterator[bytes]:
    """Yield the formatted log of one container instance.

    ``is_complete`` says whether the container has stopped and its logger has flushed; with
    ``follow`` the generator keeps polling the file until that is true and all was read.
    """
    formatter = EntryFormatter(timestamps, since)
    if not path.exists():
        if not follow:
            return
        while not path.exists():
            if is_complete():
                return
            await asyncio.sleep(FOLLOW_POLL_SECONDS)
    offset = tail_offset(path, tail_lines) if tail_lines is not None else 0
    pending = b""
    with path.open("rb") as f:
        f.seek(offset)
        while True:
            complete_before_read = is_complete()
            block = await asyncio.to_thread(f.read, BLOCK)
            if block:
                data = pending + block
                cut = data.rfind(b"\n")
                if cut < 0:
                    pending = data
                    continue
                pending = data[cut + 1 :]
                out = b"".join(formatter.format(e) for e in data[:cut].split(b"\n"))
                if out:
                    yield out
                continue
            if not follow or complete_before_read:
                return
            await asyncio.sleep(FOLLOW_POLL_SECONDS)

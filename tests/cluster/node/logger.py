"""Container log driver: the containerd shim runs this file once per container.

containerd's ``binary://`` log URI makes the shim start a program with the container's stdout
pipe as fd 3, its stderr pipe as fd 4 and a readiness pipe as fd 5, and wait until fd 5 is
closed before starting the container. This driver writes both streams into one file in the CRI
log format a kubelet reads (``<RFC3339Nano time> <stdout|stderr> <F|P> <text>``), exactly as
containerd's CRI plugin does: lines split at ``\\n`` (a ``\\r`` before it is dropped), lines longer
than 16 KiB split into partial (``P``) entries, and a last line without a newline written as a
full (``F``) entry at end of file.

The shim closes its ends of the pipes when the task is deleted and then sends SIGTERM; the
driver drains what is left and exits, so a deleted task's log is complete.

It runs with an empty environment and must stay standard-library only. Invocation (from the
log URI ``binary://<python>?<this file>=<log path>``): ``python logger.py LOG_PATH``.
"""

from __future__ import annotations

import os
import selectors
import signal
import sys
import time

MAX_ENTRY = 16 * 1024
READ_SIZE = 64 * 1024
TERM_DRAIN_SECONDS = 10.0


def timestamp() -> bytes:
    """Now as RFC3339 with nanoseconds, trailing zeros trimmed (Go's time.RFC3339Nano)."""
    ns = time.time_ns()
    secs, frac = divmod(ns, 1_000_000_000)
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs))
    fraction = f"{frac:09d}".rstrip("0")
    return f"{base}{'.' + fraction if fraction else ''}Z".encode()


class StreamSplitter:
    """Turns a byte stream into CRI log entries for one stream name."""

    def __init__(self, name: bytes) -> None:
        self.name = name
        self.pending = b""

    def feed(self, data: bytes, ts: bytes) -> list[bytes]:
        out: list[bytes] = []
        buf = self.pending + data
        start = 0
        while True:
            nl = buf.find(b"\n", start)
            if nl < 0:
                break
            line = buf[start:nl]
            if line.endswith(b"\r"):
                line = line[:-1]
            self._emit(out, line, ts)
            start = nl + 1
        rest = buf[start:]
        while len(rest) >= MAX_ENTRY:
            out.append(b"%s %s P %s\n" % (ts, self.name, rest[:MAX_ENTRY]))
            rest = rest[MAX_ENTRY:]
        self.pending = rest
        return out

    def _emit(self, out: list[bytes], line: bytes, ts: bytes) -> None:
        while len(line) > MAX_ENTRY:
            out.append(b"%s %s P %s\n" % (ts, self.name, line[:MAX_ENTRY]))
            line = line[MAX_ENTRY:]
        out.append(b"%s %s F %s\n" % (ts, self.name, line))

    def finish(self, ts: bytes) -> list[bytes]:
        if not self.pending:
            return []
        last, self.pending = self.pending, b""
        return [b"%s %s F %s\n" % (ts, self.name, last)]


def run(log_path: str, stdout_fd: int = 3, stderr_fd: int = 4, ready_fd: int = 5) -> None:
    terminating = []
    signal.signal(signal.SIGTERM, lambda *_: terminating.append(time.monotonic()))
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    os.close(ready_fd)  # tells the shim we are ready: it may start the container now
    sel = selectors.DefaultSelector()
    splitters = {stdout_fd: StreamSplitter(b"stdout"), stderr_fd: StreamSplitter(b"stderr")}
    for fd in splitters:
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ)
    open_fds = set(splitters)
    while open_fds:
        if terminating and time.monotonic() - terminating[0] > TERM_DRAIN_SECONDS:
            break
        for key, _ in sel.select(timeout=0.5):
            fd = int(key.fd)
            try:
                data = os.read(fd, READ_SIZE)
            except BlockingIOError:
                continue
            ts = timestamp()
            if data:
                entries = splitters[fd].feed(data, ts)
            else:
                entries = splitters[fd].finish(ts)
                sel.unregister(fd)
                open_fds.discard(fd)
            if entries:
                os.write(log_fd, b"".join(entries))
    ts = timestamp()
    for splitter in splitters.values():
        rest = splitter.finish(ts)
        if rest:
            os.write(log_fd, b"".join(rest))
    os.close(log_fd)


if __name__ == "__main__":
    run(sys.argv[1])

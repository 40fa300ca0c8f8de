"""Running a command in a container over the exec websocket (channel protocol v5).

Why not ``kubernetes.stream.stream``: it swaps ``call_api`` on the shared ApiClient (unsafe when
KubeExecAll execs concurrently), its ``update()`` appends frames quadratically and keeps a second
copy of all output in ``_all`` (test-infrastructure.md 4). Here frames are read directly from the
websocket and handed to the caller's sinks as they arrive, so memory stays bounded by one frame.

Stdin is written by a second thread in binary frames of at most 1 MiB, so a command that floods
stdout while reading stdin cannot deadlock us; end of input is ``close_channel(0)``, which only
the v5 protocol has. The exit status comes from channel 3; a connection that closes without one
is an error, never success.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, cast
from urllib.parse import quote

from kancli.errors import ClusterError, DeadlineError
from kancli.kube.apierrors import error_from_status_object, translated
from kancli.kube.connection import CONNECT_TIMEOUT, Connection
from kancli.kube.types import ExecResult, Sink, StdinSource, sink_writer
from kancli.kube.waiting import Deadline

# websocket-client is only partly annotated: its WebSocket is handled as Any here.
WebSocket = Any

V5 = "v5.channel.k8s.io"
V4 = "v4.channel.k8s.io"
STDIN_CHUNK = 1024 * 1024
STDERR_TAIL = 8 * 1024
_STDIN, _STDOUT, _STDERR, _ERROR, _CLOSE = 0, 1, 2, 3, 255


def run_exec(
    conn: Connection,
    namespace: str,
    pod: str,
    container: str | None,
    command: Sequence[str],
    *,
    stdin: StdinSource | None = None,
    stdout: Sink | None = None,
    stderr: Sink | None = None,
    timeout: float | None = None,
    protocols: Sequence[str] = (V5, V4),
) -> ExecResult:
    """Run ``command`` (argv, no shell) in ``pod``/``container`` and return its exit status.

    ``container`` None lets the server pick the only container. A non-zero exit is a result, not
    an error; errors are: exec refused (NotFound/Forbidden...), a Failure status other than a
    non-zero exit, a dropped connection, the deadline, or a failing stdin source (re-raised).
    """
    what = f"exec in pod {namespace}/{pod}"
    ws = _open(
        conn,
        namespace,
        pod,
        container,
        command,
        with_stdin=stdin is not None,
        protocols=protocols,
        what=what,
    )
    protocol = _negotiated(ws)
    writer: _StdinWriter | None = None
    try:
        if stdin is not None and protocol != V5:
            raise ClusterError(
                f"{what}: the API server at {conn.host} negotiated "
                f"{protocol or 'no channel protocol'}, which cannot signal the end of a "
                f"command's input; sending stdin needs {V5} (Kubernetes 1.30 or newer)"
            )
        if stdin is not None:
            writer = _StdinWriter(ws, stdin)
            writer.start()
        reader = _FrameReader(ws, sink_writer(stdout), sink_writer(stderr))
        deadline = Deadline(timeout)
        with translated(host=conn.host, what=what):
            status = reader.read_until_status(deadline, what, command)
        if writer is not None and writer.source_error is not None:
            raise writer.source_error
        if status is None:
            raise ClusterError(
                f"{what}: the connection closed before the command's exit status arrived "
                f"({reader.stdout_bytes} bytes of stdout received)"
            )
        exit_code = _exit_code(status, what)
        return ExecResult(
            exit_code=exit_code,
            protocol=protocol,
            stdout_bytes=reader.stdout_bytes,
            stderr_bytes=reader.stderr_bytes,
            stderr_tail=bytes(reader.stderr_tail),
        )
    finally:
        _close(ws, writer)


def _open(
    conn: Connection,
    namespace: str,
    pod: str,
    container: str | None,
    command: Sequence[str],
    *,
    with_stdin: bool,
    protocols: Sequence[str],
    what: str,
) -> WebSocket:
    import websocket
    from kubernetes.stream.ws_client import create_websocket

    path = f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}/exec"
    query: list[tuple[str, str]] = [("command", arg) for arg in command]
    if container:
        query.append(("container", container))
    query += [
        ("stdin", "true" if with_stdin else "false"),
        ("stdout", "true"),
        ("stderr", "true"),
        ("tty", "false"),
    ]
    url = conn.url(path, query)
    url = "wss://" + url[len("https://") :] if url.startswith("https://") else url
    url = "ws://" + url[len("http://") :] if url.startswith("http://") else url
    # create_websocket gives no way to bound the connect; the library default applies to it.
    websocket.setdefaulttimeout(CONNECT_TIMEOUT)
    with translated(host=conn.host, what=what):
        headers = conn.auth_headers("GET", path)
        headers["sec-websocket-protocol"] = ",".join(protocols)
        open_ws = cast(Callable[..., WebSocket], create_websocket)
        ws = open_ws(conn.configuration, url, headers)
    ws.settimeout(None)
    return ws


def _negotiated(ws: WebSocket) -> str:
    for key, value in (ws.getheaders() or {}).items():
        if key.lower() == "sec-websocket-protocol":
            return str(value).strip()
    return ""


def _exit_code(status: dict[str, Any], what: str) -> int:
    if status.get("status") == "Success":
        return 0
    details = status.get("details") or {}
    if status.get("reason") == "NonZeroExitCode":
        for cause in details.get("causes") or []:
            if cause.get("reason") == "ExitCode":
                try:
                    return int(cause.get("message", ""))
                except ValueError:
                    break
    error = error_from_status_object(status, "command failed")
    error.message = f"{what}: {error.message}"
    raise error


class _FrameReader:
    """Reads channel frames until the status on channel 3, writing output to the sinks."""

    def __init__(self, ws: WebSocket, out: Any, err: Any) -> None:
        self._ws = ws
        self._out = out
        self._err = err
        self.stdout_bytes = 0
        self.stderr_bytes = 0
        self.stderr_tail = bytearray()

    def read_until_status(
        self, deadline: Deadline, what: str, command: Sequence[str]
    ) -> dict[str, Any] | None:
        import websocket

        status = bytearray()
        self._ws.settimeout(deadline.remaining())
        while True:
            if deadline.timeout is not None:
                self._ws.settimeout(deadline.remaining())
            try:
                opcode, frame = self._ws.recv_data_frame(True)
            except websocket.WebSocketTimeoutException as exc:
                raise DeadlineError(
                    f"timed out after {deadline.timeout:g}s waiting for "
                    f"{' '.join(command)[:80]!r} ({what})"
                ) from exc
            except (websocket.WebSocketConnectionClosedException, OSError):
                return None  # dropped (or aborted because the stdin source failed)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                return None
            data: bytes = frame.data
            if opcode not in (websocket.ABNF.OPCODE_BINARY, websocket.ABNF.OPCODE_TEXT):
                continue
            if isinstance(data, str):
                data = data.encode("utf-8")
            if not data:
                continue
            channel = data[0]
            if len(data) == 1:
                continue  # the server's empty opening frame
            if channel == _STDOUT:
                self.stdout_bytes += len(data) - 1
                self._out(data[1:])
            elif channel == _STDERR:
                self._stderr(data[1:])
            elif channel == _ERROR:
                status += data[1:]
                parsed = _parse_status(bytes(status))
                if parsed is not None:
                    return parsed

    def _stderr(self, data: bytes) -> None:
        self.stderr_bytes += len(data)
        self._err(data)
        self.stderr_tail += data[-STDERR_TAIL:]
        del self.stderr_tail[:-STDERR_TAIL]


def _parse_status(data: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(data)
    except ValueError:
        return None  # more of the status may follow in the next frame
    if isinstance(parsed, dict):
        return parsed
    return {"status": "Failure", "message": data.decode("utf-8", "replace")}


def _stdin_chunks(source: StdinSource) -> Iterator[bytes]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        view = memoryview(source).cast("B")
        for start in range(0, len(view), STDIN_CHUNK):
            yield bytes(view[start : start + STDIN_CHUNK])
        return
    read = getattr(source, "read", None)
    if callable(read):
        while True:
            chunk = read(STDIN_CHUNK)
            if not chunk:
                return
            yield bytes(chunk)
    iterable: Iterable[bytes] = source
    for piece in iterable:
        for start in range(0, len(piece), STDIN_CHUNK):
            yield bytes(piece[start : start + STDIN_CHUNK])


class _StdinWriter(threading.Thread):
    """Feeds stdin in binary frames, then closes channel 0 (v5)."""

    def __init__(self, ws: WebSocket, source: StdinSource) -> None:
        super().__init__(name="kancli-exec-stdin", daemon=True)
        self._ws = ws
        self._source = source
        self.source_error: BaseException | None = None
        self.send_error: BaseException | None = None

    def run(self) -> None:
        import websocket

        chunks = _stdin_chunks(self._source)
        while True:
            try:
                chunk = next(chunks, None)
            except Exception as exc:  # the caller's source failed: stop the exec
                self.source_error = exc
                self._ws.abort()
                return
            try:
                if chunk is None:
                    self._ws.send(bytes([_CLOSE, _STDIN]), opcode=websocket.ABNF.OPCODE_BINARY)
                    return
                if chunk:
                    self._ws.send(bytes([_STDIN]) + chunk, opcode=websocket.ABNF.OPCODE_BINARY)
            except Exception as exc:  # the command stopped reading or the connection broke
                self.send_error = exc
                return


def _close(ws: WebSocket, writer: _StdinWriter | None) -> None:
    """Tear the connection down without waiting on a writer blocked in send."""
    if writer is not None and writer.is_alive():
        ws.abort()  # wakes the writer: its send fails and it returns
        writer.join(timeout=5)
        ws.shutdown()
        return
    try:
        with contextlib.suppress(Exception):  # the socket is released below either way
            ws.close(timeout=1)
    finally:
        # Once the server's CLOSE frame has been read frame by frame, websocket-client
        # considers the connection closed and close() leaves the socket open.
        ws.shutdown()

"""Container logs: following a log to the container's end, and reading a complete log.

Phase output (``kando output``) is parsed from logs, so a follow stream that breaks must not lose
or repeat lines. kancli asks for ``timestamps=true``, strips them before the caller sees a line,
and on a broken stream (or an early end while the container still runs, such as the kubelet's
stream cap) reconnects with ``sinceTime`` = the last timestamp seen. The API server passes
``sinceTime`` to the kubelet with one-second precision, so lines older than the last one seen are
dropped and lines with exactly its timestamp are skipped as often as they were already delivered
(kanister-behaviour.md 5.0 "Log streaming" does the same without the de-duplication).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

from kancli.errors import ClusterError, DeadlineError, NotFoundError, UnreachableError
from kancli.kube.connection import CONNECT_TIMEOUT, Connection
from kancli.kube.streams import LineSplitter, discard, iter_chunks
from kancli.kube.types import Sink, sink_writer
from kancli.kube.waiting import Deadline

#: Reconnect when a followed log is silent this long, to notice a dead connection.
IDLE_RECONNECT = 300.0
MAX_FAILURES = 10
_TS = re.compile(rb"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) ")

TimeKey = tuple[dt.datetime, int]


def _log_path(namespace: str, pod: str) -> str:
    return f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}/log"


def parse_timestamp(line: bytes) -> tuple[TimeKey, str, bytes] | None:
    """(sortable time, RFC 3339 text, rest of line) of a ``timestamps=true`` log line."""
    match = _TS.match(line)
    if match is None:
        return None
    base, frac, zone = (g.decode() if g else "" for g in match.groups())
    when = dt.datetime.fromisoformat(base + ("+00:00" if zone == "Z" else zone))
    nanos = int(frac.ljust(9, "0")) if frac else 0
    text = match.group(0)[:-1].decode()
    return (when.astimezone(dt.UTC), nanos), text, line[match.end() :]


def container_state(pod: dict[str, Any] | None, container: str) -> str:
    """``waiting``, ``running``, ``terminated`` (also: pod ended), ``gone`` (no such pod) or
    ``missing`` (the pod has no such container)."""
    if pod is None:
        return "gone"
    spec = pod.get("spec") or {}
    names = {
        str(c.get("name"))
        for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])
    }
    if container and container not in names:
        return "missing"
    status = pod.get("status") or {}
    if status.get("phase") in ("Succeeded", "Failed"):
        return "terminated"
    groups = (status.get("containerStatuses") or [], status.get("initContainerStatuses") or [])
    for statuses in groups:
        for st in statuses:
            if st.get("name") == container or not container:
                state = st.get("state") or {}
                for key in ("terminated", "running", "waiting"):
                    if key in state:
                        return key
    return "waiting"


class _SinkError(Exception):
    """The caller's sink raised: its error is re-raised as is, never taken for a broken stream."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


class _Follower:
    """State of one followed log across reconnections."""

    def __init__(self, sink: Sink | None) -> None:
        self._write = sink_writer(sink)
        self.last_key: TimeKey | None = None
        self.last_text: str | None = None
        self.seen_at_last = 0
        self.in_long_line = False

    def write(self, data: bytes) -> None:
        try:
            self._write(data)
        except Exception as exc:
            raise _SinkError(exc) from exc

    def deliver(self, lines: list[bytes], skip: list[Any]) -> int:
        """Write lines, dropping what an earlier connection already delivered."""
        delivered = 0
        for line in lines:
            continuation = self.in_long_line
            self.in_long_line = not line.endswith(b"\n")
            parsed = None if continuation else parse_timestamp(line)
            if parsed is None:
                self.write(line)
                delivered += 1
                continue
            key, text, content = parsed
            resume_key, remaining = skip
            if resume_key is not None:
                if key < resume_key:
                    continue
                if key == resume_key and remaining > 0:
                    skip[1] = remaining - 1
                    continue
            self.write(content)
            delivered += 1
            if key == self.last_key:
                self.seen_at_last += 1
            else:
                self.last_key, self.last_text, self.seen_at_last = key, text, 1
        return delivered


def stream_logs(
    conn: Connection,
    namespace: str,
    pod: str,
    container: str,
    sink: Sink | None,
    *,
    since_time: str | None = None,
    timeout: float | None = None,
) -> None:
    """Follow a container's log into ``sink`` until the container has terminated.

    An exception raised by ``sink`` stops following and propagates unchanged.
    """
    try:
        _follow(
            conn,
            namespace,
            pod,
            container,
            _Follower(sink),
            since_time=since_time,
            timeout=timeout,
        )
    except _SinkError as exc:
        raise exc.original from None


def _follow(
    conn: Connection,
    namespace: str,
    pod: str,
    container: str,
    follower: _Follower,
    *,
    since_time: str | None,
    timeout: float | None,
) -> None:
    deadline = Deadline(timeout)
    failures = 0
    waiting_delay = 0.1
    while True:
        since = follower.last_text or since_time
        skip: list[Any] = [follower.last_key, follower.seen_at_last]
        query = [("container", container), ("follow", "true"), ("timestamps", "true")]
        if since:
            query.append(("sinceTime", since))
        left = deadline.remaining()
        idle = IDLE_RECONNECT if left is None else min(IDLE_RECONNECT, left)
        try:
            resp = conn.request(
                "GET",
                _log_path(namespace, pod),
                query=[(k, v) for k, v in query if v],
                accept="*/*",
                timeout=(CONNECT_TIMEOUT, max(idle, 0.1)),
                stream=True,
                what=f"logs of container {container} in pod {namespace}/{pod}",
            )
        except NotFoundError:
            raise
        except ClusterError as exc:
            if isinstance(exc, UnreachableError) and not deadline.expired():
                failures = _count_failure(failures, exc)
                deadline.sleep(0.2)
                continue
            state = container_state(_read_pod(conn, namespace, pod), container)
            if state != "waiting" or deadline.expired():
                raise
            deadline.sleep(waiting_delay)  # "container is waiting to start"
            waiting_delay = min(waiting_delay * 2, 1.0)
            continue
        splitter = LineSplitter()
        progress = 0
        broken: Exception | None = None
        try:
            for chunk in iter_chunks(resp):
                progress += follower.deliver(splitter.feed(chunk), skip)
        except _SinkError:
            raise
        except Exception as exc:  # a broken stream or an idle timeout: reconnect below
            broken = exc
        finally:
            discard(resp)
        if broken is None:
            state = container_state(_read_pod(conn, namespace, pod), container)
            if state in ("terminated", "gone"):
                tail = splitter.rest()
                if tail:
                    follower.deliver([tail], skip)
                return
        if deadline.expired():
            raise DeadlineError(
                f"timed out after {deadline.timeout:g}s following the log of container "
                f"{container} in pod {namespace}/{pod}"
            )
        if progress:
            failures = 0
        elif broken is not None and not _is_idle_timeout(broken):
            failures = _count_failure(failures, broken)
        # An early clean end is usually the container's exit racing its status update.
        deadline.sleep(0.05 if progress else min(0.1 * (failures + 1), 1.0))


def _count_failure(failures: int, exc: Exception) -> int:
    failures += 1
    if failures >= MAX_FAILURES:
        raise ClusterError(f"log stream failed {failures} times in a row: {exc}") from exc
    return failures


def _is_idle_timeout(exc: Exception) -> bool:
    import urllib3.exceptions

    return isinstance(exc, urllib3.exceptions.ReadTimeoutError)


def _read_pod(conn: Connection, namespace: str, pod: str) -> dict[str, Any] | None:
    try:
        found = conn.request_json(
            "GET", f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}"
        )
    except NotFoundError:
        return None
    return found if isinstance(found, dict) else None


def read_logs(
    conn: Connection,
    namespace: str,
    pod: str,
    container: str,
    *,
    tail_lines: int | None = None,
    previous: bool = False,
) -> bytes:
    """The container's log as it is now (complete, or its last ``tail_lines`` lines)."""
    query = [("container", container)] if container else []
    if tail_lines is not None:
        query.append(("tailLines", str(tail_lines)))
    if previous:
        query.append(("previous", "true"))
    resp = conn.request(
        "GET",
        _log_path(namespace, pod),
        query=query,
        accept="*/*",
        what=f"logs of container {container} in pod {namespace}/{pod}",
    )
    return bytes(resp.data)


def log_tail(conn: Connection, namespace: str, pod: str, container: str, lines: int = 10) -> str:
    """The last lines of a log for an error message; empty when the log cannot be read."""
    try:
        data = read_logs(conn, namespace, pod, container, tail_lines=lines)
    except ClusterError:
        return ""
    return data.decode("utf-8", "replace").rstrip("\n")

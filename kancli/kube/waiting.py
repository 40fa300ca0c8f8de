"""Waiting for one object to reach a state: a watch where the server offers one, else polling.

Pods in a small cluster start in well under a second, so polling with Kanister's 100 ms..10 s
backoff would mostly measure the backoff. A watch (``resourceVersion`` from the last read,
``timeoutSeconds`` bounded by the caller's deadline) reports each change as it happens; when the
server refuses watches, kancli polls with a backoff from 100 ms to 1 s instead.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from kancli.errors import ClusterError, DeadlineError, NotFoundError, UnreachableError
from kancli.kube.apierrors import error_from_status_object, translated
from kancli.kube.connection import Connection
from kancli.kube.resources import object_path
from kancli.kube.streams import discard, iter_json_lines
from kancli.kube.types import ResourceInfo

T = TypeVar("T")

#: Longest single watch request; the loop re-reads the object and watches again after it.
WATCH_WINDOW = 50.0
POLL_MIN = 0.1
POLL_MAX = 1.0

Check = Callable[[dict[str, Any] | None], T | None]


class Deadline:
    """A point in time (monotonic clock) by which waiting must end; ``None`` waits forever."""

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self._end = None if timeout is None else time.monotonic() + max(timeout, 0.0)

    def remaining(self) -> float | None:
        if self._end is None:
            return None
        return max(self._end - time.monotonic(), 0.0)

    def expired(self) -> bool:
        return self._end is not None and time.monotonic() >= self._end

    def error(self, what: str, detail: str = "") -> DeadlineError:
        suffix = f" ({detail})" if detail else ""
        return DeadlineError(f"timed out after {self.timeout:g}s waiting for {what}{suffix}")

    def sleep(self, seconds: float) -> None:
        left = self.remaining()
        time.sleep(seconds if left is None else min(seconds, left))


def wait_for_object(
    conn: Connection,
    info: ResourceInfo,
    namespace: str,
    name: str,
    check: Check[T],
    *,
    timeout: float | None,
    what: str,
    describe: Callable[[dict[str, Any] | None], str] | None = None,
) -> T:
    """Call ``check`` with the object (``None`` when absent) until it returns a result.

    ``check`` may raise to stop waiting early (a pod that can never start). On timeout the
    DeadlineError names ``what`` and, through ``describe``, the last state seen.
    """
    deadline = Deadline(timeout)
    delay = POLL_MIN
    while True:
        obj = _get_or_none(conn, info, namespace, name)
        result = check(obj)
        if result is not None:
            return result
        if deadline.expired():
            raise deadline.error(what, describe(obj) if describe else "")
        if conn.watch_supported:
            started = time.monotonic()
            last: list[dict[str, Any] | None] = [obj]
            result = _watch(
                conn,
                info,
                namespace,
                name,
                current=obj,
                check=check,
                deadline=deadline,
                last=last,
            )
            if result is not None:
                return result
            if deadline.expired():
                raise deadline.error(what, describe(last[0]) if describe else "")
            if time.monotonic() - started > 1.0:
                delay = POLL_MIN
                continue
        deadline.sleep(delay)
        delay = min(delay * 2, POLL_MAX)


def _get_or_none(
    conn: Connection, info: ResourceInfo, namespace: str, name: str
) -> dict[str, Any] | None:
    try:
        obj = conn.request_json("GET", object_path(info, namespace, name))
    except NotFoundError:
        return None
    return obj if isinstance(obj, dict) else None


def _watch(
    conn: Connection,
    info: ResourceInfo,
    namespace: str,
    name: str,
    *,
    current: dict[str, Any] | None,
    check: Check[T],
    deadline: Deadline,
    last: list[dict[str, Any] | None],
) -> T | None:
    """One watch request; returns a result, or None when the watch ended without one."""
    left = deadline.remaining()
    window = WATCH_WINDOW if left is None else min(WATCH_WINDOW, left)
    if window <= 0:
        return None
    query = [
        ("watch", "true"),
        ("fieldSelector", f"metadata.name={name}"),
        ("timeoutSeconds", str(max(1, math.ceil(window)))),
    ]
    version = str(((current or {}).get("metadata") or {}).get("resourceVersion") or "")
    if version:
        query.append(("resourceVersion", version))
    try:
        resp = conn.request(
            "GET", object_path(info, namespace), query=query, timeout=window + 5, stream=True
        )
    except UnreachableError:
        return None
    except ClusterError:
        conn.watch_supported = False  # refused (forbidden, not implemented): poll from now on
        return None
    try:
        with translated(host=conn.host):
            for event in iter_json_lines(resp):
                kind = event.get("type")
                obj = event.get("object")
                if kind == "ERROR":
                    if isinstance(obj, dict) and obj.get("code") not in (410, None):
                        raise error_from_status_object(obj, "watch failed")
                    return None  # 410 Gone: history compacted; re-read and watch again
                if not isinstance(obj, dict) or kind == "BOOKMARK":
                    continue
                if (obj.get("metadata") or {}).get("name") != name:
                    continue
                state = None if kind == "DELETED" else obj
                last[0] = state
                result = check(state)
                if result is not None:
                    return result
    except UnreachableError:
        return None  # the stream broke or timed out: the caller re-reads the object
    except ValueError:
        return None  # a garbled event: re-read and watch again
    finally:
        discard(resp)
    return None

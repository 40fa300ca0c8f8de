"""The one place where failures of the Kubernetes client stack become kancli errors.

API answers are reduced to their ``Status.message`` (never the whole payload, which may echo
object data); connection failures of urllib3, websocket-client and sockets become
:class:`~kancli.errors.UnreachableError` with a short reason instead of a stack of urllib3 text.
Every request kancli makes goes through :func:`translated` or :func:`error_for_status`.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import ssl
from collections.abc import Iterator
from typing import Any

from kancli.errors import (
    ClusterError,
    ConflictError,
    ForbiddenError,
    KancliError,
    NotFoundError,
    UnreachableError,
)

_OBJECT_AT = re.compile(r"<[^>]*object at 0x[0-9a-f]+>:?\s*")
_ERRNO = re.compile(r"\[Errno -?\d+\]\s*")
_POOL_PREFIX = re.compile(r"^\w+\(host=[^)]*\):\s*")
_SSL_SOURCE = re.compile(r"\s*\(_ssl\.c:\d+\)")
_RESOLVE = re.compile(r"Failed to resolve '([^']+)' \((.*)\)")
_NEW_CONNECTION = "Failed to establish a new connection: "


def status_message(body: bytes | str | None, http_status: int, reason: str = "") -> str:
    """``Status.message`` from an error body, or a short stand-in when there is none."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    try:
        parsed: Any = json.loads(text) if text else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        message = parsed.get("message")
        if isinstance(message, str) and message:
            return message
        reason_field = parsed.get("reason")
        if isinstance(reason_field, str) and reason_field:
            return f"{reason_field} (HTTP {http_status})"
    first_line = text.strip().splitlines()[0][:200] if text.strip() else ""
    if first_line and not first_line.startswith(("{", "<")):
        return f"{first_line} (HTTP {http_status})"
    return f"HTTP {http_status} {reason}".rstrip()


def error_for_status(http_status: int, message: str, *, hint: str | None = None) -> ClusterError:
    """The kancli error for an API answer with this HTTP status."""
    if http_status == 404:
        return NotFoundError(message, hint=hint)
    if http_status in (401, 403):
        return ForbiddenError(message, hint=hint)
    if http_status == 409:
        return ConflictError(message, hint=hint)
    return ClusterError(message, hint=hint)


def error_from_status_object(status: dict[str, Any], fallback: str) -> ClusterError:
    """The kancli error for a ``Status`` object received in a stream (exec channel 3, watch)."""
    code = status.get("code")
    message = status.get("message") or status.get("reason") or fallback
    return error_for_status(code if isinstance(code, int) else 500, str(message))


def short_reason(exc: BaseException) -> str:
    """A one-line cause for a connection failure, without urllib3's pool and object reprs."""
    inner: BaseException = exc
    for _ in range(5):
        nxt = getattr(inner, "reason", None)
        if not isinstance(nxt, BaseException):
            break
        inner = nxt
    text = str(inner).strip() or type(inner).__name__
    resolve = _RESOLVE.search(text)
    if resolve:
        return f"cannot resolve host {resolve.group(1)} ({_ERRNO.sub('', resolve.group(2))})"
    if _NEW_CONNECTION in text:
        text = text.split(_NEW_CONNECTION, 1)[1]
    text = _POOL_PREFIX.sub("", _OBJECT_AT.sub("", text))
    text = _SSL_SOURCE.sub("", _ERRNO.sub("", text)).strip().strip("'\"")
    return text.splitlines()[0][:200] if text else type(inner).__name__


def _is_connection_error(exc: BaseException) -> bool:
    import urllib3.exceptions
    import websocket

    if isinstance(
        exc,
        (
            urllib3.exceptions.HTTPError,
            websocket.WebSocketConnectionClosedException,
            websocket.WebSocketAddressException,
            websocket.WebSocketTimeoutException,
            websocket.WebSocketProxyException,
            ConnectionError,
            socket.timeout,
            socket.gaierror,
            ssl.SSLError,
        ),
    ):
        return True
    return isinstance(exc, OSError) and exc.errno is not None


def translate(exc: BaseException, *, host: str, what: str = "") -> KancliError | None:
    """The kancli error for a foreign exception, or None when it is not a client failure."""
    from kubernetes.client.exceptions import ApiException
    from kubernetes.config.config_exception import ConfigException
    from websocket import WebSocketBadStatusException

    prefix = f"{what}: " if what else ""
    if isinstance(exc, KancliError):
        return exc
    if isinstance(exc, ApiException):
        code = int(exc.status or 0)
        if code == 0:
            return UnreachableError(
                f"{prefix}cannot reach the Kubernetes API server at {host}: "
                f"{short_reason(Exception(exc.reason))}"
            )
        return error_for_status(code, prefix + status_message(exc.body, code, exc.reason or ""))
    if isinstance(exc, WebSocketBadStatusException):
        code = int(exc.status_code)
        return error_for_status(
            code, prefix + status_message(exc.resp_body, code, exc.status_message or "")
        )
    if isinstance(exc, ConfigException):
        return ClusterError(f"invalid kubeconfig: {exc}")
    if _is_connection_error(exc):
        return UnreachableError(
            f"{prefix}cannot reach the Kubernetes API server at {host}: {short_reason(exc)}"
        )
    return None


@contextlib.contextmanager
def translated(*, host: str, what: str = "") -> Iterator[None]:
    """Re-raise client, urllib3 and websocket failures inside the block as kancli errors."""
    try:
        yield
    except KancliError:
        raise
    except Exception as exc:
        err = translate(exc, host=host, what=what)
        if err is None:
            raise
        raise err from exc

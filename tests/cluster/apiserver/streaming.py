"""``pods/exec`` over websockets and ``pods/log`` (plain or followed), backed by the node.

Exec speaks the Kubernetes channel protocols a real API server offers: ``v5.channel.k8s.io``
(v4 plus the client's ``[255, 0]`` close signal that gives the command stdin EOF; a server
never sends it, kubectl rejects it),
``v4.channel.k8s.io`` (JSON Status on channel 3), ``v3``/``v2``/``channel.k8s.io`` (plain-text
errors) and ``base64.channel.k8s.io``. Frames are forwarded as they come, one copy each way, so
the server is never the bottleneck of a ``tar`` stream. Errors that happen before the command
runs are HTTP errors on the upgrade request, as a real server sends them.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tests.cluster.apiserver.status import ApiError, bad_request, not_found, status_object
from tests.cluster.nodeapi import ExecError, ExecSession

if TYPE_CHECKING:
    from tests.cluster.apiserver.server import ApiServer

log = logging.getLogger(__name__)

V5, V4, V3, V2, V1 = (
    "v5.channel.k8s.io",
    "v4.channel.k8s.io",
    "v3.channel.k8s.io",
    "v2.channel.k8s.io",
    "channel.k8s.io",
)
BASE64 = "base64.channel.k8s.io"
PROTOCOLS = (V5, V4, V3, V2, V1, BASE64)
CHUNK = 1 << 20
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
START_FAILED = 126


def _flag(query: Any, name: str) -> bool:
    return str(query.get(name, "")).lower() in ("1", "true")


def _node_error(err: ExecError) -> ApiError:
    return ApiError(status_object(err.code, err.reason, err.message))


def _only_container(pod: dict[str, Any]) -> str:
    containers = pod["spec"].get("containers") or []
    return str(containers[0]["name"]) if len(containers) == 1 else ""


class Streaming:
    def __init__(self, server: ApiServer) -> None:
        self.server = server

    def _pod(self, namespace: str, name: str) -> dict[str, Any]:
        pod = self.server.store.peek(("", "pods"), namespace, name)
        if pod is None:
            raise not_found("pods", "", name)
        return pod

    # -- exec ---------------------------------------------------------------------------------

    async def exec(self, request: web.Request, namespace: str, name: str) -> web.StreamResponse:
        if request.method not in ("GET", "POST"):
            raise ApiError(
                status_object(
                    405,
                    "MethodNotAllowed",
                    "the server does not allow this method on the requested resource",
                )
            )
        query = request.query
        pod = self._pod(namespace, name)
        command = query.getall("command", [])
        want_stdin, want_tty = _flag(query, "stdin"), _flag(query, "tty")
        want_stdout, want_stderr = _flag(query, "stdout"), _flag(query, "stderr")
        if not (want_stdin or want_stdout or want_stderr):
            raise bad_request("you must specify at least 1 of stdin, stdout, stderr")
        phase = (pod.get("status") or {}).get("phase")
        if phase in ("Succeeded", "Failed"):
            raise bad_request(
                f"cannot exec into a container in a completed pod; current phase is {phase}"
            )
        if not pod["spec"].get("nodeName") or self.server.node is None:
            raise bad_request(f"pod {name} does not have a host assigned")
        if request.headers.get("Upgrade", "").lower() != "websocket":
            raise bad_request("Upgrade request required")
        try:
            session = await self.server.node.exec(
                namespace,
                name,
                query.get("container", ""),
                list(command),
                stdin=want_stdin,
                tty=want_tty,
            )
        except ExecError as err:
            if err.reason == "NotFound":  # bound, but the node has not taken the pod yet
                container = query.get("container") or _only_container(pod)
                raise bad_request(
                    f'unable to upgrade connection: container not found ("{container}")'
                ) from None
            raise _node_error(err) from None
        ws = web.WebSocketResponse(
            protocols=PROTOCOLS, max_msg_size=0, compress=False, autoping=True, heartbeat=None
        )
        try:
            await ws.prepare(request)
        except BaseException:
            session.process.kill()
            raise
        await ExecStream(ws, session, command, want_stdout, want_stderr and not want_tty).run()
        return ws

    # -- logs ---------------------------------------------------------------------------------

    async def logs(self, request: web.Request, namespace: str, name: str) -> web.StreamResponse:
        query = request.query
        pod = self._pod(namespace, name)
        if query.get("sinceSeconds") and query.get("sinceTime"):
            raise ApiError(
                status_object(
                    422,
                    "Invalid",
                    'PodLogOptions "" is invalid: '
                    "[]: Forbidden: at most one of `sinceTime` or "
                    "`sinceSeconds` may be specified",
                )
            )
        tail = int(query["tailLines"]) if query.get("tailLines") else None
        since = int(query["sinceSeconds"]) if query.get("sinceSeconds") else None
        limit = int(query["limitBytes"]) if query.get("limitBytes") else None
        container = query.get("container", "")
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        if not pod["spec"].get("nodeName") or self.server.node is None:
            if not container and len(pod["spec"].get("containers") or []) > 1:
                names = " ".join(c["name"] for c in pod["spec"]["containers"])
                raise bad_request(
                    f"a container name must be specified for pod {name}, choose one of: [{names}]"
                )
            await response.prepare(request)
            await response.write_eof()
            return response
        try:
            chunks = self.server.node.logs(
                namespace,
                name,
                container,
                follow=_flag(query, "follow"),
                tail_lines=tail,
                timestamps=_flag(query, "timestamps"),
                since_seconds=since,
                since_time=query.get("sinceTime"),
                previous=_flag(query, "previous"),
            )
        except ExecError as err:
            if err.reason == "NotFound":  # bound, but the node has not taken the pod yet
                container = container or _only_container(pod)
                raise bad_request(
                    f'container "{container}" in pod "{name}" is waiting to start: '
                    "ContainerCreating"
                ) from None
            raise _node_error(err) from None
        await response.prepare(request)
        sent = 0
        try:
            async for block in chunks:
                piece = block if limit is None else block[: max(0, limit - sent)]
                if piece:
                    await response.write(piece)
                    sent += len(piece)
                if limit is not None and sent >= limit:
                    break
        except (ConnectionResetError, asyncio.CancelledError):
            return response
        finally:
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                with contextlib.suppress(Exception):
                    await aclose()
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response


class ExecStream:
    """Shuttles one exec session between the websocket and the node's process."""

    def __init__(
        self,
        ws: web.WebSocketResponse,
        session: ExecSession,
        command: list[str],
        stdout: bool,
        stderr: bool,
    ) -> None:
        self.ws = ws
        self.session = session
        self.command = command
        self.protocol = ws.ws_protocol or V1
        self.want_stdout = stdout
        self.want_stderr = stderr
        self._client_gone = False

    async def send(self, channel: int, data: bytes | bytearray | memoryview) -> None:
        if self.protocol == BASE64:
            await self.ws.send_str(str(channel) + base64.b64encode(data).decode())
        else:
            await self.ws.send_bytes(bytes((channel,)) + data)

    async def run(self) -> None:
        first = STDOUT if self.want_stdout else STDERR if self.want_stderr else ERROR
        reader = asyncio.create_task(self._read_client())
        try:
            await self.send(first, b"")
            pumps = [self._pump(self.session.stdout, STDOUT, self.want_stdout)]
            if self.session.stderr is not None:
                pumps.append(self._pump(self.session.stderr, STDERR, self.want_stderr))
            await asyncio.gather(*pumps)
            code = await self.session.process.wait()
            if not self._client_gone:
                await self._send_status(code)
        except (ConnectionResetError, RuntimeError) as exc:
            log.debug("exec client went away: %s", exc)
            self.session.process.kill()
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
            self._close_stdin()
            with contextlib.suppress(Exception):
                await self.ws.close()

    async def _pump(self, stream: Any, channel: int, forward: bool) -> None:
        while True:
            data = await stream.read(CHUNK)
            if not data:
                break
            if forward and not self._client_gone:
                await self.send(channel, data)

    async def _send_status(self, code: int) -> None:
        start_error = getattr(self.session.process, "start_error", None)
        if start_error:
            message = f"error executing command in container: {start_error}"
            status: dict[str, Any] = {
                "metadata": {},
                "status": "Failure",
                "message": f"Internal error occurred: {message}",
                "reason": "InternalError",
                "details": {"causes": [{"message": message}]},
                "code": 500,
            }
            text = f"Internal error occurred: {message}"
        elif code == 0:
            status = {"metadata": {}, "status": "Success"}
            text = ""
        else:
            argv = "[" + " ".join(self.command) + "]"
            text = (
                "command terminated with non-zero exit code: error executing command "
                f"{argv}, exit code {code}"
            )
            status = {
                "metadata": {},
                "status": "Failure",
                "message": text,
                "reason": "NonZeroExitCode",
                "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
            }
        if self.protocol in (V5, V4):
            await self.send(ERROR, json.dumps(status, separators=(",", ":")).encode())
        elif text:
            await self.send(ERROR, text.encode())

    async def _read_client(self) -> None:
        stdin = self.session.stdin
        try:
            async for msg in self.ws:
                if msg.type == WSMsgType.BINARY:
                    data = memoryview(msg.data)
                elif msg.type == WSMsgType.TEXT:
                    if self.protocol == BASE64:
                        if not msg.data:
                            continue
                        channel = int(msg.data[0])
                        data = memoryview(bytes((channel,)) + base64.b64decode(msg.data[1:]))
                    else:
                        data = memoryview(msg.data.encode("latin-1", "replace"))
                else:
                    break
                if not data:
                    continue
                channel = data[0]
                if channel == CLOSE and self.protocol == V5:
                    if len(data) > 1 and data[1] == STDIN:
                        self._close_stdin()
                    continue
                if channel == STDIN and stdin is not None and not stdin.is_closing():
                    payload = data[1:]
                    if payload:
                        stdin.write(payload)
                        await stdin.drain()
        except (ConnectionResetError, BrokenPipeError):
            pass
        finally:
            if self.ws.closed:
                self._client_gone = True
            self._close_stdin()

    def _close_stdin(self) -> None:
        stdin = self.session.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()

"""A TCP forwarder between kancli and the test API server that a test can cut.

Connections that break in the middle (a load balancer's idle timeout, an API server restart) are
what kancli's log reconnection and exec drop detection exist for. Putting this proxy in front of
the real test cluster breaks real connections at a moment the test chooses, without touching the
server.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path
from types import TracebackType

import yaml


class TcpProxy:
    """Listens on 127.0.0.1 and forwards every connection to ``upstream``."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._closed = False
        self.accepted = 0
        self._spawn(self._accept_loop)

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self._threads.append(thread)

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self._upstream)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._closed:
                    client.close()
                    server.close()
                    return
                self._sockets.update((client, server))
                self.accepted += 1
            self._spawn(self._pump, client, server)
            self._spawn(self._pump, server, client)

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(256 * 1024)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> int:
        """Break every open connection at once (both directions); returns how many."""
        with self._lock:
            live = list(self._sockets)
            self._sockets.clear()
        for sock in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
        return len(live) // 2

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._listener.close()
        self.cut()
        for thread in self._threads:
            thread.join(timeout=2)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def kubeconfig_through(proxy: TcpProxy, kubeconfig: Path, target: Path) -> Path:
    """A copy of ``kubeconfig`` whose clusters point at ``proxy`` (plain HTTP test server)."""
    doc = yaml.safe_load(kubeconfig.read_text())
    for entry in doc.get("clusters") or []:
        cluster = entry["cluster"]
        scheme = cluster["server"].split("://", 1)[0]
        cluster["server"] = f"{scheme}://127.0.0.1:{proxy.port}"
    target.write_text(yaml.safe_dump(doc))
    return target

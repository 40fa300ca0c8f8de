"""``ApiServer``: the test cluster's Kubernetes API server (aiohttp, 127.0.0.1 only).

It wires the pieces together: the type registry, the object store, the shared write paths,
the controllers, RBAC, discovery/REST routes, exec/log streaming, and the node that runs pods.
It is also the node's ``NodeHost``: the node reads claims, secrets and configmaps through it and
publishes pod status to it.

Usage (inside an event loop)::

    server = ApiServer(state_dir, node_factory=lambda host: ContainerdNode(runtime, host))
    await server.start()            # server.url, e.g. http://127.0.0.1:41234
    ...
    await server.stop()
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.cluster.apiserver import discovery, openapi
from tests.cluster.apiserver.auth import Authorizer
from tests.cluster.apiserver.controllers import Controllers
from tests.cluster.apiserver.objects import DeleteOptions, ObjectService
from tests.cluster.apiserver.resources import Registry
from tests.cluster.apiserver.rest import RestApi, error_response, json_response
from tests.cluster.apiserver.status import ApiError, internal_error, unauthorized
from tests.cluster.apiserver.store import Store, now_rfc3339
from tests.cluster.apiserver.streaming import Streaming
from tests.cluster.apiserver.tls import create_serving_certificate
from tests.cluster.nodeapi import Node, NodeHost

log = logging.getLogger(__name__)

NodeFactory = Callable[[NodeHost], Node]
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
_PUBLIC = ("/version", "/healthz", "/readyz", "/livez")
REQUEST_LOG_SIZE = 100_000


@dataclass(frozen=True)
class RequestRecord:
    """One served request, for assertions and debugging."""

    method: str
    path: str
    query: str
    status: int
    seconds: float

    def __str__(self) -> str:
        query = f"?{self.query}" if self.query else ""
        return f"{self.method} {self.path}{query} -> {self.status}"


class RequestLog:
    """Thread-safe record of requests; ``since(mark)`` gives those after a mark."""

    def __init__(self) -> None:
        self._records: collections.deque[RequestRecord] = collections.deque(maxlen=REQUEST_LOG_SIZE)
        self._count = 0
        self._lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)
            self._count += 1

    def mark(self) -> int:
        with self._lock:
            return self._count

    def since(self, mark: int = 0) -> list[RequestRecord]:
        with self._lock:
            records = list(self._records)
            first = self._count - len(records)
        return records[max(0, mark - first) :]


class ApiServer:
    def __init__(
        self,
        state_dir: Path,
        *,
        token: str | None = None,
        tls: bool = False,
        node_factory: NodeFactory | None = None,
    ) -> None:
        self.state_dir = state_dir
        self.certificate = create_serving_certificate(state_dir / "tls") if tls else None
        self.registry = Registry()
        self.store = Store()
        self.service = ObjectService(self.registry, self.store)
        self.authorizer = Authorizer(token)
        self.requests = RequestLog()
        self.node: Node | None = node_factory(self) if node_factory else None
        self.controllers = Controllers(
            self.registry, self.store, self.service, self.node, state_dir / "volumes"
        )
        self.rest = RestApi(self)
        self.streaming = Streaming(self)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        scheme = "https" if self.certificate else "http"
        return f"{scheme}://{self.address}"

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        self.controllers.start()
        self._bootstrap()
        app = web.Application(middlewares=[self._middleware], client_max_size=0)
        app.router.add_route("*", "/{tail:.*}", self._route)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await self._runner.setup()
        context = self.certificate.server_context() if self.certificate else None
        site = web.TCPSite(self._runner, "127.0.0.1", port, backlog=256, ssl_context=context)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self, drain_seconds: float = 45.0) -> None:
        """Delete every pod through the node (waiting up to ``drain_seconds`` for pods already
        terminating with their own grace period), stop serving and stop the controllers."""
        for pod in list(self.store.items(("", "pods"))):
            meta = pod["metadata"]
            with contextlib.suppress(ApiError):
                self.service.delete(
                    self.controllers.rtype(("", "pods")),
                    meta["namespace"],
                    meta["name"],
                    DeleteOptions(grace_seconds=0),
                )
        await self.controllers.drain(drain_seconds)
        self.store.close_watchers()
        if self._runner is not None:
            await asyncio.sleep(0.05)  # let watch handlers see their end and finish
            if self._runner.server is not None:
                # Abort what is still connected (idle keep-alives): a TLS close would otherwise
                # wait for the peer's close_notify and outlive the event loop.
                for handler in list(self._runner.server.connections):
                    if handler.transport is not None:
                        handler.transport.abort()
            await self._runner.cleanup()
            self._runner = None
        await self.controllers.stop()

    def _bootstrap(self) -> None:
        namespaces = self.controllers.rtype(("", "namespaces"))
        for name in SYSTEM_NAMESPACES:
            if self.store.peek(namespaces.key, "", name) is None:
                self.service.create(namespaces, "", {"metadata": {"name": name}})
        storage_class = {
            "metadata": {
                "name": "standard",
                "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
            },
            "provisioner": "kancli.test/hostpath",
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "Immediate",
        }
        classes = self.controllers.rtype(("storage.k8s.io", "storageclasses"))
        if self.store.peek(classes.key, "", "standard") is None:
            self.service.create(classes, "", storage_class)
        if self.node is not None:
            self._register_node(self.node.name)

    def _register_node(self, name: str) -> None:
        now = now_rfc3339()
        node = {
            "metadata": {
                "name": name,
                "labels": {
                    "kubernetes.io/hostname": name,
                    "kubernetes.io/os": "linux",
                    "kubernetes.io/arch": "amd64",
                },
            },
            "spec": {},
            "status": {
                "conditions": [
                    {
                        "type": t,
                        "status": "False",
                        "reason": f"KubeletHas{r}",
                        "message": m,
                        "lastHeartbeatTime": now,
                        "lastTransitionTime": now,
                    }
                    for t, r, m in (
                        (
                            "MemoryPressure",
                            "SufficientMemory",
                            "kubelet has sufficient memory available",
                        ),
                        ("DiskPressure", "NoDiskPressure", "kubelet has no disk pressure"),
                        ("PIDPressure", "SufficientPID", "kubelet has sufficient PID available"),
                    )
                ]
                + [
                    {
                        "type": "Ready",
                        "status": "True",
                        "reason": "KubeletReady",
                        "message": "kubelet is posting ready status",
                        "lastHeartbeatTime": now,
                        "lastTransitionTime": now,
                    }
                ],
                "addresses": [
                    {"type": "InternalIP", "address": "127.0.0.1"},
                    {"type": "Hostname", "address": name},
                ],
                "capacity": {"cpu": "2", "memory": "24Gi", "pods": "110"},
                "allocatable": {"cpu": "2", "memory": "24Gi", "pods": "110"},
                "nodeInfo": {
                    "kubeletVersion": discovery.KUBERNETES_VERSION["gitVersion"],
                    "containerRuntimeVersion": "containerd://1.6.20",
                    "operatingSystem": "linux",
                    "architecture": "amd64",
                },
            },
        }
        nodes = self.controllers.rtype(("", "nodes"))
        stored = self.service.create(nodes, "", node)
        stored["status"] = node["status"]
        self.service.update(nodes, "", name, stored, subresource="status")

    # -- HTTP -------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        began = time.monotonic()
        status = 500
        try:
            if request.path.rstrip("/") not in _PUBLIC and not self.authorizer.authenticate(
                request.headers.get("Authorization")
            ):
                raise unauthorized()
            response = await handler(request)
            status = response.status
            return response
        except ApiError as err:
            status = err.code
            return error_response(err)
        except web.HTTPException as exc:
            status = exc.status
            raise
        except (ConnectionResetError, asyncio.CancelledError):
            status = 499
            raise
        except Exception as exc:
            log.exception("request %s %s failed", request.method, request.path_qs)
            failure = internal_error(str(exc))
            status = failure.code
            return error_response(failure)
        finally:
            self.requests.add(
                RequestRecord(
                    request.method,
                    request.path,
                    request.query_string,
                    status,
                    time.monotonic() - began,
                )
            )

    async def _route(self, request: web.Request) -> web.StreamResponse:
        path = request.path.rstrip("/") or "/"
        if path == "/version":
            return json_response(discovery.KUBERNETES_VERSION)
        if path == "/openapi/v3":
            return json_response(openapi.index(self.registry))
        if path.startswith("/openapi/v3/"):
            rest = path[len("/openapi/v3/") :].split("/")
            group, version = ("", rest[1]) if rest[0] == "api" else (rest[1], rest[-1])
            doc = openapi.group_version(self.registry, group, version) if len(rest) >= 2 else None
            if doc is not None:
                return json_response(doc)
        if path in ("/healthz", "/readyz", "/livez"):
            return web.Response(text="ok")
        if path == "/api" or path.startswith(("/api/", "/apis")):
            return await self.rest.dispatch(request)
        raise ApiError(
            {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": "the server could not find the requested resource",
                "reason": "NotFound",
                "details": {},
                "code": 404,
            }
        )

    # -- NodeHost ---------------------------------------------------------------------------

    def pvc_host_path(self, namespace: str, claim_name: str) -> Path:
        pvc = self.store.peek(("", "persistentvolumeclaims"), namespace, claim_name)
        if pvc is None:
            raise KeyError(f"{namespace}/{claim_name}")
        path = self.controllers.lifecycle.volume_dir(pvc)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def read_secret(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self.store.get(("", "secrets"), namespace, name)

    def read_configmap(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self.store.get(("", "configmaps"), namespace, name)

    def publish_pod_status(self, namespace: str, name: str, status: dict[str, Any]) -> None:
        current = self.store.peek(("", "pods"), namespace, name)
        if current is None:
            return
        new = copy.deepcopy(current)
        merged = copy.deepcopy(status)
        qos = (current.get("status") or {}).get("qosClass")
        if qos and "qosClass" not in merged:
            merged["qosClass"] = qos
        new["status"] = merged
        if new != current:
            self.store.put(("", "pods"), new)

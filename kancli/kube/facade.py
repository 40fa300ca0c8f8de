"""``Kube``: the one object through which the rest of kancli uses a cluster.

It bundles a :class:`~kancli.kube.connection.Connection` with the resolver and the operations of
the modules beside it, so that functions receive a single ``ctx.kube`` and never build clients.
Every method returns kancli's dataclasses or JSON-shaped dicts and raises only kancli errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from kancli.kube import access, logs, objects, podexec, pods, workloads
from kancli.kube.connection import Connection
from kancli.kube.objects import Objects, PatchType
from kancli.kube.resources import CONFIGMAPS, PODS, SECRETS, Resolver
from kancli.kube.types import (
    GVR,
    AccessReview,
    ExecResult,
    ObjectRef,
    PodOutcome,
    PVCParams,
    ResourceInfo,
    Sink,
    StdinSource,
    WorkloadParams,
)
from kancli.kube.waiting import wait_for_object

T = TypeVar("T")


class Kube:
    """A connected cluster; cheap to create, API clients are built on first use."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._resolver = Resolver(conn)
        self._objects = Objects(conn, self._resolver)

    # -- connection ------------------------------------------------------------------------
    @property
    def namespace(self) -> str:
        """The context's default namespace (``default`` when the context names none)."""
        return self._conn.namespace

    @property
    def connection(self) -> Connection:
        """The underlying connection (for the lower-level functions of kancli.kube modules)."""
        return self._conn

    @property
    def context(self) -> str:
        return self._conn.context

    @property
    def host(self) -> str:
        return self._conn.host

    def close(self) -> None:
        self._conn.close()

    def server_version(self) -> dict[str, Any]:
        """``GET /version``: the cheapest request that proves the server answers."""
        answer = self._conn.request_json("GET", "/version", what="server version")
        return answer if isinstance(answer, dict) else {}

    # -- reads -----------------------------------------------------------------------------
    def resource_info(self, gvr: GVR) -> ResourceInfo:
        return self._resolver.info(gvr)

    def get(self, gvr: GVR, name: str, namespace: str = "") -> dict[str, Any]:
        return self._objects.get(gvr, name, namespace)

    def get_or_none(self, gvr: GVR, name: str, namespace: str = "") -> dict[str, Any] | None:
        return self._objects.get_or_none(gvr, name, namespace)

    def list_objects(
        self,
        gvr: GVR,
        namespace: str = "",
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict[str, Any]]:
        return self._objects.list_objects(
            gvr, namespace, label_selector=label_selector, field_selector=field_selector
        )

    def read_secret(self, namespace: str, name: str) -> dict[str, Any]:
        return self._objects.get(SECRETS, name, namespace)

    def read_configmap(self, namespace: str, name: str) -> dict[str, Any]:
        return self._objects.get(CONFIGMAPS, name, namespace)

    def read_pod(self, namespace: str, name: str) -> dict[str, Any]:
        return self._objects.get(PODS, name, namespace)

    def resolve_deployment(self, namespace: str, name: str) -> WorkloadParams:
        return workloads.resolve_deployment(self._objects, namespace, name)

    def resolve_statefulset(self, namespace: str, name: str) -> WorkloadParams:
        return workloads.resolve_statefulset(self._objects, namespace, name)

    def resolve_pvc(self, namespace: str, name: str) -> PVCParams:
        return workloads.resolve_pvc(self._objects, namespace, name)

    # -- exec ------------------------------------------------------------------------------
    def exec(
        self,
        namespace: str,
        pod: str,
        container: str | None,
        command: Sequence[str],
        *,
        stdin: StdinSource | None = None,
        stdout: Sink | None = None,
        stderr: Sink | None = None,
        timeout: float | None = None,
    ) -> ExecResult:
        """Run a command in a container; see :func:`kancli.kube.podexec.run_exec`."""
        return podexec.run_exec(
            self._conn,
            namespace,
            pod,
            container,
            command,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            timeout=timeout,
        )

    # -- pods ------------------------------------------------------------------------------
    def create_pod(self, namespace: str, manifest: Mapping[str, Any]) -> dict[str, Any]:
        return pods.create_pod(self._objects, namespace, manifest)

    def wait_for_pod_ready(
        self,
        namespace: str,
        name: str,
        *,
        timeout: float | None,
        log_container: str | None = None,
    ) -> dict[str, Any]:
        return pods.wait_for_pod_ready(
            self._conn, namespace, name, timeout=timeout, log_container=log_container
        )

    def wait_for_pod_completion(
        self, namespace: str, name: str, *, timeout: float | None
    ) -> PodOutcome:
        return pods.wait_for_pod_completion(self._conn, namespace, name, timeout=timeout)

    def delete_pod(
        self, namespace: str, name: str, *, wait: bool = False, timeout: float | None = None
    ) -> None:
        pods.delete_pod(self._conn, self._objects, namespace, name, wait=wait, timeout=timeout)

    @staticmethod
    def pod_outcome(pod: dict[str, Any]) -> PodOutcome:
        return pods.pod_outcome(pod)

    # -- logs ------------------------------------------------------------------------------
    def stream_logs(
        self,
        namespace: str,
        pod: str,
        container: str,
        sink: Sink | None,
        *,
        since_time: str | None = None,
        timeout: float | None = None,
    ) -> None:
        logs.stream_logs(
            self._conn, namespace, pod, container, sink, since_time=since_time, timeout=timeout
        )

    def read_logs(
        self, namespace: str, pod: str, container: str, *, tail_lines: int | None = None
    ) -> bytes:
        return logs.read_logs(self._conn, namespace, pod, container, tail_lines=tail_lines)

    def log_tail(self, namespace: str, pod: str, container: str, lines: int = 10) -> str:
        return logs.log_tail(self._conn, namespace, pod, container, lines)

    # -- workloads -------------------------------------------------------------------------
    def read_replicas(self, kind: str, namespace: str, name: str) -> int:
        return workloads.read_replicas(self._objects, kind, namespace, name)

    def scale_workload(
        self, kind: str, namespace: str, name: str, replicas: int, *, subresource: bool = False
    ) -> int:
        """Set replicas (Kanister's Update by default); returns the previous count."""
        return workloads.scale(
            self._objects, kind, namespace, name, replicas, subresource=subresource
        )

    def wait_for_workload_ready(
        self, kind: str, namespace: str, name: str, *, timeout: float | None
    ) -> None:
        workloads.wait_for_ready(self._objects, kind, namespace, name, timeout=timeout)

    # -- generic objects -------------------------------------------------------------------
    def create(
        self,
        gvr: GVR,
        body: Mapping[str, Any],
        namespace: str = "",
        *,
        field_manager: str | None = None,
    ) -> dict[str, Any]:
        return self._objects.create(gvr, body, namespace, field_manager=field_manager)

    def create_objects(self, spec: str, namespace: str) -> list[ObjectRef]:
        """KubeOps ``create``: every object of a YAML/JSON spec (see objects.create_from_spec)."""
        return objects.create_from_spec(self._objects, spec, namespace)

    def replace(self, gvr: GVR, body: Mapping[str, Any], namespace: str = "") -> dict[str, Any]:
        return self._objects.replace(gvr, body, namespace)

    def patch(
        self,
        gvr: GVR,
        name: str,
        patch: Mapping[str, Any] | Sequence[Any] | str | bytes,
        namespace: str = "",
        *,
        patch_type: PatchType = "strategic",
    ) -> dict[str, Any]:
        return self._objects.patch(gvr, name, patch, namespace, patch_type=patch_type)

    def delete(
        self,
        gvr: GVR,
        name: str,
        namespace: str = "",
        *,
        wait: bool = False,
        timeout: float | None = None,
        ignore_not_found: bool = False,
    ) -> bool:
        """DELETE; with ``wait``, also wait until a GET answers NotFound (KubeOps ``delete``)."""
        deleted = self._objects.delete(gvr, name, namespace, ignore_not_found=ignore_not_found)
        if wait:
            self.wait_for(
                gvr,
                name,
                namespace,
                lambda obj: True if obj is None else None,
                timeout=timeout,
                what=f"{gvr.resource}/{name} to be deleted",
            )
        return deleted

    def wait_for(
        self,
        gvr: GVR,
        name: str,
        namespace: str,
        check: Callable[[dict[str, Any] | None], T | None],
        *,
        timeout: float | None,
        what: str,
    ) -> T:
        """Wait until ``check(object or None)`` returns a result (watch, else polling)."""
        info = self._resolver.info(gvr)
        return wait_for_object(self._conn, info, namespace, name, check, timeout=timeout, what=what)

    # -- access ----------------------------------------------------------------------------
    def can_i(
        self,
        verb: str,
        resource: str,
        *,
        subresource: str = "",
        namespace: str = "",
        group: str = "",
        name: str = "",
    ) -> AccessReview:
        return access.can_i(
            self._conn,
            verb,
            resource,
            subresource=subresource,
            namespace=namespace,
            group=group,
            name=name,
        )

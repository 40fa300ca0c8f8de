"""Pods that kancli's functions start: create, wait until running, wait until done, delete.

Waiting follows Kanister's ``WaitForPodReady`` (phase no longer Pending, fail fast on a pod that
cannot start) and ``WaitForPodCompletion`` (Succeeded or Failed) from kanister-behaviour.md 5.0,
through a watch so that a sub-second pod start is seen at once. Deliberate deviations: deadlines
come from the caller (Kanister: 15 minutes for ready, none for completion), and image pull errors
fail at once instead of after the ready timeout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kancli.errors import NotFoundError
from kancli.kube.connection import Connection
from kancli.kube.logs import log_tail
from kancli.kube.objects import Objects
from kancli.kube.resources import PODS, WELL_KNOWN
from kancli.kube.types import ContainerOutcome, PodFailedError, PodOutcome
from kancli.kube.waiting import wait_for_object

#: Waiting reasons after which a container will not start without outside help.
CANNOT_START = frozenset(
    {"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"}
)
#: Pod reasons that make Kanister give up on a Pending pod.
UNSCHEDULABLE = frozenset({"OutOfmemory", "OutOfcpu"})
_POD = WELL_KNOWN[PODS]


def _containers(statuses: list[dict[str, Any]]) -> tuple[ContainerOutcome, ...]:
    out: list[ContainerOutcome] = []
    for st in statuses:
        state = st.get("state") or {}
        for key in ("terminated", "running", "waiting"):
            if key in state:
                detail = state[key] or {}
                code = detail.get("exitCode")
                out.append(
                    ContainerOutcome(
                        name=str(st.get("name", "")),
                        state=key,
                        reason=str(detail.get("reason") or ""),
                        message=str(detail.get("message") or ""),
                        exit_code=int(code) if isinstance(code, int) else None,
                    )
                )
                break
        else:
            out.append(ContainerOutcome(name=str(st.get("name", "")), state="unknown"))
    return tuple(out)


def pod_outcome(pod: dict[str, Any]) -> PodOutcome:
    """The parts of a pod's status that explain how it is doing."""
    meta = pod.get("metadata") or {}
    status = pod.get("status") or {}
    return PodOutcome(
        namespace=str(meta.get("namespace", "")),
        name=str(meta.get("name", "")),
        phase=str(status.get("phase") or ""),
        reason=str(status.get("reason") or ""),
        message=str(status.get("message") or ""),
        containers=_containers(status.get("containerStatuses") or []),
        init_containers=_containers(status.get("initContainerStatuses") or []),
    )


def _first_container(pod: dict[str, Any]) -> str:
    containers = (pod.get("spec") or {}).get("containers") or [{}]
    return str(containers[0].get("name", ""))


def create_pod(objects: Objects, namespace: str, manifest: Mapping[str, Any]) -> dict[str, Any]:
    """Create a pod (``metadata.generateName`` allowed); returns it with its final name."""
    body = dict(manifest)
    body.setdefault("apiVersion", "v1")
    body.setdefault("kind", "Pod")
    return objects.create(PODS, body, namespace)


def wait_for_pod_ready(
    conn: Connection,
    namespace: str,
    name: str,
    *,
    timeout: float | None,
    log_container: str | None = None,
) -> dict[str, Any]:
    """Wait until the pod has left Pending; returns the pod.

    Raises PodFailedError (with a log tail) for a pod that failed or cannot start, NotFoundError
    if it disappears, DeadlineError on timeout.
    """

    def check(pod: dict[str, Any] | None) -> dict[str, Any] | None:
        if pod is None:
            raise NotFoundError(f'pods "{name}" not found while waiting for it to start')
        outcome = pod_outcome(pod)
        if outcome.phase == "Failed":
            raise _failed(conn, pod, outcome, "failed", log_container)
        if outcome.phase in ("Pending", ""):
            stuck = [
                c
                for c in outcome.init_containers + outcome.containers
                if c.state == "waiting" and c.reason in CANNOT_START
            ]
            if stuck or outcome.reason in UNSCHEDULABLE:
                raise _failed(conn, pod, outcome, "cannot start", log_container)
            return None
        return pod

    return wait_for_object(
        conn,
        _POD,
        namespace,
        name,
        check,
        timeout=timeout,
        what=f"pod {namespace}/{name} to start",
        describe=_describe,
    )


def wait_for_pod_completion(
    conn: Connection, namespace: str, name: str, *, timeout: float | None
) -> PodOutcome:
    """Wait until the pod has Succeeded or Failed and return how it ended (no error on Failed:
    the caller words that failure)."""

    def check(pod: dict[str, Any] | None) -> PodOutcome | None:
        if pod is None:
            raise NotFoundError(f'pods "{name}" not found while waiting for it to complete')
        outcome = pod_outcome(pod)
        return outcome if outcome.phase in ("Succeeded", "Failed") else None

    return wait_for_object(
        conn,
        _POD,
        namespace,
        name,
        check,
        timeout=timeout,
        what=f"pod {namespace}/{name} to complete",
        describe=_describe,
    )


def delete_pod(
    conn: Connection,
    objects: Objects,
    namespace: str,
    name: str,
    *,
    wait: bool = False,
    timeout: float | None = None,
) -> None:
    """Delete with grace period 0, as Kanister's PodRunner does; a missing pod is fine."""
    objects.delete(PODS, name, namespace, grace_period_seconds=0, ignore_not_found=True)
    if wait:
        wait_for_object(
            conn,
            _POD,
            namespace,
            name,
            lambda pod: True if pod is None else None,
            timeout=timeout,
            what=f"pod {namespace}/{name} to be deleted",
        )


def _describe(pod: dict[str, Any] | None) -> str:
    return "pod not found" if pod is None else pod_outcome(pod).describe()


def _failed(
    conn: Connection,
    pod: dict[str, Any],
    outcome: PodOutcome,
    verb: str,
    log_container: str | None,
) -> PodFailedError:
    failed_init = [
        c.name for c in outcome.init_containers if c.state == "terminated" and c.exit_code
    ]
    container = failed_init[0] if failed_init else (log_container or _first_container(pod))
    tail = log_tail(conn, outcome.namespace, outcome.name, container) if container else ""
    return PodFailedError(
        f"pod {outcome.namespace}/{outcome.name} {verb}: {outcome.describe()}",
        outcome=outcome,
        log_tail=tail,
    )

"""Deployments and StatefulSets: template parameters, scaling and rollout readiness.

``resolve_deployment``/``resolve_statefulset`` compute ``.Deployment``/``.StatefulSet`` exactly
as Kanister does (kanister-behaviour.md 2.1), including the StatefulSet quirk that suffixes even
directly referenced claims with ``-<statefulset>-<ordinal>``. Scaling offers both Kanister's way
(an Update of ``spec.replicas``) and the scale subresource; readiness follows 5.5 per kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from kancli.errors import ConflictError, FunctionError, NotFoundError
from kancli.kube.objects import Objects
from kancli.kube.resources import DEPLOYMENTS, PODS, PVCS, REPLICASETS, STATEFULSETS
from kancli.kube.types import GVR, PVCParams, WorkloadParams
from kancli.kube.waiting import POLL_MAX, POLL_MIN, Deadline

WorkloadKind = Literal["deployment", "statefulset"]
REVISION = "deployment.kubernetes.io/revision"
_ORDINAL = re.compile(r".*-([0-9]+)$")
_CONFLICT_RETRIES = 5


def workload_gvr(kind: str) -> GVR:
    """The resource of a workload kind, matched case-insensitively as Kanister does."""
    lowered = kind.lower()
    if lowered == "deployment":
        return DEPLOYMENTS
    if lowered == "statefulset":
        return STATEFULSETS
    raise FunctionError(f"Workload type not supported {kind}")


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _owned_by(obj: dict[str, Any], uid: str) -> bool:
    return any(ref.get("uid") == uid for ref in _meta(obj).get("ownerReferences") or [])


def _phase(pod: dict[str, Any]) -> str:
    return str((pod.get("status") or {}).get("phase") or "")


def _container_names(pod: dict[str, Any]) -> tuple[str, ...]:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    return tuple(str(s.get("name", "")) for s in statuses)


def _mounts(pod: dict[str, Any], volume_to_claim: dict[str, str]) -> dict[str, str]:
    """claim -> mount path from the pod's regular containers; a later mount wins."""
    result: dict[str, str] = {}
    for container in (pod.get("spec") or {}).get("containers") or []:
        for mount in container.get("volumeMounts") or []:
            claim = volume_to_claim.get(str(mount.get("name", "")))
            if claim is not None:
                result[claim] = str(mount.get("mountPath", ""))
    return result


def _template_claims(workload: dict[str, Any]) -> list[tuple[str, str]]:
    """(volume name, claim name) of the pod template's PVC volumes."""
    volumes = (((workload.get("spec") or {}).get("template") or {}).get("spec") or {}).get(
        "volumes"
    ) or []
    return [
        (str(v.get("name", "")), str(v["persistentVolumeClaim"].get("claimName", "")))
        for v in volumes
        if isinstance(v.get("persistentVolumeClaim"), dict)
    ]


def _params(
    name: str,
    namespace: str,
    pods: Iterable[dict[str, Any]],
    volumes_for: Any,
) -> WorkloadParams:
    names: list[str] = []
    containers: list[tuple[str, ...]] = []
    claims: dict[str, dict[str, str]] = {}
    for pod in pods:
        pod_name = str(_meta(pod).get("name", ""))
        names.append(pod_name)
        containers.append(_container_names(pod))
        mounted = _mounts(pod, volumes_for(pod_name))
        if mounted:
            claims[pod_name] = mounted
    return WorkloadParams(name, namespace, tuple(names), tuple(containers), claims)


def current_replicaset(objects: Objects, deployment: dict[str, Any]) -> dict[str, Any] | None:
    """The ReplicaSet of the Deployment's current revision (first match in API order)."""
    meta = _meta(deployment)
    revision = (meta.get("annotations") or {}).get(REVISION)
    uid = str(meta.get("uid", ""))
    for rs in objects.list_objects(REPLICASETS, str(meta.get("namespace", ""))):
        if _owned_by(rs, uid) and (_meta(rs).get("annotations") or {}).get(REVISION) == revision:
            return rs
    return None


def resolve_deployment(objects: Objects, namespace: str, name: str) -> WorkloadParams:
    """``.Deployment``: running pods of the current ReplicaSet, their containers and claims."""
    deployment = objects.get(DEPLOYMENTS, name, namespace)
    rs = current_replicaset(objects, deployment)
    if rs is None:
        raise NotFoundError("Could not find a ReplicaSet for Deployment: not found")
    rs_uid = str(_meta(rs).get("uid", ""))
    pods = [
        p
        for p in objects.list_objects(PODS, namespace)
        if _owned_by(p, rs_uid) and _phase(p) == "Running"
    ]
    volume_to_claim = dict(_template_claims(deployment))
    return _params(name, namespace, pods, lambda _pod: volume_to_claim)


def statefulset_volumes(statefulset: dict[str, Any], pod_name: str) -> dict[str, str]:
    """pod volume name -> ``<claim>-<statefulset>-<ordinal>`` (Kanister's quirk included)."""
    match = _ORDINAL.match(pod_name)
    if match is None:
        return {}
    ordinal = int(match.group(1))
    ss_name = str(_meta(statefulset).get("name", ""))
    claim_to_volume: dict[str, str] = {}
    for volume, claim in _template_claims(statefulset):
        claim_to_volume[claim] = volume
    for template in (statefulset.get("spec") or {}).get("volumeClaimTemplates") or []:
        claim = str(_meta(template).get("name", ""))
        claim_to_volume.setdefault(claim, claim)
    return {volume: f"{claim}-{ss_name}-{ordinal}" for claim, volume in claim_to_volume.items()}


def resolve_statefulset(objects: Objects, namespace: str, name: str) -> WorkloadParams:
    """``.StatefulSet``: running pods owned by it, their containers and per-ordinal claims."""
    statefulset = objects.get(STATEFULSETS, name, namespace)
    uid = str(_meta(statefulset).get("uid", ""))
    pods = [
        p
        for p in objects.list_objects(PODS, namespace)
        if _owned_by(p, uid) and _phase(p) == "Running"
    ]
    return _params(
        name, namespace, pods, lambda pod_name: statefulset_volumes(statefulset, pod_name)
    )


def resolve_pvc(objects: Objects, namespace: str, name: str) -> PVCParams:
    """``.PVC``: the claim must exist."""
    objects.get(PVCS, name, namespace)
    return PVCParams(name, namespace)


def read_replicas(objects: Objects, kind: str, namespace: str, name: str) -> int:
    """``spec.replicas`` of a workload (the API server defaults it to 1)."""
    workload = objects.get(workload_gvr(kind), name, namespace)
    return int((workload.get("spec") or {}).get("replicas", 1))


def scale(
    objects: Objects,
    kind: str,
    namespace: str,
    name: str,
    replicas: int,
    *,
    subresource: bool = False,
) -> int:
    """Set the replica count; returns the count it had before.

    By default this is Kanister's Update of ``spec.replicas`` (retried on a write conflict);
    ``subresource=True`` patches the ``scale`` subresource instead.
    """
    gvr = workload_gvr(kind)
    for attempt in range(_CONFLICT_RETRIES):
        workload = objects.get(gvr, name, namespace)
        spec = workload.setdefault("spec", {})
        original = int(spec.get("replicas", 1))
        if subresource:
            objects.patch(
                gvr,
                name,
                {"spec": {"replicas": replicas}},
                namespace,
                patch_type="merge",
                subresource="scale",
            )
            return original
        spec["replicas"] = replicas
        try:
            objects.replace(gvr, workload, namespace)
        except ConflictError:
            if attempt == _CONFLICT_RETRIES - 1:
                raise
            continue
        return original
    raise AssertionError("unreachable")


def deployment_ready(objects: Objects, namespace: str, name: str) -> tuple[bool, str]:
    """Kanister's readiness test for a Deployment, with a short description of the state."""
    deployment = objects.get(DEPLOYMENTS, name, namespace)
    spec_replicas = int((deployment.get("spec") or {}).get("replicas", 1))
    status = deployment.get("status") or {}
    counts = {
        k: int(status.get(k) or 0) for k in ("replicas", "updatedReplicas", "availableReplicas")
    }
    state = (
        f"{counts['availableReplicas']}/{spec_replicas} available, "
        f"{counts['updatedReplicas']} updated, {counts['replicas']} total"
    )
    if any(v != spec_replicas for v in counts.values()):
        return False, state
    if int(status.get("observedGeneration") or 0) < int(_meta(deployment).get("generation") or 0):
        return False, state + ", generation not yet observed"
    rs = current_replicaset(objects, deployment)
    if rs is None:
        return False, state + ", no ReplicaSet for the current revision"
    rs_uid = str(_meta(rs).get("uid", ""))
    owned = [p for p in objects.list_objects(PODS, namespace) if _owned_by(p, rs_uid)]
    running = sum(1 for p in owned if _phase(p) == "Running")
    if running != counts["availableReplicas"] or running != len(owned):
        return False, state + f", {running} of {len(owned)} pods running"
    return True, state


def statefulset_ready(objects: Objects, namespace: str, name: str) -> tuple[bool, str]:
    """Kanister's readiness test for a StatefulSet: ready replicas and running pods match."""
    statefulset = objects.get(STATEFULSETS, name, namespace)
    spec_replicas = int((statefulset.get("spec") or {}).get("replicas", 1))
    ready = int((statefulset.get("status") or {}).get("readyReplicas") or 0)
    uid = str(_meta(statefulset).get("uid", ""))
    running = sum(
        1
        for p in objects.list_objects(PODS, namespace)
        if _owned_by(p, uid) and _phase(p) == "Running"
    )
    state = f"{ready}/{spec_replicas} ready, {running} pods running"
    return ready == spec_replicas and running == spec_replicas, state


def wait_for_ready(
    objects: Objects, kind: str, namespace: str, name: str, *, timeout: float | None
) -> None:
    """Poll until the workload is ready as Kanister's ScaleWorkload defines it (5.5)."""
    gvr = workload_gvr(kind)
    test = deployment_ready if gvr == DEPLOYMENTS else statefulset_ready
    deadline = Deadline(timeout)
    delay = POLL_MIN
    while True:
        ready, state = test(objects, namespace, name)
        if ready:
            return
        if deadline.expired():
            raise deadline.error(f"{kind.lower()} {namespace}/{name} to be ready", state)
        deadline.sleep(delay)
        delay = min(delay * 2, POLL_MAX)

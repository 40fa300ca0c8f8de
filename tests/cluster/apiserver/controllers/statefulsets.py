"""The StatefulSet controller.

Pods are ``<set>-0 .. <set>-(N-1)``; with the default OrderedReady policy the next pod is only
created once every earlier one is Running and Ready, and scale-down removes the highest ordinal
first, one at a time. Each ordinal gets the claims of ``volumeClaimTemplates`` named
``<template>-<set>-<ordinal>``, which stay when the set scales down (retention policy Retain).
A template change rolls pods from the highest ordinal down. Failed pods are replaced.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from tests.cluster.apiserver.controllers.common import (
    is_deleting,
    is_ready,
    is_running,
    is_terminal,
    omit_zero,
    owned_by,
    owner_ref,
    template_hash,
)
from tests.cluster.apiserver.objects import DeleteOptions
from tests.cluster.apiserver.status import ApiError

if TYPE_CHECKING:
    from tests.cluster.apiserver.controllers import Controllers

REVISION_LABEL = "controller-revision-hash"
STS = ("apps", "statefulsets")
PODS = ("", "pods")
PVCS = ("", "persistentvolumeclaims")


def _ordinal(set_name: str, pod: dict[str, Any]) -> int | None:
    m = re.fullmatch(re.escape(set_name) + r"-(\d+)", pod["metadata"]["name"])
    return int(m.group(1)) if m else None


class StatefulSetController:
    def __init__(self, ctl: Controllers) -> None:
        self.ctl = ctl
        self.store = ctl.store

    def reconcile(self, namespace: str, name: str) -> None:
        sts = self.store.peek(STS, namespace, name)
        if sts is None or is_deleting(sts):
            return
        revision = f"{name}-{template_hash(sts['spec'].get('template') or {})}"
        pods: dict[int, dict[str, Any]] = {}
        for pod in owned_by(self.store.items(PODS, namespace), sts):
            ordinal = _ordinal(name, pod)
            if ordinal is not None:
                pods[ordinal] = pod
        replicas = int(sts["spec"].get("replicas", 1))
        ordered = sts["spec"].get("podManagementPolicy", "OrderedReady") == "OrderedReady"
        for pod in pods.values():
            if is_terminal(pod) and not is_deleting(pod):
                self.ctl.delete(PODS, pod, DeleteOptions())
        self._scale_up(sts, pods, replicas, revision, ordered)
        self._scale_down(pods, replicas, ordered)
        self._roll(sts, pods, replicas, revision)
        self._write_status(sts, revision)

    def _healthy(self, pod: dict[str, Any] | None) -> bool:
        return pod is not None and not is_deleting(pod) and is_running(pod) and is_ready(pod)

    def _scale_up(
        self,
        sts: dict[str, Any],
        pods: dict[int, dict[str, Any]],
        replicas: int,
        revision: str,
        ordered: bool,
    ) -> None:
        for ordinal in range(replicas):
            pod = pods.get(ordinal)
            if pod is None:
                self._ensure_claims(sts, ordinal)
                created = self._create_pod(sts, ordinal, revision)
                if created is None or ordered:
                    return
                pods[ordinal] = created
            elif ordered and not self._healthy(pod):
                return

    def _scale_down(self, pods: dict[int, dict[str, Any]], replicas: int, ordered: bool) -> None:
        condemned = sorted((o for o in pods if o >= replicas), reverse=True)
        if not condemned:
            return
        if ordered:
            if any(is_deleting(pods[o]) for o in condemned):
                return
            if not all(self._healthy(pods.get(o)) for o in range(replicas)):
                return
            condemned = condemned[:1]
        for ordinal in condemned:
            if not is_deleting(pods[ordinal]):
                self.ctl.delete(PODS, pods[ordinal], DeleteOptions())

    def _roll(
        self, sts: dict[str, Any], pods: dict[int, dict[str, Any]], replicas: int, revision: str
    ) -> None:
        strategy = sts["spec"].get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") != "RollingUpdate":
            return
        partition = int((strategy.get("rollingUpdate") or {}).get("partition", 0))
        if not all(self._healthy(pods.get(o)) for o in range(replicas)):
            return
        for ordinal in range(replicas - 1, partition - 1, -1):
            pod = pods[ordinal]
            if (pod["metadata"].get("labels") or {}).get(REVISION_LABEL) != revision:
                self.ctl.delete(PODS, pod, DeleteOptions())
                return

    def claim_name(self, sts: dict[str, Any], template: dict[str, Any], ordinal: int) -> str:
        return f"{template['metadata']['name']}-{sts['metadata']['name']}-{ordinal}"

    def _ensure_claims(self, sts: dict[str, Any], ordinal: int) -> None:
        namespace = sts["metadata"]["namespace"]
        selector_labels = (sts["spec"].get("selector") or {}).get("matchLabels") or {}
        policy = sts["spec"].get("persistentVolumeClaimRetentionPolicy") or {}
        for template in sts["spec"].get("volumeClaimTemplates") or []:
            name = self.claim_name(sts, template, ordinal)
            if self.store.peek(PVCS, namespace, name) is not None:
                continue
            meta = copy.deepcopy(template.get("metadata") or {})
            meta.update({"name": name, "namespace": namespace})
            meta["labels"] = {**(meta.get("labels") or {}), **selector_labels}
            if policy.get("whenDeleted") == "Delete":
                meta["ownerReferences"] = [owner_ref(sts)]
            claim = {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": meta,
                "spec": copy.deepcopy(template.get("spec") or {}),
            }
            try:
                self.ctl.create(PVCS, namespace, claim)
            except ApiError:
                continue

    def _create_pod(
        self, sts: dict[str, Any], ordinal: int, revision: str
    ) -> dict[str, Any] | None:
        set_name = sts["metadata"]["name"]
        namespace = sts["metadata"]["namespace"]
        pod_name = f"{set_name}-{ordinal}"
        template = copy.deepcopy(sts["spec"].get("template") or {})
        tmeta = template.get("metadata") or {}
        spec = template.get("spec") or {}
        labels = {
            **(tmeta.get("labels") or {}),
            REVISION_LABEL: revision,
            "statefulset.kubernetes.io/pod-name": pod_name,
            "apps.kubernetes.io/pod-index": str(ordinal),
        }
        claims = {
            t["metadata"]["name"]: self.claim_name(sts, t, ordinal)
            for t in sts["spec"].get("volumeClaimTemplates") or []
        }
        volumes = [
            {"name": vol, "persistentVolumeClaim": {"claimName": claim}}
            for vol, claim in sorted(claims.items())
        ]
        volumes += [v for v in spec.get("volumes") or [] if v.get("name") not in claims]
        if volumes:
            spec["volumes"] = volumes
        spec["hostname"] = pod_name
        if sts["spec"].get("serviceName"):
            spec["subdomain"] = sts["spec"]["serviceName"]
        meta: dict[str, Any] = {
            "name": pod_name,
            "namespace": namespace,
            "labels": labels,
            "ownerReferences": [owner_ref(sts)],
        }
        if tmeta.get("annotations"):
            meta["annotations"] = tmeta["annotations"]
        try:
            return self.ctl.create(
                PODS, namespace, {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
            )
        except ApiError:
            return None

    def _write_status(self, sts: dict[str, Any], revision: str) -> None:
        current = self.store.peek(STS, sts["metadata"]["namespace"], sts["metadata"]["name"])
        if current is None:
            return
        pods = [
            p
            for p in owned_by(self.store.items(PODS, sts["metadata"]["namespace"]), current)
            if _ordinal(sts["metadata"]["name"], p) is not None
        ]
        live = [p for p in pods if not is_deleting(p)]
        ready = sum(1 for p in live if is_running(p) and is_ready(p))
        updated = sum(
            1 for p in live if (p["metadata"].get("labels") or {}).get(REVISION_LABEL) == revision
        )
        old = current.get("status") or {}
        replicas = int(current["spec"].get("replicas", 1))
        current_revision = old.get("currentRevision") or revision
        if updated == replicas and ready == replicas and len(live) == replicas:
            current_revision = revision
        current_count = sum(
            1
            for p in live
            if (p["metadata"].get("labels") or {}).get(REVISION_LABEL) == current_revision
        )
        status = omit_zero(
            {
                "observedGeneration": current["metadata"].get("generation", 1),
                "replicas": len(pods),
                "readyReplicas": ready,
                "currentReplicas": current_count,
                "updatedReplicas": updated,
                "currentRevision": current_revision,
                "updateRevision": revision,
                "collisionCount": 0,
                "availableReplicas": ready,
            },
            keep=("replicas", "collisionCount", "availableReplicas"),
        )
        new = copy.deepcopy(current)
        new["status"] = status
        self.ctl.service.write_status(self.ctl.rtype(STS), new)

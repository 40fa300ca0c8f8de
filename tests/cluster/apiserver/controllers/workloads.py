"""The Deployment and ReplicaSet controllers.

A Deployment owns one ReplicaSet per pod-template revision (``<deployment>-<hash>``, labelled
``pod-template-hash``, annotated ``deployment.kubernetes.io/revision``); the newest gets the
desired replicas and older ones are scaled to zero (a recreate rollout). A ReplicaSet keeps its
count of live pods named ``<rs>-<5 chars>``, removing the least advanced pods first. Both keep
their status (replicas, ready, available, updated, observedGeneration, conditions) true.
"""

from __future__ import annotations

import copy
import math
from typing import TYPE_CHECKING, Any

from tests.cluster.apiserver.controllers.common import (
    is_deleting,
    is_ready,
    is_terminal,
    omit_zero,
    owned_by,
    owner_ref,
    set_condition,
    template_hash,
)
from tests.cluster.apiserver.objects import DeleteOptions
from tests.cluster.apiserver.status import ApiError

if TYPE_CHECKING:
    from tests.cluster.apiserver.controllers import Controllers

REVISION = "deployment.kubernetes.io/revision"
HASH_LABEL = "pod-template-hash"


def _revision(obj: dict[str, Any]) -> int:
    try:
        return int((obj["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def _max_unavailable(spec: dict[str, Any]) -> int:
    replicas = int(spec.get("replicas", 1))
    rolling = (spec.get("strategy") or {}).get("rollingUpdate") or {}
    value = rolling.get("maxUnavailable", "25%")
    if isinstance(value, str) and value.endswith("%"):
        return math.floor(replicas * int(value[:-1]) / 100)
    return int(value)


class DeploymentController:
    def __init__(self, ctl: Controllers) -> None:
        self.ctl = ctl
        self.store = ctl.store

    def reconcile(self, namespace: str, name: str) -> None:
        deploy = self.store.peek(("apps", "deployments"), namespace, name)
        if deploy is None or is_deleting(deploy):
            return
        spec = deploy["spec"]
        rs_all = owned_by(self.store.items(("apps", "replicasets"), namespace), deploy)
        pod_hash = template_hash(spec.get("template") or {})
        new_rs = next(
            (
                rs
                for rs in rs_all
                if (rs["metadata"].get("labels") or {}).get(HASH_LABEL) == pod_hash
            ),
            None,
        )
        max_rev = max((_revision(rs) for rs in rs_all), default=0)
        created = False
        if new_rs is None:
            new_rs = self._create_rs(deploy, pod_hash, max_rev + 1)
            if new_rs is None:
                return
            created = True
        else:
            new_rs = self._sync_new_rs(deploy, new_rs, max_rev)
        for rs in rs_all:
            if rs["metadata"]["uid"] != new_rs["metadata"]["uid"] and rs["spec"].get("replicas"):
                scaled = copy.deepcopy(rs)
                scaled["spec"]["replicas"] = 0
                self.ctl.update(("apps", "replicasets"), scaled)
        self._write_status(deploy, new_rs, created)

    def _create_rs(
        self, deploy: dict[str, Any], pod_hash: str, revision: int
    ) -> dict[str, Any] | None:
        meta = deploy["metadata"]
        spec = deploy["spec"]
        template = copy.deepcopy(spec.get("template") or {})
        tmeta = template.setdefault("metadata", {})
        tmeta["labels"] = {**(tmeta.get("labels") or {}), HASH_LABEL: pod_hash}
        selector = copy.deepcopy(spec["selector"])
        selector["matchLabels"] = {**(selector.get("matchLabels") or {}), HASH_LABEL: pod_hash}
        replicas = int(spec.get("replicas", 1))
        rs = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": f"{meta['name']}-{pod_hash}",
                "namespace": meta["namespace"],
                "labels": copy.deepcopy(tmeta["labels"]),
                "annotations": {
                    "deployment.kubernetes.io/desired-replicas": str(replicas),
                    "deployment.kubernetes.io/max-replicas": str(
                        replicas + math.ceil(replicas / 4)
                    ),
                    REVISION: str(revision),
                },
                "ownerReferences": [owner_ref(deploy)],
            },
            "spec": {
                "replicas": replicas,
                "minReadySeconds": int(spec.get("minReadySeconds", 0)),
                "selector": selector,
                "template": template,
            },
        }
        try:
            return self.ctl.create(("apps", "replicasets"), meta["namespace"], rs)
        except ApiError:
            return None

    def _sync_new_rs(
        self, deploy: dict[str, Any], rs: dict[str, Any], max_rev: int
    ) -> dict[str, Any]:
        replicas = int(deploy["spec"].get("replicas", 1))
        wanted = copy.deepcopy(rs)
        annotations = wanted["metadata"].setdefault("annotations", {})
        if _revision(rs) < max_rev:
            annotations[REVISION] = str(max_rev + 1)
        annotations["deployment.kubernetes.io/desired-replicas"] = str(replicas)
        annotations["deployment.kubernetes.io/max-replicas"] = str(
            replicas + math.ceil(replicas / 4)
        )
        wanted["spec"]["replicas"] = replicas
        return self.ctl.update(("apps", "replicasets"), wanted) or rs

    def _write_status(self, deploy: dict[str, Any], new_rs: dict[str, Any], created: bool) -> None:
        namespace = deploy["metadata"]["namespace"]
        current = self.store.peek(("apps", "deployments"), namespace, deploy["metadata"]["name"])
        if current is None:
            return
        updated = copy.deepcopy(current)
        annotations = updated["metadata"].setdefault("annotations", {})
        annotations[REVISION] = (new_rs["metadata"].get("annotations") or {}).get(REVISION, "1")
        sets = owned_by(self.store.items(("apps", "replicasets"), namespace), current)
        new_status = next(
            (
                rs.get("status") or {}
                for rs in sets
                if rs["metadata"]["uid"] == new_rs["metadata"]["uid"]
            ),
            {},
        )
        total = sum(int((rs.get("status") or {}).get("replicas", 0)) for rs in sets)
        ready = sum(int((rs.get("status") or {}).get("readyReplicas", 0)) for rs in sets)
        available = sum(int((rs.get("status") or {}).get("availableReplicas", 0)) for rs in sets)
        desired = int(updated["spec"].get("replicas", 1))
        status = omit_zero(
            {
                "observedGeneration": updated["metadata"].get("generation", 1),
                "replicas": total,
                "updatedReplicas": int(new_status.get("replicas", 0)),
                "readyReplicas": ready,
                "availableReplicas": available,
                "unavailableReplicas": max(0, total - available)
                if total
                else max(0, desired - available),
            }
        )
        conditions = list((current.get("status") or {}).get("conditions") or [])
        if available >= desired - _max_unavailable(updated["spec"]):
            conditions = set_condition(
                conditions,
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                with_update_time=True,
            )
        else:
            conditions = set_condition(
                conditions,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                with_update_time=True,
            )
        rs_name = new_rs["metadata"]["name"]
        complete = (
            int(new_status.get("replicas", 0)) == desired
            and int(new_status.get("availableReplicas", 0)) == desired
            and total == desired
        )
        if complete:
            reason, message = (
                "NewReplicaSetAvailable",
                f'ReplicaSet "{rs_name}" has successfully progressed.',
            )
        elif created:
            reason, message = "NewReplicaSetCreated", f'Created new replica set "{rs_name}"'
        else:
            reason, message = "ReplicaSetUpdated", f'ReplicaSet "{rs_name}" is progressing.'
        conditions = set_condition(
            conditions, "Progressing", "True", reason, message, with_update_time=True
        )
        order = {"Available": 0, "Progressing": 1}
        status["conditions"] = sorted(conditions, key=lambda c: order.get(c["type"], 2))
        updated["status"] = status
        self.ctl.service.write_status(self.ctl.rtype(("apps", "deployments")), updated)


class ReplicaSetController:
    def __init__(self, ctl: Controllers) -> None:
        self.ctl = ctl
        self.store = ctl.store

    def reconcile(self, namespace: str, name: str) -> None:
        rs = self.store.peek(("apps", "replicasets"), namespace, name)
        if rs is None:
            return
        pods = owned_by(self.store.items(("", "pods"), namespace), rs)
        active = [p for p in pods if not is_deleting(p) and not is_terminal(p)]
        wanted = int(rs["spec"].get("replicas", 0))
        if not is_deleting(rs):
            if len(active) < wanted:
                for _ in range(wanted - len(active)):
                    pod = self._create_pod(rs)
                    if pod is None:
                        break
                    active.append(pod)
            elif len(active) > wanted:
                victims = sorted(active, key=_deletion_rank)[: len(active) - wanted]
                for pod in victims:
                    self.ctl.delete(("", "pods"), pod, DeleteOptions())
                    active.remove(pod)
        self._write_status(rs, active)

    def _create_pod(self, rs: dict[str, Any]) -> dict[str, Any] | None:
        template = copy.deepcopy(rs["spec"].get("template") or {})
        tmeta = template.get("metadata") or {}
        meta: dict[str, Any] = {
            "generateName": f"{rs['metadata']['name']}-",
            "namespace": rs["metadata"]["namespace"],
            "labels": tmeta.get("labels") or {},
            "ownerReferences": [owner_ref(rs)],
        }
        if tmeta.get("annotations"):
            meta["annotations"] = tmeta["annotations"]
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": meta,
            "spec": template.get("spec") or {},
        }
        try:
            return self.ctl.create(("", "pods"), rs["metadata"]["namespace"], pod)
        except ApiError:
            return None

    def _write_status(self, rs: dict[str, Any], active: list[dict[str, Any]]) -> None:
        current = self.store.peek(
            ("apps", "replicasets"), rs["metadata"]["namespace"], rs["metadata"]["name"]
        )
        if current is None:
            return
        fresh = [
            self.store.peek(("", "pods"), p["metadata"]["namespace"], p["metadata"]["name"]) or p
            for p in active
        ]
        ready = sum(1 for p in fresh if is_ready(p))
        updated = copy.deepcopy(current)
        updated["status"] = omit_zero(
            {
                "replicas": len(fresh),
                "fullyLabeledReplicas": len(fresh),
                "readyReplicas": ready,
                "availableReplicas": ready,
                "observedGeneration": current["metadata"].get("generation", 1),
            },
            keep=("replicas",),
        )
        self.ctl.service.write_status(self.ctl.rtype(("apps", "replicasets")), updated)


def _deletion_rank(pod: dict[str, Any]) -> tuple[int, int, int, int]:
    """Pods to remove first: unscheduled, pending, not ready, newest (kube's ActivePods order)."""
    phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}.get(
        (pod.get("status") or {}).get("phase", ""), 0
    )
    return (
        1 if pod["spec"].get("nodeName") else 0,
        phase_rank,
        1 if is_ready(pod) else 0,
        -int(pod["metadata"].get("resourceVersion", "0")),
    )

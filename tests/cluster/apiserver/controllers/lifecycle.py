"""What happens around writes, as the scheduler, kubelet glue, volume binder, namespace
controller, garbage collector and CRD registrar of a real cluster do it.

* Pods: scheduled onto the node once every claim they mount exists (else Pending with the
  scheduler's Unschedulable condition), handed to ``Node.run_pod``; deletion sets
  ``deletionTimestamp`` and removes the object only after ``Node.delete_pod`` returned.
* PersistentVolumeClaims: bound at once to a host directory under ``<state>/volumes`` with a PV
  ``pvc-<uid>``; ``kubernetes.io/pvc-protection`` keeps a claim while a pod uses it; the
  directory is removed with the claim (reclaim policy Delete).
* Namespaces: get the ``default`` ServiceAccount and ``kube-root-ca.crt``; deletion empties the
  namespace (pods through the node) before it disappears.
* CustomResourceDefinitions register their types for discovery and REST at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.cluster.apiserver.controllers.common import is_deleting, is_terminal
from tests.cluster.apiserver.objects import DeleteOptions, Lifecycle
from tests.cluster.apiserver.resources import custom_resource_types
from tests.cluster.apiserver.status import ApiError
from tests.cluster.apiserver.store import now_rfc3339

if TYPE_CHECKING:
    from tests.cluster.apiserver.controllers import Controllers

log = logging.getLogger(__name__)

PODS = ("", "pods")
PVCS = ("", "persistentvolumeclaims")
PVS = ("", "persistentvolumes")
NAMESPACES = ("", "namespaces")
CRDS = ("apiextensions.k8s.io", "customresourcedefinitions")
PVC_PROTECTION = "kubernetes.io/pvc-protection"
PROVISIONER = "kancli.test/hostpath"
NAMESPACE_DRAIN_SECONDS = 120
ROOT_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrYW5jbGkt\n"
    "dGVzdC1jbHVzdGVyLWNhMB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAwMDAwMFow\n"
    "-----END CERTIFICATE-----\n"
)


def _claims(pod: dict[str, Any]) -> list[str]:
    return [
        v["persistentVolumeClaim"]["claimName"]
        for v in pod["spec"].get("volumes") or []
        if v.get("persistentVolumeClaim")
    ]


class ClusterLifecycle:
    def __init__(self, ctl: Controllers, volumes_dir: Path) -> None:
        self.ctl = ctl
        self.store = ctl.store
        self.volumes_dir = volumes_dir
        self.unscheduled: set[tuple[str, str]] = set()

    def hooks(self) -> dict[tuple[str, str], Lifecycle]:
        return {
            PODS: Lifecycle(after_create=self.schedule, delete=self.delete_pod),
            PVCS: Lifecycle(before_create=self._protect_claim, after_create=self.bind_claim),
            NAMESPACES: Lifecycle(
                after_create=self.populate_namespace, delete=self.delete_namespace
            ),
            CRDS: Lifecycle(after_create=self.register_crd, delete=self.delete_crd),
        }

    # -- pods -----------------------------------------------------------------------------------

    def schedule(self, pod: dict[str, Any]) -> None:
        node = self.ctl.node
        meta = pod["metadata"]
        key = (meta["namespace"], meta["name"])
        if node is None:
            self._unschedulable(pod, "no nodes available to schedule pods")
            return
        if pod["spec"].get("nodeName"):
            if pod["spec"]["nodeName"] == node.name:
                self.ctl.spawn(node.run_pod(copy.deepcopy(pod)), f"run pod {key}")
            return
        for claim in _claims(pod):
            pvc = self.store.peek(PVCS, meta["namespace"], claim)
            problem = (
                f'persistentvolumeclaim "{claim}" not found'
                if pvc is None
                else f'persistentvolumeclaim "{claim}" is being deleted'
                if is_deleting(pvc)
                else None
            )
            if problem:
                self.unscheduled.add(key)
                self._unschedulable(
                    pod,
                    f"0/1 nodes are available: {problem}. preemption: 0/1 nodes are available: "
                    "1 Preemption is not helpful for scheduling.",
                )
                return
        self.unscheduled.discard(key)
        bound = copy.deepcopy(pod)
        bound["spec"]["nodeName"] = node.name
        status = bound.setdefault("status", {})
        status["conditions"] = [
            {
                "type": "PodScheduled",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": now_rfc3339(),
            }
        ]
        stored = self.store.put(PODS, bound)
        self.ctl.spawn(node.run_pod(copy.deepcopy(stored)), f"run pod {key}")

    def _unschedulable(self, pod: dict[str, Any], message: str) -> None:
        current = self.store.peek(PODS, pod["metadata"]["namespace"], pod["metadata"]["name"])
        if current is None:
            return
        new = copy.deepcopy(current)
        new.setdefault("status", {})["conditions"] = [
            {
                "type": "PodScheduled",
                "status": "False",
                "lastProbeTime": None,
                "lastTransitionTime": now_rfc3339(),
                "reason": "Unschedulable",
                "message": message,
            }
        ]
        if new != current:
            self.store.put(PODS, new)

    def retry_unscheduled(self, namespace: str) -> None:
        for ns, name in sorted(self.unscheduled):
            if ns != namespace:
                continue
            pod = self.store.peek(PODS, ns, name)
            if pod is None or is_deleting(pod):
                self.unscheduled.discard((ns, name))
            else:
                self.schedule(pod)

    def delete_pod(self, pod: dict[str, Any], options: DeleteOptions) -> dict[str, Any]:
        meta = pod["metadata"]
        rtype = self.ctl.rtype(PODS)
        if meta.get("deletionTimestamp"):
            return pod
        node = self.ctl.node
        self.unscheduled.discard((meta["namespace"], meta["name"]))
        if not pod["spec"].get("nodeName") or node is None:
            if meta.get("finalizers"):
                return self.ctl.service.mark_deleting(rtype, pod)
            return self.store.remove(PODS, meta["namespace"], meta["name"]) or pod
        grace = options.grace_seconds
        if grace is None:
            grace = int(pod["spec"].get("terminationGracePeriodSeconds", 30))
        if is_terminal(pod):
            grace = 0
        marked = self.ctl.service.mark_deleting(rtype, pod, grace=grace)
        self.ctl.spawn(
            self._finish_pod(meta["namespace"], meta["name"], meta["uid"], grace),
            f"delete pod {meta['namespace']}/{meta['name']}",
        )
        return marked

    async def _finish_pod(self, namespace: str, name: str, uid: str, grace: int) -> None:
        node = self.ctl.node
        if node is not None:
            try:
                await node.delete_pod(namespace, name, grace)
            except Exception:
                log.exception("node failed to delete pod %s/%s", namespace, name)
        current = self.store.peek(PODS, namespace, name)
        if current is None or current["metadata"]["uid"] != uid:
            return
        if not current["metadata"].get("finalizers"):
            self.store.remove(PODS, namespace, name)

    # -- claims ---------------------------------------------------------------------------------

    def _protect_claim(self, pvc: dict[str, Any]) -> None:
        finalizers = pvc["metadata"].setdefault("finalizers", [])
        if PVC_PROTECTION not in finalizers:
            finalizers.append(PVC_PROTECTION)

    def volume_dir(self, pvc: dict[str, Any]) -> Path:
        meta = pvc["metadata"]
        leaf = f"{meta['name']}-{meta['uid'][:8]}"
        return self.volumes_dir / str(meta["namespace"]) / leaf

    def bind_claim(self, pvc: dict[str, Any]) -> None:
        spec = pvc["spec"]
        if not spec.get("storageClassName") or spec.get("volumeName"):
            return
        meta = pvc["metadata"]
        path = self.volume_dir(pvc)
        path.mkdir(parents=True, exist_ok=True)
        capacity = {"storage": spec["resources"]["requests"]["storage"]}
        pv_name = f"pvc-{meta['uid']}"
        pv = {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {
                "name": pv_name,
                "annotations": {"pv.kubernetes.io/provisioned-by": PROVISIONER},
            },
            "spec": {
                "capacity": capacity,
                "accessModes": spec.get("accessModes"),
                "hostPath": {"path": str(path), "type": "DirectoryOrCreate"},
                "persistentVolumeReclaimPolicy": "Delete",
                "storageClassName": spec["storageClassName"],
                "volumeMode": spec.get("volumeMode", "Filesystem"),
                "claimRef": {
                    "kind": "PersistentVolumeClaim",
                    "namespace": meta["namespace"],
                    "name": meta["name"],
                    "uid": meta["uid"],
                    "apiVersion": "v1",
                    "resourceVersion": meta["resourceVersion"],
                },
            },
        }
        try:
            created = self.ctl.create(PVS, "", pv)
        except ApiError:
            log.exception("could not provision a volume for %s/%s", meta["namespace"], meta["name"])
            return
        pv_bound = copy.deepcopy(created)
        pv_bound["status"] = {"phase": "Bound"}
        self.store.put(PVS, pv_bound)
        bound = copy.deepcopy(self.store.peek(PVCS, meta["namespace"], meta["name"]))
        if bound is None:
            return
        bound["spec"]["volumeName"] = pv_name
        bound["metadata"].setdefault("annotations", {}).update(
            {
                "pv.kubernetes.io/bind-completed": "yes",
                "pv.kubernetes.io/bound-by-controller": "yes",
                "volume.beta.kubernetes.io/storage-provisioner": PROVISIONER,
                "volume.kubernetes.io/storage-provisioner": PROVISIONER,
            }
        )
        bound["status"] = {
            "phase": "Bound",
            "accessModes": spec.get("accessModes"),
            "capacity": capacity,
        }
        self.store.put(PVCS, bound)
        self.retry_unscheduled(meta["namespace"])

    def release_claims(self, namespace: str) -> None:
        """pvc-protection: drop the finalizer of deleted claims no live pod mounts any more."""
        in_use = {
            claim
            for pod in self.store.items(PODS, namespace)
            if not is_terminal(pod)
            for claim in _claims(pod)
        }
        rtype = self.ctl.rtype(PVCS)
        for pvc in self.store.items(PVCS, namespace):
            meta = pvc["metadata"]
            protected = PVC_PROTECTION in (meta.get("finalizers") or [])
            if is_deleting(pvc) and protected and meta["name"] not in in_use:
                self.ctl.service.remove_finalizer(rtype, pvc, PVC_PROTECTION)

    def reclaim(self, pvc: dict[str, Any]) -> None:
        """A claim is gone: delete its volume and the host directory."""
        pv_name = pvc["spec"].get("volumeName")
        if pv_name:
            self.store.remove(PVS, "", pv_name)
        shutil.rmtree(self.volume_dir(pvc), ignore_errors=True)

    # -- namespaces -----------------------------------------------------------------------------

    def populate_namespace(self, ns: dict[str, Any]) -> None:
        name = ns["metadata"]["name"]
        for key, obj in (
            (("", "serviceaccounts"), {"metadata": {"name": "default"}}),
            (
                ("", "configmaps"),
                {
                    "metadata": {
                        "name": "kube-root-ca.crt",
                        "annotations": {
                            "kubernetes.io/description": "Contains a CA bundle that can be used to "
                            "verify the kube-apiserver when using "
                            "internal endpoints such as the internal "
                            "service IP or kubernetes.default.svc. No "
                            "other usage is guaranteed across "
                            "distributions of Kubernetes clusters."
                        },
                    },
                    "data": {"ca.crt": ROOT_CA},
                },
            ),
        ):
            with contextlib.suppress(ApiError):
                self.ctl.create(key, name, obj)

    def delete_namespace(self, ns: dict[str, Any], options: DeleteOptions) -> dict[str, Any]:
        if is_deleting(ns):
            return ns
        new = copy.deepcopy(ns)
        new["metadata"]["deletionTimestamp"] = now_rfc3339()
        new["metadata"]["deletionGracePeriodSeconds"] = 0
        new["status"] = {"phase": "Terminating"}
        stored = self.store.put(NAMESPACES, new)
        name = ns["metadata"]["name"]
        self.ctl.spawn(self._drain_namespace(name), f"delete namespace {name}")
        return copy.deepcopy(stored)

    async def _drain_namespace(self, name: str) -> None:
        deadline = time.monotonic() + NAMESPACE_DRAIN_SECONDS
        while True:
            remaining = 0
            for rtype in self.ctl.registry.namespaced_types():
                for obj in self.store.items(rtype.key, name):
                    remaining += 1
                    if not is_deleting(obj):
                        with contextlib.suppress(ApiError):
                            self.ctl.service.delete(
                                rtype, name, obj["metadata"]["name"], DeleteOptions()
                            )
                    elif time.monotonic() > deadline and rtype.key != PODS:
                        self.store.remove(rtype.key, name, obj["metadata"]["name"])
            if not remaining:
                break
            self.release_claims(name)
            await asyncio.sleep(0.05)
        self.store.remove(NAMESPACES, "", name)

    # -- custom resources -------------------------------------------------------------------------

    def register_crd(self, crd: dict[str, Any]) -> None:
        for rtype in custom_resource_types(crd):
            self.ctl.registry.add(rtype)
        names = crd["spec"]["names"]
        new = copy.deepcopy(crd)
        now = now_rfc3339()
        new["status"] = {
            "conditions": [
                {
                    "type": "NamesAccepted",
                    "status": "True",
                    "lastTransitionTime": now,
                    "reason": "NoConflicts",
                    "message": "no conflicts found",
                },
                {
                    "type": "Established",
                    "status": "True",
                    "lastTransitionTime": now,
                    "reason": "InitialNamesAccepted",
                    "message": "the initial names have been accepted",
                },
            ],
            "acceptedNames": names,
            "storedVersions": [v["name"] for v in crd["spec"]["versions"] if v.get("storage")],
        }
        self.store.put(CRDS, new)

    def delete_crd(self, crd: dict[str, Any], options: DeleteOptions) -> None:
        group = crd["spec"]["group"]
        plural = crd["spec"]["names"]["plural"]
        for obj in list(self.store.items((group, plural))):
            meta = obj["metadata"]
            self.store.remove((group, plural), meta.get("namespace", ""), meta["name"])
        self.ctl.registry.remove_group_resource(group, plural)
        return None

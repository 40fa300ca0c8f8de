"""Which REST path serves a resource, and whether it is namespaced.

A small built-in table covers the resources Blueprints touch (workloads, pods, volumes, Secrets,
Kanister's own CRs...). Anything else is looked up once per group-version with discovery
(``GET /apis/<group>/<version>``) and cached, which is far cheaper than the full discovery that
``kubernetes.dynamic`` performs on start-up.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote

from kancli.errors import NotFoundError
from kancli.kube.connection import Connection
from kancli.kube.types import GVR, ResourceInfo

_N, _C = True, False  # namespaced, cluster-scoped

_WELL_KNOWN: tuple[tuple[str, str, str, str, bool], ...] = (
    ("", "v1", "pods", "Pod", _N),
    ("", "v1", "services", "Service", _N),
    ("", "v1", "secrets", "Secret", _N),
    ("", "v1", "configmaps", "ConfigMap", _N),
    ("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", _N),
    ("", "v1", "serviceaccounts", "ServiceAccount", _N),
    ("", "v1", "endpoints", "Endpoints", _N),
    ("", "v1", "events", "Event", _N),
    ("", "v1", "replicationcontrollers", "ReplicationController", _N),
    ("", "v1", "persistentvolumes", "PersistentVolume", _C),
    ("", "v1", "namespaces", "Namespace", _C),
    ("", "v1", "nodes", "Node", _C),
    ("apps", "v1", "deployments", "Deployment", _N),
    ("apps", "v1", "statefulsets", "StatefulSet", _N),
    ("apps", "v1", "replicasets", "ReplicaSet", _N),
    ("apps", "v1", "daemonsets", "DaemonSet", _N),
    ("batch", "v1", "jobs", "Job", _N),
    ("batch", "v1", "cronjobs", "CronJob", _N),
    ("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", _N),
    ("networking.k8s.io", "v1", "ingresses", "Ingress", _N),
    ("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", _N),
    ("rbac.authorization.k8s.io", "v1", "roles", "Role", _N),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", _N),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", _C),
    ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", _C),
    ("storage.k8s.io", "v1", "storageclasses", "StorageClass", _C),
    ("snapshot.storage.k8s.io", "v1", "volumesnapshots", "VolumeSnapshot", _N),
    ("snapshot.storage.k8s.io", "v1", "volumesnapshotcontents", "VolumeSnapshotContent", _C),
    ("snapshot.storage.k8s.io", "v1", "volumesnapshotclasses", "VolumeSnapshotClass", _C),
    ("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", _C),
    ("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", _C),
    ("cr.kanister.io", "v1alpha1", "actionsets", "ActionSet", _N),
    ("cr.kanister.io", "v1alpha1", "blueprints", "Blueprint", _N),
    ("cr.kanister.io", "v1alpha1", "profiles", "Profile", _N),
    ("apps.openshift.io", "v1", "deploymentconfigs", "DeploymentConfig", _N),
)

WELL_KNOWN: dict[GVR, ResourceInfo] = {
    GVR(g, v, r): ResourceInfo(GVR(g, v, r), kind, namespaced)
    for g, v, r, kind, namespaced in _WELL_KNOWN
}

PODS = GVR("", "v1", "pods")
SECRETS = GVR("", "v1", "secrets")
CONFIGMAPS = GVR("", "v1", "configmaps")
PVCS = GVR("", "v1", "persistentvolumeclaims")
NAMESPACES = GVR("", "v1", "namespaces")
DEPLOYMENTS = GVR("apps", "v1", "deployments")
STATEFULSETS = GVR("apps", "v1", "statefulsets")
REPLICASETS = GVR("apps", "v1", "replicasets")
DEPLOYMENTCONFIGS = GVR("apps.openshift.io", "v1", "deploymentconfigs")


def split_api_version(api_version: str) -> tuple[str, str]:
    """``apps/v1`` -> (``apps``, ``v1``); ``v1`` -> (``""``, ``v1``)."""
    group, _, version = api_version.rpartition("/")
    return group, version


def group_version_path(group: str, version: str) -> str:
    return f"/apis/{group}/{version}" if group else f"/api/{version}"


def object_path(
    info: ResourceInfo, namespace: str = "", name: str = "", subresource: str = ""
) -> str:
    """The REST path of a collection (no name) or of one object, optionally a subresource."""
    path = group_version_path(info.gvr.group, info.gvr.version)
    if info.namespaced and namespace:
        path += f"/namespaces/{quote(namespace, safe='')}"
    path += f"/{info.gvr.resource}"
    if name:
        path += f"/{quote(name, safe='')}"
        if subresource:
            path += f"/{subresource}"
    return path


class Resolver:
    """Maps resource types and kinds to :class:`ResourceInfo`, asking discovery when needed."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self._discovered: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def info(self, gvr: GVR) -> ResourceInfo:
        """Resource info for a GVR; raises NotFoundError when the server does not serve it."""
        known = WELL_KNOWN.get(gvr)
        if known is not None:
            return known
        for entry in self._resources(gvr.group, gvr.version):
            if entry.get("name") == gvr.resource:
                return ResourceInfo(gvr, str(entry.get("kind", "")), bool(entry.get("namespaced")))
        raise NotFoundError(
            f'the server has no resource "{gvr.resource}" in API group-version "{gvr.api_version}"'
        )

    def for_kind(self, api_version: str, kind: str) -> ResourceInfo:
        """Resource info for an object's ``apiVersion`` and ``kind`` (as in a manifest)."""
        group, version = split_api_version(api_version)
        for info in WELL_KNOWN.values():
            if info.gvr.group == group and info.gvr.version == version and info.kind == kind:
                return info
        for entry in self._resources(group, version):
            name = str(entry.get("name", ""))
            if entry.get("kind") == kind and "/" not in name:
                return ResourceInfo(GVR(group, version, name), kind, bool(entry.get("namespaced")))
        raise NotFoundError(
            f'the server has no kind "{kind}" in API group-version "{api_version}"',
            hint="is the CustomResourceDefinition installed?",
        )

    def _resources(self, group: str, version: str) -> list[dict[str, Any]]:
        key = (group, version)
        with self._lock:
            cached = self._discovered.get(key)
        if cached is not None:
            return cached
        try:
            listing = self._conn.request_json(
                "GET",
                group_version_path(group, version),
                what=f"discovery of {group + '/' if group else ''}{version}",
            )
        except NotFoundError:
            listing = None
        resources = listing.get("resources", []) if isinstance(listing, dict) else []
        found = [r for r in resources if isinstance(r, dict)]
        if found:  # an absent group-version may appear later (a CRD created by a phase)
            with self._lock:
                self._discovered[key] = found
        return found

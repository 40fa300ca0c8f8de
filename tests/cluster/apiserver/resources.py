"""The resource types the test API server serves, as its discovery documents describe them.

Built-in types are declared once here (group, version, plural, kind, scope, short names, verbs,
subresources); custom resources are added at run time when a CustomResourceDefinition is
created or a test registers one. Discovery, routing, RBAC wording and storage all read this
registry, so a type is either fully served or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
READ_WRITE_SUB = ("get", "patch", "update")


@dataclass(frozen=True)
class Subresource:
    name: str
    kind: str
    group: str = ""
    version: str = "v1"
    verbs: tuple[str, ...] = READ_WRITE_SUB


@dataclass(frozen=True)
class ResourceType:
    group: str
    version: str
    plural: str
    singular: str
    kind: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ALL_VERBS
    categories: tuple[str, ...] = ()
    subresources: tuple[Subresource, ...] = ()
    builtin: bool = True
    has_generation: bool = False
    status_subresource: bool = False

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def key(self) -> tuple[str, str]:
        """Storage key: one store per group and plural, whatever the version."""
        return (self.group, self.plural)

    def subresource(self, name: str) -> Subresource | None:
        for sub in self.subresources:
            if sub.name == name:
                return sub
        return None


def _status(kind: str, group: str = "", version: str = "v1") -> Subresource:
    return Subresource("status", kind, group, version)


_SCALE = Subresource("scale", "Scale", "autoscaling", "v1")

BUILTIN: tuple[ResourceType, ...] = (
    ResourceType(
        "",
        "v1",
        "namespaces",
        "namespace",
        "Namespace",
        False,
        ("ns",),
        ("create", "delete", "get", "list", "patch", "update", "watch"),
        subresources=(
            _status("Namespace"),
            Subresource("finalize", "Namespace", verbs=("update",)),
        ),
        status_subresource=True,
    ),
    ResourceType(
        "",
        "v1",
        "nodes",
        "node",
        "Node",
        False,
        ("no",),
        subresources=(_status("Node"),),
        status_subresource=True,
    ),
    ResourceType(
        "",
        "v1",
        "pods",
        "pod",
        "Pod",
        True,
        ("po",),
        categories=("all",),
        subresources=(
            _status("Pod"),
            Subresource("log", "Pod", verbs=("get",)),
            Subresource("exec", "PodExecOptions", verbs=("create", "get")),
            Subresource("binding", "Binding", verbs=("create",)),
            Subresource("eviction", "Eviction", "policy", "v1", ("create",)),
        ),
        status_subresource=True,
    ),
    ResourceType(
        "",
        "v1",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        True,
        ("pvc",),
        subresources=(_status("PersistentVolumeClaim"),),
        status_subresource=True,
    ),
    ResourceType(
        "",
        "v1",
        "persistentvolumes",
        "persistentvolume",
        "PersistentVolume",
        False,
        ("pv",),
        subresources=(_status("PersistentVolume"),),
        status_subresource=True,
    ),
    ResourceType("", "v1", "secrets", "secret", "Secret", True),
    ResourceType("", "v1", "configmaps", "configmap", "ConfigMap", True, ("cm",)),
    ResourceType(
        "",
        "v1",
        "services",
        "service",
        "Service",
        True,
        ("svc",),
        categories=("all",),
        subresources=(_status("Service"),),
        status_subresource=True,
    ),
    ResourceType("", "v1", "endpoints", "endpoints", "Endpoints", True, ("ep",)),
    ResourceType(
        "",
        "v1",
        "serviceaccounts",
        "serviceaccount",
        "ServiceAccount",
        True,
        ("sa",),
        subresources=(
            Subresource("token", "TokenRequest", "authentication.k8s.io", verbs=("create",)),
        ),
    ),
    ResourceType("", "v1", "events", "event", "Event", True, ("ev",)),
    ResourceType(
        "apps",
        "v1",
        "deployments",
        "deployment",
        "Deployment",
        True,
        ("deploy",),
        categories=("all",),
        has_generation=True,
        status_subresource=True,
        subresources=(_status("Deployment", "apps"), _SCALE),
    ),
    ResourceType(
        "apps",
        "v1",
        "replicasets",
        "replicaset",
        "ReplicaSet",
        True,
        ("rs",),
        categories=("all",),
        has_generation=True,
        status_subresource=True,
        subresources=(_status("ReplicaSet", "apps"), _SCALE),
    ),
    ResourceType(
        "apps",
        "v1",
        "statefulsets",
        "statefulset",
        "StatefulSet",
        True,
        ("sts",),
        categories=("all",),
        has_generation=True,
        status_subresource=True,
        subresources=(_status("StatefulSet", "apps"), _SCALE),
    ),
    ResourceType(
        "apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", True
    ),
    ResourceType(
        "storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", False, ("sc",)
    ),
    ResourceType(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "customresourcedefinition",
        "CustomResourceDefinition",
        False,
        ("crd", "crds"),
        has_generation=True,
        status_subresource=True,
        subresources=(_status("CustomResourceDefinition", "apiextensions.k8s.io"),),
    ),
    ResourceType(
        "authorization.k8s.io",
        "v1",
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        "SelfSubjectAccessReview",
        False,
        verbs=("create",),
    ),
)

PREFERRED_GROUP_ORDER = (
    "",
    "apps",
    "authorization.k8s.io",
    "storage.k8s.io",
    "apiextensions.k8s.io",
)


class Registry:
    """Every served type, looked up by (group, version, plural) or by kind."""

    def __init__(self) -> None:
        self._types: dict[tuple[str, str, str], ResourceType] = {}
        for rtype in BUILTIN:
            self.add(rtype)

    def add(self, rtype: ResourceType) -> None:
        self._types[(rtype.group, rtype.version, rtype.plural)] = rtype

    def remove_group_resource(self, group: str, plural: str) -> None:
        for key in [k for k in self._types if k[0] == group and k[2] == plural]:
            del self._types[key]

    def get(self, group: str, version: str, plural: str) -> ResourceType | None:
        return self._types.get((group, version, plural))

    def by_kind(self, group: str, kind: str) -> ResourceType | None:
        for rtype in self._types.values():
            if rtype.group == group and rtype.kind == kind:
                return rtype
        return None

    def all(self) -> list[ResourceType]:
        return list(self._types.values())

    def groups(self) -> dict[str, list[str]]:
        """Group name -> its versions (preferred first), core group under ""."""
        found: dict[str, list[str]] = {}
        for rtype in self._types.values():
            versions = found.setdefault(rtype.group, [])
            if rtype.version not in versions:
                versions.append(rtype.version)
        order = {g: i for i, g in enumerate(PREFERRED_GROUP_ORDER)}
        return dict(sorted(found.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])))

    def in_group_version(self, group: str, version: str) -> list[ResourceType]:
        return [t for t in self._types.values() if t.group == group and t.version == version]

    def namespaced_types(self) -> list[ResourceType]:
        seen: dict[tuple[str, str], ResourceType] = {}
        for rtype in self._types.values():
            if rtype.namespaced:
                seen.setdefault(rtype.key, rtype)
        return list(seen.values())


def custom_resource_types(crd: dict[str, object]) -> list[ResourceType]:
    """The served versions of a CustomResourceDefinition (apiextensions.k8s.io/v1)."""
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return []
    names = spec.get("names") or {}
    group = str(spec.get("group", ""))
    plural = str(names.get("plural", ""))
    result = []
    for version in spec.get("versions") or []:
        if not version.get("served", True):
            continue
        subs: list[Subresource] = []
        declared = version.get("subresources") or {}
        if "status" in declared:
            subs.append(Subresource("status", str(names.get("kind")), group, version["name"]))
        if "scale" in declared:
            subs.append(_SCALE)
        result.append(
            ResourceType(
                group=group,
                version=str(version["name"]),
                plural=plural,
                singular=str(names.get("singular") or str(names.get("kind", "")).lower()),
                kind=str(names.get("kind", "")),
                namespaced=spec.get("scope", "Namespaced") == "Namespaced",
                short_names=tuple(names.get("shortNames") or ()),
                categories=tuple(names.get("categories") or ()),
                subresources=tuple(subs),
                builtin=False,
                has_generation=True,
                status_subresource="status" in declared,
            )
        )
    return result

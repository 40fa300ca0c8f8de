"""Defaulting and validation of built-in objects on write, as the real API server does them.

Clients read back what the server stored, so a created Pod must carry the same defaults a real
cluster adds (restartPolicy, terminationGracePeriodSeconds, imagePullPolicy, the default service
account...), and invalid objects must be refused with the same 422 wording. Only the fields
kancli and kubectl touch are covered; everything else is stored as sent.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from tests.cluster.apiserver.podspec import (
    default_pod_spec,
    pod_update_causes,
    qos_class,
    validate_pod_spec,
)
from tests.cluster.apiserver.resources import ResourceType
from tests.cluster.apiserver.selectors import matches_labels, selector_from_label_selector
from tests.cluster.apiserver.status import bad_request, invalid

_DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
)
_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")

Causes = list[tuple[str, str]]


def go_map(labels: dict[str, Any]) -> str:
    """Go's %#v of a map[string]string (keys sorted)."""
    inner = ", ".join(f'"{k}":"{labels[k]}"' for k in sorted(labels))
    return "map[string]string{" + inner + "}"


def validate_name(rtype: ResourceType, meta: dict[str, Any]) -> Causes:
    name = meta.get("name")
    if not name:
        return [("metadata.name", "Required value: name or generateName is required")]
    label_only = rtype.plural in ("namespaces", "services")
    pattern, message = (
        (_DNS1123_LABEL, _LABEL_MSG) if label_only else (_DNS1123_SUBDOMAIN, _SUBDOMAIN_MSG)
    )
    limit = 63 if label_only else 253
    if not pattern.match(name):
        return [("metadata.name", f'Invalid value: "{name}": {message}')]
    if len(name) > limit:
        return [
            ("metadata.name", f'Invalid value: "{name}": must be no more than {limit} characters')
        ]
    return []


def prepare(rtype: ResourceType, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
    """Default and validate ``obj`` in place before it is stored (``old`` on updates)."""
    meta = obj["metadata"]
    name = meta.get("name", "")
    causes = validate_name(rtype, meta)
    handler = _TYPES.get(rtype.key)
    if handler is not None and not causes:
        causes = handler(obj, old)
    if causes:
        raise invalid(rtype.kind, rtype.group, name, causes)


# -- pods ---------------------------------------------------------------------------------------


def _pod(obj: dict[str, Any], old: dict[str, Any] | None) -> Causes:
    spec = obj.setdefault("spec", {})
    if old is None:
        spec.setdefault("serviceAccountName", spec.get("serviceAccount") or "default")
        spec["serviceAccount"] = spec["serviceAccountName"]
        spec.setdefault("enableServiceLinks", True)
        spec.setdefault("priority", 0)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
        spec.setdefault(
            "tolerations",
            [
                {
                    "key": f"node.kubernetes.io/{t}",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                }
                for t in ("not-ready", "unreachable")
            ],
        )
        default_pod_spec(spec)
        obj["status"] = {"phase": "Pending", "qosClass": qos_class(spec)}
    causes = validate_pod_spec(spec, "spec")
    if old is not None and not causes:
        causes = pod_update_causes(obj, old)
    return causes


# -- workloads ----------------------------------------------------------------------------------


def _template_causes(obj: dict[str, Any]) -> Causes:
    spec = obj["spec"]
    causes: Causes = []
    selector = spec.get("selector")
    if not selector or not (selector.get("matchLabels") or selector.get("matchExpressions")):
        causes.append(("spec.selector", "Required value"))
        return causes
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    if not matches_labels(selector_from_label_selector(selector), {"metadata": {"labels": labels}}):
        causes.append(
            (
                "spec.template.metadata.labels",
                f"Invalid value: {go_map(labels)}: `selector` does not match template `labels`",
            )
        )
    claims = frozenset(
        (t.get("metadata") or {}).get("name", "") for t in spec.get("volumeClaimTemplates") or []
    )
    causes += validate_pod_spec(template.get("spec") or {}, "spec.template.spec", claims)
    return causes


def _selector_immutable(obj: dict[str, Any], old: dict[str, Any] | None) -> Causes:
    if old is not None and obj["spec"].get("selector") != old["spec"].get("selector"):
        return [("spec.selector", "Invalid value: " + "v1.LabelSelector{...}: field is immutable")]
    return []


def _workload_common(obj: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    spec.setdefault("revisionHistoryLimit", 10)
    template = spec.setdefault("template", {})
    template.setdefault("metadata", {})
    default_pod_spec(template.setdefault("spec", {}))
    obj.setdefault("status", {})
    return spec


def _replicas_causes(spec: dict[str, Any]) -> Causes:
    replicas = spec.get("replicas")
    if not isinstance(replicas, int) or replicas < 0:
        return [("spec.replicas", f"Invalid value: {replicas}: must be greater than or equal to 0")]
    return []


def _deployment(obj: dict[str, Any], old: dict[str, Any] | None) -> Causes:
    spec = _workload_common(obj)
    spec.setdefault("progressDeadlineSeconds", 600)
    strategy = spec.setdefault("strategy", {"type": "RollingUpdate"})
    if strategy.get("type", "RollingUpdate") == "RollingUpdate":
        strategy.setdefault("type", "RollingUpdate")
        strategy.setdefault("rollingUpdate", {"maxUnavailable": "25%", "maxSurge": "25%"})
    return _replicas_causes(spec) + _template_causes(obj) + _selector_immutable(obj, old)


def _replicaset(obj: dict[str, Any], old: dict[str, Any] | None) -> Causes:
    spec = _workload_common(obj)
    spec.pop("revisionHistoryLimit", None)
    return _replicas_causes(spec) + _template_causes(obj)


def _statefulset(obj: dict[str, Any], old: dict[str, Any] | None) -> Causes:
    spec = _workload_common(obj)
    spec.setdefault("podManagementPolicy", "OrderedReady")
    spec.setdefault("updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
    spec.setdefault(
        "persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Retain", "whenScaled": "Retain"}
    )
    for claim in spec.get("volumeClaimTemplates") or []:
        claim.setdefault("apiVersion", "v1")
        claim.setdefault("kind", "PersistentVolumeClaim")
        claim.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")
        claim.setdefault("status", {"phase": "Pending"})
    causes = _replicas_causes(spec) + _template_causes(obj)
    if old is not None:
        for field in ("selector", "volumeClaimTemplates", "serviceName", "podManagementPolicy"):
            if obj["spec"].get(field) != old["spec"].get(field):
                causes.append(
                    (
                        "spec",
                        "Forbidden: updates to statefulset spec for fields other than 'replicas',"
                        " 'ordinals', 'template', 'updateStrategy', "
                        "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
                        "forbidden",
                    )
                )
                break
    return causes


# -- configuration and storage ------------------------------------------------------------------


def _secret(obj: dict[str, Any], old: dict[str, Any] | None) -> Causes:
    obj.setdefault("type", "Opaque")
    data = obj.get("data") or {}
    for key, value in data.items():
        try:
            base64.b64decode(value or "", validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise bad_request(
                f'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at '
                f"input byte 0 (key {key})"
            ) from None
    string_data = obj.pop("stringData", None) or {}
    for key, value in string_data.items():
        data[key] = base64.b64encode(str(value).encode()).decode()
    if data:
        obj["data"] = data
    causes: Causes = []
    for key in data:
        if not _CONFIG_KEY.match(key):
            causes.append(
                (
                    f"data[{key}]",
                    f'Invalid value: "{key}": a valid config key must consist of alphanumeric '
                    "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or "
                    "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                )
            )
    if old is not None and obj["type"] != old.get("type"):
        causes.append(("type", f'Invalid value: "{obj["type"]}": field is immutable'))
    return causes


def _configmap(obj: dict[str, Any], old: dict[str, Any] | None) -> Causes:
    causes: Causes = []
    for field in ("data", "binaryData"):
        for key in obj.get(field) or {}:
            if not _CONFIG_KEY.match(key):
                causes.append(
                    (
                        f"{field}[{key}]",
                        f'Invalid value: "{key}": a valid config key'
                        " must consist of alphanumeric characters, '-', '_' or '.'",
                    )
                )
    return causes


def _pvc(obj: dict[str, Any], old: dict[str, Any] | None) -> Causes:
    spec = obj.setdefault("spec", {})
    spec.setdefault("volumeMode", "Filesystem")
    if old is None:
        spec.setdefault("storageClassName", "standard")
        obj["status"] = {"phase": "Pending"}
    causes: Causes = []
    if not spec.get("accessModes"):
        causes.append(("spec.accessModes", "Required value: at least 1 access mode is required"))
    if not ((spec.get("resources") or {}).get("requests") or {}).get("storage"):
        causes.append(("spec.resources[storage]", "Required value"))
    if old is not None and not causes:
        before = {k: v for k, v in old["spec"].items() if k not in ("resources", "volumeName")}
        after = {k: v for k, v in spec.items() if k not in ("resources", "volumeName")}
        if before != after:
            causes.append(
                (
                    "spec",
                    "Forbidden: spec is immutable after creation except "
                    "resources.requests and volumeAttributesClassName for bound claims",
                )
            )
    return causes


def _namespace(obj: dict[str, Any], old: dict[str, Any] | None) -> Causes:
    obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    labels = obj["metadata"].setdefault("labels", {})
    labels["kubernetes.io/metadata.name"] = obj["metadata"]["name"]
    if old is None:
        obj["status"] = {"phase": "Active"}
    return []


def _service(obj: dict[str, Any], old: dict[str, Any] | None) -> Causes:
    spec = obj.setdefault("spec", {})
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    spec.setdefault("internalTrafficPolicy", "Cluster")
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port.get("port"))
    if old is not None:
        spec["clusterIP"] = old["spec"].get("clusterIP")
        spec["clusterIPs"] = old["spec"].get("clusterIPs")
    obj.setdefault("status", {"loadBalancer": {}})
    return []


def _crd(obj: dict[str, Any], old: dict[str, Any] | None) -> Causes:
    spec = obj.get("spec") or {}
    names = spec.get("names") or {}
    causes: Causes = []
    for field in ("group", "scope"):
        if not spec.get(field):
            causes.append((f"spec.{field}", "Required value"))
    for field in ("plural", "kind"):
        if not names.get(field):
            causes.append((f"spec.names.{field}", "Required value"))
    expected = f"{names.get('plural')}.{spec.get('group')}"
    if not causes and obj["metadata"]["name"] != expected:
        causes.append(
            (
                "metadata.name",
                f'Invalid value: "{obj["metadata"]["name"]}": must be spec.names.plural+"."'
                "+spec.group",
            )
        )
    if not spec.get("versions"):
        causes.append(
            (
                "spec.versions",
                "Invalid value: null: must have exactly one version marked as storage version",
            )
        )
    names.setdefault("singular", str(names.get("kind", "")).lower())
    names.setdefault("listKind", f"{names.get('kind')}List")
    return causes


_TYPES = {
    ("", "pods"): _pod,
    ("apps", "deployments"): _deployment,
    ("apps", "replicasets"): _replicaset,
    ("apps", "statefulsets"): _statefulset,
    ("", "secrets"): _secret,
    ("", "configmaps"): _configmap,
    ("", "persistentvolumeclaims"): _pvc,
    ("", "namespaces"): _namespace,
    ("", "services"): _service,
    ("apiextensions.k8s.io", "customresourcedefinitions"): _crd,
}


def check_kind(rtype: ResourceType, obj: dict[str, Any]) -> None:
    """The body's apiVersion/kind must name the URL's type (400 as on a real server)."""
    kind = obj.get("kind")
    version = obj.get("apiVersion")
    if kind and kind != rtype.kind:
        raise bad_request(
            f"the API version in the data ({version}) does not match the expected API version "
            f"({rtype.api_version})"
            if version and version != rtype.api_version
            else f'{kind} in version "{rtype.version}" cannot be handled as a {rtype.kind}: '
            f'no kind "{kind}" is registered for version "{rtype.api_version}"'
        )

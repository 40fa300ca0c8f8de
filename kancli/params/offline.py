"""Template parameters from a params file, for rendering a Blueprint without a cluster.

A params file (YAML, or JSON when its name ends in ``.json``) describes the world a Blueprint
would see. Its top-level keys are the template's root fields, by their Go names:

=====================  =========================================================================
``Time``               RFC 3339 time; normalised to UTC as Kanister formats it. Default: now,
                       taken once when the file is loaded.
``Deployment``,        ``{Name, Namespace, Pods: [..], Containers: [[..]],
``StatefulSet``,       PersistentVolumeClaims: {pod: {pvc: mountPath}}}``; absent means nil.
``DeploymentConfig``
``PVC``, ``Namespace``  ``{Name, Namespace}``; absent means nil.
``Object``             the subject's unstructured object (integers become int64, as in Go).
``Options``,           string maps.
``PodLabels``,
``PodAnnotations``
``PodOverride``        any mapping.
``ArtifactsIn``        ``{name: {KeyValue: {k: v}, KopiaSnapshot: s}}`` (``keyValue`` /
                       ``kopiaSnapshot``, as in an ActionSet, are accepted too).
``Secrets``,           ``{ref: <manifest>}``: a Secret / ConfigMap manifest as ``kubectl get -o
``ConfigMaps``         yaml`` prints it (Secret ``data`` is base64, ``stringData`` plain text and
                       folded into ``Data`` as the API server does), or ``{ref: {name, namespace}}``
                       naming an entry of ``objects``.
``Profile``            the Profile CR's ``location``, ``credential`` and ``skipSSLVerify``; the
                       credential's Secrets are looked up in ``objects``, or given resolved
                       (see :mod:`kancli.params.profile`).
``Phases``             ``{phase: {Output: {k: v}}}``: outputs of phases, applied when that phase
                       has run, so later phases can read ``.Phases.phase.Output.k``.
``DeferPhase``         ``{Output: {..}}``: the deferPhase's output (for output artifacts).
=====================  =========================================================================

``objects`` (lowercase, not a template field) lists the cluster's Secrets and ConfigMaps as
manifests (``kind: List`` accepted); phase ``objects`` and credential references resolve against
it. Any other top-level key is exposed to templates as it is. Every error names the file and key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kancli.errors import KancliError, UsageError
from kancli.params import model
from kancli.params.inputfile import load_yaml_or_json_file
from kancli.params.k8s import (
    ConfigMap,
    ManifestError,
    Secret,
    configmap_from_manifest,
    secret_from_manifest,
)
from kancli.params.objects import ObjectSet
from kancli.params.profile import resolve_profile
from kancli.template.values import GoInt64, GoMap, string_map

OBJECTS_KEY = "objects"


@dataclasses.dataclass(frozen=True)
class OfflineParams:
    """What a params file provides: the initial params plus what becomes visible later."""

    source: str
    params: model.TemplateParams
    objects: ObjectSet
    phase_outputs: Mapping[str, Mapping[str, Any] | None]
    defer_output: Mapping[str, Any] | None = None


class _FileError(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def load_params_file(path: Path, *, now: str | None = None) -> OfflineParams:
    """Load ``path``; raises :class:`UsageError` naming the file and key for any problem."""
    data = load_yaml_or_json_file(path, "params file")
    return params_from_mapping({} if data is None else data, source=str(path), now=now)


def params_from_mapping(data: Any, *, source: str, now: str | None = None) -> OfflineParams:
    """Build :class:`OfflineParams` from an already parsed params document."""
    try:
        return _build(data, source, now)
    except _FileError as exc:
        raise UsageError(f"{source}: {exc.key}: {exc}") from None
    except ManifestError as exc:
        raise UsageError(f"{source}: {exc.key}: {exc}") from None


_WORKLOADS: dict[str, tuple[str, Callable[..., Any]]] = {
    "Deployment": ("deployment", model.DeploymentParams),
    "StatefulSet": ("stateful_set", model.StatefulSetParams),
    "DeploymentConfig": ("deployment_config", model.DeploymentConfigParams),
}
_KNOWN = (
    *_WORKLOADS,
    "PVC",
    "Namespace",
    "Time",
    "Object",
    "Options",
    "PodLabels",
    "PodAnnotations",
    "PodOverride",
    "ArtifactsIn",
    "Secrets",
    "ConfigMaps",
    "Profile",
    "Phases",
    "DeferPhase",
    "CurrentPhase",
    OBJECTS_KEY,
)


def _build(data: Any, source: str, now: str | None) -> OfflineParams:
    if not isinstance(data, Mapping):
        raise UsageError(f"{source}: a params file must be a mapping of template fields")
    _check_key_spelling(data)
    objects = _objects(data.get(OBJECTS_KEY), source)
    fields: dict[str, Any] = {"time": _time(data.get("Time"), now), **_subject_fields(data)}
    fields["object"] = unstructured(_mapping(data.get("Object"), "Object"))
    fields["options"] = string_map(_string_map(data.get("Options"), "Options"))
    fields["pod_labels"] = string_map(_string_map(data.get("PodLabels"), "PodLabels"))
    fields["pod_annotations"] = string_map(
        _string_map(data.get("PodAnnotations"), "PodAnnotations")
    )
    fields["pod_override"] = model.json_map(
        unstructured(_mapping(data.get("PodOverride"), "PodOverride"))
    )
    fields["artifacts_in"] = _artifacts(data.get("ArtifactsIn"))
    fields["secrets"] = model.secrets_map(
        _named_objects(data.get("Secrets"), "Secrets", objects, _secret)
    )
    fields["config_maps"] = model.configmaps_map(
        _named_objects(data.get("ConfigMaps"), "ConfigMaps", objects, _configmap)
    )
    if data.get("Profile") is not None:
        fields["profile"] = _profile(data["Profile"], objects)
    if data.get("CurrentPhase") is not None:
        raise _FileError("CurrentPhase", "is set by kancli while a phase runs; remove it")
    extra = {k: unstructured_value(v) for k, v in data.items() if k not in _KNOWN}
    return OfflineParams(
        source=source,
        params=model.TemplateParams(**fields, extra=extra),
        objects=objects,
        phase_outputs=_phase_outputs(data.get("Phases")),
        defer_output=_output(data.get("DeferPhase"), "DeferPhase"),
    )


def _subject_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The workload, PVC and Namespace params given in the file (absent ones stay nil)."""
    fields: dict[str, Any] = {}
    for go_name, (attr, cls) in _WORKLOADS.items():
        if data.get(go_name) is not None:
            fields[attr] = _workload(cls, data[go_name], go_name)
    for go_name, attr, simple in (
        ("PVC", "pvc", model.PVCParams),
        ("Namespace", "namespace", model.NamespaceParams),
    ):
        if data.get(go_name) is not None:
            body = _fields(data[go_name], go_name, ("Name", "Namespace"))
            fields[attr] = simple(
                name=_str(body, "Name", go_name), namespace=_str(body, "Namespace", go_name)
            )
    return fields


def _check_key_spelling(data: Mapping[str, Any]) -> None:
    by_lower = {k.lower(): k for k in _KNOWN}
    for key in data:
        known = by_lower.get(str(key).lower())
        if known is not None and known != key:
            raise _FileError(str(key), f"unknown key; template fields are spelled '{known}'")


_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})"
)


def _time(value: Any, now: str | None) -> str:
    if value is None:
        return now if now is not None else model.format_time()
    if not isinstance(value, str) or (match := _TIME.fullmatch(value.strip())) is None:
        raise _FileError("Time", "must be an RFC 3339 time such as 2026-08-21T10:11:12.5Z")
    date, clock, fraction, zone = match.groups()
    offset = "+00:00" if zone in ("Z", "z") else zone
    try:
        instant = dt.datetime.fromisoformat(f"{date}T{clock}{offset}")
    except ValueError as exc:
        raise _FileError("Time", f"is not a valid time: {exc}") from None
    text = model.format_time(instant)
    digits = (fraction or "").rstrip("0")
    return f"{text[:-1]}.{digits}Z" if digits else text


def _workload(cls: Callable[..., Any], value: Any, key: str) -> Any:
    body = _fields(
        value, key, ("Name", "Namespace", "Pods", "Containers", "PersistentVolumeClaims")
    )
    pods = _string_list(body.get("Pods"), f"{key}.Pods")
    containers_raw = body.get("Containers") or []
    if not isinstance(containers_raw, list):
        raise _FileError(f"{key}.Containers", "must be a list of lists of container names")
    containers = [_string_list(c, f"{key}.Containers[{i}]") for i, c in enumerate(containers_raw)]
    claims_raw = _mapping(body.get("PersistentVolumeClaims"), f"{key}.PersistentVolumeClaims")
    claims = {
        str(pod): _string_map(mounts, f"{key}.PersistentVolumeClaims.{pod}")
        for pod, mounts in claims_raw.items()
    }
    return cls(
        name=_str(body, "Name", key),
        namespace=_str(body, "Namespace", key),
        pods=pods,
        containers=containers,
        persistent_volume_claims=model.pvc_mounts(claims),
    )


def _artifacts(value: Any) -> GoMap:
    out = model.artifacts_map()
    for name, art in _mapping(value, "ArtifactsIn").items():
        key = f"ArtifactsIn.{name}"
        body = _mapping(art, key)
        unknown = set(body) - {"KeyValue", "keyValue", "KopiaSnapshot", "kopiaSnapshot"}
        if unknown:
            raise _FileError(
                f"{key}.{sorted(unknown)[0]}", "unknown field (KeyValue, KopiaSnapshot)"
            )
        kv = body.get("KeyValue", body.get("keyValue"))
        snapshot = body.get("KopiaSnapshot", body.get("kopiaSnapshot", ""))
        if not isinstance(snapshot, str):
            raise _FileError(f"{key}.KopiaSnapshot", "must be a string")
        out[str(name)] = model.Artifact(
            key_value=string_map(_string_map(kv, f"{key}.KeyValue"))
            if kv
            else model.Artifact().key_value,
            kopia_snapshot=snapshot,
        )
    return out


def _secret(manifest: Any, key: str) -> Secret:
    return secret_from_manifest(manifest, key)


def _configmap(manifest: Any, key: str) -> ConfigMap:
    return configmap_from_manifest(manifest, key)


_MANIFEST_FIELDS = ("metadata", "data", "stringData", "binaryData", "type")


def _named_objects(
    value: Any, key: str, objects: ObjectSet, build: Callable[[Any, str], Any]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for ref, body in _mapping(value, key).items():
        entry_key = f"{key}.{ref}"
        entry = _mapping(body, entry_key)
        if any(f in entry for f in _MANIFEST_FIELDS) or not entry:
            out[str(ref)] = build(entry, entry_key)
            continue
        name = _str(entry, "name", entry_key)
        namespace = _str(entry, "namespace", entry_key)
        if not name:
            raise _FileError(entry_key, "needs a manifest (metadata, data...) or {name, namespace}")
        try:
            if build is _secret:
                out[str(ref)] = objects.read_secret(namespace, name)
            else:
                out[str(ref)] = objects.read_configmap(namespace, name)
        except KancliError as exc:
            raise _FileError(entry_key, f"{exc.message} (add it under '{OBJECTS_KEY}')") from None
    return out


def _profile(value: Any, objects: ObjectSet) -> model.Profile:
    try:
        return resolve_profile(value, objects, "Profile")
    except KancliError as exc:
        raise _FileError("Profile", f"{exc.message}") from None


def _objects(value: Any, source: str) -> ObjectSet:
    if value is None:
        return ObjectSet(missing_hint=f"add the object under '{OBJECTS_KEY}' in {source}")
    if not isinstance(value, list):
        raise _FileError(OBJECTS_KEY, "must be a list of Secret and ConfigMap manifests")
    secrets: list[Secret] = []
    configmaps: list[ConfigMap] = []
    queue = [(f"{OBJECTS_KEY}[{i}]", item) for i, item in enumerate(value)]
    while queue:
        key, item = queue.pop(0)
        body = _mapping(item, key)
        kind = str(body.get("kind", "")).lower()
        if kind == "list":
            items = body.get("items") or []
            queue.extend((f"{key}.items[{i}]", sub) for i, sub in enumerate(items))
        elif kind == "secret":
            secrets.append(secret_from_manifest(body, key))
        elif kind == "configmap":
            configmaps.append(configmap_from_manifest(body, key))
        else:
            raise _FileError(f"{key}.kind", "must be Secret, ConfigMap or List")
    return ObjectSet(
        secrets, configmaps, missing_hint=f"add the object under '{OBJECTS_KEY}' in {source}"
    )


def _phase_outputs(value: Any) -> dict[str, Mapping[str, Any] | None]:
    return {
        str(name): _output(body, f"Phases.{name}")
        for name, body in _mapping(value, "Phases").items()
    }


def _output(value: Any, key: str) -> Mapping[str, Any] | None:
    if value is None:
        return None
    body = _fields(value, key, ("Output",))
    output = body.get("Output")
    if output is None:
        return None
    return dict(_mapping(output, f"{key}.Output"))


# Value helpers ----------------------------------------------------------------------------------


def unstructured(value: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON/YAML mapping as Kubernetes' unstructured content: integers become ``int64``."""
    return {str(k): unstructured_value(v) for k, v in value.items()}


def unstructured_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return value
    if isinstance(value, int):
        return GoInt64(value)
    if isinstance(value, Mapping):
        return unstructured(value)
    if isinstance(value, list):
        return [unstructured_value(v) for v in value]
    return str(value)


def _mapping(value: Any, key: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _FileError(key, "must be a mapping")
    return value


def _fields(value: Any, key: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    body = _mapping(value, key)
    for name in body:
        if name not in allowed:
            raise _FileError(f"{key}.{name}", f"unknown field (fields: {', '.join(allowed)})")
    return body


def _str(body: Mapping[str, Any], name: str, key: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _FileError(f"{key}.{name}", "must be a string")
    return value


def _string_map(value: Any, key: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in _mapping(value, key).items():
        if not isinstance(v, str):
            raise _FileError(f"{key}.{k}", "must be a string (quote it in YAML)")
        out[str(k)] = v
    return out


def _string_list(value: Any, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _FileError(key, "must be a list of strings")
    return list(value)

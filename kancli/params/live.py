"""Template parameters resolved from a live cluster, as Kanister's ``param.New`` does.

kanister-behaviour.md sections 2.1-2.4: Secrets and ConfigMaps named on the command line are read
first, then the Profile, then the subject object: its workload parameters (``.Deployment``,
``.StatefulSet``, ``.PVC``, ``.Namespace``) and the full unstructured object (``.Object``). The
first failure stops the run before any phase, with a message that names what was looked up.

Deliberate deviation: Kanister reads the Profile custom resource only in the ActionSet's namespace;
kancli also accepts a local Profile file of the same schema (``--profile-file``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from kancli.errors import KancliError, UsageError
from kancli.kube.facade import Kube
from kancli.kube.resources import DEPLOYMENTS, NAMESPACES, PVCS, STATEFULSETS
from kancli.kube.types import GVR, WorkloadParams
from kancli.params import model
from kancli.params.k8s import (
    ConfigMap,
    ManifestError,
    Secret,
    configmap_from_manifest,
    secret_from_manifest,
)
from kancli.params.profile import resolve_profile
from kancli.template.values import GoInt64, string_map

PROFILES = GVR("cr.kanister.io", "v1alpha1", "profiles")

#: Subject kinds with workload parameters, and the resource each is read from.
KINDS: dict[str, GVR] = {
    "deployment": DEPLOYMENTS,
    "statefulset": STATEFULSETS,
    "pvc": PVCS,
    "namespace": NAMESPACES,
}


@dataclasses.dataclass(frozen=True)
class Subject:
    """The object an action runs against (an ActionSet's ``object``)."""

    kind: str  # deployment | statefulset | pvc | namespace | object
    namespace: str
    name: str
    gvr: GVR | None = None  # for kind "object"

    def __str__(self) -> str:
        what = self.kind if self.gvr is None else str(self.gvr)
        if self.kind == "namespace":
            return f"namespace {self.name}"
        return f"{what} {self.namespace}/{self.name}" if self.namespace else f"{what} {self.name}"


@dataclasses.dataclass(frozen=True)
class ProfileRef:
    """``--profile NS/NAME`` (a Profile custom resource) or ``--profile-file PATH``."""

    namespace: str = ""
    name: str = ""
    path: Path | None = None


class KubeObjectSource:
    """:class:`~kancli.params.objects.ObjectSource` backed by the cluster."""

    def __init__(self, kube: Kube) -> None:
        self._kube = kube

    def read_secret(self, namespace: str, name: str) -> Secret:
        return secret_from_manifest(self._kube.read_secret(namespace, name), f"secret {name}")

    def read_configmap(self, namespace: str, name: str) -> ConfigMap:
        return configmap_from_manifest(
            self._kube.read_configmap(namespace, name), f"configmap {name}"
        )


def resolve_params(
    kube: Kube,
    subject: Subject | None,
    *,
    time: str,
    options: Mapping[str, str] | None = None,
    secrets: Mapping[str, tuple[str, str]] | None = None,
    config_maps: Mapping[str, tuple[str, str]] | None = None,
    profile: ProfileRef | None = None,
    artifacts: Mapping[str, model.Artifact] | None = None,
) -> model.TemplateParams:
    """``param.New``: everything a template can see before the first phase runs."""
    source = KubeObjectSource(kube)
    tp = model.TemplateParams(
        time=time,
        options=string_map(dict(options or {})),
        artifacts_in=model.artifacts_map(artifacts),
        secrets=model.secrets_map(
            {k: source.read_secret(ns, n) for k, (ns, n) in (secrets or {}).items()}
        ),
        config_maps=model.configmaps_map(
            {k: source.read_configmap(ns, n) for k, (ns, n) in (config_maps or {}).items()}
        ),
    )
    if profile is not None:
        tp = dataclasses.replace(tp, profile=_profile(kube, source, profile))
    return tp if subject is None else _with_subject(kube, tp, subject)


def _with_subject(kube: Kube, tp: model.TemplateParams, subject: Subject) -> model.TemplateParams:
    kind = subject.kind
    if kind == "deployment":
        tp = dataclasses.replace(
            tp,
            deployment=_workload(
                model.DeploymentParams, kube.resolve_deployment(subject.namespace, subject.name)
            ),
        )
    elif kind == "statefulset":
        tp = dataclasses.replace(
            tp,
            stateful_set=_workload(
                model.StatefulSetParams, kube.resolve_statefulset(subject.namespace, subject.name)
            ),
        )
    elif kind == "pvc":
        pvc = kube.resolve_pvc(subject.namespace, subject.name)
        tp = dataclasses.replace(tp, pvc=model.PVCParams(name=pvc.name, namespace=pvc.namespace))
    elif kind == "namespace":
        # Kanister's quirk (section 2.2): both fields come from the object's namespace.
        tp = dataclasses.replace(
            tp,
            namespace=model.NamespaceParams(name=subject.namespace, namespace=subject.namespace),
        )
    gvr = subject.gvr if kind == "object" else KINDS.get(kind)
    if gvr is None:
        raise UsageError(f"unknown subject kind {kind!r}")
    namespace = "" if kind == "namespace" else subject.namespace
    name = subject.name if kind != "namespace" else (subject.name or subject.namespace)
    try:
        obj = kube.get(gvr, name, namespace)
    except KancliError as exc:
        raise type(exc)(
            f"could not fetch object name: {name}, namespace: {namespace}, group: {gvr.group}, "
            f"version: {gvr.version}, resource: {gvr.resource}: {exc.message}",
            hint=exc.hint,
        ) from exc
    return dataclasses.replace(tp, object=_int64(obj))


def _workload(cls: type[model.WorkloadParams], found: WorkloadParams) -> Any:
    return cls(
        name=found.name,
        namespace=found.namespace,
        pods=list(found.pods),
        containers=[list(c) for c in found.containers],
        persistent_volume_claims=model.pvc_mounts(found.persistent_volume_claims),
    )


def _int64(value: Any) -> Any:
    """Unstructured JSON integers are int64 in Go (``typeOf`` and ``printf "%T"`` show it)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return GoInt64(value)
    if isinstance(value, list):
        return [_int64(v) for v in value]
    if isinstance(value, dict):
        return {k: _int64(v) for k, v in value.items()}
    return value


def _profile(kube: Kube, source: KubeObjectSource, ref: ProfileRef) -> model.Profile:
    if ref.path is not None:
        try:
            body = yaml.safe_load(ref.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise UsageError(f"{ref.path}: cannot read the Profile: {exc}") from None
        what = str(ref.path)
    else:
        body = kube.get(PROFILES, ref.name, ref.namespace)
        what = f"profile {ref.namespace}/{ref.name}"
    try:
        return resolve_profile(body, source, "Profile")
    except ManifestError as exc:
        raise UsageError(f"{what}: {exc.key}: {exc}") from None

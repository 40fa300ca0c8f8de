"""``param.TemplateParams`` and everything under it, as templates and ``toJson`` see them.

kanister-behaviour.md section 2. The Go field names, Go types and Go type names are part of the
Blueprint language: ``.StatefulSet.Pods``, ``.Secrets.x.Data.k`` as ``[]byte``,
``{{ toJson .Profile }}`` byte-for-byte as Kanister marshals ``param.Profile`` (capitalised keys
for the wrapper, lowercase for ``Location``), and errors such as
``nil pointer evaluating *param.DeploymentParams.Name``. Absent pointers are typed
:class:`NilPointer` values, not ``None``.

The phase helpers at the end mirror ``InitPhaseParams`` / ``UpdatePhaseParams`` /
``InitDeferPhaseParams`` / ``UpdateDeferPhaseParams`` (section 2.3). Unlike Go they do not mutate:
each returns a new :class:`TemplateParams`, so a runner can keep the params of every step.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from kancli.params.gostruct import GoDataclass, NilMap, godataclass, gofield
from kancli.params.k8s import ConfigMap, Secret
from kancli.template.values import GoMap, NilPointer, string_map

# Go type names as text/template prints them in errors.
DEPLOYMENT_PARAMS = "*param.DeploymentParams"
STATEFULSET_PARAMS = "*param.StatefulSetParams"
DEPLOYMENTCONFIG_PARAMS = "*param.DeploymentConfigParams"
PVC_PARAMS = "*param.PVCParams"
NAMESPACE_PARAMS = "*param.NamespaceParams"
PROFILE = "*param.Profile"
PHASE = "*param.Phase"
KEYPAIR = "*param.KeyPair"
SECRET_PTR = "*v1.Secret"  # noqa: S105 - a Go type name
KOPIA_CREDS = "*param.KopiaServerCreds"


def format_time(instant: dt.datetime | None = None) -> str:
    """``.Time``: UTC, RFC 3339 with nanoseconds and trailing zeros trimmed, ``Z`` for UTC.

    Without ``instant``, the current time at nanosecond resolution (as Go's ``time.Now``).
    """
    if instant is None:
        ns = time.time_ns()
        seconds, nanos = divmod(ns, 1_000_000_000)
        base = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    else:
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=dt.UTC)
        base = instant.astimezone(dt.UTC)
        nanos = base.microsecond * 1000
        base = base.replace(microsecond=0)
    text = base.strftime("%Y-%m-%dT%H:%M:%S")
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    return text + "Z"


def _pvc_map() -> GoMap:
    return GoMap(
        go_type="map[string]map[string]string", zero=NilMap(go_type="map[string]string", zero="")
    )


@godataclass
class WorkloadParams(GoDataclass):
    """Shape shared by Deployment, StatefulSet and DeploymentConfig params (section 2.1)."""

    name: str = gofield("Name", default="")
    namespace: str = gofield("Namespace", default="")
    pods: list[str] = gofield("Pods", default_factory=list)
    containers: list[list[str]] = gofield("Containers", default_factory=list)
    persistent_volume_claims: GoMap = gofield("PersistentVolumeClaims", default_factory=_pvc_map)


@godataclass
class DeploymentParams(WorkloadParams):
    go_type: ClassVar[str] = DEPLOYMENT_PARAMS


@godataclass
class StatefulSetParams(WorkloadParams):
    go_type: ClassVar[str] = STATEFULSET_PARAMS


@godataclass
class DeploymentConfigParams(WorkloadParams):
    go_type: ClassVar[str] = DEPLOYMENTCONFIG_PARAMS


def pvc_mounts(mapping: Mapping[str, Mapping[str, str]]) -> GoMap:
    """``PersistentVolumeClaims`` (pod -> PVC -> mount path) as the typed Go map."""
    out = _pvc_map()
    for pod, mounts in mapping.items():
        out[pod] = string_map(mounts)
    return out


@godataclass
class PVCParams(GoDataclass):
    go_type: ClassVar[str] = PVC_PARAMS

    name: str = gofield("Name", default="")
    namespace: str = gofield("Namespace", default="")


@godataclass
class NamespaceParams(GoDataclass):
    """``.Namespace``: Kanister sets **both** fields from the object reference's namespace."""

    go_type: ClassVar[str] = NAMESPACE_PARAMS

    name: str = gofield("Name", default="")
    namespace: str = gofield("Namespace", default="")


@godataclass
class Artifact(GoDataclass):
    """``crv1alpha1.Artifact``: an entry of ``.ArtifactsIn``."""

    go_type: ClassVar[str] = "v1alpha1.Artifact"

    key_value: GoMap = gofield(
        "KeyValue",
        json="keyValue",
        omitempty=True,
        default_factory=lambda: NilMap(go_type="map[string]string", zero=""),
    )
    kopia_snapshot: str = gofield("KopiaSnapshot", json="kopiaSnapshot", omitempty=True, default="")


@godataclass
class Location(GoDataclass):
    """``crv1alpha1.Location``: json tags are lowercase and never omitted."""

    go_type: ClassVar[str] = "v1alpha1.Location"

    type: str = gofield("Type", json="type", default="")
    bucket: str = gofield("Bucket", json="bucket", default="")
    endpoint: str = gofield("Endpoint", json="endpoint", default="")
    prefix: str = gofield("Prefix", json="prefix", default="")
    region: str = gofield("Region", json="region", default="")


@godataclass
class KeyPair(GoDataclass):
    go_type: ClassVar[str] = KEYPAIR

    id: str = gofield("ID", default="")
    secret: str = gofield("Secret", default="")


def _connect_options() -> GoMap:
    return NilMap(go_type="map[string]int", zero=0)


@godataclass
class KopiaServerCreds(GoDataclass):
    go_type: ClassVar[str] = KOPIA_CREDS

    username: str = gofield("Username", default="")
    hostname: str = gofield("Hostname", default="")
    password: str = gofield("Password", default="")
    cert: str = gofield("Cert", default="")
    connect_options: GoMap = gofield("ConnectOptions", default_factory=_connect_options)


@godataclass
class Credential(GoDataclass):
    """``param.Credential``: exactly one of the three pointers is set, per ``Type``."""

    go_type: ClassVar[str] = "param.Credential"

    type: str = gofield("Type", default="")
    key_pair: KeyPair | NilPointer = gofield("KeyPair", default=NilPointer(KEYPAIR))
    secret: Secret | NilPointer = gofield("Secret", default=NilPointer(SECRET_PTR))
    kopia_server_secret: KopiaServerCreds | NilPointer = gofield(
        "KopiaServerSecret", default=NilPointer(KOPIA_CREDS)
    )


@godataclass
class Profile(GoDataclass):
    """``*param.Profile``: the resolved Profile, credentials included."""

    go_type: ClassVar[str] = PROFILE

    location: Location = gofield("Location", default_factory=Location)
    credential: Credential = gofield("Credential", default_factory=Credential)
    skip_ssl_verify: bool = gofield("SkipSSLVerify", default=False)


def _secrets_map(items: Mapping[str, Secret] | None = None) -> GoMap:
    return GoMap(items, go_type="map[string]v1.Secret", zero=Secret())


def _configmaps_map(items: Mapping[str, ConfigMap] | None = None) -> GoMap:
    return GoMap(items, go_type="map[string]v1.ConfigMap", zero=ConfigMap())


def _nil_output() -> GoMap:
    return NilMap(go_type="map[string]interface {}", zero=None)


def output_map(output: Mapping[str, Any] | None) -> GoMap:
    """A phase's ``Output`` (``map[string]interface{}``); ``None`` is the nil map."""
    if output is None:
        return _nil_output()
    return GoMap(output, go_type="map[string]interface {}", zero=None)


@godataclass
class Phase(GoDataclass):
    """``*param.Phase``: a phase's objects and, once it succeeded, its output."""

    go_type: ClassVar[str] = PHASE

    secrets: GoMap = gofield("Secrets", default_factory=_secrets_map)
    config_maps: GoMap = gofield("ConfigMaps", default_factory=_configmaps_map)
    output: GoMap = gofield("Output", default_factory=_nil_output)


def secrets_map(items: Mapping[str, Secret] | None = None) -> GoMap:
    """``map[string]v1.Secret`` (``.Secrets``, ``.Phases.p.Secrets``)."""
    return _secrets_map(items)


def configmaps_map(items: Mapping[str, ConfigMap] | None = None) -> GoMap:
    """``map[string]v1.ConfigMap`` (``.ConfigMaps``, ``.Phases.p.ConfigMaps``)."""
    return _configmaps_map(items)


def artifacts_map(items: Mapping[str, Artifact] | None = None) -> GoMap:
    """``map[string]crv1alpha1.Artifact`` (``.ArtifactsIn``)."""
    return GoMap(items, go_type="map[string]v1alpha1.Artifact", zero=Artifact())


def phases_map(items: Mapping[str, Phase] | None = None) -> GoMap:
    """``map[string]*param.Phase`` (``.Phases``)."""
    return GoMap(items, go_type="map[string]*param.Phase", zero=NilPointer(PHASE))


def json_map(items: Mapping[str, Any] | None = None) -> GoMap:
    """``crv1alpha1.JSONMap`` (``.PodOverride``)."""
    return GoMap(items, go_type="v1alpha1.JSONMap", zero=None)


@godataclass
class TemplateParams(GoDataclass):
    """``param.TemplateParams``, the data every template is executed against (section 2).

    ``extra`` holds fields kancli does not model (given in a params file): they are exposed to
    templates under their own names after the Kanister fields.
    """

    go_type: ClassVar[str] = "param.TemplateParams"

    stateful_set: StatefulSetParams | NilPointer = gofield(
        "StatefulSet", default=NilPointer(STATEFULSET_PARAMS)
    )
    deployment_config: DeploymentConfigParams | NilPointer = gofield(
        "DeploymentConfig", default=NilPointer(DEPLOYMENTCONFIG_PARAMS)
    )
    deployment: DeploymentParams | NilPointer = gofield(
        "Deployment", default=NilPointer(DEPLOYMENT_PARAMS)
    )
    pvc: PVCParams | NilPointer = gofield("PVC", default=NilPointer(PVC_PARAMS))
    namespace: NamespaceParams | NilPointer = gofield(
        "Namespace", default=NilPointer(NAMESPACE_PARAMS)
    )
    artifacts_in: GoMap = gofield("ArtifactsIn", default_factory=artifacts_map)
    config_maps: GoMap = gofield("ConfigMaps", default_factory=configmaps_map)
    secrets: GoMap = gofield("Secrets", default_factory=secrets_map)
    time: str = gofield("Time", default="")
    profile: Profile | NilPointer = gofield("Profile", default=NilPointer(PROFILE))
    options: GoMap = gofield("Options", default_factory=string_map)
    object: dict[str, Any] = gofield("Object", default_factory=dict)
    phases: GoMap = gofield("Phases", default_factory=phases_map)
    defer_phase: Phase | NilPointer = gofield("DeferPhase", default_factory=Phase)
    current_phase: Phase | NilPointer = gofield("CurrentPhase", default=NilPointer(PHASE))
    pod_override: GoMap = gofield("PodOverride", default_factory=json_map)
    pod_annotations: GoMap = gofield("PodAnnotations", default_factory=string_map)
    pod_labels: GoMap = gofield("PodLabels", default_factory=string_map)
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def go_fields(self) -> Mapping[str, Any]:
        fields = dict(super().go_fields())
        for name, value in self.extra.items():
            fields.setdefault(name, value)
        return fields


# Phase params (section 2.3) ---------------------------------------------------------------------


def init_phase_params(
    tp: TemplateParams,
    phase_name: str,
    secrets: Mapping[str, Secret] | None = None,
    config_maps: Mapping[str, ConfigMap] | None = None,
) -> TemplateParams:
    """``InitPhaseParams``: right before a phase runs, its entry appears with nil Output."""
    phases = phases_map(tp.phases)
    phases[phase_name] = Phase(
        secrets=secrets_map(secrets), config_maps=configmaps_map(config_maps)
    )
    return dataclasses.replace(tp, phases=phases)


def update_phase_params(
    tp: TemplateParams, phase_name: str, output: Mapping[str, Any] | None
) -> TemplateParams:
    """``UpdatePhaseParams``: after a phase succeeded, its Output is what the function returned."""
    phases = phases_map(tp.phases)
    current = phases.get(phase_name)
    base = current if isinstance(current, Phase) else Phase()
    phases[phase_name] = dataclasses.replace(base, output=output_map(output))
    return dataclasses.replace(tp, phases=phases)


def init_defer_phase_params(
    tp: TemplateParams,
    secrets: Mapping[str, Secret] | None = None,
    config_maps: Mapping[str, ConfigMap] | None = None,
) -> TemplateParams:
    """``InitDeferPhaseParams``: ``.DeferPhase`` gets the deferPhase's objects (Output nil)."""
    phase = Phase(secrets=secrets_map(secrets), config_maps=configmaps_map(config_maps))
    return dataclasses.replace(tp, defer_phase=phase)


def update_defer_phase_params(
    tp: TemplateParams, output: Mapping[str, Any] | None
) -> TemplateParams:
    """``UpdateDeferPhaseParams``: after the deferPhase succeeded, ``.DeferPhase.Output`` is set."""
    base = tp.defer_phase if isinstance(tp.defer_phase, Phase) else Phase()
    return dataclasses.replace(tp, defer_phase=dataclasses.replace(base, output=output_map(output)))


def with_current_phase(tp: TemplateParams, phase_name: str | None) -> TemplateParams:
    """``.CurrentPhase``: set after a phase's args are rendered (nil while they render)."""
    if phase_name is None:
        return dataclasses.replace(tp, current_phase=NilPointer(PHASE))
    phase = tp.phases.get(phase_name)
    return dataclasses.replace(
        tp, current_phase=phase if isinstance(phase, Phase) else NilPointer(PHASE)
    )

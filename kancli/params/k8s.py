"""The Kubernetes core objects that templates see: ``v1.Secret`` and ``v1.ConfigMap``.

``.Secrets.x``, ``.ConfigMaps.x``, ``.Phases.p.Secrets.o`` and ``.Profile.Credential.Secret``
are the client-go structs, so templates reach ``.Data``, ``.StringData``, ``.Type`` and the
promoted ``ObjectMeta`` fields (``.Name``, ``.Namespace``, ``.Labels``...) by their Go names,
and Secret ``Data`` values are ``[]byte`` (they print as byte lists unless piped to
``toString``). The structs are built from the JSON/YAML form of the objects (what the API server
returns, or what a user pastes from ``kubectl get -o yaml``) by :func:`secret_from_manifest` and
:func:`configmap_from_manifest`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from kancli.params.gostruct import ZERO_TIME, GoDataclass, NilMap, godataclass, gofield
from kancli.template.values import GoInt64, GoMap, NilPointer, bytes_map, string_map


def _nil_string_map() -> GoMap:
    return NilMap(go_type="map[string]string", zero="")


def _nil_bytes_map() -> GoMap:
    return NilMap(go_type="map[string][]uint8", zero=b"")


@godataclass
class TypeMeta(GoDataclass):
    """``metav1.TypeMeta`` (empty on objects read through the typed client)."""

    go_type: ClassVar[str] = "v1.TypeMeta"

    kind: str = gofield("Kind", json="kind", omitempty=True, default="")
    api_version: str = gofield("APIVersion", json="apiVersion", omitempty=True, default="")


@godataclass
class ObjectMeta(GoDataclass):
    """``metav1.ObjectMeta``: every field, so that templates reading any of them behave as Go."""

    go_type: ClassVar[str] = "v1.ObjectMeta"

    name: str = gofield("Name", json="name", omitempty=True, default="")
    generate_name: str = gofield("GenerateName", json="generateName", omitempty=True, default="")
    namespace: str = gofield("Namespace", json="namespace", omitempty=True, default="")
    self_link: str = gofield("SelfLink", json="selfLink", omitempty=True, default="")
    uid: str = gofield("UID", json="uid", omitempty=True, default="")
    resource_version: str = gofield(
        "ResourceVersion", json="resourceVersion", omitempty=True, default=""
    )
    generation: int = gofield("Generation", json="generation", omitempty=True, default=GoInt64(0))
    creation_timestamp: dt.datetime = gofield(
        "CreationTimestamp", json="creationTimestamp", default=ZERO_TIME
    )
    deletion_timestamp: Any = gofield(
        "DeletionTimestamp",
        json="deletionTimestamp",
        omitempty=True,
        default=NilPointer("*v1.Time"),
    )
    deletion_grace_period_seconds: Any = gofield(
        "DeletionGracePeriodSeconds",
        json="deletionGracePeriodSeconds",
        omitempty=True,
        default=NilPointer("*int64"),
    )
    labels: GoMap = gofield(
        "Labels", json="labels", omitempty=True, default_factory=_nil_string_map
    )
    annotations: GoMap = gofield(
        "Annotations", json="annotations", omitempty=True, default_factory=_nil_string_map
    )
    owner_references: list[Any] = gofield(
        "OwnerReferences", json="ownerReferences", omitempty=True, default_factory=list
    )
    finalizers: list[str] = gofield(
        "Finalizers", json="finalizers", omitempty=True, default_factory=list
    )
    managed_fields: list[Any] = gofield(
        "ManagedFields", json="managedFields", omitempty=True, default_factory=list
    )


@godataclass
class Secret(GoDataclass):
    """``v1.Secret``. ``Data`` holds ``bytes``; the API server folds ``stringData`` into it."""

    go_type: ClassVar[str] = "v1.Secret"

    type_meta: TypeMeta = gofield("TypeMeta", embedded=True, inline=True, default_factory=TypeMeta)
    metadata: ObjectMeta = gofield(
        "ObjectMeta", json="metadata", omitempty=True, embedded=True, default_factory=ObjectMeta
    )
    immutable: Any = gofield(
        "Immutable", json="immutable", omitempty=True, default=NilPointer("*bool")
    )
    data: GoMap = gofield("Data", json="data", omitempty=True, default_factory=_nil_bytes_map)
    string_data: GoMap = gofield(
        "StringData", json="stringData", omitempty=True, default_factory=_nil_string_map
    )
    type: str = gofield("Type", json="type", omitempty=True, default="")

    @property
    def name(self) -> str:
        return self.metadata.name

    @property
    def namespace(self) -> str:
        return self.metadata.namespace


@godataclass
class ConfigMap(GoDataclass):
    """``v1.ConfigMap``: ``Data`` is ``map[string]string``, ``BinaryData`` ``map[string][]byte``."""

    go_type: ClassVar[str] = "v1.ConfigMap"

    type_meta: TypeMeta = gofield("TypeMeta", embedded=True, inline=True, default_factory=TypeMeta)
    metadata: ObjectMeta = gofield(
        "ObjectMeta", json="metadata", omitempty=True, embedded=True, default_factory=ObjectMeta
    )
    immutable: Any = gofield(
        "Immutable", json="immutable", omitempty=True, default=NilPointer("*bool")
    )
    data: GoMap = gofield("Data", json="data", omitempty=True, default_factory=_nil_string_map)
    binary_data: GoMap = gofield(
        "BinaryData", json="binaryData", omitempty=True, default_factory=_nil_bytes_map
    )

    @property
    def name(self) -> str:
        return self.metadata.name

    @property
    def namespace(self) -> str:
        return self.metadata.namespace


class ManifestError(ValueError):
    """A Secret or ConfigMap manifest that does not have the Kubernetes shape.

    ``key`` is the dotted path inside the manifest, so callers can name it in their message.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def _mapping(value: Any, key: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ManifestError(key, f"must be a mapping, not {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _strings(value: Any, key: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in _mapping(value, key).items():
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise ManifestError(f"{key}.{k}", f"must be a string, not {_kind(v)}")
        out[str(k)] = v if isinstance(v, str) else str(v)
    return out


def _base64_values(value: Any, key: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for k, text in _strings(value, key).items():
        try:
            out[k] = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ManifestError(
                f"{key}.{k}", "is not valid base64 (use stringData for plain text)"
            ) from None
    return out


def object_meta_from_manifest(value: Any, key: str = "metadata") -> ObjectMeta:
    """``ObjectMeta`` from the ``metadata`` mapping of a manifest (unknown fields ignored)."""
    meta = _mapping(value, key)
    generation = meta.get("generation", 0)
    if isinstance(generation, bool) or not isinstance(generation, int):
        raise ManifestError(f"{key}.generation", "must be an integer")
    labels = meta.get("labels")
    annotations = meta.get("annotations")
    return ObjectMeta(
        name=_str_field(meta, "name", key),
        generate_name=_str_field(meta, "generateName", key),
        namespace=_str_field(meta, "namespace", key),
        uid=_str_field(meta, "uid", key),
        resource_version=_str_field(meta, "resourceVersion", key),
        generation=GoInt64(generation),
        creation_timestamp=_timestamp(meta.get("creationTimestamp"), f"{key}.creationTimestamp"),
        labels=string_map(_strings(labels, f"{key}.labels")) if labels else _nil_string_map(),
        annotations=(
            string_map(_strings(annotations, f"{key}.annotations"))
            if annotations
            else _nil_string_map()
        ),
        finalizers=[str(f) for f in meta.get("finalizers") or []],
    )


def _str_field(meta: Mapping[str, Any], name: str, key: str) -> str:
    value = meta.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ManifestError(f"{key}.{name}", f"must be a string, not {_kind(value)}")
    return value


def _timestamp(value: Any, key: str) -> dt.datetime:
    if value is None or value == "":
        return ZERO_TIME
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
    raise ManifestError(key, "must be an RFC 3339 time such as 2026-01-02T15:04:05Z")


def secret_from_manifest(manifest: Any, key: str = "") -> Secret:
    """A ``v1.Secret`` from its manifest, as the API server would return it.

    ``data`` values are base64 (as ``kubectl get secret -o yaml`` prints them); ``stringData``
    values are plain text and are folded into ``Data`` (winning over ``data``), leaving
    ``StringData`` empty, because that is what a Secret read back from a cluster looks like.
    ``kind``/``apiVersion`` are dropped: the typed client leaves ``TypeMeta`` empty on reads.
    """
    prefix = f"{key}." if key else ""
    body = _mapping(manifest, key or "secret")
    data = _base64_values(body.get("data"), f"{prefix}data")
    plain = _strings(body.get("stringData"), f"{prefix}stringData")
    for k, v in plain.items():
        data[k] = v.encode("utf-8")
    secret_type = body.get("type", "Opaque")
    if not isinstance(secret_type, str):
        raise ManifestError(f"{prefix}type", "must be a string")
    return Secret(
        metadata=object_meta_from_manifest(body.get("metadata"), f"{prefix}metadata"),
        data=bytes_map(data) if data else _nil_bytes_map(),
        type=secret_type,
    )


def configmap_from_manifest(manifest: Any, key: str = "") -> ConfigMap:
    """A ``v1.ConfigMap`` from its manifest (``data`` plain text, ``binaryData`` base64)."""
    prefix = f"{key}." if key else ""
    body = _mapping(manifest, key or "configmap")
    data = _strings(body.get("data"), f"{prefix}data")
    binary = _base64_values(body.get("binaryData"), f"{prefix}binaryData")
    return ConfigMap(
        metadata=object_meta_from_manifest(body.get("metadata"), f"{prefix}metadata"),
        data=string_map(data) if data else _nil_string_map(),
        binary_data=bytes_map(binary) if binary else _nil_bytes_map(),
    )

"""Unstructured reads and writes of any object by resource type (the dynamic-client part).

Objects are plain JSON dicts exactly as the API server returns them, so integers stay ints and
templates (``.Object``, WaitV2 conditions) see what ``kubectl get -o json`` shows. Manifests for
KubeOps ``create`` may be YAML or JSON, multi-document, or ``kind: List``
(kanister-behaviour.md 5.15).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from kancli.errors import BlueprintError, ClusterError, NotFoundError
from kancli.kube.connection import Connection, Query
from kancli.kube.resources import Resolver, object_path, split_api_version
from kancli.kube.types import GVR, ObjectRef, ResourceInfo

PatchType = Literal["strategic", "merge", "json", "apply"]

PATCH_CONTENT_TYPES: dict[str, str] = {
    "strategic": "application/strategic-merge-patch+json",
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
    "apply": "application/apply-patch+yaml",
}


class Objects:
    """Generic object access for one connection."""

    def __init__(self, conn: Connection, resolver: Resolver) -> None:
        self.conn = conn
        self.resolver = resolver

    def get(self, gvr: GVR, name: str, namespace: str = "") -> dict[str, Any]:
        info = self.resolver.info(gvr)
        return self._expect_object(
            self.conn.request_json("GET", object_path(info, namespace, name)), info
        )

    def get_or_none(self, gvr: GVR, name: str, namespace: str = "") -> dict[str, Any] | None:
        try:
            return self.get(gvr, name, namespace)
        except NotFoundError:
            return None

    def list_objects(
        self,
        gvr: GVR,
        namespace: str = "",
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict[str, Any]]:
        """Items in API order (the server sorts by namespace and name)."""
        return self.list_with_version(
            gvr, namespace, label_selector=label_selector, field_selector=field_selector
        )[0]

    def list_with_version(
        self,
        gvr: GVR,
        namespace: str = "",
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> tuple[list[dict[str, Any]], str]:
        """Items and the list's resourceVersion (to start a watch from)."""
        info = self.resolver.info(gvr)
        query: list[tuple[str, str]] = []
        if label_selector:
            query.append(("labelSelector", label_selector))
        if field_selector:
            query.append(("fieldSelector", field_selector))
        listing = self.conn.request_json("GET", object_path(info, namespace), query=query)
        if not isinstance(listing, dict):
            raise ClusterError(f"listing {gvr} returned no list")
        items = [i for i in listing.get("items") or [] if isinstance(i, dict)]
        version = str((listing.get("metadata") or {}).get("resourceVersion") or "")
        return items, version

    def create(
        self,
        gvr: GVR,
        body: Mapping[str, Any],
        namespace: str = "",
        *,
        field_manager: str | None = None,
    ) -> dict[str, Any]:
        info = self.resolver.info(gvr)
        query: list[tuple[str, str]] = []
        if field_manager:
            query.append(("fieldManager", field_manager))
        return self._expect_object(
            self.conn.request_json(
                "POST", object_path(info, namespace), query=query, body=dict(body)
            ),
            info,
        )

    def replace(self, gvr: GVR, body: Mapping[str, Any], namespace: str = "") -> dict[str, Any]:
        """PUT the whole object (an Update: fails with ConflictError on a stale resourceVersion)."""
        info = self.resolver.info(gvr)
        name = str((body.get("metadata") or {}).get("name") or "")
        return self._expect_object(
            self.conn.request_json("PUT", object_path(info, namespace, name), body=dict(body)),
            info,
        )

    def patch(
        self,
        gvr: GVR,
        name: str,
        patch: Mapping[str, Any] | Sequence[Any] | str | bytes,
        namespace: str = "",
        *,
        patch_type: PatchType = "strategic",
        subresource: str = "",
        field_manager: str | None = None,
    ) -> dict[str, Any]:
        """PATCH an object; ``patch`` is a mapping, a JSON-patch list, or JSON/YAML text."""
        info = self.resolver.info(gvr)
        body: Any = patch
        if isinstance(patch, (str, bytes)):
            body = parse_patch_text(patch)
        if patch_type == "json" and not isinstance(body, list):
            raise BlueprintError("a JSON patch must be a list of operations")
        if patch_type != "json" and not isinstance(body, Mapping):
            raise BlueprintError(f"a {patch_type} patch must be an object")
        query: list[tuple[str, str]] = []
        if field_manager:
            query.append(("fieldManager", field_manager))
        payload = json.dumps(body if isinstance(body, list) else dict(body)).encode()
        return self._expect_object(
            self.conn.request_json(
                "PATCH",
                object_path(info, namespace, name, subresource),
                query=query,
                body=payload,
                content_type=PATCH_CONTENT_TYPES[patch_type],
            ),
            info,
        )

    def delete(
        self,
        gvr: GVR,
        name: str,
        namespace: str = "",
        *,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = "Background",
        ignore_not_found: bool = False,
    ) -> bool:
        """DELETE an object; True if the server accepted it, False if it was already gone."""
        info = self.resolver.info(gvr)
        options: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1"}
        if grace_period_seconds is not None:
            options["gracePeriodSeconds"] = grace_period_seconds
        if propagation_policy:
            options["propagationPolicy"] = propagation_policy
        try:
            self.conn.request_json("DELETE", object_path(info, namespace, name), body=options)
        except NotFoundError:
            if ignore_not_found:
                return False
            raise
        return True

    def raw_get(self, path: str, query: Query | None = None) -> Any:
        return self.conn.request_json("GET", path, query=query)

    @staticmethod
    def _expect_object(data: Any, info: ResourceInfo) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise ClusterError(f"the API server sent no {info.kind or info.gvr.resource} object")
        return data


def parse_patch_text(text: str | bytes) -> Any:
    """A patch given as JSON or YAML text (KubeOps passes YAML and converts it to JSON)."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BlueprintError(f"patch is neither JSON nor YAML: {exc}") from exc


def parse_manifests(spec: str) -> list[dict[str, Any]]:
    """The objects of a YAML/JSON spec: several documents, and ``kind: *List`` items flattened."""
    import yaml

    try:
        docs = [d for d in yaml.safe_load_all(spec) if d is not None]
    except yaml.YAMLError as exc:
        raise BlueprintError(f"spec is neither JSON nor YAML: {exc}") from exc
    objects: list[dict[str, Any]] = []
    for doc in _flatten(docs):
        if not isinstance(doc, dict):
            raise BlueprintError(f"spec document is not an object: {str(doc)[:80]!r}")
        if not doc.get("apiVersion") or not doc.get("kind"):
            raise BlueprintError("every object in a spec needs apiVersion and kind")
        objects.append(doc)
    if not objects:
        raise BlueprintError("spec contains no object")
    return objects


def _flatten(docs: Iterable[Any]) -> Iterable[Any]:
    for doc in docs:
        kind = doc.get("kind") if isinstance(doc, dict) else None
        if isinstance(kind, str) and kind.endswith("List") and isinstance(doc.get("items"), list):
            yield from _flatten(doc["items"])
        else:
            yield doc


def create_from_spec(
    objects: Objects, spec: str, namespace: str, *, field_manager: str = "kanister-create"
) -> list[ObjectRef]:
    """Create every object of a spec, in order; an object's own namespace wins over ``namespace``.

    Returns references to the created objects (KubeOps reports the last one).
    """
    refs: list[ObjectRef] = []
    for manifest in parse_manifests(spec):
        api_version = str(manifest["apiVersion"])
        info = objects.resolver.for_kind(api_version, str(manifest["kind"]))
        meta = manifest.get("metadata") or {}
        target_ns = str(meta.get("namespace") or namespace) if info.namespaced else ""
        created = objects.create(info.gvr, manifest, target_ns, field_manager=field_manager)
        created_meta = created.get("metadata") or {}
        refs.append(
            ObjectRef(
                gvr=info.gvr,
                name=str(created_meta.get("name") or meta.get("name") or ""),
                namespace=str(created_meta.get("namespace") or target_ns),
                kind=info.kind,
            )
        )
    return refs


def gvr_for(api_version: str, resource: str) -> GVR:
    group, version = split_api_version(api_version)
    return GVR(group, version, resource)

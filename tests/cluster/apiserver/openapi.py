"""A minimal OpenAPI v3 surface, enough for kubectl's apply/create/replace.

kubectl refuses to send objects unless it can tell, from ``/openapi/v3``, that the server does
field validation itself (the ``fieldValidation`` query parameter on each type's PATCH
operation). The documents list every served type's item path with that parameter and its
``x-kubernetes-group-version-kind``; they carry no schemas, so kubectl computes strategic merge
patches from its built-in types, as it does for any server whose spec lacks a kind.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tests.cluster.apiserver.discovery import KUBERNETES_VERSION
from tests.cluster.apiserver.resources import Registry, ResourceType

_PARAMS = ("dryRun", "fieldManager", "fieldValidation", "force", "pretty")


def _gv_path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def index(registry: Registry) -> dict[str, Any]:
    paths = {}
    for group, versions in registry.groups().items():
        for version in versions:
            doc = group_version(registry, group, version)
            digest = hashlib.sha512(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:128]
            gv = _gv_path(group, version)
            paths[gv] = {"serverRelativeURL": f"/openapi/v3/{gv}?hash={digest.upper()}"}
    return {"paths": paths}


def _operation(rtype: ResourceType) -> dict[str, Any]:
    return {
        "operationId": f"patch{rtype.kind}",
        "parameters": [
            {"name": p, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
            for p in _PARAMS
        ],
        "responses": {"200": {"description": "OK"}},
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": {
            "group": rtype.group,
            "kind": rtype.kind,
            "version": rtype.version,
        },
    }


def group_version(registry: Registry, group: str, version: str) -> dict[str, Any] | None:
    types = registry.in_group_version(group, version)
    if not types:
        return None
    paths: dict[str, Any] = {}
    for rtype in sorted(types, key=lambda t: t.plural):
        if "patch" not in rtype.verbs:
            continue
        base = f"/{_gv_path(group, version)}"
        scope = "/namespaces/{namespace}" if rtype.namespaced else ""
        paths[f"{base}{scope}/{rtype.plural}/{{name}}"] = {"patch": _operation(rtype)}
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": KUBERNETES_VERSION["gitVersion"]},
        "paths": paths,
        "components": {"schemas": {}},
    }

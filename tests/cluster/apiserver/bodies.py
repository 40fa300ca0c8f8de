"""Request bodies: JSON/YAML decoding, the PATCH flavours, and the autoscaling/v1 Scale view.

Kept apart from the routing in ``rest.py`` so each file stays about one concern.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from aiohttp import web

from tests.cluster.apiserver import patching, protobuf
from tests.cluster.apiserver.selectors import format_selector
from tests.cluster.apiserver.status import ApiError, bad_request, status_object

PATCH_TYPES = (
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/json-patch+json",
    "application/apply-patch+yaml",
)


def scale_of(obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj["metadata"]
    status = obj.get("status") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta["name"],
            "namespace": meta.get("namespace", ""),
            "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"],
            "creationTimestamp": meta["creationTimestamp"],
        },
        "spec": {"replicas": obj["spec"].get("replicas", 0)},
        "status": {
            "replicas": status.get("replicas", 0),
            "selector": format_selector(obj["spec"].get("selector")),
        },
    }


def apply_patch(
    content_type: str, current: dict[str, Any], patch: Any, request: web.Request
) -> Any:
    if content_type == "application/merge-patch+json":
        return patching.merge_patch(current, patch)
    if content_type == "application/strategic-merge-patch+json":
        return patching.strategic_merge_patch(current, patch)
    if content_type == "application/json-patch+json":
        return patching.json_patch(current, patch)
    require_field_manager(request)
    return patching.strategic_merge_patch(current, patch)


def require_field_manager(request: web.Request) -> None:
    if not request.query.get("fieldManager"):
        raise ApiError(
            status_object(
                422,
                "Invalid",
                'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is '
                "required for apply patch",
            )
        )


async def read_body(request: web.Request, *, optional: bool = False) -> Any:
    raw = await request.read()
    if request.content_type == protobuf.MEDIA_TYPE:
        raise protobuf.unsupported()
    if not raw:
        if optional:
            return None
        raise bad_request("the body of the request was empty")
    try:
        if "yaml" in request.content_type:
            return yaml.safe_load(raw)
        return json.loads(raw)
    except (ValueError, yaml.YAMLError) as exc:
        raise bad_request(f"couldn't get version/kind; json parse error: {exc}") from None

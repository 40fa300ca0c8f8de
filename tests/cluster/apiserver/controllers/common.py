"""Helpers the controllers share: ownership, readiness, hashing and status conditions."""

from __future__ import annotations

import json
from typing import Any

from tests.cluster.apiserver.store import now_rfc3339

SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def owner_ref(owner: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def controller_uid(obj: dict[str, Any]) -> str | None:
    for ref in obj["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return str(ref.get("uid"))
    return None


def controller_of(obj: dict[str, Any]) -> tuple[str, str] | None:
    """(kind, name) of the controlling owner."""
    for ref in obj["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return str(ref.get("kind")), str(ref.get("name"))
    return None


def owned_by(items: list[dict[str, Any]], owner: dict[str, Any]) -> list[dict[str, Any]]:
    uid = owner["metadata"]["uid"]
    return [o for o in items if controller_uid(o) == uid]


def is_terminal(pod: dict[str, Any]) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def is_deleting(obj: dict[str, Any]) -> bool:
    return bool(obj["metadata"].get("deletionTimestamp"))


def is_running(pod: dict[str, Any]) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running"


def is_ready(pod: dict[str, Any]) -> bool:
    for cond in (pod.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            return bool(cond.get("status") == "True")
    return False


def template_hash(template: dict[str, Any], collisions: int = 0) -> str:
    """A pod-template-hash as the controllers print it: FNV-32a of the template, its decimal
    digits mapped onto the consonant/digit alphabet (``rand.SafeEncodeString``)."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    value = 0x811C9DC5
    for byte in data + str(collisions).encode():
        value ^= byte
        value = (value * 0x01000193) & 0xFFFFFFFF
    return "".join(SAFE_ALPHABET[ord(ch) % len(SAFE_ALPHABET)] for ch in str(value))


def set_condition(
    conditions: list[dict[str, Any]],
    ctype: str,
    status: str,
    reason: str,
    message: str,
    *,
    with_update_time: bool = False,
) -> list[dict[str, Any]]:
    """Replace condition ``ctype``; keep lastTransitionTime when the status is unchanged."""
    now = now_rfc3339()
    old = next((c for c in conditions if c.get("type") == ctype), None)
    cond: dict[str, Any] = {"type": ctype, "status": status}
    if with_update_time:
        same = old is not None and old.get("reason") == reason and old.get("status") == status
        cond["lastUpdateTime"] = old.get("lastUpdateTime", now) if same and old else now
    cond["lastTransitionTime"] = (
        old.get("lastTransitionTime", now) if old and old.get("status") == status else now
    )
    cond["reason"] = reason
    cond["message"] = message
    return [c for c in conditions if c.get("type") != ctype] + [cond]


def omit_zero(status: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Go's omitempty for int fields."""
    return {k: v for k, v in status.items() if k in keep or v not in (0, None, "")}

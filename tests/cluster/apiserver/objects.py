"""The write paths every client and controller share: create, update, patch and delete.

This is where an API server's generic registry logic lives: server-managed metadata (uid,
resourceVersion, generation, timestamps), ``generateName``, optimistic concurrency, the status
subresource split, finalizers, graceful deletion and cascading deletion through
ownerReferences. Type-specific behaviour (what happens when a Pod is created or deleted, when a
Namespace is deleted...) is plugged in through ``Lifecycle`` hooks by ``server.py``.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.cluster.apiserver import defaults
from tests.cluster.apiserver.resources import Registry, ResourceType
from tests.cluster.apiserver.status import (
    ApiError,
    already_exists,
    bad_request,
    conflict,
    forbidden,
    internal_error,
    not_found,
    status_object,
    success_status,
)
from tests.cluster.apiserver.store import Store, now_rfc3339

NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
_SERVER_FIELDS = ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds")


def random_suffix(length: int = 5) -> str:
    return "".join(secrets.choice(NAME_ALPHABET) for _ in range(length))


@dataclass
class DeleteOptions:
    grace_seconds: int | None = None
    propagation: str | None = None  # Background, Foreground, Orphan
    precondition_uid: str | None = None
    precondition_rv: str | None = None
    dry_run: bool = False

    @classmethod
    def from_request(cls, body: dict[str, Any] | None, query: Any) -> DeleteOptions:
        body = body or {}
        grace = body.get("gracePeriodSeconds", query.get("gracePeriodSeconds"))
        propagation = body.get("propagationPolicy", query.get("propagationPolicy"))
        if propagation is None and body.get("orphanDependents", query.get("orphanDependents")) in (
            True,
            "true",
        ):
            propagation = "Orphan"
        pre = body.get("preconditions") or {}
        dry = body.get("dryRun") or query.getall("dryRun", [])
        return cls(
            grace_seconds=int(grace) if grace is not None else None,
            propagation=propagation,
            precondition_uid=pre.get("uid"),
            precondition_rv=pre.get("resourceVersion"),
            dry_run=bool(dry),
        )


@dataclass
class Lifecycle:
    """Hooks for one type. ``delete`` returns the object to answer with, having taken over
    removal (graceful pods, namespaces); it returns None to let the generic path run."""

    before_create: Callable[[dict[str, Any]], None] | None = None
    after_create: Callable[[dict[str, Any]], None] | None = None
    delete: Callable[[dict[str, Any], DeleteOptions], dict[str, Any] | None] | None = None


@dataclass
class ObjectService:
    registry: Registry
    store: Store
    hooks: dict[tuple[str, str], Lifecycle] = field(default_factory=dict)

    # -- helpers ----------------------------------------------------------------------------

    def require(self, rtype: ResourceType, namespace: str, name: str) -> dict[str, Any]:
        found = self.store.get(rtype.key, namespace if rtype.namespaced else "", name)
        if found is None:
            raise not_found(rtype.plural, rtype.group, name)
        return found

    def _check_namespace(self, rtype: ResourceType, namespace: str, name: str) -> None:
        if not rtype.namespaced:
            return
        ns = self.store.peek(("", "namespaces"), "", namespace)
        if ns is None:
            raise not_found("namespaces", "", namespace)
        if ns["metadata"].get("deletionTimestamp"):
            raise forbidden(
                rtype.plural,
                rtype.group,
                name,
                f"unable to create new content in namespace {namespace} because it is being "
                "terminated",
            )

    # -- create -----------------------------------------------------------------------------

    def create(
        self, rtype: ResourceType, namespace: str, body: Any, *, dry_run: bool = False
    ) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise bad_request("the body of the request was not a JSON object")
        obj = copy.deepcopy(body)
        defaults.check_kind(rtype, obj)
        obj["apiVersion"] = rtype.api_version
        obj["kind"] = rtype.kind
        meta = obj.setdefault("metadata", {})
        if meta is None or not isinstance(meta, dict):
            meta = obj["metadata"] = {}
        if meta.get("resourceVersion"):
            raise internal_error("resourceVersion should not be set on objects to be created")
        if rtype.namespaced:
            body_ns = meta.get("namespace")
            if body_ns and body_ns != namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent on "
                    "the request"
                )
            meta["namespace"] = namespace
        else:
            meta.pop("namespace", None)
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = f"{meta['generateName']}{random_suffix()}"
        for key in (*_SERVER_FIELDS, "managedFields", "generation"):
            meta.pop(key, None)
        if rtype.has_generation:
            meta["generation"] = 1
        if rtype.status_subresource and rtype.key not in (
            ("", "pods"),
            ("", "namespaces"),
            ("", "persistentvolumeclaims"),
        ):
            obj.pop("status", None)
        defaults.prepare(rtype, obj, None)
        name = meta["name"]
        self._check_namespace(rtype, namespace, name)
        hook = self.hooks.get(rtype.key)
        if hook and hook.before_create:
            hook.before_create(obj)
        if self.store.peek(rtype.key, meta.get("namespace", ""), name) is not None:
            raise already_exists(rtype.plural, rtype.group, name)
        if dry_run:
            return obj
        stored = self.store.put(rtype.key, obj)
        if hook and hook.after_create:
            hook.after_create(stored)
        return copy.deepcopy(stored)

    # -- update -----------------------------------------------------------------------------

    def update(
        self,
        rtype: ResourceType,
        namespace: str,
        name: str,
        body: Any,
        *,
        subresource: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise bad_request("the body of the request was not a JSON object")
        old = self.require(rtype, namespace, name)
        new = copy.deepcopy(body)
        defaults.check_kind(rtype, new)
        meta = new.get("metadata")
        if not isinstance(meta, dict):
            meta = new["metadata"] = {}
        if meta.get("name") and meta["name"] != name:
            raise bad_request(
                f"the name of the object ({meta['name']}) does not match the name on the URL "
                f"({name})"
            )
        if rtype.namespaced and meta.get("namespace") and meta["namespace"] != namespace:
            raise bad_request(
                "the namespace of the provided object does not match the namespace sent on the "
                "request"
            )
        rv = meta.get("resourceVersion")
        if rv and rv != old["metadata"]["resourceVersion"]:
            raise conflict(rtype.plural, rtype.group, name)
        if subresource == "status":
            merged = copy.deepcopy(old)
            merged["status"] = new.get("status", {})
            new = merged
        else:
            new["apiVersion"] = rtype.api_version
            new["kind"] = rtype.kind
            meta["name"] = name
            if rtype.namespaced:
                meta["namespace"] = namespace
            for key in (*_SERVER_FIELDS, "generation"):
                if key in old["metadata"]:
                    meta[key] = old["metadata"][key]
                else:
                    meta.pop(key, None)
            meta.pop("managedFields", None)
            if rtype.status_subresource:
                if "status" in old:
                    new["status"] = old["status"]
                else:
                    new.pop("status", None)
            defaults.prepare(rtype, new, old)
            if rtype.has_generation and _spec_view(new) != _spec_view(old):
                meta["generation"] = int(old["metadata"].get("generation", 1)) + 1
        return self._commit(rtype, old, new, dry_run=dry_run)

    def _commit(
        self, rtype: ResourceType, old: dict[str, Any], new: dict[str, Any], *, dry_run: bool
    ) -> dict[str, Any]:
        new["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
        if new == old or dry_run:
            return new
        meta = new["metadata"]
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            gone = self.store.remove(rtype.key, meta.get("namespace", ""), meta["name"])
            return gone or new
        return copy.deepcopy(self.store.put(rtype.key, new))

    def write_status(self, rtype: ResourceType, obj: dict[str, Any]) -> None:
        """Controllers: store ``obj`` (a modified copy of the current object) if it changed."""
        meta = obj["metadata"]
        current = self.store.peek(rtype.key, meta.get("namespace", ""), meta["name"])
        if current is None or current == obj:
            return
        if current["metadata"]["resourceVersion"] != meta["resourceVersion"]:
            return  # a newer write happened; the controller will look again
        self.store.put(rtype.key, obj)

    # -- delete -----------------------------------------------------------------------------

    def delete(
        self, rtype: ResourceType, namespace: str, name: str, options: DeleteOptions
    ) -> dict[str, Any]:
        obj = self.require(rtype, namespace, name)
        meta = obj["metadata"]
        if options.precondition_uid and options.precondition_uid != meta["uid"]:
            raise ApiError(
                status_object(
                    409,
                    "Conflict",
                    f'Operation cannot be fulfilled on {rtype.plural} "{name}": Precondition '
                    f"failed: UID in precondition: {options.precondition_uid}, UID in object "
                    f"meta: {meta['uid']}",
                    {"name": name, "kind": rtype.plural},
                )
            )
        if options.precondition_rv and options.precondition_rv != meta["resourceVersion"]:
            raise conflict(rtype.plural, rtype.group, name)
        if options.dry_run:
            return obj
        if options.propagation == "Orphan":
            self.orphan_dependents(meta["uid"])
        hook = self.hooks.get(rtype.key)
        if hook and hook.delete:
            answer = hook.delete(obj, options)
            if answer is not None:
                return answer
        if options.propagation == "Foreground" and self.dependents(meta["uid"]):
            finalizers = list(meta.get("finalizers") or [])
            if "foregroundDeletion" not in finalizers:
                finalizers.append("foregroundDeletion")
            return self.mark_deleting(rtype, obj, finalizers=finalizers)
        if meta.get("finalizers"):
            return self.mark_deleting(rtype, obj)
        gone = self.store.remove(rtype.key, meta.get("namespace", ""), name)
        details = {"name": name, "kind": rtype.plural, "uid": meta["uid"]}
        if rtype.group:
            details = {"name": name, "group": rtype.group, "kind": rtype.plural, "uid": meta["uid"]}
        if rtype.key in (("", "pods"), ("", "namespaces")) or not rtype.builtin:
            return gone or obj
        return success_status(details)

    def mark_deleting(
        self,
        rtype: ResourceType,
        obj: dict[str, Any],
        *,
        grace: int = 0,
        finalizers: list[str] | None = None,
    ) -> dict[str, Any]:
        meta = obj["metadata"]
        if meta.get("deletionTimestamp") and finalizers is None:
            return obj
        new = copy.deepcopy(obj)
        new["metadata"]["deletionTimestamp"] = meta.get("deletionTimestamp") or now_rfc3339()
        new["metadata"]["deletionGracePeriodSeconds"] = grace
        if finalizers is not None:
            new["metadata"]["finalizers"] = finalizers
        return copy.deepcopy(self.store.put(rtype.key, new))

    def remove_finalizer(self, rtype: ResourceType, obj: dict[str, Any], finalizer: str) -> None:
        current = self.store.get(
            rtype.key, obj["metadata"].get("namespace", ""), obj["metadata"]["name"]
        )
        if current is None:
            return
        finalizers = [f for f in current["metadata"].get("finalizers") or [] if f != finalizer]
        new = copy.deepcopy(current)
        if finalizers:
            new["metadata"]["finalizers"] = finalizers
        else:
            new["metadata"].pop("finalizers", None)
        self._commit(rtype, current, new, dry_run=False)

    # -- ownership --------------------------------------------------------------------------

    def dependents(self, uid: str) -> list[tuple[ResourceType, dict[str, Any]]]:
        found = []
        for rtype in self.registry.namespaced_types():
            for obj in self.store.items(rtype.key):
                refs = obj["metadata"].get("ownerReferences") or []
                if any(ref.get("uid") == uid for ref in refs):
                    found.append((rtype, obj))
        return found

    def orphan_dependents(self, uid: str) -> None:
        for rtype, obj in self.dependents(uid):
            new = copy.deepcopy(obj)
            refs = [r for r in new["metadata"]["ownerReferences"] if r.get("uid") != uid]
            if refs:
                new["metadata"]["ownerReferences"] = refs
            else:
                del new["metadata"]["ownerReferences"]
            self.store.put(rtype.key, new)


def _spec_view(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in ("metadata", "status")}

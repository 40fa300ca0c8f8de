"""Authentication (optional bearer token) and a switchable RBAC stand-in.

By default every authenticated request is allowed, as for a cluster admin. Tests take rights
away with ``Authorizer.forbid(verb=..., resource=..., namespace=...)``; a forbidden request gets
the 403 Status RBAC sends, and SelfSubjectAccessReview answers from the same rules, so kancli's
pre-flight permission checks and the real request agree. ``up`` reads rules from a JSON file::

    [{"verb": "create", "resource": "pods/exec", "namespace": "demo"}]
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.cluster.apiserver.status import ApiError, forbidden

DEFAULT_USER = "kubernetes-admin"


@dataclass(frozen=True)
class Rule:
    """Denies requests matching every given field (None matches anything). ``resource`` may
    name a subresource (``pods/exec``) or use ``*``."""

    verb: str | None = None
    resource: str | None = None
    namespace: str | None = None
    name: str | None = None
    group: str | None = None

    def matches(self, attrs: RequestAttributes) -> bool:
        return (
            _eq(self.verb, attrs.verb)
            and _eq(self.resource, attrs.full_resource)
            and _eq(self.namespace, attrs.namespace)
            and _eq(self.name, attrs.name)
            and _eq(self.group, attrs.group)
        )


def _eq(expected: str | None, actual: str) -> bool:
    return expected is None or expected == "*" or expected == actual


@dataclass(frozen=True)
class RequestAttributes:
    verb: str
    group: str
    resource: str
    subresource: str
    namespace: str
    name: str

    @property
    def full_resource(self) -> str:
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource


class ForbidHandle:
    """Returned by ``forbid``: ``undo()`` or use as a context manager."""

    def __init__(self, authorizer: Authorizer, rule: Rule) -> None:
        self._authorizer = authorizer
        self.rule = rule

    def undo(self) -> None:
        self._authorizer.allow(self.rule)

    def __enter__(self) -> ForbidHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.undo()


class Authorizer:
    """Token check and deny rules; safe to change from the test thread while serving."""

    def __init__(self, token: str | None = None, user: str = DEFAULT_USER) -> None:
        self.token = token
        self.user = user
        self._rules: list[Rule] = []
        self._lock = threading.Lock()

    def authenticate(self, header: str | None) -> bool:
        if self.token is None:
            return True
        return header == f"Bearer {self.token}"

    def forbid(
        self,
        *,
        verb: str | None = None,
        resource: str | None = None,
        namespace: str | None = None,
        name: str | None = None,
        group: str | None = None,
    ) -> ForbidHandle:
        rule = Rule(verb, resource, namespace, name, group)
        with self._lock:
            self._rules.append(rule)
        return ForbidHandle(self, rule)

    def allow(self, rule: Rule) -> None:
        with self._lock:
            if rule in self._rules:
                self._rules.remove(rule)

    def reset(self) -> None:
        with self._lock:
            self._rules.clear()

    def load_rules(self, path: Path) -> None:
        for entry in json.loads(path.read_text()):
            self.forbid(
                **{k: entry.get(k) for k in ("verb", "resource", "namespace", "name", "group")}
            )

    def allowed(self, attrs: RequestAttributes) -> bool:
        with self._lock:
            return not any(rule.matches(attrs) for rule in self._rules)

    def check(self, attrs: RequestAttributes) -> None:
        if not self.allowed(attrs):
            raise self.denial(attrs)

    def denial(self, attrs: RequestAttributes) -> ApiError:
        scope = (
            f'in the namespace "{attrs.namespace}"' if attrs.namespace else "at the cluster scope"
        )
        tail = (
            f'User "{self.user}" cannot {attrs.verb} resource "{attrs.full_resource}" in API '
            f'group "{attrs.group}" {scope}'
        )
        return forbidden(attrs.resource, attrs.group, attrs.name, tail)

    def review(self, body: dict[str, Any]) -> dict[str, Any]:
        """Answer a SelfSubjectAccessReview."""
        spec = body.get("spec") or {}
        ra = spec.get("resourceAttributes") or {}
        attrs = RequestAttributes(
            verb=str(ra.get("verb", "")),
            group=str(ra.get("group", "")),
            resource=str(ra.get("resource", "")),
            subresource=str(ra.get("subresource", "")),
            namespace=str(ra.get("namespace", "")),
            name=str(ra.get("name", "")),
        )
        allowed = self.allowed(attrs) if ra else True
        status: dict[str, Any] = {"allowed": allowed}
        return {
            "kind": "SelfSubjectAccessReview",
            "apiVersion": "authorization.k8s.io/v1",
            "metadata": {"creationTimestamp": None},
            "spec": spec,
            "status": status,
        }

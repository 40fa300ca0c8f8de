"""Label and field selectors, parsed and matched as the API server does.

Label selector grammar (``k8s.io/apimachinery/pkg/labels``): comma-separated requirements
``k=v``, ``k==v``, ``k!=v``, ``k in (a,b)``, ``k notin (a,b)``, ``k`` (exists), ``!k``. A
``!=``/``notin`` requirement also matches objects without the label. Field selectors support
``=``, ``==`` and ``!=`` on the fields each type declares.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tests.cluster.apiserver.status import ApiError, bad_request

_SET_RE = re.compile(r"^\s*([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)\s*")
_CMP_RE = re.compile(r"^\s*([^\s!=(),]+)\s*(==|=|!=)\s*([^\s,]*)\s*")
_EXISTS_RE = re.compile(r"^\s*(!?)\s*([^\s!=(),]+)\s*")


@dataclass(frozen=True)
class Requirement:
    key: str
    op: str  # "=", "!=", "in", "notin", "exists", "!"
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        if self.op in ("=", "in"):
            return present and value in self.values
        if self.op in ("!=", "notin"):
            return not present or value not in self.values
        if self.op == "exists":
            return present
        return not present


LabelSelector = tuple[Requirement, ...]


def parse_label_selector(text: str | None) -> LabelSelector:
    """Parse ``?labelSelector=``; raises 400 BadRequest as the server does on bad syntax."""
    if not text or not text.strip():
        return ()
    reqs: list[Requirement] = []
    rest = text
    while rest.strip():
        m = _SET_RE.match(rest)
        if m:
            values = tuple(v.strip() for v in m.group(3).split(",") if v.strip())
            reqs.append(Requirement(m.group(1), m.group(2), values))
        else:
            m = _CMP_RE.match(rest)
            if m:
                op = "!=" if m.group(2) == "!=" else "="
                reqs.append(Requirement(m.group(1), op, (m.group(3),)))
            else:
                m = _EXISTS_RE.match(rest)
                if not m:
                    raise _bad_selector(text)
                reqs.append(Requirement(m.group(2), "!" if m.group(1) else "exists"))
        rest = rest[m.end() :]
        if rest.strip():
            if not rest.lstrip().startswith(","):
                raise _bad_selector(text)
            rest = rest.lstrip()[1:]
            if not rest.strip():
                raise _bad_selector(text)
    return tuple(reqs)


def _bad_selector(text: str) -> ApiError:
    return bad_request(f"unable to parse requirement: found '{text}', expected: identifier")


def selector_from_label_selector(spec: Mapping[str, Any] | None) -> LabelSelector:
    """Convert a ``metav1.LabelSelector`` (matchLabels + matchExpressions) to requirements."""
    if not spec:
        return ()
    reqs = [Requirement(k, "=", (str(v),)) for k, v in (spec.get("matchLabels") or {}).items()]
    for expr in spec.get("matchExpressions") or []:
        op = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}[
            expr["operator"]
        ]
        reqs.append(Requirement(expr["key"], op, tuple(expr.get("values") or ())))
    return tuple(reqs)


def matches_labels(selector: LabelSelector, obj: Mapping[str, Any]) -> bool:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    return all(req.matches(labels) for req in selector)


def format_selector(spec: Mapping[str, Any] | None) -> str:
    """The selector string ``Scale.status.selector`` carries (sorted, as the server prints)."""
    parts = []
    for req in sorted(selector_from_label_selector(spec), key=lambda r: r.key):
        if req.op == "=":
            parts.append(f"{req.key}={req.values[0]}")
        elif req.op in ("in", "notin"):
            parts.append(f"{req.key} {req.op} ({','.join(sorted(req.values))})")
        elif req.op == "exists":
            parts.append(req.key)
        else:
            parts.append(f"!{req.key}")
    return ",".join(parts)


# -- field selectors ---------------------------------------------------------------------------

FieldGetter = Callable[[Mapping[str, Any]], str]


def _path(*keys: str) -> FieldGetter:
    def get(obj: Mapping[str, Any]) -> str:
        cur: Any = obj
        for key in keys:
            if not isinstance(cur, Mapping):
                return ""
            cur = cur.get(key)
        return "" if cur is None else str(cur)

    return get


_COMMON: dict[str, FieldGetter] = {
    "metadata.name": _path("metadata", "name"),
    "metadata.namespace": _path("metadata", "namespace"),
}
_EXTRA: dict[tuple[str, str], dict[str, FieldGetter]] = {
    ("", "pods"): {
        "status.phase": _path("status", "phase"),
        "spec.nodeName": _path("spec", "nodeName"),
        "spec.restartPolicy": _path("spec", "restartPolicy"),
        "spec.serviceAccountName": _path("spec", "serviceAccountName"),
        "status.podIP": _path("status", "podIP"),
    },
    ("", "secrets"): {"type": _path("type")},
    ("", "namespaces"): {"status.phase": _path("status", "phase")},
    ("", "events"): {
        "involvedObject.kind": _path("involvedObject", "kind"),
        "involvedObject.name": _path("involvedObject", "name"),
        "involvedObject.namespace": _path("involvedObject", "namespace"),
        "involvedObject.uid": _path("involvedObject", "uid"),
        "reason": _path("reason"),
        "type": _path("type"),
    },
    ("apps", "replicasets"): {"status.replicas": _path("status", "replicas")},
}


@dataclass(frozen=True)
class FieldRequirement:
    field: str
    negate: bool
    value: str
    getter: FieldGetter

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return (self.getter(obj) == self.value) != self.negate


FieldSelector = tuple[FieldRequirement, ...]


def parse_field_selector(text: str | None, group: str, plural: str) -> FieldSelector:
    if not text or not text.strip():
        return ()
    known = {**_COMMON, **_EXTRA.get((group, plural), {})}
    reqs = []
    for part in text.split(","):
        m = re.match(r"^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$", part)
        if not m:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        field = m.group(1)
        getter = known.get(field)
        if getter is None:
            raise bad_request(f"field label not supported: {field}")
        reqs.append(FieldRequirement(field, m.group(2) == "!=", m.group(3), getter))
    return tuple(reqs)


def matches_fields(selector: FieldSelector, obj: Mapping[str, Any]) -> bool:
    return all(req.matches(obj) for req in selector)

"""Server-side printing: the ``meta.k8s.io/v1`` Table kubectl asks for on ``kubectl get``.

kubectl prints whatever columns the server sends, so these mirror the real server's column
sets for the types tests look at (pods, workloads, claims, namespaces, secrets, configmaps);
any other type gets NAME and AGE, as custom resources without printer columns do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.cluster.apiserver.resources import ResourceType

TABLE_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io"

Row = Callable[[dict[str, Any]], list[Any]]


def wants_table(accept: str) -> bool:
    return any(
        "as=Table" in part and "g=meta.k8s.io" in part and "v=v1" in part.replace("v1beta1", "")
        for part in accept.split(",")
    )


def human_age(timestamp: str | None) -> str:
    if not timestamp:
        return "<unknown>"
    then = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    seconds = max(0, int((datetime.now(UTC) - then).total_seconds()))
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        return f"{minutes}m{seconds % 60}s" if seconds % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    return f"{hours // 24}d"


def pod_status_text(pod: dict[str, Any]) -> str:
    status = pod.get("status") or {}
    reason = status.get("reason") or status.get("phase") or "Unknown"
    for cs in status.get("initContainerStatuses") or []:
        state = cs.get("state") or {}
        if "terminated" in state and state["terminated"].get("exitCode") == 0:
            continue
        if "terminated" in state:
            return f"Init:{state['terminated'].get('reason') or 'Error'}"
        if (state.get("waiting") or {}).get("reason") not in (None, "PodInitializing"):
            return f"Init:{state['waiting']['reason']}"
        total = len(pod["spec"].get("initContainers") or [])
        done = sum(
            1
            for c in status.get("initContainerStatuses") or []
            if (c.get("state") or {}).get("terminated", {}).get("exitCode") == 0
        )
        return f"Init:{done}/{total}"
    has_running = False
    for cs in reversed(status.get("containerStatuses") or []):
        state = cs.get("state") or {}
        if (state.get("waiting") or {}).get("reason"):
            reason = state["waiting"]["reason"]
        elif "terminated" in state:
            term = state["terminated"]
            reason = term.get("reason") or (
                f"Signal:{term['signal']}"
                if term.get("signal")
                else f"ExitCode:{term.get('exitCode')}"
            )
        elif "running" in state and cs.get("ready"):
            has_running = True
    if reason == "Completed" and has_running:
        reason = "Running"
    if pod["metadata"].get("deletionTimestamp"):
        reason = "Terminating"
    return str(reason)


def _pod(pod: dict[str, Any]) -> list[Any]:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    ready = sum(1 for c in statuses if c.get("ready"))
    restarts = sum(int(c.get("restartCount", 0)) for c in statuses)
    total = len(pod["spec"].get("containers") or [])
    status = pod.get("status") or {}
    return [
        f"{ready}/{total}",
        pod_status_text(pod),
        restarts,
        _age(pod),
        status.get("podIP") or "<none>",
        pod["spec"].get("nodeName") or "<none>",
    ]


def _age(obj: dict[str, Any]) -> str:
    return human_age(obj["metadata"].get("creationTimestamp"))


def _deployment(obj: dict[str, Any]) -> list[Any]:
    st = obj.get("status") or {}
    return [
        f"{st.get('readyReplicas', 0)}/{obj['spec'].get('replicas', 0)}",
        st.get("updatedReplicas", 0),
        st.get("availableReplicas", 0),
        _age(obj),
    ]


def _statefulset(obj: dict[str, Any]) -> list[Any]:
    st = obj.get("status") or {}
    return [f"{st.get('readyReplicas', 0)}/{obj['spec'].get('replicas', 0)}", _age(obj)]


def _replicaset(obj: dict[str, Any]) -> list[Any]:
    st = obj.get("status") or {}
    return [
        obj["spec"].get("replicas", 0),
        st.get("replicas", 0),
        st.get("readyReplicas", 0),
        _age(obj),
    ]


def _pvc(obj: dict[str, Any]) -> list[Any]:
    st = obj.get("status") or {}
    spec = obj.get("spec") or {}
    capacity = (st.get("capacity") or {}).get("storage", "")
    modes = ",".join(
        {
            "ReadWriteOnce": "RWO",
            "ReadOnlyMany": "ROX",
            "ReadWriteMany": "RWX",
            "ReadWriteOncePod": "RWOP",
        }.get(m, m)
        for m in st.get("accessModes") or []
    )
    return [
        st.get("phase", ""),
        spec.get("volumeName", ""),
        capacity,
        modes,
        spec.get("storageClassName") or "<unset>",
        "<unset>",
        _age(obj),
    ]


_COLUMNS: dict[tuple[str, str], tuple[list[str], Row]] = {
    ("", "pods"): (["Ready", "Status", "Restarts", "Age", "IP", "Node"], _pod),
    ("apps", "deployments"): (["Ready", "Up-to-date", "Available", "Age"], _deployment),
    ("apps", "statefulsets"): (["Ready", "Age"], _statefulset),
    ("apps", "replicasets"): (["Desired", "Current", "Ready", "Age"], _replicaset),
    ("", "persistentvolumeclaims"): (
        [
            "Status",
            "Volume",
            "Capacity",
            "Access Modes",
            "StorageClass",
            "VolumeAttributesClass",
            "Age",
        ],
        _pvc,
    ),
    ("", "namespaces"): (
        ["Status", "Age"],
        lambda o: [(o.get("status") or {}).get("phase"), _age(o)],
    ),
    ("", "secrets"): (
        ["Type", "Data", "Age"],
        lambda o: [o.get("type"), len(o.get("data") or {}), _age(o)],
    ),
    ("", "configmaps"): (
        ["Data", "Age"],
        lambda o: [len(o.get("data") or {}) + len(o.get("binaryData") or {}), _age(o)],
    ),
}
_WIDE = {"IP", "Node", "VolumeAttributesClass"}


def table(rtype: ResourceType, items: list[dict[str, Any]], rv: int) -> dict[str, Any]:
    names, row = _COLUMNS.get(rtype.key, (["Age"], lambda o: [_age(o)]))
    columns = [
        {
            "name": "Name",
            "type": "string",
            "format": "name",
            "description": "Name must be unique within a namespace.",
            "priority": 0,
        }
    ]
    for name in names:
        columns.append(
            {
                "name": name,
                "type": "integer" if name == "Restarts" else "string",
                "format": "",
                "description": name,
                "priority": 1 if name in _WIDE else 0,
            }
        )
    rows = []
    for obj in items:
        rows.append(
            {
                "cells": [obj["metadata"]["name"], *row(obj)],
                "object": {
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": obj["metadata"],
                },
            }
        )
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": str(rv)},
        "columnDefinitions": columns,
        "rows": rows,
    }

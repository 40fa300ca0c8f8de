"""Watches through the official client: events in order, resumable from a resourceVersion."""

from __future__ import annotations

import threading
from typing import Any

from kubernetes import client, watch

from tests.cluster_conformance.conftest import wait_until


def _collect(
    core: client.CoreV1Api,
    namespace: str,
    rv: str,
    out: list[tuple[str, str, Any]],
    stop_after: int,
) -> threading.Thread:
    def run() -> None:
        w = watch.Watch()
        for event in w.stream(
            core.list_namespaced_config_map, namespace, resource_version=rv, timeout_seconds=30
        ):
            out.append((event["type"], event["object"].metadata.name, event["object"].data))
            if len(out) >= stop_after:
                w.stop()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_watch_sees_added_modified_deleted_in_order(core: client.CoreV1Api, namespace: str) -> None:
    rv = core.list_namespaced_config_map(namespace).metadata.resource_version
    events: list[tuple[str, str, Any]] = []
    thread = _collect(core, namespace, rv, events, 3)
    core.create_namespaced_config_map(namespace, {"metadata": {"name": "w"}, "data": {"v": "1"}})
    core.patch_namespaced_config_map("w", namespace, {"data": {"v": "2"}})
    core.delete_namespaced_config_map("w", namespace)
    thread.join(30)
    assert events == [
        ("ADDED", "w", {"v": "1"}),
        ("MODIFIED", "w", {"v": "2"}),
        ("DELETED", "w", {"v": "2"}),
    ]


def test_watch_resumes_from_an_old_resource_version(core: client.CoreV1Api, namespace: str) -> None:
    rv = core.list_namespaced_config_map(namespace).metadata.resource_version
    core.create_namespaced_config_map(namespace, {"metadata": {"name": "early"}, "data": {}})
    core.create_namespaced_config_map(namespace, {"metadata": {"name": "late"}, "data": {}})
    events: list[tuple[str, str, Any]] = []
    _collect(core, namespace, rv, events, 2).join(30)
    assert [(t, n) for t, n, _ in events] == [("ADDED", "early"), ("ADDED", "late")]


def test_label_selected_watch_reports_objects_leaving_the_selection_as_deleted(
    core: client.CoreV1Api, namespace: str
) -> None:
    core.create_namespaced_config_map(namespace, {"metadata": {"name": "s", "labels": {"k": "a"}}})
    rv = core.list_namespaced_config_map(namespace).metadata.resource_version
    seen: list[str] = []

    def run() -> None:
        w = watch.Watch()
        for event in w.stream(
            core.list_namespaced_config_map,
            namespace,
            label_selector="k=a",
            resource_version=rv,
            timeout_seconds=30,
        ):
            seen.append(event["type"])
            w.stop()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    core.patch_namespaced_config_map("s", namespace, {"metadata": {"labels": {"k": "b"}}})
    thread.join(30)
    assert seen == ["DELETED"]


def test_watch_ends_when_its_timeout_passes(core: client.CoreV1Api, namespace: str) -> None:
    w = watch.Watch()
    events = list(
        w.stream(
            core.list_namespaced_config_map,
            namespace,
            timeout_seconds=1,
            resource_version=core.list_namespaced_config_map(namespace).metadata.resource_version,
        )
    )
    assert events == []


def test_pod_watch_follows_a_pod_to_completion(core: client.CoreV1Api, namespace: str) -> None:
    rv = core.list_namespaced_pod(namespace).metadata.resource_version
    phases: list[str] = []

    def run() -> None:
        w = watch.Watch()
        for event in w.stream(
            core.list_namespaced_pod, namespace, resource_version=rv, timeout_seconds=60
        ):
            phase = event["object"].status.phase
            if not phases or phases[-1] != phase:
                phases.append(phase)
            if phase == "Succeeded":
                w.stop()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    core.create_namespaced_pod(
        namespace,
        {
            "metadata": {"name": "p"},
            "spec": {
                "restartPolicy": "Never",
                "containers": [
                    {"name": "main", "image": "busybox", "command": ["sh", "-c", "sleep 0.5"]}
                ],
            },
        },
    )
    thread.join(60)
    wait_until(lambda: phases and phases[-1] == "Succeeded", 5, "Succeeded")
    assert phases[0] == "Pending"
    assert "Running" in phases

"""Pods kancli starts: create with generateName, wait until running, until done, delete."""

from __future__ import annotations

import time
from typing import Any

import pytest

from kancli.errors import DeadlineError, NotFoundError
from kancli.kube import Kube, PodFailedError
from tests.kube.conftest import SLEEPER, container, pod_manifest

pytestmark = pytest.mark.cluster


def test_pod_lifecycle_from_generate_name_to_deletion(kube: Kube, namespace: str) -> None:
    manifest = pod_manifest(
        "kanister-job-", [container("container", ["sh", "-c", "echo hi"])], generate=True
    )
    created = kube.create_pod(namespace, manifest)
    name = created["metadata"]["name"]
    assert name.startswith("kanister-job-")
    assert len(name) > len("kanister-job-")
    ready = kube.wait_for_pod_ready(namespace, name, timeout=60)
    assert ready["status"]["phase"] in ("Running", "Succeeded")
    outcome = kube.wait_for_pod_completion(namespace, name, timeout=60)
    assert outcome.is_succeeded
    assert outcome.containers[0].exit_code == 0
    assert kube.read_logs(namespace, name, "container") == b"hi\n"
    kube.delete_pod(namespace, name, wait=True, timeout=30)
    with pytest.raises(NotFoundError):
        kube.read_pod(namespace, name)


def test_deleting_a_missing_pod_is_not_an_error(kube: Kube, namespace: str) -> None:
    kube.delete_pod(namespace, "never-existed")


def test_completion_of_a_failed_pod_reports_reason_and_exit_codes(
    kube: Kube, namespace: str
) -> None:
    manifest = pod_manifest("fails", [container("container", ["sh", "-c", "echo bad; exit 3"])])
    kube.create_pod(namespace, manifest)
    outcome = kube.wait_for_pod_completion(namespace, "fails", timeout=60)
    assert outcome.is_failed
    assert [(c.name, c.state, c.exit_code) for c in outcome.containers] == [
        ("container", "terminated", 3)
    ]
    assert "container container exited with code 3" in outcome.describe()


def test_pod_whose_init_container_fails_is_reported_with_its_log(
    kube: Kube, namespace: str
) -> None:
    manifest = pod_manifest(
        "init-fails",
        [container("container", SLEEPER)],
        init=[container("init", ["sh", "-c", "echo cannot prepare; exit 4"])],
    )
    kube.create_pod(namespace, manifest)
    with pytest.raises(PodFailedError) as info:
        kube.wait_for_pod_ready(namespace, "init-fails", timeout=60)
    err = info.value
    assert err.outcome.is_failed
    assert "init container init exited with code 4" in err.message
    assert err.log_tail == "cannot prepare"


def test_wait_for_ready_times_out_naming_the_pod_and_its_state(kube: Kube, namespace: str) -> None:
    manifest = pod_manifest(
        "slow-start",
        [container("container", SLEEPER)],
        init=[container("init", ["sleep", "30"])],
    )
    kube.create_pod(namespace, manifest)
    started = time.monotonic()
    with pytest.raises(DeadlineError) as info:
        kube.wait_for_pod_ready(namespace, "slow-start", timeout=1.0)
    assert time.monotonic() - started < 6
    assert "timed out after 1s waiting for pod" in info.value.message
    assert f"{namespace}/slow-start to start" in info.value.message
    assert "phase Pending" in info.value.message


def test_wait_for_completion_times_out(kube: Kube, namespace: str) -> None:
    kube.create_pod(namespace, pod_manifest("long", [container("container", SLEEPER)]))
    with pytest.raises(DeadlineError, match=f"pod {namespace}/long to complete"):
        kube.wait_for_pod_completion(namespace, "long", timeout=1.0)


@pytest.mark.parametrize("wait", ["wait_for_pod_ready", "wait_for_pod_completion"])
def test_waiting_for_a_pod_that_does_not_exist_is_not_found(
    kube: Kube, namespace: str, wait: str
) -> None:
    with pytest.raises(NotFoundError, match='pods "ghost" not found while waiting'):
        getattr(kube, wait)(namespace, "ghost", timeout=10)


@pytest.mark.parametrize("watch", [True, False], ids=["watch", "polling"])
def test_waiting_works_with_and_without_watches(
    kube: Kube, namespace: str, cluster: Any, watch: bool
) -> None:
    conn = kube.connection
    conn.watch_supported = watch
    try:
        manifest = pod_manifest("quick", [container("container", ["sh", "-c", "sleep 1"])])
        kube.create_pod(namespace, manifest)
        mark = cluster.mark_requests()
        outcome = kube.wait_for_pod_completion(namespace, "quick", timeout=60)
    finally:
        conn.watch_supported = True
    assert outcome.is_succeeded
    reads = [
        r for r in cluster.requests_since(mark) if r.method == "GET" and r.path.endswith("/quick")
    ]
    # A watch reports the change itself: one read. Polling reads until the pod is done.
    assert (len(reads) == 1) == watch

"""Deployments and StatefulSets on the test cluster: template parameters, scaling, readiness."""

from __future__ import annotations

import time
from typing import Any

import pytest

from kancli.errors import DeadlineError, FunctionError, NotFoundError
from kancli.kube import Kube
from kancli.kube.resources import DEPLOYMENTS, PODS, PVCS, STATEFULSETS
from tests.kube.conftest import SLEEPER, container, pvc_manifest

pytestmark = pytest.mark.cluster


def _deployment(name: str, replicas: int, claim: str | None = None) -> dict[str, Any]:
    labels = {"app": name}
    app = container("app", SLEEPER)
    volumes: list[dict[str, Any]] = []
    if claim:
        app["volumeMounts"] = [
            {"name": "data", "mountPath": "/data"},
            {"name": "scratch", "mountPath": "/scratch"},
        ]
        volumes = [
            {"name": "data", "persistentVolumeClaim": {"claimName": claim}},
            {"name": "scratch", "emptyDir": {}},
        ]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "terminationGracePeriodSeconds": 0,
                    "containers": [app, container("sidecar", SLEEPER)],
                    "volumes": volumes,
                },
            },
        },
    }


def _statefulset(name: str, replicas: int, direct_claim: str | None = None) -> dict[str, Any]:
    labels = {"app": name}
    db = container("db", SLEEPER)
    db["volumeMounts"] = [{"name": "data", "mountPath": "/var/lib/db"}]
    volumes: list[dict[str, Any]] = []
    if direct_claim:
        db["volumeMounts"].append({"name": "shared", "mountPath": "/shared"})
        volumes = [{"name": "shared", "persistentVolumeClaim": {"claimName": direct_claim}}]
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "serviceName": name,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "terminationGracePeriodSeconds": 0,
                    "containers": [db],
                    "volumes": volumes,
                },
            },
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}},
                    },
                }
            ],
        },
    }


def test_resolve_deployment_lists_running_pods_containers_and_claims(
    kube: Kube, namespace: str
) -> None:
    kube.create(PVCS, pvc_manifest("web-data"), namespace)
    kube.create(DEPLOYMENTS, _deployment("web", 2, claim="web-data"), namespace)
    kube.wait_for_workload_ready("Deployment", namespace, "web", timeout=90)
    params = kube.resolve_deployment(namespace, "web")
    pods = sorted(p["metadata"]["name"] for p in kube.list_objects(PODS, namespace))
    assert (params.name, params.namespace) == ("web", namespace)
    assert list(params.pods) == pods
    assert len(pods) == 2
    assert params.containers == (("app", "sidecar"), ("app", "sidecar"))
    assert params.persistent_volume_claims == {pod: {"web-data": "/data"} for pod in pods}


def test_resolve_deployment_without_claims_has_empty_values(kube: Kube, namespace: str) -> None:
    kube.create(DEPLOYMENTS, _deployment("plain", 1), namespace)
    kube.wait_for_workload_ready("deployment", namespace, "plain", timeout=90)
    params = kube.resolve_deployment(namespace, "plain")
    assert len(params.pods) == 1
    assert params.persistent_volume_claims == {}


def test_resolve_deployment_scaled_to_zero_has_no_pods(kube: Kube, namespace: str) -> None:
    kube.create(DEPLOYMENTS, _deployment("idle", 0), namespace)
    kube.wait_for_workload_ready("deployment", namespace, "idle", timeout=90)
    params = kube.resolve_deployment(namespace, "idle")
    assert (params.pods, params.containers, dict(params.persistent_volume_claims)) == ((), (), {})


def test_resolve_statefulset_names_claims_per_ordinal_including_the_quirk(
    kube: Kube, namespace: str
) -> None:
    kube.create(PVCS, pvc_manifest("shared"), namespace)
    kube.create(STATEFULSETS, _statefulset("db", 2, direct_claim="shared"), namespace)
    kube.wait_for_workload_ready("StatefulSet", namespace, "db", timeout=90)
    params = kube.resolve_statefulset(namespace, "db")
    assert params.pods == ("db-0", "db-1")
    assert params.containers == (("db",), ("db",))
    assert params.persistent_volume_claims == {
        "db-0": {"data-db-0": "/var/lib/db", "shared-db-0": "/shared"},
        "db-1": {"data-db-1": "/var/lib/db", "shared-db-1": "/shared"},
    }


@pytest.mark.parametrize(
    ("resolve", "message"),
    [
        pytest.param("resolve_deployment", 'deployments.apps "absent" not found', id="deployment"),
        pytest.param(
            "resolve_statefulset", 'statefulsets.apps "absent" not found', id="statefulset"
        ),
        pytest.param("resolve_pvc", 'persistentvolumeclaims "absent" not found', id="pvc"),
    ],
)
def test_resolving_a_missing_object_is_not_found(
    kube: Kube, namespace: str, resolve: str, message: str
) -> None:
    with pytest.raises(NotFoundError, match=message):
        getattr(kube, resolve)(namespace, "absent")


def test_resolve_pvc_of_an_existing_claim(kube: Kube, namespace: str) -> None:
    kube.create(PVCS, pvc_manifest("claim"), namespace)
    params = kube.resolve_pvc(namespace, "claim")
    assert (params.name, params.namespace) == ("claim", namespace)


def _running(kube: Kube, namespace: str, prefix: str) -> int:
    return sum(
        1
        for p in kube.list_objects(PODS, namespace)
        if p["metadata"]["name"].startswith(prefix)
        and p["status"].get("phase") == "Running"
        and not p["metadata"].get("deletionTimestamp")
    )


@pytest.mark.parametrize("subresource", [False, True], ids=["update", "scale-subresource"])
def test_scale_deployment_up_and_down_waiting_for_readiness(
    kube: Kube, namespace: str, subresource: bool
) -> None:
    kube.create(DEPLOYMENTS, _deployment("web", 1), namespace)
    kube.wait_for_workload_ready("deployment", namespace, "web", timeout=90)
    assert kube.scale_workload("deployment", namespace, "web", 3, subresource=subresource) == 1
    kube.wait_for_workload_ready("deployment", namespace, "web", timeout=90)
    assert kube.read_replicas("deployment", namespace, "web") == 3
    assert len(kube.resolve_deployment(namespace, "web").pods) == 3
    assert kube.scale_workload("deployment", namespace, "web", 0, subresource=subresource) == 3
    kube.wait_for_workload_ready("deployment", namespace, "web", timeout=90)
    assert _running(kube, namespace, "web-") == 0


def test_scale_statefulset_waits_for_ready_replicas(kube: Kube, namespace: str) -> None:
    kube.create(STATEFULSETS, _statefulset("db", 1), namespace)
    kube.wait_for_workload_ready("statefulset", namespace, "db", timeout=90)
    assert kube.scale_workload("statefulset", namespace, "db", 2) == 1
    kube.wait_for_workload_ready("statefulset", namespace, "db", timeout=90)
    assert kube.resolve_statefulset(namespace, "db").pods == ("db-0", "db-1")
    assert kube.get(STATEFULSETS, "db", namespace)["status"]["readyReplicas"] == 2


def test_readiness_wait_times_out_with_the_rollout_state(kube: Kube, namespace: str) -> None:
    broken = _deployment("crashing", 1)
    broken["spec"]["template"]["spec"]["containers"] = [container("app", ["false"])]
    kube.create(DEPLOYMENTS, broken, namespace)
    started = time.monotonic()
    with pytest.raises(DeadlineError) as info:
        kube.wait_for_workload_ready("deployment", namespace, "crashing", timeout=2)
    assert time.monotonic() - started < 8
    assert f"deployment {namespace}/crashing to be ready" in info.value.message
    assert "0/1 available" in info.value.message


def test_unsupported_workload_kind_uses_kanister_wording(kube: Kube, namespace: str) -> None:
    with pytest.raises(FunctionError, match="Workload type not supported daemonset"):
        kube.scale_workload("daemonset", namespace, "x", 1)

"""ScaleWorkload on the test cluster: defaults from the target, readiness, errors, deadline."""

from __future__ import annotations

import time

import pytest

from kancli.errors import DeadlineError, FunctionError, KancliError
from kancli.kube.resources import DEPLOYMENTS, PODS, STATEFULSETS
from kancli.params.model import DeploymentParams, StatefulSetParams, TemplateParams
from tests.functions_cluster.conftest import FunctionRunner
from tests.functions_cluster.workloads import deployment, statefulset

pytestmark = pytest.mark.cluster


def _running_pods(funcs: FunctionRunner, prefix: str) -> int:
    return sum(
        1
        for p in funcs.kube.list_objects(PODS, funcs.namespace)
        if p["metadata"]["name"].startswith(prefix)
        and p["status"].get("phase") == "Running"
        and not p["metadata"].get("deletionTimestamp")
    )


def test_scale_statefulset_from_the_target_defaults_and_wait_until_ready(
    funcs: FunctionRunner,
) -> None:
    funcs.kube.create(STATEFULSETS, statefulset("db", 1), funcs.namespace)
    funcs.kube.wait_for_workload_ready("statefulset", funcs.namespace, "db", timeout=60)
    params = TemplateParams(stateful_set=StatefulSetParams(name="db", namespace=funcs.namespace))
    out, _ = funcs.run("ScaleWorkload", {"replicas": "2"}, params=params)
    assert out == {"originalReplicaCount": 1}
    status = funcs.kube.get(STATEFULSETS, "db", funcs.namespace)
    assert status["spec"]["replicas"] == 2
    assert status["status"]["readyReplicas"] == 2  # ready when the function returned
    assert _running_pods(funcs, "db-") == 2


def test_scale_deployment_down_with_explicit_target_waits_until_pods_are_gone(
    funcs: FunctionRunner,
) -> None:
    funcs.kube.create(DEPLOYMENTS, deployment("web", 2), funcs.namespace)
    funcs.kube.wait_for_workload_ready("deployment", funcs.namespace, "web", timeout=60)
    out, _ = funcs.run(
        "ScaleWorkload",
        {"replicas": 0, "namespace": funcs.namespace, "name": "web", "kind": "Deployment"},
    )
    assert out == {"originalReplicaCount": 2}
    assert _running_pods(funcs, "web-") == 0


def test_explicit_arguments_win_over_the_target(funcs: FunctionRunner) -> None:
    funcs.kube.create(DEPLOYMENTS, deployment("web", 1), funcs.namespace)
    params = TemplateParams(deployment=DeploymentParams(name="other", namespace="elsewhere"))
    out, _ = funcs.run(
        "ScaleWorkload",
        {"replicas": 3, "namespace": funcs.namespace, "name": "web", "waitForReady": False},
        params=params,
    )
    assert out == {"originalReplicaCount": 1}
    assert funcs.kube.read_replicas("deployment", funcs.namespace, "web") == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            {"replicas": 1.0}, "Invalid arg type float64 for Arg replicas", id="float-replicas"
        ),
        pytest.param(
            {"replicas": "two"},
            'Cannot convert two to int: strconv.ParseInt: parsing "two": invalid syntax',
            id="non-numeric-string",
        ),
        pytest.param(
            {"replicas": 1, "name": "web"},
            "Workload information not available via defaults or namespace/name/kind parameters",
            id="no-target",
        ),
        pytest.param(
            {"replicas": 1, "name": "web", "namespace": "ns", "kind": "DaemonSet"},
            "Workload type not supported DaemonSet",
            id="unsupported-kind",
        ),
    ],
)
def test_scale_workload_rejections(
    funcs: FunctionRunner, args: dict[str, object], message: str
) -> None:
    with pytest.raises(KancliError) as info:
        funcs.run("ScaleWorkload", args)
    assert message in info.value.message


def test_scale_of_a_missing_workload_is_not_found(funcs: FunctionRunner) -> None:
    with pytest.raises(KancliError, match='"absent" not found'):
        funcs.run(
            "ScaleWorkload",
            {"replicas": 1, "namespace": funcs.namespace, "name": "absent", "kind": "deployment"},
        )


def test_readiness_wait_ends_at_the_phase_deadline_naming_what_it_waited_for(
    funcs: FunctionRunner,
) -> None:
    funcs.kube.create(DEPLOYMENTS, deployment("crashing", 0, ["false"]), funcs.namespace)
    started = time.monotonic()
    with pytest.raises(DeadlineError) as info:
        funcs.run(
            "ScaleWorkload",
            {"replicas": 1, "namespace": funcs.namespace, "name": "crashing", "kind": "deployment"},
            timeout=3,
        )
    assert time.monotonic() - started < 8
    message = info.value.message
    assert message.startswith("phase phase (timeout 3s) expired waiting for deployment ")
    assert f"deployment {funcs.namespace}/crashing to be ready with 1 replicas" in message
    assert "0/1 available" in message
    assert not isinstance(info.value, FunctionError)

"""Wait and WaitV2 on the test cluster: conditions over live objects, anyOf/allOf, timeouts,
rendering, JSONPath substitution (Wait) and kubectl-style templates (WaitV2)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from kancli.errors import FunctionError, InterruptedRunError, TemplateError
from kancli.kube.resources import DEPLOYMENTS, STATEFULSETS
from kancli.params.model import TemplateParams
from kancli.template.values import string_map
from tests.functions_cluster.conftest import FunctionRunner
from tests.functions_cluster.workloads import deployment, statefulset

pytestmark = pytest.mark.cluster

TIMEOUT_TEXT = (
    "Failed to wait for the condition to be met: Context done while polling: "
    "context deadline exceeded"
)


def ns_ref(name: str) -> dict[str, str]:
    return {"apiVersion": "v1", "resource": "namespaces", "name": name}


def deploy_ref(namespace: str, name: str) -> dict[str, str]:
    return {
        "apiVersion": "v1",
        "group": "apps",
        "resource": "deployments",
        "name": name,
        "namespace": namespace,
    }


def cond(condition: str, ref: dict[str, str]) -> dict[str, Any]:
    return {"condition": condition, "objectReference": ref}


# -- Wait (JSONPath substitution, then a Go template) -------------------------------------------


def test_wait_any_of_is_met_by_one_true_condition(funcs: FunctionRunner) -> None:
    out, _ = funcs.run(
        "Wait",
        {
            "timeout": "20s",
            "conditions": {
                "anyOf": [
                    cond(
                        '{{ if eq "{$.status.phase}" "Invalid" }}true{{ end }}',
                        ns_ref(funcs.namespace),
                    ),
                    cond(
                        '{{ if eq "{ $.status.phase }" "Active" }}true{{ end }}',
                        ns_ref(funcs.namespace),
                    ),
                ]
            },
        },
    )
    assert out is None


def test_wait_all_of_waits_for_a_deployment_to_become_ready(funcs: FunctionRunner) -> None:
    funcs.kube.create(DEPLOYMENTS, deployment("web", 2), funcs.namespace)
    started = time.monotonic()
    funcs.run(
        "Wait",
        {
            "timeout": "60s",
            "conditions": {
                "allOf": [
                    cond(
                        '{{ if and (eq "{$.spec.replicas}" "{$.status.readyReplicas}") '
                        '(eq "{$.spec.replicas}" "2") }}true{{ end }}',
                        deploy_ref(funcs.namespace, "web"),
                    ),
                    cond(
                        '{{ if eq `{$.status.conditions[?(@.type=="Available")].status}` '
                        '"True" }}true{{ end }}',
                        deploy_ref(funcs.namespace, "web"),
                    ),
                ]
            },
        },
    )
    assert time.monotonic() - started < 60
    status = funcs.kube.get(DEPLOYMENTS, "web", funcs.namespace)["status"]
    assert status["readyReplicas"] == 2


def test_wait_renders_the_timeout_and_the_references_with_the_parameters(
    funcs: FunctionRunner,
) -> None:
    params = TemplateParams(options=string_map({"ns": funcs.namespace, "wait": "1s"}))
    ref = {"apiVersion": "v1", "resource": "namespaces", "name": '{{ index .Options "ns" }}'}
    out, _ = funcs.run(
        "Wait",
        {
            "timeout": '{{ index .Options "wait" }}',
            "conditions": {
                "allOf": [
                    cond(
                        '{{ if eq "{$.metadata.name}" "' + funcs.namespace + '" }}true{{ end }}',
                        ref,
                    )
                ]
            },
        },
        params=params,
    )
    assert out is None
    started = time.monotonic()
    with pytest.raises(FunctionError) as info:
        funcs.run(
            "Wait",
            {
                "timeout": '{{ index .Options "wait" }}',
                "conditions": {"allOf": [cond("false", ref)]},
            },
            params=params,
        )
    assert info.value.message == TIMEOUT_TEXT
    assert 0.9 < time.monotonic() - started < 5


def test_wait_timeout_is_prefixed_by_the_last_evaluation_error(funcs: FunctionRunner) -> None:
    with pytest.raises(FunctionError) as info:
        funcs.run(
            "Wait",
            {
                "timeout": "1s",
                "conditions": {"anyOf": [cond("true", deploy_ref(funcs.namespace, "absent"))]},
            },
        )
    assert info.value.message.endswith(": " + TIMEOUT_TEXT)
    assert 'deployments.apps "absent" not found' in info.value.message


def test_wait_missing_jsonpath_field_is_an_evaluation_error(funcs: FunctionRunner) -> None:
    with pytest.raises(FunctionError) as info:
        funcs.run(
            "Wait",
            {
                "timeout": "1s",
                "conditions": {"anyOf": [cond("{$.status.nothing}", ns_ref(funcs.namespace))]},
            },
        )
    assert info.value.message == "nothing is not found: " + TIMEOUT_TEXT


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        pytest.param(
            {"timeout": "soon", "conditions": {"anyOf": []}},
            FunctionError,
            'Failed to parse timeout: time: invalid duration "soon"',
            id="bad-timeout",
        ),
        pytest.param(
            {"timeout": "1s", "conditions": {"anyOf": [cond("{{ .Missing }}", ns_ref("x"))]}},
            TemplateError,
            "Missing",
            id="condition-render-error",
        ),
    ],
)
def test_wait_fails_at_once_on_bad_arguments(
    funcs: FunctionRunner, args: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        funcs.run("Wait", args)


def test_wait_stops_promptly_when_cancelled(funcs: FunctionRunner) -> None:
    call = funcs.context("Wait")
    box: dict[str, BaseException] = {}

    def body() -> None:
        try:
            funcs.call(
                call,
                {
                    "timeout": "10m",
                    "conditions": {"allOf": [cond("false", ns_ref(funcs.namespace))]},
                },
            )
        except BaseException as exc:  # handed to the test thread
            box["error"] = exc

    worker = threading.Thread(target=body, daemon=True)
    worker.start()
    time.sleep(1.5)
    call.ctx.cancellation.cancel("interrupted by the user")
    worker.join(5)
    assert not worker.is_alive()
    assert isinstance(box.get("error"), InterruptedRunError)


# -- WaitV2 (kubectl-style templates over the object) --------------------------------------------


def test_wait_v2_deployment_available_by_ranging_over_conditions(funcs: FunctionRunner) -> None:
    funcs.kube.create(DEPLOYMENTS, deployment("web", 1), funcs.namespace)
    condition = (
        "{{ $available := false }}{{ range $c := $.status.conditions }}"
        '{{ if and (eq .type "Available") (eq .status "True") }}{{ $available = true }}'
        "{{ end }}{{ end }}{{ $available }}"
    )
    out, _ = funcs.run(
        "WaitV2",
        {
            "timeout": "60s",
            "conditions": {"anyOf": [cond(condition, deploy_ref(funcs.namespace, "web"))]},
        },
    )
    assert out is None


def test_wait_v2_statefulset_replicas_all_of(funcs: FunctionRunner) -> None:
    funcs.kube.create(STATEFULSETS, statefulset("db", 2), funcs.namespace)
    ref = {
        "apiVersion": "v1",
        "group": "apps",
        "resource": "statefulsets",
        "name": "db",
        "namespace": "{{ .Options.ns }}",
    }
    funcs.run(
        "WaitV2",
        {
            "timeout": "60s",
            "conditions": {
                "allOf": [
                    cond("{{ if (eq .spec.replicas .status.currentReplicas) }}true{{ end }}", ref),
                    cond("{{ if (eq .spec.replicas .status.readyReplicas) }}true{{ end }}", ref),
                ]
            },
        },
        params=TemplateParams(options=string_map({"ns": funcs.namespace})),
    )
    assert funcs.kube.get(STATEFULSETS, "db", funcs.namespace)["status"]["readyReplicas"] == 2


def test_wait_v2_namespace_any_of_invalid_or_active(funcs: FunctionRunner) -> None:
    out, _ = funcs.run(
        "WaitV2",
        {
            "timeout": "10s",
            "conditions": {
                "anyOf": [
                    cond(
                        '{{ if (eq .status.phase "Invalid") }}true{{ end }}',
                        ns_ref(funcs.namespace),
                    ),
                    cond(
                        '{{ if (eq .status.phase "Active") }}true{{ end }}', ns_ref(funcs.namespace)
                    ),
                ]
            },
        },
    )
    assert out is None


def test_wait_v2_all_of_never_true_times_out(funcs: FunctionRunner) -> None:
    started = time.monotonic()
    with pytest.raises(FunctionError) as info:
        funcs.run(
            "WaitV2",
            {
                "timeout": "2s",
                "conditions": {
                    "allOf": [
                        cond(
                            '{{ if (eq .status.phase "Inactive") }}true{{ end }}',
                            ns_ref(funcs.namespace),
                        ),
                        cond(
                            '{{ if (eq .status.phase "Invalid") }}true{{ end }}',
                            ns_ref(funcs.namespace),
                        ),
                    ]
                },
            },
        )
    assert info.value.message == TIMEOUT_TEXT
    assert 1.9 < time.monotonic() - started < 6


def test_wait_v2_parse_error_stays_false_and_is_reported(funcs: FunctionRunner) -> None:
    with pytest.raises(FunctionError) as info:
        funcs.run(
            "WaitV2",
            {
                "timeout": "1s",
                "conditions": {"anyOf": [cond("{{ if }}true", ns_ref(funcs.namespace))]},
            },
        )
    assert info.value.message == TIMEOUT_TEXT


def test_wait_v2_parse_error_warning_reaches_progress(funcs: FunctionRunner) -> None:
    call = funcs.context("WaitV2")
    with pytest.raises(FunctionError):
        funcs.call(
            call,
            {
                "timeout": "1s",
                "conditions": {"anyOf": [cond("{{ if }}true", ns_ref(funcs.namespace))]},
            },
        )
    warnings = [m for m in call.seen.progress if "does not parse" in m]
    assert len(warnings) == 1


def test_wait_v2_numbers_are_float64_and_exists_works(funcs: FunctionRunner) -> None:
    funcs.kube.create(DEPLOYMENTS, deployment("web", 0), funcs.namespace)
    out, _ = funcs.run(
        "WaitV2",
        {
            "timeout": "10s",
            "conditions": {
                "allOf": [
                    cond(
                        '{{ if and (eq (printf "%T" .spec.replicas) "float64") '
                        '(exists . "spec" "template") (not (exists . "spec" "nothing")) }}'
                        "true{{ end }}",
                        deploy_ref(funcs.namespace, "web"),
                    )
                ]
            },
        },
    )
    assert out is None

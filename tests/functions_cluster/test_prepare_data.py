"""PrepareData on the test cluster: volumes (given and defaulted), failOnError, output."""

from __future__ import annotations

from typing import Any

import pytest

from kancli.errors import FunctionError
from kancli.functions.output import PhaseOutputError
from kancli.kube.resources import PVCS
from kancli.params.model import (
    DeploymentParams,
    PVCParams,
    StatefulSetParams,
    TemplateParams,
    pvc_mounts,
)
from tests.functions_cluster.conftest import IMAGE, FunctionRunner
from tests.functions_cluster.workloads import pvc

pytestmark = pytest.mark.cluster

OUT = "###Phase-output###:"


def sh(script: str) -> list[str]:
    return ["sh", "-c", script]


def prepare(funcs: FunctionRunner, script: str, **extra: Any) -> dict[str, Any]:
    return {"namespace": funcs.namespace, "image": IMAGE, "command": sh(script), **extra}


def emit(key: str, value_expr: str) -> str:
    return f'echo "{OUT} {{\\"key\\":\\"{key}\\",\\"value\\":\\"{value_expr}\\"}}"'


def test_given_volumes_are_mounted_and_keep_data_between_runs(funcs: FunctionRunner) -> None:
    funcs.kube.create(PVCS, pvc("data"), funcs.namespace)
    volumes = {"data": "/mnt/data"}
    out, _ = funcs.run(
        "PrepareData", prepare(funcs, "echo seeded > /mnt/data/file", volumes=volumes)
    )
    assert out is None  # no output pairs: nil, as in Kanister
    out, _ = funcs.run(
        "PrepareData", prepare(funcs, emit("content", "$(cat /mnt/data/file)"), volumes=volumes)
    )
    assert out == {"content": "seeded"}
    assert funcs.pods() == []


def test_default_volumes_are_every_claim_of_the_target_workload(funcs: FunctionRunner) -> None:
    for name in ("alpha", "beta"):
        funcs.kube.create(PVCS, pvc(name), funcs.namespace)
    params = TemplateParams(
        deployment=DeploymentParams(
            name="web",
            namespace=funcs.namespace,
            persistent_volume_claims=pvc_mounts(
                {"web-1": {"alpha": "/a"}, "web-2": {"alpha": "/a", "beta": "/b"}}
            ),
        )
    )
    script = emit("mounted", "$(ls /mnt/prepare_data | tr '\\n' ' ')")
    out, _ = funcs.run("PrepareData", prepare(funcs, script), params=params)
    assert out == {"mounted": "alpha beta "}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param(
            TemplateParams(deployment=DeploymentParams(name="web")), "No volumes found", id="none"
        ),
        pytest.param(TemplateParams(pvc=PVCParams(name="x")), "Failed to get volumes", id="pvc"),
        pytest.param(
            TemplateParams(stateful_set=StatefulSetParams(name="db")),
            "No volumes found",
            id="statefulset-without-claims",
        ),
    ],
)
def test_default_volumes_need_a_workload_with_claims(
    funcs: FunctionRunner, params: TemplateParams, message: str
) -> None:
    with pytest.raises(FunctionError, match=message):
        funcs.run("PrepareData", prepare(funcs, "true"), params=params)
    assert funcs.pods() == []


def test_failing_command_does_not_fail_the_phase_by_default(funcs: FunctionRunner) -> None:
    funcs.kube.create(PVCS, pvc("data"), funcs.namespace)
    script = emit("before", "yes") + "; exit 5"
    out, _ = funcs.run("PrepareData", prepare(funcs, script, volumes={"data": "/d"}))
    assert out == {"before": "yes"}
    assert funcs.pods() == []


def test_failing_command_fails_the_phase_with_fail_on_error(funcs: FunctionRunner) -> None:
    funcs.kube.create(PVCS, pvc("data"), funcs.namespace)
    with pytest.raises(FunctionError) as info:
        funcs.run(
            "PrepareData",
            prepare(funcs, "echo oops; exit 5", volumes={"data": "/d"}, failOnError=True),
        )
    assert info.value.message.startswith(
        f"Failed while waiting for Pod to complete: pod {funcs.namespace}/prepare-data-job-"
    )
    assert "exited with code 5" in info.value.message
    assert info.value.message.endswith("oops")
    assert funcs.pods() == []


def test_malformed_output_is_a_parse_error(funcs: FunctionRunner) -> None:
    funcs.kube.create(PVCS, pvc("data"), funcs.namespace)
    with pytest.raises(PhaseOutputError) as info:
        funcs.run("PrepareData", prepare(funcs, f"echo '{OUT} []'", volumes={"data": "/d"}))
    assert info.value.message.startswith(
        "Failed to parse phase output: Failed to unmarshal key-value pair"
    )


def test_a_missing_claim_fails_before_any_pod_is_made(funcs: FunctionRunner) -> None:
    with pytest.raises(FunctionError) as info:
        funcs.run("PrepareData", prepare(funcs, "true", volumes={"absent": "/d"}))
    assert info.value.message == (
        'Failed to retrieve PVC.: persistentvolumeclaims "absent" not found'
    )
    assert funcs.pods() == []


def test_a_read_only_many_claim_is_mounted_read_only(funcs: FunctionRunner) -> None:
    claim = pvc("shared")
    claim["spec"]["accessModes"] = ["ReadOnlyMany"]
    funcs.kube.create(PVCS, claim, funcs.namespace)
    script = "if touch /d/file 2>/dev/null; then r=writable; else r=read-only; fi; " + emit(
        "mode", "$r"
    )
    out, _ = funcs.run("PrepareData", prepare(funcs, script, volumes={"shared": "/d"}))
    assert out == {"mode": "read-only"}

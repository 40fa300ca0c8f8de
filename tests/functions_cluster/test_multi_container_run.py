"""MultiContainerRun on the test cluster: the shared volume, the three containers, the output
container's log, whole-pod success and the expansion of a `container` override."""

from __future__ import annotations

from typing import Any

import pytest

from kancli.errors import FunctionError
from kancli.kube import Kube
from kancli.kube.resources import PODS
from kancli.params.model import TemplateParams
from kancli.template.values import GoMap
from tests.functions_cluster.conftest import IMAGE, FunctionRunner, Seen

pytestmark = pytest.mark.cluster

OUT = "###Phase-output###:"


def sh(script: str) -> list[str]:
    return ["sh", "-c", script]


def emit(key: str, value_expr: str) -> str:
    return f'echo "{OUT} {{\\"key\\":\\"{key}\\",\\"value\\":\\"{value_expr}\\"}}"'


def mcr(background: str, output: str, **extra: Any) -> dict[str, Any]:
    return {
        "backgroundImage": IMAGE,
        "backgroundCommand": sh(background),
        "outputImage": IMAGE,
        "outputCommand": sh(output),
        **extra,
    }


def capture_pod(kube: Kube, namespace: str, seen: Seen) -> dict[str, Any]:
    box: dict[str, Any] = {}

    def on_line(_text: str) -> None:
        if "pod" not in box:
            box["pod"] = next(iter(kube.list_objects(PODS, namespace)))

    seen.on_line = on_line
    return box


def test_background_and_output_share_a_volume_and_output_is_parsed(
    funcs: FunctionRunner,
) -> None:
    call = funcs.context("MultiContainerRun")
    pod = capture_pod(funcs.kube, funcs.namespace, call.seen)
    out = funcs.call(
        call,
        mcr(
            "mkfifo /shared/pipe 2>/dev/null; echo from-background > /shared/pipe",
            "while [ ! -p /shared/pipe ]; do sleep 0.1; done; echo reading; "
            + emit("got", "$(cat /shared/pipe)")
            + "; "
            + emit("init", "$(cat /shared/init)"),
            initImage=IMAGE,
            initCommand=sh("echo from-init > /shared/init; mkfifo /shared/pipe"),
            sharedVolumeDir="/shared",
            sharedVolumeMedium="Memory",
            sharedVolumeSizeLimit="64Mi",
        ),
    )
    assert out == {"got": "from-background", "init": "from-init"}
    meta, spec = pod["pod"]["metadata"], pod["pod"]["spec"]
    assert meta["generateName"] == "kanister-job-"
    assert meta["labels"]["createdBy"] == "kanister"
    assert meta["annotations"]["kubectl.kubernetes.io/default-container"] == "output"
    assert sorted(c["name"] for c in spec["containers"]) == ["background", "output"]
    assert [c["name"] for c in spec["initContainers"]] == ["init"]
    assert spec["volumes"] == [
        {"name": "shared", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}
    ]
    for c in spec["containers"] + spec["initContainers"]:
        assert {"name": "shared", "mountPath": "/shared"} in c["volumeMounts"]
    assert funcs.pods() == []


def test_only_the_output_containers_log_is_parsed(funcs: FunctionRunner) -> None:
    out, seen = funcs.run("MultiContainerRun", mcr(emit("background", "x"), "echo output-only"))
    assert out == {}
    assert "output-only" in seen.texts()


def test_a_failing_background_container_fails_the_phase(funcs: FunctionRunner) -> None:
    with pytest.raises(FunctionError) as info:
        funcs.run("MultiContainerRun", mcr("exit 9", emit("fine", "yes")))
    message = info.value.message
    assert message.startswith(f"Failed while waiting for Pod to complete: pod {funcs.namespace}/")
    assert "container background exited with code 9" in message
    assert funcs.pods() == []


def test_run_override_for_container_applies_to_all_three_unless_named(
    funcs: FunctionRunner,
) -> None:
    override = {
        "containers": [
            {"name": "container", "env": [{"name": "WHO", "value": "everyone"}]},
            {"name": "output", "env": [{"name": "WHO", "value": "output-only"}]},
        ]
    }
    params = TemplateParams(
        pod_override=GoMap(override, go_type="map[string]interface{}", zero=None)
    )
    out, _ = funcs.run(
        "MultiContainerRun",
        mcr(
            "echo $WHO > /tmp/bg",
            "while [ ! -s /tmp/bg ]; do sleep 0.1; done; "
            + emit("bg", "$(cat /tmp/bg)")
            + "; "
            + emit("init", "$(cat /tmp/init)")
            + "; "
            + emit("out", "$WHO"),
            initImage=IMAGE,
            initCommand=sh("echo $WHO > /tmp/init"),
        ),
        params=params,
    )
    assert out == {"bg": "everyone", "init": "everyone", "out": "output-only"}


def test_invalid_shared_volume_size_is_rejected(funcs: FunctionRunner) -> None:
    with pytest.raises(FunctionError, match="Failed to parse sharedStorageSize arg"):
        funcs.run("MultiContainerRun", mcr("true", "true", sharedVolumeSizeLimit="lots"))
    assert funcs.pods() == []

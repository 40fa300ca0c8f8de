"""KubeTask on the test cluster: the pod it builds, outputs from the complete log, failures,
cleanup (also on cancellation), a broken log stream and a large log in bounded memory."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from kancli.errors import FunctionError, InterruptedRunError
from kancli.functions.output import PhaseOutputError
from kancli.kube import Kube
from kancli.kube.resources import PODS
from kancli.params.model import TemplateParams
from kancli.template.values import GoMap, string_map
from tests.functions_cluster.conftest import IMAGE, FunctionRunner, Seen
from tests.kube.tcpproxy import TcpProxy

pytestmark = pytest.mark.cluster

OUT = "###Phase-output###:"


def sh(script: str) -> list[str]:
    return ["sh", "-c", script]


def task(script: str, **extra: Any) -> dict[str, Any]:
    return {"image": IMAGE, "command": sh(script), **extra}


def capture_pod_on_first_line(kube: Kube, namespace: str, seen: Seen) -> dict[str, Any]:
    """Reads the task pod while it runs (when its first log line arrives)."""
    box: dict[str, Any] = {}

    def on_line(_text: str) -> None:
        if "pod" not in box:
            pods = kube.list_objects(PODS, namespace)
            box["pod"] = next(p for p in pods if p["metadata"]["name"].startswith("kanister-job-"))

    seen.on_line = on_line
    return box


def test_kube_task_output_comes_from_the_log_stdout_and_stderr(funcs: FunctionRunner) -> None:
    script = (
        f'echo \'{OUT} {{"key":"fromStdout","value":"a"}}\'; echo hello; '
        f'echo \'{OUT} {{"key":"fromStderr","value":"b"}}\' >&2'
    )
    out, seen = funcs.run("KubeTask", task(script))
    assert out == {"fromStdout": "a", "fromStderr": "b"}
    assert "hello" in seen.texts()
    assert funcs.pods() == []


def test_kube_task_without_output_returns_an_empty_map(funcs: FunctionRunner) -> None:
    out, _ = funcs.run("KubeTask", task("echo nothing to report"))
    assert out == {}


def test_kube_task_long_output_value_survives(funcs: FunctionRunner) -> None:
    script = (
        "v=$(head -c 100000 /dev/zero | tr '\\0' x); "
        f'echo "{OUT} {{\\"key\\":\\"longstring\\",\\"value\\":\\"$v\\"}}"'
    )
    out, _ = funcs.run("KubeTask", task(script))
    assert out == {"longstring": "x" * 100000}


def test_kube_task_pod_shape_labels_annotations_and_override(funcs: FunctionRunner) -> None:
    params = TemplateParams(
        pod_labels=string_map({"team": "run", "shared": "run"}),
        pod_annotations=string_map({"note": "run"}),
        pod_override=GoMap(
            {"containers": [{"name": "container", "env": [{"name": "WHO", "value": "run"}]}]},
            go_type="map[string]interface{}",
            zero=None,
        ),
    )
    call = funcs.context("KubeTask", params=params)
    pod = capture_pod_on_first_line(funcs.kube, funcs.namespace, call.seen)
    override = {
        "containers": [
            {"name": "container", "env": [{"name": "WHO", "value": "blueprint"}]},
        ],
        "activeDeadlineSeconds": 600,
    }
    out = funcs.call(
        call,
        task(
            f'echo started; echo "{OUT} {{\\"key\\":\\"who\\",\\"value\\":\\"$WHO\\"}}"',
            podOverride=override,
            podLabels={"shared": "blueprint"},
            podAnnotations={"extra": "yes"},
        ),
    )
    assert out == {"who": "run"}  # the run's override wins over the Blueprint's
    meta, spec = pod["pod"]["metadata"], pod["pod"]["spec"]
    assert meta["name"].startswith("kanister-job-")
    assert meta["namespace"] == funcs.namespace
    assert meta["labels"] == {"createdBy": "kanister", "team": "run", "shared": "blueprint"}
    assert {k: meta["annotations"][k] for k in ("note", "extra")} == {"note": "run", "extra": "yes"}
    assert spec["restartPolicy"] == "Never"
    assert spec["activeDeadlineSeconds"] == 600
    assert [c["name"] for c in spec["containers"]] == ["container"]
    assert spec["containers"][0]["imagePullPolicy"] == "IfNotPresent"


def test_kube_task_failure_names_pod_exit_code_and_log_tail(funcs: FunctionRunner) -> None:
    script = "for i in $(seq 1 12); do echo line$i; done; exit 7"
    with pytest.raises(FunctionError) as info:
        funcs.run("KubeTask", task(script))
    message = info.value.message
    assert message.startswith(
        f"Failed while waiting for Pod to complete: pod {funcs.namespace}/kanister-job-"
    )
    assert "container container exited with code 7" in message
    assert message.endswith("\n".join(f"line{i}" for i in range(3, 13)))
    assert "line2\n" not in message
    assert funcs.pods() == []


def test_kube_task_malformed_output_fails_and_deletes_the_pod(funcs: FunctionRunner) -> None:
    with pytest.raises(PhaseOutputError, match="Failed to unmarshal key-value pair"):
        funcs.run("KubeTask", task(f"echo '{OUT} {{broken'"))
    assert funcs.pods() == []


def test_kube_task_namespace_argument_wins_over_the_default(
    funcs: FunctionRunner, cluster: Any
) -> None:
    other = f"{funcs.namespace}-b"
    cluster.create_namespace(other)
    try:
        call = funcs.context("KubeTask")
        pod = capture_pod_on_first_line(funcs.kube, other, call.seen)
        funcs.call(call, task("echo hi", namespace=other))
        assert pod["pod"]["metadata"]["namespace"] == other
    finally:
        cluster.delete_namespace(other)


def test_kube_task_cancellation_deletes_the_pod_promptly(funcs: FunctionRunner) -> None:
    call = funcs.context("KubeTask")
    started = threading.Event()
    call.seen.on_line = lambda text: started.set() if text == "started" else None
    box: dict[str, BaseException] = {}

    def body() -> None:
        try:
            funcs.call(call, task("echo started; sleep 600"))
        except BaseException as exc:  # handed to the test thread
            box["error"] = exc

    worker = threading.Thread(target=body, daemon=True)
    worker.start()
    assert started.wait(60)
    assert len(funcs.pods()) == 1
    cancelled_at = time.monotonic()
    call.ctx.cancellation.cancel("interrupted by the user")
    # The runner runs the cleanups itself when it is interrupted, before the function returns.
    assert call.ctx.run_cleanups() == []
    assert funcs.pods() == []
    worker.join(30)
    assert not worker.is_alive()
    assert time.monotonic() - cancelled_at < 10
    assert isinstance(box.get("error"), InterruptedRunError)


def test_kube_task_phase_deadline_stops_the_wait_and_deletes_the_pod(
    funcs: FunctionRunner,
) -> None:
    started = time.monotonic()
    with pytest.raises(Exception, match="expired") as info:
        funcs.run("KubeTask", task("sleep 600"), timeout=3)
    assert type(info.value).__name__ == "DeadlineError"
    assert time.monotonic() - started < 15
    assert funcs.pods() == []


def test_kube_task_outputs_survive_a_live_log_stream_that_gives_up(
    funcs: FunctionRunner, proxied_kube: tuple[Kube, TcpProxy]
) -> None:
    kube, proxy = proxied_kube
    seen = Seen()
    stop = threading.Event()

    def cut_repeatedly() -> None:
        while not stop.is_set():
            proxy.cut()
            time.sleep(0.01)

    def on_line(text: str) -> None:
        if text == "before" and not stop.is_set():
            threading.Thread(target=cut_repeatedly, daemon=True).start()

    def on_progress(message: str) -> None:
        if "live log" in message:
            stop.set()

    seen.on_line, seen.on_progress = on_line, on_progress
    script = (
        f'echo \'{OUT} {{"key":"early","value":"1"}}\'; echo before; '
        "i=0; while [ $i -lt 80 ]; do sleep 0.1; i=$((i+1)); done; "
        f'echo after; echo \'{OUT} {{"key":"late","value":"2"}}\''
    )
    try:
        out, _ = funcs.run("KubeTask", task(script), seen=seen, kube=kube)
    finally:
        stop.set()
    assert any("live log" in m and "broke off" in m for m in seen.progress)
    assert "after" not in seen.texts()  # the live stream really lost the end of the log
    assert out == {"early": "1", "late": "2"}
    assert funcs.pods() == []


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _big_log_run(funcs: FunctionRunner, megabytes: int) -> tuple[dict[str, Any], int, Seen]:
    peak = [_rss_kib()]
    baseline = peak[0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_kib())
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    line = "x" * 99
    script = (
        f"yes {line} | head -c {megabytes * 1000 * 1000}; "
        f'echo \'{OUT} {{"key":"size","value":"{megabytes}"}}\''
    )
    seen = Seen(keep=10)
    try:
        out, _ = funcs.run("KubeTask", task(script), seen=seen, timeout=600)
    finally:
        done.set()
        sampler.join()
    return dict(out or {}), (peak[0] - baseline) // 1024, seen


def test_kube_task_log_of_30_mb_is_parsed_in_bounded_memory(funcs: FunctionRunner) -> None:
    out, grown_mib, seen = _big_log_run(funcs, 30)
    assert out == {"size": "30"}
    assert seen.line_count == 300_000
    assert grown_mib < 20, f"RSS grew by {grown_mib} MiB for a 30 MB log"


@pytest.mark.slow
def test_kube_task_log_of_200_mb_is_parsed_in_bounded_memory(funcs: FunctionRunner) -> None:
    out, grown_mib, seen = _big_log_run(funcs, 200)
    assert out == {"size": "200"}
    assert seen.line_count == 2_000_000
    assert grown_mib < 40, f"RSS grew by {grown_mib} MiB for a 200 MB log"

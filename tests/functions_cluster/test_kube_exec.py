"""KubeExec and KubeExecAll on the test cluster: outputs from stdout, live lines, failures."""

from __future__ import annotations

import pytest

from kancli.errors import FunctionError
from kancli.events import Stream
from kancli.functions.output import PhaseOutputError
from tests.functions_cluster.conftest import FunctionRunner, start_pod

pytestmark = pytest.mark.cluster

OUT = "###Phase-output###:"


def sh(script: str) -> list[str]:
    return ["sh", "-c", script]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        pytest.param(
            f'echo \'{OUT} {{"key":"version","value":"0.110.0"}}\'',
            {"version": "0.110.0"},
            id="one-pair",
        ),
        pytest.param(
            f'echo \'{OUT} {{"key":"a","value":"1"}}\'; echo hello; '
            f'echo \'Random {OUT} {{"key":"b","value":"2"}}\'',
            {"a": "1", "b": "2"},
            id="marker-after-text",
        ),
        pytest.param(
            f'echo \'{OUT} {{"key":"k","value":"old"}}\'; '
            f'echo \'{OUT} {{"key":"k","value":"new"}}\'',
            {"k": "new"},
            id="last-value-wins",
        ),
        pytest.param("echo just a log line", None, id="no-output-is-nil"),
        pytest.param(f'echo \'{OUT} {{"key":"e","value":"x"}}\' >&2', None, id="stderr-not-parsed"),
    ],
)
def test_kube_exec_output_is_parsed_from_stdout(
    funcs: FunctionRunner, script: str, expected: dict[str, str] | None
) -> None:
    pod = start_pod(funcs.kube, funcs.namespace, "target", ["main"])
    out, _ = funcs.run(
        "KubeExec", {"namespace": funcs.namespace, "pod": pod, "command": sh(script)}
    )
    assert out == expected


def test_kube_exec_streams_stdout_and_stderr_lines_to_the_user(funcs: FunctionRunner) -> None:
    pod = start_pod(funcs.kube, funcs.namespace, "target", ["main", "side"])
    _, seen = funcs.run(
        "KubeExec",
        {
            "namespace": funcs.namespace,
            "pod": pod,
            "container": "side",
            "command": sh("echo one; echo two >&2; printf 'three'"),
        },
    )
    assert seen.texts(Stream.STDOUT) == ["one", "three"]
    assert seen.texts(Stream.STDERR) == ["two"]
    assert {(p, c) for _, _, p, c in seen.lines} == {(pod, "side")}


def test_kube_exec_output_line_written_in_pieces_is_parsed_whole(funcs: FunctionRunner) -> None:
    pod = start_pod(funcs.kube, funcs.namespace, "target", ["main"])
    script = (
        f'printf \'{OUT} {{"key":"sl\'; sleep 0.3; printf \'ow","value":"\'; sleep 0.3; '
        "printf 'done\"}\\n'"
    )
    out, _ = funcs.run(
        "KubeExec", {"namespace": funcs.namespace, "pod": pod, "command": sh(script)}
    )
    assert out == {"slow": "done"}


def test_kube_exec_non_zero_exit_names_pod_container_code_and_tails(
    funcs: FunctionRunner,
) -> None:
    pod = start_pod(funcs.kube, funcs.namespace, "target", ["main"])
    script = "for i in $(seq 1 15); do echo out$i; done; echo err1 >&2; echo err2 >&2; exit 3"
    with pytest.raises(FunctionError) as info:
        funcs.run(
            "KubeExec",
            {"namespace": funcs.namespace, "pod": pod, "container": "main", "command": sh(script)},
        )
    expected_stdout = "\r\n".join(f"out{i}" for i in range(6, 16))
    assert info.value.message == (
        "Failed to exec command in pod: command terminated with exit code 3 "
        f"(pod {funcs.namespace}/{pod}, container main).\nstdout: {expected_stdout}\n"
        "stderr: err1\r\nerr2"
    )


def test_kube_exec_malformed_output_fails_the_phase(funcs: FunctionRunner) -> None:
    pod = start_pod(funcs.kube, funcs.namespace, "target", ["main"])
    with pytest.raises(PhaseOutputError, match="Failed to unmarshal key-value pair"):
        funcs.run(
            "KubeExec",
            {"namespace": funcs.namespace, "pod": pod, "command": sh(f"echo '{OUT} nope'")},
        )


def test_kube_exec_all_runs_everywhere_and_merges_outputs_in_order(funcs: FunctionRunner) -> None:
    pods = [start_pod(funcs.kube, funcs.namespace, n, ["a", "b"]) for n in ("p1", "p2")]
    script = (
        f'echo "{OUT} {{\\"key\\":\\"$HOSTNAME\\",\\"value\\":\\"seen\\"}}"; '
        f'echo \'{OUT} {{"key":"last","value":"\'$HOSTNAME\'"}}\'; echo ran'
    )
    out, seen = funcs.run(
        "KubeExecAll",
        {
            "namespace": funcs.namespace,
            "pods": " p1\tp2 ",
            "containers": "a b",
            "command": sh(script),
        },
    )
    assert out is not None
    assert out["last"] == "p2"
    assert {k for k in out if k != "last"} == set(pods)
    assert sorted((p, c) for t, _, p, c in seen.lines if t == "ran") == [
        ("p1", "a"),
        ("p1", "b"),
        ("p2", "a"),
        ("p2", "b"),
    ]


def test_kube_exec_all_reports_every_failure(funcs: FunctionRunner) -> None:
    start_pod(funcs.kube, funcs.namespace, "p1", ["a"])
    start_pod(funcs.kube, funcs.namespace, "p2", ["a"])
    with pytest.raises(FunctionError) as info:
        funcs.run(
            "KubeExecAll",
            {
                "namespace": funcs.namespace,
                "pods": "p1 p2",
                "containers": "a",
                "command": sh("echo failing in $HOSTNAME; exit 4"),
            },
        )
    message = info.value.message
    assert message.count("command terminated with exit code 4") == 2
    assert f"pod {funcs.namespace}/p1" in message
    assert f"pod {funcs.namespace}/p2" in message

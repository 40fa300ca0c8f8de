"""pods/exec through kubectl (websocket) and the official client (v5 and v4 channels)."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException
from kubernetes.stream import stream

from tests.cluster_conformance.conftest import IDLE, Kubectl, run_pod

CLOSE_OPCODE = 8


@pytest.fixture
def idler(core: client.CoreV1Api, namespace: str) -> str:
    run_pod(core, namespace, "idler", IDLE)
    return "idler"


def _open(
    api: client.CoreV1Api,
    namespace: str,
    command: list[str],
    *,
    stdin: bool = False,
    protocol: str | None = None,
) -> Any:
    extra = {"_headers": {"sec-websocket-protocol": protocol}} if protocol else {}
    return stream(
        api.connect_get_namespaced_pod_exec,
        "idler",
        namespace,
        command=command,
        stdin=stdin,
        stdout=True,
        stderr=True,
        tty=False,
        binary=True,
        _preload_content=False,
        **extra,
    )


def _drain(resp: Any) -> tuple[bytes, bytes, dict[str, Any]]:
    """Read frames directly (the fast loop), return stdout, stderr and the channel-3 status."""
    out, err, status = bytearray(), bytearray(), b""
    while True:
        opcode, frame = resp.sock.recv_data_frame(True)
        if opcode == CLOSE_OPCODE:
            break
        data = frame.data
        if data and data[0] == 1:
            out += data[1:]
        elif data and data[0] == 2:
            err += data[1:]
        elif data and data[0] == 3:
            status += data[1:]
    # websocket-client marks itself closed on the server's CLOSE, so close() would not
    # release the socket any more; shutdown() does.
    resp.sock.shutdown()
    return bytes(out), bytes(err), json.loads(status) if status else {}


def test_kubectl_exec_pipes_binary_stdin_back_byte_for_byte(
    cluster: Any, kubectl: Kubectl, idler: str
) -> None:
    payload = os.urandom(4 << 20)
    mark = cluster.mark_requests()
    result = kubectl("exec", "-i", idler, "--", "cat", input=payload)
    assert result.stdout == payload
    upgrades = [r for r in cluster.requests_since(mark) if r.path.endswith("/exec")]
    assert [(r.method, r.status) for r in upgrades] == [("GET", 101)]  # websocket, no SPDY


@pytest.mark.slow
def test_kubectl_exec_pipes_100_mib_back_byte_for_byte(kubectl: Kubectl, idler: str) -> None:
    payload = os.urandom(100 << 20)
    result = kubectl("exec", "-i", idler, "--", "cat", input=payload, timeout=300)
    assert hashlib.sha256(result.stdout).digest() == hashlib.sha256(payload).digest()


def test_kubectl_exec_reports_the_exit_code(kubectl: Kubectl, idler: str) -> None:
    result = kubectl("exec", idler, "--", "sh", "-c", "echo out; echo err >&2; exit 7", check=False)
    assert result.returncode == 7
    assert result.stdout == b"out\n"
    assert b"err\n" in result.stderr
    assert b"command terminated with exit code 7" in result.stderr


def test_client_v5_close_channel_gives_the_command_stdin_eof(
    stream_core: client.CoreV1Api, namespace: str, idler: str
) -> None:
    payload = os.urandom(3 << 20)
    resp = _open(stream_core, namespace, ["sh", "-c", "sha256sum; echo done >&2"], stdin=True)
    assert resp.subprotocol == "v5.channel.k8s.io"
    for start in range(0, len(payload), 1 << 20):
        resp.write_stdin(payload[start : start + (1 << 20)])
    resp.close_channel(0)
    out, err, status = _drain(resp)
    assert out.split()[0].decode() == hashlib.sha256(payload).hexdigest()
    assert err == b"done\n"
    assert status == {"metadata": {}, "status": "Success"}


def test_client_reads_large_binary_output_frame_by_frame(
    stream_core: client.CoreV1Api, namespace: str, idler: str
) -> None:
    resp = _open(
        stream_core, namespace, ["sh", "-c", "head -c 20000000 /dev/zero | tr '\\0' '\\377'"]
    )
    out, _, status = _drain(resp)
    assert out == b"\xff" * 20_000_000
    assert status["status"] == "Success"


def test_non_zero_exit_status_is_worded_as_a_real_server_words_it(
    stream_core: client.CoreV1Api, namespace: str, idler: str
) -> None:
    resp = _open(stream_core, namespace, ["sh", "-c", "exit 7"])
    _, _, status = _drain(resp)
    assert status == {
        "metadata": {},
        "status": "Failure",
        "message": "command terminated with non-zero exit code: error executing command "
        "[sh -c exit 7], exit code 7",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": "7"}]},
    }


def test_preloaded_exec_returns_output_and_returncode(
    stream_core: client.CoreV1Api, namespace: str, idler: str
) -> None:
    resp = _open(stream_core, namespace, ["sh", "-c", "printf hi; exit 3"])
    resp.run_forever(timeout=30)
    try:
        assert resp.read_stdout() == b"hi"
        assert resp.returncode == 3
    finally:
        resp.sock.shutdown()


def test_v4_is_served_when_the_client_asks_for_it(
    stream_core: client.CoreV1Api, namespace: str, idler: str
) -> None:
    resp = _open(stream_core, namespace, ["echo", "four"], protocol="v4.channel.k8s.io")
    assert resp.subprotocol == "v4.channel.k8s.io"
    out, _, status = _drain(resp)
    assert (out, status["status"]) == (b"four\n", "Success")


def test_missing_executable_is_an_internal_error_status(
    stream_core: client.CoreV1Api, namespace: str, idler: str
) -> None:
    resp = _open(stream_core, namespace, ["no-such-command"])
    _, _, status = _drain(resp)
    assert status["reason"] == "InternalError"
    assert status["code"] == 500
    assert status["message"].startswith(
        "Internal error occurred: error executing command in container: failed to exec in "
        "container: failed to start exec"
    )
    assert "no-such-command" in status["message"]


def test_exec_into_a_missing_container_is_a_400(
    stream_core: client.CoreV1Api, namespace: str, idler: str
) -> None:
    with pytest.raises(ApiException) as info:
        stream(
            stream_core.connect_get_namespaced_pod_exec,
            "idler",
            namespace,
            command=["true"],
            container="nope",
            stderr=True,
            stdout=True,
        )
    assert "container nope is not valid for pod idler" in str(info.value)


def test_exec_denied_by_rbac_is_a_403_for_kubectl(
    cluster: Any, kubectl: Kubectl, idler: str, namespace: str
) -> None:
    with cluster.forbid(verb="create", resource="pods/exec", namespace=namespace):
        result = kubectl("exec", idler, "--", "true", check=False)
    assert result.returncode != 0
    assert (
        f'pods "idler" is forbidden: User "kubernetes-admin" cannot create resource "pods/exec" '
        f'in API group "" in the namespace "{namespace}"'
    ) in result.stderr.decode()

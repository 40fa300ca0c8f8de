"""Bearer-token authentication over TLS, on an API server of its own (no node, so no
containerd): without the token every request but /version is a 401, as kubectl and the client
report it."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client, config
from kubernetes.client.rest import ApiException

from tests.cluster.apiserver import ApiServer
from tests.cluster.kubeconfig import write_kubeconfig

TOKEN = "kancli-test-token"


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ApiServer, Path]]:
    state = tmp_path_factory.mktemp("secured")
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = ApiServer(state, token=TOKEN, tls=True)
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(30)
    try:
        yield server, state
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def _config(server: ApiServer, path: Path, token: str | None = TOKEN) -> Path:
    assert server.certificate is not None
    return write_kubeconfig(path, server.url, token=token, ca_pem=server.certificate.ca_pem)


def _kubectl(kubeconfig: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["kubectl", "--kubeconfig", str(kubeconfig), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_kubectl_with_the_token_is_served(secured: tuple[ApiServer, Path]) -> None:
    server, state = secured
    kubeconfig = _config(server, state / "good")
    result = _kubectl(kubeconfig, "get", "namespaces", "-o", "name")
    assert result.returncode == 0, result.stderr
    assert "namespace/kube-system" in result.stdout.split()


def test_kubectl_with_a_wrong_token_is_unauthorized(secured: tuple[ApiServer, Path]) -> None:
    server, state = secured
    kubeconfig = _config(server, state / "none", token="wrong")
    result = _kubectl(kubeconfig, "get", "namespaces")
    assert result.returncode == 1
    assert "You must be logged in to the server" in result.stderr


def test_client_without_a_token_gets_a_401_status(secured: tuple[ApiServer, Path]) -> None:
    server, state = secured
    kubeconfig = _config(server, state / "bad", token=None)
    api = config.new_client_from_config(config_file=str(kubeconfig))
    try:
        with pytest.raises(ApiException) as info:
            client.CoreV1Api(api).list_namespace()
    finally:
        api.close()
    assert info.value.status == 401
    assert json.loads(info.value.body)["reason"] == "Unauthorized"


def test_pods_stay_pending_and_unschedulable_without_a_node(
    secured: tuple[ApiServer, Path],
) -> None:
    server, state = secured
    kubeconfig = _config(server, state / "pods")
    assert (
        _kubectl(kubeconfig, "run", "lonely", "--image=busybox", "--restart=Never").returncode == 0
    )
    pod = json.loads(_kubectl(kubeconfig, "get", "pod", "lonely", "-o", "json").stdout)
    assert pod["status"]["phase"] == "Pending"
    assert pod["status"]["conditions"][0]["reason"] == "Unschedulable"
    assert "nodeName" not in pod["spec"]


def test_request_log_records_method_path_and_status(secured: tuple[ApiServer, Path]) -> None:
    server, state = secured
    mark = server.requests.mark()
    kubeconfig = _config(server, state / "log", token="wrong")
    _kubectl(kubeconfig, "get", "--raw", "/api/v1/namespaces/default")
    records = server.requests.since(mark)
    assert [(r.method, r.path, r.status) for r in records] == [
        ("GET", "/api/v1/namespaces/default", 401)
    ]

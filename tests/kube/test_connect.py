"""Connecting: kubeconfig selection and its error texts, in-cluster fallback, unreachable servers.

These need no cluster: a kubeconfig is just a file, and an unreachable server is a closed port.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kancli.errors import ClusterError, UnreachableError
from kancli.kube import connect


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kubeconfig(
    path: Path,
    *,
    server: str = "http://127.0.0.1:1",
    current: str | None = "dev",
    contexts: dict[str, str | None] | None = None,
) -> Path:
    contexts = {"dev": "apps", "prod": None} if contexts is None else contexts
    doc: dict[str, object] = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": server}}],
        "users": [{"name": "u", "user": {"token": "t0ken"}}],
        "contexts": [
            {
                "name": name,
                "context": {"cluster": "c", "user": "u", **({"namespace": ns} if ns else {})},
            }
            for name, ns in contexts.items()
        ],
    }
    if current is not None:
        doc["current-context"] = current
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.mark.parametrize(
    ("context", "expected_context", "expected_namespace"),
    [
        pytest.param(None, "dev", "apps", id="current-context-and-its-namespace"),
        pytest.param("prod", "prod", "default", id="explicit-context-without-namespace"),
    ],
)
def test_connect_selects_context_and_its_default_namespace(
    tmp_path: Path, context: str | None, expected_context: str, expected_namespace: str
) -> None:
    kube = connect(str(_kubeconfig(tmp_path / "config")), context)
    assert (kube.context, kube.namespace) == (expected_context, expected_namespace)
    assert kube.host == "http://127.0.0.1:1"


def test_connect_merges_kubeconfig_paths_like_kubectl(tmp_path: Path) -> None:
    first = _kubeconfig(tmp_path / "a", contexts={"one": "ns-one"}, current="one")
    second = _kubeconfig(
        tmp_path / "b", server="http://127.0.0.1:2", contexts={"two": "ns-two"}, current="two"
    )
    missing = tmp_path / "absent"
    joined = os.pathsep.join([str(missing), str(first), str(second)])
    assert connect(joined, "two").namespace == "ns-two"
    assert connect(joined, None).context == "one"


@pytest.mark.parametrize(
    ("setup", "context", "message_part", "hint_part"),
    [
        pytest.param(
            lambda p: p / "nope",
            None,
            "does not exist",
            "--kubeconfig",
            id="missing-file",
        ),
        pytest.param(
            lambda p: (p / "bad").write_text("clusters: [\n  - name: x\n bad") and p / "bad",
            None,
            "is not valid YAML",
            None,
            id="invalid-yaml",
        ),
        pytest.param(
            lambda p: _kubeconfig(p / "c"),
            "staging",
            "context 'staging' not found in kubeconfig",
            "--context",
            id="unknown-context",
        ),
        pytest.param(
            lambda p: _kubeconfig(p / "c", current=None),
            None,
            "sets no current-context",
            "--context",
            id="no-current-context",
        ),
        pytest.param(
            lambda p: _kubeconfig(p / "c", current="gone"),
            None,
            "context 'gone' not found in kubeconfig",
            "--context",
            id="current-context-names-a-missing-context",
        ),
        pytest.param(
            lambda p: (p / "list").write_text("- a\n- b\n") and p / "list",
            None,
            "is not a kubeconfig",
            None,
            id="not-a-mapping",
        ),
    ],
)
def test_connect_reports_kubeconfig_problems_in_one_line(
    tmp_path: Path, setup, context: str | None, message_part: str, hint_part: str | None
) -> None:
    path = setup(tmp_path)
    with pytest.raises(ClusterError) as info:
        connect(str(path), context)
    assert message_part in info.value.message
    assert "\n" not in info.value.message
    if hint_part:
        assert info.value.hint is not None
        assert hint_part in info.value.hint


def test_unknown_context_error_lists_the_known_contexts(tmp_path: Path) -> None:
    with pytest.raises(ClusterError, match=r"\(contexts: dev, prod\)"):
        connect(str(_kubeconfig(tmp_path / "c")), "staging")


def test_connect_without_kubeconfig_outside_a_cluster_says_what_to_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_PORT", raising=False)
    with pytest.raises(ClusterError, match="no in-cluster service account") as info:
        connect(None, None)
    assert info.value.hint is not None
    assert "KUBECONFIG" in info.value.hint


def test_connect_in_cluster_needs_the_service_account_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "6443")
    if Path("/var/run/secrets/kubernetes.io/serviceaccount/token").exists():
        pytest.skip("this machine runs inside a pod with a service account")
    with pytest.raises(ClusterError, match="token file does not exist"):
        connect(None, None)


def test_context_without_kubeconfig_is_refused() -> None:
    with pytest.raises(ClusterError, match="needs a kubeconfig"):
        connect(None, "dev")


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_unreachable_server_is_one_short_line(tmp_path: Path, scheme: str) -> None:
    server = f"{scheme}://127.0.0.1:{_closed_port()}"
    kube = connect(str(_kubeconfig(tmp_path / "c", server=server)), None)
    with pytest.raises(UnreachableError) as info:
        kube.server_version()
    message = info.value.message
    assert message.endswith(
        f"cannot reach the Kubernetes API server at {server}: Connection refused"
    )
    assert "Pool" not in message
    assert "object at" not in message
    assert "\n" not in message


def test_unresolvable_server_names_the_host(tmp_path: Path) -> None:
    kube = connect(str(_kubeconfig(tmp_path / "c", server="http://kancli-test.invalid")), None)
    with pytest.raises(UnreachableError, match=r"cannot resolve host kancli-test\.invalid"):
        kube.server_version()


def test_importing_kancli_kube_does_not_import_the_kubernetes_client() -> None:
    code = "import sys, kancli.kube; print('kubernetes' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "False"

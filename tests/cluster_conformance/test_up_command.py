"""``python -m tests.cluster up``: KUBECONFIG first, S3 settings next, a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cluster.session import unavailable_reason

pytestmark = pytest.mark.skipif(
    unavailable_reason() is not None and not os.environ.get("CI"),
    reason=f"test cluster unavailable: {unavailable_reason()}",
)


def test_up_prints_settings_serves_kubectl_and_cleans_up_on_sigterm(tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{"verb": "list", "resource": "secrets", "namespace": "default"}]))
    state = tmp_path / "state"
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.cluster",
            "up",
            "--state-dir",
            str(state),
            "--rules",
            str(rules),
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        settings = dict(proc.stdout.readline().strip().split("=", 1) for _ in range(5))
        name, kubeconfig = first.split("=", 1)
        assert name == "KUBECONFIG"
        assert settings["S3_ENDPOINT"].startswith("http://127.0.0.1:")
        assert set(settings) == {
            "S3_ENDPOINT",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_REGION",
            "S3_BUCKET",
        }
        kubectl = ["kubectl", "--kubeconfig", kubeconfig]
        nodes = subprocess.run(
            [*kubectl, "get", "nodes", "-o", "name"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert nodes.stdout.strip() == "node/kancli-test-node"
        denied = subprocess.run(
            [*kubectl, "get", "secrets", "-n", "default"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert "Forbidden" in denied.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "left behind" not in err
    assert not (state / "containerd.pid").exists()

"""Fixtures of the end-to-end tests: the example apps deployed into the test namespace."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_run_cli import ROOT, kubectl


@pytest.fixture
def notebook(cluster: Any, namespace: str) -> str:
    """The notebook Deployment (blueprints/apps/notebook.yaml), rolled out; its namespace."""
    kubectl(cluster, "-n", namespace, "apply", "-f", str(ROOT / "blueprints/apps/notebook.yaml"))
    kubectl(cluster, "-n", namespace, "rollout", "status", "deployment/notebook", "--timeout=60s")
    return namespace

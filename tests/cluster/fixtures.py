"""pytest fixtures for the test cluster (a pytest plugin, loaded by tests/conftest.py).

* ``cluster`` (session): containerd + node + API server (``tests.cluster.session``); has
  ``.kubeconfig``, ``.url``, ``.forbid(...)``, ``.state_dir``, ``.requests``. At session end it
  deletes every pod through the API and fails the session if anything is left running or
  mounted. Skips with the reason when containerd cannot run here, except under CI, where the
  cluster is required and its absence is an error.
* ``namespace`` (function): a fresh namespace per test, deleted afterwards; RBAC rules a test
  added with ``cluster.forbid`` are dropped after every test.
* ``s3`` (session): a moto S3 server on 127.0.0.1 with the bucket ``kancli-test``
  (``tests.cluster.s3``); ``s3.endpoint`` has url, access_key, secret_key, region.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cluster.s3 import S3Server
from tests.cluster.session import ClusterSession, unavailable_reason

S3_BUCKET = "kancli-test"
_running: list[ClusterSession] = []


@pytest.fixture(scope="session")
def cluster() -> Iterator[ClusterSession]:
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the test cluster is required under CI: {reason}")
        pytest.skip(f"test cluster unavailable: {reason}")
    session = ClusterSession("pytest").start()
    _running.append(session)
    try:
        yield session
    finally:
        _running.remove(session)
        leftovers = session.stop()
    assert not leftovers, "the test cluster left things behind:\n" + "\n".join(leftovers)


@pytest.fixture(autouse=True)
def _reset_cluster_rights() -> Iterator[None]:
    """Rights a test took away with ``cluster.forbid`` come back after it (no cluster start)."""
    yield
    for session in _running:
        session.allow_all()


def _namespace_name(test_name: str) -> str:
    base = re.sub(r"[^a-z0-9-]+", "-", test_name.lower()).strip("-")
    base = re.sub(r"^test-", "", base)[:40].strip("-") or "t"
    return f"{base}-{secrets.token_hex(3)}"


@pytest.fixture
def namespace(cluster: ClusterSession, request: pytest.FixtureRequest) -> Iterator[str]:
    name = _namespace_name(request.node.name)
    cluster.create_namespace(name)
    try:
        yield name
    finally:
        cluster.delete_namespace(name)


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    with S3Server.start(buckets=[S3_BUCKET]) as server:
        yield server


def pytest_report_header(config: Any) -> str | None:
    reason = unavailable_reason()
    return f"test cluster: {'unavailable: ' + reason if reason else 'containerd available'}"

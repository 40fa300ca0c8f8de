"""The session-end check: stopping a cluster reports what it had to clean up behind the API."""

from __future__ import annotations

import os
import time

import pytest

from tests.cluster.session import ClusterSession, unavailable_reason

pytestmark = pytest.mark.skipif(
    unavailable_reason() is not None and not os.environ.get("CI"),
    reason=f"test cluster unavailable: {unavailable_reason()}",
)


def test_stop_reports_a_container_the_api_did_not_remove() -> None:
    session = ClusterSession("cleanup-check").start()
    try:
        assert session.runtime is not None
        image = session.node.ctx.image.ref
        session.run(session.runtime.ctr("containers", "create", image, "stray-container"))
    finally:
        leftovers = session.stop()
    assert leftovers == ["container stray-container still existed after every pod was deleted"]


def test_stop_after_pods_ran_is_clean() -> None:
    session = ClusterSession("cleanup-check").start()
    try:
        session.create_namespace("work")
        server = session.server
        assert server is not None

        async def create() -> None:
            pods = server.controllers.rtype(("", "pods"))
            body = {
                "metadata": {"name": "p"},
                "spec": {
                    "containers": [{"name": "c", "image": "busybox", "command": ["sleep", "600"]}]
                },
            }
            server.service.create(pods, "work", body)

        session.run(create())

        async def phase() -> str:
            pod = server.store.peek(("", "pods"), "work", "p") or {}
            return str((pod.get("status") or {}).get("phase"))

        deadline = time.monotonic() + 30
        while session.run(phase()) != "Running" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert session.run(phase()) == "Running"
    finally:
        leftovers = session.stop()
    assert leftovers == []

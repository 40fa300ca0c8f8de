"""Fixtures for running Kanister Functions against the test cluster through their real interface.

A test builds a :class:`FunctionContext` the way the runner does (real Kube facade, template
parameters, deadline, cancellation) and calls ``spec.run(ctx, args)`` with args decoded by the
function's own declaration, so argument decoding is exercised too. The context records what the
function showed the user (log lines, progress) with bounded memory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kancli.events import NullReporter, Stream
from kancli.functions.context import Cancellation, Deadline, FunctionContext
from kancli.functions.registry import lookup_function
from kancli.kube import Kube, connect
from kancli.params.model import TemplateParams
from tests.kube.tcpproxy import TcpProxy, kubeconfig_through

IMAGE = "busybox:1.36"
SLEEPER = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]


@dataclass
class Seen:
    """What a function showed the user: log lines (the last ``keep``), their count, progress."""

    keep: int = 2000
    lines: list[tuple[str, Stream, str | None, str | None]] = field(default_factory=list)
    line_count: int = 0
    progress: list[str] = field(default_factory=list)
    on_line: Callable[[str], None] | None = None
    on_progress: Callable[[str], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def log_line(self, text: str, stream: Stream, pod: str | None, container: str | None) -> None:
        with self._lock:
            self.line_count += 1
            self.lines.append((text, stream, pod, container))
            if len(self.lines) > self.keep:
                del self.lines[: len(self.lines) - self.keep]
        if self.on_line is not None:
            self.on_line(text)

    def report(self, message: str) -> None:
        self.progress.append(message)
        if self.on_progress is not None:
            self.on_progress(message)

    def texts(self, stream: Stream | None = None) -> list[str]:
        return [t for t, s, _, _ in self.lines if stream is None or s == stream]


@dataclass
class Call:
    """One function call: its context (for cleanup and cancellation) and what it showed."""

    ctx: FunctionContext
    seen: Seen


class FunctionRunner:
    """Builds contexts and runs functions the way the runner does, cleanup included."""

    def __init__(self, kube: Kube, namespace: str) -> None:
        self.kube = kube
        self.namespace = namespace

    def context(
        self,
        func: str,
        *,
        params: TemplateParams | None = None,
        timeout: float | None = 120,
        pod_ready_timeout: float = 60,
        seen: Seen | None = None,
        kube: Kube | None = None,
    ) -> Call:
        seen = seen or Seen()
        ctx = FunctionContext(
            kube=kube or self.kube,
            params=params or TemplateParams(),
            action="test",
            phase="phase",
            func=func,
            reporter=NullReporter(),
            deadline=Deadline.after(timeout, f"phase phase (timeout {timeout}s)"),
            cancellation=Cancellation(),
            log_line=seen.log_line,
            progress=seen.report,
            default_namespace=self.namespace,
            pod_ready_timeout=pod_ready_timeout,
        )
        return Call(ctx, seen)

    def call(self, call: Call, args: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """Decode ``args`` with the function's declaration and run it; cleanups always run."""
        spec = lookup_function(call.ctx.func)
        decoded = spec.coerce(dict(args))
        try:
            return spec.run(call.ctx, decoded)
        finally:
            errors = call.ctx.run_cleanups()
            assert not errors, errors

    def run(
        self, func: str, args: Mapping[str, Any], **context: Any
    ) -> tuple[Mapping[str, Any] | None, Seen]:
        call = self.context(func, **context)
        return self.call(call, args), call.seen

    def pods(self) -> list[str]:
        from kancli.kube.resources import PODS

        return [
            str(p["metadata"]["name"])
            for p in self.kube.list_objects(PODS, self.namespace)
            if not (p.get("metadata") or {}).get("deletionTimestamp")
        ]


@pytest.fixture(scope="session")
def kube(cluster: Any) -> Iterator[Kube]:
    client = connect(str(cluster.kubeconfig), None)
    yield client
    client.close()


@pytest.fixture
def funcs(kube: Kube, namespace: str) -> FunctionRunner:
    return FunctionRunner(kube, namespace)


@pytest.fixture
def proxied_kube(cluster: Any, tmp_path: Path) -> Iterator[tuple[Kube, TcpProxy]]:
    """A Kube whose connections pass through a proxy the test can cut."""
    host, port = cluster.url.split("://", 1)[1].rsplit(":", 1)
    with TcpProxy(host, int(port)) as proxy:
        config = kubeconfig_through(proxy, Path(cluster.kubeconfig), tmp_path / "kubeconfig")
        client = connect(str(config), None)
        yield client, proxy
        client.close()


def pod_manifest(name: str, containers: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {
            "restartPolicy": "Never",
            "terminationGracePeriodSeconds": 0,
            "containers": containers,
        },
    }


def start_pod(kube: Kube, namespace: str, name: str, containers: list[str]) -> str:
    """A running pod whose containers (named as given) idle, for exec."""
    manifest = pod_manifest(
        name, [{"name": c, "image": IMAGE, "command": SLEEPER} for c in containers]
    )
    kube.create_pod(namespace, manifest)
    kube.wait_for_pod_ready(namespace, name, timeout=60)
    return name

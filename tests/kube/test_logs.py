"""Container logs: following to the end, recovering a broken stream, reading the complete log."""

from __future__ import annotations

import threading

import pytest

from kancli.kube import Kube
from tests.kube.conftest import container, pod_manifest
from tests.kube.tcpproxy import TcpProxy

pytestmark = pytest.mark.cluster

LINES = 300
# Many lines share a timestamp second, so recovery must de-duplicate within a second.
PRINTER = [
    "sh",
    "-c",
    f"i=1; while [ $i -le {LINES} ]; do echo line $i; i=$((i+1)); "
    "[ $((i % 20)) -eq 0 ] && sleep 0.1; done",
]
EXPECTED = b"".join(f"line {i}\n".encode() for i in range(1, LINES + 1))


def _start_printer(kube: Kube, namespace: str, name: str) -> None:
    kube.create_pod(namespace, pod_manifest(name, [container("container", PRINTER)]))
    kube.wait_for_pod_ready(namespace, name, timeout=60)


def test_follow_delivers_the_whole_log_in_order_without_timestamps(
    kube: Kube, namespace: str
) -> None:
    _start_printer(kube, namespace, "printer")
    chunks: list[bytes] = []
    kube.stream_logs(namespace, "printer", "container", chunks.append, timeout=60)
    assert b"".join(chunks) == EXPECTED


def test_follow_recovers_a_broken_stream_without_losing_or_repeating_lines(
    proxied: tuple[Kube, TcpProxy], namespace: str
) -> None:
    kube, proxy = proxied
    _start_printer(kube, namespace, "printer")
    received = bytearray()
    cut_done = threading.Event()

    def sink(data: bytes) -> None:
        received.extend(data)
        if not cut_done.is_set() and received.count(b"\n") >= 40:
            cut_done.set()
            threading.Thread(target=proxy.cut).start()

    kube.stream_logs(namespace, "printer", "container", sink, timeout=60)
    assert cut_done.is_set()
    assert proxy.accepted >= 2  # the stream was reopened
    assert bytes(received) == EXPECTED


def test_complete_log_can_be_read_after_the_pod_ended(kube: Kube, namespace: str) -> None:
    _start_printer(kube, namespace, "printer")
    kube.wait_for_pod_completion(namespace, "printer", timeout=60)
    assert kube.read_logs(namespace, "printer", "container") == EXPECTED
    assert kube.read_logs(namespace, "printer", "container", tail_lines=2) == (
        f"line {LINES - 1}\nline {LINES}\n".encode()
    )
    assert kube.log_tail(namespace, "printer", "container", 1) == f"line {LINES}"


def test_a_sink_error_stops_following_and_propagates(kube: Kube, namespace: str) -> None:
    _start_printer(kube, namespace, "printer")

    class ParseError(Exception):
        pass

    def sink(data: bytes) -> None:
        raise ParseError("bad output line")

    with pytest.raises(ParseError, match="bad output line"):
        kube.stream_logs(namespace, "printer", "container", sink, timeout=60)


def test_follow_of_a_finished_container_returns_its_complete_log(
    kube: Kube, namespace: str
) -> None:
    script = "printf 'a\\n\\n  indented\\n'; printf 'no-newline'"
    kube.create_pod(namespace, pod_manifest("done", [container("container", ["sh", "-c", script])]))
    kube.wait_for_pod_completion(namespace, "done", timeout=60)
    chunks: list[bytes] = []
    kube.stream_logs(namespace, "done", "container", chunks.append, timeout=30)
    followed = b"".join(chunks)
    assert followed.startswith(b"a\n\n  indented\nno-newline")
    assert followed == kube.read_logs(namespace, "done", "container")

"""Exec over the v5 websocket against the test cluster: output, exit codes, binary stdin, errors."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from kancli.errors import ClusterError, DeadlineError, ForbiddenError, NotFoundError
from kancli.kube import Kube
from kancli.kube.podexec import V4, V5, run_exec
from tests.kube.tcpproxy import TcpProxy

pytestmark = pytest.mark.cluster


@pytest.mark.parametrize(
    ("script", "exit_code", "stdout", "stderr"),
    [
        pytest.param("echo out; echo err >&2", 0, b"out\n", b"err\n", id="success"),
        pytest.param("printf 'x'; exit 7", 7, b"x", b"", id="non-zero-exit"),
        pytest.param("exit 0", 0, b"", b"", id="no-output"),
        pytest.param(r"printf '\377\376\000abc'", 0, b"\xff\xfe\x00abc", b"", id="binary-stdout"),
    ],
)
def test_exec_returns_output_and_exit_code(
    kube: Kube,
    namespace: str,
    sleeper: str,
    script: str,
    exit_code: int,
    stdout: bytes,
    stderr: bytes,
) -> None:
    out, err = io.BytesIO(), io.BytesIO()
    result = kube.exec(namespace, sleeper, "main", ["sh", "-c", script], stdout=out, stderr=err)
    assert (result.exit_code, out.getvalue(), err.getvalue()) == (exit_code, stdout, stderr)
    assert result.protocol == V5
    assert result.stdout_bytes == len(stdout)
    assert result.stderr_tail == stderr


def test_exec_without_container_uses_the_only_one(kube: Kube, namespace: str, sleeper: str) -> None:
    chunks: list[bytes] = []
    result = kube.exec(namespace, sleeper, None, ["echo", "only"], stdout=chunks.append)
    assert (result.exit_code, b"".join(chunks)) == (0, b"only\n")


def test_exec_passes_argv_without_a_shell(kube: Kube, namespace: str, sleeper: str) -> None:
    out = io.BytesIO()
    kube.exec(namespace, sleeper, "main", ["echo", "$HOME", "a  b", "*"], stdout=out)
    assert out.getvalue() == b"$HOME a  b *\n"


def _random_blocks(total: int, block: int = 1 << 20) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        size = min(block, total - sent)
        yield os.urandom(size)
        sent += size


class _Sha:
    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return len(data)


def _round_trip(kube: Kube, namespace: str, pod: str, size: int) -> tuple[float, _Sha, str]:
    sent = hashlib.sha256()

    def source() -> Iterator[bytes]:
        for block in _random_blocks(size, block=3 << 19):  # 1.5 MiB pieces: re-chunked to 1 MiB
            sent.update(block)
            yield block

    received = _Sha()
    started = time.monotonic()
    result = kube.exec(namespace, pod, "main", ["cat"], stdin=source(), stdout=received)
    elapsed = time.monotonic() - started
    assert result.exit_code == 0
    return elapsed, received, sent.hexdigest()


def test_exec_stdin_round_trips_tens_of_mebibytes_of_binary_data(
    kube: Kube, namespace: str, sleeper: str
) -> None:
    """``cat`` echoes stdin while we still send it: this also proves there is no deadlock."""
    size = 48 << 20
    elapsed, received, sent_digest = _round_trip(kube, namespace, sleeper, size)
    assert received.size == size
    assert received.digest.hexdigest() == sent_digest
    print(f"exec cat round trip: {size >> 20} MiB in {elapsed:.2f}s")


@pytest.mark.slow
def test_exec_throughput_with_a_large_round_trip(kube: Kube, namespace: str, sleeper: str) -> None:
    size = 512 << 20
    elapsed, received, sent_digest = _round_trip(kube, namespace, sleeper, size)
    assert received.digest.hexdigest() == sent_digest
    rate = size / elapsed / 2**20
    print(f"exec cat round trip: {size >> 20} MiB in {elapsed:.2f}s = {rate:.0f} MiB/s each way")


def test_exec_reads_stdin_from_a_file_and_reports_remote_checksum(
    kube: Kube, namespace: str, sleeper: str
) -> None:
    data = os.urandom((5 << 20) + 123)
    out = io.BytesIO()
    result = kube.exec(
        namespace, sleeper, "main", ["sha256sum"], stdin=io.BytesIO(data), stdout=out
    )
    assert result.exit_code == 0
    assert out.getvalue().split()[0].decode() == hashlib.sha256(data).hexdigest()


def test_exec_empty_stdin_is_closed_at_once(kube: Kube, namespace: str, sleeper: str) -> None:
    out = io.BytesIO()
    result = kube.exec(namespace, sleeper, "main", ["wc", "-c"], stdin=b"", stdout=out, timeout=5)
    assert (result.exit_code, out.getvalue().strip()) == (0, b"0")


def test_exec_command_that_stops_reading_stdin_still_reports_its_exit(
    kube: Kube, namespace: str, sleeper: str
) -> None:
    out = io.BytesIO()
    result = kube.exec(
        namespace,
        sleeper,
        "main",
        ["sh", "-c", "head -c 5; exit 3"],
        stdin=_random_blocks(64 << 20),
        stdout=out,
        timeout=60,
    )
    assert result.exit_code == 3
    assert len(out.getvalue()) == 5


def test_exec_stdin_source_error_is_raised_and_the_exec_stops(
    kube: Kube, namespace: str, sleeper: str
) -> None:
    class SourceBroke(Exception):
        pass

    def failing() -> Iterator[bytes]:
        yield b"a" * 1000
        raise SourceBroke("object store went away")

    started = time.monotonic()
    with pytest.raises(SourceBroke):
        kube.exec(namespace, sleeper, "main", ["cat"], stdin=failing(), timeout=30)
    assert time.monotonic() - started < 10


def test_exec_sink_sees_stdout_before_the_command_ends(
    kube: Kube, namespace: str, sleeper: str
) -> None:
    first_seen = threading.Event()

    def sink(data: bytes) -> None:
        if b"early" in data:
            first_seen.set()

    started = time.monotonic()
    seen_at: list[float] = []

    def watch() -> None:
        if first_seen.wait(20):
            seen_at.append(time.monotonic() - started)

    watcher = threading.Thread(target=watch)
    watcher.start()
    result = kube.exec(
        namespace, sleeper, "main", ["sh", "-c", "echo early; sleep 2; echo late"], stdout=sink
    )
    watcher.join()
    total = time.monotonic() - started
    assert result.exit_code == 0
    assert seen_at
    assert seen_at[0] < total - 1.0


def test_exec_into_missing_container_names_it(kube: Kube, namespace: str, sleeper: str) -> None:
    with pytest.raises(ClusterError) as info:
        kube.exec(namespace, sleeper, "no-such-container", ["true"])
    assert "no-such-container" in info.value.message
    assert "\n" not in info.value.message


def test_exec_in_missing_pod_is_not_found(kube: Kube, namespace: str) -> None:
    with pytest.raises(NotFoundError, match="ghost"):
        kube.exec(namespace, "ghost", "main", ["true"])


def test_exec_forbidden_by_rbac_is_a_forbidden_error(
    kube: Kube, namespace: str, sleeper: str, cluster: Any
) -> None:
    cluster.forbid(verb="create", resource="pods/exec", namespace=namespace)
    with pytest.raises(ForbiddenError) as info:
        kube.exec(namespace, sleeper, "main", ["true"])
    assert "forbidden" in info.value.message.lower()


def test_exec_deadline_stops_waiting(kube: Kube, namespace: str, sleeper: str) -> None:
    started = time.monotonic()
    with pytest.raises(DeadlineError, match=r"timed out after 0\.5s .*sleep 30"):
        kube.exec(namespace, sleeper, "main", ["sleep", "30"], timeout=0.5)
    assert time.monotonic() - started < 5


def test_exec_with_stdin_refuses_a_v4_only_negotiation(
    kube: Kube, namespace: str, sleeper: str
) -> None:
    conn = kube.connection
    with pytest.raises(ClusterError, match="cannot signal the end of a command's input"):
        run_exec(conn, namespace, sleeper, "main", ["cat"], stdin=b"x", protocols=(V4,))


def test_exec_without_stdin_works_over_v4(kube: Kube, namespace: str, sleeper: str) -> None:
    out = io.BytesIO()
    result = run_exec(
        kube.connection,
        namespace,
        sleeper,
        "main",
        ["sh", "-c", "echo v4; exit 2"],
        stdout=out,
        protocols=(V4,),
    )
    assert (result.exit_code, result.protocol, out.getvalue()) == (2, V4, b"v4\n")


def test_dropped_exec_connection_is_an_error_not_success(
    proxied: tuple[Kube, TcpProxy], namespace: str, sleeper: str
) -> None:
    kube, proxy = proxied
    got_output = threading.Event()

    def sink(data: bytes) -> None:
        got_output.set()

    def cut_when_running() -> None:
        if got_output.wait(20):
            proxy.cut()

    cutter = threading.Thread(target=cut_when_running)
    cutter.start()
    with pytest.raises(ClusterError, match="closed before the command's exit status arrived"):
        kube.exec(
            namespace,
            sleeper,
            "main",
            ["sh", "-c", "echo started; sleep 20"],
            stdout=sink,
            timeout=30,
        )
    cutter.join()


def test_concurrent_execs_on_one_client_keep_their_streams_apart(
    kube: Kube, namespace: str, sleeper: str
) -> None:
    """KubeExecAll runs execs in parallel through the same Kube."""
    results: dict[int, tuple[int, bytes]] = {}

    def run(i: int) -> None:
        out = io.BytesIO()
        data = bytes([i]) * (3 << 20)
        result = kube.exec(
            namespace, sleeper, "main", ["sh", "-c", f"cat; exit {i}"], stdin=data, stdout=out
        )
        results[i] = (result.exit_code, out.getvalue())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == {i: (i, bytes([i]) * (3 << 20)) for i in range(1, 5)}

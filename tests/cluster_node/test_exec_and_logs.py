"""Exec into running test containers and read their logs, as the API server will."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cluster.node import ContainerdNode, LogsError
from tests.cluster.nodeapi import ExecError
from tests.cluster_node.conftest import DictHost, LoopThread, make_pod, phase_is, sh

pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def sleeper(loop: LoopThread, node: ContainerdNode, host: DictHost) -> Iterator[tuple[str, str]]:
    """A running two-container pod to exec into."""
    pod = make_pod([sh("main", "sleep 600"), sh("side", "sleep 600")])
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    loop.run(node.run_pod(pod))
    host.wait_for(ns, name, phase_is("Running"))
    yield ns, name
    loop.run(node.delete_pod(ns, name, 0))


async def exec_collect(
    node: ContainerdNode, ns: str, pod: str, container: str, cmd: list[str],
    stdin: bytes | None = None,
) -> tuple[bytes, bytes, int, Any]:  # fmt: skip
    session = await node.exec(ns, pod, container, cmd, stdin=stdin is not None, tty=False)

    async def feed() -> None:
        if stdin is not None:
            for i in range(0, len(stdin), 1 << 20):
                session.stdin.write(stdin[i : i + (1 << 20)])
                await session.stdin.drain()
            session.stdin.close()

    async def drain(stream: Any) -> bytes:
        out = b""
        while chunk := await stream.read(1 << 16):
            out += chunk
        return out

    _, out, err = await asyncio.gather(feed(), drain(session.stdout), drain(session.stderr))
    code = await session.process.wait()
    return out, err, code, session.process


def test_exec_streams_binary_stdin_and_stdout_intact(
    loop: LoopThread, node: ContainerdNode, sleeper: tuple[str, str]
) -> None:
    payload = os.urandom(5 * 1024 * 1024 + 17)
    out, err, code, _ = loop.run(
        exec_collect(
            node,
            *sleeper,
            "main",
            ["sh", "-c", "cat > /tmp/blob; sha256sum /tmp/blob"],
            stdin=payload,
        )
    )
    assert (code, err) == (0, b"")
    assert out.split()[0].decode() == hashlib.sha256(payload).hexdigest()
    back, _, code, _ = loop.run(exec_collect(node, *sleeper, "main", ["cat", "/tmp/blob"]))
    assert code == 0
    assert hashlib.sha256(back).digest() == hashlib.sha256(payload).digest()


@pytest.mark.parametrize(
    ("cmd", "stdout", "stderr", "code"),
    [
        pytest.param(["true"], b"", b"", 0, id="true"),
        pytest.param(["sh", "-c", "echo out; echo err >&2; exit 7"], b"out\n", b"err\n", 7,
                     id="exit-7-with-both-streams"),
        pytest.param(["printf", "%s", "$(HOSTNAME)"], b"$(HOSTNAME)", b"", 0,
                     id="exec-args-are-not-expanded"),
        pytest.param(["sh", "-c", "kill -9 $$"], b"", b"", 137, id="killed-137"),
    ],
)  # fmt: skip
def test_exec_returns_output_and_exit_code(
    loop: LoopThread, node: ContainerdNode, sleeper: tuple[str, str],
    cmd: list[str], stdout: bytes, stderr: bytes, code: int,
) -> None:  # fmt: skip
    out, err, rc, _ = loop.run(exec_collect(node, *sleeper, "side", cmd))
    assert (out, err, rc) == (stdout, stderr, code)


def test_exec_of_missing_executable_reports_start_error(
    loop: LoopThread, node: ContainerdNode, sleeper: tuple[str, str]
) -> None:
    out, err, code, process = loop.run(exec_collect(node, *sleeper, "main", ["nosuchcmd"]))
    assert (out, err, code) == (b"", b"", 126)
    assert re.fullmatch(
        r'failed to exec in container: failed to start exec "exec-[0-9a-f]{16}": OCI runtime '
        r'exec failed: exec failed: unable to start container process: exec: "nosuchcmd": '
        r"executable file not found in \$PATH: unknown",
        process.start_error,
    )


def test_exec_kill_stops_the_command(
    loop: LoopThread, node: ContainerdNode, sleeper: tuple[str, str]
) -> None:
    async def scenario() -> int:
        session = await node.exec(*sleeper, "main", ["sleep", "300"], stdin=False, tty=False)
        await asyncio.sleep(0.2)
        session.process.kill()
        return int(await asyncio.wait_for(session.process.wait(), 10))

    assert loop.run(scenario()) != 0


def test_exec_with_tty_merges_output(
    loop: LoopThread, node: ContainerdNode, sleeper: tuple[str, str]
) -> None:
    async def scenario() -> tuple[bytes, int]:
        session = await node.exec(
            *sleeper, "main", ["sh", "-c", "tty; echo err >&2"], stdin=False, tty=True
        )
        out = b""
        while chunk := await session.stdout.read(4096):
            out += chunk
        return out, await session.process.wait()

    out, code = loop.run(scenario())
    assert code == 0
    assert b"/dev/pts/" in out
    assert b"err" in out


@pytest.mark.parametrize(
    ("container", "reason", "message"),
    [
        pytest.param("nope", "BadRequest", "container nope is not valid for pod {pod}",
                     id="unknown-container"),
        pytest.param("", "BadRequest",
                     "a container name must be specified for pod {pod}, choose one of: [main side]",
                     id="no-container-on-multi-container-pod"),
    ],
)  # fmt: skip
def test_exec_errors_are_worded_as_the_api_server(
    loop: LoopThread, node: ContainerdNode, sleeper: tuple[str, str],
    container: str, reason: str, message: str,
) -> None:  # fmt: skip
    with pytest.raises(ExecError) as caught:
        loop.run(node.exec(*sleeper, container, ["true"], stdin=False, tty=False))
    assert caught.value.reason == reason
    assert caught.value.code == 400
    assert caught.value.message == message.format(pod=sleeper[1])


def test_exec_into_a_finished_container_is_refused(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    pod = make_pod([sh("done", "true")])
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    loop.run(node.run_pod(pod))
    host.wait_for(ns, name, phase_is("Succeeded"))
    with pytest.raises(ExecError) as caught:
        loop.run(node.exec(ns, name, "done", ["true"], stdin=False, tty=False))
    assert caught.value.message == 'unable to upgrade connection: container not found ("done")'
    with pytest.raises(ExecError) as missing:
        loop.run(node.exec(ns, "no-such-pod", "done", ["true"], stdin=False, tty=False))
    assert (missing.value.reason, missing.value.code) == ("NotFound", 404)


async def read_logs(node: ContainerdNode, ns: str, name: str, **opts: Any) -> bytes:
    params: dict[str, Any] = {
        "follow": False, "tail_lines": None, "timestamps": False, "since_seconds": None,
        "since_time": None, "previous": False, **opts,
    }  # fmt: skip
    out = b""
    async for chunk in node.logs(ns, name, "", **params):
        out += chunk
    return out


@pytest.fixture(scope="module")
def chatty(loop: LoopThread, node: ContainerdNode, host: DictHost) -> tuple[str, str]:
    script = "for i in 1 2 3 4 5; do echo line$i; echo err$i >&2; done; printf 'no-newline'"
    pod = make_pod([sh("talk", script)])
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    loop.run(node.run_pod(pod))
    host.wait_for(ns, name, phase_is("Succeeded"))
    return ns, name


def test_logs_follow_returns_everything_then_ends(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    pod = make_pod([sh("slow", "echo start; sleep 1; echo end")])
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    loop.run(node.run_pod(pod))
    host.wait_for(ns, name, phase_is("Running"))
    assert loop.run(read_logs(node, ns, name, follow=True)) == b"start\nend\n"


@pytest.mark.parametrize(
    ("opts", "expected"),
    [
        pytest.param({}, b"".join(b"line%d\nerr%d\n" % (i, i) for i in range(1, 6))
                     + b"no-newline\n", id="all-with-last-line-completed"),
        pytest.param({"tail_lines": 2}, b"err5\nno-newline\n", id="tail-2"),
        pytest.param({"tail_lines": 0}, b"", id="tail-0"),
        pytest.param({"since_time": "2999-01-01T00:00:00Z"}, b"", id="since-the-future"),
        pytest.param({"since_seconds": 3600, "tail_lines": 1}, b"no-newline\n",
                     id="since-an-hour-ago"),
    ],
)  # fmt: skip
def test_logs_options(
    loop: LoopThread, node: ContainerdNode, chatty: tuple[str, str],
    opts: dict[str, Any], expected: bytes,
) -> None:  # fmt: skip
    out = loop.run(read_logs(node, *chatty, **opts))
    # stdout and stderr are separate pipes: only the order within each stream is guaranteed
    assert sorted(out.splitlines()) == sorted(expected.splitlines())
    assert [ln for ln in out.splitlines() if ln.startswith(b"line")] == [
        ln for ln in expected.splitlines() if ln.startswith(b"line")
    ]


def test_logs_timestamps_prefix_every_line(
    loop: LoopThread, node: ContainerdNode, chatty: tuple[str, str]
) -> None:
    out = loop.run(read_logs(node, *chatty, timestamps=True))
    lines = out.decode().splitlines()
    assert len(lines) == 11
    for line in lines:
        stamp = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z "
        assert re.match(stamp + r"(line\d|err\d|no-newline)$", line)


def test_logs_errors_are_worded_as_the_kubelet(
    loop: LoopThread, node: ContainerdNode, chatty: tuple[str, str]
) -> None:
    ns, name = chatty
    with pytest.raises(LogsError) as prev:
        loop.run(read_logs(node, ns, name, previous=True))
    assert prev.value.message == f'previous terminated container "talk" in pod "{name}" not found'
    assert prev.value.code == 400


def test_log_of_a_long_line_is_split_and_joined_again(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    pod = make_pod([sh("long", "head -c 100000 /dev/zero | tr '\\0' x; echo; echo tail")])
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    loop.run(node.run_pod(pod))
    host.wait_for(ns, name, phase_is("Succeeded"))
    assert loop.run(read_logs(node, ns, name)) == b"x" * 100000 + b"\ntail\n"
    stamped = loop.run(read_logs(node, ns, name, timestamps=True)).splitlines()
    assert len(stamped) == 2
    assert stamped[0].endswith(b"x" * 100000)

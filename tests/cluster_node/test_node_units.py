"""The node's pure parts: quantities, $(VAR) expansion, phases, back-off, log formatting."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tests.cluster.node.events import parse_go_time
from tests.cluster.node.logfile import EntryFormatter, tail_offset
from tests.cluster.node.logger import MAX_ENTRY, StreamSplitter
from tests.cluster.node.pod import Backoff, _go_duration, should_restart
from tests.cluster.node.podconfig import expand, parse_quantity, resolve_argv
from tests.cluster.node.status import ContainerState, Terminated, pod_phase

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "value"),
    [("512Mi", 512 * 2**20), ("1Gi", 2**30), ("250m", Decimal("0.25")), ("2", 2),
     ("1.5", Decimal("1.5")), ("1k", 1000), ("1e3", 1000), ("100M", 10**8)],
)  # fmt: skip
def test_parse_quantity(text: str, value: Decimal | int) -> None:
    assert parse_quantity(text) == value


def test_parse_quantity_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="quantities must match"):
        parse_quantity("12 apples")


@pytest.mark.parametrize(
    ("text", "expanded"),
    [("$(A)", "1"), ("x$(A)y$(B)", "x1y2"), ("$$(A)", "$(A)"), ("$(NOPE)", "$(NOPE)"),
     ("$$", "$"), ("$$$$", "$$"), ("$A", "$A"), ("$(A", "$(A"), ("cost: $5", "cost: $5")],
)  # fmt: skip
def test_kubernetes_variable_expansion(text: str, expanded: str) -> None:
    assert expand(text, {"A": "1", "B": "2"}) == expanded


class _Image:
    def __init__(self) -> None:
        self.config = {"Entrypoint": ["/entry"], "Cmd": ["default"]}


@pytest.mark.parametrize(
    ("container", "argv"),
    [({}, ["/entry", "default"]), ({"args": ["x"]}, ["/entry", "x"]),
     ({"command": ["sh"]}, ["sh"]),
     ({"command": ["sh"], "args": ["-c", "$(V)"]}, ["sh", "-c", "v"])],
)  # fmt: skip
def test_command_replaces_entrypoint_and_args_replace_cmd(
    container: dict[str, list[str]], argv: list[str]
) -> None:
    assert resolve_argv(container, _Image(), {"V": "v"}) == argv


def _done(code: int) -> ContainerState:
    state = ContainerState("c", "img")
    state.set_terminated(Terminated(code, "Completed" if code == 0 else "Error", T0, T0))
    return state


def _running() -> ContainerState:
    state = ContainerState("c", "img")
    state.set_running("containerd://x", "id", T0)
    return state


def _crashlooping() -> ContainerState:
    state = _done(1)
    state.set_waiting("CrashLoopBackOff")
    return state


@pytest.mark.parametrize(
    ("policy", "init", "app", "phase"),
    [
        ("Never", [], [ContainerState("c", "i")], "Pending"),
        ("Never", [], [_running()], "Running"),
        ("Never", [], [_done(0), _done(0)], "Succeeded"),
        ("Never", [], [_done(0), _done(1)], "Failed"),
        ("OnFailure", [], [_done(1)], "Running"),
        ("Always", [], [_done(0)], "Running"),
        ("Always", [], [_crashlooping()], "Running"),
        ("Never", [_done(1)], [ContainerState("c", "i")], "Failed"),
        ("OnFailure", [_crashlooping()], [ContainerState("c", "i")], "Pending"),
        ("Never", [_running()], [ContainerState("c", "i")], "Pending"),
        ("Never", [_done(0)], [_running()], "Running"),
    ],
    ids=["waiting", "running", "all-succeeded", "one-failed", "onfailure-restarting",
         "always-restarting", "crashloop", "init-failed-never", "init-crashloop",
         "init-running", "initialized-and-running"],
)  # fmt: skip
def test_pod_phase_follows_the_kubelet(
    policy: str, init: list[ContainerState], app: list[ContainerState], phase: str
) -> None:
    assert pod_phase(policy, init, app, terminal=False) == phase


@pytest.mark.parametrize(
    ("policy", "code", "restart"),
    [("Always", 0, True), ("Always", 1, True), ("OnFailure", 0, False), ("OnFailure", 2, True),
     ("Never", 1, False)],
)  # fmt: skip
def test_should_restart(policy: str, code: int, restart: bool) -> None:
    assert should_restart(policy, code) is restart


def test_backoff_restarts_first_at_once_then_doubles_to_the_cap() -> None:
    assert [Backoff(10, 300).delay(n) for n in range(7)] == [0, 10, 20, 40, 80, 160, 300]


@pytest.mark.parametrize(("seconds", "text"), [(10, "10s"), (160, "2m40s"), (0.3, "300ms")])
def test_go_duration(seconds: float, text: str) -> None:
    assert _go_duration(seconds) == text


def test_logger_splits_lines_like_the_cri_plugin() -> None:
    splitter = StreamSplitter(b"stdout")
    entries = splitter.feed(b"one\r\ntw", b"T1") + splitter.feed(b"o\n" + b"x" * MAX_ENTRY, b"T2")
    entries += splitter.finish(b"T3")
    assert entries == [
        b"T1 stdout F one\n",
        b"T2 stdout F two\n",
        b"T2 stdout P " + b"x" * MAX_ENTRY + b"\n",
    ]
    splitter.feed(b"rest", b"T4")
    assert splitter.finish(b"T5") == [b"T5 stdout F rest\n"]


def test_formatter_joins_partials_and_stamps_each_line_once() -> None:
    fmt = EntryFormatter(timestamps=True, since=None)
    out = [fmt.format(e) for e in (b"2026-01-01T00:00:00.5Z stdout P ab",
                                   b"2026-01-01T00:00:01Z stdout F cd",
                                   b"2026-01-01T00:00:02Z stderr F ")]  # fmt: skip
    assert b"".join(out) == b"2026-01-01T00:00:00.5Z abcd\n2026-01-01T00:00:02Z \n"


def test_formatter_drops_entries_before_since() -> None:
    fmt = EntryFormatter(timestamps=False, since=parse_go_time("2026-01-01T00:00:01Z"))
    assert fmt.format(b"2026-01-01T00:00:00.999999999Z stdout F old") == b""
    assert fmt.format(b"2026-01-01T00:00:01Z stdout F new") == b"new\n"


@pytest.mark.parametrize(("lines", "start"), [(0, 12), (1, 8), (2, 4), (3, 0), (9, 0)])
def test_tail_offset_counts_entries_from_the_end(tmp_path: Path, lines: int, start: int) -> None:
    log = tmp_path / "0.log"
    log.write_bytes(b"aaa\nbbb\nccc\n")
    assert tail_offset(log, lines) == start


def test_parse_go_time_keeps_microseconds() -> None:
    when = parse_go_time("2026-11-25T06:39:31.162972555Z")
    assert when == datetime(2026, 11, 25, 6, 39, 31, 162972, tzinfo=UTC)

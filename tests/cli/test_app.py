"""The kancli app: global options, help, and the single error boundary."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kancli import __version__
from kancli.cli.app import run_with_boundary
from kancli.errors import ClusterError, ExitCode, PhaseError, UsageError
from tests.cli.runner import assert_one_error, run_kancli


def test_version_prints_the_package_version() -> None:
    assert run_kancli("--version").stdout == f"kancli {__version__}\n"


def test_help_lists_commands_and_teaches_with_examples() -> None:
    out = run_kancli("--help").stdout
    for text in ("validate", "render", "functions", "Examples:", "kancli render", "Exit codes"):
        assert text in out


@pytest.mark.parametrize("command", ["validate", "render", "functions"])
def test_every_command_help_has_examples(command: str) -> None:
    assert "Examples:" in run_kancli(command, "--help").stdout


def test_no_arguments_shows_help_and_is_a_usage_error() -> None:
    result = run_kancli(expect=2)
    assert "Usage: kancli" in result.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--no-such-option"], "No such option: --no-such-option"),
        (["nosuchcommand"], "No such command 'nosuchcommand'"),
        (["render", "x.yaml"], "Missing option '--action'"),
        (["validate"], "Missing argument"),
        (["validate", "--output", "xml", "x.yaml"], "Invalid value for '--output'"),
    ],
    ids=["unknown-option", "unknown-command", "missing-option", "missing-argument", "bad-choice"],
)
def test_command_line_mistakes_are_one_line_usage_errors(args: list[str], fragment: str) -> None:
    result = run_kancli(*args, expect=2)
    assert_one_error(result, fragment)
    assert "hint: run 'kancli" in result.stderr


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (UsageError("bad flag", hint="try this"), ExitCode.USAGE),
        (ClusterError("unreachable"), ExitCode.CLUSTER),
        (PhaseError("phase p failed"), ExitCode.PHASE),
    ],
    ids=["usage", "cluster", "phase"],
)
def test_boundary_maps_kancli_errors_to_their_exit_code(
    error: Exception, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail() -> None:
        raise error

    assert run_with_boundary(fail, show_traceback=False) == code
    err = capsys.readouterr().err
    assert err.startswith(f"kancli: error: {error}\n")


def test_boundary_prints_the_hint_after_the_message(capsys: pytest.CaptureFixture[str]) -> None:
    def fail() -> None:
        raise UsageError("bad flag", hint="try this")

    run_with_boundary(fail, show_traceback=False)
    assert capsys.readouterr().err == "kancli: error: bad flag\nhint: try this\n"


def test_unexpected_exception_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    def crash() -> None:
        raise RuntimeError("boom\nsecond line")

    assert run_with_boundary(crash, show_traceback=False) == ExitCode.BUG
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "kancli: error: unexpected RuntimeError: boom",
        "hint: this is a bug in kancli; re-run with --traceback",
    ]


def test_traceback_option_shows_the_python_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    def crash() -> None:
        raise RuntimeError("boom")

    assert run_with_boundary(crash, show_traceback=True) == ExitCode.BUG
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "kancli: error: unexpected RuntimeError: boom" in err


def test_keyboard_interrupt_exits_130(capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    assert run_with_boundary(interrupted, show_traceback=False) == 130
    assert capsys.readouterr().err == "kancli: error: interrupted\n"


def test_help_does_not_import_kubernetes_or_boto3() -> None:
    code = (
        "import sys\n"
        "from kancli.cli.app import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('kubernetes', 'boto3', 'botocore'))\n"
        "print('HEAVY=' + ','.join(heavy), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "Usage: kancli" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "HEAVY=", done.stderr


def test_python_dash_m_kancli_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kancli", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, f"kancli {__version__}\n")

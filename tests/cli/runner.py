"""The one way CLI tests run kancli: through the real app and its error boundary, in-process.

``run_kancli(*args, expect=N)`` invokes ``kancli`` with Typer's CliRunner (stdout and stderr
captured separately), asserts the exit code and, when it differs, fails with both streams shown.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from typer.testing import CliRunner

from kancli.cli.app import app


@dataclasses.dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        """The ``kancli: error:`` lines written to stderr."""
        return [line for line in self.stderr.splitlines() if line.startswith("kancli: error:")]

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_kancli(*args: str, expect: int = 0, env: Mapping[str, str] | None = None) -> Result:
    runner = CliRunner()
    outcome = runner.invoke(app, list(args), env=dict(env or {}), catch_exceptions=False)
    result = Result(outcome.exit_code, outcome.stdout, outcome.stderr)
    assert result.exit_code == expect, (
        f"kancli {' '.join(args)} exited {result.exit_code}, expected {expect}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )
    return result


def assert_one_error(result: Result, *fragments: str) -> str:
    """Exactly one ``kancli: error:`` line, no traceback, containing every fragment."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.error_lines
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    return lines[0]

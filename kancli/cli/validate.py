"""``kancli validate``: every problem of one or more Blueprints, one line each, without a cluster.

Parses in the command and works in :func:`validate_files`, which is also the Python API. A path
that cannot be used at all (missing, a directory) is a usage error and stops before anything is
validated; everything wrong *inside* a file is a problem, collected across all files and printed
as ``file:line:col: message``. Exit code 3 when any problem is an error; warnings alone exit 0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from kancli.blueprint.model import Problem, Severity, SourceLocation
from kancli.cli.common import OutputOption, settings_from
from kancli.cli.output import print_json
from kancli.errors import BlueprintError, UsageError

EPILOG = """\
Checks, without a cluster: YAML and schema, function names, required and supported arguments,
Go template syntax, duplicate phase names, and references to phases that do not exist.

Exit code 3 if any problem is an error; warnings alone exit 0.

Examples:

\b
  kancli validate blueprint.yaml
  kancli validate blueprints/*.yaml --output json | jq '.files[].problems'
"""


@dataclasses.dataclass(frozen=True)
class FileReport:
    """The outcome for one Blueprint file."""

    path: str
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def validate_files(paths: Sequence[Path]) -> list[FileReport]:
    """Load and validate every file; problems are collected, not raised.

    Raises :class:`UsageError` first if any path is not a readable file.
    """
    for path in paths:
        _check_path(path)
    return [_validate_one(path) for path in paths]


def _check_path(path: Path) -> None:
    if not path.exists():
        raise UsageError(f"{path}: no such Blueprint file")
    if path.is_dir():
        raise UsageError(f"{path}: is a directory, not a Blueprint file")


def _validate_one(path: Path) -> FileReport:
    from kancli.blueprint.loader import BlueprintLoadError, load_blueprint

    source = str(path)
    try:
        blueprint = load_blueprint(path)
    except BlueprintLoadError as exc:
        return FileReport(source, tuple(exc.problems))
    except BlueprintError as exc:
        return FileReport(source, (_file_problem(source, exc),))
    return FileReport(source, tuple(_semantic_problems(blueprint)))


def _semantic_problems(blueprint: Any) -> list[Problem]:
    """What the Blueprint validator finds (loader warnings included), in file order."""
    from kancli.blueprint.validate import validate_blueprint
    from kancli.functions.registry import default_registry
    from kancli.template import check_syntax

    return validate_blueprint(blueprint, default_registry().catalog(), check_syntax)


def _file_problem(source: str, exc: BlueprintError) -> Problem:
    # Whole-file failures (not UTF-8, too large, not YAML) carry file:line:col in their message
    # already; keep it as given and point the location at the file.
    message = exc.message
    prefix = f"{source}:"
    location = SourceLocation(source, 1, 1)
    if message.startswith(prefix):
        rest = message[len(prefix) :]
        parts = rest.split(":", 2)
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
            location = SourceLocation(source, int(parts[0]), int(parts[1]))
            message = parts[2].strip()
        else:
            message = rest.strip()
    return Problem(location, "", message, Severity.ERROR, exc.hint)


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.location.file,
        "line": problem.location.line,
        "column": problem.location.column,
        "severity": problem.severity.value,
        "path": problem.path,
        "message": problem.message,
        "hint": problem.hint,
    }


def validate_command(
    ctx: typer.Context,
    *,
    blueprints: Annotated[
        list[Path],
        typer.Argument(metavar="BLUEPRINT...", help="Blueprint files (YAML or JSON)."),
    ],
    output: OutputOption = None,
) -> None:
    """Check Blueprints for every problem kancli can find without a cluster."""
    settings = settings_from(ctx, output=output)
    reports = validate_files(blueprints)
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    if settings.is_json:
        print_json(
            {
                "files": [
                    {
                        "file": r.path,
                        "valid": r.errors == 0,
                        "problems": [_problem_json(p) for p in r.problems],
                    }
                    for r in reports
                ],
                "errors": errors,
                "warnings": warnings,
            }
        )
    else:
        for report in reports:
            for problem in report.problems:
                typer.echo(" ".join(problem.format().split("\n")))
                # One line per problem for scripts; people at a terminal also get the hint.
                if problem.hint and settings.is_interactive:
                    typer.echo(f"  hint: {problem.hint}")
        if errors == 0:
            typer.echo(_summary(len(reports), warnings))
    if errors:
        failed = sum(1 for r in reports if r.errors)
        raise BlueprintError(
            f"{errors} problem{'s' if errors != 1 else ''} found in "
            f"{failed} of {len(reports)} Blueprint file{'s' if len(reports) != 1 else ''}"
        )


def _summary(files: int, warnings: int) -> str:
    noun = "Blueprint" if files == 1 else "Blueprints"
    if warnings:
        return f"{files} {noun} valid ({warnings} warning{'s' if warnings != 1 else ''})"
    return f"{files} {noun} valid"

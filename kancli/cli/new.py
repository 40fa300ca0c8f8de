"""``kancli new blueprint``: start a Blueprint from a known-good pattern instead of a blank page.

Scaffolds are Jinja2 templates shipped in ``kancli/cli/templates/scaffolds`` (package data).
They use ``[[ ]]``/``[% %]`` as Jinja2 delimiters so that the Go-template ``{{ }}`` of the
Blueprint passes through untouched. Every scaffold validates and renders offline with the params
file ``--params-out`` writes (tests/scaffold checks both), so a user starts from a working file.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kancli.errors import UsageError

if TYPE_CHECKING:
    import jinja2

PATTERNS: dict[str, str] = {
    "dump-to-object-store": "KubeTask dumps with a tool image and kando pushes the dump to the "
    "Profile's object store; restore pulls it; delete removes it.",
    "volume-backup": "BackupData / RestoreData / DeleteData: restic snapshots of a path of a "
    "running pod.",
    "scale-down-copy": "ScaleWorkload to 0, CopyVolumeData, and a deferPhase scaling back up.",
}
ARTIFACTS = {
    "dump-to-object-store": ["dump"],
    "volume-backup": ["snapshot"],
    "scale-down-copy": ["volumeCopy"],
}
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")

app = typer.Typer(
    help="Create new files from templates.", no_args_is_help=True, rich_markup_mode=None
)

EPILOG = (
    "Patterns:\n\n\b\n"
    + "\n".join(f"  {k}: {v}" for k, v in PATTERNS.items())
    + """

Examples:

\b
  kancli new blueprint --pattern volume-backup --name web-backup -o web.yaml \\
      --params-out web-params.yaml
  kancli render web.yaml --action backup --params web-params.yaml
"""
)


def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # noqa: S701 - YAML, not HTML
    )


def _template(name: str) -> str:
    return (
        resources.files("kancli.cli")
        .joinpath("templates", "scaffolds", name)
        .read_text(encoding="utf-8")
    )


def scaffold_blueprint(
    pattern: str, *, name: str | None = None, kind: str = "StatefulSet"
) -> tuple[str, str]:
    """The Blueprint text and a matching params file text for ``pattern``."""
    if pattern not in PATTERNS:
        raise UsageError(
            f"unknown pattern {pattern!r}", hint=f"choose one of: {', '.join(PATTERNS)}"
        )
    if kind not in ("StatefulSet", "Deployment"):
        raise UsageError(f"--kind: expected StatefulSet or Deployment, got {kind!r}")
    bp_name = name or pattern
    if not _NAME.match(bp_name):
        raise UsageError(f"--name: {bp_name!r} is not a valid Kubernetes object name")
    values = {
        "name": bp_name,
        "kind": kind,
        "image": "ghcr.io/kanisterio/kanister-tools:0.119.0",
        "container": "app",
        "path": "/data",
        "pvc": "data-app-0",
        "namespace": "app",
        "workload": "app",
        "artifacts": ARTIFACTS[pattern],
    }
    env = _environment()
    blueprint = env.from_string(_template(f"{pattern}.yaml.j2")).render(values)
    params = env.from_string(_template("params.yaml.j2")).render(values)
    return blueprint, params


def _write(text: str, path: Path | None) -> None:
    if path is None:
        typer.echo(text, nl=False)
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


@app.command("blueprint", epilog=EPILOG)
def blueprint_command(
    *,
    pattern: Annotated[
        str, typer.Option("--pattern", metavar="PATTERN", help=f"One of: {', '.join(PATTERNS)}.")
    ],
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="Blueprint name.")
    ] = None,
    kind: Annotated[
        str,
        typer.Option("--kind", metavar="KIND", help="Workload kind: StatefulSet or Deployment."),
    ] = "StatefulSet",
    out: Annotated[
        Path | None, typer.Option("--output-file", "-o", metavar="FILE", help="Write here.")
    ] = None,
    params_out: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Also write a params file for 'kancli render'."),
    ] = None,
) -> None:
    """Write a new Blueprint from a pattern (stdout unless -o)."""
    blueprint, params = scaffold_blueprint(pattern, name=name, kind=kind)
    _write(blueprint, out)
    if params_out is not None:
        _write(params, params_out)

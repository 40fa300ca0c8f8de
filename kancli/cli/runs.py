"""``kancli runs``: read and tidy the local run history (a thin CLI over ``kancli.state``).

Subcommands: ``list``, ``show``, ``logs``, ``report``, ``prune`` and ``forget``. The history
lives in the state dir (``--state-dir``, ``KANCLI_STATE_DIR``, ``$XDG_STATE_HOME/kancli``,
``~/.local/state/kancli``); see docs/history.md.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kancli.cli.common import OutputOption, settings_from
from kancli.cli.output import print_json, print_table, print_yaml
from kancli.errors import UsageError

if TYPE_CHECKING:
    from kancli.state import History, RunFilter, RunRecord

app = typer.Typer(
    help="Show, report and tidy the local history of runs.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

StateDirOption = Annotated[
    Path | None,
    typer.Option(
        "--state-dir",
        metavar="DIR",
        help="Run history directory (default: $KANCLI_STATE_DIR, $XDG_STATE_HOME/kancli, "
        "~/.local/state/kancli).",
    ),
]
RunArgument = Annotated[
    str, typer.Argument(metavar="RUN", help="Run id, a unique prefix of it, or 'latest'.")
]


def open_history(state_dir: Path | None) -> History:
    """The history of the resolved state dir (also used by ``kancli run`` to record runs)."""
    from kancli.state import History, resolve_state_dir

    return History.open(resolve_state_dir(state_dir, os.environ, Path.home()))


def _status_filter(status: str | None) -> RunFilter:
    from kancli.state import RunFilter, RunStatus

    if status is None:
        return RunFilter()
    try:
        return RunFilter(status=RunStatus(status))
    except ValueError:
        names = ", ".join(s.value for s in RunStatus)
        raise UsageError(f"unknown status {status!r}", hint=f"use one of {names}") from None


def _filters(
    action: str | None,
    subject: str | None,
    status: str | None,
    since: str | None,
    limit: int | None,
) -> RunFilter:
    import dataclasses

    from kancli.state.timespec import parse_since

    when = parse_since(since, dt.datetime.now(dt.UTC)) if since else None
    return dataclasses.replace(
        _status_filter(status), action=action, subject=subject, since=when, limit=limit
    )


def _when(value: dt.datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}s"


def _status_text(record: RunRecord) -> str:
    return "did not finish" if record.status.value == "unfinished" else record.status.value


@app.command("list")
def list_command(
    ctx: typer.Context,
    *,
    action: Annotated[str | None, typer.Option(metavar="NAME", help="Only this action.")] = None,
    subject: Annotated[
        str | None, typer.Option(metavar="KIND/NS/NAME", help="Only this subject.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(metavar="STATUS", help="running, complete, failed, interrupted, unfinished."),
    ] = None,
    since: Annotated[
        str | None, typer.Option(metavar="WHEN", help="Age (7d, 12h) or date (2026-11-01).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, metavar="N", help="At most N runs.")] = 20,
    output: OutputOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """List recorded runs, newest first."""
    settings = settings_from(ctx, output=output)
    with open_history(state_dir) as history:
        runs = history.list_runs(_filters(action, subject, status, since, limit))
    if settings.is_json:
        print_json([r.to_json(with_phases=False) for r in runs])
        return
    rows = [
        [r.id, _when(r.started_at), _secs(r.duration), r.action, r.subject, _status_text(r)]
        for r in runs
    ]
    print_table(settings, "Runs", ["ID", "STARTED", "TOOK", "ACTION", "SUBJECT", "STATUS"], rows)


@app.command("show")
def show_command(
    ctx: typer.Context,
    run: RunArgument,
    *,
    output: OutputOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """Show one run: phases with times and outputs, artifacts and the error."""
    settings = settings_from(ctx, output=output)
    with open_history(state_dir) as history:
        record = history.get(run)
    data = record.to_json()
    if settings.is_json:
        print_json(data)
        return
    data["status"] = _status_text(record)
    print_yaml(data)


@app.command("logs")
def logs_command(
    run: RunArgument,
    *,
    phase: Annotated[
        str | None, typer.Option("--phase", metavar="NAME", help="Only this phase's log.")
    ] = None,
    state_dir: StateDirOption = None,
) -> None:
    """Print the recorded pod logs of a run (all phases in order, or one)."""
    with open_history(state_dir) as history:
        out = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
        for chunk in history.logs(run, phase):
            if out is not None:
                out.write(chunk)
            else:
                typer.echo(chunk.decode("utf-8", "replace"), nl=False)
        if out is not None:
            out.flush()


@app.command("report")
def report_command(
    run: RunArgument,
    *,
    fmt: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="html (default) or md.")
    ] = "html",
    out_file: Annotated[
        Path | None, typer.Option("--output-file", "-o", metavar="FILE", help="Write here.")
    ] = None,
    state_dir: StateDirOption = None,
) -> None:
    """Render a self-contained report of one run (timeline, outputs, artifacts, logs, error)."""
    from kancli.cli.report import render_report

    with open_history(state_dir) as history:
        text = render_report(history, run, fmt)
    if out_file is None:
        typer.echo(text, nl=False)
    else:
        out_file.write_text(text, encoding="utf-8")


@app.command("prune")
def prune_command(
    *,
    older_than: Annotated[
        str | None, typer.Option(metavar="AGE", help="Forget runs older than AGE (30d, 12h).")
    ] = None,
    keep: Annotated[
        int | None, typer.Option(min=0, metavar="N", help="Keep only the newest N runs.")
    ] = None,
    state_dir: StateDirOption = None,
) -> None:
    """Forget old finished runs (never runs in progress)."""
    from kancli.state.timespec import parse_age

    if older_than is None and keep is None:
        raise UsageError("give --older-than AGE, --keep N or both")
    cutoff = None
    if older_than is not None:
        cutoff = dt.datetime.now(dt.UTC).timestamp() - parse_age(older_than)
    with open_history(state_dir) as history:
        gone = history.prune(older_than=cutoff, keep=keep)
    typer.echo(f"forgot {len(gone)} run(s)", err=True)


@app.command("forget")
def forget_command(run: RunArgument, *, state_dir: StateDirOption = None) -> None:
    """Remove a run's record (not the data it backed up)."""
    with open_history(state_dir) as history:
        run_id = history.forget(run)
    typer.echo(f"forgot run {run_id}", err=True)

"""The ``kancli`` command: the Typer app, its global options and THE error boundary.

Every failure leaves kancli through :meth:`KancliGroup.main` (STYLE.md 4): a
:class:`~kancli.errors.KancliError` becomes ``kancli: error: <message>`` (plus ``hint: ...``) on
stderr and the exit code its class carries; a command-line mistake caught by Click becomes the
same one line with exit code 2; anything else is a bug, reported in one line that suggests
``--traceback`` (exit 1). Nothing else in kancli prints errors or calls ``sys.exit``.

Command modules are imported here but import their heavy dependencies (the Kubernetes client,
boto3) only inside the command functions, so ``kancli --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from kancli import __version__
from kancli.errors import ExitCode, KancliError
from kancli.settings import build_settings

EPILOG = """\
Examples:

\b
  kancli validate blueprints/*.yaml
  kancli render blueprint.yaml --action backup --params params.yaml
  kancli functions describe KubeTask

\b
Exit codes (docs/exit-codes.md):
  0 ok, 1 bug in kancli, 2 usage, 3 Blueprint or template, 4 cluster,
  5 phase failed, 6 object store, 7 timeout, 130/143 interrupted.
"""


class KancliGroup(TyperGroup):
    """The root command; its ``main`` is the single error boundary of kancli."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> NoReturn:
        argv = list(sys.argv[1:] if args is None else args)
        code = run_with_boundary(
            lambda: super(KancliGroup, self).main(
                args=argv,
                prog_name=prog_name or "kancli",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            ),
            show_traceback="--traceback" in argv or bool(os.environ.get("KANCLI_TRACEBACK")),
        )
        sys.exit(code)


def run_with_boundary(invoke: Any, *, show_traceback: bool) -> int:
    """Call ``invoke()`` and turn its outcome into an exit code, reporting errors on stderr."""
    try:
        result = invoke()
    except KancliError as exc:
        _report(exc.message, exc.hint)
        return int(exc.exit_code)
    except typer.Exit as exc:
        return int(getattr(exc, "exit_code", 0))
    except (typer.Abort, KeyboardInterrupt):
        _report("interrupted", None)
        return int(ExitCode.INTERRUPTED)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else int(ExitCode.BUG)
    except Exception as exc:
        if _is_command_line_error(exc):
            return _report_command_line_error(exc)
        if show_traceback:
            traceback.print_exc(file=sys.stderr)
        first_line = (str(exc).splitlines() or [""])[0]
        _report(
            f"unexpected {type(exc).__name__}: {first_line}" if first_line else type(exc).__name__,
            None if show_traceback else "this is a bug in kancli; re-run with --traceback",
        )
        return int(ExitCode.BUG)
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    return int(ExitCode.OK)


def _is_command_line_error(exc: Exception) -> bool:
    # Click's exceptions (vendored inside Typer in recent releases) carry an exit code and
    # format their own message; recognising them by that interface works with either.
    return isinstance(getattr(exc, "exit_code", None), int) and callable(
        getattr(exc, "format_message", None)
    )


def _report_command_line_error(exc: Any) -> int:
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        typer.echo(ctx.get_help(), err=True)
        return int(ExitCode.USAGE)
    command = getattr(ctx, "command_path", "") or "kancli"
    _report(str(exc.format_message()), f"run '{command} --help' for usage")
    return int(ExitCode.USAGE)


def _report(message: str, hint: str | None) -> None:
    lines = message.splitlines() or [""]
    typer.echo(f"kancli: error: {lines[0]}", err=True)
    for line in lines[1:]:
        typer.echo(f"  {line}", err=True)
    if hint:
        typer.echo(f"hint: {hint}", err=True)


app = typer.Typer(
    name="kancli",
    cls=KancliGroup,
    help="Run Kanister Blueprints against any Kubernetes cluster, without a controller.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"kancli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    *,
    kubeconfig: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)."
        ),
    ] = None,
    context: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Kubeconfig context (default: the current context)."),
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option(
            "--namespace", "-n", metavar="NAME", help="Default namespace (default: the context's)."
        ),
    ] = None,
    request_timeout: Annotated[
        float | None,
        typer.Option(
            min=0.1, metavar="SECONDS", help="Seconds to wait for one API request (default 30)."
        ),
    ] = None,
    color: Annotated[
        bool | None,
        typer.Option("--color/--no-color", help="Colour output (default: on a terminal)."),
    ] = None,
    show_traceback: Annotated[
        bool, typer.Option("--traceback", help="Show the Python traceback of unexpected errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Run Kanister Blueprints against any Kubernetes cluster, without a controller."""
    ctx.obj = build_settings(
        os.environ,
        is_terminal=sys.stdout.isatty(),
        kubeconfig=kubeconfig,
        context=context,
        namespace=namespace,
        request_timeout=request_timeout,
        color=color,
        traceback=show_traceback,
    )


def _register() -> None:
    from kancli.cli import func, functions, render, run, validate

    app.command("validate", epilog=validate.EPILOG)(validate.validate_command)
    app.command("render", epilog=render.EPILOG)(render.render_command)
    app.command("run", epilog=run.EPILOG)(run.run_command)
    app.command("func", epilog=func.EPILOG)(func.func_command)
    app.add_typer(functions.app, name="functions")
    from kancli.cli import export, new, runs

    app.add_typer(runs.app, name="runs")
    app.add_typer(export.app, name="export")
    app.add_typer(new.app, name="new")


_register()


def main() -> None:
    """Console-script entry point."""
    app()

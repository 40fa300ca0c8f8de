"""``kancli func``: run one Kanister Function ad hoc, for debugging and scripting.

The function runs as a one-phase action through the same runner as ``kancli run`` (rendering,
argument checks, timeouts, Ctrl-C cleanup), so what works here works in a Blueprint. Its args are
Go templates too, rendered with the same subject flags. The command's stdout lines (KubeExec,
KubeTask...) go to stdout as they come; progress goes to stderr; the function's output map is
printed at the end (``--output json``: one JSON object).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from kancli.cli.common import OutputOption, settings_from
from kancli.cli.output import print_json, print_yaml
from kancli.cli.run import (
    ContextOption,
    KubeconfigOption,
    NamespaceOption,
    SubjectOptions,
    connect_kube,
    exit_code_of,
    interrupt_handling,
    parse_subjects,
    resolve_subject_params,
    with_connection,
)
from kancli.cli.subjects import parse_arg_value, parse_duration, parse_pairs
from kancli.errors import KancliError, UsageError
from kancli.events import Event, PhaseLog, Reporter, Stream

EPILOG = """\
Each --arg is KEY=VALUE; VALUE is read as YAML, so lists and numbers work:
--arg command='["sh","-c","echo hi"]' --arg replicas=2. --args-file gives them as a YAML map.

Examples:

\b
  kancli func KubeExec --arg namespace=demo --arg pod=web-0 \\
      --arg command='["sh","-c","echo hi"]'
  kancli func ScaleWorkload --deployment demo/web --arg replicas=0
  kancli func KubeTask --arg namespace=demo --arg image=busybox \\
      --arg command='["sh","-c","kando output answer 42"]' -o json
"""


class _StdoutLines:
    """Prints the function's stdout lines on stdout, everything else to the inner reporter."""

    def __init__(self, inner: Reporter, *, to_stdout: bool) -> None:
        self.inner = inner
        self.to_stdout = to_stdout

    def emit(self, event: Event) -> None:
        if self.to_stdout and isinstance(event, PhaseLog) and event.stream is Stream.STDOUT:
            sys.stdout.write(event.line + "\n")
            sys.stdout.flush()
            return
        self.inner.emit(event)


def func_command(
    ctx: typer.Context,
    *,
    name: Annotated[str, typer.Argument(metavar="FUNCTION", help="Kanister Function name.")],
    arg: Annotated[
        list[str] | None, typer.Option("--arg", metavar="KEY=VALUE", help="Argument.")
    ] = None,
    args_file: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Arguments as a YAML/JSON map.")
    ] = None,
    deployment: Annotated[list[str] | None, typer.Option(metavar="NS/NAME")] = None,
    statefulset: Annotated[list[str] | None, typer.Option(metavar="NS/NAME")] = None,
    pvc: Annotated[list[str] | None, typer.Option(metavar="NS/NAME")] = None,
    namespace_target: Annotated[list[str] | None, typer.Option(metavar="NS")] = None,
    object_: Annotated[list[str] | None, typer.Option("--object", metavar="G/V/R/NS/NAME")] = None,
    options: Annotated[list[str] | None, typer.Option("--options", metavar="K=V")] = None,
    secrets: Annotated[list[str] | None, typer.Option("--secrets", metavar="NAME=NS/NAME")] = None,
    config_maps: Annotated[
        list[str] | None, typer.Option("--config-maps", metavar="NAME=NS/NAME")
    ] = None,
    profile: Annotated[str | None, typer.Option(metavar="NS/NAME")] = None,
    profile_file: Annotated[Path | None, typer.Option(metavar="FILE")] = None,
    artifact: Annotated[list[str] | None, typer.Option(metavar="NAME.KEY=VALUE")] = None,
    artifacts_file: Annotated[list[Path] | None, typer.Option(metavar="FILE")] = None,
    timeout: Annotated[
        str | None, typer.Option(metavar="DURATION", help="Deadline of the function (5m).")
    ] = None,
    kubeconfig: KubeconfigOption = None,
    kube_context: ContextOption = None,
    namespace: NamespaceOption = None,
    output: OutputOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only failures.")] = False,
) -> None:
    """Run one Kanister Function with the given arguments."""
    from kancli.blueprint.loader import load_blueprint_text
    from kancli.functions.context import Cancellation, Deadline
    from kancli.params.live import KubeObjectSource
    from kancli.params.model import format_time
    from kancli.params.redact import Redactor, secret_values
    from kancli.reporting.lines import LineReporter, RedactingReporter
    from kancli.runner import RunOptions, run_action

    settings = with_connection(
        settings_from(ctx, output=output), kubeconfig, kube_context, namespace
    )
    args: dict[str, Any] = {}
    if args_file is not None:
        try:
            loaded = yaml.safe_load(args_file.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise UsageError(f"--args-file {args_file}: {exc}") from None
        if not isinstance(loaded, dict):
            raise UsageError(f"--args-file {args_file}: expected a map of arguments")
        args.update(loaded)
    args.update({k: parse_arg_value(v) for k, v in parse_pairs(arg or (), "--arg").items()})
    phase_doc = {"func": name, "name": name, "args": args}
    text = yaml.safe_dump({"actions": {"func": {"phases": [phase_doc]}}})
    blueprint = load_blueprint_text(text, source=f"kancli func {name}")
    opts = SubjectOptions(
        deployments=deployment or (),
        statefulsets=statefulset or (),
        pvcs=pvc or (),
        namespace_targets=namespace_target or (),
        objects=object_ or (),
        options=options or (),
        secrets=secrets or (),
        config_maps=config_maps or (),
        profile=profile,
        profile_file=profile_file,
        artifacts=artifact or (),
        artifacts_files=artifacts_file or (),
    )
    kube = connect_kube(settings)
    default_ns = settings.namespace or kube.namespace
    subjects = parse_subjects(opts, default_ns)
    if len(subjects) > 1:
        raise UsageError("kancli func takes at most one subject")
    subject = subjects[0] if subjects else None
    params = resolve_subject_params(kube, subject, opts, default_ns, format_time())
    redactor = Redactor()
    if not settings.show_secrets:
        for value in secret_values(params):
            redactor.add(value)
    reporter = RedactingReporter(
        _StdoutLines(
            LineReporter(sys.stderr, color=settings.color, quiet=quiet),
            to_stdout=not settings.is_json,
        ),
        redactor,
    )
    cancellation = Cancellation()
    seconds = parse_duration(timeout, "--timeout") if timeout else None
    deadline = Deadline.after(seconds, f"kancli func {name} (timeout {timeout})")
    with interrupt_handling(cancellation, lambda m: print(f"kancli: {m}", file=sys.stderr)):
        result = run_action(
            blueprint,
            "func",
            params,
            kube=kube,
            objects=KubeObjectSource(kube),
            reporter=reporter,
            cancellation=cancellation,
            run_deadline=deadline,
            options=RunOptions(
                default_namespace=(subject.namespace if subject else "") or default_ns,
                pod_ready_timeout=settings.pod_ready_timeout,
            ),
            subject=str(subject) if subject else "",
        )
    phase = result.phases[0]
    output = redactor.redact(dict(phase.output)) if phase.output is not None else None
    error = redactor.redact_text(result.error.message) if result.error else None
    if settings.is_json:
        print_json(
            {
                "function": name,
                "status": phase.state.value,
                "exitCode": exit_code_of([result]),
                "output": output,
                "error": error,
            }
        )
    elif output:
        print_yaml({"output": output})
    if result.error is not None:
        code = _command_exit_code(result.error) or result.exit_code
        raise _FuncFailed(result.error, code, error or "")


def _command_exit_code(error: BaseException) -> int | None:
    """The exit status of the command a KubeExec ran, when that is what failed (documented:
    ``kancli func KubeExec`` exits with the command's status)."""
    seen: BaseException | None = error
    while seen is not None:
        code = getattr(seen, "command_exit_code", None)
        if isinstance(code, int) and code > 0:
            return code
        seen = seen.__cause__ or seen.__context__
    return None


class _FuncFailed(KancliError):
    """The function's error, exiting with the command's own status where there is one."""

    def __init__(self, error: KancliError, code: int, message: str) -> None:
        super().__init__(message, hint=error.hint)
        self.exit_code = code  # type: ignore[assignment]  # the boundary exits with int(...)

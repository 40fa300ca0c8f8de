"""``kancli run``: run a Blueprint action against live objects, with honest exit codes.

Parses in the command and works in :func:`run_blueprint`, which is also the Python API: connect,
resolve the template parameters of every subject from the cluster (``kancli.params.live``), run
the action for each subject concurrently (``kancli.runner``), and return one result per subject.
Ctrl-C or SIGTERM cancels the run: running functions stop, their pods are deleted and the
deferPhase still runs; a second Ctrl-C also cuts the cleanup short.
"""

from __future__ import annotations

import dataclasses
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from kancli.cli.common import OutputOption, settings_from
from kancli.cli.output import print_json
from kancli.cli.subjects import (
    parse_artifacts,
    parse_duration,
    parse_named_refs,
    parse_object,
    parse_pairs,
    parse_ref,
)
from kancli.errors import ExitCode, KancliError, UsageError
from kancli.settings import Settings

if TYPE_CHECKING:
    from kancli.blueprint.model import Action
    from kancli.events import Reporter
    from kancli.functions.context import Cancellation
    from kancli.kube.facade import Kube
    from kancli.params.live import ProfileRef, Subject
    from kancli.params.redact import Redactor
    from kancli.runner import ActionResult

EPILOG = """\
Each subject flag names one object; several subjects run the action once each, concurrently.
Progress goes to stderr; with --output json one result object goes to stdout (schema:
docs/run-output.schema.json). Exit codes: 0 ok, 2 usage, 3 Blueprint/template, 4 cluster,
5 a phase failed, 6 object store, 7 timeout, 130 Ctrl-C, 143 SIGTERM (docs/exit-codes.md).

Examples:

\b
  kancli run blueprints/notebook-blueprint.yaml --action backup --deployment demo/notebook
  kancli run mysql.yaml -a backup --statefulset db/mysql --profile kanister/s3 -o json
  kancli run bp.yaml -a restore --deployment demo/app --artifact backup.file=/backups/x.tgz
  kancli run bp.yaml -a backup --deployment a --deployment b --timeout 30m --phase-timeout 5m
"""


@dataclasses.dataclass(frozen=True)
class SubjectOptions:
    """The subject and params flags shared by ``run``, ``func`` and live ``render``."""

    deployments: Sequence[str] = ()
    statefulsets: Sequence[str] = ()
    pvcs: Sequence[str] = ()
    namespace_targets: Sequence[str] = ()
    objects: Sequence[str] = ()
    options: Sequence[str] = ()
    secrets: Sequence[str] = ()
    config_maps: Sequence[str] = ()
    profile: str | None = None
    profile_file: Path | None = None
    artifacts: Sequence[str] = ()
    artifacts_files: Sequence[Path] = ()

    @property
    def subject_count(self) -> int:
        """How many subjects the flags name (each runs the action once)."""
        kinds = (self.deployments, self.statefulsets, self.pvcs, self.namespace_targets)
        return sum(len(k) for k in kinds) + len(self.objects)


KubeconfigOption = Annotated[
    Path | None,
    typer.Option(
        "--kubeconfig",
        metavar="FILE",
        help="Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).",
    ),
]
ContextOption = Annotated[
    str | None, typer.Option("--context", metavar="NAME", help="Kubeconfig context.")
]
NamespaceOption = Annotated[
    str | None,
    typer.Option("--namespace", "-n", metavar="NAME", help="Namespace of subjects given as NAME."),
]


def with_connection(
    settings: Settings, kubeconfig: Path | None, context: str | None, namespace: str | None
) -> Settings:
    """``settings`` with the command's own kubectl-like flags, which win over the global ones."""
    if kubeconfig is not None:
        settings = dataclasses.replace(settings, kubeconfig=(kubeconfig,))
    if context is not None:
        settings = dataclasses.replace(settings, context=context)
    if namespace is not None:
        settings = dataclasses.replace(settings, namespace=namespace)
    return settings


def parse_subjects(opts: SubjectOptions, default_namespace: str) -> list[Subject]:
    from kancli.kube.types import GVR
    from kancli.params.live import Subject

    subjects: list[Subject] = []
    for kind, values in (
        ("deployment", opts.deployments),
        ("statefulset", opts.statefulsets),
        ("pvc", opts.pvcs),
    ):
        for value in values:
            ns, name = parse_ref(value, f"--{kind}", default_namespace)
            subjects.append(Subject(kind, ns, name))
    for value in opts.namespace_targets:
        subjects.append(Subject("namespace", value, value))
    for value in opts.objects:
        group, version, resource, ns, name = parse_object(value, default_namespace)
        subjects.append(Subject("object", ns, name, GVR(group, version, resource)))
    return subjects


def resolve_subject_params(
    kube: Kube, subject: Subject | None, opts: SubjectOptions, default_namespace: str, now: str
) -> Any:
    """The TemplateParams of one subject (``param.New``)."""
    from kancli.params import model
    from kancli.params.live import ProfileRef, resolve_params
    from kancli.template.values import string_map

    profile: ProfileRef | None = None
    if opts.profile and opts.profile_file:
        raise UsageError("--profile and --profile-file are exclusive: give one")
    if opts.profile:
        ns, name = parse_ref(opts.profile, "--profile", default_namespace)
        profile = ProfileRef(namespace=ns, name=name)
    elif opts.profile_file:
        profile = ProfileRef(path=opts.profile_file)
    artifacts = {}
    for name, values in parse_artifacts(opts.artifacts, opts.artifacts_files).items():
        kv = {k: v for k, v in values.items() if k != "kopiaSnapshot"}
        artifacts[name] = model.Artifact(
            key_value=string_map(kv), kopia_snapshot=values.get("kopiaSnapshot", "")
        )
    return resolve_params(
        kube,
        subject,
        time=now,
        options=parse_pairs(opts.options, "--options"),
        secrets=parse_named_refs(opts.secrets, "--secrets", default_namespace),
        config_maps=parse_named_refs(opts.config_maps, "--config-maps", default_namespace),
        profile=profile,
        artifacts=artifacts,
    )


def connect_kube(settings: Settings) -> Kube:
    """Connect as kubectl would: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the
    in-cluster service account."""
    from kancli.kube import connect

    paths = [str(p) for p in settings.kubeconfig]
    if not paths:
        default = Path.home() / ".kube" / "config"
        if default.is_file():
            paths = [str(default)]
    return connect(":".join(paths) if paths else None, settings.context)


@contextmanager
def interrupt_handling(cancellation: Cancellation, warn: Callable[[str], None]) -> Iterator[None]:
    """SIGINT/SIGTERM cancel the run; a second one aborts the cleanup too."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    count = {"n": 0}

    def handler(signum: int, _frame: Any) -> None:
        name = "SIGTERM" if signum == signal.SIGTERM else "SIGINT"
        count["n"] += 1
        if count["n"] == 1:
            warn(f"{name}: stopping; cleaning up and running the deferPhase (again to abort)")
            cancellation.cancel(f"interrupted by {name}", signal_name=name)
        else:
            warn(f"{name} again: aborting the cleanup; pods may be left behind")
            cancellation.abort(f"interrupted by {name}")

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def build_reporter(
    settings: Settings,
    *,
    quiet: bool,
    events: str | None,
    events_file: Path | None,
    show_subject: bool = False,
    closers: list[Callable[[], None]] | None = None,
) -> Reporter:
    """Progress on stderr -- a live view on a terminal, plain lines elsewhere -- plus JSON-lines
    events when asked for. Whatever must be closed at the end is appended to ``closers``."""
    import os

    from kancli.reporting.lines import FanOut, JsonLinesReporter, LineReporter

    reporters: list[Reporter] = []
    live = (
        settings.color
        and not quiet
        and sys.stderr.isatty()
        and not os.environ.get("CI")
        and closers is not None
    )
    if live and closers is not None:
        from kancli.reporting.live import LiveReporter

        view = LiveReporter(sys.stderr, show_subject=show_subject)
        closers.append(view.close)
        reporters.append(view)
    else:
        reporters.append(
            LineReporter(sys.stderr, color=settings.color, quiet=quiet, show_subject=show_subject)
        )
    if events == "jsonl" or events_file is not None:
        stream: IO[str]
        if events_file is not None:
            stream = open(events_file, "a", encoding="utf-8")  # noqa: SIM115 - closed by closers
            if closers is not None:
                closers.append(stream.close)
        else:
            stream = sys.stderr
        reporters.append(JsonLinesReporter(stream))
    elif events not in (None, "none"):
        raise UsageError(f"--events: unknown format {events!r} (jsonl or none)")
    return FanOut(*reporters)


def run_blueprint(
    blueprint_path: Path,
    action: str,
    opts: SubjectOptions,
    *,
    settings: Settings,
    reporter: Reporter,
    timeout: float | None = None,
    phase_timeouts: Sequence[str] = (),
    cancellation: Cancellation | None = None,
    redactor: Redactor | None = None,
) -> list[ActionResult]:
    """Run ``action`` of the Blueprint for every subject; one result per subject, in order.

    Every secret value met while resolving and running is added to ``redactor`` (unless
    ``settings.show_secrets``), for the caller to redact the results with."""
    from kancli.blueprint.loader import load_blueprint
    from kancli.events import RunWarning
    from kancli.functions.context import Cancellation, Deadline
    from kancli.params.live import KubeObjectSource
    from kancli.params.model import format_time
    from kancli.params.redact import Redactor, secret_values
    from kancli.reporting.lines import RedactingReporter
    from kancli.runner import RunOptions, run_action

    blueprint = load_blueprint(blueprint_path)
    blueprint.action(action)  # an unknown action fails before anything connects
    default_phase_timeout, per_phase = None, {}
    for item in phase_timeouts:
        name, sep, value = item.rpartition("=")
        if sep:
            per_phase[name] = parse_duration(value, "--phase-timeout")
        else:
            default_phase_timeout = parse_duration(value, "--phase-timeout")
    kube = connect_kube(settings)
    default_ns = settings.namespace or kube.namespace
    subjects = parse_subjects(opts, default_ns)
    if not subjects:
        raise UsageError(
            "no subject: give --deployment, --statefulset, --pvc, --namespace-target or --object"
        )
    for message in missing_inputs(blueprint.action(action), opts):
        reporter.emit(RunWarning(action=action, message=message))
    cancel = cancellation or Cancellation()
    run_deadline = Deadline.after(timeout, f"the run (timeout {timeout:g}s)" if timeout else "")
    now = format_time()
    redactor = redactor if redactor is not None else Redactor()
    out = RedactingReporter(reporter, redactor) if not settings.show_secrets else reporter
    prepared = []
    for subject in subjects:
        params = resolve_subject_params(kube, subject, opts, default_ns, now)
        if not settings.show_secrets:
            for value in secret_values(params):
                redactor.add(value)
        prepared.append((subject, params))

    def on_secrets(secrets: Mapping[str, Any]) -> None:
        if settings.show_secrets:
            return
        for secret in secrets.values():
            for value in secret.data.values():
                redactor.add(value)

    def one(subject: Subject, params: Any) -> ActionResult:
        namespace = subject.namespace or default_ns
        return run_action(
            blueprint,
            action,
            params,
            kube=kube,
            objects=KubeObjectSource(kube),
            reporter=out,
            cancellation=cancel,
            run_deadline=run_deadline,
            options=RunOptions(
                phase_timeout=default_phase_timeout,
                phase_timeouts=per_phase,
                pod_ready_timeout=settings.pod_ready_timeout,
                default_namespace=namespace,
            ),
            subject=str(subject),
            on_secrets=on_secrets,
        )

    if len(prepared) == 1:
        return [one(*prepared[0])]
    results: list[Any] = [None] * len(prepared)

    def worker(i: int) -> None:
        results[i] = one(*prepared[i])

    threads = [
        threading.Thread(target=worker, args=(i,), daemon=True) for i in range(len(prepared))
    ]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(0.05)  # the main thread stays free for signal handlers
    return results


def missing_inputs(action: Action, opts: SubjectOptions) -> list[str]:
    """Warnings for the Secrets, ConfigMaps and input artifacts the action names but the flags
    do not give (Kanister's ActionSet validation would reject them; kancli runs and lets the
    template that uses one fail)."""
    given = {
        "secret": set(parse_named_refs(opts.secrets, "--secrets", "_")),
        "configmap": set(parse_named_refs(opts.config_maps, "--config-maps", "_")),
        "artifact": set(parse_artifacts(opts.artifacts, opts.artifacts_files)),
    }
    wanted = (
        ("secret", action.secret_names, "--secrets NAME=NS/SECRET"),
        ("configmap", action.config_map_names, "--config-maps NAME=NS/CONFIGMAP"),
        ("artifact", action.input_artifact_names, "--artifact NAME.KEY=VALUE"),
    )
    warnings = []
    if not (opts.profile or opts.profile_file):
        from kancli.runner import mentions

        users = [p.name for p in action.all_phases() if mentions(p.args, ".Profile")]
        if users:
            warnings.append(
                f"no --profile given, and phases {', '.join(users)} use .Profile: they will fail"
            )
    for kind, names, flag in wanted:
        missing = [n for n in names or () if n not in given[kind]]
        if missing:
            warnings.append(
                f"action {action.name} expects {kind} {', '.join(missing)}, not given ({flag})"
            )
    return warnings


def exit_code_of(results: Sequence[ActionResult]) -> int:
    """The worst outcome: an interrupt wins, then the highest error code."""
    codes = [r.exit_code for r in results]
    for special in (ExitCode.TERMINATED, ExitCode.INTERRUPTED):
        if special in codes:
            return int(special)
    return max(codes, default=0)


def result_json(results: Sequence[ActionResult]) -> dict[str, Any]:
    """The ``--output json`` document (docs/run-output.schema.json)."""

    def phase(p: Any) -> dict[str, Any]:
        return {
            "name": p.name,
            "func": p.func,
            "status": p.state.value,
            "startedAt": p.started_at.isoformat() if p.started_at else None,
            "finishedAt": p.finished_at.isoformat() if p.finished_at else None,
            "durationSeconds": p.duration,
            "output": dict(p.output) if p.output is not None else None,
            "error": p.error.message if p.error else None,
        }

    code = exit_code_of(results)
    return {
        "status": "complete" if code == 0 else "failed",
        "exitCode": code,
        "actions": [
            {
                "action": r.action,
                "subject": r.subject,
                "status": r.state.value,
                "exitCode": r.exit_code,
                "durationSeconds": r.duration,
                "phases": [phase(p) for p in r.phases],
                "deferPhase": phase(r.defer_phase) if r.defer_phase else None,
                "artifacts": r.artifacts,
                "error": r.error.message if r.error else None,
            }
            for r in results
        ],
    }


def run_command(
    ctx: typer.Context,
    *,
    blueprint: Annotated[Path, typer.Argument(metavar="BLUEPRINT", help="Blueprint file.")],
    action: Annotated[str, typer.Option("--action", "-a", metavar="NAME", help="Action to run.")],
    deployment: Annotated[
        list[str] | None, typer.Option(metavar="NS/NAME", help="Deployment subject (repeatable).")
    ] = None,
    statefulset: Annotated[
        list[str] | None, typer.Option(metavar="NS/NAME", help="StatefulSet subject (repeatable).")
    ] = None,
    pvc: Annotated[
        list[str] | None, typer.Option(metavar="NS/NAME", help="PVC subject (repeatable).")
    ] = None,
    namespace_target: Annotated[
        list[str] | None,
        typer.Option(metavar="NS", help="Namespace subject, as kanctl --namespacetargets."),
    ] = None,
    object_: Annotated[
        list[str] | None,
        typer.Option(
            "--object",
            metavar="G/V/R/NS/NAME",
            help="Any other subject: group/version/resource/namespace/name (core: v1/secrets/..).",
        ),
    ] = None,
    options: Annotated[
        list[str] | None, typer.Option("--options", metavar="K=V", help=".Options entry.")
    ] = None,
    secrets: Annotated[
        list[str] | None,
        typer.Option("--secrets", metavar="NAME=NS/NAME", help=".Secrets entry."),
    ] = None,
    config_maps: Annotated[
        list[str] | None,
        typer.Option("--config-maps", metavar="NAME=NS/NAME", help=".ConfigMaps entry."),
    ] = None,
    profile: Annotated[
        str | None, typer.Option(metavar="NS/NAME", help="Kanister Profile resource.")
    ] = None,
    profile_file: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Profile from a local YAML file.")
    ] = None,
    artifact: Annotated[
        list[str] | None,
        typer.Option(metavar="NAME.KEY=VALUE", help=".ArtifactsIn entry (repeatable)."),
    ] = None,
    artifacts_file: Annotated[
        list[Path] | None, typer.Option(metavar="FILE", help="Input artifacts (YAML/JSON).")
    ] = None,
    timeout: Annotated[
        str | None, typer.Option(metavar="DURATION", help="Deadline of the whole run (5m).")
    ] = None,
    phase_timeout: Annotated[
        list[str] | None,
        typer.Option(metavar="[PHASE=]DURATION", help="Deadline of each phase, or of one."),
    ] = None,
    kubeconfig: KubeconfigOption = None,
    kube_context: ContextOption = None,
    namespace: NamespaceOption = None,
    output: OutputOption = None,
    events: Annotated[
        str | None, typer.Option(metavar="FORMAT", help="Also stream events: jsonl.")
    ] = None,
    events_file: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Append JSON-lines events to FILE.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only failures.")] = False,
    show_secrets: Annotated[
        bool, typer.Option("--show-secrets", help="Do not redact Secret values.")
    ] = False,
) -> None:
    """Run one action of a Blueprint against live objects."""
    from kancli.functions.context import Cancellation
    from kancli.params.redact import Redactor

    settings = with_connection(
        settings_from(ctx, output=output), kubeconfig, kube_context, namespace
    )
    if show_secrets:
        settings = dataclasses.replace(settings, show_secrets=True)
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
    closers: list[Callable[[], None]] = []
    reporter = build_reporter(
        settings,
        quiet=quiet,
        events=events,
        events_file=events_file,
        show_subject=opts.subject_count > 1,
        closers=closers,
    )
    cancellation = Cancellation()
    redactor = Redactor()
    try:
        with interrupt_handling(cancellation, lambda m: print(f"kancli: {m}", file=sys.stderr)):
            results = run_blueprint(
                blueprint,
                action,
                opts,
                settings=settings,
                reporter=reporter,
                timeout=parse_duration(timeout, "--timeout") if timeout else None,
                phase_timeouts=phase_timeout or (),
                cancellation=cancellation,
                redactor=redactor,
            )
    finally:
        for close in closers:
            close()
    if settings.is_json:
        print_json(redactor.redact(result_json(results)))
    code = exit_code_of(results)
    if code:
        failed = next(r for r in results if r.exit_code)
        assert failed.error is not None
        raise _RunFailed(failed.error, code, redactor)


class _RunFailed(KancliError):
    """Carries the first failure to the error boundary with the run's worst exit code."""

    def __init__(self, error: KancliError, code: int, redactor: Redactor) -> None:
        hint = redactor.redact_text(error.hint) if error.hint else error.hint
        super().__init__(redactor.redact_text(error.message), hint=hint)
        self.exit_code = ExitCode(code)

"""``kancli render``: show what every phase of an action would receive, without running it.

Parses in the command and works in :func:`render_blueprint_action`, which is also the Python API:
load the Blueprint, build the params from a params file (``kancli.params.offline``), render the
action in Kanister's order (``kancli.params.render``) and redact Secret values
(``kancli.params.redact``) unless ``--show-secrets``. :func:`render_live_action` is the live
mode: the params come from the cluster as ``kancli run`` resolves them (``kancli.params.live``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kancli.cli.common import OutputOption, settings_from
from kancli.cli.output import print_json, print_yaml
from kancli.cli.run import (
    ContextOption,
    KubeconfigOption,
    NamespaceOption,
    SubjectOptions,
    connect_kube,
    parse_subjects,
    resolve_subject_params,
    with_connection,
)
from kancli.errors import TemplateError, UsageError
from kancli.settings import Settings

EPILOG = """\
The params file gives the template fields by their Go names (StatefulSet, Object, Profile,
ArtifactsIn, Options, Phases outputs, objects for phase Secrets...); see docs/params-file.md
and blueprints/params/ for examples. Without --params, every field is empty and .Time is now.

Live mode: with the subject flags of `kancli run` (--deployment, --statefulset, --pvc,
--namespace-target, --object, --options, --secrets, --profile, --artifact...) the params are
resolved from the cluster exactly as `kancli run` resolves them, and nothing runs. Outputs of
earlier phases are unknown then: args that use them fail to render.

Values that come from Secrets or Profile credentials are shown as <redacted>, also inside
larger strings and in their base64 and JSON forms; --show-secrets prints them.

Phases that fail to render carry their error instead of args; the exit code is then 3.

Examples:

\b
  kancli render blueprints/kvstore-blueprint.yaml --action backup \\
      --params blueprints/params/kvstore.yaml
  kancli render mysql.yaml -a backup -p params.yaml -o json \\
      | jq -r '.phases[0].args.command[-1]'
  kancli render blueprints/notebook-blueprint.yaml -a backup --deployment demo/notebook
"""


def render_blueprint_action(
    blueprint_path: Path,
    action_name: str,
    params_path: Path | None,
    *,
    show_secrets: bool = False,
) -> dict[str, Any]:
    """Render ``action_name`` of the Blueprint; the result is what ``--output json`` prints.

    Raises :class:`~kancli.errors.BlueprintError`/``UsageError`` for unusable input; phases that
    fail to render carry an ``error`` instead of ``args``.
    """
    from kancli.blueprint.loader import load_blueprint
    from kancli.params.offline import load_params_file, params_from_mapping

    blueprint = load_blueprint(blueprint_path)
    action = blueprint.action(action_name)
    if params_path is None:
        offline = params_from_mapping({}, source="<no params file>")
    else:
        offline = load_params_file(params_path)
    return _render(
        action,
        offline.params,
        offline.objects,
        phase_outputs=offline.phase_outputs,
        show_secrets=show_secrets,
    )


def render_live_action(
    blueprint_path: Path,
    action_name: str,
    opts: SubjectOptions,
    *,
    settings: Settings,
    show_secrets: bool = False,
) -> dict[str, Any]:
    """Render ``action_name`` with params resolved from the cluster for the one subject in
    ``opts``, as ``kancli run`` would right before running it; nothing runs.

    Phase ``objects`` (Secrets, ConfigMaps) are read from the cluster too. Outputs of earlier
    phases are unknown without running them: templates that use them fail to render.
    """
    from kancli.blueprint.loader import load_blueprint
    from kancli.params.live import KubeObjectSource
    from kancli.params.model import format_time

    blueprint = load_blueprint(blueprint_path)
    action = blueprint.action(action_name)
    kube = connect_kube(settings)
    default_ns = settings.namespace or kube.namespace
    subjects = parse_subjects(opts, default_ns)
    if len(subjects) > 1:
        raise UsageError(
            f"render takes one subject, got {len(subjects)}: "
            + ", ".join(str(s) for s in subjects),
            hint="render each subject on its own",
        )
    subject = subjects[0] if subjects else None
    params = resolve_subject_params(kube, subject, opts, default_ns, format_time())
    result = _render(action, params, KubeObjectSource(kube), show_secrets=show_secrets)
    result["subject"] = str(subject) if subject is not None else None
    return result


def _render(
    action: Any,
    params: Any,
    objects: Any,
    *,
    phase_outputs: Any = None,
    show_secrets: bool,
) -> dict[str, Any]:
    from kancli.params.redact import Redactor, secret_values
    from kancli.params.render import render_action
    from kancli.template import render_string

    rendering = render_action(
        action,
        params,
        objects,
        phase_outputs=phase_outputs,
        render_string=render_string,
    )
    redactor = Redactor() if show_secrets else Redactor.from_params(rendering.params)
    if not show_secrets:
        for value in secret_values(params):
            redactor.add(value)

    def entry(phase: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"name": phase.name, "func": phase.func}
        if phase.error is not None:
            out["error"] = redactor.redact_text(phase.error)
        else:
            out["args"] = redactor.redact(phase.args)
        return out

    return {
        "action": rendering.action,
        "phases": [entry(p) for p in rendering.phases],
        "deferPhase": entry(rendering.defer_phase) if rendering.defer_phase else None,
    }


def render_command(
    ctx: typer.Context,
    *,
    blueprint: Annotated[Path, typer.Argument(metavar="BLUEPRINT", help="Blueprint file.")],
    action: Annotated[
        str, typer.Option("--action", "-a", metavar="NAME", help="Action to render.")
    ],
    params: Annotated[
        Path | None,
        typer.Option("--params", "-p", metavar="FILE", help="Params file (YAML or JSON)."),
    ] = None,
    deployment: Annotated[
        list[str] | None, typer.Option(metavar="NS/NAME", help="Live: Deployment subject.")
    ] = None,
    statefulset: Annotated[
        list[str] | None, typer.Option(metavar="NS/NAME", help="Live: StatefulSet subject.")
    ] = None,
    pvc: Annotated[list[str] | None, typer.Option(metavar="NS/NAME", help="Live: PVC.")] = None,
    namespace_target: Annotated[
        list[str] | None, typer.Option(metavar="NS", help="Live: Namespace subject.")
    ] = None,
    object_: Annotated[
        list[str] | None,
        typer.Option("--object", metavar="G/V/R/NS/NAME", help="Live: any other subject."),
    ] = None,
    options: Annotated[
        list[str] | None, typer.Option("--options", metavar="K=V", help="Live: .Options entry.")
    ] = None,
    secrets: Annotated[
        list[str] | None,
        typer.Option("--secrets", metavar="NAME=NS/NAME", help="Live: .Secrets entry."),
    ] = None,
    config_maps: Annotated[
        list[str] | None,
        typer.Option("--config-maps", metavar="NAME=NS/NAME", help="Live: .ConfigMaps entry."),
    ] = None,
    profile: Annotated[
        str | None, typer.Option(metavar="NS/NAME", help="Live: Kanister Profile resource.")
    ] = None,
    profile_file: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Live: Profile from a local file.")
    ] = None,
    artifact: Annotated[
        list[str] | None, typer.Option(metavar="NAME.KEY=VALUE", help="Live: .ArtifactsIn.")
    ] = None,
    artifacts_file: Annotated[
        list[Path] | None, typer.Option(metavar="FILE", help="Live: input artifacts file.")
    ] = None,
    kubeconfig: KubeconfigOption = None,
    kube_context: ContextOption = None,
    namespace: NamespaceOption = None,
    output: OutputOption = None,
    show_secrets: Annotated[
        bool | None,
        typer.Option(
            "--show-secrets/--redact-secrets",
            help="Print Secret and credential values instead of <redacted>.",
        ),
    ] = None,
) -> None:
    """Render every phase's arguments of one action, with params from a file or the cluster."""
    settings = with_connection(
        settings_from(ctx, output=output), kubeconfig, kube_context, namespace
    )
    reveal = settings.show_secrets if show_secrets is None else show_secrets
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
    live = opts != SubjectOptions()
    if live and params is not None:
        raise UsageError(
            "--params and the live flags (subjects, --options, --profile, ...) are exclusive",
            hint="give a params file to render offline, or subject flags to read the cluster",
        )
    if live:
        result = render_live_action(blueprint, action, opts, settings=settings, show_secrets=reveal)
    else:
        result = render_blueprint_action(blueprint, action, params, show_secrets=reveal)
    if settings.is_json:
        print_json(result)
    else:
        print_yaml(result)
    phases = [*result["phases"], *([result["deferPhase"]] if result["deferPhase"] else [])]
    failed = [p for p in phases if "error" in p]
    if failed:
        names = ", ".join(p["name"] or "(unnamed)" for p in failed)
        raise TemplateError(
            f"{len(failed)} of {len(phases)} phases of action {action} failed to render: {names}",
            hint="each failed phase shows its error in the output above",
        )

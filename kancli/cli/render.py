"""``kancli render``: show what every phase of an action would receive, without a cluster.

Parses in the command and works in :func:`render_blueprint_action`, which is also the Python API:
load the Blueprint, build the params from a params file (``kancli.params.offline``), render the
action in Kanister's order (``kancli.params.render``) and redact Secret values
(``kancli.params.redact``) unless ``--show-secrets``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kancli.cli.common import OutputOption, settings_from
from kancli.cli.output import print_json, print_yaml
from kancli.errors import TemplateError

EPILOG = """\
The params file gives the template fields by their Go names (StatefulSet, Object, Profile,
ArtifactsIn, Options, Phases outputs, objects for phase Secrets...); see docs/params-file.md
and blueprints/params/ for examples. Without --params, every field is empty and .Time is now.

Values that come from Secrets or Profile credentials are shown as <redacted>, also inside
larger strings and in their base64 and JSON forms; --show-secrets prints them.

Phases that fail to render carry their error instead of args; the exit code is then 3.

Examples:

\b
  kancli render blueprints/kvstore-blueprint.yaml --action backup \\
      --params blueprints/params/kvstore.yaml
  kancli render mysql.yaml -a backup -p params.yaml -o json \\
      | jq -r '.phases[0].args.command[-1]'
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
    from kancli.params.redact import Redactor
    from kancli.params.render import render_action
    from kancli.template import render_string

    blueprint = load_blueprint(blueprint_path)
    action = blueprint.action(action_name)
    if params_path is None:
        offline = params_from_mapping({}, source="<no params file>")
    else:
        offline = load_params_file(params_path)
    rendering = render_action(
        action,
        offline.params,
        offline.objects,
        phase_outputs=offline.phase_outputs,
        render_string=render_string,
    )
    redactor = Redactor() if show_secrets else Redactor.from_params(rendering.params)

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
    output: OutputOption = None,
    show_secrets: Annotated[
        bool | None,
        typer.Option(
            "--show-secrets/--redact-secrets",
            help="Print Secret and credential values instead of <redacted>.",
        ),
    ] = None,
) -> None:
    """Render every phase's arguments of one action, with params from a file."""
    settings = settings_from(ctx, output=output)
    reveal = settings.show_secrets if show_secrets is None else show_secrets
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

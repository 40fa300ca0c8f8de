"""``kancli functions list|describe``: the Kanister Functions kancli knows, from the registry.

Everything shown comes from the functions' declarations (``kancli.functions``), so this help
cannot drift from what the runner accepts (STYLE.md 5.4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kancli.cli.common import OutputOption, settings_from
from kancli.cli.output import print_json, print_table
from kancli.errors import UsageError

if TYPE_CHECKING:
    from kancli.functions.registry import FunctionSpec

app = typer.Typer(
    help="List and describe the Kanister Functions kancli knows.",
    epilog=("Examples:\n\n\b\n  kancli functions list\n  kancli functions describe KubeTask\n"),
    no_args_is_help=True,
    rich_markup_mode=None,
)

LIST_EPILOG = """\
Examples:

\b
  kancli functions list
  kancli functions list --output json | jq -r '.[] | select(.implemented) | .name'
"""

DESCRIBE_EPILOG = """\
Names are Kanister's, case-sensitive as in Blueprints (a near miss gets a suggestion).

Examples:

\b
  kancli functions describe KubeTask
  kancli functions describe ScaleWorkload --output json
"""


def _specs() -> list[FunctionSpec]:
    from kancli.functions.registry import default_registry

    return default_registry().specs()


def _summary(spec: FunctionSpec) -> str:
    lines = spec.description.strip().splitlines()
    return lines[0] if lines else ""


def function_json(spec: FunctionSpec) -> dict[str, Any]:
    """One function's declaration as ``--output json`` prints it."""
    return {
        "name": spec.name,
        "version": spec.version,
        "description": spec.description.strip(),
        "implemented": spec.implemented,
        "arguments": [
            {
                "name": a.key,
                "type": a.kind.go_type,
                "required": a.required,
                "default": None if a.required else a.default_text,
                "description": a.help,
            }
            for a in spec.arguments
        ],
        "outputs": [{"name": o.key, "description": o.help} for o in spec.outputs],
    }


@app.command("list", epilog=LIST_EPILOG)
def list_command(ctx: typer.Context, *, output: OutputOption = None) -> None:
    """List the Kanister Functions with their arguments and outputs."""
    settings = settings_from(ctx, output=output)
    specs = _specs()
    if settings.is_json:
        print_json([function_json(s) for s in specs])
        return
    rows = [
        [
            s.name,
            s.version,
            "yes" if s.implemented else "no",
            ", ".join(a.key for a in s.arguments if a.required) or "-",
            ", ".join(o.key for o in s.outputs) or "-",
            _summary(s),
        ]
        for s in specs
    ]
    columns = ["NAME", "VERSION", "RUNS", "REQUIRED ARGS", "OUTPUTS", "DESCRIPTION"]
    print_table(settings, "Kanister Functions", columns, rows)


@app.command("describe", epilog=DESCRIBE_EPILOG)
def describe_command(
    ctx: typer.Context,
    *,
    name: Annotated[str, typer.Argument(metavar="NAME", help="Kanister Function name.")],
    output: OutputOption = None,
) -> None:
    """Show one function's arguments (type, default) and outputs."""
    settings = settings_from(ctx, output=output)
    spec = find_function(name)
    if settings.is_json:
        print_json(function_json(spec))
        return
    typer.echo(f"{spec.name} ({spec.version}){'' if spec.implemented else ' - not runnable yet'}")
    typer.echo()
    typer.echo(spec.description.strip())
    typer.echo()
    args = [
        [
            a.key,
            a.kind.go_type,
            "yes" if a.required else "no",
            "" if a.required else a.default_text,
            a.help,
        ]
        for a in spec.arguments
    ]
    _heading(settings, "Arguments:")
    print_table(settings, "Arguments", ["ARGUMENT", "TYPE", "REQUIRED", "DEFAULT", "MEANING"], args)
    if spec.outputs:
        typer.echo()
        _heading(settings, "Outputs:")
        rows = [[o.key, o.help] for o in spec.outputs]
        print_table(settings, "Outputs", ["OUTPUT", "MEANING"], rows)


def _heading(settings: Any, text: str) -> None:
    # Rich tables carry their own title on a terminal; plain text needs a heading line.
    if not settings.is_interactive:
        typer.echo(text)


def find_function(name: str) -> FunctionSpec:
    """The registered function called ``name``; a :class:`UsageError` with a suggestion if none."""
    from kancli.blueprint import suggest

    specs = {s.name: s for s in _specs()}
    if name in specs:
        return specs[name]
    match = suggest(name, list(specs))
    raise UsageError(
        f"no Kanister Function named {name!r}",
        hint=f'did you mean "{match}"?' if match else "run 'kancli functions list'",
    )

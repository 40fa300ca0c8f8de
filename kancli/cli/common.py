"""Options and helpers shared by the command modules."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kancli.settings import OutputMode, Settings

OutputOption = Annotated[
    OutputMode | None,
    typer.Option(
        "--output",
        "-o",
        case_sensitive=False,
        help="Result format on stdout: text (default) or json.",
    ),
]


def settings_from(ctx: typer.Context, *, output: OutputMode | None = None) -> Settings:
    """The invocation's :class:`Settings` with the command's own options applied."""
    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):
        raise RuntimeError("kancli settings missing: commands must run under the kancli app")
    if output is not None:
        settings = dataclasses.replace(settings, output=output)
    return settings

"""Writing results to stdout: JSON for machines, YAML or Rich tables for people.

stdout carries results only (STYLE.md 7); errors go through the boundary in ``app.py``.
Rich is imported only when a table is printed to a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import typer
import yaml

from kancli.settings import Settings


def print_json(data: Any) -> None:
    """``data`` as indented JSON, keys in the order given, non-ASCII kept."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


class _BlockDumper(yaml.SafeDumper):
    """YAML that stays readable: multi-line strings as ``|`` blocks, keys in the given order."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        # Block scalars cannot carry trailing spaces on a line; fall back to quoting then.
        style = "|" if not any(line.endswith(" ") for line in value.splitlines()) else '"'
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BlockDumper.add_representer(str, _represent_str)


def to_yaml(data: Any) -> str:
    """``data`` as block-style YAML with multi-line strings kept readable."""
    return yaml.dump(
        data,
        Dumper=_BlockDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # never fold long lines: scripts and JSON must stay copyable
    )


def print_yaml(data: Any) -> None:
    typer.echo(to_yaml(data), nl=False)


def print_table(
    settings: Settings, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:
    """A Rich table on a terminal; tab-free aligned plain text otherwise (stable for scripts)."""
    if settings.is_interactive:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, title_justify="left", show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*row)
        Console(file=sys.stdout, no_color=not settings.color, highlight=False).print(table)
        return
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    lines = [columns, *rows]
    for line in lines:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(line[:-1])]
        typer.echo("  ".join([*cells, line[-1]]).rstrip())

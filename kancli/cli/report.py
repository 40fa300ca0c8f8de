"""The ``kancli runs report`` renderer: one run as a self-contained HTML or Markdown page.

Templates are Jinja2 files shipped in ``kancli/cli/templates`` (package data). The HTML has its
style inline and no external references, so it can be attached to a CI job or mailed as is.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import TYPE_CHECKING, Any

from kancli.errors import UsageError

if TYPE_CHECKING:
    from kancli.state import History

LOG_EXCERPT_LINES = 40
FORMATS = {"html": "run-report.html.j2", "md": "run-report.md.j2"}


def _excerpt(history: History, run_id: str, phase: str) -> str:
    """The last :data:`LOG_EXCERPT_LINES` lines of a phase's log, read chunk by chunk."""
    tail: list[str] = []
    pending = b""
    for chunk in history.logs(run_id, phase):
        pending += chunk
        *lines, pending = pending.split(b"\n")
        tail = (tail + [line.decode("utf-8", "replace") for line in lines])[-LOG_EXCERPT_LINES:]
    if pending:
        tail = [*tail, pending.decode("utf-8", "replace")][-LOG_EXCERPT_LINES:]
    return "\n".join(tail)


def render_report(history: History, ref: str, fmt: str) -> str:
    """Render run ``ref`` in ``fmt`` (``html`` or ``md``)."""
    import jinja2

    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r}", hint="use html or md")
    record = history.get(ref)
    data: dict[str, Any] = record.to_json()
    data["statusText"] = "did not finish" if data["status"] == "unfinished" else data["status"]
    for phase, rec in zip(data["phases"], record.phases, strict=True):
        phase["logExcerpt"] = _excerpt(history, record.id, rec.name) if rec.log_bytes else ""
    total = record.duration or 0.0
    for phase in data["phases"]:
        seconds = phase["durationSeconds"] or 0.0
        phase["percent"] = round(100 * seconds / total, 1) if total else 0.0
    source = resources.files("kancli.cli").joinpath("templates", FORMATS[fmt]).read_text("utf-8")
    env = jinja2.Environment(
        autoescape=fmt == "html",  # noqa: S701 - Markdown is not HTML; html escapes
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    generated = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return env.from_string(source).render(run=data, generated=generated)

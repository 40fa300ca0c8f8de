"""Render one case with kancli and with Go, and describe any difference."""

from __future__ import annotations

import re
from typing import Any

from kancli.template import GoTemplateError, parse
from tests.oracle.goracle import TEST_FUNCS, GoOracle, Outcome, to_python

_SURROGATE = re.compile("[\udc80-\udcff]+")


def render_kancli(template: str, context: Any, missingkey: str = "error") -> Outcome:
    try:
        tmpl = parse(template, name="config", funcs=TEST_FUNCS)
    except GoTemplateError as exc:
        return Outcome(None, exc.go_message, "parse")
    try:
        out = tmpl.execute(to_python(context), missingkey=missingkey)
    except GoTemplateError as exc:
        return Outcome(None, exc.go_message, exc.stage)
    # Go's JSON encoder replaces each invalid UTF-8 byte with U+FFFD; do the same.
    return Outcome(_SURROGATE.sub(lambda m: "\ufffd" * len(m.group()), out))


def difference(
    oracle: GoOracle, template: str, context: Any = None, missingkey: str = "error"
) -> str | None:
    """None when kancli and Go agree exactly (output, or error stage and message)."""
    want = oracle.render(template, context, missingkey)
    got = render_kancli(template, context, missingkey)
    if want == got:
        return None
    ctx = repr(context)
    ctx = ctx if len(ctx) < 120 else ctx[:117] + "..."
    return (
        f"template {template!r} context {ctx} missingkey={missingkey}\n"
        f"  go:     {want}\n  kancli: {got}"
    )

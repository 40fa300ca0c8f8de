"""Wait: poll objects until conditions hold (deprecated in Kanister; kanister-behaviour.md 5.16).

Its args are not rendered before the call: the function renders them itself, substitutes
``{$.json.path}`` expressions with values from the fetched objects, then evaluates each condition
as a Go template (sprig, ``missingkey=zero``, no data); a condition holds when the trimmed result
is ``true``. Every argument is rendered once up front, so a template error anywhere fails the
phase; ``timeout`` comes from that rendered copy, while each poll renders the conditions'
objectReference fields again and evaluates the condition text as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.errors import FunctionError, KancliError
from kancli.functions.args import arg
from kancli.functions.builtin._common import ObjectRef, WaitCondition, WaitConditions
from kancli.functions.builtin._jsonpath import substitute
from kancli.functions.builtin.wait_v2 import parse_go_duration, wait_for_conditions
from kancli.functions.context import FunctionContext
from kancli.functions.registry import kanister_function
from kancli.kube.types import GVR
from kancli.template import parse, render_string

NAME = "Wait"


@dataclass(frozen=True, kw_only=True)
class Args:
    timeout: str = arg("timeout", help="How long to wait, as a Go duration (`60s`, `5m`, `1h30m`).")
    conditions: WaitConditions = arg(  # noqa: RUF009 - arg() declares a field
        "conditions",
        help="`anyOf` and/or `allOf`: lists of {condition, objectReference}; a condition is a "
        'template using `{$.status...}` JSONPath values that must render "true".',
    )


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Polls the referenced objects until one `anyOf` condition or all `allOf` conditions "
        "hold, or fails at the timeout. Deprecated in Kanister in favour of WaitV2."
    ),
    prerender=False,
    reference="5.16",
)
def run(ctx: FunctionContext, args: Args) -> Mapping[str, Any] | None:
    timeout_text = render_string(args.timeout, ctx.params)
    for cond in (*args.conditions.any_of, *args.conditions.all_of):
        render_string(cond.condition, ctx.params)
        _render_reference(ctx, cond.object_reference)
    try:
        timeout = parse_go_duration(timeout_text)
    except FunctionError as exc:
        raise FunctionError(f"Failed to parse timeout: {exc.message}") from None
    wait_for_conditions(
        ctx,
        args.conditions,
        timeout,
        lambda cond: evaluate(ctx, cond),
        what="the Wait conditions",
    )
    return None


def evaluate(ctx: FunctionContext, cond: WaitCondition) -> tuple[bool, str | None]:
    """Kanister's ``evaluateCondition``: fetch, substitute JSONPath values, run the template.
    Returns (true?, the error that left the condition undecided)."""
    try:
        ref = _render_reference(ctx, cond.object_reference)
        obj = ctx.kube.get(GVR(ref.group, ref.api_version, ref.resource), ref.name, ref.namespace)
        text = substitute(cond.condition, obj)
        rendered = parse(text, name="config").execute(None, missingkey="zero")
    except KancliError as exc:
        return False, exc.message
    return rendered.strip() == "true", None


def _render_reference(ctx: FunctionContext, ref: ObjectRef) -> ObjectRef:
    return ObjectRef(
        api_version=render_string(ref.api_version, ctx.params),
        group=render_string(ref.group, ctx.params),
        resource=render_string(ref.resource, ctx.params),
        kind=render_string(ref.kind, ctx.params),
        name=render_string(ref.name, ctx.params),
        namespace=render_string(ref.namespace, ctx.params),
    )

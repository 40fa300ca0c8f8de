"""WaitV2: poll objects until Go-template conditions hold (kanister-behaviour.md section 5.17).

Only the conditions' ``objectReference`` fields are rendered as Kanister templates; each
``condition`` is a kubectl-style Go template evaluated against the fetched object (``.status``,
``$.status.conditions``), and ``timeout`` is used as written. As in kubectl's template printer,
the object's numbers are float64, a missing key prints ``<no value>``, and the extra functions
are ``exists`` and ``base64decode`` (no sprig). Kanister swallows a condition's parse error (the
condition stays false until the timeout); kancli does the same, and also reports it once.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kancli.errors import FunctionError, KancliError, TemplateError
from kancli.functions.args import arg
from kancli.functions.builtin._common import WaitCondition, WaitConditions
from kancli.functions.context import FunctionContext
from kancli.functions.registry import kanister_function
from kancli.kube.types import GVR
from kancli.template import parse, render_string
from kancli.template.values import FuncError, GoFunc

NAME = "WaitV2"


@dataclass(frozen=True, kw_only=True)
class Args:
    timeout: str = arg(
        "timeout", help="How long to wait, as a Go duration (`60s`, `5m`); not templated."
    )
    conditions: WaitConditions = arg(  # noqa: RUF009 - arg() declares a field
        "conditions",
        help="`anyOf` and/or `allOf`: lists of {condition, objectReference}; a condition is a "
        'Go template over the object, e.g. `{{ if (eq .status.phase "Active") }}true{{ end }}`.',
    )


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Polls the referenced objects until one `anyOf` condition or all `allOf` conditions "
        "render `true`, or fails at the timeout."
    ),
    prerender=False,
    untemplated_args=frozenset({"timeout", "conditions"}),
    reference="5.17",
)
def run(ctx: FunctionContext, args: Args) -> Mapping[str, Any] | None:
    timeout = parse_go_duration(args.timeout)
    reported = set[str]()
    wait_for_conditions(
        ctx,
        args.conditions,
        timeout,
        lambda cond: _evaluate(ctx, cond, reported),
        what="the WaitV2 conditions",
    )
    return None


#: Evaluates one condition: (true?, the error that made it unknown).
Evaluate = Callable[[WaitCondition], tuple[bool, str | None]]


def wait_for_conditions(
    ctx: FunctionContext,
    conditions: WaitConditions,
    timeout: float,
    evaluate: Evaluate,
    *,
    what: str,
) -> None:
    """Poll until one round is true (backoff from 100 ms to 2 s), bounded by ``timeout`` and the
    phase deadline; fail with Kanister's timeout text, prefixed by the last evaluation error."""
    give_up = time.monotonic() + timeout
    delay = 0.1
    while True:
        ctx.checkpoint(f"waiting for {what}")
        met, error = poll_once(conditions, evaluate)
        if met:
            return
        left = give_up - time.monotonic()
        if left <= 0:
            prefix = f"{error}: " if error else ""
            raise FunctionError(
                f"{prefix}Failed to wait for the condition to be met: Context done while "
                "polling: context deadline exceeded"
            )
        ctx.cancellation.event.wait(min(delay, left))
        delay = min(delay * 2, 2.0)


def poll_once(conditions: WaitConditions, evaluate: Evaluate) -> tuple[bool, str | None]:
    """One evaluation round (section 5.16, step 3): an evaluation error ends the round as "not
    yet"; a true anyOf condition ends the wait; otherwise every allOf condition must hold (an
    empty allOf does not)."""
    for cond in conditions.any_of:
        ok, error = evaluate(cond)
        if error is not None:
            return False, error
        if ok:
            return True, None
    if not conditions.all_of:
        return False, None
    for cond in conditions.all_of:
        ok, error = evaluate(cond)
        if error is not None or not ok:
            return False, error
    return True, None


def _evaluate(
    ctx: FunctionContext, cond: WaitCondition, reported: set[str]
) -> tuple[bool, str | None]:
    ref = cond.object_reference
    try:
        fields = {
            key: render_string(value, ctx.params)
            for key, value in (
                ("group", ref.group),
                ("version", ref.api_version),
                ("resource", ref.resource),
                ("name", ref.name),
                ("namespace", ref.namespace),
            )
        }
        obj = ctx.kube.get(
            GVR(fields["group"], fields["version"], fields["resource"]),
            fields["name"],
            fields["namespace"],
        )
    except KancliError as exc:
        return False, exc.message
    try:
        template = parse(cond.condition, name="output", funcs=_PRINTER_FUNCS)
    except TemplateError as exc:
        if cond.condition not in reported:
            reported.add(cond.condition)
            ctx.progress(f"condition does not parse and stays false: {exc.message}")
        return False, None
    try:
        rendered = template.execute(_floats(obj), missingkey="default")
    except TemplateError as exc:
        return False, exc.message
    return rendered.strip() == "true", None


def _floats(value: Any) -> Any:
    """JSON decoded into interface{} as kubectl does: every number is a float64."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, list):
        return [_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    return value


def _exists(item: Any, *indices: Any) -> bool:
    """kubectl's ``exists``: whether the chain of map keys / list indices is present."""
    current = item
    for index in indices:
        if isinstance(current, dict) and isinstance(index, str) and index in current:
            current = current[index]
        elif (
            isinstance(current, list)
            and isinstance(index, int | float)
            and 0 <= int(index) < len(current)
        ):
            current = current[int(index)]
        else:
            return False
    return True


def _base64decode(text: str) -> str:
    try:
        return base64.b64decode(text, validate=True).decode("utf-8", errors="replace")
    except (ValueError, binascii.Error) as exc:
        raise FuncError(f"base64 decode failed: {exc}") from None


_PRINTER_FUNCS = {
    "exists": GoFunc("exists", _exists, ("interface{}", "...interface{}"), returns="bool"),
    "base64decode": GoFunc(
        "base64decode", _base64decode, ("string",), returns="string", returns_error=True
    ),
}

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_go_duration(text: str) -> float:
    """Seconds in a Go duration (``time.ParseDuration``: ``60s``, ``1h30m``, ``1.5m``)."""
    rest, total = text.strip(), 0.0
    sign = -1.0 if rest.startswith("-") else 1.0
    rest = rest.lstrip("+-")
    if rest == "0":
        return 0.0
    if not rest:
        raise FunctionError(f'time: invalid duration "{text}"')
    while rest:
        number = re.match(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)", rest)
        if number is None:
            raise FunctionError(f'time: invalid duration "{text}"')
        total += float(number.group(1)) * _UNITS[number.group(2)]
        rest = rest[number.end() :]
    return sign * total

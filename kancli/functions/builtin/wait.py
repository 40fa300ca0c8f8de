"""Wait: poll objects until conditions hold (deprecated in Kanister; kanister-behaviour.md 5.16).

Its args are not rendered before the call: the function renders them itself, substitutes
``{$.json.path}`` expressions with values from the fetched objects, then evaluates each condition
as a Go template. ``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.builtin._common import WaitConditions
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

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
    implemented=False,
    reference="5.16",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

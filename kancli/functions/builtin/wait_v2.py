"""WaitV2: poll objects until Go-template conditions hold (kanister-behaviour.md section 5.17).

Only the conditions' ``objectReference`` fields are rendered as Kanister templates; each
``condition`` is a kubectl-style Go template evaluated against the fetched object (``.status``,
``$.status.conditions``), and ``timeout`` is used as written. ``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.builtin._common import WaitConditions
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

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
    implemented=False,
    reference="5.17",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

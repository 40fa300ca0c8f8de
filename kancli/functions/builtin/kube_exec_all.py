"""KubeExecAll: run a command in several containers of several pods (kanister-behaviour.md 5.2).

The command runs concurrently in every (pod, container) pair; all errors are reported together.
The stdouts are joined and parsed for phase output once. Kanister concatenates them with a data
race and in nondeterministic order; kancli will join them in (pod, container) order.
``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

NAME = "KubeExecAll"


@dataclass(frozen=True, kw_only=True)
class Args:
    namespace: str = arg("namespace", help="Namespace of the pods.")
    pods: str = arg("pods", help="Pod names, separated by whitespace.")
    containers: str = arg(
        "containers", help="Container names, separated by whitespace; each pod must have them all."
    )
    command: tuple[str, ...] = arg(
        "command", help="The command and its arguments, run as argv with no shell."
    )


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Runs a command in every listed container of every listed pod, concurrently, like "
        "KubeExec. Every failure is reported; any failure fails the phase."
    ),
    output_note=(
        "The `kando output` pairs printed on the stdouts, joined and parsed once; for a key "
        "printed by several containers the last one parsed wins."
    ),
    implemented=False,
    reference="5.2",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

"""KubeExecAll: run a command in several containers of several pods (kanister-behaviour.md 5.2).

The command runs concurrently in every (pod, container) pair; all errors are reported together.
The stdouts are joined and parsed for phase output once. Kanister concatenates them with a data
race and in nondeterministic order; kancli merges them in (pod, container) order.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from kancli.errors import FunctionError, KancliError
from kancli.functions.args import arg
from kancli.functions.builtin import kube_exec
from kancli.functions.context import FunctionContext
from kancli.functions.registry import kanister_function

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
    reference="5.2",
)
def run(ctx: FunctionContext, args: Args) -> Mapping[str, Any] | None:
    targets = [(p, c) for p in args.pods.split() for c in args.containers.split()]
    if not targets:
        raise FunctionError("no pods or containers to run the command in")

    def one(target: tuple[str, str]) -> tuple[dict[str, str], str | None]:
        pod, container = target
        try:
            return kube_exec.run_exec(ctx, args.namespace, pod, container, args.command), None
        except KancliError as exc:
            return {}, exc.message

    with ThreadPoolExecutor(max_workers=min(len(targets), 16)) as pool:
        results = list(pool.map(one, targets))
    errors = [error for _, error in results if error]
    if errors:
        raise FunctionError("\n".join(errors))
    merged: dict[str, str] = {}
    for outputs, _ in results:  # deterministic: pods then containers in the order given
        merged.update(outputs)
    return merged or None

"""ScaleWorkload: scale a Deployment, StatefulSet or DeploymentConfig (kanister-behaviour.md 5.5).

``replicas`` is read the way Kanister reads it, not by weak decoding: an integer, or a string
parsed as a base-10 int32 (``Cannot convert x to int: ...``); a float or any other type fails with
``Invalid arg type float64 for Arg replicas`` (Kanister's text, trailing space included).
``namespace``, ``name`` and ``kind`` default to the target workload. Deviation: the wait for
readiness is bounded by the phase deadline (Kanister waits forever); DeploymentConfig (OpenShift)
is not supported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.errors import FunctionError
from kancli.functions.args import ArgType, arg
from kancli.functions.builtin._pods import wait_in_slices
from kancli.functions.context import FunctionContext
from kancli.functions.registry import kanister_function
from kancli.functions.weak import DecodeError, go_type_name
from kancli.template.values import NilPointer

NAME = "ScaleWorkload"
_DECIMAL = re.compile(r"[+-]?[0-9]+")


class ReplicasArg(ArgType):
    """``replicas``: an int (any size, truncated to int32) or a base-10 numeric string."""

    go_type = "int32"
    doc = "integer (or a string holding one)"

    def decode(self, value: Any, name: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return (value + 2**31) % 2**32 - 2**31
        if isinstance(value, str):
            reason = "invalid syntax"
            if _DECIMAL.fullmatch(value):
                number = int(value)
                if -(2**31) <= number < 2**31:
                    return number
                reason = "value out of range"
            raise DecodeError(
                [f'Cannot convert {value} to int: strconv.ParseInt: parsing "{value}": {reason}'],
                bare=True,
            )
        raise DecodeError([f"Invalid arg type {go_type_name(value)} for Arg replicas "], bare=True)


@dataclass(frozen=True, kw_only=True)
class Args:
    replicas: int = arg(
        "replicas",
        kind=ReplicasArg(),
        help="Number of replicas to scale to; a templated string such as "
        '"{{ len .StatefulSet.Pods }}" works. Floats are rejected.',
    )
    namespace: str = arg(
        "namespace",
        default="",
        default_doc="the target workload's namespace",
        help="Namespace of the workload.",
    )
    name: str = arg(
        "name", default="", default_doc="the target workload's name", help="Name of the workload."
    )
    kind: str = arg(
        "kind",
        default="",
        default_doc="the target workload's kind",
        help="`Deployment`, `StatefulSet` or `DeploymentConfig` (case-insensitive). Without a "
        "workload target, namespace, name and kind must all be given.",
    )
    wait_for_ready: bool = arg(
        "waitForReady",
        default=True,
        help="Wait until the workload is ready at the new scale (bounded by the phase deadline).",
    )


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Sets a workload's replica count by updating its spec, then by default waits until the "
        "new replicas are ready (for scale-down: until the old pods are gone)."
    ),
    outputs={"originalReplicaCount": "The replica count before scaling, to scale back later."},
    reference="5.5",
)
def run(ctx: FunctionContext, args: Args) -> Mapping[str, Any] | None:
    namespace, name, kind = args.namespace, args.name, args.kind
    if not (namespace and name and kind):
        target = _target(ctx)
        if target is None:
            if not (namespace and name and kind):
                raise FunctionError(
                    "Workload information not available via defaults or namespace/name/kind "
                    "parameters"
                )
        else:
            namespace = namespace or target[0]
            name = name or target[1]
            kind = kind or target[2]
    if kind.lower() not in ("deployment", "statefulset"):
        raise FunctionError(f"Workload type not supported {kind}")
    original = ctx.kube.scale_workload(kind, namespace, name, args.replicas)
    ctx.progress(f"{kind.lower()} {namespace}/{name} scaled from {original} to {args.replicas}")
    if args.wait_for_ready:
        wait_in_slices(
            ctx,
            lambda t: ctx.kube.wait_for_workload_ready(kind, namespace, name, timeout=t),
            waiting_for=f"waiting for {kind.lower()} {namespace}/{name} to be ready with "
            f"{args.replicas} replicas",
        )
    return {"originalReplicaCount": original}


def _target(ctx: FunctionContext) -> tuple[str, str, str] | None:
    """Namespace, name and kind of the run's workload: StatefulSet, then Deployment."""
    for value, kind in (
        (ctx.params.stateful_set, "statefulset"),
        (ctx.params.deployment, "deployment"),
    ):
        if not isinstance(value, NilPointer):
            return value.namespace, value.name, kind
    return None

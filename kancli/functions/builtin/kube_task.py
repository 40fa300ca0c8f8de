"""KubeTask: run a command in a new pod and parse its logs (kanister-behaviour.md section 5.3).

The pod has one container named ``container``; it is deleted when the function returns, whatever
the outcome, and also when the run is interrupted. The log (stdout and stderr) is shown live, and
the phase output is parsed from the complete log read after the pod has ended, so a follow stream
that breaks on a long phase loses no output (Kanister parses the live stream and can). Kanister
puts the pod in the controller's namespace when ``namespace`` is empty; kancli has no controller
and uses the run's default namespace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    pod_annotations_arg,
    pod_labels_arg,
    pod_override_arg,
)
from kancli.functions.builtin._pods import build_pod, require_namespace, run_pod
from kancli.functions.context import FunctionContext
from kancli.functions.registry import kanister_function

NAME = "KubeTask"


@dataclass(frozen=True, kw_only=True)
class Args:
    image: str = arg("image", help="Image of the pod's container.")
    command: tuple[str, ...] = arg(
        "command", help="The container's command (its entrypoint), as argv: no shell."
    )
    namespace: str = arg(
        "namespace",
        default="",
        default_doc="the run's default namespace (Kanister: the controller's)",
        help="Namespace to create the pod in.",
    )
    pod_override: Mapping[str, Any] | None = pod_override_arg()
    pod_annotations: Mapping[str, str] | None = pod_annotations_arg()
    pod_labels: Mapping[str, str] | None = pod_labels_arg()


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Creates a pod running the command in the image, streams its logs, waits for it to "
        "finish and deletes it. A failed pod fails the phase. This is the workhorse of most "
        "Blueprints: a one-off pod that dumps or restores a database and moves data with "
        "`kando location push|pull|delete`."
    ),
    output_note=(
        "The `kando output` pairs printed in the container's log (stdout and stderr); "
        "an empty map when there are none."
    ),
    reference="5.3",
)
def run(ctx: FunctionContext, args: Args) -> Mapping[str, Any] | None:
    namespace = require_namespace(args.namespace, ctx)
    manifest = build_pod(
        ctx,
        prefix="kanister-job-",
        image=args.image,
        command=args.command,
        namespace=namespace,
        pod_override=args.pod_override,
        labels=args.pod_labels,
        annotations=args.pod_annotations,
    )
    return run_pod(ctx, manifest)

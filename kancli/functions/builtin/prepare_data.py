"""PrepareData: run a command in a new pod with volumes mounted (kanister-behaviour.md 5.6).

The pod's whole log is read, then parsed for phase output. By default (``failOnError: false``) a
failing command does **not** fail the phase, as in Kanister.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.errors import FunctionError
from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    pod_annotations_arg,
    pod_labels_arg,
    pod_override_arg,
)
from kancli.functions.builtin._pods import build_pod, run_pod
from kancli.functions.context import FunctionContext
from kancli.functions.output import PhaseOutputError
from kancli.functions.registry import kanister_function
from kancli.template.values import NilPointer

NAME = "PrepareData"


@dataclass(frozen=True, kw_only=True)
class Args:
    namespace: str = arg("namespace", help="Namespace to create the pod in (where the PVCs are).")
    image: str = arg("image", help="Image of the pod's container.")
    command: tuple[str, ...] = arg("command", help="The container's command (argv, no shell).")
    volumes: Mapping[str, str] | None = arg(
        "volumes",
        default=None,
        default_doc="every PVC of the target Deployment/StatefulSet at /mnt/prepare_data/<pvc>",
        help="PVCs to mount: a map from PVC name to mount path.",
    )
    serviceaccount: str = arg(
        "serviceaccount",
        default="",
        default_doc="the namespace's default service account",
        help="Service account of the pod.",
    )
    pod_override: Mapping[str, Any] | None = pod_override_arg()
    pod_annotations: Mapping[str, str] | None = pod_annotations_arg()
    pod_labels: Mapping[str, str] | None = pod_labels_arg()
    fail_on_error: bool = arg(
        "failOnError",
        default=False,
        help="Fail the phase when the command fails. Off by default, as in Kanister.",
    )


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Creates a pod with the given PVCs mounted, runs the command, reads its whole log and "
        "deletes the pod. Use it to prepare or inspect data on volumes. The command's failure "
        "fails the phase only with `failOnError: true`."
    ),
    output_note="The `kando output` pairs in the pod's log; no output when there are none.",
    reference="5.6",
)
def run(ctx: FunctionContext, args: Args) -> Mapping[str, Any] | None:
    volumes = dict(args.volumes) if args.volumes else _workload_volumes(ctx)
    manifest = build_pod(
        ctx,
        prefix="prepare-data-job-",
        image=args.image,
        command=args.command,
        namespace=args.namespace,
        pod_override=args.pod_override,
        labels=args.pod_labels,
        annotations=args.pod_annotations,
        volumes=volumes,
    )
    if args.serviceaccount:
        manifest["spec"]["serviceAccountName"] = args.serviceaccount
    try:
        outputs = run_pod(
            ctx,
            manifest,
            require_success=args.fail_on_error,
            what="Failed while waiting for Pod to complete",
        )
    except PhaseOutputError as exc:
        raise PhaseOutputError(f"Failed to parse phase output: {exc.message}") from exc
    return outputs or None


def _workload_volumes(ctx: FunctionContext) -> dict[str, str]:
    """Every PVC of the target Deployment or StatefulSet at ``/mnt/prepare_data/<pvc>``."""
    for workload in (ctx.params.deployment, ctx.params.stateful_set):
        if isinstance(workload, NilPointer):
            continue
        claims = {pvc for mounts in workload.persistent_volume_claims.values() for pvc in mounts}
        if not claims:
            raise FunctionError("No volumes found")
        return {pvc: f"/mnt/prepare_data/{pvc}" for pvc in sorted(claims)}
    raise FunctionError("Failed to get volumes")

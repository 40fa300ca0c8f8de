"""MultiContainerRun: a pod with background, output and optional init containers (section 5.4).

All containers share an emptyDir volume (``shared``) at ``sharedVolumeDir``; the phase output is
parsed from the ``output`` container's complete log after the pod has ended, and the whole pod
must succeed. The pod is built directly (not from one ``container``): in the run's own pod
override a container named ``container`` stands for all of ``init``, ``background`` and
``output``, unless the override names them itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kancli.errors import FunctionError
from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    pod_annotations_arg,
    pod_labels_arg,
    pod_override_arg,
)
from kancli.functions.builtin._pods import (
    pod_metadata,
    require_namespace,
    run_pod,
    strategic_merge,
)
from kancli.functions.context import FunctionContext
from kancli.functions.registry import kanister_function

NAME = "MultiContainerRun"


@dataclass(frozen=True, kw_only=True)
class Args:
    background_image: str = arg("backgroundImage", help="Image of the `background` container.")
    background_command: tuple[str, ...] = arg(
        "backgroundCommand", help="Command of the `background` container (argv, no shell)."
    )
    output_image: str = arg("outputImage", help="Image of the `output` container.")
    output_command: tuple[str, ...] = arg(
        "outputCommand",
        help="Command of the `output` container, whose log is parsed for `kando output` pairs.",
    )
    namespace: str = arg(
        "namespace",
        default="",
        default_doc="the run's default namespace (Kanister: the controller's)",
        help="Namespace to create the pod in.",
    )
    init_image: str = arg(
        "initImage",
        default="",
        default_doc="no init container",
        help="Image of the `init` container.",
    )
    init_command: tuple[str, ...] | None = arg(
        "initCommand", default=None, help="Command of the `init` container (argv, no shell)."
    )
    shared_volume_medium: str = arg(
        "sharedVolumeMedium",
        default="",
        help='Medium of the shared emptyDir volume: "" (node disk) or "Memory".',
    )
    shared_volume_size_limit: str = arg(
        "sharedVolumeSizeLimit",
        default="",
        default_doc="no limit",
        help="Size limit of the shared volume, as a Kubernetes quantity (e.g. `1Gi`).",
    )
    shared_volume_dir: str = arg(
        "sharedVolumeDir",
        default="/tmp/",  # noqa: S108 - a path inside the pod, Kanister's default
        help="Where every container mounts the shared volume.",
    )
    pod_override: Mapping[str, Any] | None = pod_override_arg()
    pod_labels: Mapping[str, str] | None = pod_labels_arg()
    pod_annotations: Mapping[str, str] | None = pod_annotations_arg()


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Creates a pod with a `background` container and an `output` container (and an "
        "optional `init` container) sharing an emptyDir volume, typically a data mover writing "
        "to a FIFO and a reader pushing it to object storage. The whole pod must succeed, so "
        "the background container must exit too."
    ),
    output_note="The `kando output` pairs in the `output` container's log; an empty map if none.",
    reference="5.4",
)
def run(ctx: FunctionContext, args: Args) -> Mapping[str, Any] | None:
    namespace = require_namespace(args.namespace, ctx)
    return run_pod(ctx, build_manifest(ctx, args, namespace), log_container=OUTPUT)


BACKGROUND, OUTPUT, INIT = "background", "output", "init"
SHARED_VOLUME = "shared"
#: A Kubernetes resource quantity (``resource.ParseQuantity``): number, then suffix.
_QUANTITY = re.compile(
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?"
)


def build_manifest(ctx: FunctionContext, args: Args, namespace: str) -> dict[str, Any]:
    """The pod of ``multi_container_run.go``: shared emptyDir, the three containers, the
    ``default-container`` annotation, then the merged pod override."""
    empty_dir: dict[str, Any] = {}
    if args.shared_volume_medium:
        empty_dir["medium"] = args.shared_volume_medium
    if args.shared_volume_size_limit:
        if not _QUANTITY.fullmatch(args.shared_volume_size_limit):
            raise FunctionError(
                "Failed to parse sharedStorageSize arg: quantities must match the regular "
                "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            )
        empty_dir["sizeLimit"] = args.shared_volume_size_limit
    mount = [{"name": SHARED_VOLUME, "mountPath": args.shared_volume_dir}]
    spec: dict[str, Any] = {
        "restartPolicy": "Never",
        "volumes": [{"name": SHARED_VOLUME, "emptyDir": empty_dir}],
        "containers": [
            _container(BACKGROUND, args.background_image, args.background_command, mount),
            _container(OUTPUT, args.output_image, args.output_command, mount),
        ],
    }
    names = [BACKGROUND, OUTPUT]
    if args.init_image:
        spec["initContainers"] = [_container(INIT, args.init_image, args.init_command or (), mount)]
        names.append(INIT)
    run_override = _expand_container(dict(ctx.params.pod_override), names)
    override = strategic_merge(dict(args.pod_override or {}), run_override)
    if override:
        spec = strategic_merge(spec, override)
    metadata = pod_metadata(
        ctx,
        prefix="kanister-job-",
        namespace=namespace,
        labels=args.pod_labels,
        annotations=args.pod_annotations,
        fixed_annotations={"kubectl.kubernetes.io/default-container": OUTPUT},
    )
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}


def _container(
    name: str, image: str, command: Sequence[str], mounts: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "name": name,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "command": list(command),
        "volumeMounts": [dict(m) for m in mounts],
    }


def _expand_container(override: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Replace an override for ``container`` with one for each of the pod's containers that the
    override does not name (the init container's copy goes to ``initContainers``)."""
    containers = override.get("containers")
    if not isinstance(containers, list):
        return override
    generic = [c for c in containers if isinstance(c, Mapping) and c.get("name") == "container"]
    if not generic:
        return override
    named = {c.get("name") for c in containers if isinstance(c, Mapping)}
    named |= {c.get("name") for c in override.get("initContainers") or [] if isinstance(c, Mapping)}
    kept = [c for c in containers if not (isinstance(c, Mapping) and c.get("name") == "container")]
    init_copies: list[dict[str, Any]] = []
    for name in names:
        if name in named:
            continue
        copy = {**dict(generic[-1]), "name": name}
        (init_copies if name == INIT else kept).append(copy)
    expanded = {**override, "containers": kept}
    if init_copies:
        expanded["initContainers"] = [*(override.get("initContainers") or []), *init_copies]
    return expanded

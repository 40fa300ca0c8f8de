"""MultiContainerRun: a pod with background, output and optional init containers (section 5.4).

All containers share an emptyDir volume (``shared``) at ``sharedVolumeDir``; the phase output is
parsed from the ``output`` container's log and the whole pod must succeed. ``run`` is not
implemented yet.
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
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

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
    implemented=False,
    reference="5.4",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

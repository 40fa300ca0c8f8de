"""RestoreCSISnapshot: create a PVC from a CSI VolumeSnapshot (kanister-behaviour.md 5.20).

``restoreSize`` must be a positive quantity (checked by ``run``, not implemented yet).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import ListArg, StringArg, arg
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

NAME = "RestoreCSISnapshot"


@dataclass(frozen=True, kw_only=True)
class Args:
    name: str = arg("name", help="The VolumeSnapshot to restore from.")
    pvc: str = arg("pvc", help="Name of the PVC to create.")
    namespace: str = arg("namespace", help="Namespace of the snapshot and of the new PVC.")
    storage_class: str = arg("storageClass", help="StorageClass of the new PVC.")
    restore_size: str = arg(
        "restoreSize",
        help="Size of the new PVC (a Kubernetes quantity, e.g. CreateCSISnapshot's "
        "restoreSize output).",
    )
    access_modes: tuple[str, ...] = arg(
        "accessModes",
        default=("ReadWriteOnce",),
        kind=ListArg(StringArg("v1.PersistentVolumeAccessMode")),
        help="Access modes of the new PVC.",
    )
    volume_mode: str = arg(
        "volumeMode",
        default="Filesystem",
        kind=StringArg("v1.PersistentVolumeMode"),
        help="`Filesystem` or `Block`.",
    )
    labels: Mapping[str, str] | None = arg("labels", default=None, help="Labels of the new PVC.")


@kanister_function(
    NAME,
    args=Args,
    description="Creates a PVC whose data source is a VolumeSnapshot.",
    implemented=False,
    reference="5.20",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

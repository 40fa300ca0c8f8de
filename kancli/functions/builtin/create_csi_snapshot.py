"""CreateCSISnapshot: snapshot a PVC with a CSI VolumeSnapshot (kanister-behaviour.md 5.20).

``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

NAME = "CreateCSISnapshot"


@dataclass(frozen=True, kw_only=True)
class Args:
    pvc: str = arg("pvc", help="The PVC to snapshot.")
    namespace: str = arg("namespace", help="Namespace of the PVC and of the snapshot.")
    snapshot_class: str = arg("snapshotClass", help="The VolumeSnapshotClass to use.")
    name: str = arg(
        "name",
        default="",
        default_doc="<pvc>-snapshot-<5 random characters>",
        help="Name of the VolumeSnapshot.",
    )
    labels: Mapping[str, str] | None = arg(
        "labels", default=None, help="Labels of the VolumeSnapshot."
    )


@kanister_function(
    NAME,
    args=Args,
    description="Creates a VolumeSnapshot of a PVC and waits until it is ready to use.",
    outputs={
        "name": "Name of the VolumeSnapshot.",
        "pvc": "The PVC snapshotted.",
        "namespace": "Namespace of the snapshot.",
        "restoreSize": "Size needed to restore the snapshot (e.g. `1Gi`).",
        "snapshotContent": "Name of the bound VolumeSnapshotContent.",
    },
    implemented=False,
    reference="5.20",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

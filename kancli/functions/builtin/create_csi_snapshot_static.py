"""CreateCSISnapshotStatic: import an existing CSI snapshot (kanister-behaviour.md section 5.20).

The handle argument is ``snapshotHandle`` (Kanister's docs say ``handle``, which Kanister rejects).
``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

NAME = "CreateCSISnapshotStatic"


@dataclass(frozen=True, kw_only=True)
class Args:
    name: str = arg("name", help="Name of the VolumeSnapshot to create.")
    namespace: str = arg("namespace", help="Namespace of the VolumeSnapshot.")
    driver: str = arg("driver", help="The CSI driver that owns the snapshot.")
    snapshot_handle: str = arg("snapshotHandle", help="The storage system's ID of the snapshot.")
    snapshot_class: str = arg("snapshotClass", help="The VolumeSnapshotClass to use.")


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Creates a pre-provisioned VolumeSnapshotContent for an existing storage snapshot and "
        "a VolumeSnapshot bound to it, and waits until it is ready."
    ),
    outputs={
        "name": "Name of the VolumeSnapshot.",
        "namespace": "Its namespace.",
        "restoreSize": "Size needed to restore the snapshot.",
        "snapshotContent": "Name of the VolumeSnapshotContent.",
    },
    implemented=False,
    reference="5.20",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

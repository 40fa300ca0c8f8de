"""RestoreData: restore a restic snapshot into volumes from a new pod (kanister-behaviour.md 5.9).

Exactly one of ``backupTag``/``backupIdentifier`` and exactly one of ``pod``/``volumes`` must be
given (Kanister's texts: ``Require one argument: backupTag or backupIdentifier``, ``Require one
argument: pod or volumes``); those checks belong to ``run``, which is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    encryption_key_arg,
    insecure_tls_arg,
    pod_annotations_arg,
    pod_labels_arg,
    pod_override_arg,
)
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

NAME = "RestoreData"


@dataclass(frozen=True, kw_only=True)
class Args:
    namespace: str = arg("namespace", help="Namespace of the restore pod and of the PVCs.")
    image: str = arg("image", help="Image of the restore pod; needs bash and restic.")
    backup_artifact_prefix: str = arg(
        "backupArtifactPrefix", help="Repository path in the profile's bucket (bucket-resolved)."
    )
    restore_path: str = arg("restorePath", default="/", help="Where to restore in the pod.")
    encryption_key: str = encryption_key_arg()
    pod: str = arg(
        "pod",
        default="",
        help="Mount the same PVCs, at the same paths, as this pod of the target workload. "
        "Give either pod or volumes.",
    )
    volumes: Mapping[str, str] | None = arg(
        "volumes",
        default=None,
        help="PVCs to mount: a map from PVC name to mount path. Give either pod or volumes.",
    )
    backup_tag: str = arg(
        "backupTag",
        default="",
        help="Restore the latest snapshot with this tag. Give either backupTag or "
        "backupIdentifier.",
    )
    backup_identifier: str = arg(
        "backupIdentifier",
        default="",
        help="Restore this restic snapshot ID. Give either backupTag or backupIdentifier.",
    )
    backup_path: str = arg(
        "backupPath",
        default="",
        default_doc="the whole snapshot",
        help="Restore only this path of the snapshot (e.g. CopyVolumeData's backupRoot).",
    )
    pod_override: Mapping[str, Any] | None = pod_override_arg()
    insecure_tls: bool = insecure_tls_arg()
    pod_annotations: Mapping[str, str] | None = pod_annotations_arg()
    pod_labels: Mapping[str, str] | None = pod_labels_arg()


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Creates a pod with the target PVCs mounted and runs `restic restore` of a snapshot "
        "(by ID, or the latest with a tag) into it, then deletes the pod. Needs a profile."
    ),
    output_note="The `kando output` pairs in restic's stdout (normally none).",
    implemented=False,
    reference="5.9",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

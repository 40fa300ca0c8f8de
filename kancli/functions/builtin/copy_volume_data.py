"""CopyVolumeData: back up a whole PVC with restic from a new pod (kanister-behaviour.md 5.11).

Snapshot paths are absolute (``<mountPath>/...``); restore elsewhere with RestoreData's
``backupPath: <backupRoot>``. ``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    VERSION_OUTPUT_HELP,
    encryption_key_arg,
    insecure_tls_arg,
    pod_annotations_arg,
    pod_labels_arg,
    pod_override_arg,
    tools_image_arg,
)
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

NAME = "CopyVolumeData"


@dataclass(frozen=True, kw_only=True)
class Args:
    namespace: str = arg("namespace", help="Namespace of the PVC.")
    volume: str = arg("volume", help="Name of the PVC to back up; it must exist.")
    data_artifact_prefix: str = arg(
        "dataArtifactPrefix", help="Repository path in the profile's bucket (bucket-resolved)."
    )
    image: str | None = tools_image_arg("mounts the volume and runs restic")
    encryption_key: str = encryption_key_arg()
    mount_path: str = arg(
        "mountPath",
        default="",
        default_doc="/mnt/vol_data/<volume>",
        help="Where the PVC is mounted in the pod (and so the path inside the snapshot).",
    )
    insecure_tls: bool = insecure_tls_arg()
    pod_override: Mapping[str, Any] | None = pod_override_arg()
    pod_annotations: Mapping[str, str] | None = pod_annotations_arg()
    pod_labels: Mapping[str, str] | None = pod_labels_arg()


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Mounts a PVC (read-only if it is ReadOnlyMany) in a new pod and backs it up with "
        "restic to the location profile, then deletes the pod. Needs a profile."
    ),
    outputs={
        "backupID": "The restic snapshot ID.",
        "backupRoot": "The mount path, i.e. the path of the data inside the snapshot.",
        "backupArtifactLocation": "The bucket-resolved repository path.",
        "backupTag": "The random tag given to the snapshot.",
        "fileCount": "Number of files processed.",
        "size": "Size processed.",
        "phySize": "Size added to the repository.",
        "version": VERSION_OUTPUT_HELP,
    },
    implemented=False,
    reference="5.11",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

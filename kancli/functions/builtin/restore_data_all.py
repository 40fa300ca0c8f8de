"""RestoreDataAll: RestoreData for every pod backed up by BackupDataAll (section 5.10).

Note that, unlike BackupDataAll, ``backupArtifactPrefix`` is **not** bucket-resolved (Kanister's
behaviour, kept). ``run`` is not implemented yet.
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

NAME = "RestoreDataAll"


@dataclass(frozen=True, kw_only=True)
class Args:
    namespace: str = arg("namespace", help="Namespace of the restore pods and of the PVCs.")
    image: str = arg("image", help="Image of the restore pods; needs bash and restic.")
    backup_artifact_prefix: str = arg(
        "backupArtifactPrefix",
        help="Repository path, used as given (not bucket-resolved); each pod's repository is "
        "`<prefix>/<pod>`.",
    )
    backup_info: str = arg("backupInfo", help="BackupDataAll's `BackupAllInfo` output.")
    restore_path: str = arg("restorePath", default="/", help="Where to restore in each pod.")
    encryption_key: str = encryption_key_arg()
    pods: str = arg(
        "pods",
        default="",
        default_doc="every pod of the target Deployment or StatefulSet",
        help="Pod names, separated by whitespace.",
    )
    pod_override: Mapping[str, Any] | None = pod_override_arg()
    insecure_tls: bool = insecure_tls_arg()
    pod_annotations: Mapping[str, str] | None = pod_annotations_arg()
    pod_labels: Mapping[str, str] | None = pod_labels_arg()


@kanister_function(
    NAME,
    args=Args,
    description=(
        "For each pod, concurrently: mounts that pod's PVCs in a restore pod and restores the "
        "snapshot recorded for it in `backupInfo`. Any failure fails the phase."
    ),
    output_note="The `kando output` pairs in restic's stdout, merged over the pods.",
    implemented=False,
    reference="5.10",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

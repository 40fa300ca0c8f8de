"""BackupDataStats: restic statistics of a snapshot (kanister-behaviour.md section 5.18).

The mode argument is ``statsMode`` (Kanister's docs call it ``mode``, which Kanister rejects as
unsupported; kancli rejects it too). There is no ``insecureTLS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.datapath import format_bytes
from kancli.datapath.profilerepo import open_profile_repository, profile_json
from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    OUTPUT_VERSION,
    VERSION_OUTPUT_HELP,
    encryption_key_arg,
    pod_annotations_arg,
    pod_labels_arg,
    pod_override_arg,
    tools_image_arg,
)
from kancli.functions.registry import kanister_function

NAME = "BackupDataStats"


@dataclass(frozen=True, kw_only=True)
class Args:
    namespace: str = arg("namespace", help="Namespace to run the stats pod in.")
    backup_artifact_prefix: str = arg(
        "backupArtifactPrefix", help="Repository path in the profile's bucket (bucket-resolved)."
    )
    backup_id: str = arg("backupID", help="The restic snapshot ID.")
    image: str | None = tools_image_arg("runs restic")
    stats_mode: str = arg(
        "statsMode",
        default="restore-size",
        help="restic stats mode: `restore-size`, `files-by-contents`, `blobs-per-file` or "
        "`raw-data`.",
    )
    encryption_key: str = encryption_key_arg()
    pod_override: Mapping[str, Any] | None = pod_override_arg()
    pod_annotations: Mapping[str, str] | None = pod_annotations_arg()
    pod_labels: Mapping[str, str] | None = pod_labels_arg()


@kanister_function(
    NAME,
    args=Args,
    description="Runs `restic stats` on a snapshot from a new pod. Needs a profile.",
    outputs={
        "mode": "The stats mode used.",
        "fileCount": "File count (blob count in raw-data mode).",
        "size": "Total size.",
        "version": VERSION_OUTPUT_HELP,
    },
    implemented=True,
    reference="5.18",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    # No pod: kancli reads its repository from the kancli host.
    repo = open_profile_repository(
        profile_json(ctx.params), args.backup_artifact_prefix, args.encryption_key
    )
    stats = repo.stats(args.backup_id, args.stats_mode)
    count = stats.blob_count if stats.mode == "raw-data" else stats.file_count
    return {
        "mode": stats.mode,
        "fileCount": str(count),
        "size": format_bytes(stats.size),
        "version": OUTPUT_VERSION,
    }

"""DeleteDataAll: DeleteData for every pod recorded by BackupDataAll (kanister-behaviour.md 5.13).

``backupArtifactPrefix`` is not bucket-resolved (as in Kanister).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.datapath.profilerepo import open_profile_repository, profile_json
from kancli.errors import FunctionError
from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    encryption_key_arg,
    insecure_tls_arg,
    pod_annotations_arg,
    pod_labels_arg,
    pod_override_arg,
    tools_image_arg,
)
from kancli.functions.registry import kanister_function
from kancli.objectstore.location import go_path_join

NAME = "DeleteDataAll"


@dataclass(frozen=True, kw_only=True)
class Args:
    namespace: str = arg("namespace", help="Namespace to run the delete pod in.")
    backup_artifact_prefix: str = arg(
        "backupArtifactPrefix",
        help="Repository path, used as given; each pod's repository is `<prefix>/<pod>`.",
    )
    backup_info: str = arg("backupInfo", help="BackupDataAll's `BackupAllInfo` output.")
    image: str | None = tools_image_arg("runs restic")
    encryption_key: str = encryption_key_arg()
    reclaim_space: bool = arg(
        "reclaimSpace", default=False, help="Run `restic prune` after forgetting."
    )
    insecure_tls: bool = insecure_tls_arg()
    pod_override: Mapping[str, Any] | None = pod_override_arg()
    pod_annotations: Mapping[str, str] | None = pod_annotations_arg()
    pod_labels: Mapping[str, str] | None = pod_labels_arg()


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Forgets, in each pod's repository, the snapshot BackupDataAll recorded for that pod, "
        "and with `reclaimSpace` prunes. Needs a profile."
    ),
    outputs={"spaceFreed": "Total space freed by pruning."},
    implemented=True,
    reference="5.13",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    info = parse_backup_info(args.backup_info)
    profile = profile_json(ctx.params)
    freed = 0
    for pod, entry in info.items():
        ctx.checkpoint("deleting snapshots")
        repo = open_profile_repository(
            profile, go_path_join(args.backup_artifact_prefix, pod), args.encryption_key
        )
        snapshot_id = repo.find_snapshot(entry["BackupID"]).id
        ctx.progress(f"forgetting snapshot {snapshot_id[:8]} of pod {pod}")
        repo.forget([snapshot_id])
        if args.reclaim_space:
            freed += repo.prune().bytes_freed
    return {"spaceFreed": f"{freed} B"}


def parse_backup_info(text: str) -> dict[str, dict[str, str]]:
    """BackupDataAll's ``BackupAllInfo`` JSON: pod -> {PodName, BackupID, BackupTag}."""
    try:
        info = json.loads(text)
    except ValueError as exc:
        raise FunctionError(f"Could not decode JSON data: {exc}") from None
    if not isinstance(info, dict) or not all(isinstance(v, dict) for v in info.values()):
        raise FunctionError("Could not decode JSON data: backupInfo is not a map of pods")
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in info.items()}

"""DeleteData: forget restic snapshots, optionally pruning the repository (section 5.12).

``backupArtifactPrefix``, ``backupID`` and ``backupTag`` may be space-separated lists, matched by
position; exactly one of ``backupID``/``backupTag`` must be given (``Require one argument:
backupID or backupTag``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.datapath.profilerepo import open_profile_repository, profile_json
from kancli.functions.args import ArgumentError, arg
from kancli.functions.builtin._common import (
    encryption_key_arg,
    insecure_tls_arg,
    pod_annotations_arg,
    pod_labels_arg,
    pod_override_arg,
    tools_image_arg,
)
from kancli.functions.registry import kanister_function

NAME = "DeleteData"


@dataclass(frozen=True, kw_only=True)
class Args:
    namespace: str = arg("namespace", help="Namespace to run the delete pod in.")
    backup_artifact_prefix: str = arg(
        "backupArtifactPrefix",
        help="Repository path(s), space-separated; only the first is bucket-resolved.",
    )
    image: str | None = tools_image_arg("runs restic")
    backup_id: str = arg("backupID", default="", help="Snapshot ID(s) to forget, space-separated.")
    backup_tag: str = arg(
        "backupTag", default="", help="Snapshot tag(s) to forget, space-separated."
    )
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
        "Forgets restic snapshots by ID or tag from a new pod, and with `reclaimSpace` prunes "
        "the repository. Needs a profile."
    ),
    outputs={"spaceFreed": 'Total space freed by pruning, e.g. "12 B" ("0 B" without prune).'},
    implemented=True,
    reference="5.12",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    if not args.backup_id and not args.backup_tag:
        raise ArgumentError("Require one argument: backupID or backupTag")
    return {"spaceFreed": f"{delete_snapshots(ctx, args)} B"}


def delete_snapshots(ctx: Any, args: Args) -> int:
    """Forget the named snapshots (prefix i pairs with ID or tag i); prune when asked.

    Returns the bytes freed by pruning (0 without ``reclaimSpace``). No pod is created: kancli's
    repository is reached from the kancli host, so the pod arguments do not apply.
    """
    profile = profile_json(ctx.params)
    prefixes = args.backup_artifact_prefix.split(" ")
    refs = (args.backup_tag or args.backup_id).split(" ")
    if len(prefixes) < len(refs):
        raise ArgumentError(
            f"{len(refs)} snapshot(s) named but only {len(prefixes)} backupArtifactPrefix given"
        )
    freed = 0
    for index, ref in enumerate(refs):
        ctx.checkpoint("deleting snapshots")
        # Each prefix is resolved against the bucket on its own (Kanister resolves only the
        # first; a later one that lacks the bucket name would name another bucket there).
        prefix = prefixes[index]
        repo = open_profile_repository(profile, prefix, args.encryption_key)
        if args.backup_tag:
            snapshot_id = repo.find_snapshot(tag=ref).id
        else:
            snapshot_id = repo.find_snapshot(ref).id
        ctx.progress(f"forgetting snapshot {snapshot_id[:8]} in {prefix}")
        repo.forget([snapshot_id])
        if args.reclaim_space:
            freed += repo.prune().bytes_freed
    return freed

"""CopyVolumeData: back up a whole PVC with restic from a new pod (kanister-behaviour.md 5.11).

Snapshot paths are absolute (``<mountPath>/...``); restore elsewhere with RestoreData's
``backupPath: <backupRoot>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.datapath.podio import backup_from_pod
from kancli.datapath.profilerepo import (
    location_for_profile,
    open_profile_repository,
    profile_json,
)
from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    OUTPUT_VERSION,
    VERSION_OUTPUT_HELP,
    encryption_key_arg,
    insecure_tls_arg,
    pod_annotations_arg,
    pod_labels_arg,
    pod_override_arg,
    tools_image_arg,
)
from kancli.functions.builtin._pods import build_pod
from kancli.functions.builtin.backup_data import new_backup_tag
from kancli.functions.registry import kanister_function
from kancli.objectstore.location import LOCATION_FILE, resolve_artifact_prefix

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
    implemented=True,
    reference="5.11",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    profile = profile_json(ctx.params)
    location = location_for_profile(profile)
    repo = open_profile_repository(
        profile, args.data_artifact_prefix, args.encryption_key, create=True
    )
    mount = args.mount_path or f"/mnt/vol_data/{args.volume}"
    manifest = build_pod(
        ctx,
        prefix="copy-vol-data-",
        image=args.image or ctx.tools_image,
        command=["sh", "-c", "tail -f /dev/null"],
        namespace=args.namespace,
        pod_override=args.pod_override,
        labels=args.pod_labels,
        annotations=args.pod_annotations,
        volumes={args.volume: mount},
    )
    name = ctx.kube.create_pod(args.namespace, manifest)["metadata"]["name"]
    cleanup = ctx.on_cleanup(lambda: ctx.kube.delete_pod(args.namespace, name))
    ctx.progress(f"waiting for pod {args.namespace}/{name} to be ready")
    ctx.kube.wait_for_pod_ready(
        args.namespace, name, timeout=ctx.wait_timeout(ctx.pod_ready_timeout)
    )
    tag = new_backup_tag()
    ctx.progress(f"backing up PVC {args.volume} from pod {name}")
    summary = backup_from_pod(
        ctx.kube,
        repo,
        args.namespace,
        name,
        "container",
        path=mount,
        tag=tag,
        timeout=ctx.wait_timeout(),
        checkpoint=ctx.checkpoint,
    )
    ctx.forget_cleanup(cleanup)
    cleanup()
    resolved = (
        args.data_artifact_prefix
        if location.type == LOCATION_FILE
        else resolve_artifact_prefix(args.data_artifact_prefix, location.bucket)
    )
    outputs = summary.outputs()
    return {
        "backupID": outputs["backupID"],
        "backupRoot": mount,
        "backupArtifactLocation": resolved,
        "backupTag": outputs["backupTag"],
        "fileCount": outputs["fileCount"],
        "size": outputs["size"],
        "phySize": outputs["phySize"],
        "version": OUTPUT_VERSION,
    }

"""RestoreData: restore a restic snapshot into volumes from a new pod (kanister-behaviour.md 5.9).

Exactly one of ``backupTag``/``backupIdentifier`` and exactly one of ``pod``/``volumes`` must be
given (Kanister's texts: ``Require one argument: backupTag or backupIdentifier``, ``Require one
argument: pod or volumes``). kancli streams the
snapshot from its repository on the kancli host into ``tar -x`` in the restore pod, which needs
only ``sh`` and ``tar``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.datapath import Repository, Snapshot
from kancli.datapath.podio import restore_into_pod, restore_layout
from kancli.datapath.profilerepo import open_profile_repository, profile_json
from kancli.errors import FunctionError
from kancli.functions.args import ArgumentError, arg
from kancli.functions.builtin._common import (
    encryption_key_arg,
    insecure_tls_arg,
    pod_annotations_arg,
    pod_labels_arg,
    pod_override_arg,
)
from kancli.functions.builtin._pods import build_pod
from kancli.functions.registry import kanister_function

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
    implemented=True,
    reference="5.9",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    if not args.backup_tag and not args.backup_identifier:
        raise ArgumentError("Require one argument: backupTag or backupIdentifier")
    if not args.pod and not args.volumes:
        raise ArgumentError("Require one argument: pod or volumes")
    volumes = dict(args.volumes) if args.volumes else pod_volumes(ctx.params, args.pod)
    repo = open_profile_repository(
        profile_json(ctx.params), args.backup_artifact_prefix, args.encryption_key
    )
    restore_snapshot(
        ctx,
        repo,
        find(repo, args.backup_tag, args.backup_identifier),
        prefix="restore-data-",
        namespace=args.namespace,
        image=args.image,
        volumes=volumes,
        backup_path=args.backup_path,
        restore_path=args.restore_path,
        pod_override=args.pod_override,
        labels=args.pod_labels,
        annotations=args.pod_annotations,
    )
    return None


def find(repo: Repository, tag: str, identifier: str) -> Snapshot:
    """The snapshot restic would restore: the latest with ``tag``, or the one with the ID."""
    if tag:
        return repo.find_snapshot("latest", tag=tag)
    return repo.find_snapshot(identifier)


def pod_volumes(params: Any, pod: str) -> dict[str, str]:
    """PVC -> mount path of ``pod`` in the action's Deployment or StatefulSet."""
    for workload in (getattr(params, "deployment", None), getattr(params, "stateful_set", None)):
        claims = getattr(workload, "persistent_volume_claims", None)
        if claims is not None and pod in claims:
            return {str(k): str(v) for k, v in claims[pod].items()}
    raise FunctionError(f"Failed to find volumes for the Pod: {pod}")


def restore_snapshot(
    ctx: Any,
    repo: Repository,
    snapshot: Snapshot,
    *,
    prefix: str,
    namespace: str,
    image: str,
    volumes: Mapping[str, str],
    backup_path: str,
    restore_path: str,
    pod_override: Mapping[str, Any] | None,
    labels: Mapping[str, str] | None,
    annotations: Mapping[str, str] | None,
) -> None:
    """Create a pod mounting ``volumes``, stream the snapshot into it, delete the pod."""
    subpath, target = restore_layout(
        snapshot.paths[0] if snapshot.paths else "/", backup_path, restore_path
    )
    manifest = build_pod(
        ctx,
        prefix=prefix,
        image=image,
        command=["sh", "-c", "tail -f /dev/null"],
        namespace=namespace,
        pod_override=pod_override,
        labels=labels,
        annotations=annotations,
        volumes=volumes,
    )
    name = ctx.kube.create_pod(namespace, manifest)["metadata"]["name"]
    cleanup = ctx.on_cleanup(lambda: ctx.kube.delete_pod(namespace, name))
    ctx.progress(f"waiting for pod {namespace}/{name} to be ready")
    ctx.kube.wait_for_pod_ready(namespace, name, timeout=ctx.wait_timeout(ctx.pod_ready_timeout))
    ctx.progress(f"restoring snapshot {snapshot.short_id} into {target} of pod {name}")
    restore_into_pod(
        ctx.kube,
        repo.restore(snapshot.id, subpath=subpath),
        namespace,
        name,
        "container",
        target=target,
        timeout=ctx.wait_timeout(),
    )
    ctx.forget_cleanup(cleanup)
    cleanup()

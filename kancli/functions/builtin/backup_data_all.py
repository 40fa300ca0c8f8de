"""BackupDataAll: BackupData for every pod of the target workload (kanister-behaviour.md 5.8).

One restic repository per pod, at ``<resolved prefix>/<pod>``, backed up concurrently; every
failure is reported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from kancli.datapath.podio import backup_from_pod
from kancli.datapath.profilerepo import open_profile_repository, profile_json
from kancli.errors import FunctionError
from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    OUTPUT_VERSION,
    VERSION_OUTPUT_HELP,
    encryption_key_arg,
    insecure_tls_arg,
)
from kancli.functions.builtin.backup_data import new_backup_tag
from kancli.functions.registry import kanister_function
from kancli.objectstore.location import go_path_join

NAME = "BackupDataAll"


@dataclass(frozen=True, kw_only=True)
class Args:
    namespace: str = arg("namespace", help="Namespace of the pods.")
    container: str = arg("container", help="Container to run restic in, in every pod.")
    include_path: str = arg("includePath", help="Path inside each container to back up.")
    backup_artifact_prefix: str = arg(
        "backupArtifactPrefix",
        help="Repository path in the profile's bucket (bucket-resolved); each pod's repository "
        "is `<prefix>/<pod>`.",
    )
    pods: str = arg(
        "pods",
        default="",
        default_doc="every pod of the target Deployment or StatefulSet",
        help="Pod names, separated by whitespace.",
    )
    encryption_key: str = encryption_key_arg()
    insecure_tls: bool = insecure_tls_arg()


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Runs BackupData concurrently in every listed pod (by default every pod of the target "
        "workload), one restic repository per pod. Any failure fails the phase."
    ),
    outputs={
        "BackupAllInfo": 'JSON: {"<pod>": {"PodName": ..., "BackupID": ..., "BackupTag": ...}}, '
        "the input of RestoreDataAll and DeleteDataAll.",
        "version": VERSION_OUTPUT_HELP,
    },
    implemented=True,
    reference="5.8",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    pods = args.pods.split() if args.pods else workload_pods(ctx.params)
    if not pods:
        raise FunctionError("Failed to get pods")
    profile = profile_json(ctx.params)

    def one(pod: str) -> tuple[str, str]:
        repo = open_profile_repository(
            profile,
            go_path_join(args.backup_artifact_prefix, pod),
            args.encryption_key,
            create=True,
        )
        tag = new_backup_tag()
        summary = backup_from_pod(
            ctx.kube,
            repo,
            args.namespace,
            pod,
            args.container,
            path=args.include_path,
            tag=tag,
            timeout=ctx.wait_timeout(),
            checkpoint=ctx.checkpoint,
        )
        return summary.backup_id, tag

    ctx.progress(f"backing up {args.include_path} of {len(pods)} pod(s) in {args.namespace}")
    info: dict[str, dict[str, str]] = {}
    errors: list[str] = []
    with ThreadPoolExecutor(max_workers=min(len(pods), 8)) as pool:
        futures = {pod: pool.submit(one, pod) for pod in pods}
        for pod, future in futures.items():
            try:
                backup_id, tag = future.result()
            except Exception as exc:  # every pod's failure is reported together
                errors.append(f"{pod}: {exc}")
            else:
                info[pod] = {"PodName": pod, "BackupID": backup_id, "BackupTag": tag}
    if errors:
        raise FunctionError("\n".join(errors))
    ordered = {pod: info[pod] for pod in sorted(info)}
    return {
        "BackupAllInfo": json.dumps(ordered, separators=(",", ":")),
        "version": OUTPUT_VERSION,
    }


def workload_pods(params: Any) -> list[str]:
    """The pods of the action's Deployment or StatefulSet (Kanister's default for ``pods``)."""
    for workload in (getattr(params, "deployment", None), getattr(params, "stateful_set", None)):
        pods = getattr(workload, "pods", None)
        if pods:
            return [str(pod) for pod in pods]
    return []

"""RestoreDataAll: RestoreData for every pod backed up by BackupDataAll (section 5.10).

Note that, unlike BackupDataAll, ``backupArtifactPrefix`` is **not** bucket-resolved (Kanister's
behaviour, kept).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
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
)
from kancli.functions.builtin.backup_data_all import workload_pods
from kancli.functions.builtin.delete_data_all import parse_backup_info
from kancli.functions.builtin.restore_data import pod_volumes, restore_snapshot
from kancli.functions.registry import kanister_function
from kancli.objectstore.location import go_path_join

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
    implemented=True,
    reference="5.10",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    info = parse_backup_info(args.backup_info)
    pods = args.pods.split() if args.pods else workload_pods(ctx.params)
    if not pods:
        raise FunctionError("Unsupported workload type")
    profile = profile_json(ctx.params)

    def one(pod: str) -> None:
        if pod not in info:
            raise FunctionError(f"no backup of pod {pod} in backupInfo")
        repo = open_profile_repository(
            profile, go_path_join(args.backup_artifact_prefix, pod), args.encryption_key
        )
        restore_snapshot(
            ctx,
            repo,
            repo.find_snapshot(info[pod]["BackupID"]),
            prefix="restore-data-all-",
            namespace=args.namespace,
            image=args.image,
            volumes=pod_volumes(ctx.params, pod),
            backup_path="",
            restore_path=args.restore_path,
            pod_override=args.pod_override,
            labels=args.pod_labels,
            annotations=args.pod_annotations,
        )

    errors: list[str] = []
    with ThreadPoolExecutor(max_workers=min(len(pods), 8)) as pool:
        futures = {pod: pool.submit(one, pod) for pod in pods}
        for pod, future in futures.items():
            try:
                future.result()
            except Exception as exc:  # every pod's failure is reported together
                errors.append(f"{pod}: {exc}")
    if errors:
        raise FunctionError("\n".join(errors))
    return None

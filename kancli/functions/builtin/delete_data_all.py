"""DeleteDataAll: DeleteData for every pod recorded by BackupDataAll (kanister-behaviour.md 5.13).

``backupArtifactPrefix`` is not bucket-resolved (as in Kanister). ``run`` is not implemented yet.
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
    tools_image_arg,
)
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

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
    implemented=False,
    reference="5.13",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

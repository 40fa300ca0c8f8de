"""DeleteData: forget restic snapshots, optionally pruning the repository (section 5.12).

``backupArtifactPrefix``, ``backupID`` and ``backupTag`` may be space-separated lists, matched by
position; exactly one of ``backupID``/``backupTag`` must be given (``Require one argument:
backupID or backupTag``, checked by ``run``, which is not implemented yet).
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
    implemented=False,
    reference="5.12",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

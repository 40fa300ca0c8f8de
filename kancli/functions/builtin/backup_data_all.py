"""BackupDataAll: BackupData for every pod of the target workload (kanister-behaviour.md 5.8).

One restic repository per pod, at ``<resolved prefix>/<pod>``, backed up concurrently; every
failure is reported. ``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    VERSION_OUTPUT_HELP,
    encryption_key_arg,
    insecure_tls_arg,
)
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

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
    implemented=False,
    reference="5.8",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

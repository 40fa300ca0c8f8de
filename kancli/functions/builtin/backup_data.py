"""BackupData: back up a path of a running pod with restic (kanister-behaviour.md section 5.7).

Runs restic inside ``pod``/``container`` (which must contain bash and restic, e.g. a
kanister-tools sidecar) against a repository at the profile's location, under the
bucket-resolved ``backupArtifactPrefix``. ``run`` is not implemented yet.
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

NAME = "BackupData"


@dataclass(frozen=True, kw_only=True)
class Args:
    namespace: str = arg("namespace", help="Namespace of the pod.")
    pod: str = arg("pod", help="Pod whose data is backed up.")
    container: str = arg("container", help="Container to run restic in; needs bash and restic.")
    include_path: str = arg("includePath", help="Path inside the container to back up.")
    backup_artifact_prefix: str = arg(
        "backupArtifactPrefix",
        help="Repository path in the profile's bucket; the bucket name is prepended unless the "
        "path already starts with it.",
    )
    encryption_key: str = encryption_key_arg()
    insecure_tls: bool = insecure_tls_arg()


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Backs up a path of a running container with restic to the location profile (the "
        "repository is created on first use). Each backup gets a random tag. Needs a profile."
    ),
    outputs={
        "backupID": "The restic snapshot ID.",
        "backupTag": "The random tag given to the snapshot.",
        "fileCount": "Number of files processed.",
        "size": "Size processed (e.g. `1.2 MiB`).",
        "phySize": "Size added to the repository.",
        "version": VERSION_OUTPUT_HELP,
    },
    implemented=False,
    reference="5.7",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

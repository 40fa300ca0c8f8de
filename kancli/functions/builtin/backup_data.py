"""BackupData: back up a path of a running pod with restic (kanister-behaviour.md section 5.7).

kancli's native data mover: ``tar -c`` of ``includePath`` runs in ``pod``/``container`` (which
needs only ``tar``) and its output streams over exec into kancli's repository
(docs/repository-format.md) at the profile's location, under the bucket-resolved
``backupArtifactPrefix``; no temporary file, bounded memory (kancli.datapath.podio).
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.datapath.podio import backup_from_pod
from kancli.datapath.profilerepo import open_profile_repository, profile_json
from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    OUTPUT_VERSION,
    VERSION_OUTPUT_HELP,
    encryption_key_arg,
    insecure_tls_arg,
)
from kancli.functions.registry import kanister_function

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
    implemented=True,
    reference="5.7",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    # kancli's data mover runs on the kancli host: the container only needs `tar`.
    repo = open_profile_repository(
        profile_json(ctx.params), args.backup_artifact_prefix, args.encryption_key, create=True
    )
    tag = new_backup_tag()
    ctx.progress(f"backing up {args.include_path} of pod {args.namespace}/{args.pod}")
    summary = backup_from_pod(
        ctx.kube,
        repo,
        args.namespace,
        args.pod,
        args.container,
        path=args.include_path,
        tag=tag,
        timeout=ctx.wait_timeout(),
        checkpoint=ctx.checkpoint,
    )
    return {**summary.outputs(), "version": OUTPUT_VERSION}


def new_backup_tag() -> str:
    """A random tag like Kanister's (10 lowercase letters and digits)."""
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(10))

"""CheckRepository: whether a restic repository exists and the key opens it (section 5.19).

Kanister always runs the pod in the controller's namespace (there is no ``namespace`` argument);
kancli will use the run's default namespace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.datapath.errors import RepositoryNotFoundError, WrongPasswordError
from kancli.datapath.profilerepo import open_profile_repository, profile_json
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
from kancli.functions.registry import kanister_function

NAME = "CheckRepository"


@dataclass(frozen=True, kw_only=True)
class Args:
    backup_artifact_prefix: str = arg(
        "backupArtifactPrefix", help="Repository path in the profile's bucket (bucket-resolved)."
    )
    image: str | None = tools_image_arg("runs restic")
    encryption_key: str = encryption_key_arg()
    insecure_tls: bool = insecure_tls_arg()
    pod_override: Mapping[str, Any] | None = pod_override_arg()
    pod_annotations: Mapping[str, str] | None = pod_annotations_arg()
    pod_labels: Mapping[str, str] | None = pod_labels_arg()


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Checks a restic repository from a new pod: a wrong password or a missing repository "
        "is reported in the output rather than as a failure. Needs a profile."
    ),
    outputs={
        "passwordIncorrect": '"true" when the encryption key does not open the repository.',
        "repoUnavailable": '"true" when there is no repository at the location.',
        "version": VERSION_OUTPUT_HELP,
    },
    implemented=True,
    reference="5.19",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    # kancli's data mover runs on the kancli host, so no pod is created and the pod arguments
    # (image, podOverride, podLabels, podAnnotations, insecureTLS) have nothing to apply to.
    password_incorrect = repo_unavailable = False
    try:
        repo = open_profile_repository(
            profile_json(ctx.params), args.backup_artifact_prefix, args.encryption_key
        )
    except WrongPasswordError:
        password_incorrect = True
    except RepositoryNotFoundError:
        repo_unavailable = True
    else:
        repo.snapshots()  # like `restic snapshots --last`: the listing itself must work
    return {
        "passwordIncorrect": "true" if password_incorrect else "false",
        "repoUnavailable": "true" if repo_unavailable else "false",
        "version": OUTPUT_VERSION,
    }

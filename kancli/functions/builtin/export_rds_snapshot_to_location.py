"""ExportRDSSnapshotToLocation: dump an RDS snapshot to the profile location (section 5.20).

Restores the snapshot to a temporary instance, dumps its databases from a pod to the location and
deletes the temporary instance. Kanister reads an ``image`` arg here but does not list it as
supported, so a Blueprint that passes ``image`` is rejected; kancli keeps that, and the dump image
is the default postgres tools image. ``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    POSTGRES_TOOLS_IMAGE,
    YamlListArg,
    credentials_secret_arg,
    credentials_source_arg,
    db_engine_arg,
    pod_annotations_arg,
    pod_labels_arg,
    region_arg,
)
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

NAME = "ExportRDSSnapshotToLocation"


@dataclass(frozen=True, kw_only=True)
class Args:
    namespace: str = arg("namespace", help="Namespace of the dump pod.")
    instance_id: str = arg("instanceID", help="The RDS instance the snapshot belongs to.")
    snapshot_id: str = arg("snapshotID", help="The snapshot to export.")
    db_engine: str = db_engine_arg(required=True)
    username: str = arg("username", default="", help="Database user for the dump.")
    password: str = arg("password", default="", help="That user's password.")
    backup_artifact_prefix: str = arg(
        "backupArtifactPrefix",
        default="",
        default_doc="the instanceID",
        help="Path of the dump in the profile's location.",
    )
    databases: tuple[str, ...] | None = arg(
        "databases",
        default=None,
        kind=YamlListArg("databases"),
        default_doc="every database except the system ones",
        help="Databases to dump.",
    )
    security_group_id: tuple[str, ...] | None = arg(
        "securityGroupID",
        default=None,
        kind=YamlListArg("securityGroupID"),
        default_doc="the instance's security groups",
        help="Security groups of the temporary instance.",
    )
    db_subnet_group: str = arg(
        "dbSubnetGroup", default="default", help="DB subnet group of the temporary instance."
    )
    pod_annotations: Mapping[str, str] | None = pod_annotations_arg()
    pod_labels: Mapping[str, str] | None = pod_labels_arg()
    credentials_source: str = credentials_source_arg()
    credentials_secret: str = credentials_secret_arg()
    region: str = region_arg()


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Restores an RDS snapshot to a temporary instance, dumps its databases from a pod "
        f"({POSTGRES_TOOLS_IMAGE}) to the location profile with `kando location push`, then "
        "deletes the temporary instance. Needs a profile."
    ),
    outputs={
        "snapshotID": "The snapshot exported.",
        "instanceID": "The source instance.",
        "securityGroupID": "Security group IDs used, as a YAML list.",
        "backupID": "Name of the dump in the location (from the dump pod's `kando output`).",
    },
    implemented=False,
    reference="5.20",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

"""RestoreRDSSnapshot: restore an RDS instance from a snapshot or from a dump (section 5.20).

With ``snapshotID`` the instance is restored from the snapshot; without it, from a dump made by
ExportRDSSnapshotToLocation, which then needs ``backupArtifactPrefix``, ``backupID``,
``username``, ``password`` and ``namespace`` (checked by ``run``, not implemented yet). As with
ExportRDSSnapshotToLocation, ``image`` is read by Kanister but rejected as unsupported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    YamlListArg,
    credentials_secret_arg,
    credentials_source_arg,
    db_engine_arg,
    pod_annotations_arg,
    pod_labels_arg,
    region_arg,
)
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

NAME = "RestoreRDSSnapshot"


@dataclass(frozen=True, kw_only=True)
class Args:
    instance_id: str = arg("instanceID", help="The RDS instance (or Aurora cluster) to restore.")
    snapshot_id: str = arg(
        "snapshotID", default="", help="Snapshot to restore from; empty: restore from a dump."
    )
    db_engine: str = db_engine_arg()
    backup_artifact_prefix: str = arg(
        "backupArtifactPrefix", default="", help="Path of the dump (restore from a dump)."
    )
    backup_id: str = arg("backupID", default="", help="Name of the dump (restore from a dump).")
    username: str = arg("username", default="", help="Database user (restore from a dump).")
    password: str = arg("password", default="", help="That user's password.")
    namespace: str = arg(
        "namespace", default="", help="Namespace of the restore pod (restore from a dump)."
    )
    security_group_id: tuple[str, ...] | None = arg(
        "securityGroupID",
        default=None,
        kind=YamlListArg("securityGroupID"),
        default_doc="the security groups of the existing instance",
        help="Security groups of the restored instance.",
    )
    db_subnet_group: str = arg(
        "dbSubnetGroup", default="default", help="DB subnet group of the restored instance."
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
        "Restores an RDS instance (or Aurora cluster) from a snapshot through the AWS API, or "
        "loads a dump made by ExportRDSSnapshotToLocation into it from a pod."
    ),
    outputs={"endpoint": "Endpoint of the restored database (restore from a dump)."},
    implemented=False,
    reference="5.20",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

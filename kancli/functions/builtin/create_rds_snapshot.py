"""CreateRDSSnapshot: snapshot an AWS RDS instance or Aurora cluster (kanister-behaviour.md 5.20).

``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.builtin._common import (
    credentials_secret_arg,
    credentials_source_arg,
    db_engine_arg,
    region_arg,
)
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

NAME = "CreateRDSSnapshot"


@dataclass(frozen=True, kw_only=True)
class Args:
    instance_id: str = arg("instanceID", help="The RDS instance (or Aurora cluster) ID.")
    db_engine: str = db_engine_arg()
    credentials_source: str = credentials_source_arg()
    credentials_secret: str = credentials_secret_arg()
    region: str = region_arg()


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Creates a snapshot of an RDS instance (or an Aurora cluster) through the AWS API and "
        "waits until it is available."
    ),
    outputs={
        "snapshotID": "ID of the snapshot.",
        "instanceID": "The instance (or cluster) snapshotted.",
        "securityGroupID": "The instance's security group IDs, as a YAML list.",
        "allocatedStorage": 'Allocated storage, e.g. "20GiB".',
        "dbSubnetGroup": "The instance's DB subnet group.",
    },
    implemented=False,
    reference="5.20",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

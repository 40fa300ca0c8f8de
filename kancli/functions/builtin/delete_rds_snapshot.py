"""DeleteRDSSnapshot: delete an RDS or Aurora snapshot (kanister-behaviour.md section 5.20).

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

NAME = "DeleteRDSSnapshot"


@dataclass(frozen=True, kw_only=True)
class Args:
    snapshot_id: str = arg("snapshotID", help="The snapshot to delete.")
    db_engine: str = db_engine_arg()
    credentials_source: str = credentials_source_arg()
    credentials_secret: str = credentials_secret_arg()
    region: str = region_arg()


@kanister_function(
    NAME,
    args=Args,
    description="Deletes an RDS (or Aurora cluster) snapshot; a missing snapshot is not an error.",
    implemented=False,
    reference="5.20",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

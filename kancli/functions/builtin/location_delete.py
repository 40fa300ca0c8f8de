"""LocationDelete: delete objects from the profile's location (kanister-behaviour.md 5.14).

Deletes every object whose key starts with ``<profile prefix>/<artifact without the bucket>``;
it runs locally, with no pod (as Kanister runs it in the controller). A ``s3://`` scheme is not
stripped, as in Kanister. ``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

NAME = "LocationDelete"


@dataclass(frozen=True, kw_only=True)
class Args:
    artifact: str = arg(
        "artifact",
        help="Path of the data to delete; a leading bucket name is removed and the profile's "
        "prefix prepended. Everything under it is deleted.",
    )


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Deletes everything under a path of the location profile's bucket, directly through "
        "the object store API (no pod). Needs a profile."
    ),
    implemented=False,
    reference="5.14",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

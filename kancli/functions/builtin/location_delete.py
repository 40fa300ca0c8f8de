"""LocationDelete: delete objects from the profile's location (kanister-behaviour.md 5.14).

Deletes every object whose key starts with ``<profile prefix>/<artifact without the bucket>``;
it runs locally, with no pod (as Kanister runs it in the controller). A ``s3://`` scheme is not
stripped, as in Kanister.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.datapath.profilerepo import location_for_profile, profile_json
from kancli.functions.args import arg
from kancli.functions.registry import kanister_function
from kancli.objectstore.location import location_delete

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
    implemented=True,
    reference="5.14",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    location = location_for_profile(profile_json(ctx.params))
    ctx.progress(f"deleting {args.artifact} from {location.describe()}")
    location_delete(location, args.artifact)
    return None

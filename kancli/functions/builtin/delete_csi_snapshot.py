"""DeleteCSISnapshot: delete a CSI VolumeSnapshot (kanister-behaviour.md section 5.20).

``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

NAME = "DeleteCSISnapshot"


@dataclass(frozen=True, kw_only=True)
class Args:
    name: str = arg("name", help="Name of the VolumeSnapshot.")
    namespace: str = arg("namespace", help="Its namespace.")


@kanister_function(
    NAME,
    args=Args,
    description="Deletes a VolumeSnapshot and waits until it is gone.",
    implemented=False,
    reference="5.20",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

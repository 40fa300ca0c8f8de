"""KubeOps: create, patch or delete Kubernetes objects (kanister-behaviour.md section 5.15).

``create`` takes a (multi-document) YAML/JSON ``spec``; ``delete`` and ``patch`` an
``objectReference`` (``patch`` is a strategic merge of ``spec``). Kanister's delete waits for the
object to disappear with no time limit; kancli will bound that wait by the phase deadline.
``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import StringArg, arg
from kancli.functions.builtin._common import ObjectRef
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

NAME = "KubeOps"


@dataclass(frozen=True, kw_only=True)
class Args:
    operation: str = arg(
        "operation",
        kind=StringArg("kube.Operation"),
        help="`create`, `delete` or `patch`.",
    )
    spec: str = arg(
        "spec",
        default="",
        help="The object(s) to create, or the patch to apply, as YAML or JSON. Needed for "
        "create and patch.",
    )
    namespace: str = arg(
        "namespace",
        default="default",
        help="Namespace for objects whose spec or reference gives none.",
    )
    object_reference: ObjectRef | None = arg(  # noqa: RUF009 - arg() declares a field
        "objectReference",
        default=None,
        help="The object to delete or patch: apiVersion (version only), group, resource, name, "
        "namespace.",
    )


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Creates objects from a YAML/JSON spec, strategic-merge patches an object, or deletes "
        "one and waits until it is gone."
    ),
    outputs={
        "apiVersion": "Version of the last object created, patched or deleted.",
        "group": "Its API group.",
        "resource": "Its resource (plural) name.",
        "kind": "Always empty (Kanister leaves it unset).",
        "name": "Its name.",
        "namespace": "Its namespace (absent for cluster-scoped objects).",
    },
    implemented=False,
    reference="5.15",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

"""KubeOps: create, patch or delete Kubernetes objects (kanister-behaviour.md section 5.15).

``create`` takes a (multi-document) YAML/JSON ``spec``; ``delete`` and ``patch`` an
``objectReference`` (``patch`` is a strategic merge of ``spec``). Kanister's delete waits for the
object to disappear with no time limit; kancli bounds that wait by the phase deadline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.errors import FunctionError
from kancli.functions.args import StringArg, arg
from kancli.functions.builtin._common import ObjectRef
from kancli.functions.builtin._pods import wait_in_slices
from kancli.functions.context import FunctionContext
from kancli.functions.registry import kanister_function
from kancli.kube.types import GVR

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
    reference="5.15",
)
def run(ctx: FunctionContext, args: Args) -> Mapping[str, Any] | None:
    operation = args.operation
    if operation == "create":
        if not args.spec.strip():
            raise FunctionError("spec cannot be empty for create operation")
        created = ctx.kube.create_objects(args.spec, args.namespace or "default")
        if not created:
            raise FunctionError("spec holds no object to create")
        last = created[-1]
        return _reference(last.gvr, last.name, last.namespace)
    if operation not in ("delete", "patch"):
        raise FunctionError(f"invalid operation '{operation}'")
    ref = args.object_reference
    if ref is None or not ref.name or not ref.resource or not ref.api_version:
        raise FunctionError(
            f"objectReference with apiVersion, resource and name is required for {operation}"
        )
    gvr = GVR(ref.group, ref.api_version, ref.resource)
    if operation == "patch":
        if not args.spec.strip():
            raise FunctionError("spec cannot be empty for patch operation")
        ctx.kube.patch(gvr, ref.name, args.spec, ref.namespace, patch_type="strategic")
        return _reference(gvr, ref.name, ref.namespace)
    namespace = ref.namespace or args.namespace or "default"
    if not ctx.kube.resource_info(gvr).namespaced:
        namespace = ""
    ctx.progress(f"deleting {ref.resource}/{ref.name}; waiting until it is gone")
    ctx.kube.delete(gvr, ref.name, namespace)
    what = f"{ref.resource}/{ref.name} to be deleted"
    wait_in_slices(
        ctx,
        lambda t: ctx.kube.wait_for(
            gvr,
            ref.name,
            namespace,
            lambda obj: True if obj is None else None,
            timeout=t,
            what=what,
        ),
        waiting_for=f"waiting for {what}",
    )
    return _reference(gvr, ref.name, namespace)


def _reference(gvr: GVR, name: str, namespace: str) -> dict[str, Any]:
    """Kanister's output: the ObjectReference marshalled to a map (kind always empty)."""
    out: dict[str, Any] = {
        "apiVersion": gvr.version,
        "group": gvr.group,
        "resource": gvr.resource,
        "kind": "",
        "name": name,
    }
    if namespace:
        out["namespace"] = namespace
    return out

"""Garbage collection through ownerReferences, as kube-controller-manager's collector does it.

When an owner disappears, its dependents are deleted (background propagation) unless another
owner is still alive; an owner deleted with foreground propagation keeps its
``foregroundDeletion`` finalizer until every dependent is gone.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from tests.cluster.apiserver.controllers.common import is_deleting
from tests.cluster.apiserver.objects import DeleteOptions
from tests.cluster.apiserver.status import ApiError

if TYPE_CHECKING:
    from tests.cluster.apiserver.controllers import Controllers


class GarbageCollector:
    def __init__(self, ctl: Controllers) -> None:
        self.ctl = ctl
        self.store = ctl.store

    def collect(self, uid: str) -> None:
        """``uid`` is gone: delete what it owned, unless another live owner remains."""
        live = self._live_uids()
        for rtype, obj in self.ctl.service.dependents(uid):
            refs = obj["metadata"].get("ownerReferences") or []
            if any(r.get("uid") in live for r in refs if r.get("uid") != uid):
                continue
            if not is_deleting(obj):
                meta = obj["metadata"]
                with contextlib.suppress(ApiError):
                    self.ctl.service.delete(
                        rtype,
                        meta.get("namespace", ""),
                        meta["name"],
                        DeleteOptions(propagation="Background"),
                    )

    def _live_uids(self) -> set[str]:
        return {o["metadata"]["uid"] for key in self.store.types() for o in self.store.items(key)}

    def finish_foreground(self) -> None:
        for key in list(self.store.types()):
            for obj in list(self.store.items(key)):
                meta = obj["metadata"]
                if not is_deleting(obj) or "foregroundDeletion" not in (
                    meta.get("finalizers") or []
                ):
                    continue
                deps = self.ctl.service.dependents(meta["uid"])
                for rtype, dep in deps:
                    if not is_deleting(dep):
                        dmeta = dep["metadata"]
                        with contextlib.suppress(ApiError):
                            self.ctl.service.delete(
                                rtype,
                                dmeta.get("namespace", ""),
                                dmeta["name"],
                                DeleteOptions(propagation="Foreground"),
                            )
                if not deps:
                    rtype = self.ctl.rtype(key)
                    self.ctl.service.remove_finalizer(rtype, obj, "foregroundDeletion")

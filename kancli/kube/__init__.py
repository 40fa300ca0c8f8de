"""kancli's Kubernetes layer: the only package that imports ``kubernetes``.

Use :func:`connect` to get a :class:`Kube`; everything it returns is a kancli dataclass (from
``kancli.kube.types``) or a JSON-shaped dict, and everything it raises is a kancli error.
Importing this package does not import ``kubernetes`` (``kancli --help`` stays fast): the client
library is loaded by :func:`connect` and the modules behind :class:`Kube`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from kancli.kube.types import (
    GVR,
    AccessReview,
    ContainerOutcome,
    ExecResult,
    ObjectRef,
    PodFailedError,
    PodOutcome,
    PVCParams,
    ResourceInfo,
    Sink,
    StdinSource,
    WorkloadParams,
)

if TYPE_CHECKING:
    from kancli.kube.facade import Kube

__all__ = [
    "GVR",
    "AccessReview",
    "ContainerOutcome",
    "ExecResult",
    "Kube",
    "ObjectRef",
    "PVCParams",
    "PodFailedError",
    "PodOutcome",
    "ResourceInfo",
    "Sink",
    "StdinSource",
    "WorkloadParams",
    "connect",
]


def connect(kubeconfig: str | os.PathLike[str] | None, context: str | None = None) -> Kube:
    """Connect to the cluster of ``context`` in ``kubeconfig``.

    ``kubeconfig`` is a path, or several joined with ``os.pathsep`` as in ``KUBECONFIG``; the CLI
    resolves the default (``~/.kube/config``) and passes it. ``None`` means no kubeconfig: use the
    in-cluster service account. ``context`` None uses the kubeconfig's current-context. Raises
    ClusterError for a missing or invalid kubeconfig or an unknown context; the server itself is
    first contacted by the first request.
    """
    from kancli.kube.connection import connect as _connect
    from kancli.kube.facade import Kube

    return Kube(_connect(kubeconfig, context))


def __getattr__(name: str) -> Any:
    if name == "Kube":
        from kancli.kube.facade import Kube

        return Kube
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""kancli's own values for what it reads from and does to a cluster.

Client models (``V1Pod`` and friends) never leave ``kancli.kube``: callers get these frozen
dataclasses, or plain JSON-shaped dicts for unstructured objects. This module imports nothing
from the ``kubernetes`` package so that the rest of kancli can name these types without paying
for that import (``kancli --help`` must stay fast).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Protocol

from kancli.errors import FunctionError


@dataclasses.dataclass(frozen=True, order=True)
class GVR:
    """A resource type as the REST API names it: group ("" for core), version, plural resource."""

    group: str
    version: str
    resource: str

    @property
    def api_version(self) -> str:
        """``apps/v1`` or, for the core group, ``v1`` (the form ``apiVersion`` fields use)."""
        return f"{self.group}/{self.version}" if self.group else self.version

    def __str__(self) -> str:
        return f"{self.resource}.{self.api_version}" if self.group else f"{self.resource}.v1"


@dataclasses.dataclass(frozen=True)
class ResourceInfo:
    """What kancli needs to know to build a resource's REST paths."""

    gvr: GVR
    kind: str
    namespaced: bool


@dataclasses.dataclass(frozen=True)
class ObjectRef:
    """A reference to one object: resource type, name and (for namespaced types) namespace."""

    gvr: GVR
    name: str
    namespace: str = ""
    kind: str = ""

    def __str__(self) -> str:
        where = f" in namespace {self.namespace}" if self.namespace else ""
        return f"{self.gvr.resource}/{self.name}{where}"


@dataclasses.dataclass(frozen=True)
class WorkloadParams:
    """``.Deployment`` / ``.StatefulSet`` as Kanister computes them (kanister-behaviour.md 2.1).

    ``persistent_volume_claims`` maps pod name -> claim name -> mount path; a pod has an entry only
    when it mounts at least one claim.
    """

    name: str
    namespace: str
    pods: tuple[str, ...]
    containers: tuple[tuple[str, ...], ...]
    persistent_volume_claims: Mapping[str, Mapping[str, str]]


@dataclasses.dataclass(frozen=True)
class PVCParams:
    """``.PVC``: the claim exists; name and namespace come from the reference."""

    name: str
    namespace: str


@dataclasses.dataclass(frozen=True)
class ContainerOutcome:
    """One container's state as ``status.containerStatuses`` reports it."""

    name: str
    state: str  # "waiting", "running", "terminated" or "unknown"
    reason: str = ""
    message: str = ""
    exit_code: int | None = None


@dataclasses.dataclass(frozen=True)
class PodOutcome:
    """A pod's phase and its containers' states, read when waiting ended."""

    namespace: str
    name: str
    phase: str
    reason: str = ""
    message: str = ""
    containers: tuple[ContainerOutcome, ...] = ()
    init_containers: tuple[ContainerOutcome, ...] = ()

    @property
    def is_succeeded(self) -> bool:
        return self.phase == "Succeeded"

    @property
    def is_failed(self) -> bool:
        return self.phase == "Failed"

    def describe(self) -> str:
        """One line: phase, reason and each terminated or waiting container's cause."""
        parts = [f"phase {self.phase or 'unknown'}"]
        if self.reason:
            parts.append(f"reason {self.reason}")
        if self.message:
            parts.append(self.message)
        for kind, group in (
            ("init container", self.init_containers),
            ("container", self.containers),
        ):
            for c in group:
                if c.state == "terminated" and (c.exit_code or c.reason not in ("", "Completed")):
                    detail = f"{kind} {c.name} exited with code {c.exit_code}"
                    if c.reason:
                        detail += f" ({c.reason})"
                    parts.append(detail)
                elif c.state == "waiting" and c.reason:
                    detail = f"{kind} {c.name} waiting: {c.reason}"
                    if c.message:
                        detail += f": {c.message}"
                    parts.append(detail)
        return "; ".join(parts)


@dataclasses.dataclass(frozen=True)
class ExecResult:
    """How a command run with exec ended.

    ``stderr_tail`` keeps the last few KiB of stderr so that callers can explain a failure without
    buffering the whole stream.
    """

    exit_code: int
    protocol: str
    stdout_bytes: int
    stderr_bytes: int
    stderr_tail: bytes = b""


@dataclasses.dataclass(frozen=True)
class AccessReview:
    """The answer of a SelfSubjectAccessReview."""

    allowed: bool
    denied: bool = False
    reason: str = ""
    evaluation_error: str = ""


class Writable(Protocol):
    """Anything with ``write(bytes)``: an open binary file, ``io.BytesIO``, a socket file."""

    def write(self, data: bytes, /) -> object: ...


#: Where streamed output goes: a callable taking each chunk, or a binary file-like object.
Sink = Callable[[bytes], object] | Writable

#: What exec may feed to a command's stdin: all at once, chunk by chunk, or from a binary file.
StdinSource = bytes | bytearray | memoryview | Iterable[bytes] | IO[bytes]


def sink_writer(sink: Sink | None) -> Callable[[bytes], object]:
    """The one-argument write function behind a :data:`Sink` (``None`` discards)."""
    if sink is None:
        return _discard
    write = getattr(sink, "write", None)
    if callable(write):
        return write  # type: ignore[no-any-return]
    if callable(sink):
        return sink
    raise TypeError(f"not a sink (needs write() or to be callable): {sink!r}")


def _discard(_data: bytes) -> None:
    return None


class PodFailedError(FunctionError):
    """A pod that kancli started (or waits for) ended in failure or cannot start.

    ``outcome`` is the pod's state when waiting ended, ``log_tail`` its last log lines (possibly
    empty when the container never started).
    """

    def __init__(self, message: str, *, outcome: PodOutcome, log_tail: str = "") -> None:
        full = message
        if log_tail:
            full += "\nlast log lines:\n" + log_tail
        super().__init__(full)
        self.outcome = outcome
        self.log_tail = log_tail

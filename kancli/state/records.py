"""What a query of the run history returns: plain frozen records, independent of SQLite."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any


class RunStatus(enum.Enum):
    """A run's status; ``unfinished`` is never stored: a ``running`` run whose process died."""

    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    UNFINISHED = "unfinished"


def at(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def to_datetime(epoch: float | None) -> dt.datetime | None:
    return None if epoch is None else at(epoch)


@dataclasses.dataclass(frozen=True)
class PhaseRecord:
    seq: int
    name: str
    func: str
    is_defer: bool
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    outputs: Mapping[str, Any] | None
    error: str | None
    log_bytes: int

    @property
    def duration(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "func": self.func,
            "isDefer": self.is_defer,
            "status": self.status,
            "startedAt": self.started_at.isoformat(),
            "endedAt": self.ended_at.isoformat() if self.ended_at else None,
            "durationSeconds": self.duration,
            "outputs": dict(self.outputs) if self.outputs is not None else None,
            "error": self.error,
            "logBytes": self.log_bytes,
        }


@dataclasses.dataclass(frozen=True)
class RunRecord:
    id: str
    blueprint_path: str
    blueprint_name: str | None
    blueprint_sha256: str
    action: str
    subject: str
    options: Mapping[str, str]
    input_artifacts: Mapping[str, Mapping[str, Any]]
    output_artifacts: Mapping[str, Mapping[str, Any]]
    started_at: dt.datetime
    ended_at: dt.datetime | None
    status: RunStatus
    exit_code: int | None
    error: str | None
    owner_pid: int
    phases: tuple[PhaseRecord, ...] = ()

    @property
    def duration(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    def to_json(self, *, with_phases: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "blueprint": self.blueprint_path,
            "blueprintName": self.blueprint_name,
            "blueprintSha256": self.blueprint_sha256,
            "action": self.action,
            "subject": self.subject,
            "options": dict(self.options),
            "inputArtifacts": {k: dict(v) for k, v in self.input_artifacts.items()},
            "outputArtifacts": {k: dict(v) for k, v in self.output_artifacts.items()},
            "startedAt": self.started_at.isoformat(),
            "endedAt": self.ended_at.isoformat() if self.ended_at else None,
            "durationSeconds": self.duration,
            "status": self.status.value,
            "exitCode": self.exit_code,
            "error": self.error,
        }
        if with_phases:
            out["phases"] = [p.to_json() for p in self.phases]
        return out

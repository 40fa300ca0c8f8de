"""The run history as a library: start runs, query them, read their logs, forget and prune.

``kancli runs`` is a thin CLI over this class (STYLE.md 7); the runner uses
:meth:`History.start_run` and chaining uses :meth:`History.latest_successful` and
:meth:`History.artifacts_of`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import socket
import sqlite3
import time
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from kancli.errors import UsageError
from kancli.state.db import connect, new_run_id, transaction
from kancli.state.recorder import Redact, RunRecorder
from kancli.state.records import PhaseRecord, RunRecord, RunStatus, at, to_datetime


@dataclasses.dataclass(frozen=True)
class RunFilter:
    """Which runs a query selects; ``None`` means any."""

    action: str | None = None
    subject: str | None = None
    status: RunStatus | None = None
    since: float | None = None  # epoch seconds
    limit: int | None = None


def _pid_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class History:
    """One state directory's run history. Use as a context manager or call :meth:`close`."""

    def __init__(self, conn: sqlite3.Connection, state_dir: Path) -> None:
        self._conn = conn
        self.state_dir = state_dir
        self._host = socket.gethostname()

    @classmethod
    def open(cls, state_dir: Path) -> History:
        return cls(connect(state_dir), state_dir)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------------

    def start_run(
        self,
        *,
        blueprint_path: str,
        blueprint_text: str,
        action: str,
        subject: str,
        blueprint_name: str | None = None,
        options: Mapping[str, str] | None = None,
        input_artifacts: Mapping[str, Mapping[str, Any]] | None = None,
        redact: Redact | None = None,
    ) -> RunRecorder:
        """Record a new run with status ``running`` and return its recorder.

        ``subject`` is ``kind/namespace/name`` (``namespace/ns`` for a namespace target).
        All text must already be redacted; ``redact`` is applied again as a safeguard.
        """
        scrub = redact or (lambda text: text)
        now = time.time()
        run_id = new_run_id(now)
        with transaction(self._conn) as conn:
            conn.execute(
                "INSERT INTO runs (id, blueprint_path, blueprint_name, blueprint_sha256,"
                " blueprint_text, action, subject, options_json, input_artifacts_json,"
                " started_at, status, owner_pid, owner_host)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)",
                (
                    run_id,
                    blueprint_path,
                    blueprint_name,
                    hashlib.sha256(blueprint_text.encode()).hexdigest(),
                    blueprint_text,
                    action,
                    subject,
                    scrub(json.dumps(dict(options or {}))),
                    scrub(json.dumps(input_artifacts or {}, default=str)),
                    now,
                    os.getpid(),
                    self._host,
                ),
            )
        return RunRecorder(self._conn, run_id, redact)

    # -- queries --------------------------------------------------------------------------

    def list_runs(self, filters: RunFilter | None = None) -> list[RunRecord]:
        """Runs, newest first, without phases."""
        f = filters or RunFilter()
        where, args = self._where(f)
        # ``where`` holds only fixed clauses with ? placeholders; values go in ``args``.
        sql = f"SELECT * FROM runs {where} ORDER BY started_at DESC, id DESC"  # noqa: S608
        rows = self._conn.execute(sql, args).fetchall()
        records = [self._record(row) for row in rows]
        if f.status is not None:
            records = [r for r in records if r.status is f.status]
        return records[: f.limit] if f.limit is not None else records

    def get(self, ref: str, filters: RunFilter | None = None) -> RunRecord:
        """A run by id, unique id prefix, or ``latest`` (the newest matching ``filters``)."""
        if ref == "latest":
            found = self.list_runs(dataclasses.replace(filters or RunFilter(), limit=1))
            if not found:
                raise UsageError("no recorded run matches", hint="see 'kancli runs list'")
            run_id = found[0].id
        else:
            run_id = self._resolve_id(ref)
        row = self._conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return self._record(row, with_phases=True)

    def blueprint_text(self, ref: str) -> str:
        run_id = self._resolve_id(ref) if ref != "latest" else self.get(ref).id
        row = self._conn.execute("SELECT blueprint_text FROM runs WHERE id = ?", (run_id,))
        return str(row.fetchone()[0])

    def latest_successful(self, action: str, subject: str | None = None) -> RunRecord | None:
        """The newest complete run of ``action`` (on ``subject``), e.g. the backup to restore."""
        found = self.list_runs(RunFilter(action=action, subject=subject, status=RunStatus.COMPLETE))
        return self.get(found[0].id) if found else None

    def artifacts_of(self, ref: str) -> dict[str, dict[str, Any]]:
        """The output artifacts a run recorded: the ``--from RUN`` input of a later action."""
        return {k: dict(v) for k, v in self.get(ref).output_artifacts.items()}

    def logs(self, ref: str, phase: str | None = None) -> Iterator[bytes]:
        """The decompressed log of one phase (or every phase, in order), chunk by chunk."""
        record = self.get(ref)
        phases = [p for p in record.phases if phase is None or p.name == phase]
        if phase is not None and not phases:
            names = ", ".join(p.name for p in record.phases) or "none"
            raise UsageError(f"run {record.id} has no phase {phase!r} (phases: {names})")
        for p in phases:
            cursor = self._conn.execute(
                "SELECT data FROM log_chunks WHERE run_id = ? AND phase_seq = ? ORDER BY chunk_seq",
                (record.id, p.seq),
            )
            for (data,) in cursor:
                yield zlib.decompress(data)

    # -- removal --------------------------------------------------------------------------

    def forget(self, ref: str) -> str:
        """Delete a run's record (not what it backed up). Returns the run id."""
        run_id = self._resolve_id(ref) if ref != "latest" else self.get(ref).id
        with transaction(self._conn) as conn:
            conn.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        return run_id

    def prune(self, *, older_than: float | None = None, keep: int | None = None) -> list[str]:
        """Forget finished runs started before ``older_than`` (epoch) and/or beyond the newest
        ``keep``. Runs still in progress are never pruned. Returns the forgotten ids."""
        victims: list[str] = []
        for index, run in enumerate(self.list_runs()):
            if run.status is RunStatus.RUNNING:
                continue
            too_old = older_than is not None and run.started_at.timestamp() < older_than
            too_many = keep is not None and index >= keep
            if too_old or too_many:
                victims.append(run.id)
        with transaction(self._conn) as conn:
            conn.executemany("DELETE FROM runs WHERE id = ?", [(v,) for v in victims])
        return victims

    # -- helpers --------------------------------------------------------------------------

    def _resolve_id(self, ref: str) -> str:
        prefix = ref.lower()
        rows = self._conn.execute(
            "SELECT id FROM runs WHERE id >= ? AND id < ? LIMIT 3", (prefix, prefix + "\x7f")
        ).fetchall()
        if not rows:
            raise UsageError(f"no recorded run {ref!r}", hint="see 'kancli runs list'")
        if len(rows) > 1 and rows[0][0] != prefix:
            raise UsageError(f"run id prefix {ref!r} is ambiguous", hint="give more characters")
        return str(rows[0][0])

    @staticmethod
    def _where(f: RunFilter) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if f.action is not None:
            clauses.append("action = ?")
            args.append(f.action)
        if f.subject is not None:
            clauses.append("subject = ?")
            args.append(f.subject)
        if f.since is not None:
            clauses.append("started_at >= ?")
            args.append(f.since)
        if f.status is not None:
            stored = RunStatus.RUNNING if f.status is RunStatus.UNFINISHED else f.status
            clauses.append("status = ?")
            args.append(stored.value)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", args

    def _status(self, row: sqlite3.Row) -> RunStatus:
        status = RunStatus(row["status"])
        if (
            status is RunStatus.RUNNING
            and row["owner_host"] == self._host
            and not _pid_is_alive(int(row["owner_pid"]))
        ):
            return RunStatus.UNFINISHED
        return status

    def _record(self, row: sqlite3.Row, *, with_phases: bool = False) -> RunRecord:
        phases: tuple[PhaseRecord, ...] = ()
        if with_phases:
            phases = tuple(self._phases(str(row["id"])))
        return RunRecord(
            id=row["id"],
            blueprint_path=row["blueprint_path"],
            blueprint_name=row["blueprint_name"],
            blueprint_sha256=row["blueprint_sha256"],
            action=row["action"],
            subject=row["subject"],
            options=json.loads(row["options_json"]),
            input_artifacts=json.loads(row["input_artifacts_json"]),
            output_artifacts=json.loads(row["output_artifacts_json"]),
            started_at=at(row["started_at"]),
            ended_at=to_datetime(row["ended_at"]),
            status=self._status(row),
            exit_code=row["exit_code"],
            error=row["error"],
            owner_pid=row["owner_pid"],
            phases=phases,
        )

    def _phases(self, run_id: str) -> Iterator[PhaseRecord]:
        rows = self._conn.execute(
            "SELECT p.*, (SELECT COALESCE(SUM(raw_size), 0) FROM log_chunks c"
            " WHERE c.run_id = p.run_id AND c.phase_seq = p.seq) AS log_bytes"
            " FROM phases p WHERE run_id = ? ORDER BY seq",
            (run_id,),
        )
        for row in rows:
            yield PhaseRecord(
                seq=row["seq"],
                name=row["name"],
                func=row["func"],
                is_defer=bool(row["is_defer"]),
                status=row["status"],
                started_at=at(row["started_at"]),
                ended_at=to_datetime(row["ended_at"]),
                outputs=json.loads(row["outputs_json"]) if row["outputs_json"] else None,
                error=row["error"],
                log_bytes=int(row["log_bytes"]),
            )

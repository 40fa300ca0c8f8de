"""Recording one run as it goes: the writer half of the history, used by the runner.

Each call is its own short transaction, so a run that crashes mid-way leaves everything recorded
so far, with status ``running`` and the PID of its dead owner (shown as "did not finish"). Pod
logs are buffered per phase and written as zlib-compressed chunks of at most
:data:`CHUNK_BYTES` raw bytes, so a 200 MB log never sits in memory.

Secret values must not reach this module: the runner passes redacted text. ``redact`` is a second
line of defence applied to every string stored (log lines, errors, outputs, options).
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections.abc import Callable, Mapping
from typing import Any

from kancli.state.db import transaction
from kancli.state.records import RunStatus

CHUNK_BYTES = 256 * 1024
Redact = Callable[[str], str]


def _identity(text: str) -> str:
    return text


class RunRecorder:
    """Writes one run's phases, logs, artifacts and end state. Obtain from ``History.start_run``."""

    def __init__(self, conn: sqlite3.Connection, run_id: str, redact: Redact | None) -> None:
        self._conn = conn
        self.run_id = run_id
        self._redact = redact or _identity
        self._phase_seq: dict[str, int] = {}
        self._next_seq = 0
        self._buffers: dict[int, list[bytes]] = {}
        self._buffered: dict[int, int] = {}
        self._chunk_seq: dict[int, int] = {}
        self._finished = False

    # -- phases ---------------------------------------------------------------------------

    def phase_started(self, name: str, func: str, *, is_defer: bool = False) -> None:
        seq = self._next_seq
        self._next_seq += 1
        self._phase_seq[name] = seq
        with transaction(self._conn) as conn:
            conn.execute(
                "INSERT INTO phases (run_id, seq, name, func, is_defer, status, started_at)"
                " VALUES (?, ?, ?, ?, ?, 'running', ?)",
                (self.run_id, seq, name, func, int(is_defer), time.time()),
            )

    def phase_log(self, phase: str, data: bytes | str) -> None:
        """Append log text of ``phase``; a ``str`` is one line (a newline is added)."""
        seq = self._seq_of(phase)
        if isinstance(data, str):
            data = (self._redact(data) + "\n").encode("utf-8", "replace")
        else:
            data = self._redact(data.decode("utf-8", "replace")).encode("utf-8")
        self._buffers.setdefault(seq, []).append(data)
        self._buffered[seq] = self._buffered.get(seq, 0) + len(data)
        if self._buffered[seq] >= CHUNK_BYTES:
            self._flush(seq)

    def phase_finished(
        self,
        phase: str,
        status: str,
        *,
        outputs: Mapping[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        seq = self._seq_of(phase)
        self._flush(seq)
        outputs_json = None if outputs is None else self._redact(json.dumps(outputs, default=str))
        with transaction(self._conn) as conn:
            conn.execute(
                "UPDATE phases SET status = ?, ended_at = ?, outputs_json = ?, error = ?"
                " WHERE run_id = ? AND seq = ?",
                (
                    status,
                    time.time(),
                    outputs_json,
                    None if error is None else self._redact(error),
                    self.run_id,
                    seq,
                ),
            )

    # -- run ------------------------------------------------------------------------------

    def artifacts(self, output_artifacts: Mapping[str, Mapping[str, Any]]) -> None:
        """Record the action's rendered output artifacts (what a later run can chain from)."""
        text = self._redact(json.dumps(output_artifacts, default=str))
        with transaction(self._conn) as conn:
            conn.execute(
                "UPDATE runs SET output_artifacts_json = ? WHERE id = ?", (text, self.run_id)
            )

    def finish(self, status: RunStatus | str, exit_code: int, error: str | None = None) -> None:
        """End the run; flushes buffered logs. Safe to call more than once (the first wins)."""
        if self._finished:
            return
        self._finished = True
        for seq in list(self._buffers):
            self._flush(seq)
        value = status.value if isinstance(status, RunStatus) else RunStatus(status).value
        with transaction(self._conn) as conn:
            conn.execute(
                "UPDATE runs SET status = ?, exit_code = ?, error = ?, ended_at = ? WHERE id = ?",
                (
                    value,
                    exit_code,
                    None if error is None else self._redact(error),
                    time.time(),
                    self.run_id,
                ),
            )

    def _seq_of(self, phase: str) -> int:
        if phase not in self._phase_seq:
            # A log line before PhaseStarted (or of an unknown phase) still gets a home.
            self.phase_started(phase, "")
        return self._phase_seq[phase]

    def _flush(self, seq: int) -> None:
        parts = self._buffers.pop(seq, None)
        self._buffered.pop(seq, None)
        if not parts:
            return
        raw = b"".join(parts)
        chunk = self._chunk_seq.get(seq, 0)
        self._chunk_seq[seq] = chunk + 1
        with transaction(self._conn) as conn:
            conn.execute(
                "INSERT INTO log_chunks (run_id, phase_seq, chunk_seq, raw_size, data)"
                " VALUES (?, ?, ?, ?, ?)",
                (self.run_id, seq, chunk, len(raw), zlib.compress(raw, 6)),
            )

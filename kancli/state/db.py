"""The SQLite file behind the run history: schema, connection settings and run ids.

Several kancli processes may record runs at once (two terminals, a CI matrix on one runner), so
the database runs in WAL mode with a busy timeout and every write is a short transaction. The
file and its directory are created private (0600/0700): run records hold Blueprint text, options
and pod logs, which are redacted by the caller but still describe the user's systems.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time
from pathlib import Path

from kancli.errors import UsageError

DB_NAME = "history.sqlite3"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    blueprint_path TEXT NOT NULL,
    blueprint_name TEXT,
    blueprint_sha256 TEXT NOT NULL,
    blueprint_text TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    options_json TEXT NOT NULL DEFAULT '{}',
    input_artifacts_json TEXT NOT NULL DEFAULT '{}',
    output_artifacts_json TEXT NOT NULL DEFAULT '{}',
    started_at REAL NOT NULL,
    ended_at REAL,
    status TEXT NOT NULL,
    exit_code INTEGER,
    error TEXT,
    owner_pid INTEGER NOT NULL,
    owner_host TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_started ON runs (started_at);
CREATE INDEX IF NOT EXISTS runs_action_subject ON runs (action, subject, status);
CREATE TABLE IF NOT EXISTS phases (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    func TEXT NOT NULL,
    is_defer INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL,
    outputs_json TEXT,
    error TEXT,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS log_chunks (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    phase_seq INTEGER NOT NULL,
    chunk_seq INTEGER NOT NULL,
    raw_size INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (run_id, phase_seq, chunk_seq)
);
"""

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_id_lock = threading.Lock()
_last_millis = [0]


def new_run_id(now: float | None = None) -> str:
    """A short id that sorts by start time: 9 base-32 digits of milliseconds, 5 random digits.

    Like a ULID but shorter (14 characters): ids of runs started in the same millisecond still
    differ, and a user types only a unique prefix anyway.
    """
    with _id_lock:
        # Strictly increasing within a process, so ids of consecutive runs sort in order.
        millis = max(int((time.time() if now is None else now) * 1000), _last_millis[0] + 1)
        _last_millis[0] = millis
    digits = []
    for _ in range(9):
        digits.append(_CROCKFORD[millis % 32])
        millis //= 32
    head = "".join(reversed(digits))
    tail = "".join(secrets.choice(_CROCKFORD) for _ in range(5))
    return (head + tail).lower()


def connect(state_dir: Path) -> sqlite3.Connection:
    """Open (creating if needed) the history database in ``state_dir``."""
    try:
        state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = state_dir / DB_NAME
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
            os.close(fd)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise UsageError(
            f"cannot open the run history in {state_dir}: {exc}",
            hint="set --state-dir or KANCLI_STATE_DIR to a writable directory",
        ) from exc
    conn.row_factory = sqlite3.Row
    # SQLite gives the -wal and -shm files the permissions of the database file (0600).
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    _initialise(conn)
    return conn


def _initialise(conn: sqlite3.Connection) -> None:
    """Switch to WAL and create the schema, retrying while another process does the same.

    Changing the journal mode needs the database to itself and SQLite reports "locked" at once,
    without the busy handler, when another process is opening it at that moment.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            with transaction(conn):
                _create_schema(conn)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise UsageError(f"cannot initialise the run history: {exc}") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def _create_schema(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise UsageError(
            f"the run history was written by a newer kancli (schema {version})",
            hint="upgrade kancli or use another --state-dir",
        )
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


class transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (or ``ROLLBACK``): one short write transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")

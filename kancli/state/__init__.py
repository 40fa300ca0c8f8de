"""Local run history (SQLite): what ran, when, how it ended, its logs and its artifacts.

Why: a restore needs the artifacts of the backup it restores, CI wants to know what failed and
people want to read a run's logs after the terminal is gone. Kanister keeps this in ActionSet
status; kancli, without a controller, keeps it here.

Where: ``<state dir>/history.sqlite3``. The CLI resolves the state dir (``--state-dir``, then
``KANCLI_STATE_DIR``, then ``$XDG_STATE_HOME/kancli``, then ``~/.local/state/kancli``) with
:func:`resolve_state_dir` and passes it down; nothing here reads the environment itself.

API for the runner (record a run as it goes)::

    with History.open(state_dir) as history:
        rec = history.start_run(blueprint_path=..., blueprint_text=..., action="backup",
                                subject="statefulset/db/mysql", options={...},
                                input_artifacts={...}, redact=redactor.redact_text)
        rec.phase_started("dump", "KubeTask")
        rec.phase_log("dump", "a line")          # str = one line; bytes = raw text
        rec.phase_finished("dump", "complete", outputs={...})
        rec.artifacts({"mysqlBackup": {"keyValue": {...}}})
        rec.finish(RunStatus.COMPLETE, exit_code=0)

or, from events, ``HistoryReporter(history, RunDetails(...))`` as one more Reporter, then
``reporter.finish(exit_code)``. Every call is one short transaction (WAL mode, busy timeout), so
concurrent kancli processes are safe and a crashed run is left ``running`` with a dead owner PID,
which queries report as :attr:`RunStatus.UNFINISHED` ("did not finish").

Chaining (``--from RUN``, ``kancli runs delete``): :meth:`History.artifacts_of` (run id, unique
prefix or ``latest``) and :meth:`History.latest_successful` (action, subject).

Secrets: the caller passes redacted text; ``redact`` is applied again to everything stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from kancli.state.history import History, RunFilter
from kancli.state.recorder import RunRecorder
from kancli.state.records import PhaseRecord, RunRecord, RunStatus
from kancli.state.reporter import HistoryReporter, RunDetails

__all__ = [
    "History",
    "HistoryReporter",
    "PhaseRecord",
    "RunDetails",
    "RunFilter",
    "RunRecord",
    "RunRecorder",
    "RunStatus",
    "resolve_state_dir",
]


def resolve_state_dir(option: Path | None, env: Mapping[str, str], home: Path) -> Path:
    """The state dir: the option, ``KANCLI_STATE_DIR``, ``XDG_STATE_HOME/kancli``, or
    ``~/.local/state/kancli``. Empty environment values count as unset (XDG rule)."""
    if option is not None:
        return option
    if env.get("KANCLI_STATE_DIR"):
        return Path(env["KANCLI_STATE_DIR"])
    xdg = env.get("XDG_STATE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "kancli"
    return home / ".local" / "state" / "kancli"

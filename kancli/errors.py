"""The one error hierarchy of kancli and the exit codes it maps to.

Every layer raises only these errors (translated from foreign errors where they arise); the single
error boundary in ``kancli.cli.app`` prints ``kancli: error: <message>`` and exits with the code the
class carries. This module imports nothing from kancli so that every layer may depend on it.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Documented process exit codes (docs/exit-codes.md)."""

    OK = 0
    BUG = 1
    USAGE = 2
    BLUEPRINT = 3
    CLUSTER = 4
    PHASE = 5
    OBJECT_STORE = 6
    TIMEOUT = 7
    INTERRUPTED = 130
    TERMINATED = 143


class KancliError(Exception):
    """Base class: a failure kancli understands and can explain in one line."""

    exit_code: ExitCode = ExitCode.BUG

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(KancliError):
    """Conflicting options, an unreadable or malformed input file given on the command line."""

    exit_code = ExitCode.USAGE


class BlueprintError(KancliError):
    """A Blueprint that cannot be loaded or fails validation (bad YAML, schema, unknown func)."""

    exit_code = ExitCode.BLUEPRINT


class TemplateError(KancliError):
    """A Go template that does not parse or fails to execute."""

    exit_code = ExitCode.BLUEPRINT


class ClusterError(KancliError):
    """Kubeconfig, connection or API failure outside a phase."""

    exit_code = ExitCode.CLUSTER


class NotFoundError(ClusterError):
    """The API server answered 404."""


class ForbiddenError(ClusterError):
    """The API server answered 401 or 403."""


class ConflictError(ClusterError):
    """The API server answered 409."""


class UnreachableError(ClusterError):
    """No answer from the API server (connection refused, DNS, TLS, timeout)."""


class PhaseError(KancliError):
    """A phase failed; names the action, phase, function and cause."""

    exit_code = ExitCode.PHASE


class FunctionError(KancliError):
    """A Kanister Function failed while running (wrapped into a PhaseError by the runner)."""

    exit_code = ExitCode.PHASE


class ObjectStoreError(KancliError):
    """Location, credential or S3 failure outside a phase."""

    exit_code = ExitCode.OBJECT_STORE


class DeadlineError(KancliError):
    """A run or phase deadline passed (kancli's TimeoutError, named not to shadow Python's)."""

    exit_code = ExitCode.TIMEOUT


class InterruptedRunError(KancliError):
    """The run was interrupted by SIGINT or SIGTERM; cleanup was attempted."""

    exit_code = ExitCode.INTERRUPTED

    def __init__(self, message: str, *, signal_name: str = "SIGINT", hint: str | None = None):
        super().__init__(message, hint=hint)
        self.signal_name = signal_name
        if signal_name == "SIGTERM":
            self.exit_code = ExitCode.TERMINATED

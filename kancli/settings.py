"""The settings of one kancli invocation, built once by the CLI and passed down.

Nothing below ``kancli.cli`` reads ``os.environ``, ``sys.argv`` or the terminal (STYLE.md 2): the
CLI gathers command-line options and the environment into one frozen :class:`Settings` with
:func:`build_settings` and hands it to the layers that need it. Library callers construct
:class:`Settings` directly.

Environment variables read (by the CLI, through the ``environ`` argument):

=========================  ==================================================================
``KUBECONFIG``             kubeconfig path(s), as kubectl reads it (``--kubeconfig`` wins)
``KANCLI_CONTEXT``         kubeconfig context (``--context`` wins)
``KANCLI_NAMESPACE``       default namespace (``--namespace`` wins)
``KANCLI_REQUEST_TIMEOUT`` seconds for one API request (``--request-timeout`` wins)
``KANCLI_SHOW_SECRETS``    ``1``/``true``: do not redact Secret values (``--show-secrets``)
``NO_COLOR``               any non-empty value turns colour off (https://no-color.org)
``FORCE_COLOR``            any non-empty value turns colour on, even when not a terminal
=========================  ==================================================================
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from pathlib import Path

from kancli.errors import UsageError


class OutputMode(enum.Enum):
    """How results are written to stdout."""

    TEXT = "text"
    JSON = "json"


DEFAULT_REQUEST_TIMEOUT = 30.0
DEFAULT_POD_READY_TIMEOUT = 15 * 60.0
"""Kanister's default wait for a function's pod to become ready (15 minutes)."""


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything an invocation was configured with. Library callers build it directly."""

    kubeconfig: tuple[Path, ...] = ()
    context: str | None = None
    namespace: str | None = None
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    pod_ready_timeout: float = DEFAULT_POD_READY_TIMEOUT
    phase_timeout: float | None = None
    run_timeout: float | None = None
    output: OutputMode = OutputMode.TEXT
    color: bool = False
    is_interactive: bool = False
    show_secrets: bool = False
    traceback: bool = False

    @property
    def is_json(self) -> bool:
        return self.output is OutputMode.JSON


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def _env_bool(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise UsageError(f"environment variable {name}={environ[name]!r} is not a boolean (1 or 0)")


def _env_float(environ: Mapping[str, str], name: str) -> float | None:
    value = environ.get(name, "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise UsageError(f"environment variable {name}={value!r} is not a number") from None
    if number <= 0:
        raise UsageError(f"environment variable {name} must be positive")
    return number


def build_settings(
    environ: Mapping[str, str],
    *,
    is_terminal: bool,
    kubeconfig: Path | None = None,
    context: str | None = None,
    namespace: str | None = None,
    request_timeout: float | None = None,
    color: bool | None = None,
    show_secrets: bool | None = None,
    traceback: bool = False,
    output: OutputMode = OutputMode.TEXT,
) -> Settings:
    """Merge options (``None`` = not given) over the environment over defaults."""
    if kubeconfig is not None:
        paths: tuple[Path, ...] = (kubeconfig,)
    else:
        paths = tuple(Path(p) for p in environ.get("KUBECONFIG", "").split(":") if p)
    if color is None:
        if environ.get("NO_COLOR"):
            color = False
        elif environ.get("FORCE_COLOR"):
            color = True
        else:
            color = is_terminal and environ.get("TERM", "") != "dumb"
    timeout = request_timeout or _env_float(environ, "KANCLI_REQUEST_TIMEOUT")
    return Settings(
        kubeconfig=paths,
        context=context or environ.get("KANCLI_CONTEXT") or None,
        namespace=namespace or environ.get("KANCLI_NAMESPACE") or None,
        request_timeout=timeout or DEFAULT_REQUEST_TIMEOUT,
        output=output,
        color=color,
        is_interactive=is_terminal,
        show_secrets=(
            show_secrets if show_secrets is not None else _env_bool(environ, "KANCLI_SHOW_SECRETS")
        ),
        traceback=traceback,
    )

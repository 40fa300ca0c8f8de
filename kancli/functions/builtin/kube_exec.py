"""KubeExec: run a command in a container of an existing pod (kanister-behaviour.md section 5.1).

One exec (no TTY, no stdin); the command is argv, not a shell line. A non-zero exit fails the
phase. The phase output is parsed from the command's stdout (section 4.3). kancli parses the
complete stdout line by line instead of per stream chunk, so it does not reproduce Kanister's
corruption of an output line split across chunks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.errors import FunctionError
from kancli.events import Stream
from kancli.functions.args import arg
from kancli.functions.builtin._pods import LineSink
from kancli.functions.context import FunctionContext
from kancli.functions.registry import kanister_function

NAME = "KubeExec"


@dataclass(frozen=True, kw_only=True)
class Args:
    namespace: str = arg("namespace", help="Namespace of the pod.")
    pod: str = arg("pod", help="Name of the pod to exec into.")
    command: tuple[str, ...] = arg(
        "command",
        help="The command and its arguments, run as argv with no shell (use `bash -c` for one).",
    )
    container: str = arg(
        "container",
        default="",
        default_doc="the pod's only container",
        help="Container to run in; may be omitted only for single-container pods.",
    )


@kanister_function(
    NAME,
    args=Args,
    description=(
        "Runs a command in a container of an existing pod, like `kubectl exec`. The command "
        "runs without a TTY or stdin, as an argument vector (no shell). A non-zero exit status "
        "fails the phase."
    ),
    output_note=(
        "The `kando output` pairs the command prints on stdout (stderr is not parsed); "
        "no output when there are none."
    ),
    reference="5.1",
)
def run(ctx: FunctionContext, args: Args) -> Mapping[str, Any] | None:
    return run_exec(ctx, args.namespace, args.pod, args.container, args.command) or None


def run_exec(
    ctx: FunctionContext, namespace: str, pod: str, container: str, command: tuple[str, ...]
) -> dict[str, str]:
    """One exec with its output streamed to the user; returns the parsed output pairs.
    Shared with KubeExecAll."""
    stdout = LineSink(ctx, Stream.STDOUT, parse=True, pod=pod, container=container)
    stderr = LineSink(ctx, Stream.STDERR, parse=False, pod=pod, container=container)
    result = ctx.kube.exec(
        namespace,
        pod,
        container or None,
        list(command),
        stdout=stdout,
        stderr=stderr,
        timeout=ctx.wait_timeout(),
    )
    stdout.finish()
    stderr.finish()
    if result.exit_code != 0:
        where = f"pod {namespace}/{pod}" + (f", container {container}" if container else "")
        raise CommandFailedError(
            f"Failed to exec command in pod: command terminated with exit code "
            f"{result.exit_code} ({where}).\nstdout: {_tail(stdout.tail)}\n"
            f"stderr: {_tail(stderr.tail)}",
            exit_code=result.exit_code,
        )
    if stdout.error is not None:
        raise stdout.error
    return stdout.outputs


class CommandFailedError(FunctionError):
    """The exec'd command exited non-zero; ``command_exit_code`` is its status."""

    def __init__(self, message: str, *, exit_code: int) -> None:
        super().__init__(message)
        self.command_exit_code = exit_code


def _tail(lines: list[str]) -> str:
    """Kanister's ExecError tail: the last non-blank lines joined by CRLF."""
    return "\r\n".join(lines)

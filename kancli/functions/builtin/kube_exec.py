"""KubeExec: run a command in a container of an existing pod (kanister-behaviour.md section 5.1).

One exec (no TTY, no stdin); the command is argv, not a shell line. A non-zero exit fails the
phase. The phase output is parsed from the command's stdout (section 4.3). kancli parses the
complete stdout line by line instead of per stream chunk, so it does not reproduce Kanister's
corruption of an output line split across chunks. ``run`` is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.functions.args import arg
from kancli.functions.registry import FunctionNotImplementedError, kanister_function

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
    implemented=False,
    reference="5.1",
)
def run(ctx: Any, args: Args) -> Mapping[str, Any] | None:
    raise FunctionNotImplementedError(NAME)

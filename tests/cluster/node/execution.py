"""``kubectl exec`` in a test container: ``ctr task exec`` with piped (or pty) stdio.

The exec'd process inherits the container's user, environment and working directory, as in
Kubernetes. Closing ``stdin`` gives the process EOF. ``process.wait()`` returns the command's exit
code. When the command cannot be started at all (say the executable does not exist), a real
API server answers with an InternalError Status instead of an exit code; ``process.start_error``
then holds containerd's CRI wording (``failed to exec in container: failed to start exec "<id>":
OCI runtime exec failed: ...``), nothing is written to stderr, and ``wait()`` returns 126.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import secrets
from typing import TYPE_CHECKING

from tests.cluster.nodeapi import ExecSession

if TYPE_CHECKING:
    from tests.cluster.containerd import ContainerdRuntime
    from tests.cluster.node.events import TaskWatch

START_FAILED_EXIT_CODE = 126
_EVENT_GRACE_SECONDS = 1.0


class GatedReader:
    """A StreamReader wrapper that holds data back until ``gate`` says whether the exec
    started; if it did not, the (ctr error) output is swallowed and EOF returned."""

    def __init__(self, inner: asyncio.StreamReader, gate: asyncio.Future[bool]) -> None:
        self._inner = inner
        self._gate = gate

    async def read(self, n: int = -1) -> bytes:
        if not await asyncio.shield(self._gate):
            return b""
        return await self._inner.read(n)

    async def readexactly(self, n: int) -> bytes:
        if not await asyncio.shield(self._gate):
            raise asyncio.IncompleteReadError(b"", n)
        return await self._inner.readexactly(n)

    async def readline(self) -> bytes:
        if not await asyncio.shield(self._gate):
            return b""
        return await self._inner.readline()

    def at_eof(self) -> bool:
        return self._gate.done() and (not self._gate.result() or self._inner.at_eof())


class StartGatedWriter:
    """The exec's stdin: ``close()`` is held back until containerd reports the exec started.

    ``ctr tasks exec`` loses the end of input when its stdin closes before the shim has
    attached the process's stdin fifo (seen here: a close within ~20 ms of the start left
    ``cat`` waiting forever). A real kubelet never shows that, so the node hides it.
    """

    def __init__(self, inner: asyncio.StreamWriter, started: asyncio.Future[bool]) -> None:
        self._inner = inner
        self._started = started
        self._closing = False
        self._closer: asyncio.Task[None] | None = None

    def write(self, data: bytes) -> None:
        self._inner.write(data)

    async def drain(self) -> None:
        await self._inner.drain()

    def is_closing(self) -> bool:
        return self._closing or self._inner.is_closing()

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        self._closer = asyncio.get_running_loop().create_task(self._close_when_started())

    async def _close_when_started(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.shield(self._started)
        self._inner.close()


class ExecProcess:
    """The ``process`` of an ExecSession: ``await wait()``, ``kill()``, ``start_error``."""

    def __init__(
        self,
        proc: asyncio.subprocess.Process,
        runtime: ContainerdRuntime,
        cid: str,
        exec_id: str,
        watch: TaskWatch,
        stderr: asyncio.StreamReader,
        tty_writer: asyncio.StreamWriter | None = None,
    ) -> None:
        self._proc = proc
        self._tty_writer = tty_writer
        self._runtime = runtime
        self.container_id = cid
        self.exec_id = exec_id
        self._watch = watch
        self._stderr = stderr
        self.started: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.start_error: str | None = None
        self._decider = asyncio.create_task(self._decide())
        self._kills: set[asyncio.Task[object]] = set()

    async def _decide(self) -> None:
        event = self._watch.exec_event(self.exec_id)
        ev = asyncio.ensure_future(event.wait())
        exited = asyncio.ensure_future(self._proc.wait())
        await asyncio.wait({ev, exited}, return_when=asyncio.FIRST_COMPLETED)
        if not event.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), _EVENT_GRACE_SECONDS)
        ev.cancel()
        if event.is_set():
            self.started.set_result(True)
            return
        text = (await self._stderr.read()).decode(errors="replace")
        lines = [ln for ln in text.splitlines() if ln.startswith("ctr: ")]
        if not lines:  # started and ended before its event arrived: treat as a normal run
            self.started.set_result(True)
            return
        self.start_error = (
            f'failed to exec in container: failed to start exec "{self.exec_id}": '
            f"{lines[-1][len('ctr: ') :]}"
        )
        self.started.set_result(False)

    @property
    def pid(self) -> int:
        return int(self._proc.pid)

    async def wait(self) -> int:
        code = await self._proc.wait()
        await self._decider
        if self._tty_writer is not None and not self._tty_writer.is_closing():
            self._tty_writer.close()
        self._watch.exec_started.pop(self.exec_id, None)
        return START_FAILED_EXIT_CODE if self.start_error else code

    def kill(self) -> None:
        """SIGKILL the exec'd process inside the container (and the ctr client)."""
        task: asyncio.Task[object] = asyncio.get_running_loop().create_task(
            self._runtime.ctr(
                "tasks",
                "kill",
                "--exec-id",
                self.exec_id,
                "--signal",
                "SIGKILL",
                self.container_id,
                check=False,
            )
        )
        self._kills.add(task)
        task.add_done_callback(self._kills.discard)
        with contextlib.suppress(ProcessLookupError):
            self._proc.kill()


async def start_exec(
    runtime: ContainerdRuntime,
    watch: TaskWatch,
    cid: str,
    command: list[str],
    *,
    stdin: bool,
    tty: bool,
) -> ExecSession:
    """Start ``command`` in container ``cid`` and return the session's streams."""
    exec_id = "exec-" + secrets.token_hex(8)
    watch.exec_event(exec_id)
    # flag parsing stops at the container id, so the command is passed through untouched
    tty_flag = ["--tty"] if tty else []
    argv = runtime.ctr_argv("tasks", "exec", "--exec-id", exec_id, *tty_flag, cid, *command)
    if tty:
        return await _start_tty(runtime, watch, cid, exec_id, argv, stdin)
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        limit=1 << 20,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    process = ExecProcess(proc, runtime, cid, exec_id, watch, proc.stderr)
    return ExecSession(
        stdin=None if proc.stdin is None else StartGatedWriter(proc.stdin, process.started),
        stdout=proc.stdout,
        stderr=GatedReader(proc.stderr, process.started),
        process=process,
    )


async def _start_tty(
    runtime: ContainerdRuntime,
    watch: TaskWatch,
    cid: str,
    exec_id: str,
    argv: list[str],
    stdin: bool,
) -> ExecSession:
    """ctr needs a console for --tty: give it a pty and expose the master side as streams."""
    master, slave = pty.openpty()
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, stdin=slave, stdout=slave, stderr=asyncio.subprocess.PIPE
        )
    finally:
        os.close(slave)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 20)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(master, "rb", buffering=0)
    )
    writer: asyncio.StreamWriter | None = None
    if stdin:
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, os.fdopen(os.dup(master), "wb", buffering=0)
        )
        writer = asyncio.StreamWriter(transport, protocol, None, loop)
    assert proc.stderr is not None
    process = ExecProcess(proc, runtime, cid, exec_id, watch, proc.stderr, writer)
    return ExecSession(stdin=writer, stdout=_PtyReader(reader), stderr=None, process=process)


class _PtyReader:
    """Reads the pty master; the EIO a pty gives once the other side closed is EOF."""

    def __init__(self, inner: asyncio.StreamReader) -> None:
        self._inner = inner

    async def read(self, n: int = -1) -> bytes:
        try:
            return await self._inner.read(n)
        except OSError:
            return b""

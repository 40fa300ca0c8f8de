"""Stream a tar of a container's path into the repository, straight from an exec.

The exec client pushes stdout chunks to a callback while :meth:`Repository.backup` pulls from an
iterable. :class:`_Pipe` joins the two through a small bounded queue: when the repository falls
behind, the exec reader blocks, so memory stays bounded (about ``depth`` chunks) whatever the
size of the data, and no temporary file is written. A failed exec (non-zero tar exit, dropped
connection) ends the stream with an error, so the backup writes no snapshot; a failed backup
closes the pipe, which stops the exec.
"""

from __future__ import annotations

import contextlib
import posixpath
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from kancli.datapath.errors import RepositoryError
from kancli.datapath.repository import Repository
from kancli.datapath.snapshot import BackupSummary
from kancli.kube.facade import Kube


@dataclass(frozen=True)
class _End:
    error: BaseException | None


class PodStreamError(RepositoryError):
    """The command producing the backup stream in the pod failed."""


class _Pipe:
    """A bounded, one-producer one-consumer byte pipe between threads."""

    def __init__(self, depth: int = 16) -> None:
        self._queue: queue.Queue[bytes | _End] = queue.Queue(maxsize=depth)
        self.closed = threading.Event()

    def _put(self, item: bytes | _End) -> None:
        while not self.closed.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        if isinstance(item, bytes):
            raise BrokenPipeError("the backup stopped reading")

    def write(self, data: bytes) -> None:
        if data:
            self._put(bytes(data))

    def finish(self, error: BaseException | None) -> None:
        self._put(_End(error))

    def __iter__(self) -> Iterator[bytes]:
        while True:
            item = self._queue.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item


def tar_create_command(path: str) -> list[str]:
    """``tar`` (busybox or GNU) writing an uncompressed archive of ``path``'s contents."""
    return ["tar", "-c", "-f", "-", "-C", path, "."]


def backup_from_pod(
    kube: Kube,
    repo: Repository,
    namespace: str,
    pod: str,
    container: str | None,
    *,
    path: str,
    tag: str,
    timeout: float | None = None,
    command: Sequence[str] | None = None,
    checkpoint: Callable[[], None] = lambda: None,
) -> BackupSummary:
    """Back up ``path`` of a container as a snapshot tagged ``tag``; see the module docstring."""
    pipe = _Pipe()
    argv = list(command or tar_create_command(path))
    stderr: list[bytes] = []

    def produce() -> None:
        error: BaseException | None = None
        try:
            result = kube.exec(
                namespace,
                pod,
                container,
                argv,
                stdout=pipe.write,
                stderr=lambda b: stderr.append(bytes(b)) if sum(map(len, stderr)) < 8192 else None,
                timeout=timeout,
            )
            if result.exit_code != 0:
                text = b"".join(stderr).decode(errors="replace").strip()
                error = PodStreamError(
                    f"{' '.join(argv[:2])} in pod {namespace}/{pod} exited with "
                    f"{result.exit_code}: {text or 'no error output'}"
                )
        except BaseException as exc:  # handed to the consumer, which re-raises it
            error = exc
        with contextlib.suppress(BrokenPipeError):
            pipe.finish(error)

    def chunks() -> Iterator[bytes]:
        for chunk in pipe:
            checkpoint()
            yield chunk

    producer = threading.Thread(target=produce, name="kancli-backup-exec", daemon=True)
    producer.start()
    try:
        return repo.backup(chunks(), tag=tag, hostname=pod, paths=[path])
    finally:
        pipe.closed.set()
        producer.join(timeout=30)


def restore_layout(snapshot_path: str, backup_path: str, restore_path: str) -> tuple[str, str]:
    """Where restic would put a snapshot's files: ``(subpath in the snapshot, target dir)``.

    A snapshot of ``/data`` restored whole to ``R`` lands in ``R/data``; with ``backupPath``
    ``/data/x`` (``restic restore id:/data/x``) the contents of ``x`` land in ``R`` itself.
    """
    root = posixpath.normpath(snapshot_path or "/")
    restore_path = restore_path or "/"
    if not backup_path:
        return "", posixpath.join(restore_path, root.lstrip("/"))
    wanted = posixpath.normpath(backup_path)
    if wanted != root and not wanted.startswith(root.rstrip("/") + "/"):
        raise RepositoryError(
            f"backupPath {backup_path!r} is not inside the snapshot's path {snapshot_path!r}"
        )
    return posixpath.relpath(wanted, root) if wanted != root else "", restore_path


def restore_into_pod(
    kube: Kube,
    stream: Iterable[bytes],
    namespace: str,
    pod: str,
    container: str | None,
    *,
    target: str,
    timeout: float | None = None,
) -> None:
    """Extract a tar ``stream`` into ``target`` (created if missing) of a running container."""
    script = 'mkdir -p "$1" && exec tar -x -f - -C "$1"'
    result = kube.exec(
        namespace,
        pod,
        container,
        ["sh", "-c", script, "sh", target],
        stdin=stream,
        timeout=timeout,
    )
    if result.exit_code != 0:
        text = result.stderr_tail.decode(errors="replace").strip()
        raise PodStreamError(
            f"tar -x in pod {namespace}/{pod} exited with {result.exit_code}: "
            f"{text or 'no error output'}"
        )

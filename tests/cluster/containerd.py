"""A private containerd instance for one test session, and the `ctr` calls made against it.

The test cluster runs every pod as real containers, so each session starts its own containerd
with its own root, state, sockets and runc root under one state directory, and stops it again.
Nothing it creates is shared with a system containerd: containers live in the containerd
namespace ``kancli-test``, their cgroups under ``/kancli-test/<token>`` (token derived from the
state directory) and their runc state under ``<state_dir>/runc``.

Containers run outside the test process's cgroup, so they outlive a crashed session. The next
session that starts on the same state directory therefore sweeps first: it stops a containerd
left running, starts its own, kills and deletes every task, container and active snapshot in the
namespace, unmounts whatever is still mounted under the state directory, kills stray processes in
our cgroups and removes those cgroups. A lock file keeps two live sessions off one directory.

Usage (from the API server, fixtures or by hand)::

    async with ContainerdRuntime.start(state_dir) as runtime:
        await runtime.ctr("containers", "ls")
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

NAMESPACE = "kancli-test"
"""containerd namespace of everything the test cluster creates."""

CGROUP_ROOT = Path("/sys/fs/cgroup")
_MAX_UNIX_SOCKET = 100  # sun_path is 108 bytes; keep a margin for containerd's ".ttrpc" suffix
_DISABLED_PLUGINS = [
    "io.containerd.grpc.v1.cri",  # no kubelet here; the node drives containerd through ctr
    "io.containerd.snapshotter.v1.aufs",
    "io.containerd.snapshotter.v1.btrfs",
    "io.containerd.snapshotter.v1.devmapper",
    "io.containerd.snapshotter.v1.zfs",
    "io.containerd.tracing.processor.v1.otlp",
    "io.containerd.internal.v1.tracing",
]


class ContainerdError(RuntimeError):
    """containerd could not be started, or a `ctr` command failed."""


class StateDirBusyError(ContainerdError):
    """Another live session holds the state directory."""


@dataclass(frozen=True)
class CtrResult:
    """Outcome of one `ctr` invocation."""

    returncode: int
    stdout: str
    stderr: str


class CtrCommandError(ContainerdError):
    """`ctr` exited non-zero; ``message`` is its error without the ``ctr: `` prefix."""

    def __init__(self, args: tuple[str, ...], result: CtrResult) -> None:
        self.args_ = args
        self.result = result
        lines = [ln for ln in result.stderr.splitlines() if ln.startswith("ctr: ")]
        self.message = lines[-1][len("ctr: ") :] if lines else result.stderr.strip()
        super().__init__(
            f"ctr {' '.join(args[:3])}... failed ({result.returncode}): {self.message}"
        )


def _cgroup_token(state_dir: Path) -> str:
    return hashlib.sha256(str(state_dir).encode()).hexdigest()[:12]


class ContainerdRuntime:
    """A running private containerd. Create it with ``ContainerdRuntime.start(state_dir)``.

    Attributes the node uses: ``address`` (gRPC socket), ``namespace``, ``runc_root`` (pass to
    ``ctr run --runc-root``), ``cgroup_parent`` (prefix for each container's cgroupsPath),
    ``state_dir`` (nodes keep their own files under ``state_dir / "nodes"``).
    """

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir.resolve()
        self.namespace = NAMESPACE
        self.runc_root = self.state_dir / "runc"
        self.cgroup_parent = f"/{NAMESPACE}/{_cgroup_token(self.state_dir)}"
        address = self.state_dir / "containerd.sock"
        if len(str(address)) > _MAX_UNIX_SOCKET:
            address = Path("/tmp") / f"kancli-containerd-{_cgroup_token(self.state_dir)}.sock"
        self.address = str(address)
        self._config = self.state_dir / "containerd.toml"
        self._pid_file = self.state_dir / "containerd.pid"
        self._log_path = self.state_dir / "containerd.log"
        self._lock: IO[str] | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._closing = False
        self.started_in: float = 0.0

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    @contextlib.asynccontextmanager
    async def start(cls, state_dir: Path) -> AsyncIterator[ContainerdRuntime]:
        """Start containerd on ``state_dir`` (created if needed), sweep what an earlier session
        left, yield the runtime, and on exit remove every container and stop containerd."""
        runtime = cls(state_dir)
        await runtime.open()
        try:
            yield runtime
        finally:
            await runtime.close()

    async def open(self) -> None:
        """Lock the state directory, start containerd and sweep stale containers."""
        began = time.monotonic()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            await self._stop_stale_daemon()
            self._write_config()
            await self._start_daemon()
            await self.sweep()
            await asyncio.to_thread(self._sweep_host_leftovers)
        except BaseException:
            await self.close()
            raise
        self.started_in = time.monotonic() - began

    async def close(self) -> None:
        """Remove everything in the namespace, stop containerd and release the lock."""
        self._closing = True
        try:
            if self._process is not None and self._process.returncode is None:
                with contextlib.suppress(ContainerdError):
                    await self.sweep()
                await self._stop_daemon()
            await asyncio.to_thread(self._sweep_host_leftovers)
        finally:
            self._pid_file.unlink(missing_ok=True)
            if self._lock is not None:
                self._lock.close()
                self._lock = None

    def _take_lock(self) -> None:
        lock = (self.state_dir / "lock").open("a+")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise StateDirBusyError(
                f"{self.state_dir} is used by another running test cluster; "
                "stop it or choose another state directory"
            ) from None
        self._lock = lock

    def _write_config(self) -> None:
        for sub in ("root", "state", "runc"):
            (self.state_dir / sub).mkdir(exist_ok=True)
        disabled = ", ".join(f'"{p}"' for p in _DISABLED_PLUGINS)
        self._config.write_text(
            "version = 2\n"
            f'root = "{self.state_dir / "root"}"\n'
            f'state = "{self.state_dir / "state"}"\n'
            f"disabled_plugins = [{disabled}]\n"
            "oom_score = 0\n"
            "[grpc]\n"
            f'  address = "{self.address}"\n'
            "[ttrpc]\n"
            f'  address = "{self.address}.ttrpc"\n'
            "[debug]\n"
            '  address = ""\n'
            '  level = "info"\n'
            "[metrics]\n"
            '  address = ""\n'
        )

    async def _start_daemon(self) -> None:
        Path(self.address).unlink(missing_ok=True)
        with self._log_path.open("ab") as logf:
            self._process = await asyncio.create_subprocess_exec(
                "containerd",
                "--config",
                str(self._config),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=logf,
                stderr=logf,
                start_new_session=True,  # Ctrl-C in a terminal must not kill it before cleanup
            )
        self._pid_file.write_text(str(self._process.pid))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self._process.returncode is not None:
                break
            if Path(self.address).exists():
                result = await self.ctr("version", check=False, namespaced=False)
                if result.returncode == 0:
                    return
            await asyncio.sleep(0.02)
        tail = self._log_path.read_text(errors="replace")[-2000:]
        raise ContainerdError(f"containerd did not become ready; its log ends with:\n{tail}")

    async def _stop_daemon(self) -> None:
        proc = self._process
        if proc is None or proc.returncode is not None:
            return
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
            await proc.wait()

    async def _stop_stale_daemon(self) -> None:
        """Kill a containerd that a crashed session left running on this state directory."""
        try:
            pid = int(self._pid_file.read_text().strip())
        except (OSError, ValueError):
            return
        if not _cmdline_contains(pid, str(self._config)):
            return
        log.warning("stopping containerd %d left by an earlier session", pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        for _ in range(200):
            if not Path(f"/proc/{pid}").exists():
                return
            await asyncio.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    # -- ctr ---------------------------------------------------------------------------------

    def ctr_argv(self, *args: str, namespaced: bool = True) -> list[str]:
        """The argv of a `ctr` call against this instance."""
        base = ["ctr", "--address", self.address]
        if namespaced:
            base += ["--namespace", self.namespace]
        return [*base, *args]

    async def ctr(
        self,
        *args: str,
        check: bool = True,
        namespaced: bool = True,
        stdin: bytes | None = None,
        timeout: float = 60,
    ) -> CtrResult:
        """Run `ctr` to completion. Raises CtrCommandError on a non-zero exit when ``check``."""
        proc = await asyncio.create_subprocess_exec(
            *self.ctr_argv(*args, namespaced=namespaced),
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(stdin), timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise ContainerdError(f"ctr {' '.join(args)} timed out after {timeout}s") from None
        result = CtrResult(proc.returncode or 0, out.decode(errors="replace"), err.decode())
        if check and result.returncode != 0:
            raise CtrCommandError(args, result)
        return result

    async def import_image(self, archive: Path) -> None:
        """Import an OCI or docker archive into the namespace and unpack it."""
        await self.ctr("images", "import", str(archive), timeout=300)

    async def has_image(self, ref: str, manifest_digest: str, chain_id: str) -> bool:
        """Whether ``ref`` names exactly this image and it is unpacked."""
        images = await self.ctr("images", "ls")
        named = any(
            line.split()[:1] == [ref] and manifest_digest in line.split()
            for line in images.stdout.splitlines()[1:]
        )
        snapshots = await self.ctr("snapshots", "ls")
        unpacked = any(line.split()[:1] == [chain_id] for line in snapshots.stdout.splitlines())
        return named and unpacked

    @property
    def is_running(self) -> bool:
        return not self._closing and self._process is not None and self._process.returncode is None

    # -- sweeping ------------------------------------------------------------------------------

    async def sweep(self, labels: dict[str, str] | None = None) -> int:
        """Kill and delete every task and container in the namespace (or only those carrying
        all of ``labels``) and their snapshots; returns how many containers were removed."""
        filters = [f'labels."{k}"=={v}' for k, v in (labels or {}).items()]
        listed = await self.ctr(
            "containers", "ls", "--quiet", *([",".join(filters)] if filters else [])
        )
        ids = listed.stdout.split()
        await asyncio.gather(*(self.remove_container(cid) for cid in ids))
        if labels is None:
            await self._remove_active_snapshots()
        return len(ids)

    async def remove_container(self, cid: str, *, grace: float = 0.0) -> None:
        """Stop (SIGTERM, then SIGKILL after ``grace`` seconds) and delete one container with
        its task and snapshot. Missing pieces are not an error."""
        if grace > 0:
            await self.ctr("tasks", "kill", "--signal", "SIGTERM", cid, check=False)
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline and await self.task_running(cid):
                await asyncio.sleep(0.05)
        await self.ctr("tasks", "kill", "--all", "--signal", "SIGKILL", cid, check=False)
        for _ in range(100):
            res = await self.ctr("tasks", "delete", "--force", cid, check=False)
            if res.returncode == 0 or "not found" in res.stderr:
                break
            await asyncio.sleep(0.05)
        await self.ctr("containers", "delete", cid, check=False)

    async def task_running(self, cid: str) -> bool:
        res = await self.ctr("tasks", "ls", check=False)
        for line in res.stdout.splitlines()[1:]:
            parts = line.split()
            if parts and parts[0] == cid:
                return parts[-1] not in ("STOPPED", "UNKNOWN")
        return False

    async def _remove_active_snapshots(self) -> None:
        res = await self.ctr("snapshots", "ls", check=False)
        for line in res.stdout.splitlines()[1:]:
            parts = line.split()
            if len(parts) >= 2 and parts[-1] == "Active":
                await self.ctr("snapshots", "rm", parts[0], check=False)

    def _sweep_host_leftovers(self) -> None:
        """Unmount what is mounted under the state directory and empty our cgroups."""
        unmount_below(self.state_dir)
        kill_and_remove_cgroups(self.cgroup_parent)


def _cmdline_contains(pid: int, needle: str) -> bool:
    try:
        return needle.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def mount_points_below(root: Path) -> list[Path]:
    """Mount points at or below ``root``, deepest first."""
    found: list[Path] = []
    prefix = str(root).rstrip("/") + "/"
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        for line in f:
            target = line.split()[4].replace("\\040", " ")
            if target == str(root) or target.startswith(prefix):
                found.append(Path(target))
    return sorted(set(found), key=lambda p: len(p.parts), reverse=True)


def unmount_below(root: Path) -> None:
    """Lazily unmount everything mounted at or below ``root``."""
    for target in mount_points_below(root):
        with contextlib.suppress(OSError):
            _umount(target)


def _umount(target: Path) -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    mnt_detach = 2
    if libc.umount2(str(target).encode(), mnt_detach) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno), str(target))


def cgroup_dirs(parent: str) -> list[Path]:
    """Existing directories of cgroup ``parent`` in every v1 hierarchy (and the v2 tree)."""
    rel = parent.strip("/")
    dirs: list[Path] = []
    if not CGROUP_ROOT.is_dir():
        return dirs
    for hierarchy in CGROUP_ROOT.iterdir():
        candidate = hierarchy / rel
        if candidate.is_dir():
            dirs.append(candidate)
    return dirs


def kill_and_remove_cgroups(parent: str) -> None:
    """SIGKILL every process left in the cgroup subtree ``parent`` and remove its directories."""
    for top in cgroup_dirs(parent):
        subtree = sorted(
            (p for p in top.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True
        )
        for group in [*subtree, top]:
            procs = group / "cgroup.procs"
            with contextlib.suppress(OSError):
                for pid in procs.read_text().split():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(pid), signal.SIGKILL)
            for _ in range(50):
                try:
                    group.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
        with contextlib.suppress(OSError):  # the shared parent goes once no session uses it
            top.parent.rmdir()

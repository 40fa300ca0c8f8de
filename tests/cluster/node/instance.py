"""One run of one container: rootfs snapshot, OCI spec, task start, exit, cleanup.

A kubelet creates a new runtime container for every (re)start of a pod's container; so does the
node. Each instance gets a random 64-hex id (reported as ``containerd://<id>``), a snapshot of
the test image mounted as its rootfs, a spec file, a log file written by ``logger.py`` and a
``/dev/termination-log`` file. ``start_instance`` returns once the task runs (or a ``Terminated``
with reason StartError, worded as containerd's CRI plugin words it); ``wait_instance`` returns the
``Terminated`` result after the task exited, was deleted (which flushes the log) and every piece of
the instance was removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.cluster.containerd import CGROUP_ROOT, ContainerdRuntime, CtrCommandError
from tests.cluster.image import BuiltImage
from tests.cluster.node import podconfig
from tests.cluster.node.events import EventHub, TaskWatch
from tests.cluster.node.spec import ContainerSpec, build_oci_spec
from tests.cluster.node.status import EPOCH, Terminated, now
from tests.cluster.node.volumes import BindMount, HostVolume, container_mounts
from tests.cluster.nodeapi import NodeHost

log = logging.getLogger(__name__)

LOGGER_SCRIPT = Path(__file__).with_name("logger.py")
LABEL_PREFIX = "io.kancli.test"
START_ERROR_EXIT_CODE = 128
FALLBACK_LOG_LINES = 80
FALLBACK_LOG_BYTES = 2048


@dataclass
class NodeContext:
    """What every container start needs from the node."""

    runtime: ContainerdRuntime
    hub: EventHub
    host: NodeHost
    image: BuiltImage
    node_name: str
    node_dir: Path
    python: str = sys.executable


@dataclass
class Instance:
    """A started container instance."""

    cid: str
    container_name: str
    log_path: Path
    rootfs: Path
    spec_path: Path
    termination_log: Path
    watch: TaskWatch
    started_at: datetime
    cgroups_path: str
    log_complete: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def container_id(self) -> str:
        return f"containerd://{self.cid}"


def _labels(ctx: NodeContext, pod: dict[str, Any], container: str) -> dict[str, str]:
    meta = pod["metadata"]
    return {
        f"{LABEL_PREFIX}/node": ctx.node_name,
        f"{LABEL_PREFIX}/pod-namespace": meta.get("namespace", "default"),
        f"{LABEL_PREFIX}/pod-name": meta["name"],
        f"{LABEL_PREFIX}/pod-uid": meta.get("uid", ""),
        f"{LABEL_PREFIX}/container": container,
    }


def pod_files_mounts(pod_dir: Path, container: dict[str, Any], term_log: Path) -> list[BindMount]:
    """/etc/hosts, /etc/hostname, /etc/resolv.conf and the termination-log file."""
    mounts = [
        BindMount(pod_dir / "etc-hosts", "/etc/hosts", False),
        BindMount(pod_dir / "etc-hostname", "/etc/hostname", False),
    ]
    resolv = Path("/etc/resolv.conf")
    if resolv.exists():
        mounts.append(BindMount(resolv.resolve(), "/etc/resolv.conf", True))
    term_path = container.get("terminationMessagePath") or "/dev/termination-log"
    mounts.append(BindMount(term_log, term_path, False))
    return mounts


def build_container_spec(
    ctx: NodeContext,
    pod: dict[str, Any],
    container: dict[str, Any],
    volumes: dict[str, HostVolume],
    pod_dir: Path,
    rootfs: Path,
    term_log: Path,
    cgroups_path: str,
) -> ContainerSpec:
    """Resolve env, argv, user, limits and mounts; raises ContainerConfigError."""
    env = podconfig.resolve_env(pod, container, ctx.host, ctx.image, "127.0.0.1")
    env_map = dict(env)
    argv = podconfig.resolve_argv(container, ctx.image, env_map)
    uid, gid, gids = podconfig.resolve_user(pod, container)
    memory, cpu = podconfig.limits(container)
    sc = container.get("securityContext") or {}
    caps = sc.get("capabilities") or {}
    mounts = [*pod_files_mounts(pod_dir, container, term_log)]
    mounts += container_mounts(container, volumes)
    return ContainerSpec(
        root_path=rootfs,
        args=argv,
        env=env,
        cwd=container.get("workingDir") or ctx.image.config.get("WorkingDir") or "/",
        uid=uid,
        gid=gid,
        additional_gids=gids,
        hostname=pod["metadata"]["name"][:63],
        cgroups_path=cgroups_path,
        memory_limit=memory,
        cpu_limit=cpu,
        privileged=bool(sc.get("privileged", False)),
        add_caps=caps.get("add") or [],
        drop_caps=caps.get("drop") or [],
        read_only_root=bool(sc.get("readOnlyRootFilesystem", False)),
        no_new_privileges=sc.get("allowPrivilegeEscalation") is False,
        tty=bool(container.get("tty", False)),
        mounts=mounts,
    )


async def _mount_rootfs(ctx: NodeContext, cid: str, rootfs: Path) -> None:
    res = await ctx.runtime.ctr("snapshots", "prepare", "--mounts", cid, ctx.image.chain_id)
    mounts = json.loads(res.stdout)
    rootfs.mkdir(parents=True, exist_ok=True)
    for m in mounts:
        proc = await asyncio.create_subprocess_exec(
            "mount", "-t", m["Type"], m["Source"], str(rootfs), "-o", ",".join(m["Options"]),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err = await proc.communicate()
        if proc.returncode != 0:
            await ctx.runtime.ctr("snapshots", "rm", cid, check=False)
            raise RuntimeError(f"mounting the rootfs of {cid} failed: {err.decode().strip()}")


async def _remove_pieces(ctx: NodeContext, cid: str, rootfs: Path, spec_path: Path) -> None:
    await ctx.runtime.ctr("containers", "delete", cid, check=False)
    proc = await asyncio.create_subprocess_exec(
        "umount", "--lazy", str(rootfs),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await proc.wait()
    await ctx.runtime.ctr("snapshots", "rm", cid, check=False)
    with contextlib.suppress(OSError):
        rootfs.rmdir()
    spec_path.unlink(missing_ok=True)
    ctx.hub.forget(cid)


def start_error_message(ctr_message: str, cid: str) -> str:
    """containerd's CRI wording for a container that could not be started."""
    if ctr_message.startswith("failed to create shim task"):
        return f"failed to create containerd task: {ctr_message}"
    return f'failed to start containerd task "{cid}": {ctr_message}'


async def start_instance(
    ctx: NodeContext,
    pod: dict[str, Any],
    container: dict[str, Any],
    volumes: dict[str, HostVolume],
    pod_dir: Path,
    log_path: Path,
) -> Instance | Terminated:
    """Create and start one instance; raises ContainerConfigError before creating anything."""
    cid = secrets.token_hex(32)
    rootfs = ctx.node_dir / "rootfs" / cid
    spec_path = ctx.node_dir / "specs" / f"{cid}.json"
    term_dir = pod_dir / "termination" / cid
    term_log = term_dir / "termination-log"
    cgroups_path = f"{ctx.runtime.cgroup_parent}/{cid}"
    spec = build_container_spec(
        ctx, pod, container, volumes, pod_dir, rootfs, term_log, cgroups_path
    )
    term_dir.mkdir(parents=True, exist_ok=True)
    term_log.touch(mode=0o666)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    spec_path.parent.mkdir(parents=True, exist_ok=True)
    spec_path.write_text(json.dumps(build_oci_spec(spec)))
    await _mount_rootfs(ctx, cid, rootfs)
    watch = ctx.hub.watch(cid)
    labels = [
        a for k, v in _labels(ctx, pod, container["name"]).items() for a in ("--label", f"{k}={v}")
    ]
    log_uri = f"binary://{quote(ctx.python)}?{quote(str(LOGGER_SCRIPT))}={quote(str(log_path))}"
    try:
        await ctx.runtime.ctr(
            "run", "--detach", "--config", str(spec_path),
            "--runc-root", str(ctx.runtime.runc_root), "--log-uri", log_uri, *labels, cid,
        )  # fmt: skip
    except CtrCommandError as exc:
        await ctx.runtime.ctr("tasks", "delete", "--force", cid, check=False)
        await _remove_pieces(ctx, cid, rootfs, spec_path)
        return Terminated(
            exit_code=START_ERROR_EXIT_CODE,
            reason="StartError",
            started_at=EPOCH,
            finished_at=now(),
            container_id=f"containerd://{cid}",
            message=start_error_message(exc.message, cid),
        )
    return Instance(
        cid=cid,
        container_name=container["name"],
        log_path=log_path,
        rootfs=rootfs,
        spec_path=spec_path,
        termination_log=term_log,
        watch=watch,
        started_at=now(),
        cgroups_path=cgroups_path,
    )


def oom_killed(cgroups_path: str) -> bool:
    """Whether the memory cgroup of the instance saw an OOM kill (cgroup v1 and v2)."""
    rel = cgroups_path.strip("/")
    for candidate in (
        CGROUP_ROOT / "memory" / rel / "memory.oom_control",
        CGROUP_ROOT / rel / "memory.events",
        CGROUP_ROOT / "unified" / rel / "memory.events",
    ):
        with contextlib.suppress(OSError):
            for line in candidate.read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and int(value) > 0:
                    return True
    return False


async def _wait_exit(ctx: NodeContext, inst: Instance) -> tuple[int, datetime]:
    """The exit status of the task, from its exit event (or a re-check after event loss)."""
    while True:
        recheck = asyncio.ensure_future(inst.watch.recheck.wait())
        waiters: set[asyncio.Future[Any]] = {inst.watch.exited, recheck}
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        if inst.watch.exited.done():
            recheck.cancel()
            return inst.watch.exited.result()
        inst.watch.recheck.clear()
        if not await ctx.runtime.task_running(inst.cid):
            # the event was lost: containerd still knows the exit status, reported on delete
            res = await ctx.runtime.ctr("tasks", "delete", inst.cid, check=False)
            code = 0
            for word in res.stderr.split():
                if word.isdigit():
                    code = int(word)
            return code, now()


def termination_message(inst: Instance, container: dict[str, Any], exit_code: int) -> str:
    with contextlib.suppress(OSError):
        text = inst.termination_log.read_text(errors="replace")[:4096]
        if text:
            return text
    policy = container.get("terminationMessagePolicy", "File")
    if policy == "FallbackToLogsOnError" and exit_code != 0 and inst.log_path.exists():
        lines = []
        for entry in inst.log_path.read_bytes().splitlines()[-FALLBACK_LOG_LINES:]:
            parts = entry.split(b" ", 3)
            if len(parts) == 4:
                lines.append(parts[3] + (b"\n" if parts[2] == b"F" else b""))
        return b"".join(lines)[-FALLBACK_LOG_BYTES:].decode(errors="replace")
    return ""


async def wait_instance(ctx: NodeContext, inst: Instance, container: dict[str, Any]) -> Terminated:
    """Wait for the instance to exit, collect its result and remove it."""
    code, finished = await _wait_exit(ctx, inst)
    oom = inst.watch.oom_killed or oom_killed(inst.cgroups_path)
    # deleting the task closes the logger's pipes; it returns after the logger flushed and exited
    await ctx.runtime.ctr("tasks", "delete", "--force", inst.cid, check=False)
    inst.log_complete.set()
    message = termination_message(inst, container, code)
    await _remove_pieces(ctx, inst.cid, inst.rootfs, inst.spec_path)
    shutil.rmtree(inst.termination_log.parent, ignore_errors=True)
    reason = "OOMKilled" if oom else ("Completed" if code == 0 else "Error")
    return Terminated(
        exit_code=code,
        reason=reason,
        started_at=inst.started_at,
        finished_at=finished,
        container_id=inst.container_id,
        message=message,
    )


async def signal_instance(ctx: NodeContext, inst: Instance, signal: str) -> None:
    """Send ``signal`` to the instance's main process (SIGKILL: to every process)."""
    extra = ["--all"] if signal == "SIGKILL" else []
    await ctx.runtime.ctr("tasks", "kill", *extra, "--signal", signal, inst.cid, check=False)

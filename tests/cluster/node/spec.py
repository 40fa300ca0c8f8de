"""The OCI runtime spec (config.json) each test container runs with.

``ctr run`` has no flag for the user to run as, so the node writes the whole spec itself and
passes it with ``ctr run --config``. The defaults are those a container runtime gives a Kubernetes
container: the default capability set, masked and read-only /proc paths, private PID, IPC, UTS and
mount namespaces, and the standard /proc, /dev, /sys mounts. The network namespace is the host's
(every pod is reachable on 127.0.0.1). The rootfs is a snapshot the node mounts itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.cluster.node.volumes import BindMount

DEFAULT_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
]  # fmt: skip
ALL_CAPS = [
    *DEFAULT_CAPS, "CAP_DAC_READ_SEARCH", "CAP_LINUX_IMMUTABLE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_LEASE", "CAP_AUDIT_CONTROL", "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
]  # fmt: skip
# CAP_SYS_RESOURCE is absent from this machine's bounding set, so even privileged containers
# cannot be given it.
MASKED_PATHS = [
    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
]  # fmt: skip
READONLY_PATHS = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
CPU_PERIOD = 100_000


@dataclass(frozen=True)
class ContainerSpec:
    """Everything the node decided about one container instance."""

    root_path: Path
    args: Sequence[str]
    env: Sequence[tuple[str, str]]
    cwd: str = "/"
    uid: int = 0
    gid: int = 0
    additional_gids: Sequence[int] = ()
    hostname: str = ""
    cgroups_path: str = ""
    memory_limit: int | None = None
    cpu_limit: float | None = None
    privileged: bool = False
    add_caps: Sequence[str] = ()
    drop_caps: Sequence[str] = ()
    read_only_root: bool = False
    no_new_privileges: bool = False
    tty: bool = False
    stdin: bool = False
    mounts: Sequence[BindMount] = field(default_factory=list)


def _cap_name(cap: str) -> str:
    cap = cap.upper()
    return cap if cap.startswith("CAP_") else f"CAP_{cap}"


def capabilities(spec: ContainerSpec) -> list[str]:
    """The effective capability set after privileged, add and drop."""
    caps = list(ALL_CAPS if spec.privileged else DEFAULT_CAPS)
    drops = {_cap_name(c) for c in spec.drop_caps}
    if "CAP_ALL" in drops:
        caps = []
    for cap in spec.add_caps:
        name = _cap_name(cap)
        if name == "CAP_ALL":
            caps = list(ALL_CAPS)
        elif name not in caps and name != "CAP_SYS_RESOURCE":
            caps.append(name)
    return [c for c in caps if c not in drops]


def _standard_mounts(privileged: bool) -> list[dict[str, Any]]:
    return [
        {"destination": "/proc", "type": "proc", "source": "proc",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
         "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev", "rw" if privileged else "ro"]},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
         "options": ["nosuid", "noexec", "nodev", "relatime", "rw" if privileged else "ro"]},
    ]  # fmt: skip


def build_oci_spec(spec: ContainerSpec) -> dict[str, Any]:
    """The OCI runtime spec for ``spec``, ready to be written as config.json."""
    caps = capabilities(spec)
    mounts = _standard_mounts(spec.privileged)
    for m in spec.mounts:
        mounts.append(
            {
                "destination": m.destination,
                "type": "bind",
                "source": str(m.source),
                "options": ["rbind", "rprivate", "ro" if m.read_only else "rw"],
            }
        )
    resources: dict[str, Any] = {"devices": [{"allow": spec.privileged, "access": "rwm"}]}
    if spec.memory_limit is not None:
        resources["memory"] = {"limit": spec.memory_limit}
    if spec.cpu_limit is not None:
        quota = max(1000, int(spec.cpu_limit * CPU_PERIOD))
        resources["cpu"] = {"quota": quota, "period": CPU_PERIOD}
    linux: dict[str, Any] = {
        "namespaces": [{"type": t} for t in ("pid", "ipc", "uts", "mount")],
        "resources": resources,
        "cgroupsPath": spec.cgroups_path,
    }
    if not spec.privileged:
        linux["maskedPaths"] = MASKED_PATHS
        linux["readonlyPaths"] = READONLY_PATHS
    process: dict[str, Any] = {
        "terminal": spec.tty,
        "user": {"uid": spec.uid, "gid": spec.gid},
        "args": list(spec.args),
        "env": [f"{k}={v}" for k, v in spec.env],
        "cwd": spec.cwd or "/",
        "capabilities": {"bounding": caps, "effective": caps, "permitted": caps},
        "noNewPrivileges": spec.no_new_privileges,
    }
    if spec.additional_gids:
        process["user"]["additionalGids"] = list(spec.additional_gids)
    return {
        "ociVersion": "1.0.2-dev",
        "process": process,
        "root": {"path": str(spec.root_path), "readonly": spec.read_only_root},
        "hostname": spec.hostname,
        "mounts": mounts,
        "linux": linux,
    }

"""What a container sees: environment, volumes, user, working directory, limits."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.node import ContainerdNode
from tests.cluster_node.conftest import DictHost, LoopThread, make_pod, phase_is, sh
from tests.cluster_node.test_pod_lifecycle import collect_logs

pytestmark = pytest.mark.cluster


def run_and_log(loop: LoopThread, node: ContainerdNode, host: DictHost, pod: dict[str, Any]) -> str:
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    loop.run(node.run_pod(pod))
    status = host.wait_for(ns, name, phase_is("Succeeded", "Failed"))
    logs = loop.run(collect_logs(node, ns, name, pod["spec"]["containers"][0]["name"]))
    assert status["phase"] == "Succeeded", logs
    return logs.decode()


def test_environment_from_values_refs_and_expansion(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    host.add_secret("default", "creds", {"password": b"s3cr3t\nline2", "user": b"admin"})
    host.configmaps[("default", "settings")] = {"data": {"mode": "fast", "level": "3"}}
    env = [
        {"name": "PLAIN", "value": "hello"},
        {"name": "EXPANDED", "value": "$(PLAIN)-world-$(MISSING)-$$(PLAIN)"},
        {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}},
        {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "mode"}}},
        {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
        {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
        {"name": "OPT", "valueFrom": {"secretKeyRef": {"name": "gone", "key": "k",
                                                       "optional": True}}},
    ]  # fmt: skip
    env_from = [{"configMapRef": {"name": "settings"}, "prefix": "CM_"},
                {"secretRef": {"name": "creds"}}]  # fmt: skip
    script = (
        'echo "PLAIN=$PLAIN"; echo "EXPANDED=$EXPANDED"; echo "PASSWORD=$PASSWORD"; '
        'echo "MODE=$MODE POD=$POD NS=$NS APP=$APP IP=$IP OPT=${OPT-unset}"; '
        'echo "CM=$CM_mode/$CM_level user=$user HOSTNAME=$HOSTNAME PATH=$PATH"; echo "$(POD)"'
    )
    pod = make_pod([sh("env", script, env=env, envFrom=env_from)])
    out = run_and_log(loop, node, host, pod)
    name = pod["metadata"]["name"]
    assert out.splitlines() == [
        "PLAIN=hello",
        "EXPANDED=hello-world-$(MISSING)-$(PLAIN)",
        "PASSWORD=s3cr3t",
        "line2",
        f"MODE=fast POD={name} NS=default APP=kancli IP=127.0.0.1 OPT=unset",
        f"CM=fast/3 user=admin HOSTNAME={name} "
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        name,
    ]


def test_missing_secret_in_env_waits_with_create_container_config_error(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    env = [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "later", "key": "k"}}}]
    pod = make_pod([sh("c", 'echo "X=$X"', env=env)])
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    loop.run(node.run_pod(pod))
    waiting = host.wait_for(
        ns, name, lambda s: s["containerStatuses"][0]["state"].get("waiting", {}).get("reason")
        == "CreateContainerConfigError",
    )  # fmt: skip
    assert waiting["containerStatuses"][0]["state"]["waiting"]["message"] == (
        'secret "later" not found'
    )
    assert waiting["phase"] == "Pending"
    host.add_secret(ns, "later", {"k": b"arrived"})
    host.wait_for(ns, name, phase_is("Succeeded"))
    assert loop.run(collect_logs(node, ns, name, "c")) == b"X=arrived\n"


def test_volumes_are_mounted_with_their_modes(
    loop: LoopThread, node: ContainerdNode, host: DictHost, tmp_path: Path
) -> None:
    data, ro_data = tmp_path / "data", tmp_path / "ro"
    data.mkdir()
    ro_data.mkdir()
    (ro_data / "existing.txt").write_text("from host\n")
    host.pvcs[("default", "data")] = data
    host.pvcs[("default", "ro")] = ro_data
    host.add_secret("default", "tls", {"tls.crt": b"CERT", "tls.key": b"KEY"})
    host.configmaps[("default", "cfg")] = {"data": {"app.conf": "a=1\n", "other": "x"}}
    volumes = [
        {"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
        {"name": "ro", "persistentVolumeClaim": {"claimName": "ro", "readOnly": True}},
        {"name": "tls", "secret": {"secretName": "tls", "defaultMode": 0o400,
                                   "items": [{"key": "tls.crt", "path": "certs/server.crt"}]}},
        {"name": "cfg", "configMap": {"name": "cfg"}},
        {"name": "scratch", "emptyDir": {"medium": "Memory"}},
        {"name": "host", "hostPath": {"path": str(tmp_path / "hp"), "type": "DirectoryOrCreate"}},
    ]  # fmt: skip
    mounts = [
        {"name": "data", "mountPath": "/data"},
        {"name": "ro", "mountPath": "/ro"},
        {"name": "tls", "mountPath": "/etc/tls"},
        {"name": "cfg", "mountPath": "/etc/cfg"},
        {"name": "scratch", "mountPath": "/scratch"},
        {"name": "host", "mountPath": "/hostdir"},
        {"name": "data", "mountPath": "/sub", "subPath": "nested/dir"},
    ]
    script = (
        "echo written > /data/out.txt; cat /ro/existing.txt; "
        "touch /ro/x 2>/dev/null && echo ro-writable || echo ro-refused; "
        "cat /etc/tls/certs/server.crt; echo; ls /etc/tls/certs; "
        "stat -c %a /etc/tls/certs/server.crt; "
        "cat /etc/cfg/app.conf; ls /etc/cfg | tr '\\n' ' '; echo; "
        "echo s > /scratch/s && cat /scratch/s; echo h > /hostdir/h; echo sub > /sub/f; "
        "cat /etc/hostname"
    )
    pod = make_pod([sh("vols", script, volumeMounts=mounts)], volumes=volumes)
    out = run_and_log(loop, node, host, pod)
    assert out.splitlines() == [
        "from host", "ro-refused", "CERT", "server.crt", "400", "a=1", "app.conf other ", "s",
        pod["metadata"]["name"],
    ]  # fmt: skip
    assert (data / "out.txt").read_text() == "written\n"
    assert (data / "nested" / "dir" / "f").read_text() == "sub\n"
    assert (tmp_path / "hp" / "h").read_text() == "h\n"
    assert not (ro_data / "x").exists()


def test_security_context_user_and_working_dir(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    pod = make_pod(
        [sh("u", "id -u; id -g; id -G; pwd; echo $HOME",
            workingDir="/tmp", securityContext={"runAsUser": 1000, "runAsGroup": 3000})],
        securityContext={"supplementalGroups": [4000], "fsGroup": 2000},
    )  # fmt: skip
    out = run_and_log(loop, node, host, pod)
    assert out.splitlines() == ["1000", "3000", "3000 2000 4000", "/tmp", "/"]


def test_cpu_and_memory_limits_reach_the_cgroup(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    script = (
        "cat /sys/fs/cgroup/memory/memory.limit_in_bytes; "
        "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us"
    )
    limits = {"limits": {"memory": "64Mi", "cpu": "250m"}}
    out = run_and_log(loop, node, host, make_pod([sh("lim", script, resources=limits)]))
    assert out.split() == [str(64 * 1024 * 1024), "25000", "100000"]


def test_secret_volume_content_is_decoded_from_base64(
    loop: LoopThread, node: ContainerdNode, host: DictHost
) -> None:
    binary = bytes(range(256))
    host.secrets[("default", "bin")] = {"data": {"blob": base64.b64encode(binary).decode()}}
    mounts = [{"name": "s", "mountPath": "/s"}]
    pod = make_pod(
        [sh("b", "sha256sum /s/blob | cut -d' ' -f1", volumeMounts=mounts)],
        volumes=[{"name": "s", "secret": {"secretName": "bin"}}],
    )
    assert run_and_log(loop, node, host, pod).strip() == hashlib.sha256(binary).hexdigest()

"""Pod volumes as host directories, and the bind mounts a container gets from them.

Supported volume types: ``persistentVolumeClaim`` (the API server's host directory for the claim),
``emptyDir`` (a per-pod directory shared by the pod's containers; ``medium: Memory`` is a plain
directory too), ``secret`` and ``configMap`` (files written once into a per-pod directory, with
``items``, ``defaultMode``/``mode`` and ``optional`` honoured; mounted read-only as a kubelet
does), ``hostPath`` (with the ``DirectoryOrCreate``/``FileOrCreate`` types) and ``downwardAPI``
(labels, annotations, name, namespace, uid). Other types make the pod fail to start with a
message naming the type.

A missing secret, configMap or claim is not fatal: the pod waits in ``ContainerCreating`` and the
caller retries, as a kubelet's volume manager does.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.cluster.node.podconfig import ContainerConfigError, field_value
from tests.cluster.nodeapi import NodeHost


class VolumeNotReadyError(ContainerConfigError):
    """A volume's source does not exist (yet); the pod stays ContainerCreating."""


@dataclass(frozen=True)
class HostVolume:
    """A pod volume as it exists on the host."""

    path: Path
    read_only: bool = False


@dataclass(frozen=True)
class BindMount:
    """One bind mount into a container."""

    source: Path
    destination: str
    read_only: bool


def _write_files(target: Path, files: dict[str, tuple[bytes, int]]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for rel, (data, mode) in files.items():
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        os.chmod(dest, mode)


def _select_items(
    data: dict[str, bytes], source: dict[str, Any], kind: str, ns: str, name: str
) -> dict[str, tuple[bytes, int]]:
    default_mode = int(source.get("defaultMode", 0o644))
    items = source.get("items")
    if not items:
        return {key: (value, default_mode) for key, value in data.items()}
    chosen: dict[str, tuple[bytes, int]] = {}
    for item in items:
        key = item["key"]
        if key not in data:
            if source.get("optional"):
                continue
            raise VolumeNotReadyError(f"configmap references non-existent config key: {key}")
        chosen[item.get("path", key)] = (data[key], int(item.get("mode", default_mode)))
    return chosen


def _secret_files(host: NodeHost, ns: str, source: dict[str, Any]) -> dict[str, tuple[bytes, int]]:
    name = source["secretName"]
    secret = host.read_secret(ns, name)
    if secret is None:
        if source.get("optional"):
            return {}
        raise VolumeNotReadyError(f'secret "{name}" not found')
    data = {k: base64.b64decode(v) for k, v in (secret.get("data") or {}).items()}
    data.update({k: str(v).encode() for k, v in (secret.get("stringData") or {}).items()})
    return _select_items(data, source, "Secret", ns, name)


def _configmap_files(
    host: NodeHost, ns: str, source: dict[str, Any]
) -> dict[str, tuple[bytes, int]]:
    name = source["name"]
    cm = host.read_configmap(ns, name)
    if cm is None:
        if source.get("optional"):
            return {}
        raise VolumeNotReadyError(f'configmap "{name}" not found')
    data = {k: str(v).encode() for k, v in (cm.get("data") or {}).items()}
    data.update({k: base64.b64decode(v) for k, v in (cm.get("binaryData") or {}).items()})
    return _select_items(data, source, "ConfigMap", ns, name)


def _downward_files(pod: dict[str, Any], source: dict[str, Any]) -> dict[str, tuple[bytes, int]]:
    default_mode = int(source.get("defaultMode", 0o644))
    files: dict[str, tuple[bytes, int]] = {}
    meta = pod.get("metadata") or {}
    for item in source.get("items") or []:
        path = item["fieldRef"]["fieldPath"] if "fieldRef" in item else ""
        if path in ("metadata.labels", "metadata.annotations"):
            mapping = meta.get(path.split(".")[1]) or {}
            text = "\n".join(f'{k}="{v}"' for k, v in sorted(mapping.items()))
        else:
            text = field_value(pod, path, "127.0.0.1")
        files[item["path"]] = (text.encode(), int(item.get("mode", default_mode)))
    return files


def prepare_volumes(pod: dict[str, Any], host: NodeHost, pod_dir: Path) -> dict[str, HostVolume]:
    """Create every volume of ``pod`` under ``pod_dir/volumes`` (or find its host path)."""
    ns = pod["metadata"].get("namespace", "default")
    volumes: dict[str, HostVolume] = {}
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        name = vol["name"]
        local = pod_dir / "volumes" / name
        if "persistentVolumeClaim" in vol:
            claim = vol["persistentVolumeClaim"]
            try:
                path = host.pvc_host_path(ns, claim["claimName"])
            except KeyError:
                raise VolumeNotReadyError(
                    f'persistentvolumeclaim "{claim["claimName"]}" not found'
                ) from None
            volumes[name] = HostVolume(Path(path), bool(claim.get("readOnly", False)))
        elif "emptyDir" in vol:
            local.mkdir(parents=True, exist_ok=True)
            os.chmod(local, 0o777)
            volumes[name] = HostVolume(local)
        elif "secret" in vol:
            _write_files(local, _secret_files(host, ns, vol["secret"]))
            volumes[name] = HostVolume(local, read_only=True)
        elif "configMap" in vol:
            _write_files(local, _configmap_files(host, ns, vol["configMap"]))
            volumes[name] = HostVolume(local, read_only=True)
        elif "downwardAPI" in vol:
            _write_files(local, _downward_files(pod, vol["downwardAPI"]))
            volumes[name] = HostVolume(local, read_only=True)
        elif "hostPath" in vol:
            volumes[name] = HostVolume(_host_path(vol["hostPath"]))
        else:
            kinds = sorted(set(vol) - {"name"})
            raise ContainerConfigError(
                f"volume {name!r} of type {', '.join(kinds)} is not supported by the test node"
            )
    return volumes


def _host_path(source: dict[str, Any]) -> Path:
    path = Path(source["path"])
    kind = source.get("type", "")
    if kind == "DirectoryOrCreate":
        path.mkdir(parents=True, exist_ok=True)
    elif kind == "FileOrCreate" and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    elif kind == "Directory" and not path.is_dir():
        raise VolumeNotReadyError(f"hostPath type check failed: {path} is not a directory")
    elif kind == "File" and not path.is_file():
        raise VolumeNotReadyError(f"hostPath type check failed: {path} is not a file")
    return path


def container_mounts(container: dict[str, Any], volumes: dict[str, HostVolume]) -> list[BindMount]:
    """The bind mounts of ``container``'s ``volumeMounts`` (``subPath`` created on demand)."""
    mounts: list[BindMount] = []
    for vm in container.get("volumeMounts") or []:
        vol = volumes.get(vm["name"])
        if vol is None:
            raise ContainerConfigError(f'unable to find volume "{vm["name"]}" in pod spec')
        source = vol.path
        if vm.get("subPath"):
            source = source / vm["subPath"]
            if not source.exists():
                source.mkdir(parents=True, exist_ok=True)
        read_only = vol.read_only or bool(vm.get("readOnly", False))
        mounts.append(BindMount(source, vm["mountPath"], read_only))
    return mounts

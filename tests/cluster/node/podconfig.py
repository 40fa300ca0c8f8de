"""What a container gets from its pod spec, worked out as a kubelet does before starting it.

Environment (``env`` with values, ``$(VAR)`` references, secret/configMap/field/resource refs, and
``envFrom``), argv (command overrides the image ENTRYPOINT, args override CMD), the user to run as
and resource limits. Problems that keep a real kubelet from creating a container raise
``ContainerConfigError`` with the kubelet's wording; the caller reports the container as waiting
with reason ``CreateContainerConfigError`` and retries, as a kubelet does.
"""

from __future__ import annotations

import base64
import math
import os
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from tests.cluster.nodeapi import NodeHost


class ContainerConfigError(Exception):
    """The container cannot be created yet; ``str(err)`` is the kubelet's message."""


class ImageConfig(Protocol):
    """The parts of an image config a container start needs."""

    @property
    def config(self) -> dict[str, Any]: ...


_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
            "k": Decimal("1e3"), "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"),
            "P": Decimal("1e15"), "E": Decimal("1e18")}  # fmt: skip
_QUANTITY = re.compile(r"^([+-]?[0-9.]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$")


def parse_quantity(value: str | int | float) -> Decimal:
    """A Kubernetes resource quantity ("512Mi", "0.5", "250m", "1e3") as a number."""
    text = str(value).strip()
    m = _QUANTITY.match(text)
    if not m:
        raise ValueError(f"quantities must match the regular expression: {text!r}")
    try:
        number = Decimal(m.group(1))
    except InvalidOperation as exc:
        raise ValueError(f"invalid quantity {text!r}") from exc
    suffix = m.group(2) or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix[:1] in ("e", "E"):
        return number * (Decimal(10) ** int(suffix[1:]))
    return number * _DECIMAL[suffix]


def limits(container: dict[str, Any]) -> tuple[int | None, float | None]:
    """(memory limit in bytes, cpu limit in cores) from ``resources.limits``."""
    lim = (container.get("resources") or {}).get("limits") or {}
    memory = int(parse_quantity(lim["memory"])) if "memory" in lim else None
    cpu = float(parse_quantity(lim["cpu"])) if "cpu" in lim else None
    return memory, cpu


_VAR_REF = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def expand(text: str, env: dict[str, str]) -> str:
    """Kubernetes ``$(VAR)`` expansion: known names are replaced, ``$$`` escapes a ``$``,
    unknown references stay as written."""

    def repl(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group(1)
        return env.get(name, m.group(0))

    return _VAR_REF.sub(repl, text)


def _secret_value(host: NodeHost, ns: str, name: str, key: str, optional: bool) -> str | None:
    secret = host.read_secret(ns, name)
    if secret is None:
        if optional:
            return None
        raise ContainerConfigError(f'secret "{name}" not found')
    data = secret.get("data") or {}
    if key in data:
        return base64.b64decode(data[key]).decode(errors="replace")
    if key in (secret.get("stringData") or {}):
        return str(secret["stringData"][key])
    if optional:
        return None
    raise ContainerConfigError(f"couldn't find key {key} in Secret {ns}/{name}")


def _configmap_value(host: NodeHost, ns: str, name: str, key: str, optional: bool) -> str | None:
    cm = host.read_configmap(ns, name)
    if cm is None:
        if optional:
            return None
        raise ContainerConfigError(f'configmap "{name}" not found')
    data = cm.get("data") or {}
    if key in data:
        return str(data[key])
    binary = cm.get("binaryData") or {}
    if key in binary:
        return base64.b64decode(binary[key]).decode(errors="replace")
    if optional:
        return None
    raise ContainerConfigError(f"couldn't find key {key} in ConfigMap {ns}/{name}")


_LABEL_REF = re.compile(r"^metadata\.(labels|annotations)\['(.+)'\]$")


def field_value(pod: dict[str, Any], path: str, pod_ip: str) -> str:
    """A downward-API ``fieldRef.fieldPath`` value."""
    meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    simple = {
        "metadata.name": meta.get("name", ""),
        "metadata.namespace": meta.get("namespace", ""),
        "metadata.uid": meta.get("uid", ""),
        "spec.nodeName": spec.get("nodeName", ""),
        "spec.serviceAccountName": spec.get("serviceAccountName", ""),
        "status.hostIP": pod_ip,
        "status.hostIPs": pod_ip,
        "status.podIP": pod_ip,
        "status.podIPs": pod_ip,
    }
    if path in simple:
        return str(simple[path])
    m = _LABEL_REF.match(path)
    if m:
        return str((meta.get(m.group(1)) or {}).get(m.group(2), ""))
    raise ContainerConfigError(f"unsupported fieldPath: {path}")


def resource_value(container: dict[str, Any], ref: dict[str, Any]) -> str:
    """A downward-API ``resourceFieldRef`` value; unset limits fall back to the node's size."""
    resource = str(ref.get("resource", ""))
    kind, _, name = resource.partition(".")
    section = (container.get("resources") or {}).get(kind) or {}
    divisor = parse_quantity(ref.get("divisor") or "1")
    if name in section:
        amount = parse_quantity(section[name])
    elif name == "cpu":
        amount = Decimal(os.cpu_count() or 1) if kind == "limits" else Decimal(0)
    elif name == "memory":
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        amount = Decimal(total) if kind == "limits" else Decimal(0)
    else:
        amount = Decimal(0)
    return str(math.ceil(amount / divisor))


def resolve_env(
    pod: dict[str, Any],
    container: dict[str, Any],
    host: NodeHost,
    image: ImageConfig,
    pod_ip: str,
) -> list[tuple[str, str]]:
    """The container's environment, in order: image env, HOSTNAME, envFrom, then env."""
    ns = pod["metadata"].get("namespace", "default")
    result: dict[str, str] = {}
    for item in image.config.get("Env") or []:
        key, _, image_value = str(item).partition("=")
        result[key] = image_value
    result["HOSTNAME"] = pod["metadata"]["name"]
    declared: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        prefix = source.get("prefix", "")
        if "configMapRef" in source:
            ref = source["configMapRef"]
            cm = host.read_configmap(ns, ref["name"])
            if cm is None:
                if ref.get("optional"):
                    continue
                raise ContainerConfigError(f'configmap "{ref["name"]}" not found')
            for key, text in (cm.get("data") or {}).items():
                declared[prefix + key] = str(text)
        elif "secretRef" in source:
            ref = source["secretRef"]
            secret = host.read_secret(ns, ref["name"])
            if secret is None:
                if ref.get("optional"):
                    continue
                raise ContainerConfigError(f'secret "{ref["name"]}" not found')
            for key, encoded in (secret.get("data") or {}).items():
                declared[prefix + key] = base64.b64decode(encoded).decode(errors="replace")
    for var in container.get("env") or []:
        name = var["name"]
        value: str | None
        if "valueFrom" in var:
            src = var["valueFrom"]
            if "secretKeyRef" in src:
                r = src["secretKeyRef"]
                value = _secret_value(host, ns, r["name"], r["key"], bool(r.get("optional")))
            elif "configMapKeyRef" in src:
                r = src["configMapKeyRef"]
                value = _configmap_value(host, ns, r["name"], r["key"], bool(r.get("optional")))
            elif "fieldRef" in src:
                value = field_value(pod, src["fieldRef"]["fieldPath"], pod_ip)
            elif "resourceFieldRef" in src:
                value = resource_value(container, src["resourceFieldRef"])
            else:
                value = None
            if value is None:
                continue
        else:
            value = expand(str(var.get("value", "")), declared)
        declared[name] = value
    result.update(declared)
    return list(result.items())


def resolve_argv(container: dict[str, Any], image: ImageConfig, env: dict[str, str]) -> list[str]:
    """Kubernetes argv: ``command`` replaces ENTRYPOINT, ``args`` replaces CMD; ``$(VAR)``
    references in both are expanded from the container's environment."""
    entrypoint = list(image.config.get("Entrypoint") or [])
    cmd = list(image.config.get("Cmd") or [])
    command = [expand(str(c), env) for c in container.get("command") or []]
    args = [expand(str(a), env) for a in container.get("args") or []]
    if command:
        return command + args
    if args:
        return entrypoint + args
    return entrypoint + cmd


_PASSWD = {0: 0, 65534: 65534}  # uid -> primary gid, as the test image's /etc/passwd has it


def resolve_user(pod: dict[str, Any], container: dict[str, Any]) -> tuple[int, int, list[int]]:
    """(uid, gid, supplementary gids) from the pod and container securityContext."""
    psc = (pod.get("spec") or {}).get("securityContext") or {}
    csc = container.get("securityContext") or {}
    uid = int(csc.get("runAsUser", psc.get("runAsUser", 0)))
    gid_value = csc.get("runAsGroup", psc.get("runAsGroup"))
    gid = int(gid_value) if gid_value is not None else _PASSWD.get(uid, 0)
    non_root = csc.get("runAsNonRoot", psc.get("runAsNonRoot", False))
    if non_root and uid == 0:
        meta = pod["metadata"]
        raise ContainerConfigError(
            "container has runAsNonRoot and image will run as root "
            f'(pod: "{meta["name"]}_{meta.get("namespace", "default")}({meta.get("uid", "")})", '
            f"container: {container['name']})"
        )
    extra = [int(g) for g in psc.get("supplementalGroups") or []]
    if psc.get("fsGroup") is not None:
        extra.append(int(psc["fsGroup"]))
    return uid, gid, sorted(set(extra))

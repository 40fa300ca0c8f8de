"""Pod specs on write: the defaults a real API server fills in, and the checks it makes.

Shared by Pods and by the pod templates of Deployments, ReplicaSets and StatefulSets.
"""

from __future__ import annotations

from typing import Any

Causes = list[tuple[str, str]]


def default_pod_spec(spec: dict[str, Any]) -> None:
    for field, value in (
        ("restartPolicy", "Always"),
        ("terminationGracePeriodSeconds", 30),
        ("dnsPolicy", "ClusterFirst"),
        ("securityContext", {}),
        ("schedulerName", "default-scheduler"),
    ):
        spec.setdefault(field, value)
    for group in ("initContainers", "containers"):
        for container in spec.get(group) or []:
            container.setdefault("resources", {})
            container.setdefault("terminationMessagePath", "/dev/termination-log")
            container.setdefault("terminationMessagePolicy", "File")
            image = str(container.get("image", ""))
            tag = image.rsplit("/", 1)[-1]
            latest = "@" not in image and (":" not in tag or tag.endswith(":latest"))
            container.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
            for port in container.get("ports") or []:
                port.setdefault("protocol", "TCP")
    for volume in spec.get("volumes") or []:
        for source in ("secret", "configMap"):
            if source in volume:
                volume[source].setdefault("defaultMode", 420)
        if "hostPath" in volume:
            volume["hostPath"].setdefault("type", "")
        if "emptyDir" in volume and volume["emptyDir"] is None:
            volume["emptyDir"] = {}


def validate_pod_spec(
    spec: dict[str, Any], prefix: str, extra_volumes: frozenset[str] = frozenset()
) -> Causes:
    causes: Causes = []
    containers = spec.get("containers") or []
    if not containers:
        causes.append((f"{prefix}.containers", "Required value"))
    volumes = {v.get("name") for v in spec.get("volumes") or []} | extra_volumes
    seen: set[str] = set()
    for group in ("initContainers", "containers"):
        for i, container in enumerate(spec.get(group) or []):
            path = f"{prefix}.{group}[{i}]"
            cname = container.get("name")
            if not cname:
                causes.append((f"{path}.name", "Required value"))
            elif cname in seen:
                causes.append((f"{path}.name", f'Duplicate value: "{cname}"'))
            seen.add(str(cname))
            if not container.get("image"):
                causes.append((f"{path}.image", "Required value"))
            for j, mount in enumerate(container.get("volumeMounts") or []):
                if mount.get("name") not in volumes:
                    causes.append(
                        (f"{path}.volumeMounts[{j}].name", f'Not found: "{mount.get("name")}"')
                    )
    policy = spec.get("restartPolicy")
    if policy not in ("Always", "OnFailure", "Never"):
        causes.append(
            (
                f"{prefix}.restartPolicy",
                f'Unsupported value: "{policy}": supported values: "Always", "OnFailure", "Never"',
            )
        )
    return causes


def qos_class(spec: dict[str, Any]) -> str:
    containers = spec.get("containers") or []
    requests = [c.get("resources", {}).get("requests") or {} for c in containers]
    limits = [c.get("resources", {}).get("limits") or {} for c in containers]
    if not any(requests) and not any(limits):
        return "BestEffort"
    guaranteed = all(
        lim.get("cpu") and lim.get("memory") and (not req or req == lim)
        for req, lim in zip(requests, limits, strict=True)
    )
    return "Guaranteed" if guaranteed else "Burstable"


def pod_update_causes(obj: dict[str, Any], old: dict[str, Any]) -> Causes:
    def mutable_view(spec: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in spec.items() if k not in ("activeDeadlineSeconds", "tolerations")}
        view["containers"] = [
            {k: v for k, v in c.items() if k != "image"} for c in spec.get("containers") or []
        ]
        view.pop("nodeName", None)
        return view

    if mutable_view(obj["spec"]) != mutable_view(old["spec"]):
        return [
            (
                "spec",
                "Forbidden: pod updates may not change fields other than `spec.containers[*].image`"
                ",`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                "`spec.tolerations` (only additions to existing tolerations),"
                "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
                "previously negative)",
            )
        ]
    return []

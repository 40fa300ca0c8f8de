"""Pod and container status, computed the way a kubelet computes it.

The node keeps a ``ContainerState`` per container and, after every change, publishes the whole
``pod.status`` built here: ``containerStatuses``/``initContainerStatuses`` sorted by name, the
phase from the kubelet's rules (``getPhase``), and the conditions PodReadyToStartContainers,
Initialized, Ready, ContainersReady and PodScheduled with the kubelet's reasons and messages
(``containers with unready status: [a b]``, ``PodCompleted``, ``PodFailed``...). A condition's
``lastTransitionTime`` changes only when its status does. Readiness probes are not run: a
running container is ready.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NODE_IP = "127.0.0.1"


def rfc3339(when: datetime) -> str:
    """Kubernetes' metav1.Time wire form: UTC, whole seconds."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Terminated:
    """A finished container instance."""

    exit_code: int
    reason: str
    started_at: datetime
    finished_at: datetime
    container_id: str = ""
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "exitCode": self.exit_code,
            "reason": self.reason,
            "startedAt": rfc3339(self.started_at),
            "finishedAt": rfc3339(self.finished_at),
        }
        if self.container_id:
            out["containerID"] = self.container_id
        if self.message:
            out["message"] = self.message
        return out


@dataclass
class ContainerState:
    """What the node knows about one container of a pod."""

    name: str
    image: str
    is_init: bool = False
    restart_count: int = 0
    waiting_reason: str = "ContainerCreating"
    waiting_message: str = ""
    running_since: datetime | None = None
    terminated: Terminated | None = None
    last_terminated: Terminated | None = None
    container_id: str = ""  # "containerd://<id>" of the current or last instance
    image_id: str = ""
    log_paths: list[str] = field(default_factory=list)  # one per instance, oldest first

    def set_waiting(self, reason: str, message: str = "") -> None:
        self.running_since = None
        if self.terminated is not None:
            self.last_terminated = self.terminated
            self.terminated = None
        self.waiting_reason, self.waiting_message = reason, message

    def set_running(self, container_id: str, image_id: str, since: datetime) -> None:
        if self.terminated is not None:
            self.last_terminated = self.terminated
            self.terminated = None
        self.container_id, self.image_id = container_id, image_id
        self.running_since = since
        self.waiting_reason = ""

    def set_terminated(self, result: Terminated) -> None:
        self.running_since = None
        self.waiting_reason = ""
        self.terminated = result

    @property
    def is_running(self) -> bool:
        return self.running_since is not None

    @property
    def ready(self) -> bool:
        if self.is_init:
            return self.terminated is not None and self.terminated.exit_code == 0
        return self.is_running

    def to_dict(self) -> dict[str, Any]:
        state: dict[str, Any]
        if self.running_since is not None:
            state = {"running": {"startedAt": rfc3339(self.running_since)}}
        elif self.terminated is not None:
            state = {"terminated": self.terminated.to_dict()}
        else:
            waiting: dict[str, Any] = {"reason": self.waiting_reason}
            if self.waiting_message:
                waiting["message"] = self.waiting_message
            state = {"waiting": waiting}
        out: dict[str, Any] = {
            "name": self.name,
            "state": state,
            "lastState": (
                {"terminated": self.last_terminated.to_dict()} if self.last_terminated else {}
            ),
            "ready": self.ready,
            "restartCount": self.restart_count,
            "image": self.image,
            "imageID": self.image_id,
            "started": self.is_running,
        }
        if self.container_id:
            out["containerID"] = self.container_id
        return out


def pod_phase(
    restart_policy: str, init: list[ContainerState], app: list[ContainerState], terminal: bool
) -> str:
    """The kubelet's getPhase for pods without sidecar init containers."""
    pending_init = 0
    failed_init = 0
    for c in init:
        if c.is_running:
            pending_init += 1
        elif c.terminated is not None:
            failed_init += c.terminated.exit_code != 0
        elif c.last_terminated is not None:
            failed_init += c.last_terminated.exit_code != 0
        else:
            pending_init += 1
    if failed_init and restart_policy == "Never":
        return "Failed"
    running = waiting = stopped = succeeded = 0
    for c in app:
        if c.is_running:
            running += 1
        elif c.terminated is not None:
            stopped += 1
            succeeded += c.terminated.exit_code == 0
        elif c.last_terminated is not None:
            stopped += 1
        else:
            waiting += 1
    if pending_init or waiting:
        return "Pending"
    if running:
        return "Running"
    if stopped:
        if terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if restart_policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if restart_policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


def _names(items: list[str]) -> str:
    return "[" + " ".join(items) + "]"


def conditions(
    phase: str, init: list[ContainerState], app: list[ContainerState], sandbox_ready: bool
) -> list[tuple[str, str, str, str]]:
    """(type, status, reason, message) for the pod conditions, in the kubelet's order."""
    terminal_reason = {"Succeeded": "PodCompleted", "Failed": "PodFailed"}.get(phase, "")
    if phase == "Succeeded":
        initialized = ("Initialized", "True", "PodCompleted", "")
    elif any(c.is_running or c.terminated or c.last_terminated for c in app):
        initialized = ("Initialized", "True", "", "")
    else:
        incomplete = [c.name for c in init if not c.ready]
        if incomplete:
            msg = f"containers with incomplete status: {_names(incomplete)}"
            initialized = ("Initialized", "False", "ContainersNotInitialized", msg)
        else:
            initialized = ("Initialized", "True", "", "")
    if terminal_reason:
        ready = ("False", terminal_reason, "")
    else:
        unready = [c.name for c in app if not c.ready]
        if unready:
            msg = f"containers with unready status: {_names(unready)}"
            ready = ("False", "ContainersNotReady", msg)
        else:
            ready = ("True", "", "")
    return [
        ("PodReadyToStartContainers", "True" if sandbox_ready else "False", "", ""),
        initialized,
        ("Ready", *ready),
        ("ContainersReady", *ready),
        ("PodScheduled", "True", "", ""),
    ]


def qos_class(pod: dict[str, Any]) -> str:
    """BestEffort, Burstable or Guaranteed, from the containers' requests and limits."""
    containers = [*(pod["spec"].get("initContainers") or []), *pod["spec"]["containers"]]
    any_set = False
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req, lim = res.get("requests") or {}, res.get("limits") or {}
        if req or lim:
            any_set = True
        for name in ("cpu", "memory"):
            if name not in lim or (name in req and str(req[name]) != str(lim[name])):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


class ConditionClock:
    """Remembers when each condition last changed status."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, datetime]] = {}

    def render(self, conds: list[tuple[str, str, str, str]]) -> list[dict[str, Any]]:
        out = []
        for ctype, status, reason, message in conds:
            prev = self._seen.get(ctype)
            when = prev[1] if prev and prev[0] == status else now()
            self._seen[ctype] = (status, when)
            item: dict[str, Any] = {
                "type": ctype,
                "status": status,
                "lastProbeTime": None,
                "lastTransitionTime": rfc3339(when),
            }
            if reason:
                item["reason"] = reason
            if message:
                item["message"] = message
            out.append(item)
        return out


def pod_status(
    pod: dict[str, Any],
    init: list[ContainerState],
    app: list[ContainerState],
    *,
    start_time: datetime,
    terminal: bool,
    sandbox_ready: bool,
    clock: ConditionClock,
) -> dict[str, Any]:
    """The full ``pod.status`` to publish."""
    policy = pod["spec"].get("restartPolicy", "Always")
    phase = pod_phase(policy, init, app, terminal)
    status: dict[str, Any] = {
        "phase": phase,
        "conditions": clock.render(conditions(phase, init, app, sandbox_ready)),
        "hostIP": NODE_IP,
        "hostIPs": [{"ip": NODE_IP}],
        "podIP": NODE_IP,
        "podIPs": [{"ip": NODE_IP}],
        "startTime": rfc3339(start_time),
        "qosClass": qos_class(pod),
        "containerStatuses": [c.to_dict() for c in sorted(app, key=lambda c: c.name)],
    }
    if init:
        status["initContainerStatuses"] = [c.to_dict() for c in init]
    return status

"""What the pod-creating functions share: the pod they build, podOverride merging, and running a
pod to completion while its log streams to the user and is parsed for phase output.

kanister-behaviour.md section 5.0: one container named ``container``, ``restartPolicy: Never``,
label ``createdBy: kanister`` plus the run's and the Blueprint's labels (the Blueprint wins), the
podOverride strategic-merged with the run's override winning, ``generateName`` from the function.
The log is followed with reconnection (kancli.kube), parsed line by line as it arrives with
bounded memory, and the pod is always deleted, also when the run is interrupted.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kancli.errors import FunctionError
from kancli.events import Stream
from kancli.functions.context import FunctionContext
from kancli.functions.output import LogLine, OutputPair, OutputParser
from kancli.kube.types import PodFailedError

#: List fields of a PodSpec (and its containers) merged by key instead of replaced.
_MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "env": "name",
    "volumeMounts": "mountPath",
    "ports": "containerPort",
    "imagePullSecrets": "name",
    "tolerations": "key",
}


def strategic_merge(base: Any, patch: Any, field: str = "") -> Any:
    """Kubernetes' strategic merge for the PodSpec fields Blueprints override: maps merge
    recursively, keyed lists merge item by item, other lists and scalars are replaced, and a null
    in the patch deletes the key."""
    if isinstance(base, Mapping) and isinstance(patch, Mapping):
        out = dict(base)
        for key, value in patch.items():
            if value is None:
                out.pop(key, None)
            elif key in out:
                out[key] = strategic_merge(out[key], value, key)
            else:
                out[key] = copy.deepcopy(value)
        return out
    merge_key = _MERGE_KEYS.get(field)
    if merge_key and isinstance(base, list) and isinstance(patch, list):
        out_list = [copy.deepcopy(item) for item in base]
        for item in patch:
            key = item.get(merge_key) if isinstance(item, Mapping) else None
            match = next(
                (
                    i
                    for i, b in enumerate(out_list)
                    if isinstance(b, Mapping) and key is not None and b.get(merge_key) == key
                ),
                None,
            )
            if match is None:
                out_list.append(copy.deepcopy(item))
            else:
                out_list[match] = strategic_merge(out_list[match], item)
        return out_list
    return copy.deepcopy(patch)


def build_pod(
    ctx: FunctionContext,
    *,
    prefix: str,
    image: str,
    command: Sequence[str],
    namespace: str,
    pod_override: Mapping[str, Any] | None,
    labels: Mapping[str, str] | None,
    annotations: Mapping[str, str] | None,
    volumes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The manifest of a function-created pod (``GetPodObjectFromPodOptions``)."""
    spec: dict[str, Any] = {
        "restartPolicy": "Never",
        "containers": [
            {
                "name": "container",
                "image": image,
                "imagePullPolicy": "IfNotPresent",
                "command": list(command),
            }
        ],
    }
    if volumes:
        mounts, vols = [], []
        for i, (claim, path) in enumerate(sorted(volumes.items())):
            name = f"vol-{i}-{claim}"[:63]
            mounts.append({"name": name, "mountPath": path})
            vols.append({"name": name, "persistentVolumeClaim": {"claimName": claim}})
        spec["containers"][0]["volumeMounts"] = mounts
        spec["volumes"] = vols
    run_override = dict(ctx.params.pod_override)
    merged_override = strategic_merge(dict(pod_override or {}), run_override)
    if merged_override:
        spec = strategic_merge(spec, merged_override)
        spec["containers"].sort(key=lambda c: c.get("name") != "container")
    all_labels = {"createdBy": "kanister", **dict(ctx.params.pod_labels), **dict(labels or {})}
    all_annotations = {**dict(ctx.params.pod_annotations), **dict(annotations or {})}
    metadata: dict[str, Any] = {"generateName": prefix, "labels": all_labels}
    if all_annotations:
        metadata["annotations"] = all_annotations
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {**metadata, "namespace": namespace},
        "spec": spec,
    }


class LineSink:
    """Splits a byte stream into lines for the user and, when ``parse``, collects the phase
    output pairs (``kando output``) found in it, with bounded memory for log lines."""

    def __init__(
        self,
        ctx: FunctionContext,
        stream: Stream,
        *,
        parse: bool,
        pod: str | None = None,
        container: str | None = None,
    ) -> None:
        self._ctx = ctx
        self._stream = stream
        self._parse = parse
        self._pod = pod
        self._container = container
        self._parser = OutputParser()
        self._pending = ""
        self.tail: list[str] = []

    @property
    def outputs(self) -> dict[str, str]:
        return self._parser.outputs if self._parse else {}

    def write(self, data: bytes) -> int:
        self._handle(self._parser.feed(data) if self._parse else self._split(data))
        return len(data)

    def finish(self) -> None:
        if self._parse:
            self._handle(self._parser.finish())
        elif self._pending:
            self._line(self._pending)
            self._pending = ""

    def _split(self, data: bytes) -> list[LogLine]:
        text = self._pending + data.decode("utf-8", errors="replace")
        *lines, self._pending = text.split("\n")
        if len(self._pending) > 64 * 1024:
            lines.append(self._pending)
            self._pending = ""
        return [LogLine(line) for line in lines]

    def _handle(self, events: Sequence[LogLine | OutputPair]) -> None:
        for event in events:
            if isinstance(event, LogLine):
                self._line(event.text)

    def _line(self, text: str) -> None:
        text = text.rstrip("\r")
        if not text.strip():
            return
        self.tail = [*self.tail[-9:], text]
        self._ctx.log_line(text, self._stream, self._pod, self._container)


def run_pod(
    ctx: FunctionContext,
    manifest: Mapping[str, Any],
    *,
    log_container: str = "container",
    parse_output: bool = True,
    require_success: bool = True,
    what: str = "Failed while waiting for Pod to complete",
) -> dict[str, str]:
    """Create the pod, follow ``log_container``'s log, wait for the pod to end, delete it.

    Returns the output pairs parsed from the complete log. The pod is deleted however this
    ends (a cleanup registered on ``ctx``, so Ctrl-C deletes it too).
    """
    kube = ctx.kube
    namespace = manifest["metadata"]["namespace"]
    created = kube.create_pod(namespace, manifest)
    name = created["metadata"]["name"]
    cleanup: Callable[[], None] = ctx.on_cleanup(lambda: kube.delete_pod(namespace, name))
    ctx.progress(f"pod {namespace}/{name} created; waiting for it to start")
    try:
        kube.wait_for_pod_ready(
            namespace,
            name,
            timeout=ctx.wait_timeout(ctx.pod_ready_timeout),
            log_container=log_container,
        )
    except PodFailedError as exc:
        # A container that ran and ended before the pod was seen running left a log to read;
        # whether its failure fails the phase is decided below, as for any other ending.
        if not any(
            c.state == "terminated" and c.exit_code is not None for c in exc.outcome.containers
        ):
            raise
    ctx.checkpoint("waiting for the pod to start")
    sink = LineSink(ctx, Stream.STDOUT, parse=parse_output, pod=name, container=log_container)
    kube.stream_logs(namespace, name, log_container, sink, timeout=ctx.wait_timeout())
    sink.finish()
    ctx.checkpoint("following the pod's log")
    outcome = kube.wait_for_pod_completion(namespace, name, timeout=ctx.wait_timeout())
    if require_success and not outcome.is_succeeded:
        detail = _outcome_text(outcome)
        raise PodFailedError(
            f"{what}: pod {namespace}/{name}: {detail}",
            outcome=outcome,
            log_tail="\n".join(sink.tail),
        )
    cleanup()
    ctx.forget_cleanup(cleanup)
    return sink.outputs


def _outcome_text(outcome: Any) -> str:
    parts = [f"phase {outcome.phase}"]
    for c in outcome.containers:
        if c.exit_code is not None:
            reason = f" ({c.reason})" if c.reason else ""
            parts.append(f"container {c.name} exited with code {c.exit_code}{reason}")
        elif c.reason:
            parts.append(f"container {c.name} {c.state}: {c.reason} {c.message}".strip())
    if outcome.message:
        parts.append(outcome.message)
    return ", ".join(parts)


def require_namespace(namespace: str, ctx: FunctionContext) -> str:
    """The pod's namespace: the argument, else the run's default (Kanister: the controller's)."""
    result = namespace or ctx.default_namespace
    if not result:
        raise FunctionError("no namespace for the pod: give the namespace argument")
    return result

"""What the pod-creating functions share: the pod they build, podOverride merging, and running a
pod to completion while its log streams to the user and is parsed for phase output.

kanister-behaviour.md section 5.0: one container named ``container``, ``restartPolicy: Never``,
label ``createdBy: kanister`` plus the run's and the Blueprint's labels (the Blueprint wins), the
podOverride strategic-merged with the run's override winning, ``generateName`` from the function.

Kanister parses the phase output from the followed log as it streams, so a stream that breaks on
a long phase loses its outputs (Kanister issues 1622 and 3583). kancli follows the log only to
show it, then reads the complete log after the pod has ended into a temporary file and parses
that: a broken follow stream costs display lines, never outputs, and a 200 MB log costs disk,
not memory. The pod is always deleted, also when the run is interrupted (a cleanup registered on
the context, which the runner runs on Ctrl-C).
"""

from __future__ import annotations

import copy
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, BinaryIO, TypeVar

from kancli.errors import ClusterError, DeadlineError, FunctionError
from kancli.events import Stream
from kancli.functions.context import FunctionContext
from kancli.functions.output import LogLine, OutputPair, OutputParser, PhaseOutputError
from kancli.kube.resources import PVCS
from kancli.kube.types import PodFailedError, PodOutcome

T = TypeVar("T")

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
    "hostAliases": "ip",
}
#: How many log lines a failure message quotes (Kanister: 10).
TAIL_LINES = 10
#: Longest single blocking wait between two cancellation checks.
WAIT_SLICE = 1.0
_READ_CHUNK = 1024 * 1024


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


def merged_pod_override(
    ctx: FunctionContext, arg_override: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The Blueprint's ``podOverride`` with the run's own override merged over it (the run's
    wins, as the ActionSet's does in ``GetAndMergePodSpecOverride``)."""
    merged = strategic_merge(dict(arg_override or {}), dict(ctx.params.pod_override))
    return dict(merged)


def pod_metadata(
    ctx: FunctionContext,
    *,
    prefix: str,
    namespace: str,
    labels: Mapping[str, str] | None,
    annotations: Mapping[str, str] | None,
    fixed_annotations: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``generateName``, namespace, ``createdBy: kanister`` and the merged labels/annotations
    (run's first, the Blueprint's winning on a key conflict)."""
    all_labels = {
        "createdBy": "kanister",
        **_strings(ctx.params.pod_labels),
        **_strings(labels),
    }
    all_annotations = {
        **dict(fixed_annotations or {}),
        **_strings(ctx.params.pod_annotations),
        **_strings(annotations),
    }
    metadata: dict[str, Any] = {"generateName": prefix, "namespace": namespace}
    metadata["labels"] = all_labels
    if all_annotations:
        metadata["annotations"] = all_annotations
    return metadata


def _strings(values: Mapping[str, Any] | None) -> dict[str, str]:
    """Label/annotation maps: Kanister skips values that are not strings."""
    return {str(k): v for k, v in (values or {}).items() if isinstance(v, str)}


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
    """The manifest of a function-created pod (``GetPodObjectFromPodOptions``); ``volumes``
    maps PVC names to mount paths."""
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
            name = f"vol-{i}-{claim}"[:63].rstrip("-.")
            read_only = _claim_is_read_only(ctx, namespace, claim)
            mount: dict[str, Any] = {"name": name, "mountPath": path}
            source: dict[str, Any] = {"claimName": claim}
            if read_only:
                mount["readOnly"] = True
                source["readOnly"] = True
            mounts.append(mount)
            vols.append({"name": name, "persistentVolumeClaim": source})
        spec["containers"][0]["volumeMounts"] = mounts
        spec["volumes"] = vols
    override = merged_pod_override(ctx, pod_override)
    if override:
        spec = strategic_merge(spec, override)
        spec["containers"].sort(key=lambda c: c.get("name") != "container")
    metadata = pod_metadata(
        ctx, prefix=prefix, namespace=namespace, labels=labels, annotations=annotations
    )
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}


def _claim_is_read_only(ctx: FunctionContext, namespace: str, claim: str) -> bool:
    """Kanister mounts a claim read-only iff its access modes include ReadOnlyMany; the claim
    must exist."""
    try:
        pvc = ctx.kube.get(PVCS, claim, namespace)
    except ClusterError as exc:
        raise FunctionError(f"Failed to retrieve PVC.: {exc.message}") from exc
    modes = (pvc.get("spec") or {}).get("accessModes") or []
    return "ReadOnlyMany" in modes


class LineSink:
    """Splits a byte stream into lines for the user (``ctx.log_line``), keeping the last few for
    error messages; with ``parse`` it also collects the ``kando output`` pairs of the stream.

    Memory is bounded by the longest kept line piece (64 KiB) and the output values. A malformed
    output line does not stop the stream: the error is kept in :attr:`error` for the caller to
    raise once the command has ended (Kanister checks the command's status first).
    """

    def __init__(
        self,
        ctx: FunctionContext,
        stream: Stream,
        *,
        parse: bool,
        pod: str | None = None,
        container: str | None = None,
        display: bool = True,
    ) -> None:
        self._ctx = ctx
        self._stream = stream
        self._pod = pod
        self._container = container
        self._display = display
        self._parser = OutputParser()
        self._keep_outputs = parse
        self.error: PhaseOutputError | None = None
        self.tail: list[str] = []

    @property
    def outputs(self) -> dict[str, str]:
        if not self._keep_outputs:
            return {}
        return self._parser.outputs

    def write(self, data: bytes) -> int:
        self._run(lambda parser: parser.feed(data))
        return len(data)

    def finish(self) -> None:
        self._run(lambda parser: parser.finish())

    def _run(self, step: Callable[[OutputParser], list[LogLine | OutputPair]]) -> None:
        try:
            events = step(self._parser)
        except PhaseOutputError as exc:
            # The rest of the stream is only shown; the error decides the outcome later.
            self.error = self.error or exc
            self._parser = OutputParser()
            self._keep_outputs = False
            return
        for event in events:
            if isinstance(event, LogLine):
                self._line(event.text)

    def _line(self, text: str) -> None:
        text = text.rstrip("\r")
        if not text.strip():
            return
        self.tail = [*self.tail[-(TAIL_LINES - 1) :], text]
        if self._display:
            self._ctx.log_line(text, self._stream, self._pod, self._container)


def wait_in_slices(
    ctx: FunctionContext,
    wait: Callable[[float | None], T],
    *,
    waiting_for: str,
    timeout: float | None = None,
) -> T:
    """Call ``wait(slice)`` in slices of at most :data:`WAIT_SLICE` seconds with
    ``ctx.checkpoint`` in between, so that Ctrl-C and the phase deadline stop a long wait
    promptly. ``waiting_for`` reads "waiting for X". ``timeout`` bounds the whole wait. When the
    phase deadline or ``timeout`` runs out, the :class:`DeadlineError` names it, the wait, and
    the state the last slice saw (e.g. a rollout's ``0/1 available``)."""
    end = None if timeout is None else time.monotonic() + timeout
    while True:
        ctx.checkpoint(waiting_for)
        own_left = None if end is None else max(0.0, end - time.monotonic())
        left = ctx.wait_timeout(own_left)
        piece = WAIT_SLICE if left is None else min(WAIT_SLICE, left)
        try:
            return wait(piece)
        except DeadlineError as exc:
            ctx.cancellation.check()
            state = exc.message.split(" (", 1)[1].rstrip(")") if " (" in exc.message else ""
            suffix = f" ({state})" if state else ""
            if ctx.deadline.remaining() == 0.0:
                raise DeadlineError(f"{ctx.deadline.what} expired {waiting_for}{suffix}") from None
            if end is not None and time.monotonic() >= end:
                raise DeadlineError(f"timed out after {timeout:g}s {waiting_for}{suffix}") from None


def run_pod(
    ctx: FunctionContext,
    manifest: Mapping[str, Any],
    *,
    log_container: str = "container",
    require_success: bool = True,
    what: str = "Failed while waiting for Pod to complete",
) -> dict[str, str]:
    """Create the pod, show ``log_container``'s log live, wait for the pod to end, parse the
    container's complete log and delete the pod.

    Returns the output pairs (``{}`` when none). A malformed output line fails with
    :class:`PhaseOutputError`; with ``require_success`` a pod that did not succeed fails with
    :class:`PodFailedError` (``what``, the pod, how it ended, the log tail).
    """
    kube = ctx.kube
    namespace = str(manifest["metadata"]["namespace"])
    created = kube.create_pod(namespace, manifest)
    name = str(created["metadata"]["name"])

    def delete() -> None:
        kube.delete_pod(namespace, name)

    ctx.on_cleanup(delete)
    try:
        ctx.progress(f"pod {namespace}/{name} created; waiting for it to start")
        _wait_ready(ctx, namespace, name, log_container)
        _follow_live(ctx, namespace, name, log_container)
        outcome = wait_in_slices(
            ctx,
            lambda t: kube.wait_for_pod_completion(namespace, name, timeout=t),
            waiting_for=f"waiting for pod {namespace}/{name} to complete",
        )
        outputs, tail, error = read_complete_log(ctx, namespace, name, log_container)
        if error is not None:
            raise error
        if require_success and not outcome.is_succeeded:
            raise PodFailedError(
                f"{what}: pod {namespace}/{name}: {outcome.describe()}",
                outcome=outcome,
                log_tail="\n".join(tail),
            )
        return outputs
    finally:
        try:
            delete()
        except ClusterError as exc:
            # Left registered: the runner's cleanup tries again when the phase ends.
            ctx.progress(f"warning: could not delete pod {namespace}/{name}: {exc.message}")
        else:
            ctx.forget_cleanup(delete)


def _wait_ready(ctx: FunctionContext, namespace: str, name: str, log_container: str) -> None:
    try:
        wait_in_slices(
            ctx,
            lambda t: ctx.kube.wait_for_pod_ready(
                namespace, name, timeout=t, log_container=log_container
            ),
            waiting_for=f"waiting for pod {namespace}/{name} to start",
            timeout=ctx.pod_ready_timeout,
        )
    except PodFailedError as exc:
        # A container that ran and ended before the pod was seen running left a log to read;
        # whether its failure fails the phase is decided later, as for any other ending.
        if not _ran(exc.outcome):
            raise


def _ran(outcome: PodOutcome) -> bool:
    return any(c.state == "terminated" and c.exit_code is not None for c in outcome.containers)


def _follow_live(ctx: FunctionContext, namespace: str, name: str, container: str) -> None:
    """Show the log as it is written. Only for the user: outputs come from the complete log,
    so a follow stream that gives up is reported as a warning and not an error."""
    sink = LineSink(ctx, Stream.STDOUT, parse=False, pod=name, container=container)
    try:
        ctx.kube.stream_logs(namespace, name, container, sink, timeout=ctx.wait_timeout())
        sink.finish()
    except (ClusterError, DeadlineError) as exc:
        ctx.checkpoint(f"following the log of pod {namespace}/{name}")
        ctx.progress(
            f"warning: the live log of pod {namespace}/{name} broke off ({exc.message}); "
            "its complete log is read for the phase output when the pod ends"
        )


def read_complete_log(
    ctx: FunctionContext, namespace: str, name: str, container: str
) -> tuple[dict[str, str], list[str], PhaseOutputError | None]:
    """The output pairs, the last log lines and the first output error of the container's
    complete log, spooled through a temporary file so that memory stays bounded."""
    with tempfile.TemporaryFile(prefix="kancli-log-") as spool:
        ctx.kube.stream_logs(namespace, name, container, spool, timeout=ctx.wait_timeout())
        ctx.checkpoint(f"reading the log of pod {namespace}/{name}")
        spool.seek(0)
        return _parse_spool(ctx, spool)


def _parse_spool(
    ctx: FunctionContext, spool: BinaryIO
) -> tuple[dict[str, str], list[str], PhaseOutputError | None]:
    sink = LineSink(ctx, Stream.STDOUT, parse=True, display=False)
    while chunk := spool.read(_READ_CHUNK):
        sink.write(chunk)
    sink.finish()
    return sink.outputs, sink.tail, sink.error


def require_namespace(namespace: str, ctx: FunctionContext) -> str:
    """The pod's namespace: the argument, else the run's default (Kanister: the controller's)."""
    result = namespace or ctx.default_namespace
    if not result:
        raise FunctionError("no namespace for the pod: give the namespace argument")
    return result

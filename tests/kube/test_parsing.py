"""The pure parts of kancli.kube: error texts, log timestamps and de-duplication, manifests,
stdin chunking and the StatefulSet claim naming quirk."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest

from kancli.errors import (
    BlueprintError,
    ClusterError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
)
from kancli.kube.apierrors import error_for_status, error_from_status_object, status_message
from kancli.kube.logs import _Follower, parse_timestamp
from kancli.kube.objects import parse_manifests
from kancli.kube.podexec import STDIN_CHUNK, _stdin_chunks
from kancli.kube.streams import LineSplitter
from kancli.kube.workloads import statefulset_volumes

STATUS_404 = json.dumps(
    {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "message": 'pods "web-0" not found',
        "reason": "NotFound",
        "details": {"name": "web-0", "kind": "pods"},
        "code": 404,
    }
).encode()


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        pytest.param(STATUS_404, 404, 'pods "web-0" not found', id="status-message"),
        pytest.param(b'{"kind":"Status","reason":"Gone"}', 410, "Gone (HTTP 410)", id="reason"),
        pytest.param(b"", 502, "HTTP 502 Bad Gateway", id="empty-body"),
        pytest.param(b"upstream timed out\nmore", 504, "upstream timed out (HTTP 504)", id="text"),
        pytest.param(b"<html><body>x</body></html>", 500, "HTTP 500 Bad Gateway", id="html"),
    ],
)
def test_status_message_keeps_only_the_message(body: bytes, code: int, expected: str) -> None:
    assert status_message(body, code, "Bad Gateway") == expected


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        pytest.param(404, NotFoundError, id="404"),
        pytest.param(401, ForbiddenError, id="401"),
        pytest.param(403, ForbiddenError, id="403"),
        pytest.param(409, ConflictError, id="409"),
        pytest.param(422, ClusterError, id="422"),
        pytest.param(500, ClusterError, id="500"),
    ],
)
def test_error_for_status_maps_http_codes(code: int, cls: type[ClusterError]) -> None:
    err = error_for_status(code, "m")
    assert type(err) is cls
    assert err.message == "m"


def test_status_object_in_a_stream_becomes_its_class() -> None:
    err = error_from_status_object(json.loads(STATUS_404), "fallback")
    assert isinstance(err, NotFoundError)
    assert err.message == 'pods "web-0" not found'


@pytest.mark.parametrize(
    ("line", "when", "nanos", "rest"),
    [
        pytest.param(
            b"2026-11-25T06:28:00.123456789Z hello\n",
            dt.datetime(2026, 11, 25, 6, 28, tzinfo=dt.UTC),
            123456789,
            b"hello\n",
            id="nanoseconds-utc",
        ),
        pytest.param(
            b"2026-11-25T06:28:00Z x",
            dt.datetime(2026, 11, 25, 6, 28, tzinfo=dt.UTC),
            0,
            b"x",
            id="no-fraction",
        ),
        pytest.param(
            b"2026-11-25T08:28:00.5+02:00 y\n",
            dt.datetime(2026, 11, 25, 6, 28, tzinfo=dt.UTC),
            500000000,
            b"y\n",
            id="offset-and-short-fraction",
        ),
    ],
)
def test_parse_timestamp_reads_kubelet_prefixes(
    line: bytes, when: dt.datetime, nanos: int, rest: bytes
) -> None:
    parsed = parse_timestamp(line)
    assert parsed is not None
    (parsed_when, parsed_nanos), _text, parsed_rest = parsed
    assert (parsed_when, parsed_nanos, parsed_rest) == (when, nanos, rest)


@pytest.mark.parametrize(
    "line",
    [b"hello world\n", b"2026-11-25 06:28:00 x\n", b"2026-11-25T06:28:00.1Zno-space\n"],
    ids=["plain", "space-separated", "no-separator"],
)
def test_parse_timestamp_rejects_lines_without_one(line: bytes) -> None:
    assert parse_timestamp(line) is None


T1 = b"2026-11-25T06:28:00.100000000Z "
T2 = b"2026-11-25T06:28:00.200000000Z "
T3 = b"2026-11-25T06:28:01.000000000Z "


def test_follower_resumes_without_repeating_lines_with_the_same_timestamp() -> None:
    out: list[bytes] = []
    follower = _Follower(out.append)
    first = [T1 + b"a\n", T2 + b"b\n", T2 + b"c\n"]
    follower.deliver(first, [None, 0])
    skip: list[Any] = [follower.last_key, follower.seen_at_last]
    # the reconnected stream starts at the second (sinceTime has one-second precision)
    again = [T1 + b"a\n", T2 + b"b\n", T2 + b"c\n", T2 + b"d\n", T3 + b"e\n"]
    follower.deliver(again, skip)
    assert out == [b"a\n", b"b\n", b"c\n", b"d\n", b"e\n"]


def test_follower_passes_long_line_continuations_through() -> None:
    out: list[bytes] = []
    follower = _Follower(out.append)
    splitter = LineSplitter(max_line=8)
    lines = splitter.feed(T1 + b"0123456789abcdef\n" + T2 + b"z\n")
    follower.deliver(lines, [None, 0])
    assert b"".join(out) == b"0123456789abcdef\nz\n"


def test_line_splitter_keeps_unfinished_line_for_later() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"a\nb") == [b"a\n"]
    assert splitter.feed(b"c\nd") == [b"bc\n"]
    assert splitter.rest() == b"d"


@pytest.mark.parametrize(
    ("spec", "kinds"),
    [
        pytest.param(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
            "apiVersion: v1\nkind: Secret\nmetadata: {name: b}\n",
            ["ConfigMap", "Secret"],
            id="multi-document-yaml",
        ),
        pytest.param(
            '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}',
            ["ConfigMap"],
            id="json",
        ),
        pytest.param(
            "apiVersion: v1\nkind: List\nitems:\n"
            "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n"
            "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: b}}\n",
            ["ConfigMap", "Deployment"],
            id="list-flattened",
        ),
        pytest.param(
            "---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n",
            ["ConfigMap"],
            id="empty-documents-ignored",
        ),
    ],
)
def test_parse_manifests_reads_every_object(spec: str, kinds: list[str]) -> None:
    assert [m["kind"] for m in parse_manifests(spec)] == kinds


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        pytest.param("", "contains no object", id="empty"),
        pytest.param("kind: ConfigMap\n", "needs apiVersion and kind", id="no-api-version"),
        pytest.param("- a\n- b\n", "not an object", id="a-list"),
        pytest.param("a: [\n", "neither JSON nor YAML", id="broken-yaml"),
    ],
)
def test_parse_manifests_rejects_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(BlueprintError, match=message):
        parse_manifests(spec)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(lambda data: data, id="bytes"),
        pytest.param(io.BytesIO, id="file"),
        pytest.param(lambda data: [data[:10], data[10:]], id="iterable-with-big-piece"),
        pytest.param(memoryview, id="memoryview"),
    ],
)
def test_stdin_is_sent_in_chunks_of_at_most_one_mebibyte(source: Any) -> None:
    data = bytes(range(256)) * (10 * 1024 + 7)  # ~2.5 MiB
    chunks = list(_stdin_chunks(source(data)))
    assert b"".join(chunks) == data
    assert all(0 < len(c) <= STDIN_CHUNK for c in chunks)


def _statefulset(volumes: list[dict[str, Any]], templates: list[str]) -> dict[str, Any]:
    return {
        "metadata": {"name": "db"},
        "spec": {
            "template": {"spec": {"volumes": volumes}},
            "volumeClaimTemplates": [{"metadata": {"name": n}} for n in templates],
        },
    }


@pytest.mark.parametrize(
    ("volumes", "templates", "pod", "expected"),
    [
        pytest.param([], ["data"], "db-0", {"data": "data-db-0"}, id="claim-template"),
        pytest.param(
            [{"name": "vol", "persistentVolumeClaim": {"claimName": "data"}}],
            [],
            "db-2",
            {"vol": "data-db-2"},
            id="direct-claim-is-suffixed-too",
        ),
        pytest.param(
            [{"name": "vol", "persistentVolumeClaim": {"claimName": "data"}}],
            ["data", "logs"],
            "db-1",
            {"vol": "data-db-1", "logs": "logs-db-1"},
            id="template-volume-keeps-its-pod-volume-name",
        ),
        pytest.param(
            [{"name": "scratch", "emptyDir": {}}],
            ["data"],
            "db-0",
            {"data": "data-db-0"},
            id="non-claim-volumes-ignored",
        ),
        pytest.param([], ["data"], "db", {}, id="no-ordinal-no-claims"),
    ],
)
def test_statefulset_volume_claims_follow_kanister(
    volumes: list[dict[str, Any]], templates: list[str], pod: str, expected: dict[str, str]
) -> None:
    assert statefulset_volumes(_statefulset(volumes, templates), pod) == expected

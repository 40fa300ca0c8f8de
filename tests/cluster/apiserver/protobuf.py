"""Just enough of Kubernetes' protobuf wire format to read the bodies kubectl sends that way.

kubectl's typed clients encode some request bodies as ``application/vnd.kubernetes.protobuf``
(``kubectl auth can-i`` posts a SelfSubjectAccessReview so). The envelope is the magic
``k8s\\0`` followed by a ``runtime.Unknown`` message whose ``raw`` field holds the object.
Only SelfSubjectAccessReview is decoded; answers are always JSON, which clients accept.
"""

from __future__ import annotations

from typing import Any

from tests.cluster.apiserver.status import ApiError, status_object

MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"

Fields = dict[int, list[Any]]


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def parse(data: bytes) -> Fields:
    """Field number -> values (ints for varints, bytes for length-delimited)."""
    fields: Fields = {}
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        fields.setdefault(number, []).append(value)
    return fields


def _text(fields: Fields, number: int) -> str:
    values = fields.get(number)
    return values[0].decode() if values else ""


def decode_access_review(body: bytes) -> dict[str, Any]:
    """A protobuf SelfSubjectAccessReview as the JSON object it stands for."""
    if not body.startswith(MAGIC):
        raise _unsupported()
    unknown = parse(body[len(MAGIC) :])
    review = parse(unknown.get(2, [b""])[0])
    spec = parse(review.get(2, [b""])[0])
    result: dict[str, Any] = {}
    if 1 in spec:
        attrs = parse(spec[1][0])
        names = ("namespace", "verb", "group", "version", "resource", "subresource", "name")
        result["resourceAttributes"] = {n: _text(attrs, i + 1) for i, n in enumerate(names)}
    if 2 in spec:
        attrs = parse(spec[2][0])
        result["nonResourceAttributes"] = {"path": _text(attrs, 1), "verb": _text(attrs, 2)}
    return {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": result,
    }


def _unsupported() -> ApiError:
    return ApiError(
        status_object(
            415,
            "UnsupportedMediaType",
            f"the body of the request was in an unknown format - accepted "
            f"media types include: application/json, application/yaml, "
            f"{MEDIA_TYPE}",
        )
    )


def unsupported() -> ApiError:
    return _unsupported()

"""Kubernetes ``Status`` objects and the exception that carries one out of a handler.

Clients (kubectl, the official Python client, kancli) show ``Status.message`` to users and branch
on ``reason`` and ``code``, so every error here is worded exactly as a real API server words it
(``k8s.io/apimachinery/pkg/api/errors``).
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error response: ``status`` is the full Status object, ``code`` its HTTP code."""

    def __init__(self, status: dict[str, Any]) -> None:
        super().__init__(status.get("message", ""))
        self.status = status
        self.code = int(status["code"])


def status_object(
    code: int,
    reason: str,
    message: str,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
    }
    if details:
        obj["details"] = details
    obj["code"] = code
    return obj


def success_status(details: dict[str, Any] | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
    }
    if details:
        obj["details"] = details
    return obj


def qualified(resource: str, group: str) -> str:
    """``pods`` or ``deployments.apps``: how messages name a resource."""
    return f"{resource}.{group}" if group else resource


def _details(name: str, group: str, kind: str) -> dict[str, Any]:
    details: dict[str, Any] = {"name": name}
    if group:
        details["group"] = group
    details["kind"] = kind
    return details


def not_found(resource: str, group: str, name: str) -> ApiError:
    return ApiError(
        status_object(
            404,
            "NotFound",
            f'{qualified(resource, group)} "{name}" not found',
            _details(name, group, resource),
        )
    )


def already_exists(resource: str, group: str, name: str) -> ApiError:
    return ApiError(
        status_object(
            409,
            "AlreadyExists",
            f'{qualified(resource, group)} "{name}" already exists',
            _details(name, group, resource),
        )
    )


def conflict(resource: str, group: str, name: str) -> ApiError:
    return ApiError(
        status_object(
            409,
            "Conflict",
            f'Operation cannot be fulfilled on {qualified(resource, group)} "{name}": the object '
            "has been modified; please apply your changes to the latest version and try again",
            _details(name, group, resource),
        )
    )


def invalid(kind: str, group: str, name: str, causes: list[tuple[str, str]]) -> ApiError:
    """422 Invalid; ``causes`` are (field, message) pairs, message already field-worded
    (``Required value``, ``Invalid value: "x": ...``)."""
    qualified_kind = f"{kind}.{group}" if group else kind
    joined = ", ".join(f"{field}: {msg}" for field, msg in causes)
    text = f"[{joined}]" if len(causes) > 1 else joined
    details = _details(name, group, kind)
    details["causes"] = [
        {"reason": _cause_reason(msg), "message": msg, "field": field} for field, msg in causes
    ]
    return ApiError(
        status_object(422, "Invalid", f'{qualified_kind} "{name}" is invalid: {text}', details)
    )


def _cause_reason(message: str) -> str:
    for prefix, reason in (
        ("Required value", "FieldValueRequired"),
        ("Invalid value", "FieldValueInvalid"),
        ("Unsupported value", "FieldValueNotSupported"),
        ("Forbidden", "FieldValueForbidden"),
        ("Duplicate value", "FieldValueDuplicate"),
    ):
        if message.startswith(prefix):
            return reason
    return "FieldValueInvalid"


def bad_request(message: str) -> ApiError:
    return ApiError(status_object(400, "BadRequest", message))


def method_not_allowed() -> ApiError:
    return ApiError(
        status_object(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        )
    )


def unsupported_media_type(content_type: str) -> ApiError:
    return ApiError(
        status_object(
            415,
            "UnsupportedMediaType",
            f"the body of the request was in an unknown format - accepted media types include: "
            f"application/json-patch+json, application/merge-patch+json, "
            f"application/apply-patch+yaml{_smp_hint(content_type)}",
        )
    )


def _smp_hint(content_type: str) -> str:
    return ", application/strategic-merge-patch+json" if "strategic" not in content_type else ""


def unauthorized() -> ApiError:
    return ApiError(status_object(401, "Unauthorized", "Unauthorized"))


def forbidden(
    resource: str, group: str, name: str, message_tail: str, *, kind: str | None = None
) -> ApiError:
    """403 worded as RBAC words it: ``pods "x" is forbidden: <tail>``."""
    subject = qualified(resource, group)
    head = f'{subject} "{name}"' if name else subject
    details: dict[str, Any] = {}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    details["kind"] = kind or resource
    return ApiError(
        status_object(403, "Forbidden", f"{head} is forbidden: {message_tail}", details)
    )


def gone(message: str) -> ApiError:
    return ApiError(status_object(410, "Expired", message))


def internal_error(message: str) -> ApiError:
    return ApiError(
        status_object(
            500,
            "InternalError",
            f"Internal error occurred: {message}",
            {"causes": [{"message": message}]},
        )
    )

"""Asking the API server what the current user may do (``kubectl auth can-i``).

``kancli doctor`` checks the permissions a Blueprint run needs (exec into pods, create and delete
pods, scale workloads, read Secrets) before anything runs, so that a missing permission is
reported up front instead of half-way through an action.
"""

from __future__ import annotations

from kancli.errors import ClusterError
from kancli.kube.connection import Connection
from kancli.kube.types import AccessReview

_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"


def can_i(
    conn: Connection,
    verb: str,
    resource: str,
    *,
    subresource: str = "",
    namespace: str = "",
    group: str = "",
    name: str = "",
) -> AccessReview:
    """One SelfSubjectAccessReview: may the current user ``verb`` the ``resource``?"""
    attributes = {
        "verb": verb,
        "resource": resource,
        "group": group,
        "namespace": namespace,
        "subresource": subresource,
        "name": name,
    }
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": {k: v for k, v in attributes.items() if v}},
    }
    answer = conn.request_json(
        "POST", _PATH, body=review, what=f"access review for {verb} {resource}"
    )
    status = answer.get("status") if isinstance(answer, dict) else None
    if not isinstance(status, dict):
        raise ClusterError("the API server answered an access review without a status")
    return AccessReview(
        allowed=bool(status.get("allowed")),
        denied=bool(status.get("denied")),
        reason=str(status.get("reason") or ""),
        evaluation_error=str(status.get("evaluationError") or ""),
    )

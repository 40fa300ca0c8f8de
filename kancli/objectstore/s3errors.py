"""Translate boto3/botocore failures into kancli's object-store errors, once, at the edge.

Users' top complaint about Kanister's object-store setup is cryptic errors (users-and-peers.md §4,
item 11). Every message here names the bucket, the endpoint and, where relevant, the key and the
access key ID, and says what went wrong in words; the secret key never appears.
"""

from __future__ import annotations

from typing import Any

from botocore import exceptions as bexc

from kancli.errors import ObjectStoreError
from kancli.objectstore.base import (
    BucketNotFoundError,
    CredentialsRejectedError,
    ObjectNotFoundError,
    StoreUnreachableError,
)

_CREDENTIAL_CODES = {
    "InvalidAccessKeyId": "the access key ID is unknown to the endpoint",
    "SignatureDoesNotMatch": "the secret access key does not match the access key ID",
    "AccessDenied": "access was denied",
    "403": "access was denied (HTTP 403)",
    "Forbidden": "access was denied (HTTP 403)",
    "ExpiredToken": "the session token has expired",
    "InvalidToken": "the session token is invalid",
    "TokenRefreshRequired": "the session token must be refreshed",
    "AllAccessDisabled": "all access to this object has been disabled",
    "AccountProblem": "the account has a problem that prevents access",
    "InvalidClientTokenId": "the access key ID is unknown to the endpoint",
}
_NOT_FOUND_CODES = ("NoSuchKey", "404", "NotFound")


def client_error_code(exc: BaseException) -> str:
    """The S3 error code of a botocore ClientError, or ``""``."""
    if isinstance(exc, bexc.ClientError):
        error: dict[str, Any] = exc.response.get("Error", {})
        return str(error.get("Code", ""))
    return ""


def _client_message(exc: bexc.ClientError) -> str:
    error: dict[str, Any] = exc.response.get("Error", {})
    return str(error.get("Message") or "").strip()


def translate(
    exc: BaseException,
    *,
    action: str,
    bucket: str,
    endpoint: str,
    key: str | None = None,
    access_key_id: str | None = None,
    secret: str | None = None,
) -> ObjectStoreError:
    """Build the kancli error for a botocore failure while doing ``action`` (e.g. "read")."""
    where = f"bucket '{bucket}' at {endpoint}"
    what = f"object '{key}' in {where}" if key else where
    if isinstance(exc, bexc.ClientError):
        err = _translate_client_error(exc, action, where, what, access_key_id)
    elif isinstance(exc, bexc.NoCredentialsError):
        err = CredentialsRejectedError(
            f"cannot {action} {what}: no credentials were given and none were found in the "
            "default AWS chain (environment, config files, instance role)",
            hint="give the Profile a keyPair or secret credential",
        )
    elif isinstance(exc, bexc.SSLError):
        err = StoreUnreachableError(
            f"cannot {action} {what}: TLS handshake failed: {exc}",
            hint="if the endpoint uses a self-signed certificate, set skipSSLVerify: true",
        )
    elif isinstance(exc, bexc.EndpointConnectionError | bexc.ConnectionClosedError):
        err = StoreUnreachableError(
            f"cannot {action} {what}: cannot connect to endpoint {endpoint} "
            f"(connection refused or host unreachable)",
            hint="check the Profile's endpoint and that the object store is running",
        )
    elif isinstance(exc, bexc.ConnectTimeoutError | bexc.ReadTimeoutError):
        err = StoreUnreachableError(f"cannot {action} {what}: endpoint {endpoint} timed out")
    elif isinstance(exc, bexc.BotoCoreError | OSError):
        err = StoreUnreachableError(f"cannot {action} {what}: {exc}")
    else:
        err = ObjectStoreError(f"cannot {action} {what}: {type(exc).__name__}: {exc}")
    return _scrub(err, secret)


def _translate_client_error(
    exc: bexc.ClientError, action: str, where: str, what: str, access_key_id: str | None
) -> ObjectStoreError:
    code = client_error_code(exc)
    message = _client_message(exc)
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    detail = f"{code}: {message}" if message else code
    if code == "NoSuchBucket":
        return BucketNotFoundError(
            f"cannot {action} {what}: {where} does not exist",
            hint="create the bucket or fix the Profile's bucket and endpoint",
        )
    if code in _NOT_FOUND_CODES:
        return ObjectNotFoundError(f"cannot {action} {what}: it does not exist")
    if code in _CREDENTIAL_CODES:
        who = f"credential '{access_key_id}'" if access_key_id else "the default credential"
        return CredentialsRejectedError(
            f"cannot {action} {what}: {who} was rejected by the endpoint: "
            f"{_CREDENTIAL_CODES[code]} ({detail})",
            hint="check the Profile's credential Secret and the bucket policy",
        )
    if code in ("PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraint"):
        return ObjectStoreError(
            f"cannot {action} {what}: wrong region ({detail})",
            hint="set the Profile's region to the bucket's region",
        )
    if isinstance(status, int) and status >= 500:
        return StoreUnreachableError(
            f"cannot {action} {what}: the endpoint kept failing (HTTP {status}, {detail})"
        )
    return ObjectStoreError(f"cannot {action} {what}: {detail or exc}")


def _scrub(err: ObjectStoreError, secret: str | None) -> ObjectStoreError:
    """Belt and braces: never let a secret key reach a message, whatever a server echoed."""
    if secret and secret in err.message:
        err.message = err.message.replace(secret, "***")
        err.args = (err.message,)
    return err

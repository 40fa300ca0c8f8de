"""Where objects live: a Kanister Profile's location and credential, or a ``file://`` URL.

Kanister Blueprints address storage through a Profile (kanister-behaviour.md §1.3, §2.4, §5.0,
§8.3). This module turns the Profile (in the Go-JSON shape that ``{{ toJson .Profile }}`` yields
and ``kando`` reads) into a :class:`Location`, validates it with Kanister's messages, and opens the
matching :class:`~kancli.objectstore.base.Store`. It also implements two Kanister helpers:
``ResolveArtifactPrefix`` and the prefix delete behind LocationDelete (§5.14).

Deliberate deviation: a LocationDelete whose computed prefix is empty would delete the whole
bucket in Kanister; kancli refuses it with an error instead.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlparse

from kancli.errors import ObjectStoreError
from kancli.objectstore.base import Store

LOCATION_S3 = "s3Compliant"
LOCATION_FILE = "file"
AWS_SECRET_TYPE = "secrets.kanister.io/aws"  # noqa: S105 - a Secret type, not a secret
_AWS_SECRET_KEYS = ("aws_access_key_id", "aws_secret_access_key", "role")


@dataclass(frozen=True)
class AwsCredential:
    """An S3 access key pair, optionally a session token and a role to assume with it."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    role: str | None = None


@dataclass(frozen=True)
class S3Tuning:
    """Knobs for the S3 client; the defaults suit both AWS and a local test server."""

    part_size: int = 8 << 20
    max_concurrency: int = 4
    max_attempts: int = 5
    connect_timeout: float = 10.0
    read_timeout: float = 120.0


@dataclass(frozen=True)
class Location:
    """A place for objects: an S3-compatible bucket and prefix, or a local directory (``root``).

    ``credential`` None means the default AWS chain (environment, config files, instance role).
    """

    type: str
    bucket: str = ""
    endpoint: str = ""
    prefix: str = ""
    region: str = ""
    skip_ssl_verify: bool = False
    credential: AwsCredential | None = None
    root: str = ""

    def describe(self) -> str:
        """The location without any secret, for messages."""
        if self.type == LOCATION_FILE:
            return f"file://{self.root}"
        where = f"s3://{self.bucket}"
        if self.prefix:
            where += "/" + self.prefix.strip("/")
        return f"{where} at {self.endpoint or 'AWS S3'}"


def go_path_clean(path: str) -> str:
    """Go's ``path.Clean``: like ``posixpath.normpath`` but never keeps a leading ``//``."""
    if not path:
        return "."
    cleaned = posixpath.normpath(path)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


def go_path_join(*parts: str) -> str:
    """Go's ``path.Join``/``filepath.Join`` on Unix: join non-empty parts, then clean."""
    kept = [p for p in parts if p]
    return go_path_clean("/".join(kept)) if kept else ""


def resolve_artifact_prefix(artifact_prefix: str, bucket: str) -> str:
    """Kanister's ResolveArtifactPrefix: prepend the bucket unless the first component is it."""
    if artifact_prefix.split("/", maxsplit=1)[0] == bucket:
        return artifact_prefix
    return go_path_join(bucket, artifact_prefix)


def split_resolved_prefix(resolved: str) -> tuple[str, str]:
    """Split ``bucket/path`` (how restic reads an S3 repository URL) into bucket and key prefix."""
    bucket, _, rest = resolved.strip("/").partition("/")
    return bucket, rest.strip("/")


# -- parsing --------------------------------------------------------------------------------


def _decode_secret_data(secret: Mapping[str, Any]) -> dict[str, str]:
    """A corev1.Secret as Go JSON: ``data`` values are base64, ``stringData`` values are text."""
    values: dict[str, str] = {}
    for key, raw in (secret.get("data") or {}).items():
        if isinstance(raw, bytes | bytearray):
            values[key] = bytes(raw).decode()
            continue
        try:
            values[key] = base64.b64decode(str(raw), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ObjectStoreError(f"Secret field '{key}' is not valid base64 text") from exc
    for key, raw in (secret.get("stringData") or {}).items():
        values[key] = str(raw)
    return values


def _credential_from_secret(secret: Mapping[str, Any] | None) -> AwsCredential:
    if not secret:
        raise ObjectStoreError("Profile credential of type 'secret' has no Secret")
    meta = secret.get("metadata") or {}
    name = f"{meta.get('namespace', '')}:{meta.get('name', '')}"
    secret_type = str(secret.get("type", ""))
    if secret_type != AWS_SECRET_TYPE:
        raise ObjectStoreError(f"Unsupported type '{secret_type}' for secret '{name}'")
    values = _decode_secret_data(secret)
    for key in values:
        if key not in _AWS_SECRET_KEYS:
            raise ObjectStoreError(f"Secret has an unknown field '{key}'")
    key_id = values.get("aws_access_key_id", "")
    secret_key = values.get("aws_secret_access_key", "")
    if not key_id:
        raise ObjectStoreError("Access key ID is not set")
    if not secret_key:
        raise ObjectStoreError("Secret access key is not set")
    return AwsCredential(key_id, secret_key, role=values.get("role") or None)


def _credential_from_profile(cred: Mapping[str, Any] | None) -> AwsCredential | None:
    if not cred:
        return None
    cred_type = str(cred.get("Type") or cred.get("type") or "")
    if cred_type == "keyPair":
        pair = cred.get("KeyPair") or cred.get("keyPair") or {}
        key_id, secret_key = str(pair.get("ID") or ""), str(pair.get("Secret") or "")
        if not key_id:
            raise ObjectStoreError("Access key ID is not set")
        if not secret_key:
            raise ObjectStoreError("Secret access key is not set")
        return AwsCredential(key_id, secret_key)
    if cred_type == "secret":
        return _credential_from_secret(cred.get("Secret") or cred.get("secret"))
    raise ObjectStoreError(f"CredentialType '{cred_type}' not supported")


def location_from_profile(profile: Mapping[str, Any] | None) -> Location:
    """Validate a Profile (``toJson .Profile`` shape) as Kanister's ValidateProfile does.

    An absent credential means the default AWS credential chain.
    """
    if profile is None:
        raise ObjectStoreError("Profile must be non-nil")
    loc = profile.get("Location") or profile.get("location") or {}
    loc_type = str(loc.get("type") or loc.get("Type") or "")
    if loc_type not in (LOCATION_S3, "gcs", "azure", "kopia"):
        raise ObjectStoreError("Location type not supported")
    if loc_type != LOCATION_S3:
        raise ObjectStoreError(
            f"Location type '{loc_type}' is not supported by kancli's data path",
            hint="kancli stores backups in S3-compatible object stores (type s3Compliant)",
        )
    credential = _credential_from_profile(profile.get("Credential") or profile.get("credential"))
    skip = profile.get("SkipSSLVerify", profile.get("skipSSLVerify", False))
    return Location(
        type=LOCATION_S3,
        bucket=str(loc.get("bucket") or ""),
        endpoint=str(loc.get("endpoint") or ""),
        prefix=str(loc.get("prefix") or ""),
        region=str(loc.get("region") or ""),
        skip_ssl_verify=bool(skip),
        credential=credential,
    )


def location_from_url(url: str, credential: AwsCredential | None = None) -> Location:
    """``file:///dir`` or ``s3://bucket[/prefix]`` (AWS, default or given credential)."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise ObjectStoreError(f"file URL {url!r} must name a local path (file:///path)")
        root = unquote(parsed.path)
        if not root.startswith("/"):
            raise ObjectStoreError(f"file URL {url!r} must hold an absolute path")
        return Location(type=LOCATION_FILE, root=root)
    if parsed.scheme == "s3" and parsed.netloc:
        return Location(
            type=LOCATION_S3,
            bucket=parsed.netloc,
            prefix=parsed.path.strip("/"),
            credential=credential,
        )
    raise ObjectStoreError(f"unsupported location {url!r}: use file:///path or s3://bucket/prefix")


# -- opening --------------------------------------------------------------------------------


def open_bucket(location: Location, tuning: S3Tuning | None = None) -> Store:
    """A store rooted at the bucket (or directory) itself, ignoring ``location.prefix``."""
    if location.type == LOCATION_FILE:
        from kancli.objectstore.local import LocalStore

        return LocalStore(location.root)
    if location.type == LOCATION_S3:
        if not location.bucket:
            raise ObjectStoreError("the location names no bucket")
        from kancli.objectstore.s3 import S3Store

        return S3Store(location, tuning)
    raise ObjectStoreError(f"Location type '{location.type}' not supported")


def open_store(location: Location, tuning: S3Tuning | None = None) -> Store:
    """A store rooted at the location's bucket plus prefix (what ``kando location`` uses)."""
    store = open_bucket(location, tuning)
    prefix = go_path_clean(location.prefix).strip("/") if location.prefix else ""
    return store.scoped(prefix) if prefix and prefix != "." else store


def open_repository_store(
    location: Location, artifact_prefix: str, tuning: S3Tuning | None = None
) -> Store:
    """The store for a restic-style repository at ``backupArtifactPrefix`` (§5.7, §8.3).

    Like Kanister's data functions, the prefix is resolved against the bucket and the
    Profile's own ``prefix`` is ignored. For a file location the prefix is a subdirectory.
    """
    if location.type == LOCATION_FILE:
        sub = go_path_clean(artifact_prefix).strip("/")
        store = open_bucket(location, tuning)
        return store.scoped(sub) if sub and sub != "." else store
    resolved = resolve_artifact_prefix(artifact_prefix, location.bucket)
    bucket, key_prefix = split_resolved_prefix(resolved)
    if bucket != location.bucket:
        location = dataclasses.replace(location, bucket=bucket)
    store = open_bucket(location, tuning)
    return store.scoped(key_prefix) if key_prefix else store


def location_delete_prefix(location: Location, artifact: str) -> str:
    """The key prefix Kanister's LocationDelete removes for ``artifact`` (§5.14).

    ``filepath.Join("/", profile.prefix, TrimPrefix(artifact, bucket))`` without its leading
    slash; it is a plain string prefix, so ``a/b`` also matches ``a/bc``.
    """
    suffix = artifact.removeprefix(location.bucket) if location.bucket else artifact
    joined = go_path_join("/", location.prefix, suffix)
    return joined.lstrip("/")


def location_delete(location: Location, artifact: str, tuning: S3Tuning | None = None) -> int:
    """Delete every object under the LocationDelete prefix for ``artifact``; returns the count."""
    prefix = location_delete_prefix(location, artifact)
    if not prefix:
        raise ObjectStoreError(
            f"refusing to delete every object in {location.describe()}: "
            f"artifact {artifact!r} resolves to an empty prefix",
            hint="name the artifact's path inside the bucket",
        )
    store = open_bucket(location, tuning)
    try:
        return store.delete_prefix(prefix)
    finally:
        store.close()

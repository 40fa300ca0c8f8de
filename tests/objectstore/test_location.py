"""Profiles become locations with Kanister's validation; Kanister's prefix helpers."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from kancli.errors import ObjectStoreError
from kancli.objectstore import (
    AwsCredential,
    Location,
    location_delete,
    location_delete_prefix,
    location_from_profile,
    location_from_url,
    open_repository_store,
    resolve_artifact_prefix,
)
from kancli.objectstore.local import LocalStore


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _profile(credential: dict[str, Any] | None, **location: str) -> dict[str, Any]:
    loc = {"type": "s3Compliant", "bucket": "bkt", "endpoint": "http://minio:9000"}
    loc.update(location)
    return {"Location": loc, "Credential": credential, "SkipSSLVerify": True}


def test_key_pair_profile_in_to_json_shape_becomes_a_location() -> None:
    cred = {"Type": "keyPair", "KeyPair": {"ID": "AKID", "Secret": "s3cr3t"}, "Secret": None}
    loc = location_from_profile(_profile(cred, prefix="pre", region="eu-west-1"))
    assert loc == Location(
        type="s3Compliant",
        bucket="bkt",
        endpoint="http://minio:9000",
        prefix="pre",
        region="eu-west-1",
        skip_ssl_verify=True,
        credential=AwsCredential("AKID", "s3cr3t"),
    )
    assert "s3cr3t" not in repr(loc)


def test_aws_typed_secret_profile_uses_its_keys_and_role() -> None:
    secret = {
        "metadata": {"name": "creds", "namespace": "kanister"},
        "type": "secrets.kanister.io/aws",
        "data": {
            "aws_access_key_id": _b64("AKID"),
            "aws_secret_access_key": _b64("sk"),
            "role": _b64("arn:aws:iam::123456789012:role/backup"),
        },
    }
    loc = location_from_profile(_profile({"Type": "secret", "Secret": secret}))
    assert loc.credential == AwsCredential(
        "AKID", "sk", role="arn:aws:iam::123456789012:role/backup"
    )


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (None, "Profile must be non-nil"),
        (_profile({"Type": "keyPair", "KeyPair": {"ID": "", "Secret": "x"}}), "Access key ID is"),
        (_profile({"Type": "keyPair", "KeyPair": {"ID": "a", "Secret": ""}}), "Secret access key"),
        (_profile({"Type": "kopia"}), "CredentialType 'kopia' not supported"),
        (_profile(None, type="ftp"), "Location type not supported"),
        (_profile(None, type="gcs"), "'gcs' is not supported by kancli"),
        (
            _profile(
                {
                    "Type": "secret",
                    "Secret": {"type": "Opaque", "metadata": {"name": "s", "namespace": "n"}},
                }
            ),
            "Unsupported type 'Opaque' for secret 'n:s'",
        ),
        (
            _profile(
                {
                    "Type": "secret",
                    "Secret": {
                        "type": "secrets.kanister.io/aws",
                        "data": {"aws_access_key_id": _b64("a"), "extra": _b64("x")},
                    },
                }
            ),
            "Secret has an unknown field",
        ),
    ],
    ids=[
        "nil",
        "empty-key-id",
        "empty-secret",
        "kopia-credential",
        "unknown-location",
        "gcs-location",
        "secret-wrong-type",
        "secret-unknown-field",
    ],
)
def test_invalid_profiles_fail_with_kanisters_messages(
    profile: dict[str, Any] | None, message: str
) -> None:
    with pytest.raises(ObjectStoreError, match=message):
        location_from_profile(profile)


def test_profile_without_credential_uses_the_default_chain() -> None:
    assert location_from_profile(_profile(None)).credential is None


@pytest.mark.parametrize(
    ("prefix", "bucket", "expected"),
    [
        ("backups/app", "bkt", "bkt/backups/app"),
        ("bkt/backups/app", "bkt", "bkt/backups/app"),
        ("bkt", "bkt", "bkt"),
        ("bktx/a", "bkt", "bkt/bktx/a"),
        ("a//b/../c/", "bkt", "bkt/a/c"),
        ("bkt//keep/as-is/", "bkt", "bkt//keep/as-is/"),
        ("", "bkt", "bkt"),
    ],
    ids=[
        "prepends",
        "already-there",
        "bucket-only",
        "similar-name",
        "cleans",
        "kept-verbatim",
        "empty",
    ],
)
def test_resolve_artifact_prefix_matches_kanister(prefix: str, bucket: str, expected: str) -> None:
    assert resolve_artifact_prefix(prefix, bucket) == expected


@pytest.mark.parametrize(
    ("profile_prefix", "artifact", "expected"),
    [
        ("", "bkt/backups/run1", "backups/run1"),
        ("", "backups/run1", "backups/run1"),
        ("base", "bkt/backups/run1", "base/backups/run1"),
        ("base/", "/x/y/", "base/x/y"),
        ("", "s3://bkt/path", "s3:/bkt/path"),
    ],
    ids=["bucket-trimmed", "no-bucket", "profile-prefix", "slashes-cleaned", "s3-url-not-trimmed"],
)
def test_location_delete_prefix_matches_kanister(
    profile_prefix: str, artifact: str, expected: str
) -> None:
    loc = Location(type="s3Compliant", bucket="bkt", prefix=profile_prefix)
    assert location_delete_prefix(loc, artifact) == expected


def test_location_delete_removes_every_object_with_the_string_prefix(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    for key in ["backups/run1/a", "backups/run1/b/c", "backups/run10", "backups/run2/a"]:
        store.put(key, b"x")
    loc = location_from_url(f"file://{tmp_path}")
    assert location_delete(loc, "backups/run1") == 3
    assert [i.key for i in store.list()] == ["backups/run2/a"]


def test_location_delete_refuses_to_empty_a_whole_bucket(tmp_path: Path) -> None:
    loc = location_from_url(f"file://{tmp_path}")
    with pytest.raises(ObjectStoreError, match="refusing to delete every object"):
        location_delete(loc, "/")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("file:///var/backups", Location(type="file", root="/var/backups")),
        ("s3://bkt/some/prefix/", Location(type="s3Compliant", bucket="bkt", prefix="some/prefix")),
    ],
    ids=["file", "s3"],
)
def test_location_urls_are_parsed(url: str, expected: Location) -> None:
    assert location_from_url(url) == expected


@pytest.mark.parametrize("url", ["file://host/x", "file:relative", "http://x/y", "s3://"])
def test_unsupported_location_urls_are_rejected(url: str) -> None:
    with pytest.raises(ObjectStoreError):
        location_from_url(url)


def test_repository_store_for_a_file_location_is_a_subdirectory(tmp_path: Path) -> None:
    store = open_repository_store(location_from_url(f"file://{tmp_path}"), "team/app")
    store.put("config", b"x")
    assert (tmp_path / "team" / "app" / "config").read_bytes() == b"x"

"""S3 specifics against moto over real HTTP: errors users can act on, credentials, prefixes."""

from __future__ import annotations

import base64

import pytest

from kancli.errors import ExitCode, ObjectStoreError
from kancli.objectstore import (
    AwsCredential,
    BucketNotFoundError,
    CredentialsRejectedError,
    S3Tuning,
    StoreUnreachableError,
    location_delete,
    location_from_profile,
    open_repository_store,
    open_store,
)
from tests.objectstore.conftest import s3_location
from tests.objectstore.motoserver import AUTH_BUCKET, MotoServer, free_port

FAST_FAIL = S3Tuning(max_attempts=1, connect_timeout=2, read_timeout=5)


def test_missing_bucket_error_names_bucket_and_endpoint(moto: MotoServer) -> None:
    store = open_store(s3_location(moto, "no-such-bucket"), FAST_FAIL)
    with pytest.raises(BucketNotFoundError) as info:
        store.put("k", b"x")
    message = str(info.value)
    assert "bucket 'no-such-bucket'" in message
    assert moto.endpoint in message
    assert info.value.exit_code == ExitCode.OBJECT_STORE


def test_unreachable_endpoint_says_connection_failed(moto: MotoServer) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    store = open_store(s3_location(moto, "bkt", endpoint=endpoint), FAST_FAIL)
    with pytest.raises(StoreUnreachableError, match="cannot connect to endpoint") as info:
        store.read("k")
    assert endpoint in str(info.value)


@pytest.mark.parametrize(
    ("key_id", "secret", "reason"),
    [
        ("AKIAUNKNOWN000000000", "whatever", "access key ID is unknown"),
        (None, "wrong-secret-value", "secret access key does not match"),
    ],
    ids=["unknown-key-id", "wrong-secret"],
)
def test_rejected_credentials_name_the_key_id_and_never_the_secret(
    moto_auth: MotoServer, key_id: str | None, secret: str, reason: str
) -> None:
    key = key_id or moto_auth.access_key
    loc = s3_location(moto_auth, AUTH_BUCKET, credential=AwsCredential(key, secret))
    store = open_store(loc, FAST_FAIL)
    with pytest.raises(CredentialsRejectedError) as info:
        store.put("k", b"x")
    message = str(info.value)
    assert f"credential '{key}' was rejected by the endpoint" in message
    assert reason in message
    assert AUTH_BUCKET in message
    assert moto_auth.endpoint in message
    assert secret not in message


def test_valid_credentials_work_on_a_server_that_checks_signatures(moto_auth: MotoServer) -> None:
    store = open_store(s3_location(moto_auth, AUTH_BUCKET), FAST_FAIL)
    store.put("ok", b"signed")
    assert store.read("ok") == b"signed"


def test_endpoint_without_scheme_and_with_trailing_slash_is_accepted(
    moto: MotoServer, s3_bucket: str
) -> None:
    endpoint = moto.endpoint.removeprefix("http://") + "/"
    store = open_store(s3_location(moto, s3_bucket, endpoint="http://" + endpoint))
    store.put("k", b"v")
    assert store.read("k") == b"v"


def test_profile_prefix_scopes_the_store(moto: MotoServer, s3_bucket: str) -> None:
    scoped = open_store(s3_location(moto, s3_bucket, prefix="team/a"))
    scoped.put("obj", b"1")
    whole = open_store(s3_location(moto, s3_bucket))
    assert [i.key for i in whole.list()] == ["team/a/obj"]


def test_repository_store_resolves_the_artifact_prefix_and_ignores_profile_prefix(
    moto: MotoServer, s3_bucket: str
) -> None:
    loc = s3_location(moto, s3_bucket, prefix="ignored")
    open_repository_store(loc, "backups/app").put("config", b"x")
    open_repository_store(loc, f"{s3_bucket}/backups/app2").put("config", b"y")
    whole = open_store(s3_location(moto, s3_bucket))
    assert sorted(i.key for i in whole.list()) == ["backups/app/config", "backups/app2/config"]


def test_location_delete_on_s3_deletes_by_prefix_under_the_profile_prefix(
    moto: MotoServer, s3_bucket: str
) -> None:
    whole = open_store(s3_location(moto, s3_bucket))
    for key in ["pre/run/a", "pre/run/b", "pre/runner", "pre/other", "run/a"]:
        whole.put(key, b"x")
    loc = s3_location(moto, s3_bucket, prefix="pre")
    assert location_delete(loc, f"{s3_bucket}/run") == 3
    assert sorted(i.key for i in whole.list()) == ["pre/other", "run/a"]


def test_secret_credential_with_role_assumes_the_role_through_sts(
    moto: MotoServer, s3_bucket: str
) -> None:
    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    profile = {
        "Location": {"type": "s3Compliant", "bucket": s3_bucket, "endpoint": moto.endpoint},
        "Credential": {
            "Type": "secret",
            "Secret": {
                "type": "secrets.kanister.io/aws",
                "data": {
                    "aws_access_key_id": b64(moto.access_key),
                    "aws_secret_access_key": b64(moto.secret_key),
                    "role": b64("arn:aws:iam::123456789012:role/kancli-backup"),
                },
            },
        },
    }
    store = open_store(location_from_profile(profile))
    store.put("via-role", b"ok")
    assert store.read("via-role") == b"ok"


def test_assume_role_failure_is_an_object_store_error(moto: MotoServer) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    cred = AwsCredential("a", "b", role="arn:aws:iam::123456789012:role/x")
    with pytest.raises(ObjectStoreError, match="assume role"):
        open_store(s3_location(moto, "bkt", endpoint=endpoint, credential=cred), FAST_FAIL)

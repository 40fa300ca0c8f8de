"""The S3 server fixture: a real server on 127.0.0.1 that boto3 and pods can use."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from pathlib import Path

import boto3
import pytest

from tests.cluster.s3 import S3Server, ServerKind

pytestmark = pytest.mark.s3


def _client(server: S3Server):  # type: ignore[no-untyped-def]
    ep = server.endpoint
    return boto3.client("s3", endpoint_url=ep.url, aws_access_key_id=ep.access_key,
                        aws_secret_access_key=ep.secret_key, region_name=ep.region)  # fmt: skip


def _kinds() -> list[object]:
    s3rver_missing = shutil.which("s3rver") is None
    return [
        pytest.param("moto", id="moto"),
        pytest.param("s3rver", id="s3rver", marks=pytest.mark.skipif(
            s3rver_missing, reason="s3rver is optional: KANCLI_WITH_S3RVER=1 .ci/system-deps.sh")),
    ]  # fmt: skip


@pytest.mark.parametrize("kind", _kinds())
def test_server_starts_creates_buckets_and_round_trips_objects(
    kind: ServerKind, tmp_path: Path
) -> None:
    payload = os.urandom(3 * 1024 * 1024)
    with S3Server.start(kind, data_dir=tmp_path, buckets=["first"]) as server:
        assert server.endpoint.url.startswith("http://127.0.0.1:")
        server.create_bucket("second")
        client = _client(server)
        try:
            names = {b["Name"] for b in client.list_buckets()["Buckets"]}
            assert {"first", "second"} <= names
            client.upload_fileobj(io.BytesIO(payload), "second", "dir/blob")
            body = client.get_object(Bucket="second", Key="dir/blob")["Body"].read()
            assert hashlib.sha256(body).digest() == hashlib.sha256(payload).digest()
        finally:
            client.close()
    assert server.process.poll() is not None


def test_unknown_server_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown S3 server kind"), S3Server.start("minio"):  # type: ignore[arg-type]
        pass

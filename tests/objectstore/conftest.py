"""Fixtures for object-store tests: a real moto S3 server on 127.0.0.1 and stores on it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from kancli.objectstore import AwsCredential, Location, S3Tuning, Store, open_store
from kancli.objectstore.local import LocalStore
from tests.cluster.s3 import S3Server
from tests.objectstore.motoserver import MotoServer, run_moto


@pytest.fixture(scope="session")
def moto() -> Iterator[MotoServer]:
    """The shared test S3 server (tests/cluster/s3.py), moto_server on 127.0.0.1."""
    with S3Server.start() as server:
        endpoint = server.endpoint
        yield MotoServer(endpoint.url, endpoint.access_key, endpoint.secret_key)


@pytest.fixture(scope="session")
def moto_auth() -> Iterator[MotoServer]:
    """A moto_server that checks signatures and IAM policies (tests/cluster/s3.py has none)."""
    with run_moto(auth=True) as server:
        yield server


def make_bucket(server: MotoServer) -> str:
    name = f"b-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
    )
    client.create_bucket(Bucket=name)
    return name


def s3_location(server: MotoServer, bucket: str, **overrides: object) -> Location:
    fields: dict[str, object] = {
        "type": "s3Compliant",
        "bucket": bucket,
        "endpoint": server.endpoint,
        "region": "us-east-1",
        "credential": AwsCredential(server.access_key, server.secret_key),
    }
    fields.update(overrides)
    return Location(**fields)  # type: ignore[arg-type]


@pytest.fixture
def s3_bucket(moto: MotoServer) -> str:
    return make_bucket(moto)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same tests run against the local-filesystem store and the S3 store on moto."""
    if request.param == "local":
        yield LocalStore(tmp_path)
        return
    server: MotoServer = request.getfixturevalue("moto")
    bucket = make_bucket(server)
    tuning = S3Tuning(part_size=5 << 20, max_concurrency=3, max_attempts=2)
    st = open_store(s3_location(server, bucket), tuning)
    yield st
    st.close()

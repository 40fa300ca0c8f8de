"""``kando location push|pull|delete`` of the test image against the test S3 server (moto).

The binary is the one the test image ships, built from tests/cluster/image/kando; it is run on
this machine against moto over real HTTP with signature checking, and driven by the exact
``{{ toJson .Profile }}`` JSON that kancli's template engine renders from a run's Profile.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import boto3
import pytest

from kancli.params.model import Credential, KeyPair, Location, Profile, TemplateParams
from kancli.template.engine import parse
from tests.cluster.image.builder import build_kando
from tests.datafuncs.conftest import make_bucket
from tests.objectstore.motoserver import MotoServer


@pytest.fixture(scope="module")
def kando(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_kando(tmp_path_factory.mktemp("kando") / "kando")


@pytest.fixture
def bucket(moto_auth: MotoServer) -> str:
    return make_bucket(moto_auth)


def _profile_json(server: MotoServer, bucket: str, *, secret: str | None = None) -> str:
    profile = Profile(
        location=Location(
            type="s3Compliant",
            bucket=bucket,
            endpoint=server.endpoint,
            prefix="team/db",
            region="us-east-1",
        ),
        credential=Credential(
            type="keyPair",
            key_pair=KeyPair(id=server.access_key, secret=secret or server.secret_key),
        ),
    )
    return parse("{{ toJson .Profile }}").execute(TemplateParams(profile=profile))


def _object(server: MotoServer, bucket: str, key: str) -> bytes:
    s3 = boto3.client(
        "s3",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
    )
    return bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def _kando(kando: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(kando), "location", *args], input=stdin, capture_output=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "size",
    [
        pytest.param(0, id="empty"),
        pytest.param(1000, id="small"),
        pytest.param((8 << 20) * 2 + 12345, id="multipart-17MiB"),
    ],
)
def test_push_from_stdin_then_pull_to_stdout_gives_the_same_bytes(
    kando: Path, moto_auth: MotoServer, bucket: str, size: int
) -> None:
    data = os.urandom(size)
    profile = _profile_json(moto_auth, bucket)
    pushed = _kando(kando, "push", "--profile", profile, "--path", "dump/x.sql", "-", stdin=data)
    assert pushed.returncode == 0, pushed.stderr
    assert _object(moto_auth, bucket, "team/db/dump/x.sql") == data
    pulled = _kando(kando, "pull", "-p", profile, "-s", "dump/x.sql", "-")
    assert pulled.returncode == 0, pulled.stderr
    assert hashlib.sha256(pulled.stdout).digest() == hashlib.sha256(data).digest()


def test_push_and_pull_files_and_delete_the_object(
    kando: Path, moto_auth: MotoServer, bucket: str, tmp_path: Path
) -> None:
    source = tmp_path / "in.bin"
    source.write_bytes(b"file content \xff\x00")
    profile = _profile_json(moto_auth, bucket)
    assert _kando(kando, "push", "--profile", profile, "--path", "/f", str(source)).returncode == 0
    target = tmp_path / "out.bin"
    assert _kando(kando, "pull", "--profile", profile, "--path", "/f", str(target)).returncode == 0
    assert target.read_bytes() == source.read_bytes()
    deleted = _kando(kando, "delete", "--profile", profile, "--path", "/f")
    assert deleted.returncode == 0, deleted.stderr
    gone = _kando(kando, "pull", "--profile", profile, "--path", "/f", "-")
    assert gone.returncode == 69
    assert b"404" in gone.stderr


def test_a_dump_piped_into_push_round_trips(
    kando: Path, moto_auth: MotoServer, bucket: str
) -> None:
    profile = _profile_json(moto_auth, bucket)
    script = (
        f"seq 1 200000 | gzip | {kando} location push --profile '{profile}' --path db.gz - && "
        f"{kando} location pull --profile '{profile}' --path db.gz - | gunzip | tail -n 1"
    )
    result = subprocess.run(["sh", "-c", script], capture_output=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"200000\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["push", "--path", "x", "-"], b'"profile" not set', id="no-profile"),
        pytest.param(
            ["push", "--profile", "{", "-"], b"failed to unmarshal profile", id="bad-json"
        ),
        pytest.param(
            ["delete", "--profile", "{}", "extra"], b"accepts 0 arguments", id="extra-arg"
        ),
    ],
)
def test_bad_invocations_exit_69(kando: Path, args: list[str], message: bytes) -> None:
    result = _kando(kando, *args)
    assert result.returncode == 69
    assert message in result.stderr


def test_a_wrong_secret_key_is_refused_by_the_server(
    kando: Path, moto_auth: MotoServer, bucket: str
) -> None:
    profile = _profile_json(moto_auth, bucket, secret="not-the-secret")
    result = _kando(kando, "push", "--profile", profile, "--path", "x", "-", stdin=b"data")
    assert result.returncode == 69
    assert b"403" in result.stderr

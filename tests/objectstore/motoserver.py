"""A moto S3 server on 127.0.0.1 that checks credentials, and the one the benchmark starts.

The shared tests/cluster/s3.py server does not check signatures. This one runs as a child
process on a free port; ``auth=True`` starts one that checks signatures and IAM policies (moto's
``INITIAL_NO_AUTH_ACTION_COUNT``), after creating a user, a key and a bucket for the tests.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
ACCESS_KEY = "testing"
SECRET_KEY = "testing-secret"


@dataclass(frozen=True)
class MotoServer:
    endpoint: str
    access_key: str
    secret_key: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(endpoint: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto_server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer at {endpoint} within {timeout} s")


@contextmanager
def run_moto(*, auth: bool = False) -> Iterator[MotoServer]:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"}
    env.pop("AWS_ACCESS_KEY_ID", None)
    # Unauthenticated set-up requests: create user, key, policy, bucket (see _set_up_auth).
    env["INITIAL_NO_AUTH_ACTION_COUNT"] = "4" if auth else "inf"
    proc = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        _wait_until_up(endpoint, proc)
        if auth:
            key, secret = _set_up_auth(endpoint)
            yield MotoServer(endpoint, key, secret)
        else:
            yield MotoServer(endpoint, ACCESS_KEY, SECRET_KEY)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


AUTH_BUCKET = "auth-bucket"


def _set_up_auth(endpoint: str) -> tuple[str, str]:
    import json

    import boto3

    kwargs = {
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": ACCESS_KEY,
        "aws_secret_access_key": SECRET_KEY,
    }
    iam = boto3.client("iam", **kwargs)
    iam.create_user(UserName="kancli")
    created = iam.create_access_key(UserName="kancli")["AccessKey"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    iam.put_user_policy(UserName="kancli", PolicyName="s3", PolicyDocument=json.dumps(policy))
    s3 = boto3.client("s3", **kwargs)
    s3.create_bucket(Bucket=AUTH_BUCKET)
    return str(created["AccessKeyId"]), str(created["SecretAccessKey"])

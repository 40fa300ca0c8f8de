"""A real S3 server on 127.0.0.1 for tests: moto_server by default, s3rver for big streams.

moto (``moto[server]``, a test dependency) has the most complete S3 semantics but keeps whole
objects in memory; keep its objects to a few hundred MiB and read them with one streamed GET.
s3rver (npm, ``KANCLI_WITH_S3RVER=1 .ci/system-deps.sh``) stores objects on disk with a small
footprint; use it for multi-GiB streams. It does not check signatures.

Usage::

    with S3Server.start(buckets=["kancli"]) as s3:          # or kind="s3rver", data_dir=...
        s3.endpoint.url, s3.endpoint.access_key, s3.endpoint.secret_key, s3.endpoint.region
        s3.create_bucket("another")

Pods of the test cluster share the host network, so they reach the same URL.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ServerKind = Literal["moto", "s3rver"]
START_TIMEOUT_SECONDS = 30.0


class S3ServerError(RuntimeError):
    """The S3 server is not installed or did not start."""


@dataclass(frozen=True)
class S3Endpoint:
    """Where and how to reach the server (path-style addressing)."""

    url: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _find(program: str) -> str:
    beside = Path(sys.executable).with_name(program)
    if beside.exists():
        return str(beside)
    found = shutil.which(program)
    if not found:
        hint = {
            "moto_server": "pip install 'moto[server]'",
            "s3rver": "KANCLI_WITH_S3RVER=1 bash .ci/system-deps.sh",
        }[program]
        raise S3ServerError(f"{program} is not installed: {hint}")
    return found


class S3Server:
    """A running S3 server process; create it with ``S3Server.start()``."""

    def __init__(self, kind: ServerKind, process: subprocess.Popen[bytes], endpoint: S3Endpoint):
        self.kind = kind
        self.process = process
        self.endpoint = endpoint

    @classmethod
    @contextlib.contextmanager
    def start(
        cls,
        kind: ServerKind = "moto",
        *,
        data_dir: Path | None = None,
        buckets: Iterable[str] = (),
    ) -> Iterator[S3Server]:
        """Start a server on a free 127.0.0.1 port, create ``buckets``, stop it on exit."""
        port = free_port()
        with contextlib.ExitStack() as stack:
            if kind == "moto":
                argv = [_find("moto_server"), "-H", "127.0.0.1", "-p", str(port)]
                endpoint = S3Endpoint(f"http://127.0.0.1:{port}", "kancli-test", "kancli-secret")
            elif kind == "s3rver":
                if data_dir is None:
                    data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory("-s3rver")))
                argv = [_find("s3rver"), "-d", str(data_dir), "-a", "127.0.0.1", "-p", str(port),
                        "--silent"]  # fmt: skip
                endpoint = S3Endpoint(f"http://127.0.0.1:{port}", "S3RVER", "S3RVER")
            else:
                raise ValueError(f"unknown S3 server kind {kind!r}")
            log = stack.enter_context(tempfile.TemporaryFile())
            process = subprocess.Popen(argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
            server = cls(kind, process, endpoint)
            try:
                server._wait_ready(log)
                for bucket in buckets:
                    server.create_bucket(bucket)
                yield server
            finally:
                server.stop()

    def _wait_ready(self, log: object) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise S3ServerError(f"{self.kind} exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(self.endpoint.url + "/", timeout=1).close()
                return
            except urllib.error.HTTPError:
                return  # any HTTP answer means it listens
            except OSError:
                time.sleep(0.05)
        raise S3ServerError(f"{self.kind} did not answer on {self.endpoint.url}")

    def create_bucket(self, name: str) -> None:
        """Create a bucket (path-style PUT, signed by boto3 for servers that check)."""
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint.url,
            aws_access_key_id=self.endpoint.access_key,
            aws_secret_access_key=self.endpoint.secret_key,
            region_name=self.endpoint.region,
        )
        try:
            client.create_bucket(Bucket=name)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

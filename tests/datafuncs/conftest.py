"""Fixtures for the data functions that run on the kancli host: a Profile for a local directory
store and one for the test S3 server (moto over real HTTP), and a way to call a function."""

from __future__ import annotations

import io
import tarfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest

from kancli.events import NullReporter
from kancli.functions.context import Cancellation, Deadline, FunctionContext
from kancli.functions.registry import lookup_function
from kancli.params.model import Credential, KeyPair, Location, Profile, TemplateParams
from tests.functions_cluster.conftest import funcs, kube  # noqa: F401
from tests.objectstore.conftest import make_bucket, moto, moto_auth  # noqa: F401
from tests.objectstore.motoserver import MotoServer


@dataclass
class Target:
    """Where a test's repositories live: a Profile and the bucket-relative artifact prefix."""

    profile: Profile
    bucket: str
    prefix: str = field(default_factory=lambda: f"backups/{uuid.uuid4().hex[:8]}")

    @property
    def params(self) -> TemplateParams:
        return TemplateParams(profile=self.profile)


@pytest.fixture(params=["local", "s3"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    """A Profile for a ``file://`` directory store, and one for moto S3 with a key pair."""
    if request.param == "local":
        location = Location(type="s3Compliant", bucket="ignored", endpoint=f"file://{tmp_path}")
        return Target(Profile(location=location), "ignored")
    server: MotoServer = request.getfixturevalue("moto")
    bucket = make_bucket(server)
    location = Location(
        type="s3Compliant", bucket=bucket, endpoint=server.endpoint, region="us-east-1"
    )
    credential = Credential(
        type="keyPair", key_pair=KeyPair(id=server.access_key, secret=server.secret_key)
    )
    return Target(Profile(location=location, credential=credential), bucket)


def call_function(name: str, params: TemplateParams, args: Mapping[str, Any]) -> Any:
    """Decode ``args`` with the function's declaration and run it as the runner does.

    These functions never touch the cluster, so the context carries no Kubernetes client.
    """
    progress: list[str] = []
    ctx = FunctionContext(
        kube=cast(Any, None),
        params=params,
        action="test",
        phase="phase",
        func=name,
        reporter=NullReporter(),
        deadline=Deadline.after(120, "phase phase (timeout 2m0s)"),
        cancellation=Cancellation(),
        log_line=lambda *a: None,
        progress=progress.append,
    )
    spec = lookup_function(name)
    try:
        return spec.run(ctx, spec.coerce(dict(args)))
    finally:
        assert not ctx.run_cleanups()


def tar_of(files: Mapping[str, bytes]) -> bytes:
    """An uncompressed tar holding ``files`` (name -> content) under ``data/``."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(f"data/{name}")
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()

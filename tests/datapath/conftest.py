"""Fixtures for repository tests: stores on the local filesystem and on moto S3."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kancli.datapath import ChunkerParams, Repository, RepositoryOptions
from kancli.objectstore import CountingStore, S3Tuning, Store, open_store
from kancli.objectstore.local import LocalStore
from tests.objectstore.conftest import make_bucket, moto, s3_location  # noqa: F401
from tests.objectstore.motoserver import MotoServer

# Small sizes so that test data of a few MiB spans many chunks and packs.
SMALL_CHUNKS = ChunkerParams(min_size=16 << 10, avg_size=64 << 10, max_size=256 << 10)
SMALL = RepositoryOptions(pack_size=512 << 10, index_every_packs=4, restore_window=2 << 20)
PASSWORD = "correct horse battery staple"
CHEAP_KDF = 1 << 10


def new_repo(store: Store, options: RepositoryOptions = SMALL) -> Repository:
    return Repository.init(store, PASSWORD, options, chunker=SMALL_CHUNKS, kdf_n=CHEAP_KDF)


def s3_store(server: MotoServer) -> Store:
    tuning = S3Tuning(max_attempts=2)
    return open_store(s3_location(server, make_bucket(server)), tuning).scoped("repo/app")


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CountingStore]:
    """A counting store, on the local filesystem and on moto S3 over real HTTP."""
    if request.param == "local":
        yield CountingStore(LocalStore(tmp_path).scoped("repo/app"))
        return
    yield CountingStore(s3_store(request.getfixturevalue("moto")))


@pytest.fixture
def local_store(tmp_path: Path) -> CountingStore:
    return CountingStore(LocalStore(tmp_path).scoped("repo"))

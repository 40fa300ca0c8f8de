"""The local-filesystem store: atomic writes and what a crash can leave behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kancli.objectstore import BucketNotFoundError
from kancli.objectstore.local import TMP_PREFIX, LocalStore


def test_interrupted_write_leaves_neither_object_nor_temp_file(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put("obj", b"old")

    def dies() -> Iterator[bytes]:
        yield b"new-partial"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.put_stream("obj", dies())
    assert store.read("obj") == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["obj"]


def test_temp_files_left_by_a_crash_are_never_listed(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put("dir/real", b"x")
    (tmp_path / "dir" / f"{TMP_PREFIX}abc").write_bytes(b"half")
    assert [i.key for i in store.list()] == ["dir/real"]


def test_missing_root_directory_is_reported_as_missing_bucket(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "nope")
    with pytest.raises(BucketNotFoundError, match="does not exist"):
        store.put("x", b"1")
    with pytest.raises(BucketNotFoundError):
        list(store.list())


def test_deleting_the_last_object_removes_empty_directories(tmp_path: Path) -> None:
    store = LocalStore(tmp_path).scoped("repo")
    store.put("data/ab/abcdef", b"x")
    store.delete("data/ab/abcdef")
    assert list(tmp_path.iterdir()) == []

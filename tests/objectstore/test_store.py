"""Behaviour every Store must have, run against the local store and S3 (moto over real HTTP)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from kancli.errors import ObjectStoreError
from kancli.objectstore import CountingStore, ObjectNotFoundError, Store


def test_put_then_read_returns_the_same_bytes(store: Store) -> None:
    store.put("a/b/c.bin", b"hello world")
    assert store.read("a/b/c.bin") == b"hello world"


def test_put_replaces_an_existing_object(store: Store) -> None:
    store.put("k", b"one")
    store.put("k", b"two!")
    assert store.read("k") == b"two!"


@pytest.mark.parametrize(
    ("offset", "length", "expected"),
    [(0, 4, b"0123"), (5, 3, b"567"), (8, None, b"89"), (0, None, b"0123456789"), (3, 0, b"")],
    ids=["head", "middle", "tail-open-ended", "whole", "empty-range"],
)
def test_ranged_read_returns_exactly_the_requested_bytes(
    store: Store, offset: int, length: int | None, expected: bytes
) -> None:
    store.put("digits", b"0123456789")
    assert store.read("digits", offset=offset, length=length) == expected


def test_get_streams_a_big_object_in_pieces(store: Store) -> None:
    payload = os.urandom(3 << 20)
    store.put("big", payload)
    pieces = list(store.get("big"))
    assert len(pieces) >= 3
    assert all(len(p) <= 1 << 20 for p in pieces)
    assert b"".join(pieces) == payload


def _stream(total: int, piece: int) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        n = min(piece, total - sent)
        yield bytes([sent // piece % 256]) * n
        sent += n


@pytest.mark.parametrize(
    "total",
    [0, 1000, 5 << 20, (12 << 20) + 17],
    ids=["empty", "small", "exactly-one-part", "three-parts-multipart"],
)
def test_put_stream_stores_streams_of_any_length(store: Store, total: int) -> None:
    written = store.put_stream("streamed", _stream(total, 700_001))
    assert written == total
    info = store.head("streamed")
    assert info is not None
    assert info.size == total
    assert b"".join(store.get("streamed")) == b"".join(_stream(total, 700_001))


def test_put_stream_that_fails_midway_leaves_no_object(store: Store) -> None:
    def broken() -> Iterator[bytes]:
        yield b"x" * (6 << 20)
        yield b"y" * (6 << 20)
        raise RuntimeError("source died")

    with pytest.raises(RuntimeError, match="source died"):
        store.put_stream("partial", broken())
    assert store.head("partial") is None
    assert [i.key for i in store.list()] == []


def test_put_if_absent_creates_once_and_never_overwrites(store: Store) -> None:
    assert store.put_if_absent("config", b"first") is True
    assert store.put_if_absent("config", b"second") is False
    assert store.read("config") == b"first"


def test_head_reports_size_and_missing_objects(store: Store) -> None:
    assert store.head("nothing") is None
    assert store.exists("nothing") is False
    store.put("thing", b"12345")
    info = store.head("thing")
    assert info is not None
    assert (info.key, info.size) == ("thing", 5)
    assert info.last_modified.tzinfo is not None


def test_reading_a_missing_object_raises_not_found_naming_the_key(store: Store) -> None:
    with pytest.raises(ObjectNotFoundError, match="missing/key"):
        store.read("missing/key")


def test_list_matches_keys_by_string_prefix_not_only_directories(store: Store) -> None:
    for key in ["data/ab/1", "data/ab/2", "data/abc", "data/b/1", "index/1", "datafile"]:
        store.put(key, b"x")
    assert sorted(i.key for i in store.list("data/ab")) == ["data/ab/1", "data/ab/2", "data/abc"]
    assert sorted(i.key for i in store.list("data/")) == [
        "data/ab/1",
        "data/ab/2",
        "data/abc",
        "data/b/1",
    ]
    assert sorted(i.key for i in store.list("data")) == [
        "data/ab/1",
        "data/ab/2",
        "data/abc",
        "data/b/1",
        "datafile",
    ]
    assert len(list(store.list())) == 6


def test_delete_is_idempotent(store: Store) -> None:
    store.put("gone", b"x")
    store.delete("gone")
    store.delete("gone")
    assert store.head("gone") is None


def test_delete_prefix_removes_only_matching_keys(store: Store) -> None:
    for key in ["p/1", "p/2/3", "pq", "other"]:
        store.put(key, b"x")
    assert store.delete_prefix("p/") == 2
    assert sorted(i.key for i in store.list()) == ["other", "pq"]


def test_delete_prefix_handles_more_than_one_batch(store: Store) -> None:
    for n in range(1005):
        store.put(f"many/{n:05d}", b"")
    assert store.delete_prefix("many/") == 1005
    assert list(store.list("many/")) == []


def test_scoped_store_sees_only_its_own_prefix(store: Store) -> None:
    inner = store.scoped("repo/one")
    inner.put("config", b"c")
    store.put("repo/onex", b"sibling")
    assert store.read("repo/one/config") == b"c"
    assert [i.key for i in inner.list()] == ["config"]
    assert "repo/one/sub" in inner.scoped("sub").description


@pytest.mark.parametrize("key", ["", "/abs", "a//b", "a/../b", "../x", "dir/"], ids=repr)
def test_keys_that_could_escape_the_root_are_rejected(store: Store, key: str) -> None:
    with pytest.raises(ObjectStoreError, match="invalid object key"):
        store.put(key, b"x")


def test_counting_store_counts_bytes_written_and_read(store: Store) -> None:
    counting = CountingStore(store)
    counting.put("a", b"12345")
    counting.put_stream("b", [b"123", b"45"])
    assert counting.put_if_absent("a", b"zzz") is False
    assert counting.scoped("s").put_if_absent("c", b"1") is True
    assert b"".join(counting.get("a")) == b"12345"
    c = counting.counters
    assert (c.objects_written, c.bytes_written) == (3, 11)
    assert (c.objects_read, c.bytes_read) == (1, 5)

"""Backup then restore gives back the same archive: members, metadata and contents."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kancli.datapath import Repository, RepositoryError
from kancli.objectstore import CountingStore
from tests.datapath.conftest import new_repo
from tests.datapath.tarbuild import Member, describe, tar_bytes, tar_stream


def _roundtrip(repo: Repository, archive: bytes, tag: str = "t") -> bytes:
    summary = repo.backup(iter([archive]), tag=tag)
    return b"".join(repo.restore(summary.backup_id))


def _random(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


ALL_KINDS = [
    Member(b"app", tarfile.DIRTYPE, mode=0o755),
    Member(b"app/empty", data=b""),
    Member(b"app/small.txt", data=b"hello\n", mode=0o600, uid=0, gid=0, uname="root", gname="root"),
    Member(b"app/setuid", data=b"#!/bin/sh\n", mode=0o4755),
    Member(b"app/bin.dat", data=_random(300_000, 1)),
    Member(b"app/link", tarfile.SYMTYPE, linkname=b"small.txt", mode=0o777),
    Member(b"app/dangling", tarfile.SYMTYPE, linkname=b"/nowhere/at/all", mode=0o777),
    Member(b"app/hard", tarfile.LNKTYPE, linkname=b"app/bin.dat"),
    Member(b"app/fifo", tarfile.FIFOTYPE, mode=0o644),
    Member(b"app/null", tarfile.CHRTYPE, devmajor=1, devminor=3, mode=0o666),
    Member(b"app/sda", tarfile.BLKTYPE, devmajor=8, devminor=0, mode=0o660),
    Member(b"app/na\xefve-\xff\xfe", data=b"latin-1 name"),
    Member(b"app/" + b"long-" * 60, data=b"a name longer than 255 bytes"),
    Member(b"app/" + b"d" * 120 + b"/" + b"e" * 120, tarfile.DIRTYPE, mode=0o700),
    Member(b"app/frac", data=b"x", mtime=1_700_000_000.25),
    Member(b"app/xattr", data=b"y", pax={"SCHILY.xattr.user.note": "kept"}),
    Member(b"app/\xe6\x97\xa5\xe6\x9c\xac", data=b"utf-8 name"),
]


@pytest.mark.parametrize(
    "fmt",
    [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT],
    ids=["pax", "gnu"],
)
def test_every_member_kind_survives_a_round_trip(store: CountingStore, fmt: int) -> None:
    members = ALL_KINDS if fmt == tarfile.PAX_FORMAT else [m for m in ALL_KINDS if not m.pax]
    archive = tar_bytes(members, fmt)
    restored = _roundtrip(new_repo(store), archive)
    assert describe(restored) == describe(archive)


def test_pax_extended_headers_are_kept_verbatim(local_store: CountingStore) -> None:
    archive = tar_bytes(ALL_KINDS)
    restored = _roundtrip(new_repo(local_store), archive)
    with tarfile.open(fileobj=__import__("io").BytesIO(restored)) as tf:
        headers = {m.name: m.pax_headers for m in tf}
    assert headers["app/xattr"]["SCHILY.xattr.user.note"] == "kept"
    assert headers["app/frac"]["mtime"] == "1700000000.25"


@pytest.mark.parametrize(
    "members",
    [
        [],
        [Member(b"only-empty-file", data=b"")],
        [Member(b"dir-only", tarfile.DIRTYPE)],
    ],
    ids=["no-members", "one-empty-file", "one-directory"],
)
def test_tiny_archives_round_trip(store: CountingStore, members: list[Member]) -> None:
    archive = tar_bytes(members)
    repo = new_repo(store)
    summary = repo.backup(iter([archive]), tag="tiny")
    restored = b"".join(repo.restore(summary.backup_id))
    assert describe(restored) == describe(archive)
    assert len(restored) % 10240 == 0


def _many_small(count: int) -> list[Member]:
    members = [Member(b"many", tarfile.DIRTYPE)]
    for n in range(count):
        folder = b"many/%03d" % (n // 500)
        if n % 500 == 0:
            members.append(Member(folder, tarfile.DIRTYPE))
        members.append(Member(folder + b"/f%06d.txt" % n, data=b"file %d\n" % n * (n % 7)))
    return members


def test_ten_thousand_small_files_round_trip(store: CountingStore) -> None:
    archive = tar_bytes(_many_small(10_000))
    repo = new_repo(store)
    summary = repo.backup(iter([archive]), tag="many")
    assert summary.snapshot.totals.file_count == 10_000
    reads_before = store.counters.objects_read
    restored = b"".join(repo.restore(summary.backup_id))
    assert describe(restored) == describe(archive)
    # Neighbouring small files are fetched together, not one request per file.
    assert store.counters.objects_read - reads_before < 200


@pytest.mark.slow
def test_hundred_thousand_small_files_round_trip(local_store: CountingStore) -> None:
    archive = tar_bytes(_many_small(100_000))
    restored = _roundtrip(new_repo(local_store), archive)
    assert describe(restored) == describe(archive)


def _zeros_with_marks(size: int, marks: dict[int, bytes]) -> Iterator[bytes]:
    position = 0
    block = bytes(1 << 20)
    for offset in sorted(marks):
        while position < offset:
            n = min(len(block), offset - position)
            yield block[:n]
            position += n
        yield marks[offset]
        position += len(marks[offset])
    while position < size:
        n = min(len(block), size - position)
        yield block[:n]
        position += n


@pytest.mark.parametrize("size", [1 << 30], ids=["1GiB"])
def test_big_mostly_zero_file_round_trips_and_dedups(store: CountingStore, size: int) -> None:
    marks = {12345: b"start", size // 2: b"middle", size - 3: b"end"}
    member = Member(b"disk.img", stream=lambda: _zeros_with_marks(size, marks), size=size)
    repo = new_repo(store)
    summary = repo.backup(tar_stream([member]), tag="zeros")
    assert summary.snapshot.totals.size == size
    assert store.counters.bytes_written < 2 << 20
    assert describe(repo.restore(summary.backup_id)) == describe(tar_stream([member]))


@pytest.mark.slow
def test_four_gib_sparse_file_round_trips(local_store: CountingStore) -> None:
    size = 4 << 30
    marks = {size // 3: b"data"}
    member = Member(b"huge.img", stream=lambda: _zeros_with_marks(size, marks), size=size)
    repo = new_repo(local_store)
    summary = repo.backup(tar_stream([member]), tag="huge")
    assert describe(repo.restore(summary.backup_id)) == describe(tar_stream([member]))


@pytest.mark.skipif(shutil.which("tar") is None, reason="needs GNU tar to make sparse archives")
@pytest.mark.parametrize(
    "options",
    [
        ["--format=gnu"],
        ["--format=posix", "--sparse-version=0.0"],
        ["--format=posix", "--sparse-version=0.1"],
        ["--format=posix", "--sparse-version=1.0"],
    ],
    ids=["gnu-old-sparse", "pax-0.0", "pax-0.1", "pax-1.0"],
)
def test_gnu_tar_sparse_archives_restore_as_full_files(
    local_store: CountingStore, tmp_path: Path, options: list[str]
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    with open(src / "sparse.img", "wb") as fh:
        fh.truncate(256 << 20)
        fh.seek(100 << 20)
        fh.write(b"payload")
    (src / "plain.txt").write_bytes(b"plain")
    os.link(src / "sparse.img", src / "sparse-link.img")
    archive = subprocess.run(
        ["tar", "-S", *options, "-cf", "-", "-C", str(src), "."],
        check=True,
        capture_output=True,
    ).stdout
    repo = new_repo(local_store)
    summary = repo.backup(iter([archive]), tag="sparse")
    restored = list(repo.restore(summary.backup_id))
    assert describe(restored) == describe(archive)
    extracted = tmp_path / "out"
    extracted.mkdir()
    subprocess.run(["tar", "-xf", "-", "-C", str(extracted)], input=b"".join(restored), check=True)
    assert (extracted / "sparse.img").read_bytes() == (src / "sparse.img").read_bytes()
    assert os.stat(extracted / "sparse.img").st_ino == os.stat(extracted / "sparse-link.img").st_ino


def test_file_object_and_iterator_sources_give_the_same_snapshot(
    local_store: CountingStore,
) -> None:
    archive = tar_bytes(ALL_KINDS)
    repo = new_repo(local_store)
    import io

    first = repo.backup(io.BytesIO(archive), tag="a")
    second = repo.backup((archive[i : i + 1000] for i in range(0, len(archive), 1000)), tag="b")
    assert first.snapshot.tree == second.snapshot.tree


def test_a_stream_that_is_not_tar_is_rejected(local_store: CountingStore) -> None:
    repo = new_repo(local_store)
    with pytest.raises(RepositoryError, match="not a"):
        repo.backup(iter([b"this is not a tar archive" * 100]), tag="x")
    assert repo.snapshots() == []


SUBTREE = [
    Member(b"./", tarfile.DIRTYPE, mode=0o755),
    Member(b"./outside.bin", data=b"outside data"),
    Member(b"./data", tarfile.DIRTYPE, mode=0o750),
    Member(b"./data/a.txt", data=b"a"),
    Member(b"./data/sub", tarfile.DIRTYPE),
    Member(b"./data/sub/b.txt", data=b"b"),
    Member(b"./data/inner-hard", tarfile.LNKTYPE, linkname=b"./data/a.txt"),
    Member(b"./data/outer-hard", tarfile.LNKTYPE, linkname=b"./outside.bin"),
    Member(b"./data/outer-hard-2", tarfile.LNKTYPE, linkname=b"./outside.bin"),
    Member(b"./database", tarfile.DIRTYPE),
    Member(b"./database/not-included", data=b"no"),
]


def test_restoring_a_subpath_strips_it_and_keeps_hard_links_working(
    store: CountingStore,
) -> None:
    repo = new_repo(store)
    summary = repo.backup(iter([tar_bytes(SUBTREE)]), tag="sub")
    got = {d.name: d for d in describe(repo.restore(summary.backup_id, subpath="/data/"))}
    assert sorted(got) == [
        b".",
        b"a.txt",
        b"inner-hard",
        b"outer-hard",
        b"outer-hard-2",
        b"sub",
        b"sub/b.txt",
    ]
    assert got[b"."].mode == 0o750
    assert got[b"inner-hard"].linkname == b"a.txt"
    # The first link to a file outside the subpath carries the data; the next links to it.
    assert got[b"outer-hard"].type == tarfile.REGTYPE
    assert got[b"outer-hard"].size == len(b"outside data")
    assert got[b"outer-hard-2"].linkname == b"outer-hard"


def test_restore_by_tag_picks_the_latest_snapshot_with_that_tag(
    local_store: CountingStore,
) -> None:
    repo = new_repo(local_store)
    repo.backup(iter([tar_bytes([Member(b"f", data=b"one")])]), tag="daily")
    repo.backup(iter([tar_bytes([Member(b"f", data=b"two")])]), tag="daily")
    repo.backup(iter([tar_bytes([Member(b"f", data=b"three")])]), tag="other")
    restored = describe(repo.restore("latest", tag="daily"))
    assert restored == describe(tar_bytes([Member(b"f", data=b"two")]))

"""Forget and prune: space comes back, shared data stays, running backups are never harmed."""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections.abc import Iterator

import pytest

from kancli.datapath import ConcurrentPruneError, Repository, RepositoryError
from kancli.datapath.sessions import SESSION_PREFIX
from kancli.objectstore import CountingStore, Store
from tests.datapath.conftest import PASSWORD, SMALL, new_repo
from tests.datapath.tarbuild import Member, describe, tar_bytes


def _files(seed: int, prefix: bytes, count: int = 4, size: int = 1 << 20) -> list[Member]:
    rng = random.Random(seed)
    return [Member(prefix + b"/%d.bin" % n, data=rng.randbytes(size)) for n in range(count)]


def _stored_bytes(store: Store) -> int:
    return sum(i.size for i in store.list("data/"))


def test_prune_frees_forgotten_data_and_keeps_shared_chunks(store: CountingStore) -> None:
    repo = new_repo(store)
    shared = _files(1, b"shared")
    only_a = _files(2, b"only-a")
    b_archive = tar_bytes(shared + _files(3, b"only-b"))
    a = repo.backup(iter([tar_bytes(shared + only_a)]), tag="a")
    b = repo.backup(iter([b_archive]), tag="b")
    before = _stored_bytes(store)
    repo.forget([a.backup_id])
    report = repo.prune()
    after = _stored_bytes(store)
    unique_a = sum(len(m.data or b"") for m in only_a)
    assert report.bytes_freed >= unique_a * 0.9
    assert before - after >= unique_a * 0.9
    assert report.packs_deferred == 0
    assert report.blocked_by == []
    assert describe(repo.restore(b.backup_id)) == describe(b_archive)
    assert repo.check(read_data=True).ok
    assert list(store.list("deletions/")) == []


def test_prune_without_forgotten_snapshots_frees_nothing(store: CountingStore) -> None:
    repo = new_repo(store)
    repo.backup(iter([tar_bytes(_files(4, b"x"))]), tag="x")
    before = _stored_bytes(store)
    report = repo.prune()
    assert (report.packs_deleted, report.bytes_freed) == (0, 0)
    assert _stored_bytes(store) == before


def test_prune_rewrites_partly_used_packs(local_store: CountingStore) -> None:
    # One big pack holds both files; forgetting one of them leaves the pack half garbage.
    options = dataclasses.replace(SMALL, pack_size=64 << 20)
    repo = new_repo(local_store, options)
    keep = _files(5, b"keep", count=2)
    a = repo.backup(iter([tar_bytes(keep + _files(6, b"drop", count=2))]), tag="a")
    b = repo.backup(iter([tar_bytes(keep)]), tag="b")
    repo.forget([a.backup_id])
    report = repo.prune()
    assert report.packs_repacked >= 1
    assert report.bytes_freed >= (2 << 20) * 0.9
    assert describe(repo.restore(b.backup_id)) == describe(tar_bytes(keep))
    assert repo.check(read_data=True).ok


def test_prune_reclaims_packs_of_an_interrupted_backup(local_store: CountingStore) -> None:
    repo = new_repo(local_store, dataclasses.replace(SMALL, orphan_grace=0))
    archive = tar_bytes(_files(7, b"big", count=6))

    def dies() -> object:
        yield archive[: len(archive) // 2]
        raise OSError("pod went away")

    with pytest.raises(RepositoryError, match="no snapshot was written: pod went away"):
        repo.backup(dies(), tag="broken")  # type: ignore[arg-type]
    assert _stored_bytes(local_store) > 0
    report = repo.prune()
    assert report.packs_deleted > 0
    assert _stored_bytes(local_store) == 0


def test_a_running_backup_defers_deletion_until_it_has_finished(store: CountingStore) -> None:
    repo = new_repo(store)
    a = repo.backup(iter([tar_bytes(_files(8, b"a"))]), tag="a")
    repo.forget([a.backup_id])
    # A backup that started before the prune and may still reference the forgotten data.
    running = repo.session("backup").start()
    try:
        first = repo.prune()
        assert first.packs_deleted == 0
        assert first.packs_deferred > 0
        assert first.blocked_by
        assert first.blocked_by[0].startswith("backup on ")
        # A backup starting now has seen the tombstone: it does not block.
        late = repo.session("backup").start()
        try:
            assert repo.prune().packs_deleted == 0
        finally:
            late.close()
    finally:
        running.close()
    second = repo.prune()
    assert second.packs_deleted == first.packs_deferred
    assert _stored_bytes(store) == 0


def test_condemned_data_a_concurrent_backup_reused_is_kept(store: CountingStore) -> None:
    repo = new_repo(store)
    files = _files(9, b"same")
    archive = tar_bytes(files)
    a = repo.backup(iter([archive]), tag="a")
    repo.forget([a.backup_id])
    reading, resume = threading.Event(), threading.Event()
    result: list[str] = []

    def slow_stream() -> Iterator[bytes]:
        reading.set()  # the backup has loaded the index: it knows the soon-condemned packs
        assert resume.wait(30)
        yield archive

    def backup() -> None:
        other = Repository.open(store, PASSWORD, SMALL)
        result.append(other.backup(slow_stream(), tag="b").backup_id)

    worker = threading.Thread(target=backup)
    worker.start()
    assert reading.wait(30)
    first = repo.prune()  # condemns a's packs, but must not delete them yet
    resume.set()
    worker.join()
    assert (first.packs_deleted, first.packs_deferred > 0) == (0, True)
    # The backup reused the condemned packs; the next prune sees its snapshot and keeps them.
    second = repo.prune()
    assert second.packs_deleted == 0
    assert describe(repo.restore(result[0])) == describe(archive)
    assert repo.check(read_data=True).ok
    assert list(store.list("deletions/")) == []


def test_a_stale_session_of_a_crashed_process_is_ignored(local_store: CountingStore) -> None:
    options = dataclasses.replace(SMALL, stale_after=1.0, heartbeat=0.2)
    repo = new_repo(local_store, options)
    a = repo.backup(iter([tar_bytes(_files(10, b"a", count=2))]), tag="a")
    repo.forget([a.backup_id])
    crashed = repo.session("backup")
    crashed.beat()  # registered, then the process died: no heartbeat, no cleanup
    time.sleep(1.3)
    report = repo.prune()
    assert report.packs_deleted > 0
    assert report.blocked_by == []
    assert [i.key for i in local_store.list(SESSION_PREFIX)] == [crashed.key]


def test_a_second_prune_while_one_is_running_is_refused(local_store: CountingStore) -> None:
    repo = new_repo(local_store)
    running = repo.session("prune").start()
    try:
        with pytest.raises(ConcurrentPruneError, match="another prune is running"):
            repo.prune()
    finally:
        running.close()
    repo.prune()


def test_a_backup_that_lagged_fails_if_packs_it_reused_vanished(local_store: CountingStore) -> None:
    # stale_after so small that any backup "may have looked dead" to a prune.
    options = dataclasses.replace(SMALL, stale_after=0.001, heartbeat=60)
    repo = new_repo(local_store, options)
    archive = tar_bytes(_files(11, b"f", count=2))
    repo.backup(iter([archive]), tag="a")
    reading, resume = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def slow_stream() -> Iterator[bytes]:
        reading.set()
        assert resume.wait(30)
        yield archive

    def backup() -> None:
        try:
            repo.backup(slow_stream(), tag="b")
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=backup)
    worker.start()
    assert reading.wait(30)
    victim = next(i.key for i in local_store.list("data/"))
    local_store.delete(victim)  # what a prune that took the backup for dead would do
    resume.set()
    worker.join()
    assert len(failure) == 1
    assert "removed by a concurrent prune" in str(failure[0])
    assert [s.tags for s in repo.snapshots()] == [("a",)]

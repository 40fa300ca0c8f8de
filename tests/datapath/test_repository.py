"""Repository life cycle: init, passwords, dedup figures, corruption, interruption, concurrency."""

from __future__ import annotations

import random
import tarfile
import threading
from collections.abc import Iterator

import pytest

from kancli.datapath import (
    DEFAULT_ENCRYPTION_KEY,
    CorruptionError,
    Repository,
    RepositoryError,
    RepositoryNotFoundError,
    SnapshotNotFoundError,
    WrongPasswordError,
    format_bytes,
)
from kancli.errors import ExitCode
from kancli.objectstore import CountingStore, Store
from tests.datapath.conftest import CHEAP_KDF, PASSWORD, SMALL, SMALL_CHUNKS, new_repo
from tests.datapath.tarbuild import Member, describe, tar_bytes, tar_stream


def _data_files(seed: int, count: int = 8, size: int = 2 << 20) -> list[Member]:
    rng = random.Random(seed)
    return [Member(b"files/%02d.bin" % n, data=rng.randbytes(size)) for n in range(count)]


def test_init_is_get_or_create(store: CountingStore) -> None:
    first = new_repo(store)
    again = new_repo(store)
    assert again.config.id == first.config.id


def test_concurrent_inits_agree_on_one_repository(store: CountingStore) -> None:
    ids: list[str] = []

    def init() -> None:
        ids.append(new_repo(store).config.id)

    threads = [threading.Thread(target=init) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 4
    assert len(set(ids)) == 1


def test_wrong_password_is_reported_as_such(store: CountingStore) -> None:
    new_repo(store)
    with pytest.raises(WrongPasswordError, match="wrong password") as info:
        Repository.open(store, "not the password")
    assert info.value.exit_code == ExitCode.OBJECT_STORE
    with pytest.raises(WrongPasswordError):
        Repository.init(store, DEFAULT_ENCRYPTION_KEY)


def test_opening_an_empty_location_says_there_is_no_repository(store: CountingStore) -> None:
    with pytest.raises(RepositoryNotFoundError, match="Is there a repository"):
        Repository.open(store, PASSWORD)


def test_nothing_secret_is_stored_in_plain_text(local_store: CountingStore) -> None:
    repo = new_repo(local_store)
    repo.backup(iter([tar_bytes([Member(b"secret-name.txt", data=b"secret content!")])]), tag="t")
    for info in local_store.list():
        body = local_store.read(info.key)
        assert b"secret-name" not in body
        assert b"secret content" not in body


def test_unchanged_data_uploads_under_one_percent_the_second_time(store: CountingStore) -> None:
    archive = tar_bytes(_data_files(1))
    repo = new_repo(store)
    first = repo.backup(iter([archive]), tag="one")
    first_bytes = store.counters.bytes_written
    second = repo.backup(iter([archive]), tag="two")
    second_bytes = store.counters.bytes_written - first_bytes
    assert first_bytes > 16 << 20
    assert second_bytes < first_bytes / 100
    assert second.snapshot.totals.new_data_blobs == 0
    assert second.snapshot.tree == first.snapshot.tree


def test_a_one_byte_change_uploads_about_one_chunk(store: CountingStore) -> None:
    members = _data_files(2)
    repo = new_repo(store)
    repo.backup(iter([tar_bytes(members)]), tag="before")
    changed = bytearray(members[3].data or b"")
    changed[1_000_000] ^= 0xFF
    members[3] = Member(members[3].name, data=bytes(changed))
    before = store.counters.bytes_written
    summary = repo.backup(iter([tar_bytes(members)]), tag="after")
    uploaded = store.counters.bytes_written - before
    assert summary.snapshot.totals.new_data_blobs == 1
    assert uploaded < 2 * SMALL_CHUNKS.max_size
    restored = describe(repo.restore(summary.backup_id))
    assert restored == describe(tar_bytes(members))


def test_summary_outputs_use_kanister_names_and_restic_units(local_store: CountingStore) -> None:
    repo = new_repo(local_store)
    archive = tar_bytes([Member(b"d", tarfile.DIRTYPE), *_data_files(3, count=3, size=1 << 20)])
    summary = repo.backup(iter([archive]), tag="abcde23456")
    out = summary.outputs()
    assert out["backupTag"] == "abcde23456"
    assert out["backupID"] == summary.snapshot.id[:8]
    assert out["fileCount"] == "3"
    assert out["size"] == "3.000 MiB"
    assert out["phySize"].endswith("MiB")
    assert repo.find_snapshot(out["backupID"]).id == summary.snapshot.id


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.000 KiB"),
        (1536, "1.500 KiB"),
        (5 << 30, "5.000 GiB"),
    ],
)
def test_format_bytes_matches_restic(count: int, text: str) -> None:
    assert format_bytes(count) == text


def test_stats_report_restore_size_and_raw_data(local_store: CountingStore) -> None:
    repo = new_repo(local_store)
    members = [Member(b"d", tarfile.DIRTYPE), Member(b"d/a", data=b"x" * 5000), Member(b"d/b")]
    members.append(Member(b"d/c", data=b"x" * 5000))  # same content: one blob
    summary = repo.backup(iter([tar_bytes(members)]), tag="s")
    restore_size = repo.stats(summary.backup_id, "restore-size")
    assert (restore_size.file_count, restore_size.size) == (4, 10_000)
    raw = repo.stats(summary.backup_id, "raw-data")
    assert raw.blob_count == 2  # one data blob, one tree blob
    assert raw.size > 5000
    assert raw.stored_size < raw.size


def test_corrupted_pack_fails_restore_naming_the_file_and_check_finds_it(
    store: CountingStore,
) -> None:
    repo = new_repo(store)
    summary = repo.backup(iter([tar_bytes(_data_files(4, count=2, size=300_000))]), tag="c")
    index = repo.load_index()
    entry = next(e for e in repo.iter_entries(index, summary.snapshot) if e.chunks)
    loc = index.locate(entry.chunks[0])
    key = f"data/{loc.pack[:2]}/{loc.pack}"
    body = bytearray(store.read(key))
    body[loc.offset + 40] ^= 0x01
    store.put(key, bytes(body))
    with pytest.raises(CorruptionError, match=r"files/00\.bin") as info:
        b"".join(repo.restore(summary.backup_id))
    assert "authentication" in str(info.value)
    report = repo.check(read_data=True)
    assert not report.ok
    assert any(loc.pack in e for e in report.errors)


def test_check_passes_on_a_healthy_repository(store: CountingStore) -> None:
    repo = new_repo(store)
    repo.backup(iter([tar_bytes(_data_files(5, count=3, size=700_000))]), tag="c")
    report = repo.check(read_data=True)
    assert report.ok, report.errors
    assert report.snapshots == 1
    assert report.blobs_checked > 10


def test_check_reports_a_missing_pack(local_store: CountingStore) -> None:
    repo = new_repo(local_store)
    repo.backup(iter([tar_bytes(_data_files(6, count=2, size=700_000))]), tag="c")
    victim = next(i.key for i in local_store.list("data/"))
    local_store.delete(victim)
    report = repo.check()
    assert any("missing" in e for e in report.errors)


def _failing_stream(archive: bytes, fail_after: int) -> Iterator[bytes]:
    for start in range(0, fail_after, 64 << 10):
        yield archive[start : min(start + (64 << 10), fail_after)]
    raise ConnectionResetError("exec stream closed by the pod")


def test_interrupted_backup_leaves_no_snapshot_and_the_next_one_works(
    store: CountingStore,
) -> None:
    repo = new_repo(store)
    earlier_archive = tar_bytes(_data_files(7, count=2))
    earlier = repo.backup(iter([earlier_archive]), tag="earlier")
    archive = tar_bytes(_data_files(8))
    with pytest.raises(RepositoryError, match="exec stream closed by the pod"):
        repo.backup(_failing_stream(archive, len(archive) // 2), tag="broken")
    assert [s.id for s in repo.snapshots()] == [earlier.snapshot.id]
    assert list(store.list("sessions/")) == []
    before = store.counters.bytes_written
    retry = repo.backup(iter([archive]), tag="retry")
    # Packs uploaded before the failure were indexed, so the retry reuses them.
    assert store.counters.bytes_written - before < len(archive) * 0.75
    assert describe(repo.restore(retry.backup_id)) == describe(archive)
    assert describe(repo.restore(earlier.backup_id)) == describe(earlier_archive)
    assert repo.check(read_data=True).ok


def test_concurrent_backups_into_one_repository_all_complete(store: CountingStore) -> None:
    new_repo(store)
    shared = _data_files(99, count=2, size=1 << 20)
    archives = {
        f"pod-{n}": tar_bytes(shared + _data_files(20 + n, count=3, size=1 << 20)) for n in range(3)
    }
    results: dict[str, str] = {}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            repo = Repository.open(store, PASSWORD, SMALL)
            results[name] = repo.backup(iter([archives[name]]), tag=name).backup_id
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(name,)) for name in archives]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    repo = Repository.open(store, PASSWORD, SMALL)
    assert sorted(s.tags[0] for s in repo.snapshots()) == sorted(archives)
    for name, backup_id in results.items():
        assert describe(repo.restore(backup_id)) == describe(archives[name])
    assert repo.check(read_data=True).ok


def test_unknown_and_ambiguous_snapshot_references_fail_clearly(
    local_store: CountingStore,
) -> None:
    repo = new_repo(local_store)
    with pytest.raises(SnapshotNotFoundError, match="no snapshot"):
        repo.find_snapshot("latest")
    repo.backup(iter([tar_bytes([])]), tag="a")
    with pytest.raises(SnapshotNotFoundError, match="'deadbeef'"):
        repo.find_snapshot("deadbeef")
    with pytest.raises(SnapshotNotFoundError, match="tag 'zzz'"):
        repo.find_snapshot("latest", tag="zzz")


def test_forget_removes_snapshots_by_id(store: CountingStore) -> None:
    repo = new_repo(store)
    a = repo.backup(iter([tar_bytes([Member(b"a", data=b"1")])]), tag="a")
    b = repo.backup(iter([tar_bytes([Member(b"b", data=b"2")])]), tag="b")
    assert repo.forget([a.backup_id]) == [a.snapshot.id]
    assert [s.id for s in repo.snapshots()] == [b.snapshot.id]
    assert [s.id for s in repo.snapshots(tag="a")] == []


def test_default_kanister_key_works_as_a_password(local_store: Store) -> None:
    repo = Repository.init(local_store, DEFAULT_ENCRYPTION_KEY, SMALL, kdf_n=CHEAP_KDF)
    repo.backup(tar_stream([Member(b"x", data=b"y")]), tag="t")
    assert len(Repository.open(local_store, DEFAULT_ENCRYPTION_KEY).snapshots()) == 1

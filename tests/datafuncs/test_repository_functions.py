"""CheckRepository, DeleteData, BackupDataStats and LocationDelete against real stores.

Each runs on the kancli host (no pod), on a ``file://`` directory store and on moto S3 over real
HTTP, addressed by a Profile exactly as a Blueprint's run would give it.
"""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest

from kancli.datapath import DEFAULT_ENCRYPTION_KEY, Repository, SnapshotNotFoundError
from kancli.datapath.profilerepo import open_profile_repository, profile_json
from kancli.functions.args import ArgumentError
from kancli.params.model import Credential, KeyPair, Location, Profile
from tests.datafuncs.conftest import Target, call_function, make_bucket, tar_of
from tests.objectstore.motoserver import MotoServer

KEY = "my-encryption-key"


def _repo(target: Target, prefix: str | None = None, key: str = KEY) -> Repository:
    return open_profile_repository(
        profile_json(target.params), prefix or target.prefix, key, create=True
    )


def _backup(target: Target, files: dict[str, bytes], tag: str, key: str = KEY) -> str:
    summary = _repo(target, key=key).backup([tar_of(files)], tag=tag)
    return summary.snapshot.id


def _base_args(target: Target, key: str = KEY) -> dict[str, object]:
    return {"namespace": "default", "backupArtifactPrefix": target.prefix, "encryptionKey": key}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(KEY, {"passwordIncorrect": "false", "repoUnavailable": "false"}, id="right"),
        pytest.param("wrong", {"passwordIncorrect": "true", "repoUnavailable": "false"}, id="bad"),
    ],
)
def test_check_repository_tells_a_wrong_password_from_a_good_one(
    target: Target, key: str, expected: dict[str, str]
) -> None:
    _backup(target, {"a": b"x"}, "t1")
    out = call_function(
        "CheckRepository",
        target.params,
        {"backupArtifactPrefix": target.prefix, "encryptionKey": key},
    )
    assert out == {**expected, "version": "v0.0.0"}


def test_check_repository_reports_a_missing_repository(target: Target) -> None:
    out = call_function("CheckRepository", target.params, {"backupArtifactPrefix": target.prefix})
    assert out == {"passwordIncorrect": "false", "repoUnavailable": "true", "version": "v0.0.0"}


def test_backups_without_an_encryption_key_use_kanisters_default_key(target: Target) -> None:
    _backup(target, {"a": b"x"}, "t1", key=DEFAULT_ENCRYPTION_KEY)
    out = call_function("CheckRepository", target.params, {"backupArtifactPrefix": target.prefix})
    assert out["passwordIncorrect"] == "false"


@pytest.mark.parametrize("by", ["backupTag", "backupID"])
def test_delete_data_forgets_only_the_named_snapshot(target: Target, by: str) -> None:
    first = _backup(target, {"a": b"first"}, "tag-one")
    second = _backup(target, {"a": b"second"}, "tag-two")
    ref = "tag-one" if by == "backupTag" else first[:8]
    out = call_function("DeleteData", target.params, {**_base_args(target), by: ref})
    assert out == {"spaceFreed": "0 B"}
    assert [s.id for s in _repo(target).snapshots()] == [second]


def test_delete_data_with_reclaim_space_frees_the_snapshots_data(target: Target) -> None:
    _backup(target, {"big": os.urandom(2 << 20)}, "doomed")  # incompressible
    keep = _backup(target, {"small": b"keep me"}, "kept")
    out = call_function(
        "DeleteData",
        target.params,
        {**_base_args(target), "backupTag": "doomed", "reclaimSpace": True},
    )
    freed = int(out["spaceFreed"].removesuffix(" B"))
    assert out["spaceFreed"].endswith(" B")
    assert freed >= 2 << 20
    repo = _repo(target)
    assert [s.id for s in repo.snapshots()] == [keep]
    assert b"keep me" in b"".join(repo.restore(keep))


def test_delete_data_takes_space_separated_lists_matched_by_position(target: Target) -> None:
    other = f"{target.prefix}-other"
    _backup(target, {"a": b"1"}, "first")
    _repo(target, other).backup([tar_of({"b": b"2"})], tag="second")
    args = {**_base_args(target), "backupArtifactPrefix": f"{target.prefix} {other}"}
    call_function("DeleteData", target.params, {**args, "backupTag": "first second"})
    assert _repo(target).snapshots() == []
    assert _repo(target, other).snapshots() == []


def test_delete_data_needs_an_id_or_a_tag(target: Target) -> None:
    with pytest.raises(ArgumentError, match="Require one argument: backupID or backupTag"):
        call_function("DeleteData", target.params, _base_args(target))


def test_delete_data_of_an_unknown_tag_fails(target: Target) -> None:
    _backup(target, {"a": b"1"}, "present")
    with pytest.raises(SnapshotNotFoundError):
        call_function("DeleteData", target.params, {**_base_args(target), "backupTag": "absent"})


def test_backup_data_stats_counts_the_snapshots_files_and_bytes(target: Target) -> None:
    files = {"one": b"a" * 1000, "two": b"b" * 2000, "three": b""}
    sid = _backup(target, files, "t")
    out = call_function(
        "BackupDataStats", target.params, {**_base_args(target), "backupID": sid[:8]}
    )
    # restore-size counts every entry (the three files and the data/ directory of the tar).
    assert out == {
        "mode": "restore-size",
        "fileCount": "3",
        "size": "2.930 KiB",
        "version": "v0.0.0",
    }


def test_location_delete_removes_every_key_under_the_artifact_string(
    moto: MotoServer,
) -> None:
    bucket = make_bucket(moto)
    s3 = boto3.client(
        "s3",
        endpoint_url=moto.endpoint,
        region_name="us-east-1",
        aws_access_key_id=moto.access_key,
        aws_secret_access_key=moto.secret_key,
    )
    for key in ("pfx/app/one", "pfx/app/sub/two", "pfx/apple", "pfx/other/three"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    profile = Profile(
        location=Location(
            type="s3Compliant", bucket=bucket, endpoint=moto.endpoint, prefix="pfx", region="r"
        ),
        credential=Credential(
            type="keyPair", key_pair=KeyPair(id=moto.access_key, secret=moto.secret_key)
        ),
    )
    target = Target(profile, bucket)
    assert call_function("LocationDelete", target.params, {"artifact": f"{bucket}/app/"}) is None
    left = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
    # As in Kanister the prefix is a plain string ("pfx/app"), so "pfx/apple" goes too.
    assert left == ["pfx/other/three"]


def test_a_file_endpoint_profile_names_a_local_directory(tmp_path: Path) -> None:
    location = Location(type="s3Compliant", bucket="any", endpoint=f"file://{tmp_path}")
    target = Target(Profile(location=location), "any")
    _backup(target, {"a": b"x"}, "t")
    assert (tmp_path / target.prefix / "config").is_file()

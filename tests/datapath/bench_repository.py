"""Throughput and peak memory of backup and restore, to the local store and to moto S3.

Run: ``.venv/bin/python -m tests.datapath.bench_repository [--mib 256] [--store local|s3|both]``.
Each measurement runs in a fresh subprocess so that its peak RSS is its own. Data is
pseudo-random (BLAKE3 output, incompressible, no duplicates) in 8 MiB files, streamed as tar,
never held in memory; restore output is hashed and discarded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import blake3

FILE_SIZE = 8 << 20


def payload(index: int, size: int) -> Iterator[bytes]:
    piece = 1 << 20
    for offset in range(0, size, piece):
        yield blake3.blake3(b"%d-%d" % (index, offset)).digest(length=min(piece, size - offset))


def archive(total: int) -> Iterator[bytes]:
    from tests.datapath.tarbuild import Member, tar_stream

    count = max(1, total // FILE_SIZE)
    members = [
        Member(b"data/%05d.bin" % n, stream=lambda n=n: payload(n, FILE_SIZE), size=FILE_SIZE)
        for n in range(count)
    ]
    return tar_stream(members)


def measure(kind: str, mib: int, endpoint: str | None) -> dict[str, float]:
    from kancli.datapath import Repository
    from kancli.objectstore import open_store
    from kancli.objectstore.local import LocalStore

    total = mib << 20
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "local":
            store = LocalStore(tmp).scoped("repo")
        else:
            from tests.objectstore.conftest import make_bucket, s3_location
            from tests.objectstore.motoserver import ACCESS_KEY, SECRET_KEY, MotoServer

            server = MotoServer(endpoint or "", ACCESS_KEY, SECRET_KEY)
            store = open_store(s3_location(server, make_bucket(server))).scoped("repo")
        repo = Repository.init(store, "bench")
        start = time.perf_counter()
        summary = repo.backup(archive(total), tag="bench")
        backup_s = time.perf_counter() - start
        digest = hashlib.sha256()
        start = time.perf_counter()
        restored = 0
        for piece in repo.restore(summary.backup_id):
            digest.update(piece)
            restored += len(piece)
        restore_s = time.perf_counter() - start
    rss = peak_rss_mib()
    return {
        "mib": mib,
        "backup_mib_s": mib / backup_s,
        "restore_mib_s": restored / (1 << 20) / restore_s,
        "peak_rss_mib": rss,
    }


def peak_rss_mib() -> float:
    """This process's own peak RSS. ``ru_maxrss`` is not used: Linux carries the parent's
    high-water mark across fork+exec, so a child of a big pytest process reported the
    parent's size instead of its own. ``VmHWM`` belongs to the exec'd image alone."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(kind: str, mib: int, endpoint: str | None) -> dict[str, float]:
    args = [sys.executable, "-m", "tests.datapath.bench_repository", "--child", kind]
    args += ["--mib", str(mib)]
    if endpoint:
        args += ["--endpoint", endpoint]
    out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--store", choices=["local", "s3", "both"], default="both")
    parser.add_argument("--child", choices=["local", "s3"])
    parser.add_argument("--endpoint")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.mib, args.endpoint)))
        return
    kinds = ["local", "s3"] if args.store == "both" else [args.store]
    for kind in kinds:
        if kind == "s3":
            from tests.objectstore.motoserver import run_moto

            with run_moto() as server:
                result = run_child(kind, args.mib, server.endpoint)
        else:
            result = run_child(kind, args.mib, None)
        print(
            f"{kind:5s} {result['mib']:6.0f} MiB  backup {result['backup_mib_s']:7.1f} MiB/s  "
            f"restore {result['restore_mib_s']:7.1f} MiB/s  "
            f"peak RSS {result['peak_rss_mib']:6.1f} MiB"
        )


if __name__ == "__main__":
    main()

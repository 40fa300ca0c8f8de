"""Backup and restore keep memory bounded, whatever the stream size (peak RSS of a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT_MIB = 256


def _peak_rss(mib: int) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.datapath.bench_repository",
            "--child",
            "local",
            "--mib",
            str(mib),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def test_backup_and_restore_of_256_mib_stay_under_the_memory_limit() -> None:
    result = _peak_rss(256)
    print(f"peak RSS for 256 MiB: {result['peak_rss_mib']:.1f} MiB")
    assert result["peak_rss_mib"] < LIMIT_MIB


@pytest.mark.slow
def test_backup_and_restore_of_4_gib_stay_under_the_memory_limit() -> None:
    result = _peak_rss(4096)
    print(f"peak RSS for 4 GiB: {result['peak_rss_mib']:.1f} MiB")
    assert result["peak_rss_mib"] < LIMIT_MIB

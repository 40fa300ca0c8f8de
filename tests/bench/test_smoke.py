"""Each benchmark still runs at tiny size and yields well-formed rows (no timing assertions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import BENCHMARKS, main

CLUSTER_BENCHMARKS = {"kube"}


def _cases() -> list[object]:
    return [
        pytest.param(
            name, id=name, marks=[pytest.mark.cluster] if name in CLUSTER_BENCHMARKS else []
        )
        for name in sorted(BENCHMARKS)
    ]


@pytest.mark.parametrize("name", _cases())
def test_benchmark_produces_well_formed_rows_at_tiny_size(name: str, tmp_path: Path) -> None:
    assert main(["--size", "tiny", "--only", name, "--out", str(tmp_path)]) == 0
    doc = json.loads((tmp_path / "latest.json").read_text())
    assert doc["rows"], "a benchmark must produce at least one row"
    for row in doc["rows"]:
        assert row["name"].startswith(name)
        for side in ("kancli", "baseline"):
            assert row[side]["runs"] >= 1
            assert 0 < row[side]["low"] <= row[side]["median"] <= row[side]["high"]
        assert row["ratio"] == pytest.approx(row["kancli"]["median"] / row["baseline"]["median"])
        assert row["met"] == (row["ratio"] <= row["target"])
    assert "| what |" in (tmp_path / "latest.md").read_text()

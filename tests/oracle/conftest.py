"""The Go oracle, started once per test session (skips only when Go cannot be found or built)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.oracle.goracle import GoOracle, OracleUnavailable, build


@pytest.fixture(scope="session")
def go_oracle() -> Iterator[GoOracle]:
    try:
        binary = build()
    except OracleUnavailable as exc:
        pytest.skip(f"Go oracle unavailable: {exc}")
    oracle = GoOracle(binary)
    yield oracle
    oracle.close()

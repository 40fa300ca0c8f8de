"""Timing, interleaving and reporting shared by every benchmark.

Absolute times on a shared machine are noise, so every benchmark times kancli and its baseline
alternately in the same run and reports the ratio of their medians. ``Row`` is what one
benchmark produces; ``write_results`` turns the rows into the Markdown and JSON files.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

SIZES = {"tiny": 1, "small": 5, "full": 11}


@dataclass(frozen=True)
class Sample:
    """Median and spread (min..max) of repeated timings, in seconds."""

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, times: Sequence[float]) -> Sample:
        return cls(statistics.median(times), min(times), max(times), len(times))


@dataclass(frozen=True)
class Row:
    """One line of the results table: kancli against its named baseline."""

    name: str
    what: str
    kancli: Sample
    baseline_name: str
    baseline: Sample
    target: float  # the ratio kancli/baseline must not exceed

    @property
    def ratio(self) -> float:
        return self.kancli.median / self.baseline.median

    @property
    def met(self) -> bool:
        return self.ratio <= self.target

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["ratio"] = self.ratio
        d["met"] = self.met
        return d


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleave(
    kancli: Callable[[], object], baseline: Callable[[], object], repeats: int
) -> tuple[Sample, Sample]:
    """Time both alternately ``repeats`` times, after one untimed warm-up of each."""
    kancli()
    baseline()
    k: list[float] = []
    b: list[float] = []
    for _ in range(repeats):
        k.append(timed(kancli))
        b.append(timed(baseline))
    return Sample.of(k), Sample.of(b)


PYCACHE = Path(__file__).resolve().parents[1] / ".cache" / "bench-pyc"


def bench_env() -> dict[str, str]:
    """The environment for timed commands: bytecode cached, as in any installed copy of kancli.

    A user's ``pip install`` writes .pyc files; with PYTHONDONTWRITEBYTECODE (set on some CI and
    development machines) every start would recompile all of kancli and the figure would measure
    the compiler. The cache lives under .cache/ so the work tree gets no __pycache__ folders.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def run_ok(argv: Sequence[str], **kwargs: object) -> Callable[[], object]:
    """A callable that runs ``argv`` (in ``bench_env()`` unless given ``env``) and checks it."""
    kwargs.setdefault("env", bench_env())

    def call() -> object:
        proc = subprocess.run(list(argv), capture_output=True, check=False, **kwargs)  # type: ignore[call-overload]
        if proc.returncode != 0:
            raise RuntimeError(f"{argv[0]} exited {proc.returncode}: {proc.stderr[-2000:]!r}")
        return proc

    return call


def _fmt(s: Sample) -> str:
    return f"{s.median * 1000:.1f} ms ({s.low * 1000:.1f}..{s.high * 1000:.1f}, n={s.runs})"


def markdown(rows: Sequence[Row]) -> str:
    lines = [
        "| what | kancli | baseline | ratio | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.what} | {_fmt(r.kancli)} | {r.baseline_name}: {_fmt(r.baseline)} "
            f"| {r.ratio:.2f}x | <= {r.target:g}x | {'yes' if r.met else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


def machine() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": str(len(os.sched_getaffinity(0))),
    }


def write_results(rows: Sequence[Row], out: Path, size: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    info = machine()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    doc = {"when": stamp, "size": size, "machine": info, "rows": [r.as_dict() for r in rows]}
    (out / "latest.json").write_text(json.dumps(doc, indent=2) + "\n")
    head = f"Run {stamp}, size `{size}`, {info['cpus']} CPUs, Python {info['python']}.\n\n"
    (out / "latest.md").write_text(head + markdown(rows))

"""``python -m bench``: run the benchmarks and write bench/results/latest.{md,json}.

Each benchmark module exposes ``run(repeats) -> list[Row]``; ``--size`` sets the repeat count
(tiny is a smoke run: one timed repeat), ``--only`` picks benchmarks by name.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from bench import kube, render, startup
from bench.harness import SIZES, Row, markdown, write_results

BENCHMARKS: dict[str, Callable[[int], list[Row]]] = {
    "startup": startup.run,
    "render": render.run,
    "kube": kube.run,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), metavar="NAME")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    for name in args.only or list(BENCHMARKS):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(BENCHMARKS[name](SIZES[args.size]))
    print(markdown(rows), end="")
    write_results(rows, args.out, args.size)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Filter cost by length: ``a and b and …`` chains of N conditions over a 100,000-prompt Stats
frame, through ``View.apply`` (parse + polars), each run in a fresh subprocess.

    python benchmarks/bench_filter.py [--terms 100 200 400 1000 2000] [--runs 3]
    PYTHONPATH=/path/to/older/checkout python benchmarks/bench_filter.py   # the same, older code

A left-deep ``&`` chain costs polars' optimiser ~n³; the parser now builds one flat
``all_horizontal``. Medians of ``--runs`` runs; the machine is shared, so compare within a session.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

CHILD = """
import sys, time
import polars as pl
from evaltui.data.query import View
n = int(sys.argv[1])
stats = pl.DataFrame({
    "prompt": [f"p{i}" for i in range(100_000)],
    "answer": ["1"] * 100_000,
    "count": pl.Series([i % 16 for i in range(100_000)], dtype=pl.UInt32),
    "average_accuracy": [(i % 9) / 8 for i in range(100_000)],
})
where = " and ".join(f"count > {i % 7} and average_accuracy >= 0.{i % 5}" for i in range(n // 2))
started = time.perf_counter()
rows = View(where=where).apply(stats).height
print(time.perf_counter() - started, rows)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--terms", type=int, nargs="+", default=[100, 200, 400, 1000, 2000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    print("| conditions | median (s) | all runs (s) |\n|---|---|---|")
    for n in args.terms:
        times: list[str] = []
        values: list[float] = []
        for _ in range(args.runs):
            try:
                out = subprocess.run(
                    [sys.executable, "-c", CHILD, str(n)],
                    capture_output=True,
                    text=True,
                    timeout=args.timeout,
                    check=True,
                ).stdout.split()
            except subprocess.TimeoutExpired:
                times.append(f">{args.timeout:.0f}")
                continue
            values.append(float(out[0]))
            times.append(f"{float(out[0]):.2f}")
        median = f"{statistics.median(values):.2f}" if values else f">{args.timeout:.0f}"
        print(f"| {n:,} | {median} | {', '.join(times)} |", flush=True)


if __name__ == "__main__":
    main()

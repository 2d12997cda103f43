"""How much memory one polars step costs on a frame holding one long string, by row count.

    python benchmarks/polars_one_row.py --megabytes 50

Each step runs in a fresh interpreter (peak RSS is per process and polars' allocator keeps what it
freed): the frame is ``gen`` = one text of the given size plus ``a`` = 1, with no other row or with
one short row after it. Prints the peak RSS growth of each step over building the frame. In polars
2.1.0 (2026-12-02) every step on the one-row frame costs 2-4x the text, even steps that never
touch ``gen`` (``drop``, ``select(pl.col("a") + 1)``); with a second row they cost ~nothing. This
kept `bench_long.py` (one record) above 10x the text until the loader stopped running such steps on
a long text's one-row frame (see the note above ``elementwise`` in evaltui/data/schema.py).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

STEPS = {
    "str.len_bytes": 'df.select(pl.col("gen").str.len_bytes())',
    "is_null": 'df.select(pl.col("gen").is_null())',
    "cast String": 'df.select(pl.col("gen").cast(pl.String))',
    'select(pl.col("a") + 1)': 'df.select(pl.col("a") + 1)',
    'drop("gen")': 'df.drop("gen")',
    "filter on a": 'df.filter(pl.col("a") == 1)',
}

PROBE = """
import resource, sys
import polars as pl
rows = int(sys.argv[2])
text = "word " * (int(sys.argv[1]) * 200_000)
df = pl.DataFrame({"gen": [text] + ["short"] * (rows - 1), "a": list(range(1, rows + 1))})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
eval(sys.argv[3])
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=50)
    args = parser.parse_args()
    print(f"peak RSS growth (MiB) of one step on a frame holding one {args.megabytes} MB text")
    print(f"{'step':28} {'1 row':>8} {'2 rows':>8}")
    for name, step in STEPS.items():
        grown = [
            float(
                subprocess.run(
                    [sys.executable, "-c", PROBE, str(args.megabytes), str(rows), step],
                    capture_output=True, text=True, check=True,
                ).stdout
            )
            for rows in (1, 2)
        ]
        print(f"{name:28} {grown[0]:8.0f} {grown[1]:8.0f}", flush=True)


if __name__ == "__main__":
    main()

"""Peak RSS of ``evaltui summarize`` on a JSON-lines file whose last line is a run of NUL bytes
(what a crash leaves of blocks never written).

    python benchmarks/bench_nul_line.py --mb 200 --runs 3 --baseline /work/main

The file: 100 short plain records, then MB MiB of NUL bytes (no newline). Each run is
``/usr/bin/time -v <python> -m evaltui summarize DIR -o OUT --no-cache`` in a fresh process (its
"Maximum resident set size"), with the tree's own evaltui first on ``PYTHONPATH`` (run outside any checkout); a second file of
the 100 records alone gives each tree's floor (the imports). ``--baseline DIR`` runs the tree in DIR
too, alternating run by run. Medians are printed, with the peak ÷ input size.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def write(folder: Path, mb: int) -> Path:
    (folder / "m").mkdir(parents=True)
    path = folder / "m" / "a.jsonl"
    with path.open("wb") as handle:
        for i in range(100):
            record = {"prompt": f"p{i}", "gen": "g", "answer": "1", "accuracy": 1.0}
            handle.write(json.dumps(record).encode() + b"\n")
        zeros = b"\0" * (1 << 20)
        for _ in range(mb):
            handle.write(zeros)
    return path


def peak(tree: Path, folder: Path, out: Path) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    argv = ["/usr/bin/time", "-v", sys.executable, "-m", "evaltui", "summarize", str(folder)]
    done = subprocess.run(
        [*argv, "-o", str(out), "--no-cache"],
        env=env,
        capture_output=True,
        text=True,
        cwd=out.parent,  # ``-m`` puts the working folder first on sys.path: not a checkout
    )
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    line = next((x.strip() for x in done.stderr.splitlines() if "m/a.jsonl:" in x), "")
    return (int(rss.group(1)) / 1024 if rss else float("nan")), line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, default=None)
    args = parser.parse_args()
    trees = [("head", HERE)] + ([("base", args.baseline)] if args.baseline else [])
    with tempfile.TemporaryDirectory() as tmp:
        nul, floor = Path(tmp) / "nul", Path(tmp) / "floor"
        size = write(nul, args.mb).stat().st_size
        write(floor, 0)
        peaks: dict[str, list[float]] = {name: [] for name, _ in trees}
        floors: dict[str, list[float]] = {name: [] for name, _ in trees}
        lines: dict[str, str] = {}
        for _ in range(args.runs):
            for name, tree in trees:
                mb, lines[name] = peak(tree, nul, Path(tmp) / "out.json")
                peaks[name].append(mb)
                floors[name].append(peak(tree, floor, Path(tmp) / "floor.json")[0])
        for name, _tree in trees:
            median = statistics.median(peaks[name])
            print(
                f"{name}: peak {median:.0f} MB (runs {', '.join(f'{p:.0f}' for p in peaks[name])});"
                f" floor {statistics.median(floors[name]):.0f} MB; input {size / 1e6:.0f} MB;"
                f" peak ÷ input {median * (1 << 20) / size:.2f}; said: {lines[name]}"
            )


if __name__ == "__main__":
    main()

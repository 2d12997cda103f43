"""Detection of a JSON-lines file whose first record is longer than detection's 8 MB read of it.

    python benchmarks/bench_detect_long_line.py --sizes 20 100 --runs 5 --baseline /work/main

One file per size: a first record whose prompt is SIZE MB (the keys after it), then 1,000 short
records. Each run is a fresh subprocess that imports evaltui and times ``detect()`` alone, then
runs it again under tracemalloc for its peak of Python allocations (the bytes it reads; the child's
``ru_maxrss`` is no measure here: Linux keeps the parent's across exec, and the parent wrote the
file). ``--baseline DIR`` runs the evaltui tree in DIR too, alternating
run by run (that code skips such a file: it reads the 8 MB and stops). Medians are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, sys, time, tracemalloc
from pathlib import Path
from evaltui.data.formats import detect
path = Path(sys.argv[1])
start = time.perf_counter()
found = detect(path)
seconds = time.perf_counter() - start
tracemalloc.start()
detect(path)
peak = tracemalloc.get_traced_memory()[1] / (1 << 20)
import evaltui
reader = found.reader and found.reader.name
print(json.dumps({"s": seconds, "mb": peak, "reader": reader, "from": evaltui.__file__}))
"""


def write(path: Path, megabytes: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        first = {"prompt": "x" * (megabytes << 20), "gen": "4", "answer": "4", "accuracy": 1}
        handle.write(json.dumps(first) + "\n")
        for i in range(1000):
            handle.write(json.dumps({"prompt": f"p{i}", "gen": "4", "answer": "4", "accuracy": 1}))
            handle.write("\n")


def run(tree: Path, path: Path) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(  # run in the file's folder: ``-c`` puts the working folder first
        [sys.executable, "-c", CHILD, str(path)],
        env=env,
        capture_output=True,
        text=True,
        cwd=path.parent,
    )
    out.check_returncode()
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, default=None)
    args = parser.parse_args()
    here = Path(__file__).resolve().parent.parent
    trees = {"this": here} | ({"baseline": args.baseline} if args.baseline else {})
    print(f"load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"long{size}.jsonl"
            write(path, size)
            results: dict[str, list[dict[str, object]]] = {name: [] for name in trees}
            for _ in range(args.runs):
                for name, tree in trees.items():  # alternating, run by run
                    results[name].append(run(tree, path))
            for name, runs in results.items():
                seconds = statistics.median(float(str(r["s"])) for r in runs)
                peak = statistics.median(float(str(r["mb"])) for r in runs)
                print(
                    f"{size:>4} MB first line  {name:<8} detect {seconds * 1000:7.1f} ms"
                    f"  peak alloc {peak:6.1f} MB  reader {runs[0]['reader']}  ({runs[0]['from']})"
                )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

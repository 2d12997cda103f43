"""Warm `evaltui summarize` (every file's rows and lengths cached) against a baseline checkout, and
the combined-JSON write alone, in one session.

    python benchmarks/generate.py million && python benchmarks/generate.py files
    python benchmarks/bench_warm.py --data benchmarks/data/million --base /path/to/old/checkout

Each code fills its own cache entries once (not timed; both can share one --cache-dir, their
cache formats key apart), then runs alternate (baseline, candidate, baseline, …) as fresh
subprocesses; the outputs must be byte-identical. `--write-json` also times writing the combined
JSON of the candidate's stats in process: the column writer against the Python encoder it
replaced (still the fallback), medians of --runs, bytes compared.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def summarize(data: Path, cache: Path, out: Path, base: Path | None) -> float:
    env = dict(os.environ)
    if base is not None:  # that checkout's package first on the path, same interpreter
        env["PYTHONPATH"] = str(base)
    command = [str(BIN / "evaltui"), "summarize", str(data), "-q", "--cache-dir", str(cache)]
    start = time.perf_counter()
    subprocess.run([*command, "-o", str(out)], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def write_json_times(data: Path, cache: Path, runs: int) -> None:
    from evaltui.data.export import _json_chunks, combined_records, write_combined_json_to
    from evaltui.data.loader import LoadOptions, load

    result = load([data], LoadOptions(cache_dir=cache, keep_text=False))
    stats = result.stats
    new, old = [], []
    for run in range(runs):
        start = time.perf_counter()
        with tempfile.TemporaryFile() as handle:
            write_combined_json_to(stats, handle)
            handle.flush()
            os.fsync(handle.fileno())
            size = handle.tell()
        new.append(time.perf_counter() - start)
        if run:  # the Python encoder once: minutes and gigabytes at a million prompts
            continue
        start = time.perf_counter()
        with tempfile.TemporaryFile("w", encoding="utf-8") as text:
            text.writelines(_json_chunks(combined_records(stats)))
            text.flush()
            os.fsync(text.fileno())
        old.append(time.perf_counter() - start)
    buffer = io.BytesIO()
    write_combined_json_to(stats, buffer)
    same = buffer.getvalue() == "".join(_json_chunks(combined_records(stats))).encode("utf-8")
    print(f"combined JSON of {stats.height:,} prompts ({size / 1e6:.0f} MB, fsync'd):")
    print(f"  column writer  median {statistics.median(new):.2f} s ({', '.join(f'{t:.2f}' for t in new)})")
    print(f"  Python encoder median {statistics.median(old):.2f} s ({', '.join(f'{t:.2f}' for t in old)})")
    print(f"  byte-identical: {same}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--base", type=Path, default=None, help="checkout of the baseline code")
    parser.add_argument(
        "--candidate", type=Path, default=None, help="checkout of the candidate (default: this one)"
    )
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write-json", action="store_true")
    parser.add_argument("--no-prime", action="store_true", help="the cache is warm for both codes")
    parser.add_argument("--base-runs", type=int, default=None, help="baseline runs (default --runs)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="evaltui-warm-"))
    cache = args.cache_dir or work / "cache"
    print(f"load average at start: {os.getloadavg()}")
    codes = {"candidate": args.candidate}
    if args.base is not None:
        codes = {"baseline": args.base, **codes}
    for name, base in codes.items():  # fill each code's cache entries (not timed)
        if not args.no_prime:
            summarize(args.data, cache, work / f"{name}.json", base)
    times: dict[str, list[float]] = {name: [] for name in codes}
    base_runs = args.runs if args.base_runs is None else args.base_runs
    for run in range(args.runs):
        for name, base in codes.items():
            if name == "baseline" and run >= base_runs:
                continue
            times[name].append(summarize(args.data, cache, work / f"{name}.json", base))
    for name, values in times.items():
        print(f"warm summarize, {name}: median {statistics.median(values):.2f} s "
              f"({', '.join(f'{t:.2f}' for t in values)})")
    if args.base is not None:
        same = (work / "baseline.json").read_bytes() == (work / "candidate.json").read_bytes()
        print(f"outputs byte-identical: {same}")
    if args.write_json:
        write_json_times(args.data, cache, args.runs)
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()

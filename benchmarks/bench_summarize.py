"""Time `evaltui summarize` cold and warm against the batch-script baseline, in one session.

    python benchmarks/generate.py small
    python benchmarks/bench_summarize.py --data benchmarks/data/small --runs 3

Every run is a fresh subprocess; runs are interleaved (baseline, cold, warm, baseline, …) so load
from elsewhere on this shared machine hits all three alike. Wall time is measured around the
subprocess; peak RSS is the child's ru_maxrss (resource.getrusage(RUSAGE_CHILDREN) per run, read
in a fresh helper process so earlier children don't mask it). Medians and ratios are printed and,
with --write, appended to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
LEGACY = ["prompt", "answer", "count", "total_accuracy_count", "average_accuracy", "max_gen_length",
          "avg_gen_length", "gen_lengths"]

# Runs a command and prints its wall time and the child's peak RSS (KiB) as JSON.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
print(json.dumps({"code": code, "wall": wall, "rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def measure(command: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True,
                         check=True, env=env)
    result = json.loads(out.stdout)
    if result["code"] != 0:
        raise SystemExit(f"command failed ({result['code']}): {' '.join(command)}")
    return result  # type: ignore[no-any-return]


def same_output(ours: Path, theirs: Path) -> bool:
    a = json.loads(ours.read_text(encoding="utf-8"))
    b = json.loads(theirs.read_text(encoding="utf-8"))
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        for key in LEGACY:
            left, right = x[key], y[key]
            if isinstance(left, float) or isinstance(right, float):
                if abs(float(left) - float(right)) > 1e-9:
                    return False
            elif left != right:
                return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=HERE / "data" / "small")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--num-proc", type=int, default=2)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-hf", action="store_true", help="skip the cold runs on the tokenizers path")
    parser.add_argument("--write", action="store_true", help="append the results to benchmarks/RESULTS.md")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="evaltui-bench-"))
    input_bytes = sum(f.stat().st_size for f in args.data.rglob("*.jsonl"))
    evaltui = [str(BIN / "evaltui"), "summarize", str(args.data), "-q", "--num-proc", str(args.num_proc)]
    warm_cache = work / "warm-cache"
    times: dict[str, list[dict[str, float]]] = {"baseline": [], "cold": [], "cold-hf": [], "warm": []}
    hf_env = {**os.environ, "EVALTUI_COUNT_PATH": "tokenizers"}  # the count-only path switched off
    load_start = os.getloadavg()[0]
    # Fill the warm cache once, outside the measured runs.
    subprocess.run([*evaltui, "-o", str(work / "prime.json"), "--cache-dir", str(warm_cache)], check=True)
    for run in range(args.runs):
        if not args.no_baseline:
            times["baseline"].append(measure([sys.executable, str(HERE / "baseline.py"), "--input_data_dir",
                                              str(args.data), "--output", str(work / "baseline.json"),
                                              "--num_proc", str(args.num_proc), "--cache_dir", str(work / f"hf-{run}")]))
            shutil.rmtree(work / f"hf-{run}", ignore_errors=True)
        cold_cache = work / f"cold-{run}"
        times["cold"].append(measure([*evaltui, "-o", str(work / "cold.json"), "--cache-dir", str(cold_cache)]))
        shutil.rmtree(cold_cache, ignore_errors=True)
        if not args.no_hf:
            times["cold-hf"].append(measure([*evaltui, "-o", str(work / "cold-hf.json"), "--cache-dir",
                                             str(cold_cache)], hf_env))
            shutil.rmtree(cold_cache, ignore_errors=True)
        times["warm"].append(measure([*evaltui, "-o", str(work / "warm.json"), "--cache-dir", str(warm_cache)]))
        print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]['wall']:.2f}s" for k, v in times.items() if v), flush=True)

    def med(kind: str, key: str) -> float:
        return statistics.median(t[key] for t in times[kind])

    lines = [
        f"### `evaltui summarize` on {args.data.name} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {platform.machine()}, 2 cores shared with other work (noisy), Python {platform.python_version()}. "
        f"Input: {input_bytes / 1e6:.1f} MB in {len(list(args.data.rglob('*.jsonl')))} files. "
        f"{args.runs} runs each, interleaved; `--num-proc {args.num_proc}`; medians. "
        f"Load average {load_start:.1f} at start, {os.getloadavg()[0]:.1f} at end.",
        "",
        "| run | median wall (s) | all runs (s) | median peak RSS (MB) | RSS / input |",
        "|---|---|---|---|---|",
    ]
    for kind, runs in times.items():
        if not runs:
            continue
        walls = ", ".join(f"{t['wall']:.2f}" for t in runs)
        rss = med(kind, "rss_kib") / 1024
        lines.append(f"| {kind} | {med(kind, 'wall'):.2f} | {walls} | {rss:.0f} | {rss * 1024 * 1024 / input_bytes:.2f}× |")
    lines.append("")
    if times["baseline"]:
        identical = same_output(work / "cold.json", work / "baseline.json")
        lines.append(f"- cold vs baseline: **{med('baseline', 'wall') / med('cold', 'wall'):.2f}× faster** "
                     f"(target ≥ 5×); legacy keys identical to the baseline's output: **{identical}**")
    if times["cold-hf"]:
        lines.append(f"- cold, count-only path vs `EVALTUI_COUNT_PATH=tokenizers`: "
                     f"**{med('cold-hf', 'wall') / med('cold', 'wall'):.2f}×**; identical output: "
                     f"**{same_output(work / 'cold.json', work / 'cold-hf.json')}**")
    lines.append(f"- warm vs cold: **{med('cold', 'wall') / med('warm', 'wall'):.1f}× faster** (target ≥ 30×)")
    lines.append(f"- cold peak RSS / input size: **{med('cold', 'rss_kib') * 1024 / input_bytes:.2f}×** (target ≤ 1.5×)")
    lines.append("")
    lines.append(f"Command: `python benchmarks/bench_summarize.py --data {args.data} --runs {args.runs} --num-proc {args.num_proc}`")
    report = "\n".join(lines)
    print(report)
    if args.write:
        results = HERE / "RESULTS.md"
        previous = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
        results.write_text(previous.rstrip("\n") + "\n\n" + report + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    time.sleep(0)


if __name__ == "__main__":
    main()

"""Re-scoring with math-verify: wall time on 1 and 2 worker processes, and a warm reopen.

    python benchmarks/generate.py small
    python benchmarks/bench_rescore.py --data benchmarks/data/small --runs 3 [--write]
    python benchmarks/bench_rescore.py --lm-eval-copies 40 --runs 3    # lm-eval:asdiv

``--lm-eval-copies K``: the lm-eval row instead, ``lm-eval:asdiv`` (the installed task's filters
and process_results, in the worker processes) over the published asdiv samples file of the test
fixtures written K times over (50 docs each, new doc ids) into a temporary folder.

In one session, interleaved: ``rescore()`` over every generation with 1 worker, then with 2 (no
cache), ``--runs`` times; then ``evaltui rescore`` as a subprocess with warm caches (token lengths
and scores), ``--runs`` times after one priming run. Prints medians, the speed-up from the second
core, and the load average around each run (the machine is shared: a speed-up is only meaningful
next to the load it was measured under). ``--write`` appends the numbers to RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from evaltui.data.loader import LoadOptions, load  # noqa: E402
from evaltui.data.rescore import RescoreOptions, rescore  # noqa: E402

ASDIV = HERE.parent / "tests" / "fixtures" / "app" / "lm_eval_asdiv"


def lm_eval_data(folder: Path, copies: int) -> Path:
    """The asdiv samples file ``copies`` times over, doc ids shifted, in one lm-eval run folder."""
    import json

    (source,) = ASDIV.rglob("samples_asdiv_*.jsonl")
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    run = folder / source.parent.name
    run.mkdir(parents=True)
    with (run / source.name).open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for record in records:
                out.write(json.dumps(record | {"doc_id": copy * 1000 + record["doc_id"]}) + "\n")
    return folder


def timed_rescore(
    result: object, workers: int, scorer: str = "math-verify"
) -> tuple[float, str, dict[str, int]]:
    before = os.getloadavg()[0]
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    got = rescore(result, RescoreOptions(scorer, workers=workers, use_cache=False))
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, joined by now
    worker_cpu = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
    # With the kernel's autogroup scheduling, a saturated machine gives this session a fixed
    # share whatever the number of workers: the CPU seconds show the work is the same.
    load = f"{before:.1f}->{os.getloadavg()[0]:.1f}, worker CPU {worker_cpu:.0f} s"
    return seconds, load, got.counts


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=HERE / "data" / "small")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--lm-eval-copies", type=int, default=0, metavar="K")
    args = parser.parse_args()
    scorer = "math-verify"
    with tempfile.TemporaryDirectory() as tmp:
        if args.lm_eval_copies:
            args.data = lm_eval_data(Path(tmp) / "lm_eval_asdiv", args.lm_eval_copies)
            scorer = "lm-eval:asdiv"
        return measure(args, scorer)


def measure(args: argparse.Namespace, scorer: str) -> int:
    result = load([args.data], LoadOptions(use_cache=False, tokenize=False))
    n = result.generations.height
    print(f"{n:,} generations from {args.data}; {os.cpu_count()} cores")
    times: dict[int, list[float]] = {1: [], 2: []}
    loads: dict[int, list[str]] = {1: [], 2: []}
    for run in range(args.runs):
        for workers in (1, 2):
            seconds, load_avg, counts = timed_rescore(result, workers, scorer)
            times[workers].append(seconds)
            loads[workers].append(load_avg)
            print(
                f"run {run + 1}: {workers} worker(s) {seconds:7.1f} s "
                f"({n / seconds:,.0f} gen/s), load {load_avg}, {counts}",
                flush=True,
            )

    evaltui = Path(sys.executable).with_name("evaltui")
    warm: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = Path(tmp) / "cache", Path(tmp) / "out.json"
        command = [str(evaltui), "rescore", str(args.data), "--scorer", scorer]
        command += ["-o", str(out), "--cache-dir", str(cache), "-q"]
        subprocess.run(command, check=True)  # primes both caches (lengths, scores)
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run(command, check=True)
            warm.append(time.perf_counter() - started)

    one, two = statistics.median(times[1]), statistics.median(times[2])
    lines = [
        f"rescore {scorer}, {n:,} generations ({args.data.name}), medians of {args.runs}:",
        f"  1 worker   {one:7.1f} s   ({n / one:,.0f} gen/s)   load {', '.join(loads[1])}",
        f"  2 workers  {two:7.1f} s   ({n / two:,.0f} gen/s)   load {', '.join(loads[2])}",
        f"  speed-up from the second core: {one / two:.2f}x",
        f"  warm reopen (evaltui rescore, cached lengths and scores): "
        f"{statistics.median(warm):.1f} s",
    ]
    print("\n".join(lines))
    if args.write:
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as handle:
            stamp = time.strftime("%Y-%m-%d %H:%M")
            handle.write(f"\n## rescore ({stamp})\n\n```\n" + "\n".join(lines) + "\n```\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Following a directory while an eval appends to it: CPU per appended MB and write-to-result delay.

    python benchmarks/generate.py medium                     # the directory to follow (~600 MB)
    python benchmarks/bench_follow.py --data benchmarks/data/medium --rate-mb 1 --seconds 30

A writer process appends reasoning-trace lines (like generate.py's) at ``--rate-mb`` MB/s to a new
run folder inside ``--data`` (removed at the end). This process follows the directory the way
``summarize --follow`` and the app do (``Follower.wait`` + ``poll``) and, ``--consumer app``
(default), builds the stats after an update as the app does (waiting at least twice as long as
the last poll and rebuild took), or ``--consumer summarize``,
every ``--interval`` seconds as ``summarize --follow`` does. Reported: CPU seconds of this process
(all its threads, the tokenizer's included) per appended MB and as a share of one core over the
window, and the delay from a line's write to the first result that holds it (median, p95, max).
The first load uses the cache (run ``evaltui summarize`` on the data once before), or, with
``--skip-initial-lengths``, counts no tokens for the files already there (a cold 1 GB load costs
tens of CPU-minutes): every appended line is still tokenized, and the stats are rebuilt over every
row either way.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate import VOCAB
from evaltui.data.follow import Follower
from evaltui.data.loader import LoadOptions


def writer(path: str, rate_mb: float, seconds: float, samples: int) -> None:
    """Append lines at ``rate_mb`` MB/s for ``seconds``; each prompt carries its write time."""
    rng = np.random.default_rng(1)
    vocab = np.array(VOCAB)
    target = Path(path)
    written = 0
    started = time.monotonic()
    with target.open("a", encoding="utf-8") as handle:
        p = 0
        while time.monotonic() - started < seconds:
            lines = []
            for s in range(samples):
                words = vocab[rng.integers(0, len(vocab), int(rng.lognormal(np.log(1200), 0.6)))]
                record = {
                    "prompt": f"live {p} written at {time.time():.6f}",
                    "gen": " ".join(words.tolist()) + f"\nso \\boxed{{{s}}}",
                    "answer": "0",
                    "accuracy": float(s == 0),
                }
                lines.append(json.dumps(record) + "\n")
            data = "".join(lines)
            handle.write(data)
            handle.flush()
            written += len(data.encode())
            p += 1
            # Keep to the rate: sleep until the bytes written so far are due.
            due = started + written / (rate_mb * 1e6)
            time.sleep(max(0.0, due - time.monotonic()))
    print(f"writer: {written / 1e6:.1f} MB in {time.monotonic() - started:.1f} s", flush=True)


def app_interval() -> float:
    """The app's ``FOLLOW_MIN_INTERVAL`` in the evaltui imported (1 s where it has none)."""
    try:
        from evaltui.app.app import FOLLOW_MIN_INTERVAL
    except ImportError:
        return 1.0
    return float(FOLLOW_MIN_INTERVAL)


def measure(
    follower: Follower, data: Path, args: argparse.Namespace, consumer: str, rep: int
) -> dict[str, float]:
    """One window: a writer appends for ``args.seconds`` to a new run folder; this process
    follows as ``consumer`` does. Returns CPU and delay figures."""
    live = data / f"zz_live_run_{rep}"
    shutil.rmtree(live, ignore_errors=True)
    live.mkdir()
    out = live / "inference_live.jsonl"
    out.write_text("", encoding="utf-8")
    if follower.poll() is not None:  # the new (empty) folder, the last window's folder gone
        follower.result()
    process = multiprocessing.get_context("spawn").Process(
        target=writer, args=(str(out), args.rate_mb, args.seconds, args.samples)
    )
    delays: list[float] = []
    seen = 0
    interval = app_interval()
    poll_cpu = build_cpu = 0.0
    builds = polls = 0
    cpu0, wall0 = time.process_time(), time.monotonic()
    process.start()
    last_build = time.monotonic()
    try:
        while True:
            alive = process.is_alive()
            follower.wait(1.0)
            started, c0 = time.monotonic(), time.process_time()
            update = follower.poll()
            poll_cpu += time.process_time() - c0
            polls += 1
            if update is None and not alive:
                break
            due = consumer == "app" or time.monotonic() - last_build >= args.interval or not alive
            if update is None or not due:
                continue
            c0 = time.process_time()
            result = update.result
            build_cpu += time.process_time() - c0
            builds += 1
            last_build = time.monotonic()
            now = time.time()
            live_rows = result.stats.filter(result.stats["prompt"].str.starts_with("live "))
            for prompt in live_rows["prompt"].to_list()[seen:]:
                delays.append(now - float(prompt.rsplit(" ", 1)[1]))
            seen = live_rows.height
            if consumer == "app":
                # As the app's follow worker (app.follow_inputs): the next poll comes at least
                # FOLLOW_MIN_INTERVAL (1.25 s; 1 s before 2026-12-03 06:00, 0.5 s before
                # 2026-12-02 07:00) and twice this poll + rebuild after this poll began, then
                # waits for the next file-system event.
                took = last_build - started
                pause = max(interval, 2 * took) - (time.monotonic() - started)
                time.sleep(max(0.0, pause))
    finally:
        process.join()
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    appended = out.stat().st_size / 1e6
    shutil.rmtree(live, ignore_errors=True)
    delays.sort()
    median = statistics.median(delays) if delays else float("nan")
    p95 = delays[min(len(delays) - 1, int(0.95 * len(delays)))] if delays else float("nan")
    print(
        f"[{rep}] consumer {consumer}: appended {appended:.1f} MB in {wall:.1f} s; CPU {cpu:.2f} s"
        f" = {cpu / appended:.3f} CPU-s per MB = {100 * cpu / wall:.1f}% of one core "
        f"(polls {poll_cpu:.2f} s in {polls}, builds {build_cpu:.2f} s in {builds}); "
        f"delay write -> result median {median:.2f} s, p95 {p95:.2f} s over {len(delays)} "
        f"prompts; {_builds(follower)}load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return {"cpu_per_mb": cpu / appended, "share": cpu / wall, "delay": median, "p95": p95}


def _builds(follower: Follower) -> str:
    live = getattr(follower, "live", None)  # absent before the incremental stats
    if live is None:
        return ""
    return f"full builds {live.rebuilds}, prompts in the last build {live.recomputed}; "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--rate-mb", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--samples", type=int, default=8, help="generations per appended prompt")
    parser.add_argument("--consumer", choices=["app", "summarize"], nargs="+", default=["app"])
    parser.add_argument("--repeat", type=int, default=1, help="windows per consumer")
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--skip-initial-lengths", action="store_true")
    parser.add_argument("--num-proc", type=int, default=None)
    args = parser.parse_args()

    print(f"load average at start: {os.getloadavg()}", flush=True)
    options = LoadOptions(keep_text=False, num_proc=args.num_proc)
    follower = Follower([args.data], options)
    t0 = time.perf_counter()
    if args.skip_initial_lengths:
        follower.options = dataclasses.replace(options, tokenize=False)
    first = follower.load()
    follower.options = options
    print(
        f"first load: {first.generations.height:,} generations, {first.cache_hits} cached files, "
        f"{time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    results: dict[str, list[dict[str, float]]] = {c: [] for c in args.consumer}
    for rep in range(args.repeat):
        for consumer in args.consumer:
            results[consumer].append(measure(follower, args.data, args, consumer, rep))
    for consumer, runs in results.items():
        print(
            f"{consumer}, median of {len(runs)}: "
            + ", ".join(
                f"{name} {statistics.median(r[name] for r in runs):.3f}"
                for name in ("cpu_per_mb", "share", "delay", "p95")
            )
        )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()

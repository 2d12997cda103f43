"""The stats work of one followed update: every prompt recomputed vs only the touched ones.

    python benchmarks/bench_follow_stats.py --generations gens.parquet [--updates 20]

``gens.parquet``: a load's generations table (e.g. ``Follower.load(...).generations`` of
generate.py's medium set, written with ``write_parquet``). Each update appends ``--prompts``
new prompts of ``--samples`` generations (copies of existing rows under new ids, in a new file
of a new run) and one more generation of ``--old`` existing prompts; the CPU seconds of
``loader.compute_stats`` over every row (what following did before) and of
``LiveStats.update`` are measured alternately, and every update's two tables are compared.
Then the app's table frame for each update's stats (``display.display_frame`` at 120 columns):
every text cut again vs cut once and remembered (``display.TextCells``), compared the same way.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaltui.data.extract import fill_vote_answers
from evaltui.data.livestats import LiveStats, Part
from evaltui.data.loader import LoadOptions, compute_stats, finish_generations, mixed_metric_runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generations", type=Path, required=True)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--prompts", type=int, default=8)
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--old", type=int, default=2)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}", flush=True)
    # As a load's rows are now (a table written by an older version lacks vote_reference, and
    # every update would normalize it again inside compute_stats).
    base = fill_vote_answers(pl.read_parquet(args.generations))
    options = LoadOptions()
    files: dict[str, pl.DataFrame] = {
        str(k[0]): f for k, f in base.partition_by("source", as_dict=True).items()
    }
    order = list(files)
    live = LiveStats(options)
    frames = [files[k] for k in order]
    mixed = mixed_metric_runs(pl.concat(frames))
    live.rebuild(
        finish_generations(frames, mixed), [Part(k, files[k].height) for k in order], mixed
    )
    template = base.head(args.samples)
    full_cpu: list[float] = []
    live_cpu: list[float] = []
    tables: list[pl.DataFrame] = []
    for update in range(args.updates):
        new = pl.concat(
            [
                template.with_columns(
                    pl.lit("live").alias("run"),
                    pl.lit("live.jsonl").alias("source"),
                    pl.lit(f"live-{update}-{p}").alias("prompt_id"),
                    pl.lit(f"live prompt {update} {p}").alias("prompt"),
                )
                for p in range(args.prompts)
            ]
        )
        old_key = order[update % len(order)]
        more = files[old_key].sample(args.old, seed=update)
        files[old_key] = pl.concat([files[old_key], more])
        files["live.jsonl"] = pl.concat([files.get("live.jsonl", new.clear()), new])
        if "live.jsonl" not in order:
            order.append("live.jsonl")
        frames = [files[k] for k in order]
        mixed = mixed_metric_runs(pl.concat(frames))
        generations = finish_generations(frames, mixed)
        parts = [Part(k, files[k].height) for k in order]
        started = time.process_time()
        got = live.update(generations, parts, mixed, [new, more], [])
        live_cpu.append(time.process_time() - started)
        started = time.process_time()
        want = compute_stats(generations, options)
        full_cpu.append(time.process_time() - started)
        assert got.equals(want), update
        tables.append(got)
        if os.environ.get("BENCH_DEBUG"):
            print(update, live.recomputed, f"{live_cpu[-1]*1000:.0f} ms", flush=True)
    print(
        f"{base.height:,} generations + {args.updates} updates of {args.prompts}x{args.samples} "
        f"new and {args.old} old: every prompt {statistics.median(full_cpu) * 1000:.0f} ms CPU "
        f"per update (median), touched only {statistics.median(live_cpu) * 1000:.0f} ms "
        f"({statistics.median(full_cpu) / statistics.median(live_cpu):.1f}x); "
        f"full builds {live.rebuilds - 1}; identical tables"
    )
    from evaltui.app.display import TextCells, column_widths, display_frame

    prompt, run = column_widths(120)
    cells = TextCells()
    display_frame(tables[0], prompt, run, 120, cells)  # the table shown before following
    plain: list[float] = []
    kept: list[float] = []
    for stats in tables[1:]:
        started = time.process_time()
        want = display_frame(stats, prompt, run, 120)
        plain.append(time.process_time() - started)
        started = time.process_time()
        got = display_frame(stats, prompt, run, 120, cells)
        kept.append(time.process_time() - started)
        assert got.equals(want)
    print(
        f"table frame of {tables[-1].height:,} prompts: every text cut "
        f"{statistics.median(plain) * 1000:.0f} ms CPU (median), remembered cells "
        f"{statistics.median(kept) * 1000:.0f} ms ({statistics.median(plain) / statistics.median(kept):.1f}x); identical frames"
    )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()

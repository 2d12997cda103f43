"""App latency: time to first frame, to a usable table, to a fully populated one; filter and sort
latency over a large Stats table.

    python benchmarks/generate.py small && python benchmarks/generate.py medium
    python benchmarks/bench_app.py --data benchmarks/data/small --runs 3
    python benchmarks/bench_app.py --stats-rows 100000

Headless (`App.run_test`), in process, with a fresh token cache each run (cold: the table's
accuracy columns come before the lengths). Medians of the runs are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from evaltui.app.app import EvalApp
from evaltui.app.messages import LoadUpdated, ViewReady
from evaltui.data.loader import LoadOptions
from evaltui.data.query import Sort, View


class TimedApp(EvalApp):
    """Records when the first frame, the first rows and the complete table appear."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.started = time.perf_counter()
        self.marks: dict[str, float] = {}

    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(lambda: self.marks.setdefault("first_frame", time.perf_counter() - self.started))

    def on_view_ready(self, message: ViewReady) -> None:
        super().on_view_ready(message)
        now = time.perf_counter() - self.started
        self.marks.setdefault("rows_usable", now)
        self.marks["table_builds"] = self.marks.get("table_builds", 0) + 1
        if self.result is not None and self.result.complete:
            self.marks.setdefault("fully_populated", now)

    def on_load_updated(self, message: LoadUpdated) -> None:
        super().on_load_updated(message)


async def one_run(data: Path, cache_dir: Path | None = None) -> dict[str, float]:
    """One app start; cold (a fresh cache) unless ``cache_dir`` holds a warm cache."""
    with tempfile.TemporaryDirectory() as fresh:
        cache = cache_dir or Path(fresh)
        app = TimedApp([str(data)], LoadOptions(cache_dir=cache))
        async with app.run_test(size=(140, 40)) as pilot:
            deadline = time.monotonic() + 1800
            while "fully_populated" not in app.marks and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if app.rows is not None and app.rows.height:
                # Opening the first prompt: a warm load reads its generations' text back then.
                from evaltui.app.screens.prompt import PromptScreen

                run, prompt_id = app.rows.row(0, named=True)["run"], app.rows.row(0, named=True)["prompt_id"]
                start = time.perf_counter()
                app.push_screen(PromptScreen(run, prompt_id))
                await pilot.pause()
                app.marks["open_prompt"] = time.perf_counter() - start
            await pilot.press("ctrl+q")
        return app.marks


def stats_latency(rows: int, repeats: int = 7) -> None:
    rng = np.random.default_rng(0)
    count = np.full(rows, 16, dtype=np.uint32)
    correct = rng.integers(0, 17, rows).astype(np.uint32)
    stats = pl.DataFrame({
        "prompt": [f"Problem {i}: a prompt about triangles {i % 97}" for i in range(rows)],
        "answer": [str(i) for i in range(rows)],
        "count": count, "n_correct": correct, "n_scored": count,
        "average_accuracy": correct / 16, "max_gen_length": rng.integers(100, 16000, rows).astype(np.uint32),
        "avg_gen_length": rng.uniform(100, 8000, rows), "run": ["a"] * rows, "prompt_id": [str(i) for i in range(rows)],
    })
    views = {
        "filter": View(where="average_accuracy < 0.2 and max_gen_length > 8000"),
        "regex filter": View(where='prompt ~ "triangles 4[0-9]"'),
        "sort": View(sort=Sort("max_gen_length", descending=True)),
        "filter+sort": View(where="count >= 8", quick="flaky", sort=Sort("avg_gen_length")),
    }
    from evaltui.app.display import display_frame

    for name, view in views.items():
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            display_frame(view.apply(stats))
            times.append(time.perf_counter() - start)
        print(f"{name:>12} over {rows:,} prompts: median {statistics.median(times) * 1000:.1f} ms "
              f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}; view + display frame)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stats-rows", type=int, default=100_000)
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="a warm token cache to reuse (e.g. after `evaltui summarize DATA --cache-dir DIR`)",
    )
    args = parser.parse_args()
    if args.data is not None:
        results = [asyncio.run(one_run(args.data, args.cache_dir)) for _ in range(args.runs)]
        print(f"load average: {os.getloadavg()}")
        for mark in ("first_frame", "rows_usable", "fully_populated", "table_builds", "open_prompt"):
            values = [r[mark] for r in results if mark in r]
            print(f"{mark:>16}: median {statistics.median(values):.2f} s  (runs: {', '.join(f'{v:.2f}' for v in values)})")
    if args.stats_rows:
        stats_latency(args.stats_rows)


if __name__ == "__main__":
    main()

"""The bad lines screen (``b``) on a load with many bad lines: how long the UI thread stalls.

    python benchmarks/bench_problems.py --data DIR [--repeat 5] [--code TREE]

Loads ``--data`` in the app (headless, 80×24, no token counts), then opens the bad lines screen
``--repeat`` times, each time pressing ``a`` (every line) and ``a`` again (the lines alike said
once). A 5 ms ticker on the UI thread records its longest gap from each key until the screen
shows the text for it: the longest the app could not answer a key; and the UI thread's CPU
seconds over the same stretch (less at the mercy of a busy machine than the gap). Reported: the
medians over the repeats, per key. ``--code TREE`` imports evaltui from another checkout (the baseline's).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if "--code" in sys.argv:  # evaltui from another checkout (e.g. the baseline's)
    sys.path.insert(0, sys.argv[sys.argv.index("--code") + 1])

from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.problems import ProblemsScreen
from evaltui.data.loader import LoadOptions


def _text(app: EvalApp) -> str:
    screen = app.screen
    if not isinstance(screen, ProblemsScreen):
        return ""
    try:  # (the baseline's: one Static)
        from evaltui.app.screens.problems import WrappedLines
    except ImportError:
        return str(screen.query_one("#problems-text", Static).render())
    return str(screen.query_one("#problems", WrappedLines).text)


async def _run(data: str, repeat: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    app = EvalApp([data], LoadOptions(tokenize=False))
    stalls: dict[str, list[float]] = {"b": [], "a": [], "a again": []}
    cpu: dict[str, list[float]] = {"b": [], "a": [], "a again": []}
    async with app.run_test(size=(80, 24)) as pilot:
        while app.result is None or app.loading:
            await asyncio.sleep(0.05)
        last = [time.perf_counter()]
        gap = [0.0]

        def tick() -> None:
            now = time.perf_counter()
            gap[0] = max(gap[0], now - last[0])
            last[0] = now

        app.set_interval(0.005, tick)
        for _ in range(repeat):
            for key, word, label in (
                ("b", "(a lists", "b"),
                ("a", "every line (a", "a"),
                ("a", "(a lists", "a again"),
            ):
                await pilot.pause(0.1)
                last[0], gap[0] = time.perf_counter(), 0.0
                started = time.thread_time()  # (the app runs on this thread)
                await pilot.press(key)
                while word not in _text(app).split("\n", 1)[0]:
                    await asyncio.sleep(0.005)
                await pilot.pause(0.05)  # the frame drawn after it
                stalls[label].append(gap[0])
                cpu[label].append(time.thread_time() - started)
            await pilot.press("escape")
            await pilot.pause(0.1)
    return stalls, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--code")
    args = parser.parse_args()
    stalls, cpu = asyncio.run(_run(args.data, args.repeat))
    for label, values in stalls.items():
        print(
            f"{label:8} longest UI stall median {statistics.median(values):.3f} s "
            f"({', '.join(f'{v:.3f}' for v in values)}) · UI thread CPU median "
            f"{statistics.median(cpu[label]):.3f} s"
        )


if __name__ == "__main__":
    main()

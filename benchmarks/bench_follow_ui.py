"""The app's side of followed updates alone: the UI thread's and the view worker's CPU per update.

    python benchmarks/bench_follow_ui.py --data DIR [--updates 40] [--new 16] [--parts] [--code TREE]

Loads ``--data`` once (no token counts), then posts ``--updates`` results to the app (headless,
120×35) the way the follow worker posts them (``LoadUpdated``), each with ``--new`` more prompts
at the end of the Stats table (copies of its first rows under new ids of the same width), 0.3 s
apart, each after the last one's view was shown. No follower, no writer, no token counting: what
is left is the header line, the view (``View.apply`` + ``table_layout``, in the view worker), the
table updated in place and Textual's repaint. Reported: the UI thread's CPU per update (from the
message to the screen drawn; the CPU of as long an idle stretch before it is subtracted), the
other threads' (the view worker: the view, its layout and, from this branch on, a followed
update's header line; ``View.apply`` + ``table_layout`` alone are given too), polars' pool's (the queries of both run partly there: from ``/proc``, 10 ms
ticks, so only its total over the updates means something) and the compositor's passes. ``--parts`` also times, per update, the compositor's passes, the header and view
handlers, each widget's rendering and each widget's refresh calls (wrappers: a few % slower).
``--code TREE`` imports evaltui from another checkout (the baseline's) instead of this one.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if "--code" in sys.argv:  # evaltui from another checkout (e.g. the baseline's)
    sys.path.insert(0, sys.argv[sys.argv.index("--code") + 1])

import polars as pl

import evaltui.app.app as app_module
from evaltui.app.app import EvalApp
from evaltui.app.messages import LoadUpdated, ViewReady
from evaltui.data import query
from evaltui.data.loader import LoadOptions, LoadResult, load

SPENT: dict[str, float] = {}
"""CPU seconds by part (``--parts``), on the UI thread unless named for the worker."""


def _timed(owner: Any, name: str, label: str, *, ui_only: bool = True) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            if not ui_only or threading.current_thread() is threading.main_thread():
                SPENT[label] = SPENT.get(label, 0.0) + time.thread_time() - started

    setattr(owner, name, timed)


def _instrument(parts: bool) -> None:
    _timed(query.View, "apply", "worker: View.apply", ui_only=False)
    _timed(app_module, "table_layout", "worker: table_layout", ui_only=False)
    if not parts:
        return
    from textual import _styles_cache
    from textual.screen import Screen
    from textual.widget import Widget

    from evaltui.app.screens.main import MainScreen

    _timed(Screen, "_compositor_refresh", "compositor pass")
    _timed(Screen, "_refresh_layout", "screen layout")
    _timed(MainScreen, "show_result", "show_result (header)")
    _timed(MainScreen, "show_view", "show_view (status, table)")
    render = _styles_cache.StylesCache.render_widget

    def rendered(cache: Any, widget: Widget, crop: Any) -> Any:
        started = time.thread_time()
        try:
            return render(cache, widget, crop)
        finally:
            label = f"render {widget.id or type(widget).__name__}"
            SPENT[label] = SPENT.get(label, 0.0) + time.thread_time() - started

    _styles_cache.StylesCache.render_widget = rendered  # type: ignore[method-assign]
    refresh = Widget.refresh

    def counted(widget: Widget, *args: Any, **kwargs: Any) -> Any:
        label = f"refresh calls: {widget.id or type(widget).__name__}"
        SPENT[label] = SPENT.get(label, 0.0) + 0.001  # shown as 1 per call
        return refresh(widget, *args, **kwargs)

    Widget.refresh = counted  # type: ignore[method-assign]


def pool_cpu() -> float:
    """CPU seconds so far of polars' pool threads (``polars-N``), from ``/proc/self/task``."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/comm", encoding="utf-8") as handle:
                name = handle.read().strip()
            if not (name.startswith("polars-") and name[7:].isdigit()):
                continue
            with open(f"/proc/self/task/{tid}/stat", encoding="ascii") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


PASSES = [0]
"""Compositor passes of the screen (``Screen._compositor_refresh``), counted on the UI thread."""


def _count_passes() -> None:
    from textual.screen import Screen

    composite = Screen._compositor_refresh

    def counted(screen: Screen[Any]) -> None:
        PASSES[0] += 1
        composite(screen)

    Screen._compositor_refresh = counted  # type: ignore[method-assign]


def results(base: LoadResult, updates: int, new: int) -> list[LoadResult]:
    """The first result, then ``updates`` more, each with ``new`` more prompts at the end."""
    out = [base]
    stats = base.stats
    first = stats.head(new)
    for update in range(updates):
        more = first.with_columns(
            (pl.col("prompt_id").str.slice(0, 12) + f"{update:04d}").alias("prompt_id"),
            (pl.lit(f"live {update} ") + pl.col("prompt")).alias("prompt"),
        )
        stats = pl.concat([stats, more])
        out.append(dataclasses.replace(base, stats=stats))
    return out


async def run(args: argparse.Namespace, shown: list[LoadResult]) -> None:
    ready = asyncio.Event()
    views = [0]

    class App(EvalApp):
        def start_load(self) -> None:
            self.post_message(LoadUpdated(shown[0]))

        def on_view_ready(self, message: ViewReady) -> None:
            super().on_view_ready(message)
            message.prevent_default()  # (else EvalApp's handler runs twice)
            views[0] += 1
            ready.set()

    app = App([str(args.data)], LoadOptions(keep_text=False))
    async with app.run_test(size=(120, 35)):
        while not views[0]:
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)
        started, wall = time.thread_time(), time.monotonic()
        await asyncio.sleep(0.3 * args.updates)  # idle: timers, the event loop
        idle = (time.thread_time() - started) / (time.monotonic() - wall)
        SPENT.clear()
        PASSES[0] = 0
        pool = pool_cpu()
        process = time.process_time()
        started, wall = time.thread_time(), time.monotonic()
        for result in shown[1:]:
            ready.clear()
            app.post_message(LoadUpdated(result))
            await ready.wait()
            await asyncio.sleep(0.3)
        process = time.process_time() - process
        ui_all = time.thread_time() - started
        ui = ui_all - idle * (time.monotonic() - wall)
        pool = pool_cpu() - pool
        others = process - ui_all - pool
        worker = sum(v for k, v in SPENT.items() if k.startswith("worker"))
        rows = app.rows.height if app.rows is not None else 0
        print(
            f"UI thread {1000 * ui / args.updates:.2f} ms per update (idle {1000 * idle:.1f} ms/s "
            f"subtracted), other threads {1000 * others / args.updates:.2f} ms (View.apply + "
            f"table_layout {1000 * worker / args.updates:.2f}), polars' pool "
            f"{1000 * pool / args.updates:.1f} ms; {PASSES[0] / args.updates:.2f} compositor "
            f"passes per update; {rows:,} rows at the end; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if args.parts:
            print(
                "per update: "
                + ", ".join(
                    f"{k} {1000 * v / args.updates:.2f}"
                    for k, v in sorted(SPENT.items(), key=lambda kv: -kv[1])
                )
            )
        app.exit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--updates", type=int, default=40)
    parser.add_argument("--new", type=int, default=16, help="new prompts per update")
    parser.add_argument("--parts", action="store_true", help="time the parts (see the docstring)")
    parser.add_argument("--code", type=Path, help="import evaltui from this checkout instead")
    args = parser.parse_args()
    import evaltui

    print(
        f"evaltui from {Path(evaltui.__file__).parent}; load {os.getloadavg()[0]:.1f}", flush=True
    )
    base = load([args.data], LoadOptions(keep_text=False, tokenize=False))
    _instrument(args.parts)
    _count_passes()
    asyncio.run(run(args, results(base, args.updates, args.new)))


if __name__ == "__main__":
    main()

"""Following in the app itself: from a line written to it on screen, hop by hop, and the app's CPU.

    python benchmarks/generate.py medium
    python benchmarks/bench_follow_app.py --data benchmarks/data/medium --seconds 30 --repeat 3

The app (``EvalApp(..., follow=True)``, headless ``App.run_test`` at 120×35) loads ``--data``
(no token counts for the files already there: a cold 1 GB count costs tens of CPU-minutes; every
appended line is counted), then per window a writer process (``bench_follow.writer``) appends
trace-like lines at ``--rate-mb`` MB/s to a new run folder inside ``--data`` (removed at the end).
Each appended prompt carries its write time; for each one this records when it was first

- in a result the follow worker built (``Follower.result``, in the follow thread),
- in the rows of a view the app showed (``on_view_ready``, main thread),
- painted (the first screen refresh after that view: ``call_after_refresh``),

and reports the medians and 95th percentiles of each hop (whether a slow line waited for its poll,
behind another view, or for the paint), how far apart the results were built (the follow worker's
cadence), the CPU of the whole process (all threads) per appended MB
and as a share of one core, the UI thread's CPU (the event loop's: Textual and the app's handlers) per
view shown, and how many polls, builds and views there were. Window -1 is a
short warm-up (the token counter is made and self-checks the first texts), not counted.

The marks themselves cost next to nothing on the threads measured: a build and a view only keep
their rows and the time (which live prompts they hold is read after the window), and while the
last prompts are awaited only the newest painted view is looked at, its CPU left out. (Before,
each build and each view filtered its rows for the live prompts and noted each one, on the
follow thread and the UI thread: ~0.7 ms of the UI's "ms per view".)
``--code TREE`` imports evaltui from another checkout (the baseline's) instead of this one.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
from textual.worker import Worker, WorkerState

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if "--code" in sys.argv:  # evaltui from another checkout (e.g. the baseline's)
    sys.path.insert(0, sys.argv[sys.argv.index("--code") + 1])

from evaltui.app.app import EvalApp
from evaltui.app.messages import ViewReady
from evaltui.data import follow
from evaltui.data.loader import LoadOptions, LoadResult

_LIVE = "live "


def _written(prompts: list[str]) -> dict[str, float]:
    return {p: float(p.rsplit(" ", 1)[1]) for p in prompts}


class FollowTimes:
    """First time each live prompt reached each hop (wall clock, seconds since the epoch)."""

    def __init__(self) -> None:
        self.written: dict[str, float] = {}
        self.built: dict[str, float] = {}
        self.viewed: dict[str, float] = {}
        self.painted: dict[str, float] = {}
        self.polls = 0
        self.builds = 0
        self.views = 0
        self.build_marks: list[tuple[float, pl.DataFrame]] = []
        """(when, the Stats rows) of each result built: read by :meth:`settle`."""
        self.view_marks: list[list[object]] = []
        """[when shown, when painted or None, the rows] of each view: read by :meth:`settle`."""

    def note(self, where: dict[str, float], prompts: list[str], now: float) -> None:
        for prompt in prompts:
            if prompt not in where:
                where[prompt] = now
                self.written.setdefault(prompt, float(prompt.rsplit(" ", 1)[1]))

    def last_painted(self) -> pl.DataFrame | None:
        """The rows of the newest view painted so far."""
        for _viewed, painted, rows in reversed(self.view_marks):
            if painted is not None:
                assert isinstance(rows, pl.DataFrame)
                return rows
        return None

    def settle(self) -> None:
        """The hops' times from the marks (after the window: the benchmark's own work)."""
        for when, stats in self.build_marks:
            self.note(self.built, _live_prompts(stats), when)
        for viewed, painted, rows in self.view_marks:
            assert isinstance(rows, pl.DataFrame) and isinstance(viewed, float)
            live = _live_prompts(rows)
            self.note(self.viewed, live, viewed)
            if isinstance(painted, float):
                self.note(self.painted, live, painted)


TIMES = FollowTimes()


def _live_prompts(stats: pl.DataFrame) -> list[str]:
    """The live prompts of these rows, in Python (no query: none for polars' pool either)."""
    if not stats.height:
        return []
    return [p for p in stats.get_column("prompt").to_list() if p and p.startswith(_LIVE)]


def _instrument() -> None:
    """Time marks in the follower (the follow worker's thread) and a first load without counts."""
    original_load = follow.Follower.load
    original_result = follow.Follower.result
    original_poll = follow.Follower.poll

    def load(self: follow.Follower, *args: object, **kwargs: object) -> LoadResult:
        import dataclasses

        options = self.options
        self.options = dataclasses.replace(options, tokenize=False)
        try:
            return original_load(self, *args, **kwargs)  # type: ignore[arg-type]
        finally:
            self.options = options

    def result(self: follow.Follower) -> LoadResult:
        fresh = self._result is None
        built = original_result(self)
        if fresh:
            TIMES.builds += 1
            TIMES.build_marks.append((time.time(), built.stats))
        return built

    def poll(self: follow.Follower, **kwargs: bool) -> follow.FollowUpdate | None:
        TIMES.polls += 1
        FOLLOW_THREADS.add(threading.get_native_id())
        return original_poll(self, **kwargs)  # (F on again: catch_up=True)

    follow.Follower.load = load  # type: ignore[method-assign]
    follow.Follower.result = result  # type: ignore[method-assign]
    follow.Follower.poll = poll  # type: ignore[method-assign]


class TimedApp(EvalApp):
    # Textual also calls a base class's handler of a message unless it is prevented: each handler
    # here calls EvalApp's first (its timing reads what that did), then prevents the second call
    # (before, the app's handlers ran twice per view and per worker change).
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)
        event.prevent_default()
        if event.state == WorkerState.ERROR:
            print(f"worker {event.worker.name} failed: {event.worker.error!r}", file=sys.__stderr__)

    def on_view_ready(self, message: ViewReady) -> None:
        super().on_view_ready(message)
        message.prevent_default()
        if self.rows is not message.rows:
            return
        TIMES.views += 1
        mark: list[object] = [time.time(), None, message.rows]
        TIMES.view_marks.append(mark)
        self.call_after_refresh(lambda: mark.__setitem__(1, time.time()))


FOLLOW_THREADS: set[int] = set()
"""Native ids of the threads that ran ``Follower.poll`` (the follow worker's)."""


def thread_cpu() -> dict[int, tuple[str, float]]:
    """Each thread of this process: (group, CPU seconds so far), from ``/proc/self/task``.

    Groups: ``ui`` (the event loop's thread), ``follow`` (the follow worker's), ``workers``
    (Textual's other thread workers: the view's), ``polars`` (polars' pool), ``count`` (the
    count path's pool), else the thread's name without its number."""
    tick = os.sysconf("SC_CLK_TCK")
    names = {t.native_id: t.name for t in threading.enumerate()}
    main = threading.main_thread().native_id
    out: dict[int, tuple[str, float]] = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat", encoding="ascii") as handle:
                stat = handle.read()
            with open(f"/proc/self/task/{tid}/comm", encoding="utf-8") as handle:
                comm = handle.read().strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / tick
        native = int(tid)
        name = names.get(native, comm)
        if native == main:
            group = "ui"
        elif native in FOLLOW_THREADS:
            group = "follow"
        elif name.startswith("asyncio"):
            group = "workers"
        elif name.startswith("polars-") and name[7:].isdigit():
            group = "polars"
        elif name.startswith("evaltui-count"):
            group = "count"
        else:
            group = name.rstrip("0123456789_-")
        out[native] = (group, cpu)
    return out


def _by_group(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    groups: dict[str, float] = {}
    for tid, (group, cpu) in after.items():
        spent = cpu - before.get(tid, (group, 0.0))[1]
        groups[group] = groups.get(group, 0.0) + spent
    return groups


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))] if values else float("nan")


async def run(args: argparse.Namespace) -> list[dict[str, float]]:
    app = TimedApp([str(args.data)], LoadOptions(keep_text=False), follow=True)
    windows: list[dict[str, float]] = []
    async with app.run_test(size=(120, 35)):
        started = time.perf_counter()
        while app.follower is None or app.loading:
            await asyncio.sleep(0.2)
        print(f"first load {time.perf_counter() - started:.1f} s", flush=True)
        await asyncio.sleep(3)
        for rep in range(-1, args.repeat):  # window -1: a short warm-up (the counter is made)
            live = args.data / f"zz_live_app_{rep}"
            shutil.rmtree(live, ignore_errors=True)
            live.mkdir()
            out = live / "inference_live.jsonl"
            out.write_text("", encoding="utf-8")
            await asyncio.sleep(args.settle)  # the new folder seen, the old one gone
            global TIMES
            TIMES = FollowTimes()
            # A process of its own (not multiprocessing: the test driver holds the std streams).
            code = (
                "import sys; sys.path.insert(0, sys.argv[1]); from benchmarks.bench_follow import "
                "writer; writer(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]))"
            )
            root = str(Path(__file__).resolve().parents[1])
            command = [sys.executable, "-c", code, root, str(out)]
            seconds = args.seconds if rep >= 0 else min(5.0, args.seconds)
            command += [str(args.rate_mb), str(seconds), str(args.samples)]
            cpu0, wall0 = time.process_time(), time.monotonic()
            ui0 = time.thread_time()  # this thread runs the app's event loop: the UI's CPU
            threads0 = thread_cpu()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
            while process.poll() is None:
                await asyncio.sleep(0.1)
            # Until the last prompt written is on screen (or 20 s). Reading the written file
            # here is the benchmark's CPU (~0.1-0.2 s for 20 MB), not the app's: left out.
            own_cpu, own_ui = time.process_time(), time.thread_time()
            own_threads = thread_cpu()
            written = pl.read_ndjson(out).get_column("prompt").unique().to_list()
            wanted = set(written)
            own_cpu, own_ui = time.process_time() - own_cpu, time.thread_time() - own_ui
            own_groups = _by_group(own_threads, thread_cpu())
            deadline = time.monotonic() + (20 if rep >= 0 else 120)
            # The live prompts of every view reach the newer ones (they stay in the default
            # view): the newest painted view holding them all is the end. Looking is the
            # benchmark's CPU (this thread only: no query), left out.
            looked: pl.DataFrame | None = None
            checking = 0.0
            while time.monotonic() < deadline:
                newest = TIMES.last_painted()
                if newest is not None and newest is not looked:
                    began = time.thread_time()
                    looked = newest
                    done = wanted <= set(_live_prompts(newest))
                    checking += time.thread_time() - began
                    if done:
                        break
                await asyncio.sleep(0.05)
            cpu = time.process_time() - cpu0 - own_cpu - checking
            wall = time.monotonic() - wall0
            ui = time.thread_time() - ui0 - own_ui - checking
            groups = _by_group(threads0, thread_cpu())
            for group, spent in own_groups.items():  # the benchmark's own read, left out
                groups[group] = groups.get(group, 0.0) - spent
            groups["ui"] = groups.get("ui", 0.0) - checking
            TIMES.settle()
            appended = out.stat().st_size / 1e6
            shutil.rmtree(live, ignore_errors=True)
            hops = {
                "built": [
                    TIMES.built[p] - w for p, w in _written(written).items() if p in TIMES.built
                ],
                "viewed": [
                    TIMES.viewed[p] - w for p, w in _written(written).items() if p in TIMES.viewed
                ],
                "painted": [
                    TIMES.painted[p] - w for p, w in _written(written).items() if p in TIMES.painted
                ],
            }
            window = {
                "cpu_per_mb": cpu / appended,
                "share": cpu / wall,
                "ui_share": ui / wall,
                "ui_ms_per_view": 1000 * ui / max(1, TIMES.views),
                **{f"{hop}_median": _median(v) for hop, v in hops.items()},
                **{f"{hop}_p95": _p95(v) for hop, v in hops.items()},
                # The follow worker's cadence: seconds between two results built.
                "build_gap": _median(
                    [b[0] - a[0] for a, b in itertools.pairwise(TIMES.build_marks)]
                ),
            }
            print(
                f"[{rep}] appended {appended:.1f} MB in {wall:.1f} s; CPU {cpu:.2f} s = "
                f"{window['cpu_per_mb']:.3f} CPU-s per MB = {100 * window['share']:.1f}% of one core "
                f"(UI thread {ui:.2f} s = {100 * window['ui_share']:.1f}%, "
                f"{window['ui_ms_per_view']:.0f} ms per view shown); "
                f"delay from the write, median: built {window['built_median']:.2f} s, "
                f"viewed {window['viewed_median']:.2f} s, painted {window['painted_median']:.2f} s "
                f"(p95 {window['painted_p95']:.2f} s; {len(hops['painted'])}/{len(written)} prompts); "
                f"p95 built {window['built_p95']:.2f} s, viewed {window['viewed_p95']:.2f} s; "
                f"polls {TIMES.polls}, builds {TIMES.builds} ({window['build_gap']:.2f} s apart), "
                f"views {TIMES.views}; "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            print(
                "    CPU ms per MB by thread: "
                + ", ".join(
                    f"{group} {1000 * spent / appended:.0f}"
                    for group, spent in sorted(groups.items(), key=lambda g: -g[1])
                    if spent > 0
                ),
                flush=True,
            )
            if rep >= 0:
                windows.append(window)
            await asyncio.sleep(args.settle)
        app.exit(0)
    return windows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--rate-mb", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--samples", type=int, default=8, help="generations per appended prompt")
    parser.add_argument("--repeat", type=int, default=3, help="windows")
    parser.add_argument("--code", type=Path, help="import evaltui from this checkout instead")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds between windows")
    args = parser.parse_args()
    import evaltui

    print(f"evaltui from {Path(evaltui.__file__).parent}", flush=True)
    print(f"load average at start: {os.getloadavg()}", flush=True)
    _instrument()
    windows = asyncio.run(run(args))
    print(
        f"median of {len(windows)} windows: "
        + ", ".join(
            f"{name} {statistics.median(w[name] for w in windows):.3f}" for name in windows[0]
        )
    )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()

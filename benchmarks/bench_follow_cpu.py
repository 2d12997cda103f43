"""CPU of one followed update, by part, without a writer's timing: load-independent figures.

    python benchmarks/bench_follow_cpu.py --data DIR [--updates 10] [--mb 0.5] [--code TREE]

Follows ``--data`` (its first load counts no tokens), then ``--updates`` times appends
``--mb`` MB of trace-like lines (as ``bench_follow.writer``'s, all written beforehand) to a new
file and does what the app does per update, measuring the process's CPU (all threads) of each
part: the poll (reading, answer extraction, text measures, token counting of the new lines), the
stats (``Follower.result``), the header line (``screens.main.header_text``) and the table
(``View().apply`` + ``display.table_layout`` at 120 columns, as the app's view worker, and the
cells of the first block of rows (128), as the table draws them; ``display_frame`` of every row when
the checkout has no ``table_layout``). The
Textual side (mounting the table, painting) is not included: ``bench_follow_app.py`` times the
whole app. Two warm-up updates come first (the counter and its self-check of the first texts).
At 1 MB/s the app updates about twice a second, so ``--mb 0.5`` is one such update.

``--code TREE`` imports evaltui from another checkout (e.g. the baseline's) instead of this one.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np


def lines(first: int, mb: float, rng: np.random.Generator, vocab: np.ndarray) -> tuple[str, int]:
    """Trace-like lines (8 generations a prompt) of about ``mb`` MB, prompts from ``first``."""
    out: list[str] = []
    size = 0
    prompt = first
    while size < mb * 1e6:
        for s in range(8):
            words = vocab[rng.integers(0, len(vocab), int(rng.lognormal(np.log(1200), 0.6)))]
            record = {
                "prompt": f"live {prompt}",
                "gen": " ".join(words.tolist()) + f"\nso \\boxed{{{s}}}",
                "answer": "0",
                "accuracy": float(s == 0),
            }
            text = json.dumps(record) + "\n"
            out.append(text)
            size += len(text)
        prompt += 1
    return "".join(out), prompt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--updates", type=int, default=10)
    parser.add_argument("--mb", type=float, default=0.5)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    sys.path.insert(0, str(args.code))
    sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
    import evaltui
    from benchmarks.generate import VOCAB
    from evaltui.app.display import TextCells, column_widths, display_frame

    try:
        from evaltui.app.display import table_layout
    except ImportError:  # an older checkout: a display frame of every row
        table_layout = None
    from evaltui.app.screens.main import header_text
    from evaltui.data.follow import Follower
    from evaltui.data.loader import LoadOptions
    from evaltui.data.query import View

    print(f"evaltui from {Path(evaltui.__file__).parent}; load average {os.getloadavg()}")
    rng = np.random.default_rng(1)
    vocab = np.array(VOCAB)
    chunks: list[str] = []
    prompt = 0
    for update in range(args.updates + 2):
        text, prompt = lines(prompt, args.mb if update >= 2 else 1.5, rng, vocab)
        chunks.append(text)
    live = args.data / "zz_bench_follow_cpu"
    shutil.rmtree(live, ignore_errors=True)
    options = LoadOptions(keep_text=False)
    follower = Follower([args.data], options)
    follower.options = dataclasses.replace(options, tokenize=False)
    started = time.perf_counter()
    first = follower.load()
    follower.options = options
    print(
        f"first load: {first.generations.height:,} generations, {time.perf_counter() - started:.1f} s"
    )
    live.mkdir()
    out = live / "inference_live.jsonl"
    out.write_text("", encoding="utf-8")
    cells = TextCells()
    prompt_width, run_width = column_widths(120)
    parts: dict[str, list[float]] = {"poll": [], "stats": [], "header": [], "table": []}
    try:
        follower.poll()
        display_frame(follower.result().stats, prompt_width, run_width, 120, cells)
        for update, text in enumerate(chunks):
            with out.open("a", encoding="utf-8") as handle:
                handle.write(text)
            marks = [time.process_time()]
            found = follower.poll()
            assert found is not None
            marks.append(time.process_time())
            result = found.result
            marks.append(time.process_time())
            header_text(result, 120)
            marks.append(time.process_time())
            rows = View().apply(result.stats)
            if table_layout is not None:
                table_layout(rows, prompt_width, run_width, 120).frame(0, 128).rows()
            else:
                display_frame(rows, prompt_width, run_width, 120, cells)
            marks.append(time.process_time())
            if update >= 2:
                for name, a, b in zip(parts, marks, marks[1:], strict=False):
                    parts[name].append(b - a)
    finally:
        shutil.rmtree(live, ignore_errors=True)
    total = [sum(values) for values in zip(*parts.values(), strict=True)]
    mb = sum(len(c.encode()) for c in chunks[2:]) / 1e6 / args.updates
    print(
        f"{result.stats.height:,} prompts, {result.generations.height:,} generations; "
        f"{args.updates} updates of {mb:.2f} MB, CPU medians per update: "
        + ", ".join(f"{name} {statistics.median(v) * 1000:.1f} ms" for name, v in parts.items())
        + f"; total {statistics.median(total) * 1000:.1f} ms = "
        f"{statistics.median(total) / mb:.3f} CPU-s per MB"
    )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()

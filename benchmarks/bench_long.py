"""Peak RSS of a cold `evaltui summarize` over one very long generation (10 MB, 50 MB).

    python benchmarks/bench_long.py --sizes 10 50 --runs 3

One JSONL file with a single record whose generation is trace-like text of exactly the given size
(words, numbers, LaTeX, newlines; ``--siblings N`` adds N short records after it). Each run is a fresh subprocess with a fresh cache; peak RSS is the
child's ru_maxrss, read in a fresh helper process (as bench_summarize.py does). Both counting paths
run, interleaved (``--paths``): the count-only path (default) and `EVALTUI_COUNT_PATH=tokenizers`.
``--baseline DIR`` also runs the evaltui source tree in DIR (a checkout of other code, put first on
``PYTHONPATH``), alternating with this one, run by run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
from bench_summarize import BIN, measure  # type: ignore[import-not-found]

SENTENCE = (
    "the of and to a in is that for it as with we let so then thus compute solve equation value "
    "answer check wait hmm x y z n k \\frac{1}{2} \\sqrt{2} = + - ( ) , . 12 345 6789"
)
WORDS = SENTENCE.split()


def write(path: Path, megabytes: int, seed: int = 0, siblings: int = 0) -> None:
    rng = np.random.default_rng(seed)
    vocab = np.array(WORDS)
    # ~4.1 characters a word with its space: enough words that the cut below applies, so the
    # text is exactly ``megabytes`` MB (before 2026-12-02 it was 200k words a MB: 81% of that).
    words = vocab[rng.integers(0, len(vocab), megabytes * 260_000)]
    text = " ".join(words.tolist())
    step = 2_000
    text = "\n".join(text[i : i + step] for i in range(0, len(text), step))[: megabytes * 1_000_000]
    assert len(text) == megabytes * 1_000_000, len(text)
    record = {"prompt": "long", "gen": text, "answer": "1", "accuracy": 1.0}
    # ``siblings`` short records after the long one: the long text is then not a file's only row
    # (polars evaluates a one-row column as a scalar, copying a long string ~4 times per step).
    short = [{"prompt": f"p{i}", "gen": "short \\boxed{1}", "answer": "1", "accuracy": 1.0}
             for i in range(siblings)]
    path.write_text("".join(json.dumps(r) + "\n" for r in [record, *short]), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--siblings", type=int, default=0,
                        help="short records in the file after the long one (default: none)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="an evaltui source tree to measure too, alternating (via PYTHONPATH)")
    parser.add_argument("--paths", nargs="+", default=["tiktoken", "tokenizers"],
                        choices=["tiktoken", "tokenizers"], help="counting paths to measure")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} at start", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for megabytes in args.sizes:
            data = work / f"long{megabytes}"
            data.mkdir()
            write(data / "samples.jsonl", megabytes, siblings=args.siblings)
            codes = ["", "baseline "] if args.baseline else [""]
            results: dict[str, list[dict[str, float]]] = {
                f"{code}{path}": [] for code in codes for path in args.paths
            }
            for run in range(args.runs):
                for key in results:
                    path = key.removeprefix("baseline ")
                    env = dict(os.environ)
                    if key.startswith("baseline "):
                        env["PYTHONPATH"] = str(args.baseline.resolve())
                    if path == "tokenizers":
                        env["EVALTUI_COUNT_PATH"] = "tokenizers"
                    command = [str(BIN / "evaltui"), "summarize", str(data), "-q",
                               "--cache-dir", str(work / f"c-{megabytes}-{key}-{run}"),
                               "-o", str(work / f"out-{megabytes}-{key}.json")]
                    results[key].append(measure(command, env))
            for path, runs in results.items():
                rss = statistics.median(r["rss_kib"] for r in runs) / 1024
                wall = statistics.median(r["wall"] for r in runs)
                print(f"{megabytes} MB generation, {path}: peak RSS {rss:.0f} MiB "
                      f"({rss * 2**20 / (megabytes * 1e6):.1f}x the text), {wall:.1f} s; runs {len(runs)}", flush=True)
            outs = [json.loads((work / f"out-{megabytes}-{p}.json").read_text()) for p in results]
            # The long generation's length by each path (the entry with the most tokens).
            lengths = [max((e["gen_lengths"] for e in out), key=sum) for out in outs]
            same = all(one == lengths[0] for one in lengths)
            print(f"  lengths {' / '.join(str(one) for one in lengths)}: "
                  f"{'identical' if same else 'DIFFERENT'}")
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()

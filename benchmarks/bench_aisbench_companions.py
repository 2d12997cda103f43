"""What an AISBench records export of one prompt keeps of its results: ``records_companions``.

    python benchmarks/bench_aisbench_companions.py --items 3000 --replicas 2 --runs 7 \
        --baseline /work/main

One work dir: ``predictions/m/ds.jsonl`` (ITEMS × REPLICAS lines, as AISBench writes n > 1)
and ``results/m/ds.json`` (replica-major details, as its evaluate() groups them). Each run is
a fresh subprocess that imports evaltui from a tree and times ``records_companions(path,
[line])`` for one line in the middle (the export of one prompt, cold: its results JSON is
parsed too), the same again (the results' parse cached: the predictions' scan and the details'
regrouping), then the whole file's (``lines`` all of them). ``--baseline DIR`` runs DIR's tree too, alternating run by run.
``--reply-chars`` puts that much working before each reply (a reasoning model's long lines).
Medians are printed, with the baseline/head ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, sys, time
from pathlib import Path
import evaltui
from evaltui.data.formats.opencompass import AISBenchReader
path, line, total = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
reader = AISBenchReader()
start = time.perf_counter()
one = reader.records_companions(path, [line])
one_s = time.perf_counter() - start
start = time.perf_counter()
reader.records_companions(path, [line])
warm_s = time.perf_counter() - start
start = time.perf_counter()
every = reader.records_companions(path, list(range(1, total + 1)))
every_s = time.perf_counter() - start
print(json.dumps({"one": one_s, "warm": warm_s, "all": every_s, "kept": len(json.dumps(one)),
                  "from": evaltui.__file__}))
"""


def make(root: Path, items: int, replicas: int, reply_chars: int = 0) -> Path:
    work = root / "outputs" / "default" / "20250101_000000"
    (work / "predictions" / "m").mkdir(parents=True)
    (work / "results" / "m").mkdir(parents=True)
    # a reasoning model's reply: REPLY_CHARS of working (quotes, a backslash, CJK) first
    working = ('Let me think: "x" \\ 中文 ' * (reply_chars // 22 + 1))[:reply_chars]
    reply = working + "The answer is {}; " + "working " * 8
    path = work / "predictions" / "m" / "ds.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(items):
            for r in range(replicas):
                record = {"data_abbr": "ds", "id": i, "success": True,
                          "uuid": f"{i:06d}{r:02d}" * 4, "origin_prompt": f"Question {i}?",
                          "prediction": reply.format(i + r), "gold": str(i)}  # fmt: skip
                out.write(json.dumps(record) + "\n")
    flat = [(reply.format(i + r), str(i + r), str(i), r == 0)
            for r in range(replicas) for i in range(items)]  # fmt: skip
    details = [
        {"example_abbr": f"ds_test_{j}",
         "origin_prediction": [f[0] for f in flat[j * replicas : (j + 1) * replicas]],
         "pred": [f[1] for f in flat[j * replicas : (j + 1) * replicas]],
         "answer": [f[2] for f in flat[j * replicas : (j + 1) * replicas]],
         "correct": [f[3] for f in flat[j * replicas : (j + 1) * replicas]]}
        for j in range(items)
    ]  # fmt: skip
    (work / "results" / "m" / "ds.json").write_text(
        json.dumps({"accuracy (2 runs average)": 50.0, "details": details}), encoding="utf-8"
    )
    return path


def run(tree: Path, path: Path, line: int, total: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(line), str(total)],
        env=env, cwd=tree, check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reply-chars", type=int, default=0)
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    head = Path(__file__).resolve().parent.parent
    trees = {"head": head} | ({"base": args.baseline} if args.baseline else {})
    with tempfile.TemporaryDirectory() as tmp:
        path = make(Path(tmp), args.items, args.replicas, args.reply_chars)
        total = args.items * args.replicas
        line = total // 2 + 1
        whats = ("one", "warm", "all")
        times = {t: {what: [] for what in whats} for t in trees}
        kept: dict[str, float] = {}
        for _ in range(args.runs):
            for name, tree in trees.items():
                result = run(tree, path, line, total)
                assert str(tree) in str(result["from"]), result["from"]
                for what in whats:
                    times[name][what].append(result[what])
                kept[name] = result["kept"]
        print(f"{args.items} items x {args.replicas} replicas, {path.stat().st_size / 1e6:.1f} MB, "
              f"{args.runs} runs, load {os.getloadavg()[0]:.1f}")  # fmt: skip
        for name in trees:
            one, warm, every = (statistics.median(times[name][w]) * 1000 for w in whats)
            print(f"{name}: one prompt {one:.1f} ms (again, its results parsed: {warm:.1f} ms), "
                  f"every line {every:.1f} ms, kept {kept[name]:.0f} chars")  # fmt: skip
        if "base" in trees:
            for what in whats:
                ratio = statistics.median(times["base"][what]) / statistics.median(
                    times["head"][what]
                )
                print(f"base/head {what}: {ratio:.2f}x")


if __name__ == "__main__":
    main()

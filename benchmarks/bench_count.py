"""The count-only path against HF ``encode_batch_fast``: speed, thread scaling, identical counts.

    python benchmarks/bench_count.py --data benchmarks/data/small --max-mb 8 --mix-mb 4 --runs 3

Corpora: the generated traces under ``--data`` (texts in file order, up to ``--max-mb``), and a
seeded multilingual mix (English prose, code, LaTeX, CJK, Korean, Arabic, emoji).

Every configuration runs in **its own process**, with every thread pool sized before polars,
tokenizers or the counter start, so "1 thread" is one core and not one counting thread beside
polars' own pool:

- ``hf1`` / ``hf2``: HF ``encode_batch_fast`` with ``RAYON_NUM_THREADS`` (and polars) at 1 / 2;
- ``count1`` / ``count2``: the count path with ``POLARS_MAX_THREADS``, ``RAYON_NUM_THREADS`` and
  the counter's threads at 1 / 2;
- ``calls``: the traces on 1 core in calls of ``--call-kb`` KB (how following a file counts
  appended text: one counter, its chunk cache kept between calls);
- ``count12`` (what ``--alternate`` runs instead of ``count1`` and ``count2``): **both thread
  counts in one process**, polars' pool and Rayon at 2, the counter set to 1 and 2 threads in
  turn, its timed passes interleaved (1, 2, 1, 2, ...; every other process starts with 2), with
  the same warmed tokenizer and loaded texts. A count never uses polars' pool, so its second
  pool thread idles in the 1-thread passes. Separate processes of one configuration read up to
  ~15 % apart on this machine (the multilingual mix: tiktoken's rate per process), as much as
  the 1 -> 2 gap itself; passes interleaved in one process see the same process and the same
  moments of the machine. Reported: each process's ratio of its medians, their median, and the
  ratio of the processes' medians; by which thread count a process started with (an order
  effect would show there).
  Also reported: count2's threads' time runnable but waiting for a core (the run queue). On a
  loaded machine the kernel may queue both counting threads on one core for whole passes after
  1-thread passes (a hashlib loop does the same): ``--pin`` keeps each on a core of its own.

Per run the configurations alternate (hf1, hf2, count1, count2, calls, then again), so all see
the same machine load. In each process, ``--warmup`` untimed passes over the whole corpus come
first (pools started, regexes compiled, the allocators' memory mapped: what a long load runs
in), then ``--passes`` timed passes, the counter's chunk cache emptied before each (a fresh
load: no chunk counted yet): wall (``perf_counter``) and process CPU (all threads), the median
pass per process. A count-path pass is ~0.2 s: one pass alone is at the mercy of any other
process. Each process writes
its counts; every configuration's counts are compared with ``hf2``'s text by text.

The table: medians of the runs; "CPU/wall" is CPU-seconds per wall second (the cores a
configuration used; below its thread count means the machine was busy); "threads" is how many
OS threads the process held at the end. The 1 -> 2 ratio is count1 wall / count2 wall; on a
loaded machine prefer the CPU columns.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def traces(data: Path, max_mb: float) -> list[str]:
    texts: list[str] = []
    size = 0
    for path in sorted(data.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                gen = json.loads(line)["gen"]
                text = gen if isinstance(gen, str) else "".join(gen)
                texts.append(text)
                size += len(text.encode())
                if size >= max_mb * 1e6:
                    return texts
    return texts


def multilingual(mb: float, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    english = [
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "that",
        "for",
        "it",
        "as",
        "with",
        "we",
        "was",
        "on",
        "by",
        "an",
        "be",
        "this",
        "which",
        "or",
        "from",
        "at",
    ]
    code = [
        "def f(x):\n    return x * 2\n",
        "for (i = 0; i < n; i++) {\n\tsum += a[i];\n}\n",
        "import numpy as np\nprint(np.arange(10))\n",
        "SELECT name FROM users WHERE id = 42;\n",
    ]
    latex = ["\\frac{a}{b}", "\\sum_{k=1}^{n} k^2", "\\int_0^1 x\\,dx", "$x^2 + y^2 = z^2$"]
    cjk = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴"
    japanese = "ひらがなカタカナ・テキスト、日本語の文章です。"
    korean = "한국어 텍스트 입니다 안녕하세요 세계"
    arabic = "مرحبا بالعالم هذا نص عربي"
    emoji = ["👍", "👨\u200d👩\u200d👧", "🎉", "🇯🇵", "😀😃", "🏳️\u200d🌈"]
    texts: list[str] = []
    size = 0
    while size < mb * 1e6:
        parts: list[str] = []
        for _ in range(rng.randint(20, 400)):
            roll = rng.random()
            if roll < 0.35:
                parts.append(rng.choice(english))
            elif roll < 0.5:
                parts.append("".join(rng.choice(cjk) for _ in range(rng.randint(2, 30))))
            elif roll < 0.58:
                parts.append(japanese[rng.randint(0, 10) :])
            elif roll < 0.64:
                parts.append(korean)
            elif roll < 0.7:
                parts.append(arabic)
            elif roll < 0.8:
                parts.append(rng.choice(code))
            elif roll < 0.88:
                parts.append(rng.choice(latex))
            elif roll < 0.94:
                parts.append(rng.choice(emoji))
            else:
                parts.append(str(rng.randint(0, 10**9)))
        text = " ".join(parts)
        texts.append(text)
        size += len(text.encode())
    return texts


def in_calls(texts: list[str], size: float) -> list[list[str]]:
    """The texts in consecutive calls of about ``size`` bytes each."""
    calls: list[list[str]] = [[]]
    held = 0
    for text in texts:
        calls[-1].append(text)
        held += len(text.encode())
        if held >= size:
            calls.append([])
            held = 0
    return [call for call in calls if call]


#: configuration -> (threads: polars, Rayon and the counter; what it runs)
CONFIGS = {
    "hf1": (1, "hf"),
    "hf2": (2, "hf"),
    "count1": (1, "count"),
    "count2": (2, "count"),
    "calls": (1, "calls"),
    "count12": (2, "count"),  # 1 and 2 counting threads, passes alternating (--alternate)
}


def child(
    config: str,
    corpus: Path,
    out: Path,
    call_kb: float,
    warmup: int,
    passes: int,
    first: int,
    settle: int,
) -> None:
    """One timed count of ``corpus`` in this process (its pools sized by the parent's env);
    ``count12``: 1 and 2 counting threads in turn, starting with ``first``."""
    import numpy as np
    import polars as pl

    from evaltui.data.tokens import load_tokenizer

    threads, what = CONFIGS[config]
    texts = pl.read_ipc(corpus).get_column("text").to_list()
    info = load_tokenizer(None)
    assert info.fast is not None, info.fast_reason
    fast = info.fast
    fast.set_threads(threads)
    if what == "hf":

        def run() -> np.ndarray:
            encodings = info.tokenizer.encode_batch_fast(texts, add_special_tokens=False)
            return np.fromiter((len(e) for e in encodings), dtype=np.int64, count=len(texts))

    elif what == "count":

        def run() -> np.ndarray:
            return fast.count(texts).astype(np.int64)

    else:
        calls = in_calls(texts, call_kb * 1e3)

        def run() -> np.ndarray:
            return np.concatenate([fast.count(call) for call in calls]).astype(np.int64)

    if config == "count12":
        alternate(fast, run, out, passes, warmup, first, settle)
        return
    # Warm-up: the whole corpus once, untimed (pools started, regexes compiled, the allocators'
    # memory mapped: the steady state of a long load), then the chunk cache emptied.
    for _ in range(warmup):
        run()
    load = os.getloadavg()[0]
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(passes):
        fast.reset()  # a fresh load: no chunk counted yet
        start, cpu_start = time.perf_counter(), time.process_time()
        counts = run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu_start)
    np.save(out, counts)
    print(json.dumps({**facts(fast if what != "hf" else None), **timed(walls, cpus, load)}))


def facts(fast: Any) -> dict[str, Any]:
    import polars as pl

    return {
        "os_threads": len(os.listdir("/proc/self/task")),
        "polars_threads": pl.thread_pool_size(),
        "counter_threads": fast.threads if fast is not None else None,
        "rayon": os.environ.get("RAYON_NUM_THREADS"),
        "tokenizers_parallelism": os.environ.get("TOKENIZERS_PARALLELISM"),
    }


def timed(
    walls: list[float], cpus: list[float], load: float, waits: list[float] | None = None
) -> dict[str, Any]:
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "load": load,
        "walls": walls,
        "cpus": cpus,
        **({"runq": statistics.median(waits), "runqs": waits} if waits else {}),
    }


def runnable_waited() -> float:
    """Seconds this process's threads have spent runnable but not running (the run queue:
    another process on the core), summed over its threads, from ``/proc/self/task/*/schedstat``
    (0 where that is missing)."""
    total = 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 0.0
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/schedstat") as handle:
                total += int(handle.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


def alternate(
    fast: Any,
    run: Callable[[], Any],
    out: Path,
    passes: int,
    warmup: int,
    first: int,
    settle: int,
) -> None:
    """``count12``: ``passes`` timed passes on each of 1 and 2 counting threads, interleaved
    (``first``, the other, ``first``, ...), each after the chunk cache is emptied; one JSON line
    per thread count, and each thread count's counts saved beside ``out``.

    Each timed pass follows ``settle`` untimed passes on its own thread count: in passes
    1, 1, 2, 2, ... a pass right after one on the other thread count took 4-20 % longer, on both
    thread counts but not by the same share (benchmarks/RESULTS.md, perf11k), so timed passes
    straight after each other would bias the ratio.
    """
    import numpy as np

    order = [first, 3 - first]
    for _ in range(warmup):  # both thread counts warmed (the 2-thread pool started)
        for threads in order:
            fast.set_threads(threads)
            run()
    if os.environ.get(PIN_ENV):
        pin_counting_threads()
    load = os.getloadavg()[0]
    walls: dict[int, list[float]] = {1: [], 2: []}
    cpus: dict[int, list[float]] = {1: [], 2: []}
    waits: dict[int, list[float]] = {1: [], 2: []}
    counts: dict[int, Any] = {}
    for _ in range(passes):
        for threads in order:
            fast.set_threads(threads)
            for _ in range(settle):
                fast.reset()
                run()
            fast.reset()  # a fresh load: no chunk counted yet
            waited = runnable_waited()
            start, cpu_start = time.perf_counter(), time.process_time()
            counts[threads] = run()
            walls[threads].append(time.perf_counter() - start)
            cpus[threads].append(time.process_time() - cpu_start)
            waits[threads].append(runnable_waited() - waited)
    for threads in (1, 2):
        np.save(alternate_out(out, threads), counts[threads])
        fast.set_threads(threads)
        timing = timed(walls[threads], cpus[threads], load, waits[threads])
        print(json.dumps({**facts(fast), **timing, "pinned": bool(os.environ.get(PIN_ENV))}))


#: set in a count12 child by --pin (see pin_counting_threads)
PIN_ENV = "EVALTUI_BENCH_PIN"


def pin_counting_threads() -> None:
    """Each of the counter's pool threads (``evaltui-count_N``) kept to a core of its own, the
    calling thread (the 1-thread passes) left free: the 2-thread passes read the count path,
    not where the kernel placed the threads. On this loaded machine the kernel sometimes left
    both pool threads runnable on one core for whole passes after 1-thread passes, and a
    hashlib loop on two threads did the same (benchmarks/RESULTS.md, perf11l)."""
    import threading

    cores = sorted(os.sched_getaffinity(0))
    pool = sorted(
        (t for t in threading.enumerate() if t.name.startswith("evaltui-count")),
        key=lambda t: t.name,
    )
    assert pool, "no counting threads to pin (the 2-thread pool starts in the warm-up)"
    for at, thread in enumerate(pool):
        assert thread.native_id is not None
        os.sched_setaffinity(thread.native_id, {cores[at % len(cores)]})


def alternate_out(out: Path, threads: int) -> Path:
    return out.with_name(f"{out.stem}-{threads}{out.suffix}")


def spawn(
    config: str,
    corpus: Path,
    out: Path,
    call_kb: float,
    warmup: int,
    passes: int,
    first: int = 1,
    settle: int = 0,
    pin: bool = False,
) -> list[dict[str, Any]]:
    """The child's results: one per thread count it timed (two for ``count12``)."""
    threads = str(CONFIGS[config][0])
    env = dict(os.environ)
    env.pop(PIN_ENV, None)
    if pin:
        env[PIN_ENV] = "1"
    env.update(
        POLARS_MAX_THREADS=threads,
        RAYON_NUM_THREADS=threads,
        RAYON_RS_NUM_CPUS=threads,
        TOKENIZERS_PARALLELISM="true",
        PYTHONPATH=os.pathsep.join(
            p for p in (str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH")) if p
        ),
    )
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            config,
            str(corpus),
            str(out),
            str(call_kb),
            str(warmup),
            str(passes),
            str(first),
            str(settle),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{config} failed:\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    return [json.loads(line) for line in lines[-2 if config == "count12" else -1 :]]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(
            sys.argv[2],
            Path(sys.argv[3]),
            Path(sys.argv[4]),
            float(sys.argv[5]),
            int(sys.argv[6]),
            int(sys.argv[7]),
            int(sys.argv[8]),
            int(sys.argv[9]),
        )
        return
    import numpy as np
    import polars as pl

    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path(__file__).parent / "data" / "small")
    parser.add_argument("--max-mb", type=float, default=8.0)
    parser.add_argument("--mix-mb", type=float, default=4.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--configs",
        default="hf1,hf2,count1,count2,calls",
        help="comma-separated, of: " + ", ".join(CONFIGS),
    )
    parser.add_argument(
        "--call-kb",
        type=float,
        default=64.0,
        help="the 'calls' configuration counts the traces in calls of about this many KB",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="untimed passes over the whole corpus in each process before the timed one "
        "(0: the timed pass is the process's first, allocators and pools cold)",
    )
    parser.add_argument(
        "--passes",
        type=int,
        default=3,
        help="timed passes per process (chunk cache emptied before each); a run reports their median",
    )
    parser.add_argument(
        "--hf-runs",
        type=int,
        default=None,
        help="runs of hf2 when it is only the reference the counts are checked against (not in "
        "--configs), each of one timed pass: HF takes ~10x the count path, so the whole 'small' "
        "corpus is measured in minutes (default: --runs, --passes as the others)",
    )
    parser.add_argument(
        "--alternate",
        action="store_true",
        help="count1 and count2 in the same processes (configuration count12): passes on 1 and "
        "2 counting threads interleaved, every other process starting with 2; --runs processes",
    )
    parser.add_argument(
        "--settle",
        type=int,
        default=1,
        help="with --alternate: untimed passes on a thread count before each of its timed passes "
        "(a pass right after one on the other thread count is slower, 0: none)",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="with --alternate: each counting pool thread on a core of its own after the warm-up "
        "(the kernel may otherwise queue both on one core of a loaded machine; RESULTS.md, perf11l)",
    )
    args = parser.parse_args()
    reference_only = "hf2" not in args.configs.split(",")
    configs = [c for c in args.configs.split(",") if c]
    assert all(c in CONFIGS for c in configs), f"unknown configuration in {configs}"
    if args.alternate:
        assert "count1" in configs and "count2" in configs, "--alternate needs count1,count2"
        at = configs.index("count1")
        configs = [c for c in configs if c not in ("count1", "count2")]
        configs.insert(at, "count12")
    elif "count12" in configs:
        raise SystemExit("count12 is what --alternate runs (with count1,count2 in --configs)")
    if args.pin and not args.alternate:
        raise SystemExit("--pin is for --alternate (the count12 processes)")
    if "hf2" not in configs:
        configs.insert(0, "hf2")  # the counts every configuration is compared with
    corpora = {"traces": traces(args.data, args.max_mb), "multilingual": multilingual(args.mix_mb)}
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory(prefix="bench-count-") as scratch:
        for name, texts in corpora.items():
            mb = sum(len(t.encode()) for t in texts) / 1e6
            corpus = Path(scratch) / f"{name}.arrow"
            pl.DataFrame({"text": texts}, schema={"text": pl.String}).write_ipc(corpus)
            del texts
            here = [c for c in configs if c != "calls" or name == "traces"]
            shown = [d for c in here for d in (("count1", "count2") if c == "count12" else (c,))]
            results: dict[str, list[dict[str, Any]]] = {c: [] for c in shown}
            firsts: list[int] = []
            counted: list[tuple[str, np.ndarray]] = []
            for run in range(args.runs):
                for config in here:
                    passes = args.passes
                    if config == "hf2" and reference_only and args.hf_runs is not None:
                        if run >= args.hf_runs:
                            continue
                        passes = 1
                    out = Path(scratch) / f"{config}.npy"
                    if config == "count12":
                        first = 1 + run % 2  # every other process starts with 2 threads
                        firsts.append(first)
                        one, two = spawn(
                            config,
                            corpus,
                            out,
                            args.call_kb,
                            args.warmup,
                            passes,
                            first,
                            args.settle,
                            args.pin,
                        )
                        for shown_as, result, threads in (("count1", one, 1), ("count2", two, 2)):
                            results[shown_as].append(result)
                            counted.append((shown_as, np.load(alternate_out(out, threads))))
                        continue
                    (result,) = spawn(config, corpus, out, args.call_kb, args.warmup, passes)
                    results[config].append(result)
                    counted.append((config, np.load(out)))
            reference = next(counts for config, counts in counted if config == "hf2")
            for config, counts in counted:
                differ = np.flatnonzero(counts != reference)
                assert not len(differ), (
                    f"{name}: {config} differs from hf2 on {len(differ)} texts, "
                    f"first text {differ[0]}: {counts[differ[0]]} vs {reference[differ[0]]}"
                )
            report(name, mb, len(reference), results, args.runs)
            if args.alternate:
                report_alternating(name, results, firsts)
            if reference_only and args.hf_runs is not None:
                print(f"({name}: hf2 only the reference: {args.hf_runs} run(s) of one pass)")
    print(f"load average {os.getloadavg()[0]:.1f} at end")


def report(
    name: str, mb: float, n: int, results: dict[str, list[dict[str, Any]]], runs: int
) -> None:
    med = {
        c: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu", "load")}
        for c, rs in results.items()
    }
    print(
        f"\n{name}: {n:,} texts, {mb:.1f} MB, {runs} runs (processes) per configuration, each the median of its timed passes, counts identical to hf2 on every text"
    )
    print(
        f"{'config':<8} {'threads':>7} {'wall s (median)':>15} {'x hf2':>6} {'CPU s':>6} "
        f"{'CPU/wall':>8} {'CPU ms/MB':>9} {'OS thr':>6} {'load':>5}  walls (CPU s) per run"
    )
    for config, rs in results.items():
        m = med[config]
        busy = statistics.median(r["cpu"] / r["wall"] for r in rs)
        print(
            f"{config:<8} {CONFIGS[config][0]:>7} {m['wall']:>15.3f} "
            f"{med['hf2']['wall'] / m['wall']:>6.2f} {m['cpu']:>6.2f} {busy:>8.2f} "
            f"{1e3 * m['cpu'] / mb:>9.0f} {rs[-1]['os_threads']:>6} {m['load']:>5.1f}  "
            + ", ".join(f"{r['wall']:.3f}" for r in rs)
            + " (CPU "
            + ", ".join(f"{r['cpu']:.3f}" for r in rs)
            + ")"
        )
    if "count1" in med and "count2" in med:
        print(
            f"{name}: count path 1 -> 2 threads {med['count1']['wall'] / med['count2']['wall']:.2f}x "
            f"(wall medians); count2 {med['hf2']['wall'] / med['count2']['wall']:.2f}x hf2"
        )
    if "hf1" in med and "hf2" in med:
        print(f"{name}: HF 1 -> 2 threads {med['hf1']['wall'] / med['hf2']['wall']:.2f}x")


def report_alternating(
    name: str, results: dict[str, list[dict[str, Any]]], firsts: list[int]
) -> None:
    """count12's processes: each one's 1 -> 2 ratio (of its medians), the ratios' median, the
    ratio of the processes' medians, and the same by the thread count a process started with."""
    ones, twos = results["count1"], results["count2"]
    ratios = [a["wall"] / b["wall"] for a, b in zip(ones, twos, strict=True)]
    cpu = [b["cpu"] / a["cpu"] for a, b in zip(ones, twos, strict=True)]
    print(
        f"{name}: count1 and count2 alternating in {len(ratios)} processes: 1 -> 2 threads "
        f"per process " + ", ".join(f"{r:.2f}" for r in ratios) + f" (median "
        f"{statistics.median(ratios):.2f}x; ratio of the medians "
        f"{statistics.median(a['wall'] for a in ones) / statistics.median(b['wall'] for b in twos):.2f}x); "
        "2-thread CPU / 1-thread CPU " + ", ".join(f"{c:.3f}" for c in cpu)
    )
    busy = statistics.median(b["cpu"] / b["wall"] for b in twos)
    waited = statistics.median(b.get("runq", 0.0) / b["wall"] for b in twos)
    print(
        f"{name}: count2's threads waited in the run queue (runnable, another process on the "
        f"core) {waited:.2f} s per wall second (median of the processes' median passes)"
    )
    if busy < 1.5:
        print(
            f"{name}: WARNING count2 used {busy:.2f} CPU per wall second: the machine did not "
            "give the process two cores (on this machine: both counting threads runnable on "
            "one core while another session's process held the other, see the run-queue wait "
            "above and benchmarks/RESULTS.md, perf11l); do not read this ratio"
        )
    for first in (1, 2):
        picked = [r for r, f in zip(ratios, firsts, strict=True) if f == first]
        if picked:
            print(
                f"{name}:   processes starting with {first} thread(s): "
                f"{statistics.median(picked):.2f}x (median of {len(picked)})"
            )


if __name__ == "__main__":
    main()

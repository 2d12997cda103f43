"""Where the peak RSS of a cold `evaltui summarize` of one very long generation is, stage by stage.

    python benchmarks/long_stages.py --sizes 10 50 [--code TREE]

Writes the file `bench_long.py` measures (one record, a generation of exactly SIZE MB), then runs
`evaltui summarize` on it in a child interpreter (``--code``: that source tree first on
``PYTHONPATH``) with markers on the loader's stages (reading, measures, the count plan, counting,
the self-check, the cache, stats, output) and a second process sampling the child's RSS
(``/proc/PID/statm``) every ~2 ms. Prints the child's ``ru_maxrss`` and, for each combination of
stages that were running at once (the main thread's and each worker thread's), the highest RSS
sampled while it ran, in order of first appearance.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

SAMPLER = textwrap.dedent(
    """
    import os, sys, time
    pid, out = int(sys.argv[1]), sys.argv[2]
    page = os.sysconf("SC_PAGE_SIZE") // 1024
    rows = []
    while True:
        try:
            with open(f"/proc/{pid}/statm") as handle:
                rss = int(handle.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            break
        rows.append(f"{time.monotonic_ns()} {rss}\\n")
        time.sleep(0.002)
        if len(rows) % 250 == 0 and os.path.exists(out + ".stop"):
            break
    with open(out, "w") as handle:
        handle.writelines(rows)
    """
)

# Runs in the child: the same allocator settings `evaltui summarize` makes before polars loads.
CHILD = textwrap.dedent(
    """
    import ctypes, functools, importlib, inspect, json, os, subprocess, sys, threading, time
    prefix, sampler = sys.argv[1], sys.argv[2]
    os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:100,muzzy_decay_ms:0")
    ctypes.CDLL(None).mallopt(-3, 128 << 10)
    events = []
    watcher = subprocess.Popen([sys.executable, "-c", sampler, str(os.getpid()), prefix + ".rss"])
    time.sleep(0.05)

    def marked(label, fn):
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def steps(*args, **kwargs):
                name = threading.current_thread().name
                it = fn(*args, **kwargs)
                while True:
                    events.append((time.monotonic_ns(), name, 1, label))
                    try:
                        value = next(it)
                    except StopIteration:
                        events.append((time.monotonic_ns(), name, -1, label))
                        return
                    events.append((time.monotonic_ns(), name, -1, label))
                    yield value
            return steps

        @functools.wraps(fn)
        def call(*args, **kwargs):
            name = threading.current_thread().name
            events.append((time.monotonic_ns(), name, 1, label))
            try:
                return fn(*args, **kwargs)
            finally:
                events.append((time.monotonic_ns(), name, -1, label))
        return call

    events.append((time.monotonic_ns(), "MainThread", 1, "imports"))
    import evaltui.cli as cli
    for module, attr, label in json.loads(sys.argv[3]):
        try:
            owner, name = importlib.import_module(module), attr
        except ImportError:
            continue
        if "." in attr:
            cls, name = attr.split(".")
            owner = getattr(owner, cls, None)
        found = inspect.getattr_static(owner, name, None) if owner is not None else None
        if found is None:
            continue
        if isinstance(found, staticmethod):
            setattr(owner, name, staticmethod(marked(label, found.__func__)))
        else:
            setattr(owner, name, marked(label, found))
    events.append((time.monotonic_ns(), "MainThread", -1, "imports"))
    code = cli.main(sys.argv[4:])
    open(prefix + ".rss.stop", "w").close()
    watcher.wait()
    with open(prefix + ".events.json", "w") as handle:
        json.dump(events, handle)
    import resource
    print(json.dumps({"code": code, "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    """
)

#: (module, attribute, label): the stages marked (missing ones in older trees are skipped).
STAGES = [
    ("evaltui.data.formats.plain", "read_window", "file bytes"),
    ("evaltui.data.formats.plain", "decode_line", "decode line"),
    ("evaltui.data.formats.plain", "parse_json", "parse line"),
    ("evaltui.data.formats.plain", "PlainReader.read", "read"),
    ("evaltui.data.formats.base", "Rows.frame", "rows to frame"),
    ("evaltui.data.loader", "with_measures_and_answers", "measures"),
    ("evaltui.data.loader", "_release_freed_memory", "trim"),
    ("evaltui.data.loader", "_Load.ensure_counter", "counter"),
    ("evaltui.data.loader", "_Load.tokenize", "tokenize"),
    ("evaltui.data.loader", "_Load.store", "cache write"),
    ("evaltui.data.loader", "_Load.finish_file", "drop text"),
    ("evaltui.data.loader", "count_in_batches", "count"),
    ("evaltui.data.loader", "compute_stats", "stats"),
    ("evaltui.data.tokens", "LengthCounter.check", "check window"),
    ("evaltui.data.tokens", "LengthCounter.finish", "self-check"),
    ("evaltui.data.tokens", "TokenizerSpec.load", "count plan"),
    ("evaltui.data.tokens", "TokenizerSpec.load_tokenizer", "HF tokenizer load"),
    ("evaltui.data.tokens", "TokenizerInfo.count", "HF count"),
    ("evaltui.data.tokens", "release_freed_memory", "trim"),
    ("evaltui.data.bpecount", "FastCounter._units", "units"),
    ("evaltui.data.bpecount", "FastCounter._count_unit", "unit"),
    ("evaltui.data.export", "write_combined_json", "output"),
]


def stage_table(prefix: Path) -> list[tuple[float, float, float, str]]:
    """(peak MiB, first s, last s, stages) per combination of stages running at once."""
    lines = Path(f"{prefix}.rss").read_text().splitlines()
    samples = [tuple(map(int, line.split())) for line in lines]
    events = sorted(json.loads(Path(f"{prefix}.events.json").read_text()))
    start = events[0][0]
    stacks: dict[str, list[str]] = {}
    index = 0
    table: dict[str, list[float]] = {}
    for when, rss in samples:
        while index < len(events) and events[index][0] <= when:
            _, thread, step, label = events[index]
            stack = stacks.setdefault(thread, [])
            if step > 0:
                stack.append(label)
            elif label in stack:
                del stack[len(stack) - 1 - stack[::-1].index(label)]
            index += 1
        key = (
            " | ".join(
                f"{thread.removeprefix('evaltui-')}: {' > '.join(stack)}"
                for thread, stack in stacks.items()
                if stack
            )
            or "(outside the marked stages)"
        )
        seconds = (when - start) / 1e9
        if key in table:
            table[key][0] = max(table[key][0], rss / 1024)
            table[key][2] = seconds
        else:
            table[key] = [rss / 1024, seconds, seconds]
    return [(peak, first, last, key) for key, (peak, first, last) in table.items()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--code", type=Path, default=None, help="an evaltui source tree to run")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.code is not None:
        env["PYTHONPATH"] = str(args.code.resolve())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for megabytes in args.sizes:
            data = work / f"long{megabytes}"
            data.mkdir()
            # In a process of its own: a process started by one that held the text would
            # report that one's peak as its own ru_maxrss (Linux keeps it across exec).
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import sys; from bench_long import write; "
                    "from pathlib import Path; write(Path(sys.argv[1]), int(sys.argv[2]))",
                    str(data / "samples.jsonl"),
                    str(megabytes),
                ],
                cwd=Path(__file__).parent,
                check=True,
            )
            prefix = work / f"trace{megabytes}"
            command = [
                "summarize",
                str(data),
                "-q",
                "--cache-dir",
                str(work / f"c{megabytes}"),
                "-o",
                str(work / f"out{megabytes}.json"),
            ]
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(prefix), SAMPLER, json.dumps(STAGES), *command],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            kib = result["maxrss_kib"]
            print(
                f"{megabytes} MB generation: ru_maxrss {kib:,} KB = {kib * 1024 / (megabytes * 1e6):.2f}x"
                f" the text (exit {result['code']}); stages (peak MiB, seconds from start):"
            )
            for peak, first, last, key in stage_table(prefix):
                print(f"  {peak:6.1f}  {first:6.2f}-{last:6.2f}  {key}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()

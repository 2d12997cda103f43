"""Where the combined JSON's write spends its CPU: each stage of the writer run alone, in order,
chunk by chunk (no writer thread), on the Stats of a warm load.

    python benchmarks/bench_json_stages.py --data benchmarks/data/million --cache-dir C --runs 3

Stages: the template (one select of facts per chunk, the texts Python makes), the objects built
by polars (`collect_all` of the chunk's slices), their bytes read from Arrow, the direct writes
(O_DIRECT, as the writer does where the file system takes them) or, with --page-cache,
`write()` into the page cache and an `fdatasync` per chunk; the final fsync. CPU is `process_time` (every thread of the process); the bytes
written are compared with `write_combined_json_to`'s.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from evaltui.data import export
from evaltui.data.loader import LoadOptions, load


class Stages:
    """CPU and wall seconds summed per stage label."""

    def __init__(self) -> None:
        self.spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])

    @contextlib.contextmanager
    def __call__(self, label: str) -> Iterator[None]:
        cpu, wall = time.process_time(), time.perf_counter()
        yield
        self.spent[label][0] += time.process_time() - cpu
        self.spent[label][1] += time.perf_counter() - wall


def stages(stats: pl.DataFrame, folder: Path, direct: bool) -> tuple[dict[str, list[float]], str]:
    timed = Stages()
    digest = hashlib.sha256()
    fd, path = tempfile.mkstemp(dir=folder, suffix=".json")
    sink = export._FileSink(fd) if direct else None
    try:
        size = export._ROWS_PER_CHUNK
        for start in range(0, stats.height, size):
            chunk = stats.slice(start, size)
            with timed("template"):
                frame, objects = export._objects(chunk)
            if isinstance(objects, str):
                pieces: list[memoryview | bytes] = [objects.encode() * chunk.height]
            else:
                step = -(-chunk.height // export._SLICES_PER_CHUNK)
                slices = [
                    frame.slice(s, step).lazy().select(objects)
                    for s in range(0, chunk.height, step)
                ]
                with timed("objects (polars)"):
                    built = pl.collect_all(slices)
                with timed("bytes from Arrow"):
                    pieces = [v for texts in built for v in export._text_bytes(texts.to_series())]
            with timed("write (direct)" if sink is not None and sink.direct else "write()"):
                for piece in pieces:
                    sink.write(piece) if sink is not None else os.write(fd, piece)
            for piece in pieces:
                digest.update(piece)
            del pieces
            if sink is None or not sink.direct:
                with timed("fdatasync"):
                    os.fdatasync(fd)
        if sink is not None:
            with timed("write (direct)"):
                sink.close()
        with timed("fsync"):
            os.fsync(fd)
    finally:
        os.close(fd)
        os.unlink(path)
    return dict(timed.spent), digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--cache-dir", type=Path, required=True, help="a warm cache for --data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument(
        "--page-cache", action="store_true", help="write through the page cache (no O_DIRECT)"
    )
    args = parser.parse_args()
    options = LoadOptions(cache_dir=args.cache_dir, keep_text=False, stats_only=True)
    stats = load([args.data], options).stats
    runs = []
    for _ in range(args.runs):
        load_average = os.getloadavg()[0]
        spent, digest = stages(stats, args.tmp, not args.page_cache)
        runs.append(spent)
        print(
            f"run at load {load_average:.2f}: "
            + ", ".join(f"{k} {v[0]:.2f}" for k, v in spent.items())
            + " s CPU"
        )
    buffer = io.BytesIO()
    export.write_combined_json_to(stats, buffer)
    body = buffer.getvalue()[len(b"[\n  {\n") : -len(export._AFTER_LAST.encode())]
    same = hashlib.sha256(body + export._BETWEEN_OBJECTS.encode()).hexdigest() == digest
    print(f"{stats.height:,} rows, medians of {args.runs} (CPU s / wall s):")
    for label in runs[0]:
        cpu = statistics.median(run[label][0] for run in runs)
        wall = statistics.median(run[label][1] for run in runs)
        print(f"  {label:18s} {cpu:6.2f} / {wall:6.2f}")
    total = statistics.median(sum(v[0] for v in run.values()) for run in runs)
    print(f"  {'total CPU':18s} {total:6.2f}")
    print(f"  bytes as write_combined_json_to writes them: {same}")


if __name__ == "__main__":
    main()

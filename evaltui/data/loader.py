"""Orchestrate a load: discover -> read (parallel) -> token lengths (cached, batched) -> stats.

The app runs :func:`load` in a thread worker; the CLI calls it directly. Progress and partial
results go out through callbacks; ``cancelled`` is checked between files and between token batches.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from evaltui.data import metrics
from evaltui.data.discover import InputError, InputFile, discover
from evaltui.data.formats import Reader, ReadOptions, detect, known_extensions
from evaltui.data.schema import LoadError, conform, empty_generations
from evaltui.data.tokens import (
    LengthCache,
    TokenizerError,
    TokenizerInfo,
    count_in_batches,
    default_cache_dir,
    load_tokenizer,
    set_num_threads,
)


class LoadFailure(Exception):
    """Nothing can be loaded (no input files, no tokenizer). The message is for the user."""


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """Everything that decides what a load reads and computes (the CLI flags)."""

    pattern: str | None = None
    """Glob for file names; None = every file with an extension some reader accepts."""
    format: str | None = None
    """Force one reader (``--format``); None = detect per file."""
    model: str | None = None
    """Local model dir or tokenizer.json (``--model``); None = the embedded default."""
    num_proc: int | None = None
    """Worker threads for reading and tokenizing; None = all cores."""
    cache_dir: Path | None = None
    use_cache: bool = True
    read: ReadOptions = field(default_factory=ReadOptions)
    correct_threshold: float = metrics.DEFAULT_THRESHOLD
    batch_chars: int = 1_000_000
    """Characters per tokenizer batch: bounds memory and sets how often cancel is checked."""
    tokenize: bool = True
    """False skips token lengths entirely (they stay null)."""

    def workers(self) -> int:
        return max(1, self.num_proc or os.cpu_count() or 1)


Stage = Literal["reading", "tokenizing", "done", "cancelled"]


@dataclass(frozen=True, slots=True)
class LoadProgress:
    """A progress snapshot. Later snapshots replace earlier ones (a UI may drop all but the last)."""

    stage: Stage
    files_total: int
    files_read: int
    files_tokenized: int
    generations: int
    """Generations read so far."""
    generations_tokenized: int
    tokens: int
    """Tokens counted so far (cache hits included)."""
    bytes_total: int
    bytes_read: int
    elapsed: float

    @property
    def rate(self) -> float:
        """Generations tokenized per second so far."""
        return self.generations_tokenized / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left for tokenizing, when it can be estimated."""
        if self.stage != "tokenizing" or self.rate <= 0:
            return None
        return (self.generations - self.generations_tokenized) / self.rate


@dataclass(frozen=True, slots=True)
class FileReport:
    """What happened to one input file."""

    source: str
    format: str | None
    """Reader name; None when skipped."""
    path: Path | None = None
    """Absolute path of the file (for re-reading original records on export)."""
    generations: int = 0
    errors: int = 0
    cached: bool = False
    """True when its token lengths came from the cache."""
    skipped: str | None = None
    """Why the file was skipped (None when read)."""
    companion: bool = False
    """A format's companion file (config/results/log): skipped quietly, not an error."""


@dataclass(slots=True)
class LoadResult:
    generations: pl.DataFrame
    stats: pl.DataFrame
    errors: list[LoadError]
    files: list[FileReport]
    notes: list[str]
    tokenizer: str
    cache_hits: int
    seconds: float
    complete: bool
    """False while partial: some token lengths are not known yet (or the load was cancelled)."""
    cancelled: bool = False

    @property
    def read_files(self) -> list[FileReport]:
        return [f for f in self.files if f.skipped is None]

    @property
    def skipped_files(self) -> list[FileReport]:
        return [f for f in self.files if f.skipped is not None]


ProgressCallback = Callable[[LoadProgress], None]
PartialCallback = Callable[[LoadResult], None]


@dataclass
class _FileState:
    input: InputFile
    reader: Reader
    frame: pl.DataFrame
    lengths: np.ndarray | None = None
    cached: bool = False
    errors: int = 0


def _read_one(
    item: InputFile, reader: Reader, options: ReadOptions
) -> tuple[_FileState, list[LoadError], list[str]]:
    try:
        result = reader.read(item.path, item.source, options)
    except Exception as exc:  # a reader bug or an unreadable file must not sink the whole load
        error = LoadError(
            item.source, None, f"{reader.name} reader failed: {type(exc).__name__}: {exc}"
        )
        return _FileState(item, reader, empty_generations()), [error], []
    frame = conform(result.frame)
    return _FileState(item, reader, frame, errors=len(result.errors)), result.errors, result.notes


def _finish_generations(frames: list[pl.DataFrame]) -> pl.DataFrame:
    if not frames:
        return empty_generations(with_lengths=True)
    generations = pl.concat(frames, how="vertical")
    # Samples a reader did not number are numbered in order of appearance within (run, prompt).
    return generations.with_columns(
        pl.coalesce(
            pl.col("sample"), pl.int_range(pl.len()).over(["run", "prompt_id"]).cast(pl.Int64)
        ).alias("sample")
    )


def load(
    paths: Sequence[str | os.PathLike[str]],
    options: LoadOptions | None = None,
    on_progress: ProgressCallback | None = None,
    cancelled: threading.Event | None = None,
    on_partial: PartialCallback | None = None,
    *,
    partial_interval: float = 1.0,
) -> LoadResult:
    """Load every matching file under ``paths`` into generations, stats and error entries.

    Raises :class:`LoadFailure` when nothing can be loaded. ``on_partial`` receives results while
    tokenizing is under way: first with every file read and lengths unknown, then as files finish
    (at most one per ``partial_interval`` seconds), so a UI can show rows early.
    """
    options = options or LoadOptions()
    cancel = cancelled or threading.Event()
    started = time.perf_counter()
    set_num_threads(options.num_proc)

    try:
        inputs = discover(paths, options.pattern, known_extensions())
    except InputError as exc:
        raise LoadFailure(str(exc)) from None

    errors: list[LoadError] = []
    notes: list[str] = []
    reports: dict[str, FileReport] = {}
    bytes_total = sum(f.size for f in inputs)
    counters = {
        "files_read": 0,
        "files_tokenized": 0,
        "generations": 0,
        "tokenized": 0,
        "tokens": 0,
        "bytes_read": 0,
    }

    def progress(stage: Stage) -> None:
        if on_progress is not None:
            on_progress(
                LoadProgress(
                    stage,
                    len(inputs),
                    counters["files_read"],
                    counters["files_tokenized"],
                    counters["generations"],
                    counters["tokenized"],
                    counters["tokens"],
                    bytes_total,
                    counters["bytes_read"],
                    time.perf_counter() - started,
                )
            )

    # The tokenizer loads while files are read: both take a moment, neither needs the other.
    with ThreadPoolExecutor(
        max_workers=options.workers(), thread_name_prefix="evaltui-read"
    ) as pool:
        tokenizer_future: Future[TokenizerInfo] | None = (
            pool.submit(load_tokenizer, options.model) if options.tokenize else None
        )
        jobs: list[
            tuple[InputFile, Future[tuple[_FileState, list[LoadError], list[str]]] | None]
        ] = []
        for item in inputs:
            detection = detect(item.path, options.format) if options.format is None else None
            if options.format is not None:
                from evaltui.data.formats import get_reader

                try:
                    reader = get_reader(options.format)
                except ValueError as exc:
                    raise LoadFailure(str(exc)) from None
            elif detection is not None and detection.reader is not None:
                reader = detection.reader
            else:
                assert detection is not None
                reports[item.source] = FileReport(
                    item.source, None, skipped=detection.reason, companion=detection.companion
                )
                jobs.append((item, None))
                continue
            jobs.append((item, pool.submit(_read_one, item, reader, options.read)))

        states: list[_FileState] = []
        progress("reading")
        for item, job in jobs:
            if job is None:
                continue
            state, file_errors, file_notes = job.result()
            if cancel.is_set():
                break
            states.append(state)
            errors.extend(file_errors)
            notes.extend(file_notes)
            counters["files_read"] += 1
            counters["generations"] += state.frame.height
            counters["bytes_read"] += item.size
            progress("reading")

        tokenizer: TokenizerInfo | None = None
        if tokenizer_future is not None:
            try:
                tokenizer = tokenizer_future.result()
            except TokenizerError as exc:
                raise LoadFailure(str(exc)) from None

    if not states and not cancel.is_set():
        skipped = [r for r in reports.values() if r.skipped]
        detail = "; ".join(f"{r.source}: {r.skipped}" for r in skipped[:3])
        raise LoadFailure("no readable samples file" + (f" ({detail})" if detail else ""))

    def result(complete: bool, was_cancelled: bool = False) -> LoadResult:
        frames = []
        for state in states:
            lengths = state.lengths
            frames.append(
                state.frame.with_columns(
                    pl.Series("gen_length", lengths, dtype=pl.UInt32)
                    if lengths is not None
                    else pl.lit(None, dtype=pl.UInt32).alias("gen_length")
                )
            )
        generations = _finish_generations(frames)
        stats = metrics.prompt_stats(generations, options.correct_threshold)
        files = []
        for item in inputs:
            if item.source in reports:
                files.append(reports[item.source])
        for state in states:
            files.append(
                FileReport(
                    state.input.source,
                    state.reader.name,
                    state.input.path,
                    state.frame.height,
                    state.errors,
                    state.cached,
                )
            )
        order = {item.source: i for i, item in enumerate(inputs)}
        files.sort(key=lambda f: order.get(f.source, 0))
        return LoadResult(
            generations,
            stats,
            list(errors),
            files,
            list(notes),
            tokenizer.name if tokenizer else "none",
            sum(s.cached for s in states),
            time.perf_counter() - started,
            complete,
            was_cancelled,
        )

    if cancel.is_set():
        progress("cancelled")
        return result(False, True)
    if tokenizer is None:
        progress("done")
        return result(True)

    cache = LengthCache(options.cache_dir or default_cache_dir()) if options.use_cache else None
    read_token = options.read.cache_token()
    keys: dict[int, str] = {}
    # Cache hits first: they are free, and the UI gets their lengths at once.
    for index, state in enumerate(states):
        if cache is None:
            continue
        try:
            keys[index] = cache.key(
                tokenizer.fingerprint, state.input.path, state.reader.name, read_token
            )
        except OSError:
            continue
        hit = cache.get(keys[index], state.frame.height)
        if hit is not None:
            state.lengths, state.cached = hit, True
            counters["files_tokenized"] += 1
            counters["tokenized"] += len(hit)
            counters["tokens"] += int(hit.sum())
    if on_partial is not None:
        on_partial(result(False))
    progress("tokenizing")
    last_partial = time.perf_counter()

    for index, state in enumerate(states):
        if state.lengths is not None:
            continue

        def on_batch(_done: int, tokens: int, before: int = counters["tokenized"]) -> None:
            counters["tokenized"] = before + _done
            counters["tokens"] += tokens
            progress("tokenizing")

        lengths = count_in_batches(
            tokenizer,
            state.frame.get_column("gen").to_list(),
            batch_chars=options.batch_chars,
            on_batch=on_batch,
            cancelled=cancel.is_set,
        )
        if lengths is None:
            progress("cancelled")
            return result(False, True)
        state.lengths = lengths
        counters["files_tokenized"] += 1
        if cache is not None and index in keys:
            cache.put(keys[index], lengths)
        now = time.perf_counter()
        if on_partial is not None and now - last_partial >= partial_interval:
            on_partial(result(False))
            last_partial = now

    progress("done")
    return result(True)

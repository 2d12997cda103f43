"""Orchestrate a load: discover -> read (parallel) -> token lengths (cached, batched) -> stats.

The app runs :func:`load` in a thread worker; the CLI calls it directly. Progress and partial
results go out through callbacks; ``cancelled`` is checked between files and between token batches.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl

from evaltui.data import metrics
from evaltui.data.cache import (
    CACHE_FORMAT,
    Cache,
    companion_version,
    default_cache_dir,
    rows_key,
    stats_code_version,
)
from evaltui.data.cores import bounded, bounded_note
from evaltui.data.discover import (
    FileIdentity,
    InputError,
    InputFile,
    NoInputFile,
    discover,
    named_outside,
)
from evaltui.data.extract import fill_vote_answers
from evaltui.data.formats import (
    Detection,
    Reader,
    ReadOptions,
    detect,
    get_reader,
    known_extensions,
)
from evaltui.data.formats.base import RunIdentity, describe_failure
from evaltui.data.formats.plain import PlainReader
from evaltui.data.marks import manifest_path
from evaltui.data.notes import NoteGroup, fold_notes
from evaltui.data.readback import export_parts, read_parts
from evaltui.data.runs import file_prompts, label_runs, run_key, run_labels
from evaltui.data.sampling import judged_majority, ks_for, maj_name, pass_columns, vote_columns
from evaltui.data.schema import (
    LoadError,
    clean_text,
    conform,
    empty_generations,
    nulls,
    set_columns,
)
from evaltui.data.tokens import (
    FAST_PATH,
    HF_PATH,
    LengthCounter,
    SelfCheck,
    TokenizerError,
    TokenizerSpec,
    count_in_batches,
    resolve_tokenizer,
    set_num_threads,
)
from evaltui.data.tokens import release_freed_memory as _release_freed_memory
from evaltui.data.triage import (
    STATS_FLAG_COLUMNS,
    RunMax,
    RunTriage,
    Thresholds,
    flag_columns,
    prompt_flags,
    run_triage,
    with_measures,
    with_measures_and_answers,
    with_text_measures,
)
from evaltui.data.wording import flag_words, plural


class LoadFailure(Exception):
    """Nothing can be loaded (no input files, no tokenizer). The message is for the user.

    When files were looked at and none could be used, what was wrong with them is kept:
    ``errors`` (every bad line: the message names the first), ``files`` (the skipped files'
    reports and the read files', for their paths) and ``notes``, so a headless command can
    still write them all (``--bad-lines``)."""

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[LoadError] = (),
        files: Sequence[FileReport] = (),
        notes: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.errors = list(errors)
        self.files = list(files)
        self.notes = list(notes)


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
    """Worker threads for reading and tokenizing; None = all cores. Never more than the cores
    (nor, for reading, than the files): see :meth:`workers`."""
    cache_dir: Path | None = None
    use_cache: bool = True
    read: ReadOptions = field(default_factory=ReadOptions)
    correct_threshold: metrics.Thresholds = field(default_factory=metrics.Thresholds)
    """``--correct-threshold``: per run, or one for all; none = 0.5 for accuracies only."""
    batch_chars: int = 262_144
    """Characters per tokenizer batch: bounds memory and sets how often cancel is checked."""
    fast_batch_chars: int = 2_000_000
    """The same on the count-only path, whose memory its own units bound: a batch of many units
    keeps every thread busy instead of waiting at each batch's end (~15 % faster on 2 threads)."""
    tokenize: bool = True
    """False skips token lengths entirely (they stay null)."""
    keep_text: bool = True
    """False drops each file's generation text once its lengths are known (headless summaries
    need only the lengths): files then stream through, and memory stays near a few files' text."""
    text_on_demand: bool = False
    """True (the app): with ``keep_text``, a file's rows may still come from the cache without
    their generation text (``gen`` null), to be read back when needed
    (:class:`evaltui.data.texts.TextSource`); False: every row holds its text (re-scoring)."""
    allow_empty: bool = False
    """True returns a load whose files hold no generation yet (following a log that has just
    started); False fails saying why (a cancelled or failed log, only bad lines)."""
    allow_no_file: bool = False
    """True returns an empty load when the inputs hold no file to read yet (an existing folder,
    empty or holding only files of no known kind: an eval followed before it writes its first
    file); False fails saying why. A path that does not exist fails either way (a typo)."""

    triage: Thresholds = field(default_factory=Thresholds)
    """Triage thresholds (``--triage NAME=VALUE``); correctness follows ``correct_threshold``."""
    stats_only: bool = False
    """True (``summarize``): the caller needs the Stats table and what is said about the load,
    not the generations. When the cache holds a snapshot of this very input set (every file's
    identity, every option), the load reads it and no file at all: ``generations`` is then
    empty and :meth:`LoadResult.headline` and :meth:`LoadResult.run_triage` come from the
    snapshot."""

    def triage_thresholds(self) -> Thresholds:
        return self.triage

    def workers(self) -> int:
        """Threads to use: ``num_proc`` bounded by the machine's cores (all cores when unset)."""
        return bounded(self.num_proc)

    def batch_for(self, path: str) -> int:
        """Characters per batch for a counter on ``path`` (:data:`FAST_PATH` or HF)."""
        return (
            max(self.batch_chars, self.fast_batch_chars) if path == FAST_PATH else self.batch_chars
        )

    def open_cache(self) -> Cache | None:
        """The token-length cache these options name (None with ``--no-cache``)."""
        return Cache(self.cache_dir or default_cache_dir()) if self.use_cache else None

    def workers_note(self) -> str | None:
        """What a load says when ``--num-proc`` asked for more threads than there are cores."""
        return bounded_note("--num-proc", self.num_proc, "threads")


def length_counter(
    spec: TokenizerSpec | None,
    options: LoadOptions,
    cache: Cache | None,
    *,
    defer: bool = False,
    arrow_cut: bool = False,
) -> LengthCounter:
    """Load the tokenizer (``spec``, or the one ``options.model`` names) and one load's counter.

    The count-only path's plan comes from ``cache`` when it holds one (a load, a followed load and
    its later lines all build it the same way). LoadFailure when the tokenizer cannot be loaded.
    ``defer``: the self-check runs at the end (:meth:`LengthCounter.finish`) and the
    ``tokenizers`` tokenizer is not held while the count-only path counts. ``arrow_cut``: a
    followed update's counter (:attr:`~evaltui.data.tokens.LengthCounter.arrow_cut`).
    """
    try:
        info = (spec or resolve_tokenizer(options.model)).load(
            cache=cache, keep_tokenizer=not defer
        )
    except TokenizerError as exc:
        raise LoadFailure(str(exc)) from None
    return LengthCounter(info, threads=options.workers(), defer=defer, arrow_cut=arrow_cut)


#: Headless, the counter (its plan's parsed JSON is ~100 MiB for a moment) is loaded while the
#: first file to count is read, unless that file is larger than this: then after it is read,
#: beside its text alone rather than under its parse (~3x the file for a moment), which also
#: leaves the parse's freed pages time to go back (one 50 MB generation: ~270 -> ~230 MiB).
COUNTER_FIRST_BYTES = 32 << 20
#: Headless, the next file is read while one is counted only when it is at most this big: a
#: parse is ~3x its file's size for a moment, and beside a big file's counting that was the
#: load's peak (cold "small", 16 MB files: 245-251 MB peak with it, 227-229 MB without it, for
#: ~6 % more time); small files keep the overlap (reading is a larger share of their time).
READ_AHEAD_BYTES = 4 << 20

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
    bytes_tokenized: float = 0.0
    """Input bytes whose generations have token lengths (cache hits included; a file in
    progress counts by the share of its generations done): the measure for a time estimate."""

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
    identity: FileIdentity | None = None
    """The file's version when it was read (taken before reading): exporting original records
    re-reads it by byte offset, so that is refused once the file is no longer this version."""
    companion_versions: tuple[str, ...] | None = None
    """:func:`companion_versions` of the file as its rows were read (taken before reading, or
    the cache key's): a follower reads the file again once they change (a results file written
    while the load ran). None when not known."""
    reducers: dict[str, str] = field(default_factory=dict)
    """Per score (the rows' ``metric``), the reducer the file's ``prompt_score`` is of each
    prompt's samples, as its reader names it (:attr:`ReadResult.reducers`: an Inspect log's
    epochs reducer), for a re-score to apply again (:func:`evaltui.data.rescore.
    with_prompt_scores`)."""


# eq=False: two results are the same only when they are one object. Compared by value, their
# frames raised "the truth value of a DataFrame is ambiguous" (a prompt screen keyed the text
# it read back by its result; the next result crashed the app).
# repr=False: its own repr is short (see __repr__).
@dataclass(slots=True, eq=False, repr=False)
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
    triage: Thresholds = field(default_factory=Thresholds)
    """The thresholds the stats' triage flags were computed with."""
    counting: str = ""
    """Which path counted this load's token lengths (and why, when it is ``tokenizers``)."""
    headline_numbers: dict[str, float | int | None] | None = None
    """:func:`metrics.overall` of the whole load, when known already (see :meth:`headline`)."""
    triage_rows: list[RunTriage] | None = None
    """:func:`run_triage` of the whole load, when known already (see :meth:`run_triage`)."""
    from_snapshot: bool = False
    """True when the stats came from the cache's snapshot of this input set (not recomputed)."""
    numbered: pl.Series | None = None
    """Per generation row: True where the load numbered its ``sample`` (its reader gave none).
    A follower keeps the readers' numbers only: a file read again renumbers the rest."""
    self_checked: SelfCheck | None = None
    """The self-check this load's count-only path passed (texts checked, the longest), when it
    counted by it: a follower's counter of the same tokenizer takes it over rather than check
    its first texts again. None when this load counted nothing, or by ``tokenizers``."""
    cache_note: str | None = None
    """The note (also in :attr:`notes`) saying the cache could not be written (a ``--cache-dir``
    that is a file, read-only, on a full disk): the load ran uncached, and the next one will
    too. Said under ``-q`` as well, where the other notes are not. Carried apart, not found by
    its wording among the notes: a file's note could begin with the same words."""

    def __repr__(self) -> str:
        # What it holds in a line, not every bad line: Textual names a worker by its arguments'
        # repr, made on the UI thread as the worker starts. A result of 120,000 bad lines made
        # 13 MB of it in 0.3-0.4 s, each time a prompt's texts (or an export) were started.
        return (
            f"LoadResult({self.generations.height:,} generations, {self.stats.height:,} stats "
            f"rows, {len(self.errors):,} bad lines, {len(self.files):,} files, "
            f"{len(self.notes):,} notes, complete={self.complete})"
        )

    @property
    def generations_pending(self) -> bool:
        """True for the first result of a warm load: the stats from the cache's snapshot, the
        generation rows still being read (a prompt's generations, plots, exports wait)."""
        return self.from_snapshot and not self.complete and not self.cancelled

    def headline(self) -> dict[str, float | int | None]:
        """The load's headline numbers (:func:`metrics.overall`), computed once."""
        if self.headline_numbers is None:
            self.headline_numbers = metrics.overall(self.stats, self.generations)
        return self.headline_numbers

    def run_triage(self) -> list[RunTriage]:
        """Per-run triage counts of the whole load (:func:`run_triage`), computed once."""
        if self.triage_rows is None:
            self.triage_rows = run_triage(self.generations, self.stats, self.triage)
        return self.triage_rows

    @property
    def read_files(self) -> list[FileReport]:
        return [f for f in self.files if f.skipped is None]

    @property
    def skipped_files(self) -> list[FileReport]:
        return [f for f in self.files if f.skipped is not None]

    def reducers(self) -> dict[tuple[str, str], str]:
        """(source, score) -> the reducer of that file's ``prompt_score`` under that score, as
        its reader names it (:attr:`FileReport.reducers`)."""
        return {
            (report.source, score): reducer
            for report in self.files
            for score, reducer in report.reducers.items()
        }

    def note_groups(self) -> list[NoteGroup]:
        """The notes with each kind said once (:func:`notes.fold_notes`): what every view of
        the notes says (a note about each of 100 files is one note naming them)."""
        return fold_notes(self.notes, (f.source for f in self.files))


def no_generation_reason(
    notes: Sequence[str], sources: Sequence[str], errors: Sequence[LoadError]
) -> str:
    """Why files that were read held no generation (a cancelled or failed log, only bad
    lines): the first two kinds of note and the first bad line. What a headless command fails
    with, and what the app (which loads with ``allow_empty``) shows in the empty table's place."""
    why = [group.text for group in fold_notes(notes, sources)[:2]]
    if errors:
        why.append(f"{plural(len(errors), 'bad line')}, the first {errors[0]}")
    return "no generation in the input: " + "; ".join(why or ["the files hold no samples"])


def empty_reason(result: LoadResult) -> str | None:
    """:func:`no_generation_reason` for a finished load that read files and found no
    generation in them; None for any other (one with generations, a partial or stopped one,
    one that read no file)."""
    if result.generations.height or not result.complete or result.cancelled:
        return None
    read = [f.source for f in result.read_files]
    if not read:
        return None
    return no_generation_reason(result.notes, read, result.errors)


ProgressCallback = Callable[[LoadProgress], object]
PartialCallback = Callable[[LoadResult], object]


@dataclass
class _FileState:
    input: InputFile
    reader: Reader
    frame: pl.DataFrame
    lengths: np.ndarray | None = None
    cached: bool = False
    errors: int = 0
    identity: FileIdentity | None = None
    """Taken before reading; None when the file could not be looked at."""
    cacheable: bool = True
    """False when the file changed while it was being read: its rows match no one version."""
    run: RunIdentity | None = None
    """The evaluation run its rows belong to, when its format says (see evaltui.data.runs)."""
    texts: pl.Series | None = None
    """Headless, the ``gen`` column until the file is counted, kept apart from :attr:`frame`
    (whose ``gen`` is then null): see :func:`read_apart`."""
    companions: tuple[str, ...] | None = None
    """The versions of its companion files its rows were read with (see
    :attr:`FileReport.companion_versions`)."""
    reducers: dict[str, str] = field(default_factory=dict)
    """Its reader's :attr:`ReadResult.reducers` (see :attr:`FileReport.reducers`)."""
    metric_told: bool = False
    """Its reader's :attr:`ReadResult.metric_told`: its notes say what ``--metric`` did."""

    def text(self) -> pl.Series:
        """The file's generations' text: :attr:`texts` when kept apart, else the frame's."""
        return self.frame.get_column("gen") if self.texts is None else self.texts


def _identity(path: Path) -> FileIdentity | None:
    try:
        return FileIdentity.of(path)
    except OSError:
        return None


def companion_versions(
    reader: Reader, path: Path, memo: dict[str, str] | None = None
) -> tuple[str, ...]:
    """The versions (:func:`companion_version`) of the files ``path``'s rows are read with
    (:meth:`Reader.companions`: an lm-eval results file, OpenCompass's results, a log's other
    copies), present or absent; () when they cannot be looked at. ``memo``: see
    :func:`_versions`."""
    try:
        return _versions(reader.companions(path), memo)
    except OSError:
        return ()


def _versions(paths: Iterable[Path], memo: dict[str, str] | None) -> tuple[str, ...]:
    """Each file's :func:`companion_version`; with ``memo``, each file is looked at once and the
    first version seen is kept (a load's cache keys and its files' companions agree on it)."""
    if memo is None:
        return tuple(companion_version(c) for c in paths)
    versions = []
    for c in paths:
        if str(c) not in memo:
            memo[str(c)] = companion_version(c)
        versions.append(memo[str(c)])
    return tuple(versions)


def read_input(
    item: InputFile, reader: Reader, options: ReadOptions
) -> tuple[pl.DataFrame, list[LoadError], list[str], dict[str, str], bool]:
    """One file's rows (final answers extracted), bad-line errors, notes and its reader's
    :attr:`ReadResult.reducers` and :attr:`ReadResult.metric_told`; never raises."""
    frame, texts, errors, notes, reducers, told = read_apart(item, reader, options)
    return set_columns(frame, texts), errors, notes, reducers, told


def read_apart(
    item: InputFile, reader: Reader, options: ReadOptions
) -> tuple[pl.DataFrame, pl.Series, list[LoadError], list[str], dict[str, str], bool]:
    """:func:`read_input` with the text apart: the rows (``gen`` null) and the ``gen`` column.

    A frame of one row holds its text twice and copies it again for each frame built from it
    (see the note in :mod:`evaltui.data.schema`): a one-row file is measured as its row and a
    null row, and its text is never in a one-row frame here (~150 MB less for one 50 MB
    generation, whose measures built four such frames).
    """
    options = file_options(item, options)
    try:
        # A records export named directly: read source by source, as the files it came from
        parts = export_parts(item)
        split = (
            None if parts is None else read_parts(item.path, item.source, reader, options, parts)
        )
        result = split if split is not None else reader.read(item.path, item.source, options)
    except Exception as exc:  # a reader bug or an unreadable file must not sink the whole load
        error = LoadError(
            item.source, None, f"{reader.name} reader failed: {type(exc).__name__}: {exc}"
        )
        empty = with_text_measures(empty_generations())
        return empty, empty.get_column("gen"), [error], [], {}, False
    # Final answers and the triage text measures are taken now, while the text is here (headless
    # loads drop it later). The measures read the format's own answer (before it is filled from
    # the text), in the same search of each tail.
    notes = [clean_text(note) for note in result.notes]  # notes may quote input values
    reducers = {clean_text(score): clean_text(how) for score, how in result.reducers.items()}
    told = result.metric_told
    errors, frame = result.errors, conform(result.frame)
    short: bool | pl.Series = not reader.own_answers
    if result.short_replies is not None and len(result.short_replies) == frame.height:
        short = pl.Series("short", result.short_replies, dtype=pl.Boolean())
    del result  # it holds the reader's frame (a one-row one: its text twice)
    one = frame.height == 1
    if one:
        columns = [frame.get_column(name) for name in frame.columns]  # not get_columns()
        frame = pl.DataFrame([pl.concat([c, nulls(c.name, c.dtype, 1)]) for c in columns])
        del columns
        if isinstance(short, pl.Series):
            short = pl.concat([short, nulls(short.name, pl.Boolean(), 1)])
    frame = with_measures_and_answers(frame, short_replies=short)
    texts = frame.get_column("gen")
    frame = set_columns(frame, nulls("gen", pl.String(), frame.height))
    if one:
        return frame.slice(0, 1), texts.slice(0, 1), errors, notes, reducers, told
    return frame, texts, errors, notes, reducers, told


def file_options(item: InputFile, options: ReadOptions) -> ReadOptions:
    """``options`` for reading ``item``: with the name the user gave its folder (a run folder
    given as a link: :attr:`ReadOptions.renamed`), which its runs are labelled by, and the
    ``--label`` given for its PATH (:attr:`ReadOptions.labels`)."""
    if options.labels:
        options = dataclasses.replace(options, label=options.labels[item.given], labels=())
    if item.renamed is None or options.renamed == item.renamed:
        return options
    return dataclasses.replace(options, renamed=item.renamed)


def read_elsewhere(files: Sequence[tuple[str, RunIdentity | None, int, str]]) -> dict[int, str]:
    """Of the files read (reader name, run identity, rows, source), those whose run is read from
    another of them: index -> why, the note's words after its source. (A load drops them; a
    follower leaves them out of the table while the other is there.)

    One run saved twice in different folders (an Inspect log copied or converted, same eval
    id), or as a SkyThought legacy file and its ``converted_`` copy beside it, is read once,
    from its fullest copy (of equal ones, the best: :attr:`RunIdentity.copy_rank`); its samples
    are never counted twice. (Other copies in one folder are the reader's to tell: it reads one
    of them.)

    A run that stopped before it finished and its retry in another folder (an Inspect log and
    its ``inspect eval-retry``, which writes to its own log dir and keeps what the first
    completed) are one run, read from the retry (:attr:`RunIdentity.retry`): a finished one,
    else the fullest, latest; finished runs of one key stay apart. (In one folder the reader
    reads one of them.)"""
    rows = [height for _reader, _run, height, _source in files]
    drops: dict[int, str] = {}
    copies: dict[tuple[str, str], list[int]] = {}
    for i, (reader, run, height, _source) in enumerate(files):
        if run is not None and run.document and height:
            copies.setdefault((reader, run.document), []).append(i)
    for (_reader, document), same in copies.items():
        if len(same) < 2:
            continue
        # the first of the fullest, of those the best copy
        kept = max(same, key=lambda i: (rows[i], _run_of(files[i]).copy_rank))
        what = _run_of(files[kept]).copies or f"id {document}"
        for i in same:
            if i != kept:  # its bad lines and notes are the kept copy's too: told once
                drops[i] = (
                    f"the same run as {files[kept][3]} ({what}, saved twice), read once from there"
                )
                rows[i] = 0
    chains: dict[tuple[str, str], list[int]] = {}
    for i, (reader, run, _height, _source) in enumerate(files):
        # with no rows too: a log whose every sample errored is retried as much
        if run is not None and run.retry:
            chains.setdefault((reader, run.retry), []).append(i)
    for chain in chains.values():
        if len(chain) < 2 or all(_run_of(files[i]).finished for i in chain):
            continue
        kept = max(
            chain,
            key=lambda i: (_run_of(files[i]).finished, rows[i], _run_of(files[i]).started),
        )
        for i in chain:
            run = _run_of(files[i])
            if i != kept and not run.finished:
                drops[i] = f"retried as {files[kept][3]} ({run.retried}), read from there"
    return drops


def _run_of(file: tuple[str, RunIdentity | None, int, str]) -> RunIdentity:
    run = file[1]
    assert run is not None
    return run


def run_identity(item: InputFile, reader: Reader, options: ReadOptions) -> RunIdentity | None:
    """The run ``item``'s rows belong to (None when its format does not say or cannot tell).
    A records export read source by source has its runs named by its manifest: None."""
    if export_parts(item) is not None:
        return None
    try:
        return reader.run_identity(item.path, file_options(item, options))
    except Exception:  # an odd header: the file's rows keep their label, nothing is lost
        return None


def _read_one(
    item: InputFile, reader: Reader, options: ReadOptions, apart: bool = False
) -> tuple[_FileState, list[LoadError], list[str]]:
    """``apart``: the text is kept in :attr:`_FileState.texts`, the frame's ``gen`` is null."""
    identity = _identity(item.path)  # before reading: what was read is at most this version
    # Before reading too: a results file written while the file is read is a change to come.
    companions: tuple[str, ...] | None
    try:
        companions = companion_versions(reader, item.path)
    except Exception:  # a reader bug: not known (as read_apart, it must not sink the load)
        companions = None
    texts: pl.Series | None = None
    if apart:
        frame, texts, errors, notes, reducers, told = read_apart(item, reader, options)
    else:
        frame, errors, notes, reducers, told = read_input(item, reader, options)
    state = _FileState(item, reader, frame, errors=len(errors), identity=identity, texts=texts)
    state.reducers = reducers
    state.metric_told = told
    state.companions = companions
    state.run = run_identity(item, reader, options)
    if identity is None or identity.changed(item.path):
        # Appended to or replaced while being read: caching these rows under either version
        # would make later runs miss lines silently.
        state.cacheable = False
        notes = [*notes, f"{item.source}: changed while it was being read; not cached"]
    return state, errors, notes


def compute_stats(
    generations: pl.DataFrame,
    options: LoadOptions,
    *,
    kinds: Mapping[str, metrics.ScoreKind] | None = None,
    max_n: int | None = None,
    run_max: RunMax | None = None,
) -> pl.DataFrame:
    """The Stats table of ``generations``: per-prompt stats, then the triage flags.

    The run-level values a prompt's row depends on (each run's score kind, the largest scored
    count, each run's longest generation) default to those of ``generations``; given those of a
    whole load, the rows of a subset of its prompts are that load's rows of them.
    """
    if generations.height == 0:
        stats = metrics.prompt_stats(
            generations, options.correct_threshold, kinds=kinds, max_n=max_n
        )
        return prompt_flags(stats, generations, options.triage_thresholds(), run_max)
    if kinds is None:
        kinds = metrics.score_kinds(generations.lazy(), options.correct_threshold)
    return finish_stats(stats_frame(generations, options, kinds, run_max), max_n)


def stats_frame(
    generations: pl.DataFrame,
    options: LoadOptions,
    kinds: Mapping[str, metrics.ScoreKind],
    run_max: RunMax | None = None,
) -> pl.DataFrame:
    """:func:`compute_stats` of (non-empty) ``generations`` before the largest scored count is
    known: every column but pass@k, the majority vote still unnamed (:func:`finish_stats`)."""
    lazy = generations.lazy()
    # One query for the fixed columns, the votes and the flags (each a few steps over the same
    # rows); only pass@k is computed outside it (numpy, from the counts). Followed updates run
    # this once per update over a few hundred rows, where every query's own cost counts. The
    # in-memory engine, whatever the size (the same engine for a followed update and a fresh
    # load): for 350 rows it took ~17 ms of CPU against ~28 ms with the default (streaming)
    # engine, for 89,000 rows 180-200 against ~250 ms. Below SMALL_STATS_ROWS rows (a followed
    # update's), without the query optimizer: planning the ~100 expressions cost more than
    # running them (128 rows: ~4 ms -> ~2.5-3 ms; 16,000 rows: a little slower without).
    correct = metrics.correct_expr(kinds)
    voting = with_measures(fill_vote_answers(generations)).lazy()
    keys = ["run", "prompt_id"]
    return (
        metrics.fixed_columns(lazy, kinds)
        .join(vote_columns(voting, correct, _MAJ), on=keys, how="left", maintain_order="left")
        .with_columns(judged_majority(_MAJ))
        .join(
            flag_columns(voting, options.triage_thresholds(), correct, run_max, kinds),
            on=keys,
            how="left",
            maintain_order="left",
        )
        .collect(
            engine="in-memory",
            optimizations=pl.QueryOptFlags.none()
            if generations.height < SMALL_STATS_ROWS
            else pl.QueryOptFlags(),
        )
    )


#: Below this many generations the stats query runs without the optimizer (the same values).
SMALL_STATS_ROWS = 4096


def finish_stats(frame: pl.DataFrame, max_n: int | None = None) -> pl.DataFrame:
    """The Stats table from :func:`stats_frame`'s ``frame``: pass@k for k up to ``max_n`` (the
    largest scored count; default: ``frame``'s), the majority vote named for it."""
    if max_n is None:
        max_n = int(frame["n_scored"].max() or 0)  # type: ignore[arg-type]
    # Built from its columns, not by a ``select`` (a query: ~0.5 ms of each followed update).
    return pl.DataFrame(
        [
            *(frame.get_column(name) for name in metrics.STATS_COLUMNS),
            *pass_columns(frame, ks_for(max_n)),
            frame.get_column(_MAJ).alias(maj_name(max_n)),
            frame.get_column("n_unique_answers"),
            frame.get_column("agreement"),
            *(frame.get_column(name) for name in STATS_FLAG_COLUMNS),
        ]
    )


_MAJ = "_maj"
"""The majority vote's column until the largest scored count (its name) is known."""


def split_mixed_metrics(generations: pl.DataFrame, runs: list[str] | None = None) -> pl.DataFrame:
    """One run, one scale: a run whose rows carry metrics that cannot share a mean (an lm-eval
    group scoring one task by ``bleu_max`` 0–100 and another by ``acc`` 0/1, or one metric where
    lower is better beside one where higher is) becomes one run per metric (``model · bleu_max``).
    Accuracies of different tasks (``acc`` beside ``exact_match``) stay one run, as the harness
    pools them for the group. ``runs``: the runs to split (:func:`mixed_metric_runs` of the
    whole load, for a frame holding part of it); default: those of ``generations``."""
    if runs is None:
        runs = mixed_metric_runs(generations)
    if not runs:
        return generations
    return generations.with_columns(
        pl.when(pl.col("run").is_in(runs) & pl.col("metric").is_not_null())
        .then(pl.col("run") + " · " + pl.col("metric"))
        .otherwise(pl.col("run"))
        .alias("run")
    )


def mixed_metric_runs(generations: pl.DataFrame) -> list[str]:
    """The runs :func:`split_mixed_metrics` splits (sorted)."""
    score = pl.col("accuracy")
    per_metric = (
        generations.filter(pl.col("metric").is_not_null())
        .group_by("run", "metric")
        .agg(
            (score.is_null() | (score.is_finite() & (score >= 0) & (score <= 1)))
            .all()
            .alias("accuracy_like"),
            pl.col("higher_is_better").drop_nulls().first().alias("higher"),
        )
    )
    mixed = per_metric.group_by("run").agg(
        (
            (pl.len() > 1)
            & (~pl.col("accuracy_like").all() | (pl.col("higher").drop_nulls().n_unique() > 1))
        ).alias("mixed")
    )
    return sorted(str(run) for run in mixed.filter("mixed")["run"])


def finish_generations(
    frames: Sequence[pl.DataFrame | tuple[pl.DataFrame, RunIdentity | None, str]],
    mixed_runs: list[str] | None = None,
) -> pl.DataFrame:
    """Every file's rows (with lengths) as one table, samples numbered where readers did not.
    Frames given with their file's run identity and source have separate runs that share a
    label told apart (:func:`evaltui.data.runs.label_runs`). ``mixed_runs``:
    :func:`mixed_metric_runs` of these rows, when the caller has it already."""
    if not frames:
        return empty_generations(with_lengths=True)
    files = [item if isinstance(item, tuple) else (item, None, "") for item in frames]
    generations = split_mixed_metrics(pl.concat(label_runs(files), how="vertical"), mixed_runs)
    # Samples a reader did not number are numbered in order of appearance within (run, prompt).
    return generations.with_columns(
        pl.coalesce(
            pl.col("sample"), pl.int_range(pl.len()).over(["run", "prompt_id"]).cast(pl.Int64)
        ).alias("sample")
    )


class _Load:
    """One load's state; :func:`load` is its public face."""

    def __init__(
        self,
        inputs: list[InputFile],
        options: LoadOptions,
        on_progress: ProgressCallback | None,
        cancel: threading.Event,
        on_partial: PartialCallback | None,
        partial_interval: float,
        spec: TokenizerSpec | None,
    ) -> None:
        self.inputs = inputs
        self.options = options
        self.on_progress = on_progress
        self.cancel = cancel
        self.stop_lengths = threading.Event()
        """Set to skip token lengths (the app's ``x``): unlike ``cancel``, reading goes on."""
        self.on_partial = on_partial
        self.partial_interval = partial_interval
        self.started = time.perf_counter()
        self.last_partial = self.started
        self.next_wait = partial_interval
        """Seconds from the end of one partial result to the next."""
        self.errors: list[LoadError] = []
        self.notes: list[str] = []
        self.skipped: dict[str, FileReport] = {}
        self.file_errors: dict[str, list[LoadError]] = {}
        self.file_notes: dict[str, list[str]] = {}
        self.states: list[_FileState] = []
        self.spec = spec
        self.counter: LengthCounter | None = None
        """Loaded on the first cache miss: a warm run never pays for it."""
        self.fast_counted: list[_FileState] = []
        """Files this load counted by the count-only path (recounted if its self-check fails)."""
        self.cached_paths: set[str] = set()
        self.cache = options.open_cache()
        self.bytes_total = sum(f.size for f in inputs)
        self.files_read = self.files_tokenized = self.generations = 0
        self.tokenized = self.tokens = self.bytes_read = 0
        self.bytes_tokenized = 0.0
        self.bytes_done = 0
        """Bytes of the files whose lengths are all known."""
        self.identities: list[FileIdentity | None] = []
        """Every input file's identity when the load started (for the snapshot's key)."""
        self.companions: dict[str, str] = {}
        """The companion files the rows were read with (path -> :func:`companion_version` when
        first asked): a snapshot holds them and is used only while they are unchanged."""
        self.snapshot_key: str | None = None
        self.snapshot_stats: pl.DataFrame | None = None
        """The snapshot's Stats table (this input set unchanged): used for the complete result
        when every file's rows and lengths came from the cache, instead of computing them."""

    def progress(self, stage: Stage) -> None:
        if self.on_progress is not None:
            self.on_progress(
                LoadProgress(
                    stage,
                    len(self.inputs),
                    self.files_read,
                    self.files_tokenized,
                    self.generations,
                    self.tokenized,
                    self.tokens,
                    self.bytes_total,
                    self.bytes_read,
                    time.perf_counter() - self.started,
                    self.bytes_tokenized,
                )
            )

    def reader_for(self, item: InputFile) -> Reader | None:
        if self.options.format is not None:
            try:
                get_reader(self.options.format)
            except ValueError as exc:  # an unknown --format: nothing can be read
                raise LoadFailure(str(exc)) from None
        try:
            detection = detect(item.path, self.options.format, self.options.read, item.named)
        except Exception as exc:  # odd content or metadata: this file's skip reason, not the load's
            detection = Detection(None, reason=f"cannot tell its format: {describe_failure(exc)}")
        if detection.reader is None:
            self.skipped[item.source] = FileReport(
                item.source,
                None,
                item.path,
                skipped=detection.reason,
                companion=detection.companion,
            )
        return detection.reader

    def take(
        self, item: InputFile, read: tuple[_FileState, list[LoadError], list[str]]
    ) -> _FileState:
        state, file_errors, file_notes = read
        if not self.options.keep_text:
            _release_freed_memory()  # the parser's garbage, before the tokenizer's batches
        if state.lengths is not None:  # rows and lengths straight from the cache
            self.finish_file(state, state.lengths, cached=True)
        self.states.append(state)
        self.errors.extend(file_errors)
        self.notes.extend(file_notes)
        if self.cache is not None:  # kept until the file's rows are cached
            self.file_errors[item.source] = file_errors
            self.file_notes[item.source] = file_notes
        self.files_read += 1
        self.generations += state.frame.height
        self.bytes_read += item.size
        self.progress("reading")
        return state

    def cache_key(
        self, item: InputFile, reader: Reader, identity: FileIdentity | None, path: str
    ) -> str | None:
        """The entry for the version ``identity`` of ``item`` as counted by ``path`` (either
        path's entry is exact; None: don't use the cache)."""
        if self.cache is None or self.spec is None or identity is None:
            return None
        try:
            beside = list(reader.companions(item.path))
            if export_parts(item) is not None:  # its manifest says how its rows are read
                beside.append(manifest_path(item.path))
            companions = list(_versions(beside, self.companions))
            return self.cache.key(
                f"{self.spec.fingerprint}:{path}",
                item.path,
                reader.name,
                file_options(item, self.options.read).cache_token(),
                identity,
                companions,
            )
        except OSError:
            return None

    def state_key(self, state: _FileState, path: str) -> str | None:
        return self.cache_key(
            state.input, state.reader, state.identity if state.cacheable else None, path
        )

    def rows_from_cache(
        self, item: InputFile, reader: Reader
    ) -> tuple[_FileState, list[LoadError], list[str]] | None:
        """A headless warm run takes a file's rows and lengths from the cache without parsing it."""
        identity = _identity(item.path)
        for path in (FAST_PATH, HF_PATH):
            key = self.cache_key(item, reader, identity, path)
            if self.cache is None or key is None:
                continue
            cached = self.cache.get_rows(rows_key(key, item.source, item.renamed))
            if cached is None:
                continue
            self.cached_paths.add(path)
            lengths = cached.frame.get_column("gen_length").to_numpy()
            state = _FileState(
                item,
                reader,
                cached.frame.drop("gen_length"),
                lengths,
                True,
                len(cached.errors),
                identity,
                run=run_identity(item, reader, self.options.read),
            )
            state.reducers = dict(cached.reducers)
            state.metric_told = cached.metric_told
            # The versions the key was made with (the first asked of each in this load).
            state.companions = companion_versions(reader, item.path, self.companions)
            return state, cached.errors, cached.notes
        return None

    def lengths_cached(self, item: InputFile, reader: Reader) -> bool:
        """True when the cache holds ``item``'s lengths (its rows are not cached: a load of
        another folder, or an older load, stored them)."""
        identity = _identity(item.path)
        return self.cache is not None and any(
            (key := self.cache_key(item, reader, identity, path)) is not None
            and self.cache.has_lengths(key)
            for path in (FAST_PATH, HF_PATH)
        )

    def lengths_from_cache(self, state: _FileState) -> bool:
        for path in (FAST_PATH, HF_PATH):
            key = self.state_key(state, path)
            if self.cache is None or key is None:
                return False
            hit = self.cache.get_lengths(key, state.frame.height)
            if hit is not None:
                self.cached_paths.add(path)
                rows = rows_key(key, state.input.source, state.input.renamed)
                if self.options.text_on_demand and not self.cache.has_rows(rows):
                    self.store_rows(state, key, hit)  # lengths cached by an older load
                self.finish_file(state, hit, cached=True)
                return True
        return False

    def finish_file(self, state: _FileState, lengths: np.ndarray, *, cached: bool) -> None:
        state.lengths, state.cached = lengths, cached
        self.files_tokenized += 1
        self.bytes_done += state.input.size
        self.bytes_tokenized = float(self.bytes_done)
        if cached:
            self.tokenized += len(lengths)
            self.tokens += int(lengths.sum())
        if not self.options.keep_text:
            # Headless summaries need only the lengths: let the file's text go at once.
            state.texts = None
            state.frame = set_columns(state.frame, nulls("gen", pl.String(), state.frame.height))
            _release_freed_memory()

    def tokenize(self, state: _FileState) -> bool:
        """Count one file's tokens (cache first). False when cancelled midway."""
        assert self.spec is not None
        if state.lengths is not None or self.lengths_from_cache(state):
            return True
        counter = self.ensure_counter()
        before = self.tokenized

        def on_batch(done: int, tokens: int, share: float) -> None:
            self.tokenized = before + done
            self.tokens += tokens
            # By the share of the text done, not of the rows: the texts go longest first.
            self.bytes_tokenized = self.bytes_done + state.input.size * share
            self.progress("tokenizing")

        path = counter.path
        lengths = count_in_batches(
            counter,
            state.text(),
            batch_chars=self.options.batch_for(counter.path),
            on_batch=on_batch,
            cancelled=self.lengths_stopped,
            source=state.input.source,
        )
        if lengths is None:
            return False
        if not (counter.defer and counter.path == FAST_PATH):  # else cached once checked
            self.store(state, lengths, counter.path)
        self.finish_file(state, lengths, cached=False)
        if counter.path == FAST_PATH:
            self.fast_counted.append(state)
        elif path == FAST_PATH:  # the self-check failed on this file: recount the earlier ones
            return self.recount_fast_counted()
        return True

    def ensure_counter(self) -> LengthCounter:
        """The load's counter, loaded on first use (the first cache miss)."""
        if self.counter is None:
            assert self.spec is not None
            # Headless: the self-check waits for the end of the load, when no file is held, so
            # the tokenizers tokenizer is never in memory beside a file's texts.
            defer = not self.options.keep_text
            self.counter = length_counter(self.spec, self.options, self.cache, defer=defer)
            _release_freed_memory()  # the plan's parsed JSON, the tokenizer let go
        return self.counter

    def store(self, state: _FileState, lengths: np.ndarray, path: str) -> None:
        """Cache a file's lengths and its rows (without text) under the path that counted them."""
        key = self.state_key(state, path)
        if self.cache is None or key is None:
            return
        self.cache.put_lengths(key, lengths)
        self.store_rows(state, key, lengths)

    def store_rows(self, state: _FileState, key: str, lengths: np.ndarray) -> None:
        """Cache a file's rows (without text), so later loads need not parse the file."""
        assert self.cache is not None
        # The text left out here already: a frame built around a one-row long text copies it.
        rows = set_columns(
            state.frame,
            nulls("gen", pl.String(), state.frame.height),
            pl.Series("gen_length", lengths, dtype=pl.UInt32),
        )
        self.cache.put_rows(
            rows_key(key, state.input.source, state.input.renamed),
            rows,
            self.file_errors.get(state.input.source, []),
            self.file_notes.get(state.input.source, []),
            state.reducers,
            state.metric_told,
        )

    def store_checked(self) -> None:
        """Cache what the count-only path counted once a deferred self-check passed (nothing
        unchecked is cached: a load stopped before its check caches none of it)."""
        assert self.counter is not None
        if self.counter.defer and self.counter.path == FAST_PATH:
            for state in self.fast_counted:
                if state.lengths is not None and len(state.lengths) == state.frame.height:
                    self.store(state, state.lengths, FAST_PATH)

    def recount_fast_counted(self) -> bool:
        """After a failed self-check: count again by ``tokenizers`` what the fast path counted."""
        assert self.counter is not None
        if self.counter.switched is not None:
            self.notes.append(self.counter.switched)
        for state in self.fast_counted:
            if self.lengths_stopped():
                return False
            texts = state.text()
            if texts.null_count() == len(texts) and len(texts):  # headless: text already dropped
                frame, *_said = read_input(state.input, state.reader, self.options.read)
                texts = frame.get_column("gen")
            lengths = count_in_batches(
                self.counter,
                texts,
                batch_chars=self.options.batch_chars,
                cancelled=self.lengths_stopped,
            )
            if lengths is None:
                return False
            fast_key = self.state_key(state, FAST_PATH)
            if self.cache is not None and fast_key is not None:
                self.cache.discard(fast_key, state.input.source, state.input.renamed)
            if len(lengths) != state.frame.height:
                # The file changed since it was read: its old lengths stay, nothing is cached.
                self.notes.append(f"{state.input.source}: changed while loading; not recounted")
                continue
            self.store(state, lengths, HF_PATH)
            state.lengths = lengths
        self.fast_counted.clear()
        return True

    def partial(self, *, force: bool = False) -> None:
        # The wait is counted from the end of the last build and is at least twice what the
        # build took: a 1M-prompt table costs seconds to build, and builds back to back would
        # leave no time for tokenizing.
        now = time.perf_counter()
        if self.on_partial is not None and (force or now - self.last_partial >= self.next_wait):
            self.on_partial(self.result(complete=False))
            self.last_partial = time.perf_counter()
            self.next_wait = max(self.partial_interval, 2 * (self.last_partial - now))

    # --- the snapshot: a whole load's stats, keyed by every input's identity and every option ---

    def make_snapshot_key(self) -> str | None:
        """The snapshot entry of this input set as it is now (None: no snapshot for it)."""
        if self.cache is None or (self.options.tokenize and self.spec is None):
            return None
        # Taken by discovery (one stat per file, before anything was read), else now.
        self.identities = [item.identity or _identity(item.path) for item in self.inputs]
        if any(identity is None for identity in self.identities):
            return None
        options = self.options
        parts = [
            SNAPSHOT_FORMAT,
            CACHE_FORMAT,
            # The whole data layer: the rows the readers made and how the stats count them (a
            # fix to a stat was served stale from a warm snapshot unless SNAPSHOT_FORMAT moved).
            stats_code_version(),
            self.spec.fingerprint if self.spec is not None else "no lengths",
            repr((options.format, options.pattern, options.read.cache_token())),
            repr((options.correct_threshold, options.triage_thresholds())),
            repr(sorted((r.source, r.skipped) for r in self.skipped.values())),
        ]
        for item, identity in zip(self.inputs, self.identities, strict=True):
            assert identity is not None
            parts.append(
                repr((str(item.path), item.source, identity.device, identity.inode))
                + f"{identity.size}:{identity.mtime_ns}"
                # its runs are named by the link it was given as (another link: other labels)
                + repr(item.renamed)
                # a records export is read source by source while its manifest says how
                + repr(export_parts(item))
            )
        text = "\0".join(parts).encode("utf-8", "surrogatepass")
        return hashlib.sha256(text).hexdigest()

    def inputs_unchanged(self) -> bool:
        """True when every input file is still the version the load started with."""
        return len(self.identities) == len(self.inputs) and all(
            _identity(item.path) == identity
            for item, identity in zip(self.inputs, self.identities, strict=True)
        )

    def read_snapshot(self) -> LoadResult | None:
        """This input set's snapshot as a result without generations (None: a miss)."""
        if self.cache is None or self.snapshot_key is None:
            return None
        hit = self.cache.get_snapshot(self.snapshot_key)
        if hit is None:
            return None
        stats, meta = hit
        try:
            result = _result_from_snapshot(stats, meta, self.options)
            companions = dict(meta["companions"])
        except (KeyError, TypeError, ValueError):  # not what this version writes: a miss
            return None
        if any(companion_version(Path(c)) != v for c, v in companions.items()):
            return None  # a results/summary file beside an input changed since
        if (
            len(result.read_files) + len(result.skipped_files) != len(result.files)
            or sum(f.generations for f in result.read_files) != result.headline()["generations"]
            or stats.height != result.headline()["prompts"]
        ):
            return None
        note = self.options.workers_note()
        if note is not None:
            result.notes.insert(0, note)
        # The same tokenizer files may be named by another path this time.
        result.tokenizer = self.spec.name if self.spec is not None else "none"
        result.seconds = time.perf_counter() - self.started
        return result

    def write_snapshot(self, result: LoadResult) -> None:
        """Keep a complete load's outcome for the next load of the same, unchanged input set."""
        if (
            self.cache is None
            or self.snapshot_key is None
            or not result.complete
            or result.cancelled
            or not result.generations.height
            or not all(state.cacheable for state in self.states)
            or not self.inputs_unchanged()
        ):
            return
        note = self.options.workers_note()
        meta: dict[str, Any] = {
            "companions": self.companions,
            "errors": [[e.source, e.line, e.reason] for e in result.errors],
            "notes": [n for n in result.notes if n != note and n not in self.cache_notes()],
            "files": [_file_json(f) for f in result.files],
            "tokenizer": result.tokenizer,
            "counting": result.counting,
            "headline": result.headline(),
            "triage": [dataclasses.asdict(row) for row in result.run_triage()],
        }
        self.cache.put_snapshot(self.snapshot_key, result.stats, meta)

    def option_notes(self) -> list[str]:
        """What the user's options did that is easy to miss, said rather than left silent:

        - the field flags (``--score-field``, …) are read by the plain JSONL reader only; files
          another reader read keep their format's fields;
        - ``--label`` names every file's run: files from several folders (often several models)
          become one run, their samples pooled per prompt;
        - ``--metric`` names an lm-eval or lighteval metric, or a key of a plain file's dict of
          scores: said when no file was read by it;
        - ``--pattern`` chooses among a folder's files: a file named as a PATH is read whatever
          it says, which a pattern that does not match it left unsaid (every command, the app).
        """
        read = self.options.read
        notes: list[str] = []
        outside = named_outside(self.inputs, self.options.pattern)
        if outside:
            names = ", ".join(repr(f.source) for f in outside[:3])
            more = f" and {len(outside) - 3:,} more" if len(outside) > 3 else ""
            one = len(outside) == 1
            notes.append(
                f"--pattern {self.options.pattern!r} chooses among a folder's files: {names}{more}, "
                f"named as {'a PATH' if one else 'PATHs'}, {'is' if one else 'are'} read though "
                f"{'it does' if one else 'they do'} not match it (leave "
                f"{'it' if one else 'them'} out to skip {'it' if one else 'them'})"
            )
        labelled: dict[str, list[_FileState]] = {}
        for s in self.states:
            label = file_options(s.input, read).label
            if label is not None and s.frame.height:
                labelled.setdefault(label, []).append(s)
        for label, states in labelled.items():
            names = "every file's run" if read.label is not None else "its PATH's runs"
            folders = {str(Path(s.input.source).parent) for s in states}
            if len(folders) > 1:
                notes.append(
                    f"--label {label!r} names {names}: {len(states):,} files from "
                    f"{len(folders):,} folders are read under it, so models told apart by their "
                    "folder are pooled (leave --label out to keep them apart)"
                )
                continue
            runs = self.runs_without_label(states)
            if runs > 1:
                notes.append(
                    f"--label {label!r} names {names}: {len(states):,} files that are "
                    f"{runs:,} runs without it are read under it, "
                    "so their samples are pooled per prompt (leave --label out to keep them "
                    "apart)"
                )
        # A file whose reader said what it did with --metric ('FILE: --metric nope is none of
        # the scores in the dict …: scored by …') has said it once: "no file … is scored by such a
        # key, so it changed nothing" beside it read as the opposite. Its read says so by a flag
        # (the notes' text was matched: a file named 'run: --metric f1.jsonl' was not found).
        if read.metric is not None and not any(
            s.reader.name in ("lm_eval", "lm_eval_write_out", "lighteval")
            or s.metric_told
            or (isinstance(s.reader, PlainReader) and (s.frame["metric"] == read.metric).any())
            for s in self.states
            if s.frame.height
        ):
            notes.append(
                f"{flag_words('--metric', read.metric)} names an lm-eval or lighteval metric, a"
                " key of a plain file's dict of scores or a reward function's column: no file"
                " read is lm-eval samples, lighteval details or scored by such a key, so it"
                " changed nothing"
            )
        flags = list(read.field_flags())
        formats: dict[str, int] = {}
        for state in self.states:
            if not isinstance(state.reader, PlainReader):  # plain JSON lines, or a document
                formats[state.reader.name] = formats.get(state.reader.name, 0) + 1
        if flags and formats:
            verb = "applies" if len(flags) == 1 else "apply"
            read_as = ", ".join(
                f"{plural(n, 'file')} read as {name}" for name, n in formats.items()
            )
            keep = "keeps its" if sum(formats.values()) == 1 else "keep their"
            notes.append(
                f"{', '.join(flags)} {verb} to plain JSON lines only: {read_as} {keep} "
                "format's own fields"
            )
        return notes

    def runs_without_label(self, states: Sequence[_FileState]) -> int:
        """How many runs ``states``' files would be without ``--label``: files of one folder named
        after their models that evaluated common prompts are a run each, and so are separate
        runs of one model that share a task (two lm-eval runs of a task group in one folder:
        :func:`evaltui.data.runs.run_labels`)."""
        unlabelled = dataclasses.replace(self.options.read, label=None, labels=())
        files: list[tuple[RunIdentity | None, str, pl.Series | None]] = []
        for state in states:
            identity = run_identity(state.input, state.reader, unlabelled)
            files.append((identity, state.input.source, file_prompts(state.frame, identity)))
        labels = run_labels(files)
        return len(
            {
                labels.get(run_key(identity, source), identity.label)
                for identity, source, _prompts in files
                if identity is not None
            }
        )

    def cache_notes(self) -> list[str]:
        """What :meth:`result` says about the cache itself (never part of a snapshot)."""
        if self.cache is None or not self.cache.write_errors:
            return []
        return [
            f"the cache directory {self.cache.directory} cannot be written "
            f"({self.cache.write_errors[0]}): nothing is cached; see --cache-dir, --no-cache"
        ]

    def run(self) -> LoadResult:
        options = self.options
        self.snapshot_key = self.make_snapshot_key()
        snapshot = self.read_snapshot()
        if snapshot is not None:
            if options.stats_only:
                return snapshot
            # The table at once; the rows follow (a UI needs them for text, filters, exports).
            self.snapshot_stats = snapshot.stats
            if self.on_partial is not None:
                self.on_partial(dataclasses.replace(snapshot, complete=False))
                self.last_partial = time.perf_counter()
        workers = min(options.workers(), max(1, len(self.inputs)))
        note = options.workers_note()
        if note is not None:
            self.notes.append(note)
        # Reading everything first lets a UI show accuracy at once; without the text kept, files
        # stream through one at a time (reading is ~1% of the time), so one file's text is in memory.
        window = len(self.inputs) if options.keep_text else 1
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="evaltui-read") as pool:
            pending: deque[tuple[InputFile, Future[tuple[_FileState, list[LoadError], list[str]]]]]
            pending = deque()
            queue = deque(self.inputs)

            def fill() -> None:
                while queue and len(pending) < window:
                    item = queue.popleft()
                    reader = self.reader_for(item)
                    if reader is None:
                        continue
                    job: Future[tuple[_FileState, list[LoadError], list[str]]] = Future()
                    cached = (
                        self.rows_from_cache(item, reader)
                        if options.text_on_demand or not options.keep_text
                        else None
                    )
                    if cached is not None:
                        job.set_result(cached)
                    else:
                        job = pool.submit(_read_one, item, reader, options.read, headless)
                        if not self.lengths_cached(item, reader):
                            misses.append(item)
                    pending.append((item, job))

            misses: list[InputFile] = []  # files read whose lengths are to be counted
            headless = not options.keep_text and self.spec is not None
            self.progress("reading")
            fill()
            if misses and headless and misses[0].size <= COUNTER_FIRST_BYTES:
                # Headless, the first file to count is being read: the counter is loaded
                # meanwhile (its plan's parsed JSON is ~100 MiB for a moment), not later beside
                # one file's rows and the next file's parse. A big file's is loaded once it is
                # read (see COUNTER_FIRST_BYTES).
                self.ensure_counter()
            while pending and not self.cancel.is_set():
                item, job = pending.popleft()
                state = self.take(item, job.result())
                if not headless or (queue and queue[0].size <= READ_AHEAD_BYTES):
                    fill()  # the next file is read while this one is counted
                if headless and not self.tokenize(state):
                    break
                fill()
            for _item, job in pending:
                job.cancel()
        if self.counter is not None and not self.lengths_stopped():
            # Headless, every length is counted: the count-only path is let go before the
            # check loads the tokenizers tokenizer, and that one after it.
            done = not options.keep_text
            if done:
                _release_freed_memory()
            if self.counter.finish(last=done):
                self.store_checked()
            elif not self.recount_fast_counted():
                return self.stop()
            if done:
                self.counter.close()
                _release_freed_memory()

        self.drop_read_elsewhere()
        if not self.states and not self.cancel.is_set() and not options.allow_no_file:
            skipped = list(self.skipped.values())
            detail = "; ".join(f"{r.source}: {r.skipped}" for r in skipped[:3])
            if len(skipped) > 3:
                detail += f"; and {plural(len(skipped) - 3, 'more file')}"
            if skipped and all(r.companion for r in skipped):
                # Results, summaries, configs: the samples files they go beside are elsewhere.
                todo = (
                    "only files a format keeps beside its samples files are here; pass the "
                    "folder (or files) holding the samples too"
                )
            else:
                todo = "'evaltui formats' lists what each reader reads"
            raise LoadFailure(
                "no readable samples file" + (f" ({detail})" if detail else "") + f": {todo}",
                errors=self.errors,
                files=skipped,
                notes=self.notes,
            )
        if (
            self.states
            and not self.generations
            and not self.cancel.is_set()
            and not options.allow_empty
        ):
            # Files were read but held no generation (a cancelled or failed log, only bad lines):
            # say why instead of showing "runs 0".
            sources = [state.input.source for state in self.states]
            read = [
                FileReport(s.input.source, s.reader.name, s.input.path, 0, s.errors)
                for s in self.states
            ]
            raise LoadFailure(
                no_generation_reason(self.notes, sources, self.errors),
                errors=self.errors,
                files=list(self.skipped.values()) + read,
                notes=self.notes,
            )
        if self.lengths_stopped():
            return self.stop()
        if self.spec is not None and options.keep_text:
            # Cache hits first: they are free, and a UI gets their lengths at once.
            for state in self.states:
                self.lengths_from_cache(state)
            if any(state.lengths is None for state in self.states):
                # Accuracy first, lengths later; with every length cached, the complete result
                # is next (a large table is not built twice).
                self.partial(force=True)
            self.progress("tokenizing")
            last = self.states[-1] if self.states else None
            for state in self.states:
                known = state.lengths is not None
                if not self.tokenize(state):
                    return self.stop()
                # A partial result only for lengths just counted, and never right before the
                # complete one: with every length cached, the table is built once, not twice.
                if not known and state is not last:
                    self.partial()
        self.progress("done")
        result = self.result(complete=True)
        if not result.from_snapshot:
            self.write_snapshot(result)
        return result

    def drop_read_elsewhere(self) -> None:
        """The files whose run is read from another file (:func:`read_elsewhere`): their rows,
        bad lines and notes go, with a note."""
        drops = read_elsewhere(
            [(s.reader.name, s.run, s.frame.height, s.input.source) for s in self.states]
        )
        for i, why in drops.items():
            self.drop_state(self.states[i], why)

    def drop_state(self, state: _FileState, why: str) -> None:
        """A file read from another instead: its rows, bad lines and notes go (they are the
        other's to tell), and a note on it says ``why``."""
        source = state.input.source
        self.errors = [e for e in self.errors if e.source != source]
        self.notes = [n for n in self.notes if not n.startswith(f"{source}: ")]
        self.notes.append(f"{source}: {why}")
        self.generations -= state.frame.height
        state.errors = 0
        state.frame = state.frame.clear()
        if state.lengths is not None:
            state.lengths = state.lengths[:0]

    def lengths_stopped(self) -> bool:
        """True once no more token lengths are wanted (cancelled, or lengths skipped)."""
        return self.cancel.is_set() or self.stop_lengths.is_set()

    def stop(self) -> LoadResult:
        self.progress("cancelled")
        return self.result(complete=False, cancelled=True)

    def result(self, *, complete: bool, cancelled: bool = False) -> LoadResult:
        frames = [
            (
                state.frame.with_columns(
                    pl.Series("gen_length", state.lengths, dtype=pl.UInt32)
                    if state.lengths is not None
                    else pl.lit(None, dtype=pl.UInt32).alias("gen_length")
                ),
                state.run,
                state.input.source,
            )
            for state in self.states
        ]
        generations = finish_generations(frames)
        numbered = (
            pl.concat([frame.get_column("sample").is_null() for frame, _run, _source in frames])
            if frames
            else None
        )
        from_snapshot = (
            complete
            and not cancelled
            and self.snapshot_stats is not None
            and all(state.cached and state.cacheable for state in self.states)
            and self.inputs_unchanged()
        )
        if from_snapshot:
            assert self.snapshot_stats is not None
            stats = self.snapshot_stats
        else:
            stats = compute_stats(generations, self.options)
        files = list(self.skipped.values()) + [
            FileReport(
                s.input.source,
                s.reader.name,
                s.input.path,
                s.frame.height,
                s.errors,
                s.cached,
                identity=s.identity,
                companion_versions=s.companions,
                reducers=s.reducers,
            )
            for s in self.states
        ]
        order = {item.source: i for i, item in enumerate(self.inputs)}
        files.sort(key=lambda f: order.get(f.source, 0))
        cache_notes = self.cache_notes()
        notes = self.tokenizer_notes() + cache_notes + self.option_notes() + list(self.notes)
        return LoadResult(
            generations,
            stats,
            list(self.errors),
            files,
            notes,
            self.spec.name if self.spec else "none",
            sum(s.cached for s in self.states),
            time.perf_counter() - self.started,
            complete,
            cancelled,
            self.options.triage_thresholds(),
            self.counting(),
            from_snapshot=from_snapshot,
            numbered=numbered,
            self_checked=self.counter.verdict() if self.counter is not None else None,
            cache_note=cache_notes[0] if cache_notes else None,
        )

    def tokenizer_notes(self) -> list[str]:
        """What the load says about how ``--model``'s folder was loaded, when not as
        transformers loads it (also when every length came from the cache)."""
        if self.counter is not None:
            note = self.counter.info.note
        elif self.spec is not None and self.cached_paths:
            note = self.spec.cached_note(self.cache)
        else:
            note = ""
        return [f"--model {note}"] if note else []

    def counting(self) -> str:
        parts = [self.counter.describe()] if self.counter is not None else []
        if self.cached_paths:
            parts.append("cached lengths from " + " and ".join(sorted(self.cached_paths)))
        return "; ".join(parts) if parts else "none"


# Part of every snapshot key, beside the hash of the data layer's code (cache.stats_code_version,
# which keys any change to what a load computes after reading: the stats, the notes, the headline
# numbers, the triage counts); bump it for what the code's bytes do not show (a snapshot's layout).
# 2: the companion files the rows were read with are kept and checked.
# 3: a score a rounding error short of its run's threshold is correct (metrics.NEAR): a stats
#    snapshot of before counted 0.49999999999999994 wrong beside a 0.5 counted correct.
SNAPSHOT_FORMAT = "3"


def _file_json(report: FileReport) -> dict[str, Any]:
    identity = report.identity
    return {
        "source": report.source,
        "format": report.format,
        "path": None if report.path is None else str(report.path),
        "generations": report.generations,
        "errors": report.errors,
        "skipped": report.skipped,
        "companion": report.companion,
        "identity": None if identity is None else dataclasses.astuple(identity),
        "reducers": report.reducers,
    }


def _result_from_snapshot(
    stats: pl.DataFrame, meta: dict[str, Any], options: LoadOptions
) -> LoadResult:
    """A snapshot's load result: no generation rows; every file's outcome as it was told."""
    files = [
        FileReport(
            str(f["source"]),
            None if f["format"] is None else str(f["format"]),
            None if f["path"] is None else Path(f["path"]),
            int(f["generations"]),
            int(f["errors"]),
            # Nothing of a read file was read again: its rows are the snapshot's.
            f["skipped"] is None,
            None if f["skipped"] is None else str(f["skipped"]),
            bool(f["companion"]),
            None if f["identity"] is None else FileIdentity(*(int(v) for v in f["identity"])),
            reducers={str(k): str(v) for k, v in dict(f.get("reducers") or {}).items()},
        )
        for f in meta["files"]
    ]
    headline = {str(k): v for k, v in dict(meta["headline"]).items()}
    return LoadResult(
        empty_generations(with_lengths=True),
        stats,
        [LoadError(str(s), None if n is None else int(n), str(r)) for s, n, r in meta["errors"]],
        files,
        [str(note) for note in meta["notes"]],
        str(meta["tokenizer"]),
        sum(f.skipped is None for f in files),
        0.0,
        True,
        triage=options.triage_thresholds(),
        counting=f"{meta['counting']}; stats from the cache (inputs unchanged)",
        headline_numbers=headline,
        triage_rows=[RunTriage(**row) for row in meta["triage"]],
        from_snapshot=True,
    )


def load(
    paths: Sequence[str | os.PathLike[str]],
    options: LoadOptions | None = None,
    on_progress: ProgressCallback | None = None,
    cancelled: threading.Event | None = None,
    on_partial: PartialCallback | None = None,
    *,
    partial_interval: float = 1.0,
    stop_lengths: threading.Event | None = None,
) -> LoadResult:
    """Load every matching file under ``paths`` into generations, stats and error entries.

    Raises :class:`LoadFailure` when nothing can be loaded (no input, no tokenizer). With
    ``options.keep_text`` (the default), every file is read first and ``on_partial`` receives a
    result with accuracy but no lengths yet, then results as files are tokenized (at most one per
    ``partial_interval`` seconds), so a UI can show rows early. ``cancelled`` is checked between
    files and between token batches; a cancelled load returns what it has, ``cancelled=True``.
    ``stop_lengths`` stops only the token lengths: every file is still read (the result is
    ``cancelled`` with the lengths counted so far).
    """
    options = options or LoadOptions()
    set_num_threads(options.workers())
    try:
        unreadable: list[tuple[str, str]] = []
        inputs = discover(paths, options.pattern, known_extensions(), unreadable)
    except NoInputFile as exc:
        if not options.allow_no_file:
            raise LoadFailure(str(exc)) from None
        inputs = []  # followed before the eval wrote: the follower's polls find the files
    except InputError as exc:
        raise LoadFailure(str(exc)) from None
    try:
        spec = resolve_tokenizer(options.model) if options.tokenize else None
    except TokenizerError as exc:
        raise LoadFailure(str(exc)) from None
    job = _Load(
        inputs,
        options,
        on_progress,
        cancelled or threading.Event(),
        on_partial,
        partial_interval,
        spec,
    )
    if stop_lengths is not None:
        job.stop_lengths = stop_lengths
    for where, why in unreadable:  # directories that could not be read: shown with the skips
        job.skipped[where] = FileReport(where, None, skipped=why)
    try:
        return job.run()
    except TokenizerError as exc:  # a tokenizer planned from its file, refused by tokenizers
        raise LoadFailure(str(exc)) from None

"""Follow inputs while an eval is still writing them: appended lines, new files, rewrites.

A :class:`Follower` starts from a full :func:`~evaltui.data.loader.load`, then each :meth:`poll`
looks at the inputs again and returns a new :class:`~evaltui.data.loader.LoadResult` when
something changed:

- lines appended to a line-based file (a reader with ``appendable``) are read alone, from the end
  of the last complete line already read; a partial last line waits for its newline;
- a new file (a new run's folder too) is detected and read; a file that disappeared is dropped;
- a file rewritten in place (truncated, replaced, or its head/last read line changed) and every
  file of a whole-document format (SkyThought, OpenCompass, Inspect ``.eval``) is read again
  whole, so nothing is counted twice.

Only new generations are tokenized. Only the prompts an update touched (and every prompt of a run
whose run-level values it changed) are computed again (:mod:`evaltui.data.livestats`), and a
followed load ends with exactly the stats of loading the final files from scratch. Identity is taken before
reading: a file that grows while it is read is read again from where its snapshot ended.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from evaltui.data.discover import FileIdentity, InputError, InputFile, discover
from evaltui.data.formats import Reader, Window, detect, get_reader, known_extensions
from evaltui.data.formats.base import RunIdentity
from evaltui.data.formats.plain import TRUNCATED_LAST_LINE, merge_notes
from evaltui.data.livestats import LiveStats, Part
from evaltui.data.loader import (
    FileReport,
    LoadFailure,
    LoadOptions,
    LoadResult,
    PartialCallback,
    ProgressCallback,
    companion_versions,
    finish_generations,
    length_counter,
    load,
    mixed_metric_runs,
    read_elsewhere,
    read_input,
    run_identity,
    split_mixed_metrics,
)
from evaltui.data.notes import split_note
from evaltui.data.runs import Prompts, RunKey, file_prompts, retag, run_key, run_labels
from evaltui.data.sanitize import one_line_middle
from evaltui.data.schema import LoadError, empty_generations, nulls, set_columns
from evaltui.data.tokens import (
    LengthCounter,
    SelfCheck,
    checked_words,
    count_in_batches,
)
from evaltui.data.wording import plural

#: Seconds between two polls that list the directories and stat every input even when the
#: watcher reported nothing else (a safety net for events a file system does not deliver).
FULL_LOOK = 5.0

#: Milliseconds between the watcher's looks at the events it gathered: it hands a batch over at
#: the first look that finds none added since the look before (or the one after, ``debounce``), so
#: events already there when :meth:`Follower.wait` asks are handed over two looks later.
WATCH_STEP_MS = 50

#: Bytes compared at a file's head and before the end of what was read, to tell an append
#: (both unchanged) from a rewrite.
_PROBE = 1024


def _stamp(path: Path) -> FileIdentity | None:
    """What ``path`` looks like now (an append changes size/mtime, a replacement the inode)."""
    try:
        return FileIdentity.of(path)
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class AppendedIdentity(FileIdentity):
    """The version of a followed line-based file that was read: lines appended since leave every
    record read where it was, so only a rewrite (another inode, a shorter file, other bytes at its
    head or before the end of what was read) counts as a change (e.g. for exporting records)."""

    consumed: int = 0
    head: bytes = b""
    tail: bytes = b""

    def changed(self, path: Path) -> bool:
        now = _stamp(path)
        if now is None or (now.device, now.inode) != (self.device, self.inode):
            return True
        if now.size < self.consumed:
            return True
        try:
            return _probe(path, self.consumed) != (self.head, self.tail)
        except OSError:
            return True


@dataclass(slots=True)
class _Tracked:
    """One followed file and the rows read from it so far."""

    item: InputFile
    reader: Reader | None
    """None for a file that is skipped (unknown, companion): its report is kept instead."""
    stamp: FileIdentity | None
    """None when unknown (it appeared during the first load): the next poll reads it whole."""
    frame: pl.DataFrame
    errors: list[LoadError]
    notes: list[str]
    report: FileReport | None = None
    """The skip report of a skipped file."""
    consumed: int = 0
    """Appendable files: bytes read, up to and including the last complete line's newline."""
    next_line: int = 1
    """Appendable files: the number of the line that starts at ``consumed``."""
    head: bytes = b""
    tail: bytes = b""
    """The bytes at the start of the file and just before ``consumed`` when it was read."""
    run: RunIdentity | None = None
    """The evaluation run its rows belong to, when its format says (see evaltui.data.runs)."""
    beside: tuple[str, ...] = ()
    """Its companions' versions when it was read (:func:`_beside`): a results file written at
    the end of an eval (lm-eval, OpenCompass) changes its rows' labels and scores, so a change
    of one makes the file read again whole."""
    cut: bool = False
    """A file read whole (not appendable: lm-eval's samples) whose last line had no newline
    when it was read: that line is still being written, so the error its reader made of it is
    held back (as an appendable file's partial line waits); the line is read with the file's
    next change, when the file is read again whole."""
    reducers: dict[str, str] = field(default_factory=dict)
    """Its reader's ``ReadResult.reducers`` (:attr:`FileReport.reducers`)."""
    copy_of: Path | None = None
    """The followed file whose first bytes were all this one held when it appeared: a copy
    (``cp`` of a run, under way or done), whose rows are no new generations as long as it
    stays one (:meth:`Follower._copied_from`), or an eval writing the same lines again."""
    copy_counted: tuple[_Arrival | None, int] | None = None
    """Set when it held only part of that file (:attr:`copy_of`): a copy under way, or an eval
    writing byte for byte what a followed file holds (a greedy rerun of the same prompts),
    whose lines are new generations. Its rows were counted as new: (the arrivals entry that
    counted them, how many). Grown at once to all of that file, it was a copy and they are
    taken back; grown less, or otherwise, it is written on its own. None for a whole copy."""
    arrived: list[tuple[_Arrival, np.ndarray]] = field(default_factory=list)
    """The rows of :attr:`frame` counted as new generations in the last minute: (the arrival
    that counted them, their row numbers in the frame). Rows that leave the table (the file
    rewritten, truncated, gone) leave "N new generations in the last minute" with them."""
    prompts_of: tuple[pl.DataFrame, Prompts] | None = None
    """(:attr:`frame` as it was, its distinct prompt ids as :func:`file_prompts` gives them):
    what :func:`_run_labels` reads of the file, kept while the frame is that one (a retag or a
    read again makes another frame), and grown by the new rows' alone when lines are appended
    (:meth:`grow_prompts`), not made again from every row on every followed update."""

    def prompts(self) -> Prompts:
        """The distinct :func:`file_prompts` of :attr:`frame` (what tells runs apart)."""
        if self.prompts_of is None or self.prompts_of[0] is not self.frame:
            ids = file_prompts(self.frame, self.run)
            self.prompts_of = self.frame, None if ids is None else ids.unique()
        return self.prompts_of[1]

    def grow_prompts(self, before: pl.DataFrame, rows: pl.DataFrame) -> None:
        """:attr:`frame` is ``before`` with ``rows`` appended: its distinct prompt ids are the
        ones kept for ``before`` and those of ``rows`` (none kept: made when asked for; an
        earlier frame is never held)."""
        if self.prompts_of is None or self.prompts_of[0] is not before:
            self.prompts_of = None
            return
        kept, ids = self.prompts_of[1], file_prompts(rows, self.run)
        if kept is None or ids is None:
            self.prompts_of = None
            return
        self.prompts_of = self.frame, pl.concat([kept, ids.unique()]).unique()

    def retagged(self, before: pl.DataFrame) -> None:
        """:attr:`frame` is ``before`` with another label (:func:`retag`): its prompt ids as
        :func:`file_prompts` gives them are the same (a folder taken off or put back on an id
        is taken off by it), so the ones kept for ``before`` stay."""
        if self.prompts_of is not None and self.prompts_of[0] is before:
            self.prompts_of = self.frame, self.prompts_of[1]
        else:
            self.prompts_of = None

    def identity(self) -> FileIdentity | None:
        """The version that was read (what an export of its records must still find)."""
        if self.stamp is None or self.reader is None or not self.reader.appendable:
            return self.stamp
        stamp = self.stamp
        return AppendedIdentity(
            stamp.device,
            stamp.inode,
            stamp.size,
            stamp.mtime_ns,
            self.consumed,
            self.head,
            self.tail,
        )


@dataclass(frozen=True, slots=True)
class _Built:
    """A build's generations table and the (path, rows) of the files it was made of, in order."""

    generations: pl.DataFrame
    heights: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class FollowUpdate:
    """What one :meth:`Follower.poll` found."""

    follower: Follower
    new_generations: int
    """Generations new in the table with this update: lines appended, and the rows of a file
    read whole that are unlike every row that left the table (:class:`_Left`), so a file
    renamed, a run folder moved away and back or a file rewritten with the rows it had adds
    none, and a file read again whole counts what it gained."""
    notes: list[str]
    """What happened worth saying (a file rewritten and read again, a file gone)."""

    @property
    def result(self) -> LoadResult:
        """The follower's current result. Stats are rebuilt only when asked for (and once per
        change), so a caller that writes every few seconds pays for one rebuild per write."""
        return self.follower.result()


def _skipped_alike(whole: _Tracked, tracked: _Tracked) -> bool:
    """``whole`` (a file read again) is skipped as ``tracked`` was, for the same reason."""
    if tracked.reader is not None or whole.reader is not None:
        return False
    before, now = tracked.report, whole.report
    return (
        before is not None
        and now is not None
        and (before.skipped, before.companion) == (now.skipped, now.companion)
    )


def _hold_cut_line(tracked: _Tracked) -> list[LoadError]:
    """The error made of a last line with no newline (:data:`TRUNCATED_LAST_LINE`) in a file read
    whole, taken out of ``tracked.errors`` (``tracked.cut`` says it waits); the errors held.

    Only the readers of JSON lines name a line so, and only the line after the last newline
    (a JSON document cut short is another error, and stays one)."""
    if tracked.reader is None or tracked.reader.appendable:
        return []
    held = [e for e in tracked.errors if e.reason.startswith(TRUNCATED_LAST_LINE)]
    if held:
        tracked.errors = [e for e in tracked.errors if e not in held]
    tracked.cut = bool(held)
    return held


def _readable_again(tracked: _Tracked) -> bool:
    """``tracked`` could not be read when it was looked at (its permissions) and can be now: a
    ``chmod`` changes neither its size, its mtime nor its inode, so the file stayed 'cannot
    read: Permission denied' for good while a fresh read had its rows. One ``access`` call per
    unreadable file and look; a file read before costs nothing more."""
    report = tracked.report
    unreadable = (report is not None and (report.skipped or "").startswith("cannot read")) or any(
        e.line is None and e.reason.startswith("cannot read") for e in tracked.errors
    )
    return unreadable and os.access(tracked.item.path, os.R_OK)


#: A part of a file name that marks a temp file (``out.tmp.json``, ``results.json.part.json``).
_TEMP_PART = re.compile(r"[._-](?:tmp|temp|part|partial)(?:[._-]|$)")

#: A JSON-lines file's name (lines are appended to it: never held as a temp file).
_LINES = re.compile(r"\.jsonl(?:\.gz|\.zst)?$")

#: Files a new file is compared with byte for byte at most, to tell a copy (see
#: :meth:`Follower._copied_from`); the others are told apart by their first bytes or size.
COPY_CANDIDATES = 16


def _same_start(one: Path, other: Path, size: int, start: int = 0) -> bool:
    """``one`` and ``other`` hold the same bytes from ``start`` to ``size`` (read in 64 KiB
    steps, stopping at the first difference; False when either cannot be read)."""
    try:
        with one.open("rb") as a, other.open("rb") as b:
            a.seek(start)
            b.seek(start)
            position = start
            while position < size:
                step = min(1 << 16, size - position)
                chunk = a.read(step)
                if len(chunk) != step or b.read(step) != chunk:
                    return False
                position += step
    except OSError:
        return False
    return True


def _made_unreadable(tracked: _Tracked, before: int | None, ctime: int) -> bool:
    """``tracked``, a file read, had its inode changed alone (ctime moved, ``before`` to
    ``ctime``: a chmod, a chown, a rename) and cannot be read now. One ``access`` call per such
    change; none for a file whose ctime stayed."""
    return (
        before is not None
        and before != ctime
        and tracked.reader is not None
        and not os.access(tracked.item.path, os.R_OK)
    )


def _probe(path: Path, consumed: int) -> tuple[bytes, bytes]:
    """The first bytes of ``path`` and the bytes just before ``consumed``."""
    with path.open("rb") as handle:
        head = handle.read(min(_PROBE, consumed))
        start = max(0, consumed - _PROBE)
        handle.seek(start)
        tail = handle.read(consumed - start)
    return head, tail


#: A followed file's rows gain one chunk per poll that found lines; past this many, recent
#: chunks are joined (see :func:`_compacted`), so hours of following do not leave every later
#: operation on the table walking thousands of small chunks.
MAX_CHUNKS = 32


#: What tells one generation from another for "N new generations" (:class:`_Left`): its run
#: (as its reader labels it), prompt, sample number and extracted answer, and measures of its
#: text that stay when the text itself is not held (summarize --follow drops it; the app may
#: load rows from the cache without it): its characters, length in tokens, tail repeats, 4-gram
#: diversity, whether it states an answer. Not its score: a generation graded again is no new
#: generation.
CONTENT_KEY = (
    "run",
    "prompt_id",
    "sample",
    "extracted",
    "truncated",
    "gen_chars",
    "tail_repeats",
    "ngram_diversity",
    "has_answer",
    "gen_length",
)


#: Seconds of "N new generations in the last minute".
RECENT = 60.0


@dataclass(eq=False, slots=True)
class _Arrival:
    """One update's new generations (for "N new generations in the last minute"): ``n`` is
    how many of them are still on the table."""

    at: float
    """When they were read (monotonic seconds)."""
    n: int
    caught_up: bool = False
    """Read by the first look after following was turned on again (F): written while the
    inputs were not followed, not seen arriving. Said as "N caught up", not as new."""


def _count_of(keys: np.ndarray, within: np.ndarray) -> np.ndarray:
    """How many times each of ``keys`` is in ``within`` (sorted)."""
    return np.searchsorted(within, keys, side="right") - np.searchsorted(within, keys, side="left")


class _Left:
    """The content keys (:data:`CONTENT_KEY`, hashed) of rows that left the table and did not
    come back, as a multiset (one sorted array, a key once per row): a row read again (a file
    renamed, a run folder moved away and back, a file rewritten in place with the same rows)
    takes its key out and is not new. 8 bytes per row that left for good; only whole reads and
    removals touch it, never lines appended (they are new: the eval wrote them)."""

    __slots__ = ("keys",)

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.uint64)

    def add(self, keys: np.ndarray) -> None:
        if len(keys):
            keys = np.sort(keys)
            self.keys = np.insert(self.keys, np.searchsorted(self.keys, keys), keys)

    def take(self, keys: np.ndarray) -> np.ndarray:
        """Which of ``keys`` are not among those that left (a mask); those that are leave the
        set (each key takes one of its kind: a row read twice over one that left counts once;
        of equal keys, the first ones are those taken)."""
        new = np.ones(len(keys), dtype=bool)
        if not len(keys) or not len(self.keys):
            return new
        unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        start = np.searchsorted(self.keys, unique, side="left")
        stop = np.searchsorted(self.keys, unique, side="right")
        matched = np.minimum(counts, stop - start)
        if matched.any():
            which = matched > 0
            firsts, many = start[which], matched[which]
            # the first ``many`` of each matched key's run of equal keys
            offsets = np.arange(many.sum()) - np.repeat(np.cumsum(many) - many, many)
            self.keys = np.delete(self.keys, np.repeat(firsts, many) + offsets)
            # each key's rank among the equal keys before it: the first ``matched`` are old
            order = np.argsort(inverse, kind="stable")
            sorted_inverse = inverse[order]
            first_of = np.searchsorted(sorted_inverse, sorted_inverse, side="left")
            rank = np.empty(len(keys), dtype=np.int64)
            rank[order] = np.arange(len(keys)) - first_of
            new = rank >= matched[inverse]
        return new


class _Recent:
    """The rows that left the table within the last minute after they were counted as new
    generations: (their arrival, their content keys). A row that comes back (a file read again
    whole holding it: a rewrite that keeps it, a run folder moved away and back) is counted
    again with its arrival; one that does not stays out of "N new generations"."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left: list[tuple[_Arrival, np.ndarray]] = []

    def add(self, arrival: _Arrival, keys: np.ndarray) -> None:
        if len(keys):
            arrival.n -= len(keys)
            self.left.append((arrival, keys))

    def prune(self, cutoff: float) -> None:
        self.left = [(a, k) for a, k in self.left if a.at >= cutoff]

    def back(self, keys: np.ndarray, left: np.ndarray) -> list[tuple[_Arrival, np.ndarray]]:
        """Count again the rows of ``keys`` (rows that came back, each one of ``left``, the
        keys that left before they came back, sorted) that are recent ones: of a key that left
        several times, the old rows come back first. Each recent row's arrival and its place
        in ``keys``."""
        if not len(keys) or not self.left:
            return []
        unique, counts = np.unique(keys, return_counts=True)
        recent = np.sort(np.concatenate([k for _a, k in self.left]))
        olds = _count_of(unique, left) - _count_of(unique, recent)
        again = np.maximum(0, counts - olds)
        if not again.any():
            return []
        wanted = dict(zip(unique[again > 0].tolist(), again[again > 0].tolist(), strict=True))
        places: dict[int, list[int]] = {}
        candidates = np.flatnonzero(np.isin(keys, unique[again > 0]))
        for place, key in zip(candidates.tolist(), keys[candidates].tolist(), strict=True):
            places.setdefault(key, []).append(place)
        found: list[tuple[_Arrival, np.ndarray]] = []
        kept: list[tuple[_Arrival, np.ndarray]] = []
        for arrival, arrived in reversed(self.left):  # the latest arrivals come back first
            back = np.zeros(len(arrived), dtype=bool)
            rows: list[int] = []
            for k, key in enumerate(arrived.tolist()):
                if wanted.get(key, 0) > 0:
                    wanted[key] -= 1
                    back[k] = True
                    rows.append(places[key].pop())
            if rows:
                arrival.n += len(rows)
                found.append((arrival, np.array(rows, dtype=np.int64)))
            if not back.all():
                kept.append((arrival, arrived[~back]))
        self.left = kept[::-1]
        return found


def _run_labels(files: list[_Tracked]) -> dict[RunKey, str]:
    """:func:`~evaltui.data.runs.run_labels` of the followed files that gave rows (as a fresh
    load of them labels them)."""
    return run_labels([(t.run, t.item.source, t.prompts()) for t in files])


def numbered_samples(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` (generations of new prompts) with each row's ``sample`` that is not given
    numbered by its place among its prompt's rows (0, 1, …), as a fresh load numbers them. A few
    rows (a followed update's) are numbered from their values: the expression was a query of its
    own (~0.2-0.3 ms of CPU for 8 rows)."""
    if rows.height > _FEW_ROWS or rows.schema.get("sample") != pl.Int64():
        places = pl.int_range(pl.len()).over("run", "prompt_id").cast(pl.Int64)
        return rows.with_columns(pl.coalesce(pl.col("sample"), places).alias("sample"))
    seen: dict[tuple[object, ...], int] = {}
    samples = []
    given = rows.get_column("sample").to_list()
    for key, sample in zip(rows[["run", "prompt_id"]].iter_rows(), given, strict=True):
        place = seen.get(key, 0)
        seen[key] = place + 1
        samples.append(place if sample is None else sample)
    return set_columns(rows, pl.Series("sample", samples, dtype=pl.Int64()))


#: Up to this many rows, :func:`numbered_samples` numbers them in Python.
_FEW_ROWS = 256


def _compacted(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its last chunks joined into one when it has more than :data:`MAX_CHUNKS`:
    the last two, and every chunk before them no longer than what is being joined. Chunk sizes
    then shrink towards the end (a binary counter's way), so a row is copied a few times in
    all (about log2 of the rows), never once per poll."""
    if frame.n_chunks() <= MAX_CHUNKS:
        return frame
    lengths = [len(c) for c in frame.get_column(frame.columns[0]).get_chunks()]
    start = len(lengths) - 2
    tail = lengths[-1] + lengths[-2]
    while start > 0 and lengths[start - 1] <= tail:
        start -= 1
        tail += lengths[start]
    keep = sum(lengths[:start])
    return pl.concat([frame.slice(0, keep), frame.slice(keep).rechunk()], how="vertical")


def _covering(path: Path, identity: AppendedIdentity, offset: object) -> AppendedIdentity | None:
    """``identity`` grown to the end of the line that starts at ``offset`` (just after its
    newline, or the end of the file); None without an offset or when the file cannot be read."""
    if not isinstance(offset, int):
        return None
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            end = offset
            while chunk := handle.read(1 << 16):
                newline = chunk.find(b"\n")
                if newline >= 0:
                    end += newline + 1
                    break
                end += len(chunk)
        head, tail = _probe(path, end)
    except OSError:
        return None
    return dataclasses.replace(identity, consumed=end, head=head, tail=tail)


def _complete_lines(path: Path, start: int, size: int) -> tuple[int, int]:
    """``(end, newlines)``: the offset just after the last newline in ``path[start:size]``
    (``start`` when there is none) and how many newlines lie in ``path[start:end]``."""
    end = start
    newlines = 0
    chunk = 1 << 22
    with path.open("rb") as handle:
        handle.seek(start)
        position = start
        while position < size:
            data = handle.read(min(chunk, size - position))
            if not data:
                break
            count = data.count(b"\n")
            if count:
                newlines += count
                end = position + data.rfind(b"\n") + 1
            position += len(data)
    return end, newlines


class Follower:
    """Keeps a load up to date with its input files. Not thread-safe: one thread polls."""

    def __init__(
        self, paths: Sequence[str | os.PathLike[str]], options: LoadOptions | None = None
    ) -> None:
        self.paths = list(paths)
        self.options = options or LoadOptions()
        self.files: dict[Path, _Tracked] = {}
        self.order: list[Path] = []
        self.counter: LengthCounter | None = None
        """Counts new rows' tokens; made by :meth:`prepare` or on the first new row."""
        self._counting = threading.Lock()
        """Held while the counter is made and warmed: :meth:`prepare` may run on another thread
        than the polls."""
        self._warm = False
        self._recount = False
        """Set when the count path switched to tokenizers: every file is counted again."""
        self.counting = ""
        """How the first load counted (its result's ``counting``)."""
        self._checked: SelfCheck | None = None
        """The first load's self-check (its result's ``self_checked``): the counter for new rows
        takes it over."""
        self.notes: list[str] = []
        self.unreadable: list[tuple[str, str]] = []
        """Directories that could not be read at the last look: (source, reason), shown as skips."""
        self.tokenizer_name = "none"
        self.started = time.perf_counter()
        self.arrivals: deque[_Arrival] = deque()
        """The new generations of each update, for "N new in the last minute"."""
        self._recent = _Recent()
        """Recent new generations that left the table (they are not in "N new" while away)."""
        self._catching_up = False
        """The poll under way is a catch-up (:meth:`poll`'s ``catch_up``)."""
        self._left = _Left()
        """Rows that left the table (a file gone, renamed, read again): one read again is not
        new in "N new generations" (a renamed file counted all its rows as new)."""
        self.last_write: float | None = None
        """Wall-clock mtime of the newest change seen (seconds since the epoch)."""
        self._watch: Iterator[set[tuple[Any, str]]] | None = None
        self._events: set[Path] | None = None
        """Paths the watcher reported changed since the last poll; None when the next poll
        must look at every input (no watcher, or something other than a followed file
        changed): then it lists the directories and stats every file."""
        self._listed: list[Path] = []
        """The input files in the order the last directory listing found them."""
        self._looked = 0.0
        """When the last poll looked at every input (monotonic seconds)."""
        self._result: LoadResult | None = None
        """The result of the current state, once built (None after a change)."""
        self.live = LiveStats(self.options)
        """The Stats table, recomputed per update only where the update touched it."""
        self._added: list[pl.DataFrame] = []
        self._removed: list[pl.DataFrame] = []
        """Rows read and rows dropped since the last build (what the next build recomputes)."""
        self._full = True
        """Set when the next build must compute every prompt (the first, or after a recount)."""
        self._labels: dict[RunKey, str] = {}
        """The followed rows' labels where they are not their reader's (evaltui.data.runs: tags
        that tell separate runs of one label apart, model-named files of one folder): a new run
        that changes them relabels every file's rows."""
        self._dropped: set[Path] = set()
        """The files left out of the last build: their run is read from another file (a copy,
        a retry: :func:`~evaltui.data.loader.read_elsewhere`)."""
        self._built: _Built | None = None
        """The last build's generations table and the files it was made of."""
        self._told: dict[Path, str] = {}
        """The last thing following said of each file (rewritten, gone), one note per file in
        the result: a file rewritten every step piled up one note a time, and a file gone and
        back (its folder moved away and back) was still said to be gone."""
        self._settling = False
        """Set during a last look (``poll(last=True)``): no read is held as unsettled."""
        self._ctimes: dict[Path, int] = {}
        """Each input's ctime at the last look (see :func:`_made_unreadable`)."""
        self._unsettled: dict[Path, FileIdentity] = {}
        """Files whose whole read at this version found nothing usable where there were rows,
        not believed yet (:meth:`_unsettled_read`): a writer may be half way through them."""

    # --- the first, full load -------------------------------------------------------------

    def load(
        self,
        on_progress: ProgressCallback | None = None,
        cancelled: threading.Event | None = None,
        on_partial: PartialCallback | None = None,
        *,
        partial_interval: float = 1.0,
        stop_lengths: threading.Event | None = None,
        wait_for_files: bool = True,
        hold_cut: bool = True,
    ) -> LoadResult:
        """The full load, as :func:`~evaltui.data.loader.load`; later changes come from :meth:`poll`.

        ``wait_for_files``: an existing folder with no file to read yet loads as empty (the
        polls read the files when they appear); False fails then, as a load does (the app
        not following, where an empty folder is a mistake). ``hold_cut``: a last line with no
        newline waits for the next poll (:meth:`_held_back`); False (the app not following)
        returns it as the bad line a load calls it (the app said "its last line is still being
        written" of a crashed run's file, and counted a bad line fewer than ``summarize``).
        Either way the follower holds it: once followed, the line is read when it ends."""
        try:
            listed = {f.path: f for f in self._discover()}
        except LoadFailure:
            listed = {}
        before = {path: _stamp(path) for path in listed}
        # The inputs' last write is known from the start: following an eval that stopped
        # writing an hour ago said no more than "following · 0 new generations in the last
        # minute" until a file changed, as it says of one that wrote a second ago.
        written = [s.mtime_ns for s in before.values() if s is not None]
        self.last_write = _written(max(written)) if written else None
        result = load(
            self.paths,
            # a followed eval may have written no sample yet: later polls bring them
            dataclasses.replace(self.options, allow_empty=True, allow_no_file=wait_for_files),
            on_progress,
            cancelled,
            on_partial,
            partial_interval=partial_interval,
            stop_lengths=stop_lengths,
        )
        self.last_write = _newest_write(before, self.last_write)
        self.tokenizer_name, self.counting = result.tokenizer, result.counting
        self._checked = result.self_checked
        # A file's own notes (they start with its source, as the loader tells them) are kept
        # with the file: read again, they are its new read's; gone, they go with it.
        own = {r.source for r in result.files if r.path is not None and r.skipped is None}
        file_notes: dict[str, list[str]] = {}
        self.notes = []
        for note in result.notes:
            split = split_note(note, own)
            if split is not None:
                file_notes.setdefault(split[0], []).append(note)
            else:
                self.notes.append(note)
        generations = result.generations
        if result.numbered is not None and len(result.numbered) == generations.height:
            # Sample numbers as the readers gave them: the load's numbering of the others (a
            # prompt's rows in order across files) is made again by every build, so a file
            # read again or gone renumbers the prompt's rows in the files after it.
            generations = generations.with_columns(
                pl.when(result.numbered).then(None).otherwise(pl.col("sample")).alias("sample")
            )
        by_source: dict[str, pl.DataFrame] = {
            str(key[0]): frame
            for key, frame in generations.partition_by(
                "source", as_dict=True, maintain_order=True
            ).items()
        }
        errors: dict[str, list[LoadError]] = {}
        for error in result.errors:
            errors.setdefault(error.source, []).append(error)
        held: set[int] = set()  # the load's errors of lines after a file's last newline
        for report in result.files:
            if report.path is None:
                continue
            # As listed (a run folder given as a link keeps the name given: InputFile.renamed;
            # the PATH it was found under, whose --label names its runs: InputFile.given)
            found = listed.get(report.path)
            item = InputFile(
                report.path,
                report.source,
                0,
                renamed=None if found is None else found.renamed,
                given=0 if found is None else found.given,
            )
            stamp = before.get(report.path)
            if report.skipped is not None:
                self._track(_Tracked(item, None, stamp, empty_generations(), [], [], report))
                continue
            reader = get_reader(report.format or "plain")
            frame = by_source.get(report.source, empty_generations(with_lengths=True))
            tracked = _Tracked(
                item,
                reader,
                stamp,
                frame,
                errors.get(report.source, []),
                file_notes.get(report.source, []),
            )
            tracked.reducers = dict(report.reducers)
            tracked.run = run_identity(item, reader, self.options.read)
            # As the load read the rows (taken before it read them): a results file written
            # while it ran is a change the first look reads the rows again for. Taken now, it
            # was no change at all, and the rows kept their folder label or no score.
            tracked.beside = (
                report.companion_versions
                if report.companion_versions is not None
                else companion_versions(reader, report.path)
            )
            if stamp is not None and reader.appendable:
                # Keep only what lies before the snapshot's last newline: a partial last line,
                # or lines appended while the load ran, are read on the first poll.
                try:
                    end, newlines = _complete_lines(report.path, 0, stamp.size)
                    head, tail = _probe(report.path, end)
                except OSError:
                    # Gone (or unreadable) since the load read it: a run's file deleted while
                    # the load counted its tokens lost the whole load ("Could not load:
                    # FileNotFoundError"). Its rows stay as read; the first poll finds the file
                    # gone and says so, as of a file deleted later.
                    self._track(tracked)
                    continue
                tracked.consumed, tracked.next_line = end, newlines + 1
                tracked.frame = frame.filter(pl.col("offset") < end)
                waits = [
                    e for e in tracked.errors if e.line is not None and e.line >= tracked.next_line
                ]
                held.update(id(e) for e in waits)
                tracked.errors = [e for e in tracked.errors if id(e) not in held]
                tracked.head, tracked.tail = head, tail
            held.update(id(e) for e in _hold_cut_line(tracked))
            self._track(tracked)
        # The load's labels already carry these tags; later rows get the same.
        self._labels = _run_labels([t for t in self.files.values() if t.frame.height])
        self._seed(result)
        return self._versions(self._held_back(result, held) if hold_cut else result, by_source)

    def _versions(self, result: LoadResult, rows: dict[str, pl.DataFrame]) -> LoadResult:
        """``result`` with each followed line-based file's version as an append leaves it
        (:class:`AppendedIdentity`): its records are exported (and texts shown) while lines
        arrive after them, as a followed update's are; the load's own version was checked on
        size, so an export of the rows on screen was refused as soon as a line arrived.

        The version covers every row of ``result`` (``rows``, by source): up to the end of the
        line of its last record, past the follower's snapshot when lines were appended while
        the load ran, so a truncation before one of them is still a change."""
        files = []
        for report in result.files:
            tracked = self.files.get(report.path) if report.path is not None else None
            identity = tracked.identity() if tracked is not None else None
            if tracked is not None and isinstance(identity, AppendedIdentity):
                frame = rows.get(report.source)
                if frame is not None and frame.height > tracked.frame.height:
                    # rows the load read past the snapshot; unplaceable: the load's own version
                    last = frame.get_column("offset").max()
                    covering = _covering(tracked.item.path, identity, last)
                    identity = report.identity if covering is None else covering
                report = dataclasses.replace(report, identity=identity)
            files.append(report)
        return dataclasses.replace(result, files=files)

    def _held_back(self, result: LoadResult, held: set[int]) -> LoadResult:
        """``result`` as following sees it: a line the load called bad because it had no
        newline yet (or one appended during the load) is not an error but waits for the next
        poll, and its file says so in a note (as every later result of the follow does)."""
        errors = [e for e in result.errors if id(e) not in held]
        waiting = _waiting(self.files.values())
        if len(errors) == len(result.errors) and not waiting:
            return result
        counts: dict[str, int] = {}
        for error in errors:
            counts[error.source] = counts.get(error.source, 0) + 1
        files = [
            f if f.skipped is not None else dataclasses.replace(f, errors=counts.get(f.source, 0))
            for f in result.files
        ]
        return dataclasses.replace(result, errors=errors, files=files, notes=result.notes + waiting)

    def _seed(self, result: LoadResult) -> None:
        """Start the live stats from the load's when the followed rows are exactly its rows
        (none was held back as appended during the load), so the first update is partial."""
        tracked = [self.files[p] for p in self._ordered() if self.files[p].reader is not None]
        frames = [t.frame for t in tracked]
        if sum(f.height for f in frames) != result.generations.height or not frames:
            return
        sources = pl.concat([f.select("source", "line") for f in frames])
        if not sources.equals(result.generations.select("source", "line")):
            return
        self.live.options = self.options
        mixed = mixed_metric_runs(pl.concat(frames))
        self.live.seed(result.generations, result.stats, self._parts(tracked), mixed)
        self._full = False

    def _track(self, tracked: _Tracked) -> None:
        if tracked.item.path not in self.files:
            self.order.append(tracked.item.path)
        self.files[tracked.item.path] = tracked

    def _discover(self) -> list[InputFile]:
        unreadable: list[tuple[str, str]] = []
        try:
            found = discover(self.paths, self.options.pattern, known_extensions(), unreadable)
        except InputError as exc:
            raise LoadFailure(str(exc)) from None
        if unreadable != self.unreadable:
            self.unreadable = unreadable
            self._result = None  # the skipped list changed
        self._listed = [f.path for f in found]
        return found

    # --- later changes --------------------------------------------------------------------

    def wait(self, timeout: float, stop: threading.Event | None = None) -> bool:
        """Sleep until an input may have changed (file-system events when ``watchfiles`` can
        watch the inputs; otherwise polling) or ``timeout`` seconds pass, or ``stop`` is set.
        False when the watcher's heartbeat (1 s) passed with no event: nothing was written
        meanwhile; True otherwise (an event came, or polling: a look may find a change)."""
        deadline = time.monotonic() + timeout
        if self._watch is None:
            self._watch = self._watcher(stop)
        if self._watch is not None:
            try:
                changes = next(self._watch)
            except (StopIteration, RuntimeError, OSError):
                self._watch = None  # fall back to polling from now on
                self._events = None
            else:
                self._note_events(changes)
                return bool(changes)
        remaining = deadline - time.monotonic()
        if remaining > 0:
            if stop is not None:
                stop.wait(remaining)
            else:
                time.sleep(remaining)
        return True

    def handover(self) -> float:
        """Seconds :meth:`wait` takes to return on events already gathered (an input changed
        while the caller paused): the watcher's two looks; 0 without a watcher (polling: it
        returns at once when ``timeout`` is 0)."""
        return 2 * WATCH_STEP_MS / 1000 if self._watch is not None else 0.0

    def _note_events(self, changes: set[tuple[Any, str]]) -> None:
        """Remember which followed files the watcher saw change; anything else (a file added or
        deleted, a path not followed) makes the next poll look at every input."""
        paths = self._events
        if paths is None:
            return  # the next poll looks at every input anyway
        for change, where in changes:
            path = Path(where)
            tracked = self.files.get(path)
            if (
                getattr(change, "name", "") != "modified"
                or tracked is None
                or tracked.reader is None
            ):
                # A skipped file may be another's companion (lm-eval's results_*.json): the
                # files read with it are looked at too, in a look at every input.
                self._events = None
                return
            paths.add(path)

    def _watcher(self, stop: threading.Event | None) -> Iterator[set[tuple[Any, str]]] | None:
        if os.environ.get("EVALTUI_FOLLOW_POLLING"):
            return None
        try:
            import watchfiles
        except ImportError:
            return None
        roots = [Path(p).expanduser().resolve() for p in self.paths]
        watched = [str(p if p.is_dir() else p.parent) for p in roots if p.exists()]
        if not watched:
            return None
        # One event batch (or a 1 s heartbeat) per next(): polling still decides what changed.
        return iter(
            watchfiles.watch(
                *watched,
                stop_event=stop,
                rust_timeout=1000,
                yield_on_timeout=True,
                debounce=WATCH_STEP_MS,
                step=WATCH_STEP_MS,
                raise_interrupt=True,
            )
        )

    def poll(self, *, last: bool = False, catch_up: bool = False) -> FollowUpdate | None:
        """Look at the inputs again; a new result when anything changed, else None.

        After :meth:`wait` returned on file-system events that only modified followed files,
        only those files are looked at (no directory listing, no stat of the others); every
        :data:`FULL_LOOK` seconds, and after any other event or without a watcher, every input
        is listed and statted.

        ``last``: the last look before following stops (summarize --follow's last write):
        every input is looked at, since what changed after the last :meth:`wait` is not known
        from events (a line written just before Ctrl-C was missing from the last write), and
        what a file holds is believed, unsettled or not (no later look will settle it).

        ``catch_up``: the first look after following was turned on again (F), after a while
        not followed: what it reads was written meanwhile, not seen arriving, and is counted
        as caught up (:meth:`caught_up`), not in "N new generations in the last minute"."""
        self._catching_up = catch_up
        if catch_up:  # every input looked at: what changed while not followed is not known
            self._events = None
        events, self._events = self._events, None
        now = time.monotonic()
        self._settling = last
        # Files not believed yet (a temp file, a document half written) are looked at again
        # at the next poll, not within FULL_LOOK: no event may come for them.
        if (
            events is not None
            and now - self._looked < FULL_LOOK
            and not last
            and not self._unsettled
        ):
            self._events = set()  # the watcher keeps reporting into a fresh set
            return self._look([self.files[p].item for p in self.order if p in events], False)
        try:
            current = self._discover()
        except LoadFailure:
            current = []
        self._looked = now
        if self._watch is not None:
            self._events = set()
        return self._look(current, True)

    def _look(self, current: list[InputFile], everything: bool) -> FollowUpdate | None:
        """Compare ``current`` with what was read; with ``everything``, a followed file missing
        from ``current`` is gone."""
        notes: list[str] = []
        added = 0
        changed = False
        seen = set()
        # Rows that left the table and rows read whole in this look: a whole read's rows are
        # new only when unlike every row that left (in this look: a rename, a rewrite; or
        # before: a run folder moved away and back), however the files are named now.
        left: list[_Tracked] = []
        whole_reads: list[_Tracked] = []
        partial: list[_Tracked] = []
        """Files read whole holding part of a followed file (see :attr:`_Tracked.copy_counted`)."""
        pending: list[tuple[_Tracked, np.ndarray]] = []
        """The rows counted as new in this look: (their file, their rows)."""
        for item in current:
            seen.add(item.path)
            tracked = self.files.get(item.path)
            try:
                status = item.path.stat()
            except OSError:
                continue
            stamp = FileIdentity(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)
            # A chmod changes the inode's ctime alone: the one sign a file read before cannot
            # be read now (its rows stayed while a fresh read skipped it); see _made_unreadable.
            ctime, self._ctimes[item.path] = self._ctimes.get(item.path), status.st_ctime_ns
            # A file it is read with appeared or changed (an eval's results written at its end):
            # its rows are read again whole, quietly, as a whole-document format's are.
            beside = (
                tracked is not None
                and tracked.reader is not None
                and everything
                and companion_versions(tracked.reader, item.path) != tracked.beside
            )
            if beside and tracked is not None and tracked.reader is not None:
                self._companions_written(tracked.reader, item.path)
            if tracked is None and self._temporary(item.path, stamp):
                continue
            if (
                tracked is not None
                and tracked.stamp == stamp
                and not beside
                and not _readable_again(tracked)
                and not _made_unreadable(tracked, ctime, status.st_ctime_ns)
                and item.path not in self._unsettled  # held at the last look: settled now
                and not (self._settling and (_partial_line(tracked) or tracked.cut))
            ):
                continue
            if tracked is not None and not beside and self._appended(tracked):
                self.last_write = max(self.last_write or 0.0, _written(stamp.mtime_ns))
                changed = True
                new = self._read_appended(tracked, stamp)
                if new:  # the last rows of its frame
                    height = tracked.frame.height
                    pending.append((tracked, np.arange(height - new, height)))
                added += new
                continue
            # New, or read again whole (a companion changed, a rewrite, a format read whole:
            # a JSON document, an Inspect log, which is followed so: no note each time it
            # changes). Only its growth is new.
            whole = self._read_whole(item, stamp)
            if tracked is not None and _skipped_alike(whole, tracked):
                # Still skipped, for the same reason: nothing to show again, and no write of
                # an input (summarize --follow -o into the followed folder saw its own output
                # change after each write, so it wrote again every interval for ever, saying
                # "inputs last written 1 s ago").
                tracked.stamp = stamp
                continue
            if whole.reader is not None or (tracked is not None and tracked.reader is not None):
                # a file read (evaltui's own output or manifest beside the inputs is none)
                self.last_write = max(self.last_write or 0.0, _written(stamp.mtime_ns))
            if self._unsettled_read(whole, tracked):
                continue
            changed = True
            if tracked is not None:
                reader = tracked.reader
                rewritten = reader is not None and reader.appendable and tracked.stamp is not None
                if rewritten and not beside:
                    why = whole.report.skipped if whole.report is not None else None
                    notes.append(
                        f"{item.source}: {why}; its rows were removed"
                        if why is not None and why.startswith("cannot read")
                        else f"{item.source} was rewritten: read again"
                    )
                    self._told[item.path] = notes[-1]
                self._removed.append(tracked.frame)
            else:
                self._told.pop(item.path, None)  # back after it was gone: as if never gone
            if beside and tracked is not None and whole.frame.height >= tracked.frame.height:
                # Its rows again, labelled and scored by the results written beside them (their
                # run's label, their scores may change): only what the file gained is new. One
                # that lost rows (AISBench's working copy tmp/tmp_….jsonl, a companion once the
                # finished file is written) is a whole read like any: its rows that left take
                # their count with them (kept in place, they pointed past its rows, and the
                # follow stopped on an IndexError when the copy was deleted).
                height = self._keep(whole)
                grown = max(0, height - tracked.frame.height)
                whole.arrived = tracked.arrived  # the same rows, in the same places
                if grown:
                    pending.append((whole, np.arange(height - grown, height)))
                added += grown
                continue
            whole.copy_of = self._copied_from(whole, tracked)
            self._keep(whole)
            if whole.copy_of is not None:
                if self._holds_all(whole, whole.copy_of):
                    if tracked is not None:  # all of it now: a copy caught under way
                        self._take_back(tracked)
                    continue  # a copy of a followed file (cp of a run): nothing new, nothing left
                if tracked is None:
                    # Part of one: a copy under way, or an eval writing the same lines again
                    # (a greedy rerun's new generations, which were counted as none).
                    partial.append(whole)
                else:
                    whole.copy_of = None  # part of it again, grown as an eval writes: its own
            if tracked is not None:
                left.append(tracked)
            whole_reads.append(whole)
        for path in [p for p in self._unsettled if everything and p not in seen]:
            del self._unsettled[path]
        for path in [p for p in self.order if everything and p not in seen]:
            changed = True
            gone = self.files[path]
            if gone.reader is not None:
                # A skipped file gone leaves the skipped list quietly: OpenCompass deleting its
                # running tmp_<ds>.jsonl (a companion once its finished file is written) at the
                # end of every run said it was gone "its rows were removed", for the session.
                lost = ": its rows were removed" if gone.frame.height else ""
                notes.append(f"{gone.item.source} is gone{lost}")
                self._told[path] = notes[-1]
            else:
                self._told.pop(path, None)
            self._removed.append(self.files[path].frame)
            left.append(self.files[path])
            del self.files[path]
            self._ctimes.pop(path, None)
            self.order.remove(path)
        if self._recount:
            self._recount = False
            for path in list(self.order):
                tracked = self.files[path]
                again = _stamp(path)
                if tracked.reader is not None and again is not None:
                    self._read_new(tracked.item, again)
                    self.files[path].arrived = tracked.arrived  # counted again: the same rows
            changed = True
            self._full = True
        if not changed:
            return None
        counted: list[tuple[_Tracked, int]] = []
        now = time.monotonic()
        if left or whole_reads:
            self._recent.prune(now - RECENT)
            for t in left:  # its recent rows leave "N new generations" with it
                for arrival, rows in t.arrived:
                    if arrival.at >= now - RECENT:
                        self._recent.add(arrival, self._content_keys([t], rows))
                t.arrived = []
            self._left.add(self._content_keys(left))
            maybe_copies = {id(t) for t in partial}
            for t in [t for t in whole_reads if id(t) not in maybe_copies]:
                added += self._came(t, pending)
            for t in partial:  # each one's count, to take back if it shows itself a copy
                counted.append((t, self._came(t, pending)))
                added += counted[-1][1]
        entry = _Arrival(now, added, self._catching_up) if added else None
        if entry is not None:
            self.arrivals.append(entry)
            for t, rows in pending:
                t = self.files.get(t.item.path, t)  # read again whole by a recount since
                t.arrived = [(a, r) for a, r in t.arrived if a.at >= now - RECENT]
                t.arrived.append((entry, rows))
        for t, n in counted:
            t.copy_counted = (entry if n else None, n)
        self._result = None
        return FollowUpdate(self, added, notes)

    def _copied_from(self, whole: _Tracked, before: _Tracked | None) -> Path | None:
        """The followed file whose first bytes are all that ``whole`` (a file just read whole)
        holds, when it is a copy of one: ``cp`` of a run (or ``cp -r`` of its folder) into the
        followed folder counted every generation it copied as new in the last minute. A file
        that was a copy (``before``) is compared with the same file again only, a new one with
        the followed files of its format, told apart by their first bytes (known for
        line-based files) before at most :data:`COPY_CANDIDATES` are compared whole. A file
        holding only part of it may be an eval writing the same lines again (a greedy rerun):
        see :attr:`_Tracked.copy_counted`."""
        if whole.reader is None or whole.stamp is None or not whole.frame.height:
            return None
        path, reader = whole.item.path, whole.reader
        size = whole.consumed if reader.appendable else whole.stamp.size
        if before is not None:
            candidates = [before.copy_of] if before.copy_of is not None else []
        else:
            candidates = [
                p
                for p, t in self.files.items()
                if p != path and t.reader is not None and t.reader.name == reader.name
            ]
        if not candidates:
            return None
        try:
            with path.open("rb") as handle:
                head = handle.read(min(_PROBE, size))
        except OSError:
            return None
        compared = 0
        for other in candidates:
            # Its size as read is no filter: lines appended to it since are in the copy
            # when the copy comes first in this look (copy.jsonl before out.jsonl).
            tracked = self.files.get(other)
            if tracked is None:
                continue
            known = min(len(head), len(tracked.head))
            if head[:known] != tracked.head[:known]:
                continue  # its first bytes, known without a read, differ
            compared += 1
            if _same_start(path, other, size):
                return other
            if compared >= COPY_CANDIDATES:
                break
        return None

    def _holds_all(self, whole: _Tracked, source: Path) -> bool:
        """Whether ``whole`` (a file just read whole, :meth:`_copied_from` ``source``) holds all
        that was read of ``source``, as ``cp`` of it does, not only its first lines."""
        other = self.files.get(source)
        if other is None or other.reader is None or other.stamp is None:
            return True
        assert whole.reader is not None and whole.stamp is not None
        size = whole.consumed if whole.reader.appendable else whole.stamp.size
        return size >= (other.consumed if other.reader.appendable else other.stamp.size)

    def _came(self, tracked: _Tracked, pending: list[tuple[_Tracked, np.ndarray]]) -> int:
        """How many rows of ``tracked`` (just read whole) are new: unlike every row that left
        the table. Those are added to ``pending``; rows that left within the last minute after
        they were counted as new are counted again with their arrival."""
        keys = self._content_keys([tracked])
        before = self._left.keys
        new = self._left.take(keys)
        old = np.flatnonzero(~new)
        for arrival, places in self._recent.back(keys[old], before):
            tracked.arrived.append((arrival, old[places]))
        if new.any():
            pending.append((tracked, np.flatnonzero(new)))
        return int(new.sum())

    def _take_back(self, tracked: _Tracked) -> None:
        """Take the rows of a copy found under way (``tracked``) out of "N new generations"."""
        entry = tracked.copy_counted[0] if tracked.copy_counted is not None else None
        if entry is None:
            return
        # its rows still counted (those that left the table since are out of the count)
        entry.n -= sum(len(r) for a, r in tracked.arrived if a is entry)
        tracked.arrived = [(a, r) for a, r in tracked.arrived if a is not entry]

    def _content_keys(self, tracked: list[_Tracked], rows: np.ndarray | None = None) -> np.ndarray:
        """The :data:`CONTENT_KEY` hash of each row of ``tracked`` (of ``rows`` of the one
        file given with them), its run as its reader labels it (a tag the labels give it now
        comes and goes with the other runs followed)."""
        frames = []
        for t in tracked:
            frame = t.frame if rows is None else t.frame[rows]
            if not frame.height:
                continue  # a skipped file's empty frame lacks the measures
            if t.run is not None:
                label = self._labels.get(run_key(t.run, t.item.source))
                frame = retag(frame, t.run, label, None)
            frames.append(frame.select(CONTENT_KEY))
        if not frames:
            return np.empty(0, dtype=np.uint64)
        return pl.concat(frames, how="vertical").hash_rows().to_numpy()

    @staticmethod
    def _appended(tracked: _Tracked) -> bool:
        """True when the file only has lines added after what was read."""
        identity = tracked.identity()
        return isinstance(identity, AppendedIdentity) and not identity.changed(tracked.item.path)

    def _read_appended(self, tracked: _Tracked, stamp: FileIdentity) -> int:
        assert tracked.reader is not None
        path = tracked.item.path
        try:
            end, newlines = _complete_lines(path, tracked.consumed, stamp.size)
        except OSError:
            return 0
        tracked.stamp = stamp
        if self._settling and end < stamp.size:
            # The last look (summarize --follow's last write): a last line with no newline is
            # read as a fresh load reads it (a record, or a truncated last line), no later look
            # will see its newline. It waited, so the 'last, up-to-date file' lacked a record
            # a fresh summarize of the same files has (an eval writing '\n'.join(lines)).
            end = stamp.size
        if end == tracked.consumed:  # only a partial line so far
            return 0
        window = Window(tracked.consumed, tracked.next_line, end)
        before = tracked.head  # its first bytes as read so far (see the probe below)
        frame, errors, notes, reducers = self._read(tracked.item, tracked.reader, window)
        tracked.reducers |= reducers
        frame = self._labelled(frame, tracked)
        # As a read of the whole file tells them (each window's notes were added to the
        # others': "none of its 1 records has a score" once more on every poll).
        tracked.notes = merge_notes(
            tracked.notes, notes, had_rows=tracked.frame.height > 0, new_rows=frame.height > 0
        )
        earlier, tracked.frame = (
            tracked.frame,
            _compacted(pl.concat([tracked.frame, frame], how="vertical")),
        )
        tracked.grow_prompts(earlier, frame)
        self._added.append(frame)
        tracked.errors.extend(errors)
        start = tracked.consumed
        tracked.consumed, tracked.next_line = end, tracked.next_line + newlines
        new = frame.height
        if tracked.copy_of is not None:
            source = self.files.get(tracked.copy_of)
            same = _same_start(path, tracked.copy_of, end, start)
            if same and tracked.copy_counted is None:
                new = 0  # a copy still under way (cp writes in pieces): the source's lines
            elif same and source is not None and end >= source.consumed:
                # Grown at once to all of its source: a copy caught under way, not an eval
                # writing the same lines again; the rows counted when it was found are none.
                self._take_back(tracked)
                tracked.copy_counted = None
                new = 0
            else:
                # Written on its own since, or lines written one by one as an eval writes
                # them (the same lines, a greedy rerun): what comes is new.
                tracked.copy_of, tracked.copy_counted = None, None
        try:
            head, tail = _probe(path, end)
        except OSError:
            # Gone (or unreadable) since its lines were read: no probe bytes match any more, so
            # the next poll drops it, or reads it again whole if it is back (the follow worker
            # used to stop here on FileNotFoundError when a run's folder was deleted mid-poll).
            head, tail = b"", b"\0"
        if not head.startswith(before):
            # Its first bytes are not those read before: the file was deleted and made again
            # (its inode reused) while these lines were read, and the probe is of the new one.
            # Taken as it was, it matched the new file at the next look, whose bytes were then
            # read as lines appended to the old rows (3 rows kept for a file of 1 line). No
            # probe matches now: the next poll reads it again whole.
            head, tail = b"", b"\0"
        tracked.head, tracked.tail = head, tail
        return new

    def _read_new(self, item: InputFile, stamp: FileIdentity) -> int:
        """Read ``item`` whole (a new or rewritten file) and follow what was read; a partial
        last line waits. The number of rows read."""
        return self._keep(self._read_whole(item, stamp))

    def _keep(self, tracked: _Tracked) -> int:
        """Follow ``tracked`` (just read whole) from now on; the number of its rows."""
        self._unsettled.pop(tracked.item.path, None)
        self._track(tracked)
        self._added.append(tracked.frame)
        return tracked.frame.height

    def _temporary(self, path: Path, stamp: FileIdentity) -> bool:
        """True when ``path``, a new file, is named as the temp file a writer renames over its
        target (Python's ``tempfile``: ``tmpk3j2x9.json``; ``results.tmp.json``, ``x.part.eval``)
        and was not seen at this version at the last look: it is not read yet (remembered as
        unsettled). Not a JSON-lines name: an eval may append to ``tmp_out.jsonl`` without a
        pause for a look, and its lines would wait for one. Read at once, a save of a SkyThought or OpenCompass JSON caught between its
        write and its rename doubled the run's rows for a moment (in a summarize --follow
        write too), counted them all as new and then said the temp file was gone. One that
        stays is read at the next look, which comes at once (see :meth:`poll`)."""
        name = path.name.lower()
        if not (name.startswith("tmp") or _TEMP_PART.search(name)) or _LINES.search(name):
            return False
        if self._settling or self._unsettled.get(path) == stamp:
            return False
        self._unsettled[path] = stamp
        return True

    def _unsettled_read(self, tracked: _Tracked, before: _Tracked | None) -> bool:
        """True when ``tracked``, a whole read, found nothing usable (no row, and an error or a
        file no reader takes) where the file had rows, or in a new file, and the file has not
        been read so at this version before: it may be caught half written in place (a
        SkyThought or OpenCompass JSON written by ``json.dump`` into the file, a file just
        made). It is not believed yet (the file is remembered as unsettled at this version):
        the writer's next change reads it again, and if it stays so, the next look believes it.
        A whole document cut short took its run off the table (and a prompt screen open on it
        said it was no longer in the files) and was a bad line, listed for good by summarize
        --follow, for the moment the writer took."""
        unread = tracked.reader is None and not (tracked.report and tracked.report.companion)
        empty = tracked.frame.height == 0 and (bool(tracked.errors) or unread)
        if not empty or tracked.stamp is None or (before is not None and not before.frame.height):
            return False
        path = tracked.item.path
        if self._settling or self._unsettled.get(path) == tracked.stamp:
            return False  # the same version as at the last look: it is what the file holds
        self._unsettled[path] = tracked.stamp
        return True

    def _read_whole(self, item: InputFile, stamp: FileIdentity) -> _Tracked:
        """``item`` read whole (a new or rewritten file), not followed yet (:meth:`_keep`)."""
        # Every field kept but its size and version (a field listed by hand was dropped: the
        # PATH's place, which its --label goes by, had to be added here too).
        item = dataclasses.replace(item, size=stamp.size, identity=None)
        detection = detect(item.path, self.options.format, self.options.read, item.named)
        reader, reason, companion = detection.reader, detection.reason, detection.companion
        if reader is None:
            report = FileReport(item.source, None, item.path, skipped=reason, companion=companion)
            return _Tracked(item, None, stamp, empty_generations(), [], [], report)
        tracked = _Tracked(item, reader, stamp, empty_generations(with_lengths=True), [], [])
        tracked.beside = companion_versions(
            reader, item.path
        )  # before reading: a later change is seen
        window = None
        if reader.appendable:
            try:
                end, newlines = _complete_lines(item.path, 0, stamp.size)
                tracked.head, tracked.tail = _probe(item.path, end)
            except OSError:
                end, newlines = 0, 0
            tracked.consumed, tracked.next_line = end, newlines + 1
            # At the last look a last line with no newline is read as a fresh load reads it.
            window = Window(0, 1, stamp.size if self._settling else end)
        tracked.frame, tracked.errors, tracked.notes, tracked.reducers = self._read(
            item, reader, window
        )
        if not self._settling:
            _hold_cut_line(tracked)
        tracked.run = run_identity(item, reader, self.options.read)
        tracked.frame = self._labelled(tracked.frame, tracked)
        return tracked

    def _read(
        self, item: InputFile, reader: Reader, window: Window | None
    ) -> tuple[pl.DataFrame, list[LoadError], list[str], dict[str, str]]:
        """Read (a window of) one file and count its new generations' tokens."""
        read_options = dataclasses.replace(self.options.read, window=window)
        # (following says nothing of --metric: the load before it did)
        frame, errors, notes, reducers, _told = read_input(item, reader, read_options)
        lengths: np.ndarray | None = None
        if self.options.tokenize and frame.height:
            counter = self._counter()
            path = counter.path
            lengths = count_in_batches(
                counter,
                frame.get_column("gen"),
                batch_chars=self.options.batch_for(path),
                source=item.source,
            )
            if counter.path != path and counter.switched is not None:
                # The count-only path disagreed with tokenizers: every earlier count of this
                # session is suspect, so every file is read and counted again (see poll).
                self.notes.append(counter.switched)
                self._recount = True
        # Set from the columns (each ``with_columns`` was a query on every followed update).
        columns = [
            pl.Series("gen_length", lengths, dtype=pl.UInt32)
            if lengths is not None
            else nulls("gen_length", pl.UInt32(), frame.height)
        ]
        if not self.options.keep_text:
            columns.append(nulls("gen", pl.String(), frame.height))
        return set_columns(frame, *columns), errors, notes, reducers

    def prepare(self) -> None:
        """Make the counter for new rows now and count one text with it, from any thread (polls
        may run meanwhile: one that needs the counter waits for it). Made on the first new row,
        it held that row ~1-2 s after a load (the tokenizer and the count plan loaded, the
        count path's first call importing pyarrow), past the 1 s a written line may take to be
        on screen; a followed app calls this once its table is painted. A tokenizer that
        cannot be loaded is left for the poll that needs it to say so."""
        if not self.options.tokenize:
            return
        with self._counting:
            if self._warm:
                return
            try:
                counter = self._counter_made()
            except LoadFailure:
                return
            counter.count(pl.Series(["following: a first count"], dtype=pl.String))
            self._warm = True

    def _counter(self) -> LengthCounter:
        """The lengths counter for new rows (the count-only path while it agrees with HF)."""
        with self._counting:
            return self._counter_made()

    def _counter_made(self) -> LengthCounter:
        if self.counter is None:
            # As the first load does: the count plan from the cache when it holds one. One
            # thread, the follow thread itself: a poll brings a few hundred KB, where a second
            # counting thread saves little wall time and costs CPU (the hand-offs to a pool and
            # its threads' wake-ups), and following is meant to cost a small share of a core.
            single = dataclasses.replace(self.options, num_proc=1)
            # The cut in numpy and Arrow (less CPU per MB than the split; pyarrow's ~40 MB are
            # paid by a followed app only).
            counter = length_counter(None, single, self.options.open_cache(), arrow_cut=True)
            # The load's self-check of this tokenizer holds for these rows too: its first texts
            # are not checked again (~1 s of CPU at the start of a follow), only longer ones.
            counter.inherit(self._checked)
            self.counter = counter
            self._warm = True  # made for a count that comes now: no count to warm it with
        return self.counter

    def result(self) -> LoadResult:
        """The current state as one load result (files in discovery order); built once per change."""
        if self._result is None:
            self._result = self._build()
        return self._result

    def _labelled(self, frame: pl.DataFrame, tracked: _Tracked) -> pl.DataFrame:
        """New rows of ``tracked`` with the tag its run has in the labels now."""
        if tracked.run is None:
            return frame
        return retag(
            frame, tracked.run, None, self._labels.get(run_key(tracked.run, tracked.item.source))
        )

    def _retag(self, read: list[_Tracked], kept: list[_Tracked]) -> None:
        """Tell separate runs of one label apart as the files now followed require (a second
        run of a model arrived, or one went): each file whose tag changed is relabelled, and
        the stats are computed afresh (every prompt of those runs changed its key). The runs
        are those of ``kept`` (in the table); the files of ``read`` left out take their labels
        too, so that they are labelled as the table's when they come back."""
        labels = _run_labels([t for t in kept if t.frame.height])
        if labels == self._labels:
            return
        for t in read:
            if t.run is not None:
                key = run_key(t.run, t.item.source)
                earlier = t.frame
                t.frame = retag(earlier, t.run, self._labels.get(key), labels.get(key))
                t.retagged(earlier)
        self._labels = labels
        self._full = True

    def _mixed(self, read: list[_Tracked]) -> list[str]:
        """:func:`~evaltui.data.loader.mixed_metric_runs` of the followed rows; none without a
        single metric name (most followed evals), found without a query over every row."""
        if all(t.frame.get_column("metric").null_count() == t.frame.height for t in read):
            return []
        return mixed_metric_runs(pl.concat([t.frame for t in read])) if read else []

    def _generations(self, read: list[_Tracked], mixed: list[str]) -> pl.DataFrame:
        """Every followed row as one table (:func:`~evaltui.data.loader.finish_generations`).

        When the last build's files are still there in the same order with the same rows, but
        for lines appended to the last of them, and any new file comes after them, the new rows
        are numbered and put after the last build's table: no pass over every followed row. A
        row's sample number (when its reader gave none) is its place among its prompt's rows,
        all of which lie before it then: the prompt's row count in the Stats table."""
        previous, self._built = self._built, None
        stats = self.live.table
        heights = [(str(t.item.path), t.frame.height) for t in read]
        if (
            previous is not None
            and stats is not None
            and not self._full
            and not self._removed
            and mixed == self.live.mixed
            and previous.heights
            and heights[: len(previous.heights)][:-1] == previous.heights[:-1]
            and len(heights) >= len(previous.heights)
            and heights[len(previous.heights) - 1][0] == previous.heights[-1][0]
            and heights[len(previous.heights) - 1][1] >= previous.heights[-1][1]
        ):
            last = len(previous.heights) - 1
            new = [read[last].frame.slice(previous.heights[-1][1])]
            new += [t.frame for t in read[last + 1 :]]
            rows = split_mixed_metrics(pl.concat(new, how="vertical"), mixed)
            keys = ["run", "prompt_id"]
            place = pl.int_range(pl.len()).over(keys).cast(pl.Int64)
            known = self.live.known(rows)
            if known:
                # the prompts' rows so far (their row counts), looked for among the last rows
                before = self.live.rows_of(known).select(
                    *keys, pl.col("count").cast(pl.Int64).alias("_before")
                )
                numbered = (
                    rows.lazy()
                    .join(before.lazy(), on=keys, how="left", maintain_order="left")
                    .with_columns(
                        pl.coalesce(pl.col("sample"), pl.col("_before").fill_null(0) + place).alias(
                            "sample"
                        )
                    )
                    .drop("_before")
                    .collect(engine="in-memory")
                )
            else:  # new prompts only (an eval writing whole prompts): no look at the others
                numbered = numbered_samples(rows)
            generations = _compacted(pl.concat([previous.generations, numbered], how="vertical"))
        else:
            generations = finish_generations([t.frame for t in read], mixed)
        self._built = _Built(generations, heights)
        return generations

    def _build(self) -> LoadResult:
        tracked = [self.files[p] for p in self._ordered()]
        read = [t for t in tracked if t.reader is not None]
        # Files whose run another file holds (a copy, a log and its retry in another folder,
        # either arriving while followed) are left out while it is there, as a load drops them:
        # both were in the table, their samples counted twice.
        drops = {
            read[i].item.path: why
            for i, why in read_elsewhere(
                [
                    (t.reader.name if t.reader else "", t.run, t.frame.height, t.item.source)
                    for t in read
                ]
            ).items()
        }
        if drops.keys() != self._dropped:
            self._full = True  # a file's rows left out, or back
        elif drops:  # what changed in a file left out stays out
            out = {self.files[path].item.source for path in drops}
            self._added = [f for f in self._added if not _from(f, out)]
            self._removed = [f for f in self._removed if not _from(f, out)]
        self._dropped = set(drops)
        kept = [t for t in read if t.item.path not in drops]
        self._retag(read, kept)
        mixed = self._mixed(kept)
        generations = self._generations(kept, mixed)
        self.live.options = self.options
        if self._full:
            stats = self.live.rebuild(generations, self._parts(kept), mixed)
        else:
            stats = self.live.update(
                generations, self._parts(kept), mixed, self._added, self._removed
            )
        self._added, self._removed, self._full = [], [], False
        files = [FileReport(where, None, skipped=why) for where, why in self.unreadable] + [
            t.report
            if t.report is not None
            else FileReport(
                t.item.source,
                t.reader.name if t.reader else None,
                t.item.path,
                0 if t.item.path in drops else t.frame.height,
                0 if t.item.path in drops else len(t.errors),
                identity=t.identity(),
                reducers=t.reducers,
            )
            for t in tracked
        ]
        errors = [e for t in tracked if t.item.path not in drops for e in t.errors]
        notes = (
            self.notes
            + list(self._told.values())
            + [n for t in tracked if t.item.path not in drops for n in t.notes]
            + [f"{self.files[path].item.source}: {why}" for path, why in drops.items()]
            + _waiting(tracked)
        )
        return LoadResult(
            generations,
            stats,
            errors,
            files,
            notes,
            self.tokenizer_name,
            0,
            time.perf_counter() - self.started,
            True,
            triage=self.options.triage_thresholds(),
            counting=self._counting_words(),
        )

    def _counting_words(self) -> str:
        """How the lengths were counted, as a fresh load of the files says it when the new
        lines were counted the load's way: the count-only path that took over the load's
        self-check (its checked texts are the load's and the new lines'), or ``tokenizers`` for
        the load's reason. After followed lines the summary's last line read "tiktoken
        (self-checked … on 40 texts); followed lines: tiktoken (… on 72 texts)", a line more
        than a fresh open's "tiktoken (… on 72 texts)"."""
        if self.counter is None:
            return self.counting
        now = self.counter.describe()
        loaded = now
        verdict = self.counter.verdict()
        if (
            self._checked is not None
            and verdict is not None
            and verdict.fingerprint == self._checked.fingerprint
        ):
            loaded = checked_words(self._checked.checked)
        if self.counting == loaded or self.counting.startswith(f"{loaded}; "):
            return now + self.counting[len(loaded) :]
        return "; ".join(part for part in (self.counting, f"followed lines: {now}") if part)

    @staticmethod
    def _parts(tracked: list[_Tracked]) -> list[Part]:
        return [Part(str(t.item.path), t.frame.height) for t in tracked]

    def _companions_written(self, reader: Reader, path: Path) -> None:
        """The inputs' last write takes a companion's (an eval's results file written at its
        end beside its samples), as the load's does: it was left out while following, so the
        line said 'last write 14 s ago' over the results written a moment before."""
        try:
            companions = list(reader.companions(path))
        except OSError:
            return
        for companion in companions:
            try:
                mtime = companion.stat().st_mtime_ns
            except OSError:
                continue
            self.last_write = max(self.last_write or 0.0, _written(mtime))

    def _ordered(self) -> list[Path]:
        """Tracked files in the order a fresh load lists them (as of the last directory listing:
        a poll that looked only at followed files found no new one)."""
        rank = {p: i for i, p in enumerate(self._listed)}
        return sorted(self.order, key=lambda p: rank.get(p, len(rank)))

    # --- activity, for a status line ------------------------------------------------------

    def recent(self, seconds: float = 60.0) -> int:
        """Generations that arrived in the last ``seconds`` (not those caught up)."""
        return sum(a.n for a in self._arrivals_since(seconds) if not a.caught_up)

    def caught_up(self, seconds: float = 60.0) -> int:
        """Generations read in the last ``seconds`` by the look that caught up on what was
        written while the inputs were not followed (:meth:`poll`'s ``catch_up``)."""
        return sum(a.n for a in self._arrivals_since(seconds) if a.caught_up)

    def _arrivals_since(self, seconds: float) -> deque[_Arrival]:
        cutoff = time.monotonic() - seconds
        while self.arrivals and self.arrivals[0].at < cutoff:
            self.arrivals.popleft()
        return self.arrivals

    def waiting(self) -> str | None:
        """``waiting for files to appear in out/``: while no followed file is read (an eval
        followed before it wrote its first file, or one whose files are all of no known kind
        yet); None once one is. The folder names are shown safely on one line."""
        if self._reading():
            return None
        return self._waiting(40)

    def _waiting(self, cells: int, short: bool = False) -> str:
        """What following waits for, the names cut to ``cells``: files in the followed folders,
        or a followed path gone (deleted or moved away while followed; one missing at the start
        is an error) to be there again. With the folder deleted, the line said 'waiting for
        files to appear in /data/out', as of an empty folder there."""
        gone = [p for p in self.paths if not os.path.exists(p)]
        there = [p for p in self.paths if p not in gone]
        names = ", ".join(one_line_middle(os.fspath(p), cells) for p in gone)
        is_ = "is" if len(gone) == 1 else "are"
        if not there:
            it = "it" if len(gone) == 1 else "them"
            return (
                f"{names} {is_} gone"
                if short
                else f"{names} {is_} gone: waiting for {it} to appear again"
            )
        folders = ", ".join(one_line_middle(os.fspath(p), cells) for p in there)
        waiting = (
            f"waiting for files in {folders}"
            if short
            else f"waiting for files to appear in {folders}"
        )
        if gone:
            waiting += f" ({names} gone)" if short else f" ({names} {is_} gone)"
        return waiting

    def _reading(self) -> bool:
        """A followed file is read (no longer waiting for files)."""
        return any(t.reader is not None for t in self.files.values())

    def status(self, *, last_write: str = "last write") -> str:
        """``following · N new generations in the last minute · last write 3 s ago``
        (``last_write``: what to call the inputs' last write); ``following · waiting for files
        to appear in out/`` while there is no file to read yet."""
        return self.status_wordings(last_write=last_write)[0]

    def status_wordings(self, *, last_write: str = "last write") -> tuple[str, ...]:
        """:meth:`status` and its shorter wordings, longest first, for a line of any width
        (the app shows the first that fits): the arrivals per minute shortened, then left out,
        the last write kept longest (it tells whether the eval still writes); while waiting for
        files, the folder names cut further, then left out."""
        if not self._reading():
            gone = all(not os.path.exists(p) for p in self.paths)
            return (
                f"following · {self._waiting(40)}",
                f"following · {self._waiting(24)}",
                f"following · {self._waiting(20, short=True)}",
                self._waiting(16, short=True),
                ("following · input gone" if len(self.paths) == 1 else "following · inputs gone")
                if gone
                else "following · waiting for files",
            )
        recent = self.recent()
        # Read on following again (F), written meanwhile: they were not seen arriving (they
        # counted as new in the last minute, 1,200 of them after an hour not followed).
        caught = self.caught_up()
        also = f" · {caught:,} caught up" if caught else ""
        arrivals = (
            f"following · {plural(recent, 'new generation')} in the last minute{also}",
            f"following · {recent:,} new/min{also}",
            *((f"following · {recent:,} new/min",) if caught else ()),
        )
        if self.last_write is None:
            return (*arrivals, "following")
        wrote = f"{last_write} {_ago(max(0.0, time.time() - self.last_write))} ago"
        return (
            *(f"{a} · {wrote}" for a in arrivals),
            f"following · {wrote}",
            wrote,
        )


def _from(frame: pl.DataFrame, sources: set[str]) -> bool:
    """Whether ``frame`` (rows of one file) holds rows of one of ``sources``."""
    return bool(frame.height) and frame.get_column("source")[0] in sources


def _partial_line(tracked: _Tracked) -> bool:
    """A followed JSON-lines file whose last line has no newline yet (it waits for one)."""
    return (
        tracked.reader is not None
        and tracked.reader.appendable
        and tracked.stamp is not None
        and tracked.stamp.size > tracked.consumed
    )


#: How the note of a followed file whose last line waits for its newline ends (:func:`_waiting`).
WAITING_NOTE = "its last line is still being written (read once it ends)"


def _waiting(tracked: Iterable[_Tracked]) -> list[str]:
    """A note for each followed file whose last line has no newline yet (it is read once it
    ends; a fresh load would call it a truncated last line)."""
    return [
        f"{t.item.source}: {WAITING_NOTE}"
        for t in tracked
        if t.reader is not None
        and (t.cut or (t.reader.appendable and t.stamp is not None and t.stamp.size > t.consumed))
    ]


def _written(mtime_ns: int) -> float:
    """A file's last write (seconds since the epoch) as the status line counts it: never
    later than now. A file server whose clock runs ahead stamps writes in the future, and the
    line said "last write 0 s ago" until the local clock caught up (an hour ahead: an eval
    that had stopped looked still writing for an hour)."""
    return min(mtime_ns / 1e9, time.time())


def _newest_write(paths: Iterable[Path], known: float | None) -> float | None:
    """The newest of ``known`` and ``paths``' writes now: a load reads for a while after its
    stamps, and the eval writes on meanwhile (what it wrote is read at the next look). Taken
    from the stamps alone, the first result's line (summarize --follow's first) said "inputs
    last written 9 s ago" after a 9 s load of an eval that wrote every second."""
    written = [s.mtime_ns for p in paths if (s := _stamp(p)) is not None]
    return max([known or 0.0, _written(max(written))]) if written else known


def _ago(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def follow_forever(
    follower: Follower,
    on_update: Callable[[FollowUpdate], object],
    stop: threading.Event,
    *,
    interval: float = 1.0,
) -> None:
    """Poll ``follower`` until ``stop`` is set, calling ``on_update`` for every change."""
    while not stop.is_set():
        follower.wait(interval, stop)
        if stop.is_set():
            return
        update = follower.poll()
        if update is not None:
            on_update(update)

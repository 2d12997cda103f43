"""The Stats table of a load that keeps growing (following): only what an update touched is
computed again.

A prompt's row depends on its own generations and on run-level values only: each run's score kind
(kind, metric, direction, threshold), each run's longest generation (triage's length cap), and the
largest scored count over all prompts (which pass@k columns exist, maj@n's name). :class:`LiveStats`
keeps each run's summary (``metrics.run_score_summaries``), merges the new rows' summaries into it,
and on each update recomputes, from the current generations:

- the prompts that gained or lost rows;
- every prompt of a run whose run-level values changed (a new longest generation, a score that
  is no longer 0/1, a new metric name);
- everything, when the run labels themselves change (``loader.split_mixed_metrics`` splits a run
  once a second metric appears).

A changed largest count adds (or drops) pass@k columns: untouched prompts get them from their own
counts, and maj@n is renamed. Rows stay in order of first appearance: each row remembers the file
and the position in it of its prompt's first generation. The result equals, column for column
and row for row, the Stats table a fresh load of the same generations computes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from evaltui.data import metrics
from evaltui.data.loader import (
    LoadOptions,
    compute_stats,
    finish_stats,
    split_mixed_metrics,
    stats_frame,
)
from evaltui.data.sampling import ks_for, maj_name, pass_columns
from evaltui.data.schema import empty_generations, set_columns
from evaltui.data.triage import cap_reference

KEYS = ["run", "prompt_id"]
_FILE, _POS, _ROW = "_live_file", "_live_pos", "_live_row"
"""Hidden columns: the file index and the position in it of a prompt's first generation; the
row index of a generation in the whole table."""
_PASS = re.compile(r"pass@(\d+)")
_MAX_CHUNKS = 32
"""The table gains a chunk per update of new prompts; past this many it is made one again."""


@dataclass(frozen=True, slots=True)
class Part:
    """One file's share of the generations table, in table order."""

    key: str
    """What identifies the file across updates (its path)."""
    rows: int


def _signature(kind: metrics.ScoreKind) -> tuple[object, ...]:
    """What of a run's score kind the per-prompt rows show or use."""
    return (kind.kind, kind.metric, kind.higher_is_better, kind.threshold)


class LiveStats:
    """The Stats table of a generations table that grows, kept up to date per update.

    ``rebuild`` computes it from scratch; ``update`` is told which rows were added and removed
    since the last build (each file's new lines, a file read again whole) and recomputes only
    what those rows touch. Not thread-safe.
    """

    def __init__(self, options: LoadOptions) -> None:
        self.options = options
        self.table: pl.DataFrame | None = None
        """The Stats table with the hidden position columns (None before the first build)."""
        self.summaries = metrics.run_score_summaries(empty_generations(with_lengths=True))
        """Each run's score summary and longest generation."""
        self.kinds: dict[str, metrics.ScoreKind] = {}
        self.max_n = 0
        self.mixed: list[str] = []
        """The runs split by metric (``loader.mixed_metric_runs``) at the last build."""
        self.file_ids: dict[str, int] = {}
        """A number per file key, for the position columns."""
        self.rebuilds = 0
        """Builds from scratch so far (the others were partial)."""
        self.recomputed = 0
        """Prompts the last build computed."""
        self.appended = 0
        """Updates whose rows were all new prompts' after the table's rows (computed from the
        new rows alone: no pass over the others, no sort)."""
        self.grown = 0
        """Updates whose new rows (after the table's rows) added lines to prompts among the
        table's last rows: those prompts and the new ones were computed from the rows after
        the first of them alone, and only the table's rows from there on were put in order."""
        self.parts: list[Part] = []
        """The files the table's rows came from at the last build."""
        self.keys: set[tuple[str, str]] | None = None
        """The table's prompts (made when first needed)."""

    def stats(self) -> pl.DataFrame:
        """The current Stats table (empty before the first build)."""
        if self.table is None:
            return metrics.empty_stats()
        # In place on a copy (which shares the columns): ``drop`` is a query (~0.5-0.8 ms of
        # CPU on every followed update, whatever its rows).
        stats = self.table.clone()
        stats.drop_in_place(_FILE)
        stats.drop_in_place(_POS)
        return stats

    def rebuild(
        self, generations: pl.DataFrame, parts: Sequence[Part], mixed: list[str]
    ) -> pl.DataFrame:
        """The Stats table of ``generations`` (whose rows are ``parts``' rows, in order)."""
        self.rebuilds += 1
        self.mixed = list(mixed)
        self.summaries = metrics.run_score_summaries(generations)
        self.kinds = metrics.kinds_from_summaries(self.summaries, self.options.correct_threshold)
        stats = compute_stats(generations, self.options, kinds=self.kinds)
        self.max_n = _max(stats["n_scored"])
        firsts = _first_rows(generations.with_row_index(_ROW))
        self.table = self._with_positions(stats, firsts, parts)
        self.parts, self.keys = list(parts), None
        self.recomputed = stats.height
        return self.stats()

    def seed(
        self,
        generations: pl.DataFrame,
        stats: pl.DataFrame,
        parts: Sequence[Part],
        mixed: list[str],
    ) -> None:
        """Start from a load's ``stats`` of ``generations`` (computed by ``compute_stats``)."""
        self.mixed = list(mixed)
        self.summaries = metrics.run_score_summaries(generations)
        self.kinds = metrics.kinds_from_summaries(self.summaries, self.options.correct_threshold)
        self.max_n = _max(stats["n_scored"])
        firsts = _first_rows(generations.with_row_index(_ROW))
        self.table = self._with_positions(stats, firsts, parts)
        self.parts, self.keys = list(parts), None

    def update(
        self,
        generations: pl.DataFrame,
        parts: Sequence[Part],
        mixed: list[str],
        added: Sequence[pl.DataFrame],
        removed: Sequence[pl.DataFrame],
    ) -> pl.DataFrame:
        """The Stats table of ``generations`` (whose rows are ``parts``' rows, in order) after
        ``added`` rows came in and ``removed`` rows went away since the last build (each a
        file's frame as read, before run labels; a row of a file's first version counts as
        removed even when that version was never built)."""
        table = self.table
        if table is None or table.height == 0 or list(mixed) != self.mixed:
            return self.rebuild(generations, parts, mixed)
        # Every new row after the last build's rows (lines appended to its last file, files
        # after it): they are the table's last rows, in the order a fresh load has them.
        start = None if removed else _tail_start(self.parts, parts)
        new_rows = generations.slice(start) if start is not None else _labelled(added, mixed)
        gone_rows = _labelled(removed, mixed)

        # Run-level values: merged from the new rows' summaries; runs that lost rows, or that
        # gained rows lying before old ones and name several metrics (the names are listed in
        # the order the whole run first gives them), summarised from their rows.
        old = self.summaries
        merged = metrics.grown_run_summaries(old, new_rows)
        redo = set(gone_rows["run"].unique().to_list()) if gone_rows.height else set()
        if start is None:
            grown = set(new_rows["run"].unique().to_list())
            for run, names in merged.select("run", "metrics").rows():
                if run in grown and len(names) > 1:
                    redo.add(run)
        if redo:
            runs = sorted(redo)
            fresh = metrics.run_score_summaries(generations.filter(pl.col("run").is_in(runs)))
            merged = pl.concat([merged.filter(~pl.col("run").is_in(runs)), fresh])
        kinds = metrics.kinds_from_summaries(merged, self.options.correct_threshold)
        # Each run's length cap reference (triage.cap_reference): its longest generation, or 0
        # while none states an answer and none piles up at it; a change (the first answer
        # stated) makes every prompt of the run be computed again. The lengths are read only
        # for runs that state no answer.
        margin = self.options.triage_thresholds().cap_margin
        built: pl.DataFrame = table
        old_max = _cap_references(old, lambda run: _table_lengths(built, run), margin)
        run_max = _cap_references(merged, lambda run: _prompt_longest(generations, run), margin)
        # A run whose score kind changed: every prompt of it. A run whose longest generation
        # grew from a length the cap applied at (triage's min_cap): only its prompts with a cut
        # generation (a generation flagged against the old length stays flagged or is no
        # longer; none gets flagged). Grown past min_cap, every prompt: some may now be cut.
        min_cap = max(self.options.triage_thresholds().min_cap, 1)
        changed: list[str] = []
        longer: list[str] = []
        for run, kind in kinds.items():
            if run not in self.kinds:
                continue
            before, now = old_max[run], run_max[run]
            if _signature(kind) != _signature(self.kinds[run]):
                changed.append(run)
            elif before != now:
                grew = before is not None and now is not None and min_cap <= before < now
                (longer if grew else changed).append(run)
        others = (
            table.filter(
                pl.col("run").is_in(changed)
                | (pl.col("run").is_in(longer) & (pl.col("n_length_cap") > 0))
            ).select(KEYS)
            if changed or longer
            else None
        )
        if start is not None and (others is None or others.height == 0):
            fresh_stats = self._tail_update(generations, new_rows, start, parts, kinds, run_max)
            if fresh_stats is not None:
                self.summaries, self.kinds, self.parts = merged, kinds, list(parts)
                return fresh_stats

        # The prompts to compute again: those that gained or lost rows, and every prompt of a
        # run whose run-level values changed.
        touched = pl.concat(
            [new_rows.select(KEYS), gone_rows.select(KEYS)]
            + ([others] if others is not None else [])
        ).unique(maintain_order=True)
        keep = table.join(touched, on=KEYS, how="anti", maintain_order="left")
        # A filter, not a semi join: polars' semi join of 80,000 rows with a few keys took up to
        # 0.8 s for some key sets (the filter takes a few ms every time).
        wanted = touched.select(pl.struct(KEYS).alias("key")).get_column("key").implode()
        rows = generations.with_row_index(_ROW).filter(pl.struct(KEYS).is_in(wanted))
        firsts = _first_rows(rows)
        max_n = max(_max(keep["n_scored"]), _max(firsts["_scored"]))
        keep = _with_max_n(keep, self.max_n, max_n)
        if rows.height:
            stats = compute_stats(
                rows.drop(_ROW), self.options, kinds=kinds, max_n=max_n, run_max=run_max
            )
            recomputed = self._with_positions(stats, firsts, parts).select(keep.columns)
            table = pl.concat([keep, recomputed])
        else:
            table = keep
        table = table.sort(self._order(parts))
        self.table, self.summaries, self.kinds, self.max_n = table, merged, kinds, max_n
        self.parts = list(parts)
        if self.keys is not None:  # the touched prompts that still have rows stay
            self.keys.difference_update(touched.iter_rows())
            self.keys.update(firsts.select(KEYS).iter_rows())
        self.recomputed = firsts.height
        return self.stats()

    def _tail_update(
        self,
        generations: pl.DataFrame,
        rows: pl.DataFrame,
        start: int,
        parts: Sequence[Part],
        kinds: dict[str, metrics.ScoreKind],
        run_max: dict[str, int | None],
    ) -> pl.DataFrame | None:
        """The update when ``rows`` (``generations``' rows from ``start`` on, all new) are of
        new prompts and of prompts among the table's last rows (an eval's lines of one prompt
        cut by a poll, or written as its samples finish): only the prompts from the first such
        row of the table on are looked at (their generations lie after that prompt's first
        row), the grown and new ones computed from their rows alone. None when a grown prompt
        lies further back than the rows looked at (:data:`TAIL_ROWS`): the general path."""
        table = self.table
        assert table is not None
        firsts = _first_rows(rows.with_row_index(_ROW, offset=start))
        known = self._keys()
        keys = firsts[KEYS].rows()
        grown = {key for key in keys if key in known}
        cut = table.height
        if grown:
            found = _first_of(table, grown)
            if found is None:
                return None
            cut = found
            # Every row of a grown prompt lies at or after its first one: the generations from
            # the first grown prompt's first row on hold them all (and the new prompts').
            begin = self._starts(parts)[int(table.get_column(_FILE)[cut])] + int(
                table.get_column(_POS)[cut]
            )
            wanted = firsts.select(pl.struct(KEYS).alias("key")).get_column("key").implode()
            rows = (
                generations.slice(begin)
                .with_row_index(_ROW, offset=begin)
                .filter(pl.struct(KEYS).is_in(wanted))
            )
            firsts = _first_rows(rows)
            rows = rows.drop(_ROW)
        max_n = max(self.max_n, _max(firsts["_scored"]))
        head = _with_max_n(table.slice(0, cut), self.max_n, max_n)
        if rows.height:
            # Rows in the order of their prompts' first rows, as ``firsts``.
            stats = finish_stats(stats_frame(rows, self.options, kinds, run_max), max_n)
            index = firsts[_ROW].to_numpy().astype(np.int64)
            # A pick of the columns, not a ``select`` (a query: ~0.1-0.25 ms of each update).
            stats = self._at(stats, index, parts)[head.columns]
            if grown:
                kept = _with_max_n(table.slice(cut), self.max_n, max_n).join(
                    firsts.select(KEYS), on=KEYS, how="anti", maintain_order="left"
                )
                tail = pl.concat([kept, stats], how="vertical")
                stats = tail.sort(self._order(parts), maintain_order=True)
            table = pl.concat([head, stats], how="vertical")
            if table.n_chunks() > _MAX_CHUNKS:
                table = table.rechunk()
        else:
            table = head
        self._keys().update(keys)
        self.table, self.max_n = table, max_n
        self.recomputed = firsts.height
        if grown:
            self.grown += 1
        else:
            self.appended += 1
        return self.stats()

    def has_any(self, rows: pl.DataFrame) -> bool:
        """Whether some of ``rows`` (generations) is of a prompt the table has."""
        return bool(self.known(rows))

    def known(self, rows: pl.DataFrame) -> set[tuple[str, str]]:
        """The prompts of ``rows`` (generations) that the table has."""
        known = self._keys() if self.table is not None else set()
        return {key for key in rows[KEYS].iter_rows() if key in known}

    def rows_of(self, keys: set[tuple[str, str]]) -> pl.DataFrame:
        """Rows of the table (with the hidden columns) holding those of ``keys`` (prompts it
        has): its rows from the first of them on when they lie among its last rows (an eval's
        lines of its last prompts), else every row."""
        assert self.table is not None
        cut = _first_of(self.table, keys) if keys else None
        return self.table if cut is None else self.table.slice(cut)

    def _keys(self) -> set[tuple[str, str]]:
        """The prompts of the table, as (run, prompt_id)."""
        if self.keys is None:
            assert self.table is not None
            self.keys = set(self.table.select(KEYS).rows())
        return self.keys

    # --- row positions --------------------------------------------------------------------

    def _file_id(self, key: str) -> int:
        return self.file_ids.setdefault(key, len(self.file_ids))

    def _with_positions(
        self, stats: pl.DataFrame, firsts: pl.DataFrame, parts: Sequence[Part]
    ) -> pl.DataFrame:
        """``stats`` with its prompts' first rows as (file id, position in the file)."""
        first = firsts.join(stats.select(KEYS), on=KEYS, how="right", maintain_order="right")
        return self._at(stats, first[_ROW].to_numpy().astype(np.int64), parts)

    def _at(self, stats: pl.DataFrame, index: np.ndarray, parts: Sequence[Part]) -> pl.DataFrame:
        """``stats`` with its rows' first generations (``index``, in the table ``parts`` make
        up) as (file id, position in the file)."""
        starts = np.cumsum([0] + [p.rows for p in parts])
        ids = np.array([self._file_id(p.key) for p in parts] + [-1], dtype=np.int64)
        file = np.searchsorted(starts, index, side="right") - 1
        # Set from the columns (``with_columns`` was a query on each followed update).
        return set_columns(
            stats,
            pl.Series(_FILE, ids[file], dtype=pl.Int64),
            pl.Series(_POS, index - starts[file], dtype=pl.Int64),
        )

    def _order(self, parts: Sequence[Part]) -> pl.Expr:
        """Each row's first generation's index in the table ``parts`` make up now."""
        where = self._starts(parts)
        return pl.col(_FILE).replace_strict(where, return_dtype=pl.Int64) + pl.col(_POS)

    def _starts(self, parts: Sequence[Part]) -> dict[int, int]:
        """Each file id's first row in the table ``parts`` make up now."""
        starts = np.cumsum([0] + [p.rows for p in parts])
        return {self._file_id(p.key): int(start) for p, start in zip(parts, starts, strict=False)}


#: How many of the table's last rows are looked at, at most, for the prompts an append grew
#: (:data:`_FIRST_LOOK` first, four times as many at each next look): an eval's cut prompt is
#: among the last few. One further back takes the general path (a pass over every row), which
#: the look then adds ~1 ms to.
TAIL_ROWS = 1024
_FIRST_LOOK = 16


def _first_of(table: pl.DataFrame, keys: set[tuple[str, str]]) -> int | None:
    """The index of the first row of ``table`` that is one of ``keys``, when all of them lie in
    its last :data:`TAIL_ROWS` rows (looked at from the end, a few rows first); else None."""
    look = _FIRST_LOOK
    while True:
        begin = max(0, table.height - look)
        tail = table.slice(begin)[KEYS].rows()
        found = [i for i, key in enumerate(tail) if key in keys]
        if found and len({tail[i] for i in found}) == len(keys):
            return begin + found[0]
        if begin == 0 or look >= TAIL_ROWS:
            return None
        look *= 4


def _tail_start(before: Sequence[Part], now: Sequence[Part]) -> int | None:
    """Where the rows after ``before``'s lie in ``now``'s table, when ``now`` is ``before``
    with lines appended to its last file and files after it (None otherwise)."""
    if not before or len(now) < len(before):
        return None
    last = len(before) - 1
    if list(now[:last]) != list(before[:last]):
        return None
    if now[last].key != before[last].key or now[last].rows < before[last].rows:
        return None
    return sum(p.rows for p in before)


def _max(column: pl.Series) -> int:
    return int(column.max() or 0) if len(column) else 0  # type: ignore[arg-type]


def _labelled(frames: Sequence[pl.DataFrame], mixed: list[str]) -> pl.DataFrame:
    """``frames`` as one frame with the run labels of the whole load."""
    if not frames:
        return _EMPTY
    return split_mixed_metrics(pl.concat(frames, how="diagonal_relaxed"), mixed)


_EMPTY = empty_generations(with_lengths=True)
"""No rows (what most updates removed): made once, not per update (~0.8 ms each)."""


def _first_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """Per prompt (order of first appearance): its first row's index and its scored count."""
    if rows.height > _FEW_ROWS:
        return rows.group_by(KEYS, maintain_order=True).agg(
            pl.col(_ROW).first(), pl.col("accuracy").is_not_null().sum().alias("_scored")
        )
    # A followed update's few rows, read from their columns: the group_by was a query of its
    # own (~0.1-0.25 ms of CPU with polars' pool woken up for a handful of rows).
    firsts: dict[tuple[object, ...], list[int]] = {}
    scores = rows.get_column("accuracy").to_list()
    index = rows.get_column(_ROW).to_list()
    for key, row, score in zip(rows[KEYS].iter_rows(), index, scores, strict=True):
        counted = score is not None  # NaN counts: scored
        found = firsts.get(key)
        if found is None:
            firsts[key] = [row, int(counted)]
        else:
            found[1] += counted
    schema = rows.schema
    keys = list(firsts)
    return pl.DataFrame(
        [
            *(
                pl.Series(name, [key[i] for key in keys], dtype=schema[name])
                for i, name in enumerate(KEYS)
            ),
            pl.Series(_ROW, [v[0] for v in firsts.values()], dtype=schema[_ROW]),
            pl.Series("_scored", [v[1] for v in firsts.values()], dtype=pl.UInt32),
        ]
    )


#: Up to this many rows, :func:`_first_rows` reads them in Python rather than by a query.
_FEW_ROWS = 256


def _with_max_n(stats: pl.DataFrame, old: int, new: int) -> pl.DataFrame:
    """Rows computed when the largest scored count was ``old``, with the columns it being
    ``new`` makes: pass@k for the new ks (from each row's counts), none for the ks gone, and
    maj@n renamed."""
    if old == new:
        return stats
    columns = stats.columns
    start = next(i for i, c in enumerate(columns) if _PASS.fullmatch(c) or c == maj_name(old))
    end = columns.index(maj_name(old))
    old_ks = ks_for(old)
    added = [k for k in ks_for(new) if k not in old_ks]
    stats = stats.with_columns(pass_columns(stats, added)).rename({maj_name(old): maj_name(new)})
    order = [*columns[:start], *[f"pass@{k}" for k in ks_for(new)], maj_name(new)]
    return stats.select(*order, *columns[end + 1 :])


def _cap_references(
    summaries: pl.DataFrame, prompt_longest: Callable[[str], pl.Series], margin: float
) -> dict[str, int | None]:
    """Each run's :func:`~evaltui.data.triage.cap_reference` from its run summary
    (``prompt_longest``: each prompt's longest generation in a run, asked for only when the run
    states no answer)."""
    # The columns read as lists (a ``select`` of them was a query: two per followed update).
    columns = (summaries.get_column(name).to_list() for name in ("run", "max_length", "answered"))
    return {
        run: cap_reference(longest, answered, functools.partial(prompt_longest, run), margin)
        for run, longest, answered in zip(*columns, strict=True)
    }


def _table_lengths(table: pl.DataFrame, run: str) -> pl.Series:
    """Each prompt's longest generation in a run, from a Stats table."""
    return table.filter(pl.col("run") == run).get_column("max_gen_length")


def _prompt_longest(generations: pl.DataFrame, run: str) -> pl.Series:
    """Each prompt's longest generation in a run, from its generations."""
    mine = generations.filter(pl.col("run") == run)
    return mine.group_by("prompt_id").agg(pl.col("gen_length").max()).get_column("gen_length")

"""The main screen: summary header, filter bar, the prompt table, the footer."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar, cast

import polars as pl
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import HelpPanel, Input, Static

from evaltui.app.display import (
    TableLayout,
    fraction,
    of_several_runs,
    table_columns,
    view_words,
)
from evaltui.app.footer import KeysFooter
from evaltui.app.inputs import OrderedInput
from evaltui.app.tables import DataTable, LayoutBackend, cursor_on_last_read, row_of
from evaltui.data.follow import WAITING_NOTE
from evaltui.data.loader import LoadProgress, LoadResult, empty_reason
from evaltui.data.metrics import (
    ScoreKind,
    format_score,
    kind_of_run,
    kinds_summary,
    means_word,
    rates_word,
    run_kind_aggregates,
)
from evaltui.data.query import (
    SCALED_COLUMNS,
    QueryError,
    Sort,
    View,
    error_text,
    filter_example,
    parse_filter,
    quick_unjudged,
    score_scales,
    where_scale_note,
)
from evaltui.data.rescore import RescoreProgress, per_run_comparison, stored_accuracy_rows
from evaltui.data.sanitize import (
    cell_width,
    distinct_middle,
    first_fitting,
    leading_parts,
    one_line,
    one_line_middle,
    visible,
)
from evaltui.data.wording import plural, rows_words

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp
    from evaltui.app.screens.prompt import PromptScreen

FILTER_DEBOUNCE = 0.3
EDITING_HINTS = (
    "editing the filter: enter applies, esc returns to the table · ",
    "editing the filter: enter applies, esc leaves · ",
    "enter applies the filter, esc leaves · ",
    "enter applies, esc leaves · ",
    "",
)
"""The status line's words while the filter is typed, longest first: the longest that leaves
the count whole."""
EMPTY_REASON_LINES = 4
"""Lines of the width the reason a load found no generation may fill (word wrapping may take
one more: ``#empty-reason`` is at most one line higher)."""
PROGRESS_LINES = ("load", "follow", "rescore")
"""The lines of ``#progress``, top to bottom (see ``MainScreen._progress_lines``)."""
#: The load line of a load stopped by x; of one whose inputs are followed once x again counted
#: the lengths left (74 cells: whole at 80 columns).
STOPPED = "loading stopped: token lengths are incomplete (x counts the rest)"
STOPPED_THEN_FOLLOWED = (
    "loading stopped: token lengths incomplete · x counts the rest, then follows"
)
QUICK = Binding.Group("Quick filter", compact=True)
SORT_COLUMN = Binding.Group("Sort column", compact=True)


def _seconds(value: float | None) -> str:
    if value is None:
        return "?"
    minutes, seconds = divmod(int(value), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


RESCORE_SPELLINGS = 7
"""How many spellings of the re-score's parts :func:`rescore_parts` has, longest first."""


@dataclass(frozen=True)
class RescoreNumbers:
    """What the header says of a re-score, counted once per header (:func:`rescore_numbers`):
    the header is spelled up to :data:`RESCORE_SPELLINGS` ways, and each spelling counted them
    again (three ``group_by`` queries each: ~60 ms for the 17 published runs at 60 columns)."""

    every: list[dict[str, Any]]
    """The rows of :func:`~evaltui.data.rescore.per_run_comparison`, run order kept."""
    accuracies: list[dict[str, Any]]
    """Those of the runs whose stored score is an accuracy."""
    over: str
    """:func:`rescored_over`."""


def rescore_numbers(stats: pl.DataFrame) -> RescoreNumbers | None:
    """The re-score's numbers of ``stats``; None before a re-score (or with no row)."""
    if "n_flipped" not in stats.columns or not stats.height:
        return None
    every = list(per_run_comparison(stats).iter_rows(named=True))
    # Only runs whose stored score is an accuracy: "stored accuracy 0.417–inf" took in a mean mae.
    runs = set(stats.filter(stored_accuracy_rows(stats)).get_column("run").unique().to_list())
    return RescoreNumbers(every, [r for r in every if r["run"] in runs], rescored_over(stats))


def rescore_parts(
    numbers: RescoreNumbers | None, width: int, spelling: int = 0
) -> tuple[str, list[str]]:
    """After a re-score (the accuracy shown is the new scores'): accuracy under the stored scores,
    per run (their range with 4+ runs), and the verdicts that flipped; ("", []) before.

    The first is shown beside the accuracy, the others after the unscored count (or the
    bad-line and note counts).
    ``spelling`` 0 to ``RESCORE_SPELLINGS - 1``, longest to shortest: run labels sized by
    ``width`` (0), of 8 cells (1), the stored accuracies' range (2), the flipped count in its own
    part after those counts (3), then fewer words ("stored 0.417–0.920", "8 flipped (d)", 4).
    After a re-score of the five published lm_eval runs the one part beside the accuracy took
    100+ cells: the header dropped it with " …" at 60 columns and at 120 alike. Then (5) 4's
    with the flipped count beside the accuracy and the stored accuracies after the unscored
    count, as a part the header may leave off; the last (6) has both after that count, both
    parts the header may leave off (:func:`header_text` uses the first that keeps every part it
    must show: the flipped count gives way last, to the unscored, bad-line and note counts)."""
    if numbers is None:
        return "", []
    every, rows = numbers.every, numbers.accuracies
    flipped_count = sum(int(r["flipped"]) for r in every)
    flipped = (
        f"{flipped_count:,}{_FLIPPED}"
        if spelling >= 4
        else f"{plural(flipped_count, 'verdict')}{_FLIPPED}"
    )
    if not any(r.get("stored_verdicts", True) for r in every):
        # A stored mae with no threshold has no verdict to flip: "0 verdicts flipped" was no count.
        flipped = _NO_VERDICTS + ("" if spelling >= 4 else " to flip")
    if not rows:
        return flipped, []
    label = max(8, min(20, (width - 60) // max(1, len(rows)))) if spelling == 0 else 8
    if len(every) == 1:
        values = fraction(rows[0]["stored_accuracy"])
    elif len(rows) <= 3 and spelling < 2:
        names = distinct_middle([str(r["run"]) for r in rows], label)
        values = " / ".join(
            f"{names[str(r['run'])]} {fraction(r['stored_accuracy'])}" for r in rows
        )
    else:
        stored = [r["stored_accuracy"] for r in rows if r["stored_accuracy"] is not None]
        low, high = (fraction(min(stored)), fraction(max(stored))) if stored else ("–", "–")
        values = (low if low == high else f"{low}–{high}") + (" by run" if spelling < 4 else "")
    # Several runs: their new accuracies' count beside the stored ones (one run's is said in
    # the accuracy part: "accuracy 1.000 over 46 of 50").
    over = numbers.over if len(every) > 1 else ""
    new = f"new {over}" if over else ""
    stored_part = f"{'stored' if spelling >= 4 else 'stored accuracy'} {values}"
    if spelling == RESCORE_SPELLINGS - 2:
        # The flipped count beside the accuracy, the stored accuracies after the counts (they
        # may be left off): after them at 80 columns it went into "+7 (t)" with them.
        return flipped, [p for p in (stored_part, new) if p]
    if spelling >= RESCORE_SPELLINGS - 1:
        return "", [p for p in (stored_part, new, flipped) if p]
    if spelling >= 3:
        return stored_part, [p for p in (new, flipped) if p]
    return " · ".join(p for p in (stored_part, new, flipped) if p), []


def rescored_over(stats: pl.DataFrame) -> str:
    """After a re-score whose new scores cover fewer generations than the stored ones (some have
    no answer to score: a loglikelihood doc, a log read from its summaries; or the scorer
    failed on them): "over 46 of 50", the generations the new accuracy is a mean over, for the
    runs whose stored score is an accuracy. "" when they cover as many, or before a re-score.
    "accuracy 1.000 · stored accuracy 0.920" alone read as the same 50 generations judged
    better (the t summary said 46 of 50)."""
    if "n_flipped" not in stats.columns or not stats.height:
        return ""
    rows = per_run_comparison(stats.filter(stored_accuracy_rows(stats)))
    new_n = int(rows.get_column("new_n").fill_null(0).sum())
    stored_n = int(rows.get_column("stored_n").fill_null(0).sum())
    return f"over {new_n:,} of {stored_n:,}" if new_n < stored_n else ""


def _accuracy_range(
    values: dict[str, float], *, by_run: bool = True, word: str = "accuracy", metrics: int = 1
) -> str:
    if metrics > 1:  # a bleu_max's 19.684 and an mae's inf: 'mean score 19.684–inf' is no range
        return f"{word}s of {metrics} metrics (t)"
    low, high = fraction(min(values.values())), fraction(max(values.values()))
    if low == high:  # every run's, as shown: one value ("0.417–0.417 (t)" read as a range)
        return f"{word} {low} (t)"
    return f"{word} {low}–{high}" + (" by run (t)" if by_run else " (t)")


def _fit_run_accuracy(
    parts: list[str],
    runs: list[str],
    values: dict[str, float],
    width: int,
    compact: str,
    word: str = "accuracy",
    metrics: int = 1,
) -> None:
    """Size the several runs' accuracy (``parts[1]``) so the header up to its bad-line and note
    counts (when not 0) fits ``width``.

    Run labels are cut (in the middle) to fit, 40 cells down to 8, with room after them to count
    the parts left off; shorter would not tell runs apart, so then the accuracy is given as its
    range by run (``t`` lists each run). Before that, the runs part becomes ``compact``; before
    that, and when even the range leaves them off the line, the bad-line and note counts move
    before the generation count: a malformed line is counted where it is seen, at any width. When even
    that is too long, the runs part (``parts[0]``) becomes ``compact`` and the range loses its
    "by run". ``word`` names the values (``mean score`` for continuous runs' means), of
    ``metrics`` metrics (several: no range, their count).
    """
    index = 1
    bad = next(i for i, part in enumerate(parts) if part.startswith("bad lines "))
    generations = next(i for i, part in enumerate(parts) if part.startswith("generations "))

    notes = bad + 1 < len(parts) and parts[bad + 1].startswith("notes ")
    # What must be on the line: the bad-line and note counts when there are any, the load's
    # state (while it loads two runs at 80 columns, a bare "…" took the place of both).
    last = bad + 1 if notes else bad if parts[bad] != "bad lines 0" else bad - 1
    last = next((i for i, part in enumerate(parts) if part in _STATES), last)

    # Beside the labels, room for the count of the parts left off after them ("+6 (t)",
    # :func:`_fit_line`): fitted to the last cell, two runs' labels at 80 columns were followed
    # by a bare "…" that did not say what was left off, nor that t shows it.
    more = cell_width(f" · +10 ({MORE_KEY})")  # (a count of two digits)

    def fits(*, with_generations: bool, counted: bool = False) -> bool:
        shown = [p for i, p in enumerate(parts[: last + 1]) if with_generations or i != generations]
        room = width - (more if counted else 0)
        return cell_width(" · ".join(p for p in shown if p)) <= room

    def move_generations() -> None:
        # Unscored, bad lines, notes and the state first, the generation count after them.
        parts.insert(last, parts.pop(generations))

    # Shorter labels down to 12 cells before a moved generation count, then before "runs 2 ·
    # prompts 50" for "… per run"; then each again down to 8 cells; all before the range.
    whole = parts[0]
    ways = ((True, whole), (False, whole), (False, compact))
    tries = [(way, labels) for labels in (range(40, 11, -1), range(11, 7, -1)) for way in ways]
    for (with_generations, first), labels in tries if len(runs) <= 3 else ():
        parts[0] = first
        for label in labels:
            # Cut so they still read apart: ``Qwen2.5-32B-Instruct`` and
            # ``Qwen/Qwen2.5-14B-Instruct`` each cut in its middle both read ``Qwen…ruct``.
            names = distinct_middle([r for r in runs if r in values], label)
            parts[index] = f"{word} " + " / ".join(
                f"{name} {fraction(values[r])}" for r, name in names.items()
            )
            if fits(with_generations=with_generations, counted=True):
                if not with_generations:
                    move_generations()
                return
    parts[0] = whole
    if len(runs) <= 3:
        parts[index] = _accuracy_range(values, word=word, metrics=metrics)
    if not fits(with_generations=True):
        move_generations()
        # The generation count now follows the bad-line and note counts, at index ``last``.
        if cell_width(" · ".join(p for p in parts[:last] if p)) > width:
            parts[0] = compact
            parts[index] = _accuracy_range(values, by_run=False, word=word, metrics=metrics)


def filter_placeholders(example: str) -> tuple[str, str, str]:
    """The filter box's placeholder with ``example`` (:func:`filter_example`), longest first."""
    return (
        f'/ filter: {example} and max_len > 8000 · prompt ~ "triangle"',
        f"/ filter: {example} and max_len > 8000",
        f"/ filter: {example}",
    )


def _must_first(parts: list[str], width: int) -> None:
    """One run's header: when the parts it must show (:func:`_must_show`) leave no room to count
    those left off after them, the generation count and a "bad lines 0" among them move after
    them, as several runs' generation count does (:func:`_fit_run_accuracy`): while one run
    loaded with a note at 80 columns, the line ended "notes 1 (b) …", a bare "…" in place of
    the count, the load's state ("generations loading") left off with it."""
    more = cell_width(f" · +10 ({MORE_KEY})")
    must = _must_show(parts)
    if cell_width(" · ".join(parts[:must])) + more <= width:
        return
    movable = [
        i
        for i, part in enumerate(parts[:must])
        if part == "bad lines 0" or (part.startswith("generations ") and part not in _STATES)
    ]
    moved = [parts[i] for i in movable]
    for i in reversed(movable):
        del parts[i]
    at = must - len(moved)
    parts[at:at] = moved


def correct_part(kinds: dict[str, ScoreKind]) -> str:
    """What made a sample "correct" (the table's ``correct``, pass@k, maj@k) when it is not
    plain 0/1: ``correct ≥ 0.5`` for a 0–1 partial credit (a 0.5 is solved), a threshold's rule
    (``correct ≤ 0.3`` for an mae); the runs' several rules when they differ (``correct ≥ 0.5 /
    ≥ 150 (t)``: ``t`` says which run has which; a 0/1 run's ``≥ 0.5`` among them, as "correct
    ≥ 150" alone read as its too); "" when every run with a threshold is 0/1 at the default
    (right is 1). At 80 columns it was only in the score kinds at the header's end, left off in
    "+N more (t)"."""
    judged = [k for k in kinds.values() if k.threshold is not None]
    if all(k.correct_rule() is None for k in judged):
        return ""
    rules = list(
        dict.fromkeys(k.correct_rule() or f"≥ {format_score(k.threshold)}" for k in judged)
    )
    if len(rules) == 1:
        return f"correct {rules[0]}"
    return f"correct {' / '.join(rules)} ({MORE_KEY})"


@dataclass(frozen=True)
class HeaderCounts:
    """What the header counts, by run (run order kept)."""

    runs: list[str]
    prompts: list[int]
    """Each run's prompts (rows of the Stats table)."""
    generations: int
    scored: int
    kinds: dict[str, ScoreKind]
    """:func:`~evaltui.data.metrics.run_kinds`."""
    accuracies: dict[str, float]
    """:func:`~evaltui.data.metrics.run_accuracies`."""
    means: dict[str, float]
    """Each continuous run's mean score over its scored generations, in its own units (pooled
    as an accuracy is): a bleu 0-100 run's 46.8 where an accuracy run has its accuracy."""
    per_run: tuple[dict[str, Any], ...] = ()
    """The by-run sums and extremes these were made from: a Stats table that has the same rows
    then new ones merges them with its new rows' (:func:`grown_header_counts`)."""


_SUMMED = ("header prompts", "header generations", "header scored", "header total", "nonfinite")
"""The by-run aggregates of :func:`header_counts` that are sums (the rest: firsts and extremes)."""


def header_counts(stats: pl.DataFrame) -> HeaderCounts:
    """The header's numbers from the Stats table in one query (a ``group_by`` of the runs): the
    header is made again on every followed update, and its half-dozen queries (the kinds, the
    accuracies, the runs, the sums, the prompts per run) took ~3-5 ms of the UI thread each
    time."""
    if not stats.height:
        return HeaderCounts([], [], 0, 0, {}, {}, {})
    with_kinds = "score_kind" in stats.columns
    per_run = stats.group_by("run", maintain_order=True).agg(
        pl.len().alias("header prompts"),
        pl.col("count").cast(pl.Int64).sum().alias("header generations"),
        pl.col("n_scored").cast(pl.Int64).sum().alias("header scored"),
        pl.col("total_accuracy_count").sum().alias("header total"),
        *(run_kind_aggregates() if with_kinds else []),
    )
    return _counts_of_runs(per_run.to_dicts(), with_kinds=with_kinds)


def grown_header_counts(before: HeaderCounts, added: pl.DataFrame) -> HeaderCounts:
    """The header counts of a Stats table whose rows are those ``before`` counted (the same
    values), then ``added``: ``before``'s by-run aggregates merged with ``added``'s, no pass
    over the rows counted before (a followed update's header grew with every prompt: ~1.6 ms
    of the view worker and polars' pool at 1,700 prompts, ~7 ms at 100,000). The runs keep the
    order of their first rows, sums add, extremes are the extremes of both, a run's firsts are
    its first rows': those of one query over every row."""
    if not added.height:
        return before
    new = header_counts(added)
    if not before.per_run:
        return new
    merged = {row["run"]: dict(row) for row in before.per_run}
    for row in new.per_run:
        old = merged.get(row["run"])
        if old is None:
            merged[row["run"]] = dict(row)
            continue
        for column in _SUMMED:
            if column in row:  # (a run's sum of nulls only is null)
                both = [v for v in (old[column], row[column]) if v is not None]
                old[column] = sum(both) if both else None
        for column, pick in (("low", min), ("high", max)):
            if column in row:
                both = [v for v in (old[column], row[column]) if v is not None]
                old[column] = pick(both) if both else None
    return _counts_of_runs(list(merged.values()), with_kinds="score_kind" in added.columns)


def _counts_of_runs(per_run: list[dict[str, Any]], *, with_kinds: bool) -> HeaderCounts:
    """:class:`HeaderCounts` of the by-run aggregates of :func:`header_counts`."""
    kinds = {str(row["run"]): kind_of_run(row) for row in per_run} if with_kinds else {}
    means = {
        str(run): float(total) / int(scored)
        for run, total, scored in (
            (row["run"], row["header total"], row["header scored"]) for row in per_run
        )
        if run is not None and scored and str(run) in kinds and kinds[str(run)].kind != "unscored"
    }
    return HeaderCounts(
        runs=[row["run"] for row in per_run],
        prompts=[row["header prompts"] for row in per_run],
        generations=sum(row["header generations"] for row in per_run),
        scored=sum(row["header scored"] for row in per_run),
        kinds=kinds,
        accuracies={run: mean for run, mean in means.items() if kinds[run].accuracy},
        means={run: mean for run, mean in means.items() if not kinds[run].accuracy},
        per_run=tuple(per_run),
    )


MORE_KEY = "t"
"""The key of the screen that shows the header in full (the run summary: :func:`header_text`
with ``whole``)."""


def header_text(
    result: LoadResult, width: int, *, whole: bool = False, counts: HeaderCounts | None = None
) -> str:
    """The header (one line; two only to keep the bad-line counts on screen), most telling
    first: prompts and accuracy (per run when several are loaded), generations, bad lines,
    files, tokenizer, counted by, the scores' kinds. Whole parts only: those that do not fit
    are counted ("+3 more (t)"), and ``whole`` gives them all, none cut (the run summary shows
    that). Every count comes from the Stats table (one row per prompt), never from a pass over
    the generations: it is redrawn on each followed update, and a warm load's snapshot result
    has the table before its generation rows. ``counts``: :func:`header_counts` of
    ``result.stats`` when the caller has them (a followed update's, grown from the last)."""
    # Counted once, spelled up to RESCORE_SPELLINGS ways below.
    if counts is None:
        counts = header_counts(result.stats)
    numbers = rescore_numbers(result.stats)
    if whole:
        return " · ".join(_header_parts(result, counts, numbers, 10**6, whole=True))
    # The parts fitted to the width (run labels cut, counts moved up) leave a cell for " …":
    # the parts after them (files, tokenizer, …) are left off then, and a "…" glued to the
    # accuracy read "0.619…", a number cut.
    spellings = RESCORE_SPELLINGS if numbers is not None else 1
    kept: str | None = None
    for spelling in range(spellings):
        parts = _header_parts(result, counts, numbers, width - 1, spelling=spelling)
        # The last spellings' stored accuracies may be left off (counted in "+N more (t)"):
        # at 60 columns after a re-score of the 17 published runs, "stored 0.000–1.000" took
        # the unscored count's place, which the line then left off without a word; in the
        # last, the flipped count too (14 runs at 60 columns: it and the counts do not fit).
        optional: tuple[str, ...] = (
            (_STORED,)
            if spelling == RESCORE_SPELLINGS - 2
            else (_STORED, _FLIPPED, _NO_VERDICTS)
            if spelling == RESCORE_SPELLINGS - 1
            else ()
        )
        text = _lines(parts, width, optional)[0]
        # The re-score's parts shorter until none the header must show is left off, and then
        # until the parts left off are counted ("+6 (t)"): at 120 columns after a re-score of
        # the five published runs the line ended "unscored 24 · …", the parts after it left
        # off without a word. Else the first that shows them all (the last spellings, which
        # may leave the stored accuracies off, are never preferred for a count).
        if all(part in text for part in parts if _must(part, optional)):
            if kept is None:
                kept = text
            if not optional and not text.endswith("…"):
                return text
    return text if kept is None else kept


def _header_parts(
    result: LoadResult,
    counts: HeaderCounts,
    numbers: RescoreNumbers | None,
    width: int,
    *,
    whole: bool = False,
    spelling: int = 0,
) -> list[str]:
    """The header's parts, in order (see :func:`header_text`), from ``result``'s ``counts`` and
    re-score ``numbers``; the runs' accuracy fitted to ``width``, the re-score's spelled as
    ``spelling`` (:func:`rescore_parts`)."""
    stats = result.stats
    kinds, values, runs = counts.kinds, counts.accuracies, counts.runs
    # A 0–1 f1 or reward is no accuracy: its runs' means are "mean f1" (their "correct" part
    # says the threshold pass@k and the solved counts are over).
    word, metrics = rates_word(kinds, values), 1
    if not values and counts.means:
        # No accuracy: the continuous runs' means in their own units, as "accuracy 0.62" is
        # (a bleu 0-100 run's header had no score at all); "mean mae" for one named metric.
        values, word = counts.means, means_word(kinds, counts.means)
        metrics = len({kinds[run].metric for run in counts.means})
    skipped = [f for f in result.skipped_files if not f.companion]
    generations = counts.generations
    unscored = generations - counts.scored
    parts = []
    if len(runs) <= 1:
        parts.append(f"prompts {stats.height:,}")
        if any(k.accuracy for k in kinds.values()):
            over = numbers.over if numbers is not None else ""
            parts.append(
                f"{word} {fraction(values.get(runs[0]) if runs else None)}"
                + (f" {over}" if over else "")
            )
        elif values and runs:
            parts.append(f"{word} {fraction(values.get(runs[0]))}")
        parts.append(f"generations {generations:,}")
    else:
        # Several runs: a prompt×run row count and a pooled accuracy would mislead, so say what
        # each run has (prompt counts once if equal; accuracy run by run, or its range).
        distinct = set(counts.prompts)
        prompts = (
            f"{distinct.pop():,}"
            if len(distinct) == 1
            else "/".join(f"{c:,}" for c in counts.prompts)
        )
        parts.append(f"runs {len(runs)} · prompts {prompts} per run")
        low, high = min(counts.prompts), max(counts.prompts)
        compact = f"runs {len(runs)} · prompts {low:,}" + (f"–{high:,}" if high != low else "")
        if not values:
            pass
        elif len(runs) <= 3:
            parts.append("")  # the accuracy, sized below once the parts after it are known
        else:
            parts.append(_accuracy_range(values, word=word, metrics=metrics))
        parts.append(f"generations {generations:,}")
    beside, after = rescore_parts(numbers, width, spelling)
    parts.insert(len(parts) - 1, beside)  # beside the accuracy
    parts.insert(len(parts) - 1, correct_part(kinds))  # what made the correct counts
    if unscored:
        parts.append(f"unscored {unscored:,}")
    parts.append(f"bad lines {len(result.errors):,}")
    # A note about each of 100 files is one note (b lists the files). A followed file's last
    # line being written is no finding but a moment (b lists it): counted, "notes 1 (b)" came
    # and went with every line a writer flushed in parts, and moved the header's layout.
    notes = [
        group
        for group in (result.note_groups() if result.notes else [])
        if not (group.notes and all(n.endswith(WAITING_NOTE) for n in group.notes))
    ]
    if notes:
        parts.append(f"notes {len(notes):,} (b)")
    # The load's state before the runs' accuracy is fitted: the line must show it too (before a
    # "bad lines 0" it need not show).
    if result.generations_pending or not result.complete:
        state = (
            _STATES[0]
            if result.generations_pending
            else _STATES[1]
            if not result.cancelled
            else _STATES[2]
        )
        parts.insert(len(parts) - 1 if parts[-1] == "bad lines 0" else len(parts), state)
    if len(runs) > 1 and values:
        _fit_run_accuracy(parts, runs, values, width, compact, word, metrics)
    elif len(runs) <= 1:
        _must_first(parts, width)
    if after:  # after the unscored count, or the bad-line and note counts
        leading = ("unscored ",) if unscored else ("bad lines ", "notes ")
        at = 1 + max(i for i, p in enumerate(parts) if p.startswith(leading))
        parts[at:at] = after
    parts.append(
        f"files {len(result.read_files)}" + (f" (+{len(skipped)} skipped)" if skipped else "")
    )
    # Cut in the middle: a model folder's path differs from the next one's at its end
    # (``…/Qwen2.5-7B-Instruct``, ``…/checkpoint-12000``), which a cut from the right hid.
    cut = 1000 if whole else 40
    parts.append(f"tokenizer {one_line_middle(result.tokenizer, cut)}")
    parts.append(f"counted by {one_line(result.counting, cut)}")
    parts.append(one_line(kinds_summary(kinds), 10 * cut))
    return [p for p in parts if p]


_STATES = ("generations loading", "lengths pending", "lengths incomplete")
"""The load's state, the header's last part it must show while not complete."""
_STORED = "stored "
"""How the re-score's stored accuracies part starts (:func:`rescore_parts`)."""
_FLIPPED = " flipped (d)"
"""How the re-score's flipped count ends (:func:`rescore_parts`)."""
_NO_VERDICTS = "no stored verdicts"
"""How it starts in place of a count when no stored score has a "correct"."""


def _must(part: str, optional: tuple[str, ...] = ()) -> bool:
    """Whether the header must show ``part`` (:func:`_must_show`); a part starting or ending
    with one of ``optional`` need not be shown."""
    if any(part.startswith(mark) or part.endswith(mark) for mark in optional):
        return False
    kept = ("accuracy ", "mean ", "correct ", _STORED, "unscored ", "notes ", "generations loading")
    return (
        part.startswith(kept)
        # The re-score's flipped count: the one number the user just asked for (at 80 columns
        # after a re-score of two runs it went into "+7 (t)").
        or part.endswith(_FLIPPED)
        or part.startswith(_NO_VERDICTS)
        or part in _STATES[1:]
        or (part.startswith("bad lines ") and part != "bad lines 0")
    )


def _must_show(parts: list[str], optional: tuple[str, ...] = ()) -> int:
    """How many of a line's ``parts``, from the first, the line must keep whole: through the
    accuracy (the stored one too, after a re-score), the unscored, bad-line and note counts
    (when not 0) and the load's state (generations loading, lengths pending or incomplete)."""
    must = [i for i, part in enumerate(parts) if _must(part, optional)]
    return max(must, default=0) + 1


def _fit_line(
    parts: list[str], width: int, *, last: bool, optional: tuple[str, ...] = ()
) -> tuple[str, int]:
    """``parts`` joined on one line of ``width`` cells, and how many were left off: the parts
    that fit, whole, then on the header's last line "+N more (t)" for those left off (t shows
    the header in full), or "+N (t)" when only that fits. The line was cut at its width, which
    hid what was cut and cut numbers ("generations 80…" for 802 at 60 columns). When even the
    parts it must keep (:func:`_must_show`) leave no room for a mark, the whole parts that fit
    end with " …"; a first part longer than the line is cut with "…"."""
    line = " · ".join(parts)
    if cell_width(line) <= width:
        return line, 0
    must = min(len(parts), _must_show(parts, optional))
    marks = ("+{} more ({})", "+{} ({})", "…") if last else ("…",)
    for mark in marks:
        for count in range(len(parts) - 1, must - 1, -1):
            left = len(parts) - count
            more = " · " + mark.format(left, MORE_KEY)
            head = " · ".join(parts[:count])
            if cell_width(head + more) <= width:
                return head + more, left
    # The cell kept for a last "…" (MainScreen.header_width), and the one header_text keeps for
    # its space: a part fewer rather than a "…" glued to a number ("generations 50…" after a
    # re-score at 80 columns read as a count cut); glued only when a single part is all that fits.
    for count in range(must, 0, -1):
        head = " · ".join(parts[:count])
        if cell_width(head) < width:
            return head + " …", len(parts) - count
    for count in range(must, 0, -1):
        head = " · ".join(parts[:count])
        if cell_width(head) <= width:
            return head + "…", len(parts) - count
    return one_line(line, width), len(parts)


def _lines(parts: list[str], width: int, optional: tuple[str, ...] = ()) -> tuple[str, int]:
    """The parts on one line; on two when the bad-line and note counts (when not 0) would not fit
    on the first even after the shorter spellings (many runs, unscored generations, a narrow
    terminal): a malformed line is counted where it is seen, at any width."""
    counts = [
        i
        for i, part in enumerate(parts)
        if (part.startswith("bad lines ") and part != "bad lines 0") or part.startswith("notes ")
    ]
    if not counts or cell_width(" · ".join(parts[: counts[-1] + 1])) <= width:
        text, left = _fit_line(parts, width, last=True, optional=optional)
        # The counts fit only without room for the mark of the parts after them (the four
        # published lm_eval runs at 80 columns: "… · bad lines 0 · notes 3 (b)" was 77 cells of
        # 77): on one line the notes gave way to " …"; two lines keep them.
        if not counts or len(parts) - left > counts[-1]:
            return text, left
    first = leading_parts(parts, width)
    # The counts lead the second line: after other parts they were cut off on a narrow terminal.
    second = [parts[i] for i in counts if i >= first]
    second += [part for i, part in enumerate(parts) if i >= first and i not in counts]
    top, _cut = _fit_line(parts[:first], width, last=False, optional=optional)
    bottom, left = _fit_line(second, width, last=True, optional=optional)
    return top + "\n" + bottom, left


def tokenized_share(progress: LoadProgress) -> str:
    """How much of the text is tokenized, by its bytes: '37%' (never 100% until it is all)."""
    if progress.bytes_total <= 0:
        return "0%"
    share = 100 * progress.bytes_tokenized / progress.bytes_total
    return f"{min(math.floor(share), 99) if progress.generations_tokenized < progress.generations else 100}%"


class MainScreen(Screen[None]):
    """Every prompt of the load, one row each; filter, sort, open, plot, export."""

    # Nothing takes keys by itself: until the table exists (and after), keys are commands; only
    # "/" gives the filter box the keyboard.
    AUTO_FOCUS = None

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not a priority binding: with the table focused, its own enter (select_cursor, then
        # CellSelected) opens the prompt, in order with the keys before it. As a priority
        # binding it ran as the key arrived, ahead of arrow keys the table had not handled yet:
        # "down down enter" typed at once opened the first prompt and the arrows were lost.
        # The footer still shows this one.
        Binding("enter", "open_prompt", "Open", id="open"),
        # A priority binding: the focus moves to the filter as "/" arrives, and the keys typed
        # right after it in one burst (tmux send-keys, a paste) land in the box; handled by
        # the table, they were forwarded to it first and run as commands.
        Binding("slash", "focus_filter", "Filter", id="filter", priority=True),
        Binding("s", "sort_menu", "Sort", id="sort"),
        Binding("question_mark", "app.help", "Help", id="main_help"),
        Binding("t", "summary", "Summary", id="summary"),
        Binding("m", "compare", "Compare", id="compare"),
        Binding("p", "plot", "Plot", id="plot"),
        Binding("e", "export", "Export", id="export"),
        Binding("x", "cancel_load", "Stop loading", id="cancel"),
        # x again, once the load x stopped is over: the token lengths left are counted.
        Binding(
            "x",
            "resume_lengths",
            "Count lengths",
            id="resume_lengths",
            tooltip="the rest, once stopped",
        ),
        Binding("c", "clear_view", "Clear", id="clear"),
        Binding("r", "next_run", "Run", id="run"),
        Binding("n", "quick('never')", "Never solved", id="quick_never", group=QUICK),
        Binding("f", "quick('flaky')", "Flaky", id="quick_flaky", group=QUICK),
        Binding("a", "quick('always')", "Always solved", id="quick_always", group=QUICK),
        # Triage quick filters (evaltui.data.triage); out of the footer, listed under ? help.
        Binding("u", "quick('suspect')", "Suspect ref/grader", id="quick_suspect", show=False),
        Binding("l", "quick('truncated')", "Length cap", id="quick_truncated", show=False),
        # After a re-score (--rescore): prompts where stored and new verdicts disagree.
        Binding("d", "quick('disagree')", "Disagree", id="quick_disagree", show=False),
        # Out of the footer (full at 80 columns); under ? help and in the command palette.
        Binding("R", "rescore", "Re-score…", id="rescore", show=False),
        Binding(
            "left_square_bracket", "sort_column(False)", "Sort ↑", id="sort_asc", group=SORT_COLUMN
        ),
        Binding(
            "right_square_bracket", "sort_column(True)", "Sort ↓", id="sort_desc", group=SORT_COLUMN
        ),
        Binding("b", "problems", "Bad lines", id="problems"),
        Binding("q", "app.quit", "Quit", id="quit_q"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._debounce: Timer | None = None
        self._table_serial = 0
        self._status = ""
        """The status line's view part ("Showing N of M prompts · …")."""
        self._status_end = ""
        """What the status line ends with whole, after :attr:`_status` cut to the room."""
        self.shown_rows: pl.DataFrame | None = None
        """The Stats rows the table shows, in table order: a cursor row's key is read here."""
        self.shown_columns: list[str] | None = None
        """The columns of the table shown (:func:`table_columns` of ``shown_rows``), in order."""
        self.shown_view: View | None = None
        """The filter and sort of the table shown."""
        self.error_view: View | None = None
        """The view shown in place of an invalid one, whose error stays in sight while it is
        shown (see ``EvalApp.on_view_invalid``)."""
        self.view_error: tuple[str, str] | None = None
        """The error line shown (``#filter-error``) as the error, then what is shown instead
        (" — showing …"); fitted to one line of the width (:meth:`_fit_view_error`)."""
        self._table: DataTable | None = None
        """The prompt table, once mounted."""
        self._placing: list[Callable[[], None]] | None = None
        """While a new table waits for its first refresh, which gives it the keys (the focus):
        what waits for that (:meth:`after_table_placed`); None when no table waits."""
        self._reading: PromptScreen | None = None
        """The prompt screen opened from the table, until back on the table: the cursor is then
        put on the prompt it shows last (`.`/`,` step it; see :meth:`_back_from_prompt`)."""
        self.failed = False
        """Nothing could be loaded: the failure message replaces the table."""
        self._keys_shown_for: tuple[bool, bool, bool, bool] | None = None
        """(loading, rescoring, failed, lengths resumable) when a result last refreshed the footer's keys."""
        self._summary_lines = 0
        """Lines of the header last shown."""
        self._runs_of: tuple[pl.DataFrame, bool] | None = None
        """The Stats table last counted and whether it holds several runs (see show_view)."""
        self._scales_of: int | None = None
        """How many score scales that table holds (counted when first sorted by a score)."""
        self._shown_texts: dict[str, str] = {}
        """The text each one-line widget (``#summary``, ``#status``, ``#progress``) shows, by
        id: the same text again is not drawn again (a followed update that changed nothing on
        screen repainted the header and the status line)."""
        self._progress_lines: dict[str, str] = {}
        """The lines of ``#progress`` by what they tell of: "load" (reading, tokenizing),
        "follow" (following · N new …), "rescore" (re-scoring N/M …); each on its own line (they
        shared one, each drawn over the other as it came: with --follow and a re-score running
        the line flickered between the two, and the follow line vanished with the re-score's)."""
        self._progress_height = 1
        """Lines ``#progress`` is high (its stylesheet's height until there are two)."""
        self._follow_wordings: tuple[str, ...] = ()
        """The follow line's wordings last shown (see ``show_follow_status``)."""

    @property
    def evalapp(self) -> EvalApp:
        return cast("EvalApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("evaltui · loading…", id="summary")
        yield Static("", id="progress")
        longest, *shorter = filter_placeholders(filter_example({}))
        filter_box = OrderedInput(
            placeholder=longest,
            placeholders=shorter,
            id="filter",
            select_on_focus=False,
            compact=True,
            on_submit=self.filter_submitted,
            on_escape=self.back_to_table,
        )
        filter_box.can_focus = False  # until "/" (see action_focus_filter)
        yield filter_box
        yield Static("", id="filter-error")
        yield Static("", id="status")
        yield Static("", id="empty-reason")
        yield Container(Static("Reading files…", id="placeholder"), id="table-box")
        yield KeysFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_load":
            # shown only while there is something to stop
            return self.evalapp.loading or self.evalapp.rescoring
        if action == "resume_lengths":
            return self.evalapp.can_resume_lengths()
        # The screen's focus, not the box's has_focus: that is set by the Focus event, after
        # the keys typed in the same burst as "/" (a second "/" ran this binding, and was lost).
        editing = self.focused is self.query_one("#filter", Input)
        if action == "open_prompt" and editing:
            return False  # enter submits the filter
        if action == "focus_filter" and editing:
            return False  # "/" is typed into the filter (a regex, a path)
        if self.failed and action not in {"help", "problems"}:
            return None  # nothing loaded: keys other than help, bad lines and quit do nothing
        return True

    # --- fed by the app -------------------------------------------------------------------

    def _show_progress_line(self, kind: str, text: str) -> None:
        """``#progress``'s ``kind`` line (see ``_progress_lines``) is ``text`` ("" takes it
        away); the widget shows every line there is, one per line, each cut at its end."""
        if text:
            self._progress_lines[kind] = text
        else:
            self._progress_lines.pop(kind, None)
        lines = [self._progress_lines[k] for k in PROGRESS_LINES if k in self._progress_lines]
        joined = "\n".join(lines)
        widget = self.query_one("#progress", Static)
        widget.display = bool(lines)
        if self._shown_texts.get("progress") == joined:
            return
        self._shown_texts["progress"] = joined
        # The screen is laid out again only when the number of lines changes (the follow line
        # is redrawn on every followed update).
        height = max(1, len(lines))
        if height != self._progress_height:
            self._progress_height = height
            widget.styles.height = height
        widget.update(Text(joined, no_wrap=True, overflow="ellipsis"), layout=False)

    def show_stopped_load(self) -> None:
        """The line of a stopped load (x), once it shows: it says whether the inputs are
        followed once x again has counted the lengths left (``--follow`` or F before the
        stop)."""
        if self._progress_lines.get("load") not in (STOPPED, STOPPED_THEN_FOLLOWED):
            return
        follows = self.evalapp.follow_after_count
        self._show_progress_line("load", STOPPED_THEN_FOLLOWED if follows else STOPPED)

    def show_progress(self, progress: LoadProgress, eta: float | None) -> None:
        if progress.stage in {"done", "cancelled"}:
            self._show_progress_line("load", STOPPED if progress.stage == "cancelled" else "")
            self.show_stopped_load()
            self.refresh_bindings()
            return
        if progress.stage == "reading":
            text = (
                f"reading files {progress.files_read}/{progress.files_total} · "
                + plural(progress.generations, "generation")  # not '1 generations'
            )
        else:
            # The first that fits the width: at 60 columns the line was cut in its ETA, and the
            # key that stops it never showed. A file's texts are counted longest first (batches
            # of like sizes), so its first batches hold few generations and many tokens: the
            # share of the text done (as the ETA's) stands beside the count, and the tokens only
            # where the order is said ('50/5,000 generations · 400,000 tokens' read as if the
            # tokens ran ahead of the generations).
            count = f"{progress.generations_tokenized:,}/{progress.generations:,}"
            share = tokenized_share(progress)
            eta_text = f"ETA {_seconds(eta) if eta is not None else 'estimating…'}"
            tokens = f"{progress.tokens:,} tokens"
            text = first_fitting(
                (
                    f"tokenizing {count} generations ({share} of the text, longest first) · "
                    f"{tokens} · {eta_text} · x stops (accuracy is ready, lengths fill in)",
                    f"tokenizing {count} generations ({share} of the text, longest first) · "
                    f"{tokens} · {eta_text} · x stops",
                    f"tokenizing {count} generations ({share} of the text) · {eta_text} · x stops",
                    f"tokenizing {count} ({share} of the text) · {eta_text} · x stops",
                    f"tokenizing {count} ({share}) · {eta_text} · x stops",
                    f"tokenizing {count} · {eta_text} · x stops",
                ),
                self.progress_width(),
            )
        self._show_progress_line("load", text)

    def show_rescore_progress(self, progress: RescoreProgress | None) -> None:
        """The re-score's progress line (None takes it away). Made to fit the width: at 80
        columns the line was cut at its end ("… · 13s · x or", the key to stop it cut away)."""
        if progress is None:
            self._show_progress_line("rescore", "")
            return
        scorer = self.evalapp.rescore_options
        width = self.progress_width()
        full_name = cell_width(one_line_middle(scorer.scorer, 40)) if scorer is not None else 0

        def line(name_cells: int, stops: str, short: bool) -> str:
            name = one_line_middle(scorer.scorer, name_cells) if scorer is not None else ""
            text = f"re-scoring ({name}) {progress.done:,}/{progress.total:,} generations"
            if progress.known:
                # A followed update's (or a re-score started again): the new ones, and those
                # whose verdicts are kept from before, out of all.
                text = (
                    f"re-scoring ({name}) {progress.new_done:,}/{progress.new_total:,} new"
                    f"{'' if short else ' generations'} · {progress.known + progress.cached:,}"
                    f" of {progress.total:,} scored before"
                )
            elif progress.cached:
                text += f" · {progress.cached:,} {'cached' if short else 'from the cache'}"
            if short:  # (only those there are)
                counts = [(progress.errors, "error"), (progress.timeouts, "timeout")]
                text += "".join(f" · {plural(n, word)}" for n, word in counts if n)
            elif progress.errors or progress.timeouts:
                text += f" · {progress.errors:,} scorer errors, {progress.timeouts:,} timeouts"
            return text + f" · {_seconds(progress.elapsed)}{stops}"

        def name_fitted(stops: str, short: bool, least: int) -> str:
            # The scorer's name cut (in the middle: a module path and its function differ at
            # their ends) by what the line is over the width, to no fewer than ``least`` cells.
            text = line(40, stops, short)
            over = cell_width(text) - width
            return line(max(least, full_name - over), stops, short) if over > 0 else text

        # The first that fits: the name cut to 16 cells at least, the hint shortened, the words
        # shortened, the hint left out; else the shortest, cut at its end by the widget.
        wordings = (
            name_fitted(stops, short, least)
            for stops, short, least in (
                (" · x or esc stops (the scores shown stay)", False, 16),
                (" · x or esc stops", False, 16),
                (" · x or esc stops", True, 16),
                ("", True, 12),
            )
        )
        self._show_progress_line("rescore", first_fitting(wordings, width))

    def progress_width(self) -> int:
        """Cells a line of ``#progress`` may take (its padding is a cell each side)."""
        return max(1, self.size.width - 2)

    def header_width(self) -> int:
        """Cells the header line may take: #summary's padding (1 cell each side), and a cell for
        the "…" that ends a longer line."""
        return self.size.width - 3

    def show_result(self, result: LoadResult) -> None:
        counts = header_counts(result.stats)
        self.show_header(header_text(result, self.header_width(), counts=counts))
        self.show_filter_example(counts.kinds)
        self.show_empty_reason(empty_reason(result))

    def show_filter_example(self, kinds: dict[str, ScoreKind]) -> None:
        """The filter box's example on the measure the runs have (:func:`filter_example`)."""
        box = self.query_one("#filter", OrderedInput)
        box.set_placeholders(filter_placeholders(filter_example(kinds)))

    def show_empty_reason(self, reason: str | None) -> None:
        """Why a finished load found no generation (what ``evaltui summarize`` fails with), in
        the empty table's place; None takes it away. The app loads with ``allow_empty`` (a
        followed folder may fill later), so it showed only "prompts 0 · bad lines 27"."""
        widget = self.query_one("#empty-reason", Static)
        text = ""
        if reason is not None:
            hint = " (b lists the notes and bad lines)"
            # At most EMPTY_REASON_LINES lines of the width (it wraps), the hint kept.
            room = max(1, self.size.width - 2) * EMPTY_REASON_LINES - cell_width(hint)
            text = one_line(reason[:1].upper() + reason[1:], max(20, room)) + hint
        widget.display = bool(text)
        if self._shown_texts.get("empty-reason") != text:
            self._shown_texts["empty-reason"] = text
            widget.update(Text(text))

    def show_header(self, text: str) -> None:
        """The header line (:func:`header_text`); drawn again only when it changed."""
        if self._shown_texts.get("summary") != text:
            self._shown_texts["summary"] = text
            # One or two lines: the screen is laid out again only when that changes (the header
            # is redrawn on every followed update).
            lines = text.count("\n") + 1
            summary = self.query_one("#summary", Static)
            summary.update(
                Text(text, no_wrap=True, overflow="ellipsis"), layout=lines != self._summary_lines
            )
            self._summary_lines = lines
        # The keys shown depend on whether the load is still going (x); a followed update
        # changes nothing there, and each refresh makes the footer anew (its keys restyled,
        # the screen relaid out).
        keys = (
            self.evalapp.loading,
            self.evalapp.rescoring,
            self.failed,
            self.evalapp.can_resume_lengths(),
        )
        if keys != self._keys_shown_for:
            self._keys_shown_for = keys
            self.refresh_bindings()

    def show_follow_status(self, wordings: Sequence[str]) -> None:
        """The follow line ("following · N new generations in the last minute · …"): the first
        of ``wordings`` (longest first) that fits the width, made again on a resize (at 60
        columns the full line was cut in its last write, the fact that tells whether the eval
        still writes); "" or none takes it away."""
        self._follow_wordings = tuple(wordings) if any(wordings) else ()
        self._show_progress_line("follow", first_fitting(wordings, self.progress_width()))

    def table_rows(self) -> int | None:
        """The rows the prompt table shows: its box less the header row and the horizontal
        scrollbar (None before the box is laid out)."""
        height = self.query_one("#table-box", Container).size.height
        return height - 2 if height > 2 else None

    def show_failure(self, reason: str) -> None:
        self.failed = True
        self.query_one("#progress", Static).display = False
        self.show_empty_reason(None)
        self.query_one("#filter", Input).display = False
        box = self.query_one("#table-box", Container)
        box.remove_children()
        self._table = None
        self._table_placed()  # no table is coming: what waits for one goes now
        box.mount(
            Static(
                Text(
                    "Could not load: "
                    + one_line(reason, 2000)
                    + "\n\nq quits · F loads again and follows (a folder with no file yet "
                    "waits for its first one)"
                ),
                id="failure",
            )
        )
        self._shown_texts.pop("summary", None)
        self.query_one("#summary", Static).update(Text("evaltui · nothing loaded"))
        self.set_focus(None)
        self.refresh_bindings()

    def clear_failure(self) -> None:
        """Loading again after a failure (``F``): the failure message gives way to the loading
        placeholder, and the keys come back with the new load's result."""
        self.failed = False
        self.query_one("#filter", Input).display = True
        box = self.query_one("#table-box", Container)
        box.remove_children()
        box.mount(Static("Reading files…", id="placeholder"))
        self._shown_texts.pop("summary", None)
        self.query_one("#summary", Static).update(Text("evaltui · loading…"))
        self.refresh_bindings()

    def show_view(self, view: View, rows: pl.DataFrame, layout: TableLayout) -> None:
        if (
            view.where.strip() == self.query_one("#filter", Input).value.strip()
            and view != self.error_view
        ):
            # The filter box's expression is the one shown: any earlier error is past. (A view
            # shown instead of an invalid expression keeps the error in sight, as does one
            # shown without the sort a followed update made invalid.)
            self._hide_filter_error()
        stats = self.evalapp.result.stats if self.evalapp.result else None
        total = 0 if stats is None else stats.height
        if stats is not None and (self._runs_of is None or self._runs_of[0] is not stats):
            # Rows of several runs that a followed update added to are still of several.
            kept = (
                self._runs_of is not None
                and self._runs_of[1]
                and self.evalapp.rows_kept(stats, self._runs_of[0])
            )
            self._runs_of = (stats, kept or of_several_runs(stats))
            self._scales_of = None
        several = self._runs_of is not None and self._runs_of[1]
        scales = 1
        if stats is not None and view.sort is not None and view.sort.column in SCALED_COLUMNS:
            # Counted once per Stats table (a pass over it: ~70 ms at a million rows).
            if self._scales_of is None:
                self._scales_of = score_scales(stats)
            scales = self._scales_of
        # Rows of several runs are no prompts: 'Showing 120 of 120 prompts' under 'runs 2 ·
        # prompts 60 per run'.
        shown = rows_words(total, several, rows.height)
        # Why the table is empty is said whole at the line's end (_show_status); it was cut
        # off at 80 columns ("— no prompt matches (c cl…"), and after a long filter or run
        # label not shown at all: an empty table, and no word why. Short enough to leave the
        # count whole at 80 columns ("Showing 0 of 1,639 rows (run × prompt)").
        self._status_end = (
            " — none match (c clears the filters)" if not rows.height and total else ""
        )
        self._status = f"Showing {shown} · {view_words(view, stats, scales)}"
        over = cell_width(self._status + self._status_end) - (self.size.width - 2)
        if over > 0 and view.run is not None:
            # The run label cut in the middle to the room (as the table's run column cuts it),
            # not at the line's end: "run=deepseek-ai__DeepS…" named no one of a model's sizes.
            label = cell_width(one_line_middle(view.run, 60))
            words = view_words(view, stats, scales, run_width=max(12, label - over))
            self._status = f"Showing {shown} · {words}"
        rescored = self.evalapp.rescored
        if rescored is not None and "n_flipped" in rows.columns:
            # Whose scores the accuracy column holds: nothing on the table's lines named the
            # scorer (a re-score running shows the last one's until it is done).
            # A scorer file by its name (the summary, t, gives the path), cut in the middle to
            # fit the line: at 80 columns several runs' "rows (run × prompt)" left ~15 cells.
            module, sep, function = rescored.scorer.rpartition(":")
            name = (
                f"{PurePath(module).name}:{function}" if sep and "/" in module else rescored.scorer
            )
            room = self.size.width - 2 - cell_width(self._status + " · re-scored: ")
            self._status += f" · re-scored: {one_line_middle(name, max(12, room))}"
        start = layout.prompt_start
        if start is not None:
            # What every prompt cell leaves out (the header names it too, in less room).
            room = self.size.width - 2 - cell_width(self._status + ' · every prompt starts ""')
            self._status += f' · every prompt starts "{one_line(start, max(12, room))}"'
        elif layout.prompt_cut:
            self._status += (
                " · prompt cells start after what their run's prompts share (⏎ shows all)"
            )
        self._show_status()
        # Another sort or filter, asked for with the cursor on the first row: the user is at the
        # top, and sees the top of the new order (the cursor kept prompt 1 on the first line,
        # so "accuracy ↑" showed 1.000 first, with the lowest rows scrolled out above it).
        reordered = self.shown_view is not None and (
            view.sort != self.shown_view.sort or view.where != self.shown_view.where
        )
        self.shown_view = view
        self._replace_table(rows, layout, from_top=reordered)

    def _show_status(self) -> None:
        editing = self.query_one("#filter", Input).has_focus
        room = self.size.width - 2
        hint = ""
        if editing:
            # As much of it as leaves the count whole: at 80 columns the whole hint cut the
            # count the filter being typed changes ("Showing 41 of 1…").
            head = self._status.partition(" · ")[0]
            hint = first_fitting(EDITING_HINTS, room - cell_width(head + self._status_end))
        text, end = hint + self._status, self._status_end
        if end and cell_width(text + end) > room:
            # The count ("Showing 0 of 13 rows (run × prompt)") kept whole too, the view's
            # words after it cut to the room left; on a narrow line the count is cut as well.
            head = hint + self._status.partition(" · ")[0]
            left = room - cell_width(head + end) - 3
            if left >= 4 and text.startswith(head + " · "):
                text = f"{head} · {one_line(text[len(head) + 3 :], left)}"
            else:
                text = one_line(head, max(room - cell_width(end), 12))
        text += end
        if self._shown_texts.get("status") != text:
            self._shown_texts["status"] = text
            self.query_one("#status", Static).update(
                Text(text, no_wrap=True, overflow="ellipsis"), layout=False
            )

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self._show_status()

    def on_descendant_blur(self, _event: events.DescendantBlur) -> None:
        self._show_status()

    def show_view_error(self, error: str, position: int | None, kept: str | None = None) -> None:
        """``kept``: what is shown instead; None: the last valid filter (all prompts before the
        first table)."""
        widget = self.query_one("#filter-error", Static)
        if kept is None:
            kept = "the last valid filter" if self.shown_rows is not None else "all prompts"
        error_line = (visible(f"✗ {error_text(error, position)}", multiline=False), kept)
        self.view_error = error_line
        widget.display = True
        if not self._fit_view_error() and not self.query_one("#filter", Input).has_focus:
            # Not typing (Enter pressed, a followed update): the whole of it, once.
            self.say_view_error()

    def _fit_view_error(self) -> bool:
        """The error line on one line of the width: the error, then what is shown instead,
        when both fit; else the error alone, cut at its end when it is longer. Wrapped, it took
        two lines at 80 columns (“✗ expected a column name or a value, found 'the end' at
        column 12 — showing” / “the last valid filter”), the table a line lower. False when
        the line shows less than the whole (:meth:`say_view_error` says it)."""
        if self.view_error is None:
            return True
        error, kept = self.view_error
        whole = f"{error} — showing {kept}"
        room = self.progress_width()
        text = first_fitting((whole, error), room)
        if cell_width(text) > room:
            text = one_line(error, room)
        self.query_one("#filter-error", Static).update(Text(text, no_wrap=True))
        return text == whole

    def say_view_error(self) -> None:
        """The whole error line, in a notification, when the line under the filter box shows
        only a part (Enter on an invalid filter)."""
        if self.view_error is not None and not self._fit_view_error():
            error, kept = self.view_error
            self.evalapp.notify(f"{error} — showing {kept}", title="filter", severity="error")

    def _replace_table(self, rows: pl.DataFrame, layout: TableLayout, *, from_top: bool) -> None:
        # A filter, a sort or a followed update shows new rows. The first table is mounted; later
        # rows go into that same table (a new widget per update restyled, relaid and redrew the
        # whole screen: following cost the app 99 % of a core). The cursor follows its prompt
        # (its key, not its row number), keeps its column by name and its line on screen; when
        # the prompt left the view, the nearest row of the old order still shown takes it (the
        # row now at its place was another run's, or the last row, after a followed file was
        # deleted). ``from_top`` (a new sort or filter): a cursor on the first row stays on the
        # first row.
        old = self.current_table()
        key = self.cursor_key()
        column = self.cursor_column()
        row_index, column_index, screen_line, scroll_x = 0, 0, 0, 0.0
        if old is not None:
            row_index, column_index = old.cursor_coordinate
            screen_line = max(0, row_index - round(old.scroll_y))
            scroll_x = old.scroll_x
        if from_top and row_index == 0:
            key = None
        if key is not None:
            found = row_of(rows, key, row_index)
            if found is None and self.shown_rows is not None:
                found = nearest_kept(self.shown_rows, rows, row_index)
            if found is not None:
                row_index = found
        columns = [c for c, _l, _k in layout.columns]
        if column is not None and column in columns:
            column_index = columns.index(column)
        row_index = min(row_index, max(0, rows.height - 1))
        column_index = min(column_index, max(0, len(columns) - 1))
        self.shown_rows = rows
        self.shown_columns = columns
        filter_box = self.query_one("#filter", Input)

        def place(table: DataTable) -> None:
            # The cursor's row on the same screen line as before, then its cell scrolled into
            # view (a column the user can see).
            if rows.height:
                table.scroll_to(
                    x=scroll_x, y=max(0, row_index - screen_line), animate=False, immediate=True
                )
                table.move_cursor(row=row_index, column=column_index)

        if old is not None:
            old.replace_data(LayoutBackend(layout))
            place(old)
            if self.focused is None and not filter_box.can_focus:
                self.set_focus(old)
            return
        self._table_serial += 1
        table = DataTable(
            backend=LayoutBackend(layout),
            render_markup=False,
            cursor_type="cell",
            zebra_stripes=True,
            show_row_labels=False,
            max_column_content_width=400,  # cells are cut by the layout; the prompt may fill a wide screen
            id=f"prompts-{self._table_serial}",
            classes="prompts",
        )
        box = self.query_one("#table-box", Container)
        box.remove_children()
        box.mount(table)
        self._table = table
        if self._placing is None:
            self._placing = []

        def placed() -> None:
            # Once mounted and laid out, the keys go to the table unless the user went to the
            # filter box meanwhile. A first table starts at its first cell: placing it again
            # here undid a move made before this refresh (a test's cursor on run B's row went
            # back to the first row under load).
            if not filter_box.can_focus:  # can_focus: the user pressed "/"
                self.set_focus(table)
            if self._table is table:  # (not a table replaced before its first refresh)
                self._table_placed()

        table.call_after_refresh(placed)

    def _table_placed(self) -> None:
        waiting, self._placing = self._placing or [], None
        for callback in waiting:
            callback()

    def after_table_placed(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the table has the keys: now, or after a new table's first
        refresh. Keys typed ahead and handed over as the first table was mounted went to no
        widget ('j j' Enter typed after 'evaltui DIR' opened the first prompt, not the third)."""
        if self._placing is None:
            callback()
        else:
            self._placing.append(callback)

    def current_table(self) -> DataTable | None:
        table = self._table
        if table is not None and table.is_attached:
            return table
        tables = self.query(".prompts")
        self._table = cast(DataTable, tables.first()) if tables else None
        return self._table

    def cursor_key(self) -> tuple[str, str] | None:
        """(run, prompt_id) of the row under the cursor, from the rows the table was built from
        (never from the displayed cells, which are shortened and sanitized)."""
        table = self.current_table()
        rows = self.shown_rows
        if table is None or rows is None or not 0 <= table.cursor_row < rows.height:
            return None
        return str(rows["run"][table.cursor_row]), str(rows["prompt_id"][table.cursor_row])

    def view_keys(self) -> pl.DataFrame:
        """Every (run, prompt_id) of the table, in its order (the rows `.`/`,` walk): a
        projection of the rows shown, never a Python list (a million rows on each enter)."""
        rows = self.shown_rows
        if rows is None:
            return pl.DataFrame(schema={"run": pl.String, "prompt_id": pl.String})
        return rows.select("run", "prompt_id")

    def cursor_column(self) -> str | None:
        table = self.current_table()
        columns = self.shown_columns
        if table is None or columns is None:
            return None
        index = table.cursor_column
        return columns[index] if 0 <= index < len(columns) else None

    def on_screen_resume(self) -> None:
        # A layout asked for while a dialog was on top is not done then: after a resize under
        # the sort menu (60x20 -> 120x35) the header, one line now, kept its second line blank.
        # Asked again after the next refresh: the first can be answered from the screen's
        # arrangement of before the header's new text (a CPU-starved app, where a layout ran
        # between the header's update and its idle), which left it two lines high for good.
        summary = self.query_one("#summary", Static)
        summary.refresh(layout=True)
        self.call_after_refresh(summary.refresh, layout=True)
        self._back_from_prompt()

    def _back_from_prompt(self) -> None:
        """Back from a prompt screen: the cursor on the prompt last read there, in sight
        (:func:`~evaltui.app.tables.cursor_on_last_read`)."""
        reading, self._reading = self._reading, None
        if reading is not None and self.shown_rows is not None:
            cursor_on_last_read(self.current_table(), self.shown_rows, reading)

    def on_resize(self, _event: events.Resize) -> None:
        # Widths follow the terminal: the prompt and run columns are cut for the new width. The
        # first Resize comes after the first view was asked for at this very width: asking
        # again built the first table twice (two views competing for the GIL at start-up).
        app = self.evalapp
        if self._follow_wordings:
            self.show_follow_status(self._follow_wordings)
        self._fit_view_error()
        if app.result is not None:
            app.show_header_now(app.result)  # (a header made for the old width is not shown)
            if app.view_width != app.size.width:
                app.request_view(app.wanted)
            else:  # the box's new height is known once laid out
                self.call_after_refresh(self._refit_to_rows)

    def _refit_to_rows(self) -> None:
        """The view again when the table gains or loses its vertical scrollbar in a resize of
        the height alone (its columns were fitted to the room with or without it)."""
        app, rows = self.evalapp, self.shown_rows
        if rows is None or app.result is None:
            return
        old, new = app.view_rows, self.table_rows()
        if old is not None and new is not None and (rows.height > old) != (rows.height > new):
            app.request_view(app.wanted)

    # --- filter bar -----------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        # The filter box takes focus only from "/" (never as the next widget in line when the
        # table is replaced). Focus now, not on the next idle (Widget.focus defers): keys typed
        # right after "/" in the same burst (a paste, tmux send-keys) must land in the filter.
        box = self.query_one("#filter", Input)
        box.can_focus = True
        self.set_focus(box)

    @on(Input.Blurred, "#filter")
    def filter_left(self) -> None:
        self.query_one("#filter", Input).can_focus = False

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        text = event.value
        self._debounce = self.set_timer(FILTER_DEBOUNCE, lambda: self._apply_where(text))

    def filter_submitted(self, value: str) -> None:
        """Enter in the filter box, at once (:class:`~evaltui.app.inputs.OrderedInput`): the
        keys typed after it act on the table."""
        if self._debounce is not None:
            self._debounce.stop()
        self._apply_where(value)
        result = self.evalapp.result
        if result is not None:
            try:  # the grammar only (no rows): the worker still reports what polars refuses
                parse_filter(value, result.stats.schema)
            except QueryError as exc:
                # The box keeps the keys: the next ones typed correct the filter. On the table
                # they were commands (a 'q' in the correction quit the app).
                self.show_view_error(exc.message, exc.position)
                self.say_view_error()
                return
            # "accuracy < 0.2" of an mae (lower is better) or a 0-100 bleu: said what it reads.
            scale = where_scale_note(result.stats, value, self.evalapp.wanted.run)
            if scale is not None:
                self.evalapp.say(scale)
        self.back_to_table()

    def _apply_where(self, text: str) -> None:
        if text != self.evalapp.wanted.where:
            self.evalapp.request_view(self.evalapp.wanted.replace(where=text))
        else:
            # The box holds the filter shown (an invalid one cleared: the view fell back to the
            # last valid one, so nothing is computed again): its error is past. It stayed on
            # screen under an empty filter box, the table showing every prompt.
            self._hide_filter_error()

    def _hide_filter_error(self) -> None:
        self.view_error = None
        error = self.query_one("#filter-error", Static)
        if error.display:  # (an update of the hidden line would relay the screen out)
            error.update("")
            error.display = False

    def back_to_table(self) -> None:
        """Leave the filter box: the table gets the keys (nothing does before it exists)."""
        self.query_one("#filter", Input).can_focus = False
        self.set_focus(self.current_table())

    def key_escape(self) -> None:
        """esc on the table: stops a re-score running; the table gets the keys.

        An escape typed in the filter box never comes here (the box acts on it). With the box
        focused, this escape was read before the '/' that focused it, which ran first (a
        priority key runs as it is read, this escape once the screen gets to it): the focus
        stays in the box. Taken back, Escape, '/', 'n > 1' read together (tmux, 80x24, a busy
        app) applied the 'never solved' quick filter and lost the filter."""
        in_filter = self.focused is self.query_one("#filter", Input)  # (has_focus comes later)
        if not in_filter and self.query(HelpPanel):
            # The palette's "Keys" panel (Textual's) took a third of the table at 80 columns
            # and esc left it there; q, tried next, quit the app. esc closes it first.
            self.app.action_hide_help_panel()
            return
        if not in_filter and self.evalapp.cancel_rescore():
            self.evalapp.say("re-scoring stopped: the scores shown stay")
        if not in_filter:
            self.back_to_table()

    # --- sort, quick filters, runs ----------------------------------------------------------

    def action_sort_column(self, descending: bool) -> None:
        column = self.cursor_column()
        if column is None:  # (no table yet: it said nothing, where s says why)
            self.prompts_shown("[ and ] sort")
            return
        self.evalapp.request_view(self.evalapp.wanted.replace(sort=Sort(column, descending)))

    def sort_by(self, column: str, descending: bool | None = None) -> None:
        """Sort by ``column``; without a direction, the same column again flips it."""
        current = self.evalapp.wanted.sort
        if descending is None:
            descending = current is not None and current.column == column and not current.descending
        self.evalapp.request_view(self.evalapp.wanted.replace(sort=Sort(column, descending)))

    @on(DataTable.HeaderSelected)
    def header_clicked(self, event: DataTable.HeaderSelected) -> None:
        # The columns as shown: the sorted-by one may stand left of its place (keep_in_view).
        columns = self.shown_columns
        if columns is not None and 0 <= event.column_index < len(columns):
            self.sort_by(columns[event.column_index])

    def sortable_columns(self) -> list[tuple[str, str]]:
        """(column, display name) of every column the table shows."""
        rows = self.shown_rows
        load = self.evalapp.result.stats if self.evalapp.result is not None else None
        return [] if rows is None else [(c, label) for c, label, _k in table_columns(rows, load)]

    def action_sort_menu(self) -> None:
        from evaltui.app.screens.sort import SortScreen

        columns = self.sortable_columns()
        if not columns:
            self.prompts_shown("sorting opens")
            self.nothing_opened()
            return

        def chosen(column: str | None) -> None:
            if column is not None:
                self.sort_by(column)

        self.app.push_screen(
            SortScreen(columns, self.evalapp.wanted.sort, self.sortable_columns), chosen
        )

    def action_quick(self, key: str) -> None:
        result = self.evalapp.result
        if key == "disagree" and (result is None or "n_flipped" not in result.stats.columns):
            app = self.evalapp
            if app.rescoring:
                app.say("still re-scoring: d works when it is done")
            elif app.loading and app.rescore_options is not None and app.rescore_error is None:
                # a re-score asked for (--rescore, or R during the load) starts once loaded
                app.say(
                    f"re-scores with {app.rescore_options.scorer} once the files are read: "
                    "d works when it is done"
                )
            else:
                app.say(
                    "nothing was re-scored: R re-scores (math-verify, exact, lm-eval:TASK, "
                    "module:function), or open with evaltui PATH --rescore NAME"
                )
            return
        view = self.evalapp.wanted
        if view.quick != key and result is not None:
            # Runs with no "correct" (a bleu, an mae): said, not shown as "no prompt matches".
            unjudged = quick_unjudged(result.stats, key, view.run)
            if unjudged is not None:
                message, matchable = unjudged
                self.evalapp.say(message)
                if not matchable:
                    return
        self.evalapp.request_view(view.replace(quick=None if view.quick == key else key))

    def runs(self) -> list[str]:
        result = self.evalapp.result
        if result is None:
            return []
        return [str(r) for r in result.stats["run"].unique(maintain_order=True).to_list()]

    def action_next_run(self) -> None:
        runs: list[str | None] = [None, *self.runs()]
        if len(runs) <= 2:
            # Pressed while the files are read, "only one run is loaded" was said of two runs.
            if not self.prompts_shown("r cycles through the runs"):
                return
            app = self.evalapp
            reading = app.loading and app.stage == "reading"
            self.evalapp.say(
                "only one run is read so far: the files are still being read"
                if reading
                else "only one run is loaded"
            )
            return
        wanted = self.evalapp.wanted.run
        current = runs.index(wanted) if wanted in runs else 0
        self.show_run(runs[(current + 1) % len(runs)])

    def show_run(self, run: str | None) -> None:
        """Only ``run``'s prompts (None: every run's)."""
        self.evalapp.request_view(self.evalapp.wanted.replace(run=run))

    def action_clear_view(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.evalapp.request_view(View())

    # --- other screens ----------------------------------------------------------------------

    def prompts_shown(self, what: str) -> bool:
        """True once the table has had prompts; before that, tells the user why a key they
        pressed while the files are still read does nothing yet, and that it is not queued: "R:
        re-scoring opens once the prompts are shown" read as if the dialog would open by itself."""
        if self.evalapp.rows is not None:
            return True
        self.evalapp.say_until_prompts(
            f"still reading the files: {what} once the prompts are shown (press it again then)"
        )
        return False

    def no_prompt_shown(self) -> str:
        """Why enter opens nothing on a table with no row: no file read yet (following an eval
        before its first file), or a view that holds no prompt. Enter said nothing."""
        result = self.evalapp.result
        if result is not None and not result.read_files:
            if self.evalapp.following.is_set():
                return "no prompt to open yet: waiting for files to appear in the inputs"
            return "no prompt to open: no file was read"
        if result is not None and not result.stats.height:
            # Files read, every record bad (an Inspect log whose samples all errored): "/
            # changes the filter" sent the user to a filter that was empty.
            why = " (b lists the bad lines and notes)" if result.errors or result.notes else ""
            return f"no prompt to open: the files read hold none{why}"
        return "no prompt to open: the view holds none (/ changes the filter)"

    def generations_loaded(self, what: str) -> bool:
        """True once the generations are loaded; a warm load shows its table from the cache's
        snapshot first and reads the generations behind it: until then, says so."""
        if not self.prompts_shown(what):
            return False
        result = self.evalapp.result
        if result is None or not result.generations_pending:
            return True
        # Taken down when they are (it stayed up for its full time after, as if the screen
        # would open by itself then); keys are not queued, as before the prompts.
        self.evalapp.say_until_generations(
            f"still reading the generations: {what} once they are loaded (press it again then)"
        )
        return False

    def on_view(self, act: Callable[[], None]) -> bool:
        """True when the view asked for is on the table (or no table is yet); else ``act``
        runs once it is: a key typed right behind a filter, a sort or a run picked acts on the
        rows they show (:meth:`EvalApp.after_view`)."""
        return self.evalapp.rows is None or self.evalapp.after_view(act)

    def action_open_prompt(self) -> None:
        if self.query_one("#filter", Input).has_focus:
            return
        if not self.on_view(self.action_open_prompt):
            return
        key = self.cursor_key()
        if key is None:
            if self.prompts_shown("a prompt opens"):
                self.evalapp.say(self.no_prompt_shown())
            self.nothing_opened()
            return
        if not self.generations_loaded("a prompt opens"):
            self.nothing_opened()
            return
        from evaltui.app.screens.prompt import PromptScreen

        table = self.current_table()
        position = None if table is None else table.cursor_row
        self._reading = PromptScreen(
            *key, keys=self.view_keys(), position=position, keys_of=self.view_keys
        )
        self.app.push_screen(self._reading)

    def open_cursor_row(self) -> None:
        """Enter or a double click on the table (:class:`~evaltui.app.tables.OpensRows`)."""
        self.action_open_prompt()

    @on(DataTable.CellSelected)
    def cell_selected(self, _event: DataTable.CellSelected) -> None:
        self.action_open_prompt()

    @on(DataTable.NothingSelected)
    def nothing_selected(self, _event: DataTable.NothingSelected) -> None:
        self.action_open_prompt()  # says why nothing opens

    def nothing_opened(self) -> None:
        """An opener's key (:meth:`key_opens_later`) opens nothing (said why): the keys held
        behind it act here."""
        self.evalapp.release_keys_for_screen()

    def action_plot(self) -> None:
        if not self.on_view(self.action_plot):
            return
        if not self.generations_loaded("the plots open"):
            self.nothing_opened()
            return
        from evaltui.app.screens.plot import PlotScreen

        self.app.push_screen(PlotScreen())

    def action_export(self) -> None:
        if not self.on_view(self.action_export):
            return
        if not self.generations_loaded("export opens"):
            self.nothing_opened()
            return
        from evaltui.app.screens.export import ExportScreen

        self.app.push_screen(ExportScreen())

    def action_problems(self) -> None:
        from evaltui.app.screens.problems import ProblemsScreen

        self.app.push_screen(ProblemsScreen())

    def action_summary(self) -> None:
        if not self.on_view(self.action_summary):
            return
        if not self.generations_loaded("the summary opens"):
            self.nothing_opened()
            return
        from evaltui.app.screens.summary import SummaryScreen

        self.app.push_screen(SummaryScreen())

    OPENERS: ClassVar[frozenset[str]] = frozenset(
        {"compare", "export", "summary", "plot", "problems", "sort_menu", "rescore", "app.help"}
    )
    """The actions of this screen's keys that open a screen (:meth:`key_opens_later`)."""

    def key_opens_later(self, key: str) -> bool:
        """Whether ``key``, read now, opens a screen whose keys come later (the app holds the
        keys read behind it until that screen has them: ``EvalApp.hold_keys_for_screen``):
        ``m`` (compare or the run picker), ``e``, ``t``, ``p``, ``b``, ``s``, ``R``, ``?``, and
        enter on the table (a prompt).

        Such a key runs once it has come back up from the table, and the keys read with it
        went to the table meanwhile; a priority key ('/') ran as it was read, before it: 'e'
        then a path and ctrl+s in one burst (tmux send-keys) focused the filter, which got the
        path, and opened nothing; 't /', 'p /', 'enter /' likewise. Without the '/', the path
        of 'e /tmp/x.json ctrl+s' was lost (read before the dialog was drawn) and ctrl+s wrote
        the default path."""
        active = self.app.active_bindings.get(key)
        if active is None or active.binding.priority:
            return False
        action = active.binding.action
        if action == "select_cursor":  # the table's enter: the row under its cursor opens
            table = self.current_table()
            return active.node is table and table is not None and table.row_count > 0
        if action == "help" and active.node is self.app:
            return True
        return (
            active.node is self
            and action in self.OPENERS
            and bool(self.check_action(action.removeprefix("app."), ()))
        )

    def keys_leaving(self, key: str) -> frozenset[str]:
        """The keys that leave the screen ``key`` opens at once, the keys held before them
        with it (``EvalApp.hold_keys_for_screen``): escape and q leave compare, which waits
        for its table; the other screens are up at their first refresh and take every key
        held for them, in order (a path with a q typed behind ``e`` is the export's)."""
        active = self.app.active_bindings.get(key)
        if active is not None and active.binding.action == "compare":
            return frozenset({"escape", "q"})
        return frozenset()

    def action_compare(self) -> None:
        """Compare two runs: the two loaded (the run picker's as A), or a pair the user picks."""
        if not self.on_view(self.action_compare):
            return
        if not self._open_compare():
            self.nothing_opened()

    def _open_compare(self) -> bool:
        """Open compare or the run picker; False when neither opens."""
        runs = self.runs()
        if not runs:
            self.prompts_shown("compare opens")
            return False
        if not self.generations_loaded("compare opens"):
            return False
        from evaltui.app.screens.compare import open_compare

        result = self.evalapp.result
        stats = result.stats if result is not None else None
        return open_compare(self.app, runs, self.evalapp.wanted.run, stats)

    def action_rescore(self) -> None:
        """``R``: the re-score dialog (scorer; the current view's prompts or all)."""
        app = self.evalapp
        if not self.on_view(self.action_rescore):
            return
        if not self.generations_loaded("re-scoring opens"):
            self.nothing_opened()
            return
        from evaltui.app.screens.rescore import RescoreRequest, RescoreScreen

        def chosen(request: RescoreRequest | None) -> None:
            if request is None:
                return
            rows = app.rows
            only = None
            if request.scope == "view" and rows is not None:
                only = rows.select("run", "prompt_id")
            app.rescore_from_dialog(request.scorer, only, reextract=request.reextract)

        self.app.push_screen(RescoreScreen(), chosen)

    def action_resume_lengths(self) -> None:
        if self.evalapp.resume_lengths():
            self.evalapp.say("counting the token lengths left: the table stays as it is until then")
            self.refresh_bindings()

    def action_cancel_load(self) -> None:
        if not self.evalapp.loading and self.evalapp.cancel_rescore():
            self.evalapp.say("re-scoring stopped: the scores shown stay")
            return
        if self.evalapp.cancel_load():
            self.evalapp.say(
                "token lengths will be skipped: the files are read first"
                if self.evalapp.stage == "reading"
                else "stopping: token lengths so far are kept"
            )
            self.refresh_bindings()


def nearest_kept(old: pl.DataFrame, new: pl.DataFrame, at: int, near: int = 1000) -> int | None:
    """Where in ``new`` the row that takes the cursor off ``old``'s row ``at`` (gone from
    ``new``) is: the same prompt in another run when ``new`` has it (its run's file was
    deleted: the user was reading that prompt), else the nearest of ``old``'s rows after
    ``at`` that ``new`` still has, else the last before it (a list whose row went away shows
    the one that came next; the last row when the rows after it all went). None when ``new``
    has none of ``old``'s rows. The ``near`` rows either side of ``at`` are looked up first
    (all of them took 0.5 s at a million rows); the rest only when no row after ``at`` among
    them is kept: a run of 2,100 prompts deleted under the cursor on its 1,050th left it on
    the 1,050th row of the list, or the last, not on the first row that came after the run."""
    keys = ["run", "prompt_id"]
    if 0 <= at < old.height:
        same = (
            new.select(keys)
            .with_row_index("_new")
            .filter(pl.col("prompt_id") == old["prompt_id"][at])
        )
        if same.height:
            return int(same["_new"][0])
    start = max(0, at - near)
    indexed = new.select(keys).with_row_index("_new")

    def kept_of(start: int, length: int | None) -> pl.DataFrame:
        rows = old.select(keys).slice(start, length).with_row_index("_old", offset=start)
        return rows.join(indexed, on=keys, how="inner").sort("_old")

    kept = kept_of(start, 2 * near + 1)
    after = kept.filter(pl.col("_old") > at)
    if not after.height and start + 2 * near + 1 < old.height:
        # None kept of the rows just after: the first kept further on, if any, is the next.
        after = kept_of(start + 2 * near + 1, None).head(1)
    if after.height:
        return int(after["_new"][0])
    if not kept.height and start > 0:
        kept = kept_of(0, start)
    return int(kept["_new"][-1]) if kept.height else None

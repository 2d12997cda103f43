"""Turning data into safe display values: every untrusted string goes through ``sanitize``."""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.text import Text

from evaltui.data.columns import MEAN_SCORE, STORED_MEAN_SCORE, display_name
from evaltui.data.distinct import (
    Ends,
    distinct_expr,
    merge_ends,
    prompt_ends,
    starts_from_ends,
)
from evaltui.data.extract import box_spans
from evaltui.data.loader import LoadProgress
from evaltui.data.metrics import ACCURACY_KINDS, format_score, measure_named
from evaltui.data.query import SCALED_COLUMNS, View, score_scales
from evaltui.data.rescore import stored_accuracy_rows
from evaltui.data.sanitize import (
    cell_width,
    distinct_middle,
    first_fitting,
    max_cells,
    name_line,
    one_line,
    one_line_expr,
    one_line_middle,
    visible,
)
from evaltui.data.wording import plural

#: Table columns in order, when present in the Stats frame: (column, kind). Kinds: "text";
#: "fraction" (a rate in [0, 1], always three decimals); "count" (an integer; lengths are whole
#: tokens, averages rounded to one).
TABLE_COLUMNS: list[tuple[str, str]] = [
    ("prompt", "text"),
    ("run", "text"),
    ("count", "count"),
    ("average_accuracy", "fraction"),
    # the prompt's own score where a format gives one (an Inspect epochs reducer, lm-eval's
    # majority vote over repeats): shown when a row has one, to sort and read by it
    ("prompt_score", "fraction"),
    # after a re-score (evaltui PATH --rescore NAME): the stored scores' accuracy and the
    # generations whose verdict flipped ("disagree")
    ("stored_average_accuracy", "fraction"),
    ("n_flipped", "count"),
    ("n_correct", "count"),
    ("max_gen_length", "count"),
    ("avg_gen_length", "count"),
    ("median_gen_length", "count"),
    ("answer", "text"),
    ("triage", "text"),
]
OPTIONAL_COLUMNS = frozenset({"prompt_score"})
"""Columns of every Stats frame shown only when a row has a value (most runs have none)."""
NAME_COLUMNS = frozenset({"prompt_id"})
"""Text columns whose values are names (:func:`~evaltui.data.sanitize.name_line`): their
newlines and tabs shown (``toy␊math:0``), not folded to a space (the id column read ``toy
math:0``, a task 'toy math', where the comparison and the prompt screen show ``toy␊math:0``)."""
#: Sampling metrics appear after the fixed columns when the Stats frame has them.
METRIC_PATTERN = re.compile(r"^(pass|maj|cons|avg)@\d+$|^n_unique_answers$|^agreement$")
PROMPT_WIDTH = 60
ANSWER_WIDTH = 24
FRACTION_DECIMALS = 3
"""Every rate on every screen is a fraction in [0, 1] with three decimals (0.750), as the filter
language writes it (``accuracy < 0.2``); no screen shows percentages."""


TOAST_CHROME = 4
"""Cells of a toast that are not its text: its coloured edge, its padding and a margin."""


def toast_width(screen_width: int) -> int:
    """The cells of text on a toast's line: Textual's toast is 60 cells wide, half the screen
    at most (36 cells of text at 80 columns)."""
    return max(12, min(60, screen_width // 2) - TOAST_CHROME)


def written_path(path: str | os.PathLike[str]) -> str:
    """Where a file was written, as a message says it: absolute, the home folder as ``~``
    (``./x.json`` and ``~/x.json`` were said as typed, nothing of where they went, while the
    default path was a whole absolute one)."""
    absolute = Path(os.path.abspath(path))
    try:
        home = Path.home()
    except RuntimeError:  # (no home folder known)
        return str(absolute)
    if home == Path(home.anchor) or not absolute.is_relative_to(home):
        return str(absolute)
    rest = absolute.relative_to(home)
    return "~" if rest == Path() else f"~/{rest.as_posix()}"


def path_lines(path: str, width: int) -> list[str]:
    """``path`` on lines of ``width`` cells, each broken after a ``/``: a folder name longer
    than a line cut in the middle (``deepseek-ai__DeepSe…ampling-t0.6/``), the file name kept
    whole (on its own line(s) when it does not fit). A toast wraps at spaces only: a path was
    broken anywhere ('…DeepSeek-R1-Distill-Qwen-32B-long-contex' / 't-sampling-t0.6/…')."""
    shown = name_line(path)
    *folders, name = re.findall(r"[^/]*/|[^/]+$", shown) or [shown]
    if name.endswith("/"):  # (a folder's path)
        folders, name = [*folders, name], ""
    lines: list[str] = []
    line = ""
    for folder in folders:
        if cell_width(folder) > width:
            folder = one_line_middle(folder[:-1], width - 1) + "/"
        if line and cell_width(line + folder) > width:
            lines.append(line)
            line = ""
        line += folder
    if line and cell_width(line + name) > width:
        lines.append(line)
        line = ""
    return [*lines, line + name]


def fraction(value: float | None) -> str:
    """A rate as every screen shows it: ``0.750``; ``–`` when unknown."""
    return "–" if value is None else f"{value:.{FRACTION_DECIMALS}f}"


def mean_header(stats: pl.DataFrame) -> str:
    """What the per-prompt mean score column is called for these rows: ``accuracy`` only when
    every scored run's score is an accuracy (0/1 or a 0–1 credit); ``mean score`` when a run's
    is a continuous metric (a mean mae of 186.9 is no accuracy) or a 0–1 measure named for what
    it is (a mean f1 or reward: :func:`~evaltui.data.metrics.measure_named`), whose name the
    header line says."""
    if "score_kind" not in stats.columns or stats.height == 0:
        return display_name("average_accuracy")
    kinds = set(stats["score_kind"].unique().to_list())
    if not kinds <= {*ACCURACY_KINDS, "unscored", None}:
        return MEAN_SCORE
    if "fraction" in kinds and "score_metric" in stats.columns:
        named = stats.filter(pl.col("score_kind") == "fraction")["score_metric"].unique()
        if any(measure_named(name) for name in named.to_list()):
            return MEAN_SCORE
    return display_name("average_accuracy")


def stored_mean_header(stats: pl.DataFrame) -> str:
    """What the stored scores' mean column (after a re-score) is called for these rows: ``stored
    acc`` only when every run's stored score is an accuracy; ``stored score`` when a run's is
    not (no notion of correct, or a continuous metric given a threshold) while it has scores, as
    a re-scored lm-eval bleu_max or mae run's 19.7 or inf there is no accuracy."""
    if "stored_n_correct" not in stats.columns or "stored_n_scored" not in stats.columns:
        return display_name("stored_average_accuracy")
    continuous = stats.filter(~stored_accuracy_rows(stats) & (pl.col("stored_n_scored") > 0)).height
    return STORED_MEAN_SCORE if continuous else display_name("stored_average_accuracy")


def _grown_mean_header(stats: pl.DataFrame, grown_from: TableLayout | None) -> str:
    """:func:`mean_header` of ``stats``; of a followed append (``grown_from``: the layout on
    screen, whose rows are the first of these), from its header and the appended rows' (a
    column is "mean score" when any row makes it so), not a ``unique`` of the whole table on
    every update (~0.1 ms of the view worker at 3,600 rows, ~0.3 ms at 33,000)."""
    old = grown_from.rows.height if grown_from is not None else 0
    if grown_from is not None and 0 < old <= stats.height:
        shown = [label for c, label, _k in grown_from.columns if c == "average_accuracy"]
        if shown == [MEAN_SCORE]:
            return MEAN_SCORE
        if shown == [display_name("average_accuracy")]:
            return mean_header(stats.slice(old))
    return mean_header(stats)


def table_columns(
    stats: pl.DataFrame,
    named_by: pl.DataFrame | None = None,
    grown_from: TableLayout | None = None,
) -> list[tuple[str, str, str]]:
    """The columns the prompt table shows for this Stats frame: (column, header, kind).
    ``named_by``: the rows the score columns are named by when ``stats`` has none (the load's,
    for a view no prompt matches: its empty table said "accuracy" over runs whose column
    read "mean score"). ``grown_from``: the layout on screen when ``stats`` is a followed
    append to its rows (:func:`_grown_mean_header`)."""
    headers = {
        "average_accuracy": lambda named: _grown_mean_header(named, grown_from),
        "stored_average_accuracy": stored_mean_header,
    }
    named = named_by if named_by is not None and stats.height == 0 else stats
    fixed = [
        (c, headers[c](named) if c in headers else display_name(c), k)
        for c, k in TABLE_COLUMNS
        if c in stats.columns
        and (c not in OPTIONAL_COLUMNS or stats[c].null_count() < stats.height)
    ]
    extra = [
        (c, display_name(c), "count" if c == "n_unique_answers" else "fraction")
        for c in stats.columns
        if METRIC_PATTERN.match(c)
    ]
    # The answer and the triage flags come after the metrics, the id last.
    last = {"answer", "triage"}
    head = [c for c in fixed if c[0] not in last]
    tail = [c for c in fixed if c[0] in last]
    return head + extra + tail + [("prompt_id", display_name("prompt_id"), "text")]


def of_several_runs(rows: pl.DataFrame) -> bool:
    """Whether ``rows`` (Stats rows) hold more than one run's prompts."""
    return rows.height > 1 and bool(rows["run"].ne_missing(rows["run"][0]).any())


def prompts_and_runs(rows: pl.DataFrame) -> str:
    """``rows`` (Stats rows) counted by prompt and run, ``10 prompts × 2 runs`` (``20 rows of 2
    runs`` when not every run has every prompt); one run's are ``10 prompts``. Counts distinct
    values: for a worker thread, not for every key press."""
    runs = rows["run"].n_unique() if rows.height else 0
    if runs <= 1:
        return plural(rows.height, "prompt")
    prompts = rows["prompt_id"].n_unique()
    if prompts * runs == rows.height:
        return f"{plural(prompts, 'prompt')} × {runs} runs"
    return f"{plural(rows.height, 'row')} of {runs} runs"


def view_words(
    view: View, stats: pl.DataFrame | None, scales: int | None = None, run_width: int = 60
) -> str:
    """``view`` described with the table's headers for its columns (``sort accuracy ↓``, or
    ``sort mean score ↓`` for a continuous score, as the column is headed; ``(each scale
    apart)`` when the runs' scores have several scales). ``scales``: :func:`score_scales` of
    ``stats`` when the caller has it (counted here otherwise, a pass over the table);
    ``run_width``: the cells the run label is cut to (in the middle, as the table cuts it)."""
    # The headers name the sort's column only (each followed update's status line made them,
    # a pass over every row, for a view with no sort).
    names = (
        None
        if stats is None or view.sort is None
        else {c: header for c, header, _k in table_columns(stats)}
    )
    scaled = stats is not None and view.sort is not None and view.sort.column in SCALED_COLUMNS
    if scales is None:
        scales = score_scales(stats) if scaled and stats is not None else 1
    return view.describe(names, scales=scales, run_width=run_width)


def column_widths(terminal_width: int) -> tuple[int, int]:
    """(prompt, run) column widths for a terminal this wide: the run label gets about a fifth
    (12–40 cells), the prompt what the first number columns leave (20–100 cells)."""
    run = max(12, min(40, terminal_width // 5))
    prompt = max(20, min(100, terminal_width - run - 44))
    return prompt, run


def prompt_width(terminal_width: int) -> int:
    """Room for the prompt column on a terminal this wide."""
    return column_widths(terminal_width)[0]


def fraction_text(column: str) -> pl.Expr:
    """A rate column as text with three decimals (``0.750``; ``inf``/``nan`` for the non-finite
    scores some metrics have), so a column never mixes ``1`` with ``0.75``."""
    value = pl.col(column)
    finite = pl.when(value.is_finite()).then(value.round(FRACTION_DECIMALS))
    text = finite.cast(pl.Decimal(38, FRACTION_DECIMALS), strict=False).cast(pl.String)
    special = (
        pl.when(value.is_nan())
        .then(pl.lit("nan"))
        .when(value.is_infinite())
        .then(pl.when(value > 0).then(pl.lit("inf")).otherwise(pl.lit("-inf")))
    )
    return pl.coalesce(text, special)


class TextCells:
    """One-line cells of text columns (:func:`~evaltui.data.sanitize.one_line_expr`), remembered
    by text and width: a table rebuilt because a few rows changed (following an eval) cuts and
    measures only the texts it has not shown before. Safe to share between view workers."""

    KEEP = 4
    """Widths remembered (a resize asks for new ones)."""

    def __init__(self) -> None:
        self._known: dict[tuple[int, bool, bool], pl.DataFrame] = {}
        self._lock = threading.Lock()

    def cells(
        self, values: pl.Series, limit: int, *, pad: bool = False, names: bool = False
    ) -> pl.Series:
        """``values`` as :func:`one_line_expr` cells (null is the empty text); ``names``: as
        names (:data:`NAME_COLUMNS`)."""
        texts = pl.DataFrame({"text": values.cast(pl.String).fill_null("")})
        with self._lock:
            known = self._known.pop((limit, pad, names), None)
        if known is None:
            missing = texts.unique(maintain_order=True)
        else:
            missing = texts.join(known, on="text", how="anti").unique(maintain_order=True)
        if missing.height or known is None:
            made = missing.select(
                "text", one_line_expr("text", limit, pad=pad, names=names).alias("cell")
            )
            if known is None or known.height > 2 * texts.height + 10_000:
                # Bounded: texts no longer shown are forgotten now and then.
                known = (
                    made
                    if known is None
                    else pl.concat([known.join(texts, on="text", how="semi"), made])
                )
            else:
                known = pl.concat([known, made])
        assert known is not None
        with self._lock:
            self._known[(limit, pad, names)] = known
            while len(self._known) > self.KEEP:
                del self._known[next(iter(self._known))]
        joined = texts.join(known, on="text", how="left", maintain_order="left")
        return joined.get_column("cell")


def display_frame(
    rows: pl.DataFrame,
    width: int = PROMPT_WIDTH,
    run_width: int = 24,
    fit: int | None = None,
    cells: TextCells | None = None,
) -> pl.DataFrame:
    """The table's frame for every row of ``rows`` (see :class:`TableLayout`, which the app
    uses to make the cells of the rows on screen only)."""
    return table_layout(rows, width, run_width, fit).frame(cells=cells)


#: Cells a table column takes beyond its text (one of padding each side), and the cells of the
#: screen's width the prompt table's columns do not get: its box is two narrower than the
#: screen (the filter box's margins), then one spare cell, or its vertical scrollbar's two when
#: it has more rows than it shows (fitted as if it had none, such a table's last column on
#: screen was cut by a cell with no mark: 'max le' over '3' and '43').
CELL_PADDING = 2
TABLE_CHROME = 3
SCROLLBAR_CHROME = 4

FIRST_CANDIDATES = 256
"""Values whose cell is made first when a text column's width is measured: those that could be
widest; more only when none of them reaches what the next could."""


@dataclass(frozen=True)
class TableLayout:
    """How the prompt table shows a view's rows: its columns, their widths and the cuts, decided
    once from every row (in polars, from lengths and extremes: no cell is made for that); the
    cells themselves are made by :meth:`frame` for the rows asked for, so a table of a million
    prompts makes the cells of the screen it shows, not a million rows of them.

    Every cell is one line, control characters made visible (:func:`one_line_expr`), one number
    format per column, rates right-aligned, run labels elided in the middle. With ``fit`` (the
    table's width in cells), the prompt column (``width`` cells at least) also takes the room
    that the columns that fit whole leave, so the last column on screen is never cut mid-value.
    """

    rows: pl.DataFrame
    columns: list[tuple[str, str, str]]
    """(column, label, kind) as :func:`table_columns` gives them."""
    widths: list[int]
    """Each column's cells' widest (in terminal cells; not its header's)."""
    limits: dict[str, int]
    """Text columns: the cells they are cut to."""
    runs: dict[str, str]
    """Each run label as shown."""
    pad_prompt: bool
    """Prompt cells filled to their column's width (a fitted table)."""
    prompt_cut: dict[str | None, int] = dataclasses.field(default_factory=dict)
    """By run (``None``: every row, without a run column): the characters every prompt of the
    run starts with, which its prompt cells leave out (made ``…``; see
    :mod:`evaltui.data.distinct`); the header or the status line names them."""
    prompt_after: dict[str | None, str] = dataclasses.field(default_factory=dict)
    """Those starts as a line shows them (markup left out, one line)."""
    prompt_ends: Ends = dataclasses.field(default_factory=dict)
    """By run: the smallest and the largest prompt (:func:`~evaltui.data.distinct.prompt_ends`),
    which the starts are found from; a followed update whose new rows come after these adds
    its own to them."""

    @property
    def prompt_start(self) -> str | None:
        """The start every prompt cell leaves out when it is the same for every row (else
        ``None``: no cut, or each run's own)."""
        starts = set(self.prompt_after.values())
        if len(starts) != 1:
            return None
        if None in self.prompt_after or set(self.prompt_after) >= set(self.runs):
            return starts.pop()
        return None

    @property
    def labels(self) -> list[str]:
        return [label for _c, label, _k in self.columns]

    def same_cells(self, other: TableLayout, start: int, length: int) -> bool:
        """True when ``length`` rows from row ``start`` have the very same cells in ``other``:
        the same columns, widths, cuts and run labels, and in those rows the same values of
        every column shown (the cells are made from nothing else). Past those rows the two may
        differ (and have more or fewer rows). No cell is made for it."""
        if (
            self.columns,
            self.widths,
            self.limits,
            self.runs,
            self.pad_prompt,
            self.prompt_cut,
        ) != (
            other.columns,
            other.widths,
            other.limits,
            other.runs,
            other.pad_prompt,
            other.prompt_cut,
        ):
            return False
        shown = [column for column, _l, _k in self.columns]
        mine = self.rows.slice(start, length)[shown]
        theirs = other.rows.slice(start, length)[shown]
        return mine.height == theirs.height and mine.equals(theirs)

    def unchanged_cells(self, other: TableLayout, start: int, length: int) -> list[set[int]]:
        """For each of ``length`` rows from row ``start`` that both layouts have, the columns
        (by index) whose cell is the very same in ``other``; ``other`` has the same columns
        (labels), maybe other widths. A cell is made from its value and its column's width and
        cut (the run column's labels, the prompt column's padding): a column whose width or cut
        changed has no cell the same, and a run cell is the same when its run's label is (a
        run that came or went, a followed run folder, leaves the other runs' cells as they
        were: every run cell on screen was made again). No cell is made for it."""
        if [c for c, _l, _k in self.columns] != [c for c, _l, _k in other.columns]:
            return []
        # A frame's schema is built again at each ``.schema`` (~40 µs at 40 columns): once here.
        schema, other_schema = self.rows.schema, other.rows.schema
        same_columns = [
            index
            for index, ((column, _l, _k), mine, theirs) in enumerate(
                zip(self.columns, self.widths, other.widths, strict=True)
            )
            if mine == theirs
            and schema[column] == other_schema[column]
            and self.limits.get(column) == other.limits.get(column)
            and (
                column != "prompt"
                or (self.pad_prompt, self.prompt_cut) == (other.pad_prompt, other.prompt_cut)
            )
        ]
        shown = [self.columns[index][0] for index in same_columns]
        mine_rows = self.rows.slice(start, length)[shown]
        theirs_rows = other.rows.slice(start, length)[shown]
        height = min(mine_rows.height, theirs_rows.height)
        if not shown:
            return [set() for _ in range(height)]
        relabelled = [
            run
            for run in self.runs.keys() | other.runs.keys()
            if self.runs.get(run) != other.runs.get(run)
        ]
        equal = mine_rows.head(height).select(
            (
                pl.col(name).eq_missing(theirs_rows.get_column(name).head(height))
                & (~pl.col(name).is_in(relabelled) if name == "run" and relabelled else True)
            ).alias(name)
            for name in shown
        )
        return [
            {index for index, same in zip(same_columns, row, strict=True) if same}
            for row in equal.iter_rows()
        ]

    def frame(
        self, start: int = 0, length: int | None = None, cells: TextCells | None = None
    ) -> pl.DataFrame:
        """The cells of ``length`` rows (all by default) from row ``start``. ``cells``: text
        cells already cut for an earlier table (the same result, less work)."""
        rows = self.rows.slice(start, length)
        if any(column == "prompt" for column, _l, _k in self.columns):
            # The part of each prompt that tells it apart (no chat markup, no shared start).
            rows = rows.with_columns(distinct_expr("prompt", self.prompt_cut))
        exprs: list[pl.Expr | pl.Series] = []
        schema = rows.schema  # built again at each ``.schema``: once
        for (column, label, kind), width in zip(self.columns, self.widths, strict=True):
            col = pl.col(column)
            if column == "run":
                exprs.append(col.replace_strict(self.runs, return_dtype=pl.String).alias(label))
            elif kind == "text":
                limit, pad = self.limits[column], column == "prompt" and self.pad_prompt
                names = column in NAME_COLUMNS
                if cells is not None:
                    values = rows.get_column(column)
                    exprs.append(cells.cells(values, limit, pad=pad, names=names).alias(label))
                else:
                    exprs.append(one_line_expr(column, limit, pad=pad, names=names).alias(label))
            elif kind == "fraction":
                # Rates align right: padded to the column's width (its header's at least), they
                # end at the right edge like the integer columns.
                pad_to = max(width, len(label))
                exprs.append(fraction_text(column).str.pad_start(pad_to).alias(label))
            elif schema[column].is_float():
                exprs.append(_whole(col).alias(label))
            else:
                exprs.append(col.alias(label))
        return rows.select(exprs)


def _whole(col: pl.Expr) -> pl.Expr:
    """A float count column as whole numbers (null where not finite)."""
    return pl.when(col.is_finite()).then(col.round(0)).cast(pl.Int64, strict=False)


INT64_RANGE = range(-(2**63), 2**63)


def whole_number(value: float | None) -> int | None:
    """:func:`_whole` of one value: rounded half to even (as polars rounds), None where not
    finite or past the Int64 range (where the cast gives null)."""
    if value is None or not math.isfinite(value):
        return None
    whole = round(value)
    return whole if whole in INT64_RANGE else None


def _number_width(ends: list[object]) -> int:
    """The widest of a number column's cells, as the table formats an integer (``f"{v:n}"``),
    from its smallest and largest value."""
    return max((len(f"{int(v):n}") for v in ends if isinstance(v, int | float)), default=0)


_PLAIN_CHAR = "[!-~\u00a1-\u00ac\u00ae-\u02ff]"
"""A printable character of one cell that :func:`one_line_expr` leaves as it is: ASCII but the
space, and Latin-1 and the Latin extensions up to the combining marks (U+0300) but the no-break
space and the soft hyphen (``×``, ``é``, ``½``, ``°``); the C1 controls and DEL are not in it."""
PLAIN_TEXT = f"^(?:{_PLAIN_CHAR}+(?: {_PLAIN_CHAR}+)*)?$"
"""Words of :data:`_PLAIN_CHAR` one space apart (or nothing): :func:`one_line_expr` leaves such a
text as it is (no whitespace to fold, no control to show, one cell a character) and cuts it to
``limit`` cells, so its cell is ``min(length, limit)`` cells wide (for ``limit >= 1``). Answers,
ids and triage flags are almost always plain: their width needs no cell made. (ASCII alone left
out every flag, ``cut×3 loop×1``: a followed update whose new rows had one cut its column in a
query of their own, ~2-4 ms of the view worker.)"""


def _column_widths(
    rows: pl.DataFrame, numbers: list[str], fractions: list[str], texts: dict[str, int]
) -> dict[str, int]:
    """The widest cell of each number column (whole numbers: that of its smallest or largest
    value), of each rate column (:func:`fraction_text`: that of its smallest or largest finite
    value, or of ``nan``/``-inf``/``inf`` when it has them) and of each text column (``texts``:
    column -> the cells it is cut to; the :data:`PLAIN_TEXT` values measured by their length).

    One query over the rows with plain aggregates (smallest, largest, any NaN or infinity: a
    float's smallest and largest skip NaN), then one over the few values that can be widest
    (their cells as the table makes them). Only a column with infinities has its finite
    extremes taken again, and only a text column with values that are not plain has those cut
    (:func:`_text_width`), each in a query of its own. (A query per measure and the cells made
    for the texts that could be widest took ~12 ms of each followed update at 1,000 prompts;
    this ~1 ms.)"""
    schema = rows.schema  # built again at each ``.schema``: once
    floats = [c for c in numbers if schema[c].is_float()]
    exprs, plain = _width_exprs(
        tuple(numbers), tuple(fractions), tuple(texts.items()), frozenset(floats)
    )
    if not exprs:
        return {}
    found = rows.select(exprs).row(0, named=True)
    widths: dict[str, int] = {}
    for i, (column, limit) in enumerate(texts.items()):
        widths[column] = int(found[f"t{i}plain"] or 0)
        if found[f"t{i}other"]:
            others = rows.select(pl.col(column).filter(~plain[column])).to_series()
            widths[column] = _text_width(others, limit, widths[column], column in NAME_COLUMNS)
    # The finite extremes: a column with an infinity has them taken again (rare).
    ends: dict[str, list[object]] = {}
    for i, column in enumerate(numbers):
        ends[column] = [found[f"n{i}min"], found[f"n{i}max"]]
    for i, column in enumerate(fractions):
        ends[column] = [found[f"f{i}min"], found[f"f{i}max"]]
    infinite = [c for i, c in enumerate(numbers) if c in floats and found[f"n{i}inf"]]
    infinite += [c for i, c in enumerate(fractions) if found[f"f{i}-inf"] or found[f"f{i}inf"]]
    if infinite:
        finite = []
        for column in infinite:
            value = pl.col(column).cast(pl.Float64)
            kept = pl.when(value.is_finite()).then(value)
            finite += [kept.min().alias(f"{column}\0min"), kept.max().alias(f"{column}\0max")]
        again = rows.select(finite).row(0, named=True)
        for column in infinite:
            ends[column] = [again[f"{column}\0min"], again[f"{column}\0max"]]
    # The cells of the values that can be widest, as the table makes them: floats counts as
    # whole numbers (null where not finite: NaN, the only extreme that can be NaN, when every
    # value is), rates as three-decimal text. A float count's whole number is made here (a
    # followed update's extremes of a mean length are new values each time: their cells were
    # a query of every update's view, ~0.3 ms of the view worker and as much of polars' pool).
    for column in floats:
        widths[column] = _number_width([whole_number(_float(v)) for v in ends[column]])
    probes: list[float | None] = []
    owners: list[str] = []
    for i, column in enumerate(fractions):
        values = [_float(v) for v in ends[column]]
        values = [v for v in values if v is None or not math.isnan(v)]
        values += [v for v in (float("-inf"), float("inf")) if found[f"f{i}{v}"]]
        if found[f"f{i}nan"]:
            values.append(float("nan"))
        probes += values
        owners += [column] * len(values)
    made = _probe_cells(probes)
    for column in numbers:
        if column not in floats:
            widths[column] = _number_width(ends[column])
    for column in fractions:
        widths[column] = 0
    for column, text in zip(owners, made, strict=True):
        if text is not None:
            widths[column] = max(widths[column], len(text))
    return widths


@functools.lru_cache(maxsize=16)
def _width_exprs(
    numbers: tuple[str, ...],
    fractions: tuple[str, ...],
    texts: tuple[tuple[str, int], ...],
    floats: frozenset[str],
) -> tuple[tuple[pl.Expr, ...], dict[str, pl.Expr]]:
    """:func:`_column_widths`' aggregates over the rows, and each text column's "plain"
    condition, for these columns (made once per set of columns: building them took ~0.7 ms of
    the ~2.5 ms a followed update's layout took, for the same columns every update;
    expressions are immutable). The dict is shared: read, never changed."""
    exprs: list[pl.Expr] = []
    for i, column in enumerate(numbers):
        col = pl.col(column)
        exprs += [col.min().alias(f"n{i}min"), col.max().alias(f"n{i}max")]
        if column in floats:
            exprs.append(col.is_infinite().any().alias(f"n{i}inf"))
    for i, column in enumerate(fractions):
        value = pl.col(column).cast(pl.Float64)  # all null: the Null type
        exprs += [
            value.min().alias(f"f{i}min"),
            value.max().alias(f"f{i}max"),
            (value == float("-inf")).any().alias(f"f{i}-inf"),
            (value == float("inf")).any().alias(f"f{i}inf"),
            value.is_nan().any().alias(f"f{i}nan"),
        ]
    plain: dict[str, pl.Expr] = {}
    for i, (column, limit) in enumerate(texts):
        text = pl.col(column).cast(pl.String).fill_null("")
        plain[column] = text.str.contains(PLAIN_TEXT) if limit >= 1 else pl.repeat(False, pl.len())
        length = text.str.len_chars().clip(upper_bound=limit)
        exprs += [
            pl.when(plain[column]).then(length).max().alias(f"t{i}plain"),
            (~plain[column]).any().alias(f"t{i}other"),
        ]
    return tuple(exprs), plain


_PROBE_CELLS: dict[str | None, str | None] = {}
""":func:`_probe_cells`' memo: a probe value's bits (``float.hex``) -> its cell as a rate."""
_PROBE_CELLS_MAX = 4096


def _probe_cells(probes: list[float | None]) -> list[str | None]:
    """The cell as a rate (:func:`_probe_exprs`) of each probe value, made in one query for the
    values not made before: a followed update's extremes (a rate of 0.125) mostly are, and the
    query cost ~0.3 ms of each update's view. (A float count's whole number is made in Python:
    :func:`whole_number`.)"""
    keys = [None if value is None else value.hex() for value in probes]
    cells: dict[str | None, str | None] = {}
    missing: dict[str | None, float | None] = {}
    for key, value in zip(keys, probes, strict=True):
        if key in _PROBE_CELLS:  # (a cell made may be None: a null's)
            cells[key] = _PROBE_CELLS[key]
        else:
            missing[key] = value
    if missing:
        values = pl.Series(list(missing.values()), dtype=pl.Float64)
        texts = pl.DataFrame({"v": values}).select(_probe_exprs()).to_series().to_list()
        made = dict(zip(missing, texts, strict=True))
        cells.update(made)
        if len(_PROBE_CELLS) + len(made) > _PROBE_CELLS_MAX:
            _PROBE_CELLS.clear()
        _PROBE_CELLS.update(made)
    return [cells[key] for key in keys]


@functools.cache
def _probe_exprs() -> tuple[pl.Expr, ...]:
    """The cell :func:`_column_widths` makes of its probe values ``v``: as a rate."""
    return (fraction_text("v").alias("text"),)


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def cells_at_most(column: str) -> pl.Expr:
    """At least the cells :func:`one_line_expr` makes of each value of ``column`` (any limit):
    its length when it is ASCII, twice that otherwise (folding and making controls visible
    never lengthen a text, and no character takes more than two cells). Cheap: no value is
    folded or cut."""
    text = pl.col(column).cast(pl.String).fill_null("")
    length = text.str.len_chars()
    return pl.when(text.str.len_bytes() == length).then(length).otherwise(length * 2)


def _text_width(values: pl.Series, limit: int, at_least: int = 0, names: bool = False) -> int:
    """The widest :func:`one_line_expr` cell (at ``limit`` cells; of names with ``names``) of
    ``values``, or ``at_least`` when none is wider, cutting only the values that could be wider
    (:func:`cells_at_most`; never more than ``limit``)."""
    texts = pl.DataFrame({"text": values.cast(pl.String)})
    bound = texts.select(cells_at_most("text").clip(upper_bound=limit)).to_series()
    if not len(bound) or bound.max() <= at_least:  # type: ignore[operator]
        return at_least

    def widest(rows: pl.DataFrame) -> int:
        return max_cells(rows.select(one_line_expr("text", limit, names=names)).to_series())

    # Usually some of the values that could be widest are: they alone are cut.
    top = bound.max()
    best = max(at_least, widest(texts.filter(bound == top).head(FIRST_CANDIDATES)))
    if best == top:
        return best
    order = bound.arg_sort(descending=True)  # the numbers sorted, not the texts
    taken, take = 0, FIRST_CANDIDATES
    while taken < len(order) and best < bound[order[taken]]:
        best = max(best, widest(texts[order.slice(taken, take)]))
        taken += take
        take *= 4
    return best


def table_layout(
    rows: pl.DataFrame,
    width: int = PROMPT_WIDTH,
    run_width: int = 24,
    fit: int | None = None,
    fit_rows: int | None = None,
    keep: str | None = None,
    steady: TableLayout | None = None,
    grown: bool = False,
    named_by: pl.DataFrame | None = None,
) -> TableLayout:
    """The layout of the prompt table for ``rows`` (see :class:`TableLayout`): the prompt cut to
    ``width`` cells (more with ``fit``: the screen's width), run labels to ``run_width``.
    ``fit_rows``: the rows the table shows, when known (more rows: a vertical scrollbar).
    ``keep``: a column shown within ``fit`` whatever else is (the one the rows are sorted by:
    see :func:`keep_in_view`). ``steady``: the layout on screen, when these rows are a followed
    update of its view: no column is made narrower than there, and a number column that grows
    takes a digit of room more (:func:`steady_widths`); when its rows are the first of these (an
    append), only the rows after them are measured (:func:`_followed_tail`); ``grown``: the
    caller knows they are (a followed update that appended new prompts), so they are not
    compared. ``named_by``: the rows to name the score columns by when ``rows`` has none
    (:func:`table_columns`)."""
    columns = table_columns(rows, named_by, steady if grown else None)
    present = _present_runs(rows, steady if grown else None)
    runs = distinct_middle(present, run_width)
    limits = {
        column: width if column == "prompt" else ANSWER_WIDTH
        for column, _label, kind in columns
        if kind == "text" and column != "run"
    }
    if not (
        steady is not None
        and _cuts(steady.limits) == _cuts(limits)
        and all(steady.runs.get(run, label) == label for run, label in runs.items())
    ):  # (a run label cut otherwise: the screen's width changed, its widths are not kept)
        steady = None
    tail = _followed_tail(rows, columns, fit, steady, grown)
    measure = rows if tail is None else tail
    ends = prompt_ends(measure) if "prompt" in rows.columns else {}
    if tail is not None and steady is not None:
        ends = merge_ends(steady.prompt_ends, ends)
    starts = starts_from_ends(ends)
    cut = {run: start[0] for run, start in starts.items()}
    after = {run: start[1] for run, start in starts.items()}
    measured = _column_widths(
        # measured as shown (a fitted prompt column is not measured)
        measure.with_columns(distinct_expr("prompt", cut)) if cut and fit is None else measure,
        [c for c, _l, kind in columns if kind not in ("text", "fraction")],
        [c for c, _l, kind in columns if kind == "fraction"],
        {c: limit for c, limit in limits.items() if c != "prompt" or fit is None},
    )
    widths = []
    for column, _label, _kind in columns:
        if column == "run":
            widths.append(max((cell_width(runs[r]) for r in present if r is not None), default=0))
        elif column == "prompt" and fit is not None:
            widths.append(0)  # fit_prompt sets it (a fitted prompt is padded to its width)
        else:
            widths.append(measured[column])
    if steady is not None:
        widths = steady_widths(columns, widths, steady)
    layout = TableLayout(
        rows,
        columns,
        widths,
        limits,
        runs,
        pad_prompt=False,
        prompt_cut=cut,
        prompt_after=after,
        prompt_ends=ends,
    )
    if fit is not None:
        scrolls = fit_rows is not None and rows.height > fit_rows
        chrome = SCROLLBAR_CHROME if scrolls else TABLE_CHROME
        width = score_room(layout, fit, width, chrome)
        if keep is not None:
            layout = keep_in_view(layout, keep, fit, width, chrome)
        layout = fit_prompt(layout, fit, width, chrome)
    return _name_cut(layout)


def _present_runs(rows: pl.DataFrame, grown_from: TableLayout | None) -> list[str]:
    """The runs ``rows`` has. Of a followed append (``grown_from``: the layout on screen, whose
    rows are the first of these, its run labels theirs): its runs and the appended rows', not
    a ``unique`` of the whole table on every update (~0.12 ms of the view worker at 3,600
    rows, ~0.3 ms at 33,000)."""
    if "run" not in rows.columns:
        return []
    if grown_from is not None and "run" in grown_from.rows.columns:
        old = grown_from.rows.height
        if rows.height >= old and (old == 0 or grown_from.runs):
            appended = rows.get_column("run").slice(old).to_list()
            return list(grown_from.runs.keys() | set(appended))
    return rows["run"].unique().to_list()


def _followed_tail(
    rows: pl.DataFrame,
    columns: list[tuple[str, str, str]],
    fit: int | None,
    steady: TableLayout | None,
    grown: bool = False,
) -> pl.DataFrame | None:
    """The rows after ``steady``'s when they are the first rows of ``rows`` with the same values
    in every column shown (a followed append: new prompts after the others), the same columns
    (of the same kinds) and a fitted prompt column; else None. Each of those first rows'
    cells is at most as wide as ``steady``'s column (its widths were measured from them, or
    kept steady above that), so :func:`steady_widths` of the widths of the rows after them
    alone are those of every row: the layout of a followed view costs what the new rows do,
    not what all do (~3 ms a second update at 1,600 prompts, ~38 ms at 105,000). ``grown``:
    those first rows are known to hold ``steady``'s values (a followed append), so they are not
    compared (the comparison was O(rows): ~4-6 ms at 100,000)."""
    if steady is None or fit is None or not steady.rows.height:
        return None
    old = steady.rows.height
    if rows.height < old or {(c, k) for c, _l, k in columns} != {
        (c, k) for c, _l, k in steady.columns
    }:
        return None
    shown = [column for column, _l, _k in columns]
    if "prompt" in rows.columns and "prompt" not in shown:  # (the starts are found from it)
        shown.append("prompt")
    if not grown and not rows.head(old).select(shown).equals(steady.rows.select(shown)):
        return None
    return rows.slice(old)


def steady_widths(
    columns: list[tuple[str, str, str]], widths: list[int], steady: TableLayout
) -> list[int]:
    """``widths`` of ``columns`` (as :func:`table_columns` gives them) kept steady against the
    layout on screen, ``steady``, while following: a column it has (of the same kind) is never
    narrower than there, and a number column that grows past its width there (not from no
    values: a length column while the lengths are counted) is made a digit wider than its
    widest cell, so the next digit (a count from 99 to 100, a length from 9,999
    to 10,000) finds the room. A width change draws every line of the table again (~40-50 ms of
    the UI thread at 120x35: the cells right of the column move); a column a digit wider did
    that once per digit, and one that went back (a run folder's rows gone, then another's)
    twice. The prompt column is left as measured (:func:`fit_prompt` fits it to what is left)."""
    before = {
        column: (kind, width)
        for (column, _label, kind), width in zip(steady.columns, steady.widths, strict=True)
    }
    steadied = []
    for (column, _label, kind), width in zip(columns, widths, strict=True):
        was = before.get(column)
        if column == "prompt" or was is None or was[0] != kind or width == was[1]:
            steadied.append(width)
        elif width < was[1]:
            steadied.append(was[1])
        else:
            number = kind not in ("text", "fraction") and was[1] > 0  # (0: no values yet)
            steadied.append(width + 1 if number else width)
    return steadied


def _cuts(limits: dict[str, int]) -> dict[str, int]:
    """The cuts of the text columns other than the prompt (whose a fitted table sets)."""
    return {column: limit for column, limit in limits.items() if column != "prompt"}


SCORE_PROMPT_FLOOR = 12
"""The narrowest a fitted prompt column is made to keep a prompt's own score in view."""


def score_room(layout: TableLayout, fit: int, prompt: int, chrome: int = TABLE_CHROME) -> int:
    """The prompt column's least width in a table ``fit`` cells wide: ``prompt``, or less (down
    to ``SCORE_PROMPT_FLOOR``) when that keeps the prompt score column (a format's own verdict
    on the prompt, an Inspect epochs reducer's) in view. At 60 columns an Inspect log's table
    showed prompt, run, n and accuracy, its prompt score past the right edge with no sign of it
    (the prompt kept 20 cells, took 29)."""
    names = [column for column, _l, _k in layout.columns]
    if not names or names[0] != "prompt" or "prompt_score" not in names:
        return prompt
    others = _padded_widths(layout)
    room = fit - chrome - CELL_PADDING - sum(others[: names.index("prompt_score")])
    return prompt if room >= prompt or room < SCORE_PROMPT_FLOOR else room


def prompt_label(after: str, width: int) -> str:
    """The prompt column's header when the cells leave out the start ``after`` that every
    prompt shares: ``prompt after "Background: Here…"``, at most ``width`` cells when it can."""
    head = 'prompt after "'
    room = width - cell_width(head) - 1
    if room < 4:
        return "prompt after …"
    return f'{head}{one_line(after, room)}"'


SEVERAL_STARTS = "prompt after run's start"
"""The prompt column's header when the cells of each run leave out a start of their own."""
SEVERAL_STARTS_SHORT = ("prompt after start", "prompt after …")
"""Its shorter wordings, for a prompt column fitted narrower than it."""


def _cut_label(layout: TableLayout, width: int) -> str:
    """The prompt column's header, no wider than a fitted column (``width`` cells): at 80
    columns 'prompt after run's start' (24 cells) over a column fitted to 23 widened it by
    one, and the table's last column was cut with no mark ('max le' over '3', '43')."""
    start = layout.prompt_start
    if start is not None:
        return prompt_label(start, width)
    if not layout.pad_prompt:  # not fitted: the column is as wide as its header
        return SEVERAL_STARTS
    return first_fitting((SEVERAL_STARTS, *SEVERAL_STARTS_SHORT), width)


def _name_cut(layout: TableLayout) -> TableLayout:
    """``layout`` with its prompt column's header naming the start its cells leave out."""
    if not layout.prompt_cut:
        return layout
    columns = [
        (column, _cut_label(layout, max(width, len(label))), kind)
        if column == "prompt"
        else (column, label, kind)
        for (column, label, kind), width in zip(layout.columns, layout.widths, strict=True)
    ]
    return dataclasses.replace(layout, columns=columns)


def prompt_takes(room: int, others: list[int], prompt: int) -> tuple[int, bool]:
    """The width of a table's prompt column, at least ``prompt``, with ``room`` cells for it and
    the columns after it (``others``: each one's cells, padded), and whether a column is left
    out: the columns that fit whole are kept in order and the prompt takes what the next one
    cannot use whole, so the column at the right edge is shown whole or not at all."""
    taken = shown = 0
    while shown < len(others) and room - taken - others[shown] >= prompt:
        taken += others[shown]
        shown += 1
    if shown < len(others):
        return max(prompt, room - taken), True
    return prompt, False


def _padded_widths(layout: TableLayout) -> list[int]:
    """Each column's cells after the first (the prompt), padded, as a fitted table takes them."""
    return [
        max(w, len(label)) + CELL_PADDING
        for (_c, label, _k), w in zip(layout.columns[1:], layout.widths[1:], strict=True)
    ]


def keep_in_view(
    layout: TableLayout, keep: str, fit: int, prompt: int, chrome: int = TABLE_CHROME
) -> TableLayout:
    """``layout`` with the column ``keep`` moved left, when it would be past the right edge of a
    table ``fit`` cells wide (its prompt ``prompt`` cells at least), to the last place where it
    is shown whole; the columns it passes follow it. The rows sorted by a column that is off
    screen gave no sight of the order: sorted by max len at 80 columns, a re-score's columns
    (stored acc, disagree) took its place and it was shown no more."""
    if not layout.columns or layout.columns[0][0] != "prompt":
        return layout
    names = [column for column, _l, _k in layout.columns]
    if keep not in names[1:]:
        return layout
    at = names.index(keep) - 1  # among the columns after the prompt
    others = _padded_widths(layout)
    room = fit - chrome - CELL_PADDING - prompt
    shown = 0
    while shown < len(others) and sum(others[: shown + 1]) <= room:
        shown += 1
    if at < shown:
        return layout  # shown already
    place = shown
    while place > 0 and sum(others[:place]) + others[at] > room:
        place -= 1
    order = [*range(1, place + 1), at + 1]
    order = [0, *order, *(i for i in range(1, len(names)) if i not in order)]
    return dataclasses.replace(
        layout,
        columns=[layout.columns[i] for i in order],
        widths=[layout.widths[i] for i in order],
    )


def fit_prompt(
    layout: TableLayout, fit: int, prompt: int, chrome: int = TABLE_CHROME
) -> TableLayout:
    """``layout`` with its first (prompt) column ``prompt`` cells wide or wider: it takes the
    room that the columns after it which fit whole leave, so a column at the right edge of a
    table ``fit`` cells wide is shown whole or not at all (never ``16`` for ``1695``)."""
    if not layout.columns or layout.columns[0][0] != "prompt" or layout.rows.height == 0:
        return layout
    others = _padded_widths(layout)
    prompt, _left_out = prompt_takes(fit - chrome - CELL_PADDING, others, prompt)
    return dataclasses.replace(
        layout,
        widths=[prompt, *layout.widths[1:]],
        limits={**layout.limits, "prompt": prompt},
        pad_prompt=True,
    )


MAX_SHOWN_CHARS = 200_000


def generation_text(text: str | None) -> Text:
    """A generation as a rich Text (never parsed as markup), controls visible, answers highlighted."""
    raw = text or ""
    shown = visible(raw[:MAX_SHOWN_CHARS])
    result = Text(shown)
    for start, _inner, end in box_spans(shown):
        result.stylize("bold reverse", start, end)
    if len(raw) > MAX_SHOWN_CHARS:
        result.append(
            f"\n… {len(raw) - MAX_SHOWN_CHARS:,} more characters not shown (y copies the whole text)",
            style="italic",
        )
    return result


def score_mark(
    accuracy: float | None,
    correct: bool | None,
    *,
    with_score: bool = False,
    fraction: bool = False,
) -> str:
    """✓/✗ when the generation was judged (after its score with ``with_score``: a 0–1 fraction
    or a thresholded score, whose ✗ alone hid 0.002 and 0.269 alike; a ``fraction`` with three
    decimals, as the table shows it); its score itself (``inf`` too) when its run has no
    threshold (a continuous score); – when unscored."""
    if accuracy is None:
        return "–"
    if correct is None:
        return format_score(accuracy)
    verdict = "✓" if correct else "✗"
    if not with_score:
        return verdict
    shown = f"{accuracy:.3f}" if fraction and math.isfinite(accuracy) else format_score(accuracy)
    return f"{shown} {verdict}"


class Eta:
    """Time left for tokenizing, from the rate of the last ``window`` seconds in bytes of input
    (generations differ a hundredfold in length; bytes track the tokenizer's work), smoothed so
    it does not jump with each batch. Nothing is estimated from the first ``warmup`` seconds: the
    tokenizer's start-up and the cache hits would give a rate far off the steady one."""

    def __init__(self, window: float = 20.0, warmup: float = 2.0, smoothing: float = 0.2) -> None:
        self.window = window
        self.warmup = warmup
        self.smoothing = smoothing
        self.samples: list[tuple[float, float]] = []
        """(time, bytes tokenized) since tokenizing started, the last ``window`` seconds."""
        self.started: float | None = None
        self.shown: tuple[float, float] | None = None
        """(time, seconds left) last estimated."""

    def update(self, progress: LoadProgress, now: float) -> float | None:
        """Seconds left after this progress snapshot, or None while it cannot be estimated."""
        if progress.stage != "tokenizing":
            return None
        done = progress.bytes_tokenized
        self.samples.append((now, done))
        if self.started is None:
            self.started = now
        while len(self.samples) > 2 and self.samples[1][0] <= now - self.window:
            self.samples.pop(0)
        then, before = self.samples[0]
        if now - self.started < self.warmup or now <= then or done <= before:
            return None if self.shown is None else max(0.0, self.shown[1] - (now - self.shown[0]))
        left = max(0.0, progress.bytes_total - done) / ((done - before) / (now - then))
        if self.shown is not None:
            previous = max(0.0, self.shown[1] - (now - self.shown[0]))
            left = previous + self.smoothing * (left - previous)
        self.shown = (now, left)
        return left


_MEASURE = Console(width=1000, color_system=None, force_terminal=False)
"""A console for measuring wrapped text (Text.wrap needs one; nothing is printed)."""


def wrapped_lines(text: str, width: int) -> int:
    """The lines ``text`` takes wrapped at ``width`` terminal cells, as a label wraps it: a CJK
    or emoji character takes two cells (``textwrap`` counted characters, so a title of CJK run
    names it said took two lines took three, the last hidden with no mark)."""
    return len(Text(text).wrap(_MEASURE, max(1, width)))

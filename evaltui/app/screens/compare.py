"""Two runs side by side, prompt by prompt: rates, change, transitions, regressions.

Every string from the input (run labels, prompt text, prompt ids) reaches the screen as a
``Text`` built from :mod:`evaltui.data.sanitize` output, never as markup: a run folder named
``[link=…]a`` or a model name holding OSC 52 is shown as the characters it is.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

import polars as pl
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from evaltui.app.choices import Options
from evaltui.app.display import CELL_PADDING, fraction_text, prompt_label, prompt_takes
from evaltui.app.footer import KeysFooter
from evaltui.app.screens import screen_gone
from evaltui.app.screens.dialog import Dialog, move_highlight, refill, show_more
from evaltui.app.tables import DataTable, cursor_on_last_read
from evaltui.data.compare import (
    CLASSES,
    Comparison,
    compare_runs,
    own_units,
    prompts_in_common,
)
from evaltui.data.distinct import distinct_expr, shared_starts
from evaltui.data.sanitize import (
    cell_width,
    distinct_middle,
    max_cells,
    one_line,
    one_line_expr,
    one_line_middle,
    wrap_cells,
)
from evaltui.data.wording import plural

if TYPE_CHECKING:
    from textual.app import App

    from evaltui.app.app import EvalApp
    from evaltui.app.screens.prompt import PromptScreen


@dataclass(frozen=True, slots=True)
class Column:
    source: str
    """The column of ``Comparison.joined`` shown (and sorted by)."""
    header: str
    kind: str
    """``rate`` (an accuracy or a change of one, a fraction with three decimals), ``text``,
    ``prompt`` or ``raw``."""


COLUMNS = [
    Column("delta", "Δ B−A", "rate"),
    Column("rate_a", "A acc", "rate"),
    Column("rate_b", "B acc", "rate"),
    Column("prompt_a", "prompt", "prompt"),
    Column("class_a", "A solved", "raw"),
    Column("class_b", "B solved", "raw"),
    Column("count_a", "A gens", "raw"),
    Column("count_b", "B gens", "raw"),
    Column("prompt_id", "id", "text"),
]


def header_of(column: Column, accuracy: bool) -> str:
    """``column``'s heading: a run's rate is its mean score when that score is no accuracy."""
    return column.header if accuracy else column.header.replace(" acc", " mean")


LABEL_WIDTH = 40
PAIR_LIST_ROWS = 16
"""The run-pair picker's list at its tallest (with its border), room permitting."""
MIN_TABLE_ROWS = 5
"""Rows of the table kept in sight: the counts and the matrix above give way first."""
TOP_LINES = 8
"""Lines the counts and the matrix take at most while the table has rows for the rest."""
COUNTS_WIDTH = 24
"""Cells the counts need beside the matrix; narrower, the matrix goes under them."""
MATRIX_LEFT_OUT = "never/flaky/always matrix: no room (a taller terminal shows it)"
"""The counts' last line when the transitions matrix has no room for its rows."""
"""Cells a run label gets in the headline and the pair picker (cut in the middle)."""
ONLY = {
    None: "all prompts in both runs",
    "regressed": "regressed only (g)",
    "improved": "improved only (i)",
}
UNKNOWN_ONLY = ONLY | {"regressed": "lower only (g)", "improved": "higher only (i)"}
"""The filters' words when neither run's score has a direction: a change is a rise or a fall."""


NOT_COMPARABLE_CELL = "n/c"
"""The Δ cell of a prompt whose change is not a number (counted "not comparable")."""


def fraction_column(rows: pl.DataFrame, column: str, header: str) -> pl.Series:
    """A rate (0–1), a mean score or a change of them as text with exactly three decimals, right-
    aligned under ``header`` (as the prompt table's: :func:`~evaltui.app.display.fraction_text`).

    ``0.750`` beside ``0.625`` (a float showed ``0.75``), and ``inf``/``nan`` for a continuous
    score's non-finite means (an mae of Infinity): a fixed-scale Decimal cannot hold those, and
    the cast raised, which ended the app on opening the comparison. A change that is not a
    number is :data:`NOT_COMPARABLE_CELL`.
    """
    text = rows.select(fraction_text(column)).to_series()
    if column == "delta":
        # B − A where both runs are Infinity (an mae's unparsable answer in each), or a NaN
        # score: no change to show, as the counts above call it ("not comparable"), not "nan".
        text = text.replace("nan", NOT_COMPARABLE_CELL)
    width = max(len(header), int(text.str.len_chars().max() or 0))  # type: ignore[arg-type]
    return text.str.pad_start(width).alias(header)


def prompt_width(terminal_width: int) -> int:
    """Room for the prompt: beside the three number columns and both verdicts, up to 60 cells."""
    return max(20, min(60, terminal_width - 46))


def display_frame(
    rows: pl.DataFrame, width: int, accuracy: bool = True, fit: int | None = None
) -> pl.DataFrame:
    """The table's frame: numbers in one format per column, text made one safe line. With
    ``fit`` (the cells the table's columns have: its width less any vertical scrollbar), the
    prompt takes the room the columns after it that fit whole leave, so the column at the right
    edge is shown whole or not at all: at 60 columns the last one read 'B so' over 'neve' and
    'alwa', with no mark that it was cut."""
    series: list[pl.Series] = []
    prompt_at: int | None = None
    prompt_header = ""
    prompts = pl.DataFrame()
    for column in COLUMNS:
        header = header_of(column, accuracy)
        if column.kind == "rate":
            series.append(fraction_column(rows, column.source, header))
            continue
        if column.kind == "prompt":
            # The part of each prompt that tells it apart (as the prompt table's cells): no
            # chat markup, the start every prompt shares cut, the header naming it.
            cut, start = shared_starts(rows, column.source, by=None).get(None, (0, ""))
            prompts = rows.select(distinct_expr(column.source, cut))
            prompt_header = prompt_label(start, width) if cut else header
            prompt_at = len(series)
            series.append(pl.Series(prompt_header, [], pl.String))  # made below, to its width
            continue
        elif column.kind == "text":
            # A name (the prompt id: an lm-eval task's may hold a line break): its newlines
            # shown ('toy␊math:0'), as `evaltui compare` and the prompt screen's title show it;
            # cut in its middle, as the main table's: the ids of a task differ at their end.
            expr = one_line_expr(column.source, 24, names=True)
        else:
            expr = pl.col(column.source)
        series.append(rows.select(expr.alias(header)).to_series())
    assert prompt_at is not None
    pad = False
    if fit is not None and rows.height:
        # Measured in terminal cells: a CJK or emoji id takes two a character.
        cells = [
            max(cell_width(s.name), max_cells(s.cast(pl.String))) + CELL_PADDING for s in series
        ]
        room = fit - CELL_PADDING - sum(cells[:prompt_at])
        # The prompt no wider than its cells need: short prompts leave the other columns room.
        made = prompts.select(one_line_expr(COLUMNS[prompt_at].source, width)).to_series()
        need = max(cell_width(prompt_header), max_cells(made))
        width, pad = prompt_takes(room, cells[prompt_at + 1 :], min(width, need))

    series[prompt_at] = (
        prompts.select(one_line_expr(COLUMNS[prompt_at].source, width, pad=pad))
        .to_series()
        .alias(prompt_header)
    )
    return pl.DataFrame(series)


def columns_mark(left: int, right: int) -> str:
    """The status line's mark of a table's columns out of sight: "3 columns →", "← 2 columns",
    "← 2 · 3 columns →"; "" when none is."""
    if left and right:
        return f"← {left} · {right} columns →"
    if right:
        return f"{plural(right, 'column')} →"
    if left:
        return f"← {plural(left, 'column')}"
    return ""


def fill(chunks: list[str], width: int) -> str:
    """``chunks`` joined by spaces in lines of ``width`` cells, a line breaking only between
    chunks (a count stays beside its word: at 60 columns "regressed" ended a line and its
    "22" began the next, "p =" and its value likewise); a chunk wider than a line alone wraps
    at its spaces, in cells (a run label of CJK or emoji wrapped by characters overflowed the
    screen). ``width`` 0: one line."""
    if not width:
        return " ".join(chunks)
    lines: list[str] = []
    line = ""
    for chunk in chunks:
        if line and cell_width(f"{line} {chunk}") <= width:
            line = f"{line} {chunk}"
            continue
        if line:
            lines.append(line)
        line = chunk
        if cell_width(chunk) > width:
            *whole, line = wrap_cells(chunk, width) or [chunk]
            lines += whole
    lines.append(line)
    return "\n".join(lines)


def listed(text: str) -> list[str]:
    """``a · b · c`` as chunks ``a ·``, ``b ·``, ``c``: the line breaks after a ``·``."""
    items = text.split(" · ")
    return [f"{item} ·" for item in items[:-1]] + items[-1:]


def headline(comparison: Comparison, width: int = 0) -> str:
    """The overall change of B's accuracy (or mean score) against A's, its interval and test,
    in lines of ``width`` cells (0: one line)."""
    if comparison.no_delta:
        return comparison.no_delta
    low, high = comparison.ci
    rate = comparison.accuracy and comparison.rate
    what = "accuracy" if rate else f"mean {comparison.metric_words()}"
    # As `evaltui compare` says it: points of a 0–1 score (+5.3 pts), else its own units to
    # the levels' decimals; it read "+0.053" here beside the report's "+5.3 pts".
    change = comparison.change_text
    return fill(
        listed(
            f"B − A {what}: {change(comparison.delta)} · 95% CI "
            f"[{change(low, unit=False)}, {change(high, unit=False)}] · "
            f"p = {comparison.p_value:.3g}"
        ),
        width,
    )


def short_test(test: str) -> str:
    """A test's name in its fewest words: "sign test" for "sign test on per-prompt pass rates"."""
    return test.split(" on ", 1)[0]


def counts_text(
    comparison: Comparison, width: int = 0, test: bool = True, bad_lines: int = 0
) -> str:
    """The counts beside the matrix, in lines of ``width`` cells (0: a line each); without
    the name of the test (``test`` False) when the room is short. ``bad_lines``: the load's,
    said under the prompts only in one run as ``evaltui compare`` says them."""
    lines = [
        fill(
            [
                f"{plural(comparison.joined.height, 'prompt')} in both runs:",
                *listed(comparison.outcome_line()),
            ],
            width,
        )
    ]
    if not comparison.no_delta:  # else no test was run: the headline says why
        if test:
            lines.append(fill(f"p: {comparison.test}".split(" "), width))
        # Each run's level on the prompts the change is over (B − A is the headline's change),
        # as `evaltui compare`'s levels line writes it (48.8% of a 0–1 score; a mean score to
        # the summary's decimals): it read 0.488 here beside the report's 48.8%.
        a, b = comparison.level_texts()
        # Why the mean is over fewer prompts than are in both runs, as the report says it
        # ("mean over the 18 prompts with a finite change"): it said "mean over 18 prompts".
        over = comparison.over or f"mean over {plural(comparison.finite_deltas, 'prompt')}"
        lines.append(fill([f"{over}:", f"A {a}", f"→ B {b}"], width))
    elif comparison.different_measures and comparison.level_count:
        # No delta of two different measures (a 0-100 judge and a -1…1 reward): each run's
        # own mean, in its own units, is still what the user compares them by.
        a, b = (own_units(x) for x in comparison.levels())
        lines.append(
            fill(
                [
                    f"each run's own mean (not comparable) over "
                    f"{plural(comparison.level_count, 'prompt')}:",
                    f"A {a} ·",
                    f"B {b}",
                ],
                width,
            )
        )
    if rule := comparison.correct_words(("A", "B")):
        # What puts a prompt among never/flaky/always (the matrix, the solved columns) when it
        # is not plain 0/1: a prompt scored 0.5 read 'always' beside its 0.500, unexplained.
        lines.append(fill(rule.split(" "), width))
    if comparison.only_a.height or comparison.only_b.height:
        lines.append(
            fill(
                [
                    f"only in A: {plural(comparison.only_a.height, 'prompt')} ·",
                    f"only in B: {plural(comparison.only_b.height, 'prompt')}",
                    "(not compared)",
                ],
                width,
            )
        )
        if warning := comparison.bad_lines_warning(bad_lines, below=False):
            # A prompt whose lines are bad in one run is "only in" the other: the screen did
            # not say the load had bad lines, the report did (b on the table lists them).
            lines.append(fill(f"({warning})".split(" "), width))
    # The ids that disagree, in the report's words.
    lines += [fill(line.split(" "), width) for line in comparison.id_warnings()]
    return "\n".join(lines)


def transitions_text(comparison: Comparison) -> str:
    """The 3 × 3 matrix of prompt classes: A's class (rows) → B's class (columns)."""
    if not comparison.judged:  # every prompt would be "flaky": a score with no "correct"
        # Wrapped to the matrix's width: on one line it took the counts' place beside it.
        reason = textwrap.wrap(comparison.not_judged.removeprefix("none "), 32)
        return "\n".join(["transitions: none", *reason])
    lines = ["A ↓  B →" + "".join(f"{c:>8}" for c in CLASSES)]
    for row in comparison.transitions.iter_rows(named=True):
        lines.append(f"{row['from']:<8}" + "".join(f"{row[c]:>8,}" for c in CLASSES))
    return "\n".join(lines)


class TopLines(Static):
    """Lines above compare's table whose height its room follows (``CompareScreen.fit_top``):
    laid out at another height (the warnings shown, the status's second line), they say so.

    The fit read their height before they were laid out at a refresh that came first (a busy
    machine): the three warning lines counted none at 60x20, the counts kept 8 lines and the
    table 3 of its 5 rows, for good."""

    class Resized(Message):
        """The lines were laid out at another size."""

    def on_resize(self, _event: events.Resize) -> None:
        self.post_message(self.Resized())


class CompareScreen(Screen[None]):
    """Compare two runs; `g` regressed only, `i` improved only, `[`/`]` sort, enter opens a prompt."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="compare_back"),
        Binding("q", "app.pop_screen", "Back", id="compare_back_q"),
        Binding("g", "only('regressed')", "Regressed", id="compare_regressed"),
        Binding("i", "only('improved')", "Improved", id="compare_improved"),
        # When neither run's score has a direction a change is a fall or a rise: the same keys
        # under those words (check_action shows one pair; the status line says "lower only").
        Binding(
            "g",
            "only('regressed', 'lower')",
            "Lower",
            id="compare_lower",
            tooltip="when neither run's score has a direction",
        ),
        Binding(
            "i",
            "only('improved', 'higher')",
            "Higher",
            id="compare_higher",
            tooltip="when neither run's score has a direction",
        ),
        # One of the pair in the footer (the help lists both): room for ? at 80 columns.
        Binding("left_square_bracket", "sort(False)", "Sort ↑", id="compare_sort_asc", show=False),
        Binding("right_square_bracket", "sort(True)", "Sort ↓", id="compare_sort_desc"),
        Binding("enter", "open", "Open", id="compare_open"),
        Binding("m", "pick_runs", "Runs", id="compare_pick"),
        Binding("e", "export", "Export", id="compare_export"),
    ]

    class Ready(Message):
        def __init__(self, comparison: Comparison | None, error: str | None) -> None:
            super().__init__()
            self.comparison = comparison
            self.error = error

    def __init__(self, run_a: str, run_b: str) -> None:
        super().__init__()
        self.run_a = run_a
        """The baseline run (A)."""
        self.run_b = run_b
        """The run compared with it (B): a positive change means B solves the prompt more often."""
        self.comparison: Comparison | None = None
        self.only: str | None = None
        """None, "regressed" or "improved"."""
        self.sort: tuple[str, bool] = ("delta", False)
        """(column, descending): largest regression first until the user sorts."""
        self.sorted_by_user = False
        """Whether the user chose the order (a sort key, g or i): kept then as comparisons come."""
        self.rows = pl.DataFrame()
        """The compared prompts the table shows, in its order (the keys behind its rows)."""
        self.keep_cursor_on: str | None = None
        """The prompt the cursor goes back to once the runs are compared again."""
        self._computing = False
        """The runs are being compared (in a worker)."""
        self._again = False
        """The data changed while they were: compared again once that is done."""
        self._table: DataTable | None = None
        """The table last made (the one before it may be on the screen until removed)."""
        self._reading: PromptScreen | None = None
        """The prompt screen opened from the table, until back on it: the cursor is then put
        on the prompt it shows last (`.`/`,` step it), as on the prompt table."""
        self._keys_given = False
        """Whether the keys held for this screen were handed over (:meth:`keys_to_table`)."""
        self._top_stale = False
        """A comparison came whose counts are not shown yet: they are with its table."""

    def labels_text(self, width: int = 200) -> Text:
        """Both labels on one line, each cut to half the width if need be."""
        room = max(8, (width - 14) // 2)
        # Told apart where they differ: cut in the middle, two long names read the same.
        names = distinct_middle([self.run_a, self.run_b], room)
        return Text(f"A = {names[self.run_a]}   B = {names[self.run_b]}")

    def compose(self) -> ComposeResult:
        yield Static(Text("comparing…"), id="compare-headline")
        yield Static(self.labels_text(), id="compare-labels")
        yield TopLines(Text(""), id="compare-warnings")
        with Horizontal(id="compare-top"):
            yield Static(Text(""), id="compare-details")
            yield Static(Text(""), id="compare-transitions")
        yield TopLines(Text(""), id="compare-status")
        yield Container(id="compare-box")
        yield KeysFooter()

    def on_mount(self) -> None:
        cast("EvalApp", self.app).screen_opened()  # (an Escape or a q held leaves at once)
        self.compare()

    def compare(self) -> None:
        self._computing, self._again = True, False
        self.compute()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick_runs":
            return len(run_names(cast("EvalApp", self.app))) > 2
        if action == "only":
            # "Regressed"/"Improved", or "Lower"/"Higher" when no direction is known.
            unknown = self.comparison is not None and self.comparison.direction_unknown
            return (len(parameters) > 1) == unknown
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="compare")
    def compute(self) -> None:
        app = cast("EvalApp", self.app)
        assert app.result is not None
        try:
            comparison = compare_runs(app.result.stats, self.run_a, self.run_b)
        except ValueError as exc:
            self.post_message(self.Ready(None, str(exc)))
            return
        self.post_message(self.Ready(comparison, None))

    def bad_lines(self) -> int:
        """The load's bad lines (said beside the prompts only in one run)."""
        result = cast("EvalApp", self.app).result
        return len(result.errors) if result is not None else 0

    def show_warnings(self, width: int = 0) -> None:
        """What ``evaltui compare`` warns of that nothing else here says, wrapped to the screen
        (``width``: its columns): the two runs' scores not the same metric, or of different
        kinds, each run's on a line of its own (``A: f1: accuracy (0/1)``, as the labels line
        names the runs), so that both metrics are read at 60 columns; cut as one line at 80,
        run B's was lost. (The headline gives why there is no delta, the counts the prompts in
        both runs, what the mean is over, the bad lines and the ids that disagree.)"""
        width = width or self.size.width or self.app.size.width
        room = max(8, width - 2)
        parts = self.comparison.kinds_warning_parts() if self.comparison is not None else None
        lines: list[str] = []
        if parts is not None:
            words, a, b = parts
            lines = wrap_cells(words, room)
            for run, described in (("A", a), ("B", b)):
                lines += wrap_cells(f"{run}: {described}", room, "   ")
        warnings = self.query_one("#compare-warnings", Static)
        warnings.update(Text("\n".join(lines)))
        warnings.display = bool(lines)

    def on_compare_screen_ready(self, message: Ready) -> None:
        if not self.is_attached:
            # Compared again after a followed update, the app quitting meanwhile: nothing to
            # show it in (mounting its table raised MountError on the way out).
            return
        self._computing = False
        if self._again:
            self.compare()
        if message.comparison is None:
            loaded = run_names(cast("EvalApp", self.app))
            gone = [r for r in (self.run_a, self.run_b) if r not in loaded]
            error = message.error or "cannot compare"
            if gone and self.comparison is not None:
                # Compared again after a followed update took a run away (its files deleted,
                # or rewritten without it): the comparison of before stayed on screen under
                # "no run '…' (runs: …)", its counts and table as if both were loaded.
                names = " and ".join(one_line_middle(r, LABEL_WIDTH) for r in gone)
                error = (
                    f"{names} {'is' if len(gone) == 1 else 'are'} no longer in the loaded "
                    "files (their files went or changed): nothing to compare; m picks two "
                    "runs, esc goes back"
                )
                self.comparison = None
                self.show_warnings()
                self.rows = self.rows.clear()
                for selector in ("#compare-details", "#compare-transitions", "#compare-status"):
                    self.query_one(selector, Static).update(Text(""))
                self.query_one("#compare-box", Container).remove_children()
            self.query_one("#compare-headline", Static).update(Text(one_line(error, 2000)))
            self.keys_to_table()
            return
        self.comparison = message.comparison
        if not self.sorted_by_user:
            # The largest regression first whichever way the score goes: a lower-is-better
            # mae's is its largest rise (Δ descending); Δ ascending opened it on its largest
            # improvement ("gains first"), an accuracy on its largest regression.
            lower = message.comparison is not None and message.comparison.lower_is_better
            self.sort = ("delta", lower)
        self.refresh_bindings()  # g/i say "Lower"/"Higher" when no direction is known
        # The counts above the table are shown with its table, once that is mounted (see
        # show): set here, "0 prompts in both runs" stood above the previous comparison's
        # table while the new one was mounted (a followed file replaced).
        self._top_stale = True
        self.show()
        # A prompt opened from here walks this list: it is the compared rows as they are now
        # (after followed lines it said "prompt 1 of 3" with a fourth prompt in the table).
        from evaltui.app.screens.prompt import PromptScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, PromptScreen) and screen.keys_of == self.prompt_keys:
                screen.data_changed()

    def show_top(self) -> None:
        """The headline, warnings, counts and matrix of the comparison shown, then fitted
        (:meth:`fit_top`, then :meth:`refit`: the keys held go to its table)."""
        comparison = self.comparison
        if comparison is None:
            return
        self.query_one("#compare-headline", Static).update(Text(headline(comparison)))
        self.show_warnings()
        self.query_one("#compare-details", Static).update(
            Text(counts_text(comparison, bad_lines=self.bad_lines()))
        )
        self.query_one("#compare-transitions", Static).update(Text(transitions_text(comparison)))
        self.call_after_refresh(self.fit_top)

    def keys_to_table(self) -> None:
        """The keys read after the one that opened this screen (held by the app while there
        was no table: ``EvalApp.hold_keys_for_screen``) act on the first table, once it is
        fitted to the room the top leaves (:meth:`refit`) and has the keys (its first
        refresh); with no table (nothing to compare), now."""
        if self._keys_given:
            return
        self._keys_given = True

        def release() -> None:
            if self.app.screen is self:
                release_keys(self.app)

        table = self._table
        if table is not None and table.is_attached:
            table.call_after_refresh(release)
        else:
            release()

    def fit_top(self) -> None:
        """Give the counts and the matrix only the lines the table can spare.

        At 40×15 they took the screen, which scrolled: the headline went off the top, the
        counts stood two letters wide beside the matrix and three rows were left.
        """
        width, height = self.size
        if screen_gone(self):
            return  # (left meanwhile: esc before this ran after the refresh, its widgets gone)
        if not width or not height:
            self.keys_to_table()
            return
        top = self.query_one("#compare-top", Horizontal)
        transitions = self.query_one("#compare-transitions", Static)
        matrix = transitions.get_content_width(self.size, self.size) + 2
        beside = width - matrix >= COUNTS_WIDTH
        top.styles.layout = "horizontal" if beside else "vertical"
        # Above the table: the headline and labels (wrapped), the status line; below: the footer.
        chrome = sum(
            self.query_one(selector, Static).outer_size.height
            for selector in (
                "#compare-headline",
                "#compare-labels",
                "#compare-warnings",
                "#compare-status",
            )
        )
        if self.comparison is not None:
            # Wrapped here, between whole items, to the room each has (less their padding).
            line = self.query_one("#compare-headline", Static)
            text = headline(self.comparison, width - 2)
            chrome += text.count("\n") + 1 - line.outer_size.height  # (its height once laid out)
        # The footer, the table's header and its horizontal scroll bar.
        room = height - chrome - 3 - MIN_TABLE_ROWS
        # At most TOP_LINES lines, more when the table's rows leave the screen lines to spare:
        # sus-www's 4 compared prompts left 7 lines empty under the table while the counts'
        # last lines (the load's bad lines) were cut off at 8.
        spare = height - chrome - 3 - self.rows.height
        lines_up_to = min(max(TOP_LINES, spare), room)
        top.display = room > 0
        top.styles.max_height = max(1, lines_up_to)
        # The matrix is shown whole or not at all: at 50x15 its header and 'never' row were
        # shown, its 'flaky' and 'always' rows cut off with no mark. Left out, the counts say so.
        matrix_lines = (
            transitions_text(self.comparison).count("\n") + 1 if self.comparison is not None else 0
        )
        whole = lines_up_to >= matrix_lines + (0 if beside else 1)
        transitions.display = whole
        if not whole:
            beside = False
            top.styles.layout = "vertical"
        if self.comparison is not None:
            bad = self.bad_lines()
            counts_width = (width - matrix if beside else width) - 2
            lines = counts_text(self.comparison, counts_width, bad_lines=bad).split("\n")
            shown = max(1, lines_up_to - (0 if beside or not whole else matrix_lines))
            if not whole:
                lines.append(one_line(MATRIX_LEFT_OUT, counts_width))
            if len(lines) > shown:  # the test's name first left out: the headline gives its p
                lines = counts_text(self.comparison, counts_width, test=False, bad_lines=bad).split(
                    "\n"
                )
                if not whole:
                    lines.append(one_line(MATRIX_LEFT_OUT, counts_width))
                # and names the test after it, when its last line has room: at 60x20 'p =
                # 0.0625' stood alone, a p of no test named (sign test or McNemar's).
                named = f"{text} ({short_test(self.comparison.test)})"
                if not self.comparison.no_delta and cell_width(named.split("\n")[-1]) <= width - 2:
                    text = named
            if len(lines) > shown:
                # The lines past the room were cut off with no mark (at 60x20 "only in A: 1
                # prompt · only in B: 0 prompts (not compared)" was not there at all).
                lines = lines[:shown]
                lines[-1] = one_line(f"{lines[-1]} …", counts_width)
            self.query_one("#compare-details", Static).update(Text("\n".join(lines)))
            line.update(Text(text))
        self.call_after_refresh(self.refit)  # once the top's new height is laid out

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A comparison that failed (the app says why) posts no result: the next data change
        is compared all the same, and the keys held for the first table act now."""
        if event.worker.group == "compare" and event.state == WorkerState.ERROR:
            self._computing = False
            self.keys_to_table()
            if self._again and self.is_attached:
                self.compare()

    def data_changed(self) -> None:
        """New scores or rows under the screen: compared again (sort, filter and cursor kept),
        once the comparison being made is done. Two at once (two followed updates, a re-score),
        the first one's thread could end last on a loaded machine: the screen went back to the
        older counts and rates and kept them until the next update."""
        self.keep_cursor_on = self.cursor_prompt_id()
        if self._computing:
            self._again = True
        else:
            self.compare()

    def status_text(self, width: int = 200, hidden: tuple[int, int] = (0, 0)) -> str:
        """The status line in ``width`` cells: at 80 columns "(largest drop first)" ran off
        the line with no mark; shorter words then, and a ``…`` past those. It ends with the
        table's columns out of sight, ``hidden`` (left, right: :meth:`hidden_columns`): on a
        second line when the words fit whole on the first without them (never cut for them),
        on the one line when the words are cut anyway (60 columns: the top keeps its line)."""
        mark = columns_mark(*hidden)
        if mark:
            line = self.status_text(width)
            if cell_width(f"{line} · {mark}") <= width:
                return f"{line} · {mark}"
            if line.endswith("…"):
                return f"{self.status_text(max(1, width - cell_width(mark) - 3))} · {mark}"
            return f"{line}\n{one_line(mark, width)}"
        column, descending = self.sort
        accuracy = self.comparison is None or (self.comparison.accuracy and self.comparison.rate)
        header = next((header_of(c, accuracy) for c in COLUMNS if c.source == column), column)
        order = "↓" if descending else "↑"
        shown = plural(self.rows.height, "prompt")
        unknown = self.comparison is not None and self.comparison.direction_unknown
        only = (UNKNOWN_ONLY if unknown else ONLY)[self.only]
        line = f"showing {only}: {shown} · sorted by {header} {order}"
        if column == "delta":
            # A gain in the score's own direction: for a lower-is-better mae, Δ ↑ is gains first.
            lower = self.comparison is not None and self.comparison.lower_is_better
            gains = descending != lower
            up, down = ("rise", "fall") if unknown else ("gain", "drop")
            long = f" (largest {up} first)" if gains else f" (largest {down} first)"
            short = f" ({up}s first)" if gains else f" ({down}s first)"
            line += long if cell_width(line + long) <= width else short
        return one_line(line, width)

    def show(self, from_top: bool = False) -> None:
        """The table made again (compared again, resized, refitted, sorted, g/i): the cursor
        stays on its prompt where the rows still hold it (it went to the first row: a resize
        lost the row read); ``from_top`` (a new sort or filter): a cursor on the first row
        stays on the first row, as on the prompt table."""
        if self.comparison is None:
            return
        keep = self.keep_cursor_on
        if keep is None and not (from_top and self.cursor_row() == 0):
            keep = self.cursor_prompt_id()
        rows = self.comparison.joined
        # Worse/better in the score's own direction (a lower mae is better); NaN deltas in neither.
        if self.only == "regressed":
            rows = self.comparison.regressions()
        elif self.only == "improved":
            rows = self.comparison.improvements()
        column, descending = self.sort
        # A NaN (a change not comparable: inf in both runs) last either way, as a null is:
        # polars sorts NaN above every number, so Δ descending opened on it.
        key = pl.col(column)
        if rows.schema.get(column, pl.Null).is_float():
            key = key.fill_nan(None)
        self.rows = rows.sort(key, descending=descending, nulls_last=True, maintain_order=True)
        old = self.current_table()
        cursor_column = old.cursor_column if old is not None else 0
        table = DataTable(
            data=display_frame(
                self.rows,
                prompt_width(self.size.width or self.app.size.width),
                # A 0–1 f1 or reward's columns are "A mean", as its headline's "mean f1".
                self.comparison.accuracy and self.comparison.rate,
                fit=self.fitted_room(),
            ),
            render_markup=False,
            cursor_type="cell",
            zebra_stripes=True,
            show_row_labels=False,
            null_rep="–",
            classes="compare-table",
        )
        box = self.query_one("#compare-box", Container)
        # The new table takes the keys now (below) but is shown once mounted, in one update
        # with what is said of it (the status line; the counts when compared again): the
        # tables before it stay on the screen until then (:meth:`shown_when_mounted`).
        shown = [child for child in box.children if isinstance(child, DataTable)]
        table.display = False
        mounted = box.mount(table)
        self._table = table
        if self.rows.height:
            row = 0
            if keep is not None:
                found = self.rows.with_row_index("_at").filter(pl.col("prompt_id") == keep)
                row = int(found["_at"][0]) if found.height else 0
            table.place_cursor(row, min(cursor_column, len(COLUMNS) - 1))
        self.keep_cursor_on = None
        # The focus now, not a message later (table.focus()): the keys read with the one that
        # made this table (']' then 'j j enter' at once) are bound to the focused table as they
        # come back up to the app; they moved the table being replaced.
        self.set_focus(table)
        # The columns out of sight, as the table scrolls sideways (the cursor's column is
        # scrolled into view) and once it is laid out.
        self.watch(table, "scroll_x", lambda _x: self.show_status(), init=False)

        async def when_mounted() -> None:
            await mounted
            self.shown_when_mounted(table, shown)

        self.call_next(when_mounted)

    def shown_when_mounted(self, table: DataTable, before: list[DataTable]) -> None:
        """``table``, now mounted, shown in place of the tables ``before`` it, with the status
        line and (compared again) the counts said of it: all in one screen update. A table
        made again meanwhile (a resize, a sort) is shown by its own call, in place of both."""
        if screen_gone(self) or self._table is not table or not table.is_attached:
            return
        for old in before:
            old.remove()
        table.display = True
        self.show_status()
        if self._top_stale:
            self._top_stale = False
            self.show_top()
        table.call_after_refresh(self.show_status)  # (the columns out of sight, laid out)

    def show_status(self) -> None:
        if screen_gone(self):  # closed before this ran after the refresh (a command, ctrl+p)
            return
        width = self.size.width or self.app.size.width
        status = self.query_one("#compare-status", Static)
        text = self.status_text(max(20, width - 2), self.hidden_columns())  # less its padding
        if str(status.render()) != text:
            lines = str(status.render()).count("\n")
            status.update(Text(text))
            if text.count("\n") != lines:  # the table's room changed: the top gives way
                self.call_after_refresh(self.fit_top)

    def hidden_columns(self) -> tuple[int, int]:
        """How many of the table's columns are (partly) out of sight on its left and on its
        right: at 60 columns the table showed the prompt and A solved, B solved and the
        generation counts past the edge with no mark, and scrolled sideways, the changes and
        accuracies off the left."""
        table = self.current_table()
        if table is None or not table.is_attached:
            return 0, 0
        view = table.scrollable_content_region.width
        if not view:
            return 0, 0
        first = round(table.scroll_x)
        left = right = 0
        end = 0
        for column in table.ordered_columns:
            start, end = end, end + column.render_width
            if start < first:
                left += 1
            elif end > first + view:
                right += 1
        return left, right

    fitted: int | None = None
    """The room (:meth:`table_room`) the table shown was fitted to."""

    def fitted_room(self) -> int:
        self.fitted = self.table_room()
        return self.fitted

    def refit(self) -> None:
        """The table made again when the room it was fitted to changed as the top was laid out
        (``fit_top``): at 60x20 the top's lines left the box too short for the rows, and the
        vertical scrollbar that came took the last column's two cells ('A solve' over 'alway',
        no mark)."""
        if screen_gone(self):  # left meanwhile (esc, q): a crash looking for its box
            return
        if self.fitted is not None and self.table_room() != self.fitted:
            self.show()
        if self.comparison is not None:
            # The first table made again to fit, or kept: keys typed on a table being
            # replaced were lost.
            self.keys_to_table()

    def table_room(self) -> int:
        """Cells the table's columns have: the box's width less the vertical scrollbar that
        rows taller than the box (less the header and a horizontal scrollbar) bring."""
        box = self.query_one("#compare-box", Container)
        width = box.size.width or self.size.width or self.app.size.width
        rows = 0 if self.rows is None else self.rows.height
        scrollbar = 0 if box.size.height and rows + 2 <= box.size.height else 2
        return width - scrollbar

    def on_resize(self, event: events.Resize) -> None:
        # The labels and the prompt column follow the terminal's width.
        self.query_one("#compare-labels", Static).update(self.labels_text(event.size.width))
        self.show_warnings(event.size.width)
        self.show()
        self.call_after_refresh(self.fit_top)

    def on_top_lines_resized(self, event: TopLines.Resized) -> None:
        """The warnings or the status laid out at another height: the top fitted again to
        what they take now (a fit made before their layout counted them at their old height)."""
        event.stop()
        if self.comparison is not None:
            self.fit_top()

    def current_table(self) -> DataTable | None:
        table = self._table
        if table is not None and table.is_attached:
            return table
        tables = self.query(".compare-table")
        return cast(DataTable, tables.first()) if tables else None

    def action_only(self, which: str, _words: str | None = None) -> None:
        """``which``: "regressed" or "improved" (``_words`` names them for the footer only)."""
        self.only = None if self.only == which else which
        self.sorted_by_user = True
        # The largest change of the kind first: a regression of a lower-is-better mae is a rise
        # (Δ descending); ascending showed its smallest first under "(largest gain first)".
        lower = self.comparison is not None and self.comparison.lower_is_better
        if self.only == "regressed":
            self.sort = ("delta", lower)
        elif self.only == "improved":
            self.sort = ("delta", not lower)
        self.show(from_top=True)

    def action_sort(self, descending: bool) -> None:
        table = self.current_table()
        if table is not None and 0 <= table.cursor_column < len(COLUMNS):
            self.sort = (COLUMNS[table.cursor_column].source, descending)
            self.sorted_by_user = True
            self.show(from_top=True)

    def cursor_row(self) -> int | None:
        """The table's cursor row (None: no table, or no row)."""
        table = self.current_table()
        return table.cursor_row if table is not None and table.row_count else None

    def cursor_prompt_id(self) -> str | None:
        """The prompt id behind the cursor's row: from the frame the table was built from."""
        table = self.current_table()
        if table is None or not table.row_count or not 0 <= table.cursor_row < self.rows.height:
            return None
        return str(self.rows["prompt_id"][table.cursor_row])

    def action_open(self) -> None:
        prompt_id = self.cursor_prompt_id()
        if prompt_id is None:
            return
        from evaltui.app.screens.prompt import PromptScreen

        table = self.current_table()
        position = None if table is None else table.cursor_row
        self._reading = PromptScreen(
            self.run_a,
            prompt_id,
            other_run=self.run_b,
            keys=self.prompt_keys(),
            position=position,
            keys_of=self.prompt_keys,
        )
        self.app.push_screen(self._reading)

    def on_screen_resume(self) -> None:
        """Back from a prompt screen: the cursor on the prompt last read there (it went back
        to the row the prompt was opened from), also once a comparison made again meanwhile
        (a followed update) is shown."""
        reading, self._reading = self._reading, None
        if reading is None:
            return
        if self.keep_cursor_on is not None:  # compared again, not shown yet: it is placed then
            self.keep_cursor_on = reading.prompt_id
        cursor_on_last_read(self.current_table(), self.prompt_keys(), reading)

    def prompt_keys(self) -> pl.DataFrame:
        """The list `.`/`,` walk on a prompt opened from here: the compared prompts in the
        table's order (not the main table's), as run A's keys."""
        return self.rows.select(pl.lit(self.run_a, dtype=pl.String).alias("run"), "prompt_id")

    def action_pick_runs(self) -> None:
        def chosen(pair: tuple[str, str] | None) -> None:
            if pair is not None and pair != (self.run_a, self.run_b):
                self.app.switch_screen(CompareScreen(*pair))
            else:  # no new comparison is coming: the keys read behind the Enter act here
                release_keys(self.app)

        app = cast("EvalApp", self.app)
        stats = app.result.stats if app.result is not None else None
        self.app.push_screen(RunPairScreen(run_names(app), stats, self.run_a), chosen)

    def key_opens_later(self, key: str) -> bool:
        """Whether ``key``, read now, opens a screen whose keys come later (the app holds the
        keys read behind it until that screen has them: ``EvalApp.hold_keys_for_screen``): e,
        the export dialog. 'e ctrl+a ctrl+k /tmp/x.json ctrl+s' in one burst (tmux send-keys)
        lost the path, read before the dialog was drawn, and ctrl+s wrote the default path."""
        active = self.app.active_bindings.get(key)
        return (
            active is not None
            and active.node is self
            and active.binding.action == "export"
            and not active.binding.priority
            and self.comparison is not None
        )

    def keys_leaving(self, _key: str) -> frozenset[str]:
        """None: the keys held for the export dialog are all its, in order (a q in a path)."""
        return frozenset()

    def action_export(self) -> None:
        """Export the prompts shown (e.g. the regressed set), both runs' rows, like any view."""
        app = cast("EvalApp", self.app)
        if app.result is None or self.comparison is None:
            release_keys(self.app)  # nothing opened: the keys act here
            return
        ids = self.rows["prompt_id"].to_list()
        rows = app.result.stats.filter(
            pl.col("run").is_in([self.run_a, self.run_b]) & pl.col("prompt_id").is_in(ids)
        )
        # Short enough for the dialog's two title lines, yet told apart.
        names = distinct_middle([self.run_a, self.run_b], 20)
        pair = f"{names[self.run_a]} vs {names[self.run_b]}"
        what = f"{self.only or 'all'} prompts, {pair}"
        from evaltui.app.screens.export import ExportScreen

        # The prompts as this screen counts them: one row per run each (it said "44 prompts"
        # for the 22 shown).
        amount = f"{plural(len(ids), 'prompt')} × 2 runs"
        self.app.push_screen(ExportScreen(rows, what, amount, app.result))

    def open_cursor_row(self) -> None:
        """Enter or a double click on the table (:class:`~evaltui.app.tables.OpensRows`)."""
        self.action_open()

    def on_data_table_cell_selected(self, _event: DataTable.CellSelected) -> None:
        self.action_open()


def run_names(app: EvalApp) -> list[str]:
    if app.result is None:
        return []
    return [str(r) for r in app.result.stats["run"].unique(maintain_order=True).to_list()]


class RunPairScreen(Dialog[tuple[str, str] | None]):
    """Pick the two runs to compare: first the baseline (A), then the run compared with it (B)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pair_cancel"),
        Binding("q", "cancel", "Cancel", id="pair_cancel_q"),
        # A dialog takes none of the app's keys (a modal screen): ? is bound here. Out of the
        # dialog's short footer: the prompt table's footer shows "? Help".
        Binding("question_mark", "app.help", "Help", id="pair_help", show=False),
        # j/k move as in the table behind it and in the sort menu (they were taken by nothing:
        # 'm j j enter' compared the first run, the one under the highlight, without a word).
        Binding("j", "move(1)", "Down", id="pair_down_j", show=False),
        Binding("k", "move(-1)", "Up", id="pair_up_k", show=False),
    ]

    def __init__(
        self, runs: list[str], stats: pl.DataFrame | None = None, current: str | None = None
    ) -> None:
        super().__init__()
        self.runs = runs
        self.current = current
        """The run highlighted first in A's list: the baseline compared now (``m`` in a
        compare view; the list started on the first run), or the run the table shows."""
        self.stats = stats
        """The loaded stats: B is offered with its prompts in common with A, most first."""
        self.first: str | None = None
        """The baseline, once picked."""
        self.in_common: dict[str, int] = {}
        """Once A is picked: each other run's prompts in common with it."""
        self.placed = False
        """Whether the options were fitted to the list once (starting on :attr:`current`)."""
        self.gone: str | None = None
        """A baseline picked, then gone from the files under a followed update: named above
        A's list, offered again."""
        self.enters_read = 0
        """Enters read by the app on this picker (A's list's, then B's): the one picking B
        opens compare (:meth:`key_opens_later`)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="pair-dialog", classes="dialog"):
            yield Label(self.label_text(), id="pair-prompt")
            yield Options(*self.options(), id="pair-options")
        yield KeysFooter()  # this picker's keys, not the table's behind it

    def label_text(self) -> Text:
        """What the picker asks, above the list."""
        if self.first is None:
            if self.gone is not None:
                gone = one_line_middle(self.gone, self.label_room("A = "))
                return Text(
                    f"A = {gone} is gone from the files\nCompare: pick the baseline run (A), enter"
                )
            return Text("Compare: pick the baseline run (A), enter")
        # Two lines: on one, a long model name cut the question off at 80 columns.
        return Text(
            f"A (baseline) = {one_line_middle(self.first, self.label_room('A (baseline) = '))}\n"
            "Compare with which run? Pick B, enter"
            + ("\n(prompts in common with A · run)" if self.stats is not None else "")
        )

    def label_room(self, prefix: str) -> int:
        """Cells the baseline's name may take after ``prefix`` on the label's line: what the
        dialog's width leaves, never under :data:`LABEL_WIDTH` (a narrow dialog wraps it, as
        before). Cut at 40 cells whatever the width, 'openai/gpt-4o-mini @…2-11T15:17:00-05:00'
        above a list naming it whole, the runs of one model told apart by the date it cut."""
        if not self.is_mounted:
            return LABEL_WIDTH
        width = self.query_one("#pair-dialog", Vertical).content_region.width
        return max(LABEL_WIDTH, width - cell_width(prefix))

    def name_room(self, prefix: int = 0) -> int:
        """Cells a run's name may take on its option's one line after ``prefix`` cells: a long
        model-name folder wrapped onto three lines at 60 columns ("5 ·" alone on a line, then
        the name). 90 before the list has a size."""
        if not self.is_mounted:
            return 90
        options = self.query_one("#pair-options", OptionList)
        room = options.scrollable_content_region.width
        if room <= 0:
            return 90
        # An option's padding (one cell each side) and the scrollbar the list may yet show:
        # none once fitted with room for every run (5 runs at 60 columns were cut two cells
        # short, 'Qwen/Qwen3-8B @ 2…T16-04-34.219874' beside blank cells).
        tallest = options.styles.max_height
        count = len(self.runs) - (self.first is not None)
        fits = tallest is not None and tallest.is_cells
        fits = fits and count <= int(tallest.value) - options.styles.gutter.height  # type: ignore[union-attr]
        bar = 0 if fits else options.styles.scrollbar_size_vertical
        return max(8, room - 2 - bar - prefix)

    def options(self) -> list[Option]:
        if self.first is None or self.stats is None:
            names = distinct_middle(self.runs, self.name_room())
            return [
                Option(Text(names[run]), id=f"run-{index}") for index, run in enumerate(self.runs)
            ]
        # B: the runs sharing most prompts with A first (one sharing none compares nothing).
        others = [(index, run) for index, run in enumerate(self.runs) if run != self.first]
        others.sort(key=lambda pair: -self.in_common.get(pair[1], 0))
        width = len(f"{max(self.in_common.values(), default=0):,}")
        # Cut so they read apart (``Qwen-Qwen2.5-32B-Instruct`` and ``…-14B-…`` each cut in
        # its middle read alike at 60 columns: which to pick not told).
        names = distinct_middle([run for _, run in others], self.name_room(width + 3))
        return [
            Option(
                Text(f"{self.in_common.get(run, 0):>{width},} · {names[run]}"),
                id=f"run-{index}",
            )
            for index, run in others
        ]

    def show_options(self) -> None:
        """The options again, fitted to the list's width, the same one highlighted."""
        options = self.query_one("#pair-options", OptionList)
        highlighted = options.highlighted
        if not self.placed and self.first is None and self.current in self.runs:
            # The first time: on the current run (the list may have moved to its first since
            # the mount set it).
            highlighted = self.runs.index(self.current)
        self.placed = True
        options.clear_options()
        options.add_options(self.options())
        options.highlighted = highlighted
        self.show_more()

    def show_more(self) -> None:
        """How many runs are out of sight above and below, on the list's top border (its bottom
        border reads as a blank line): 17 runs listed 12, and only the scrollbar's thumb, two
        cells of a half block, told that more were below."""
        show_more(self.query_one("#pair-options", OptionList))

    def fit_list(self) -> None:
        """The list no taller than the dialog has room for: at its full height (16) the dialog
        (80% of the screen at most) cut it off, its last rows and scrollbar out of sight, and
        how many runs were out of sight could not be told. The label's rows are counted from
        its text (the layout of a label just changed comes with the next frame)."""
        dialog = self.query_one("#pair-dialog", Vertical)
        options = self.query_one("#pair-options", OptionList)
        # The baseline's name as long as the dialog's width (a resize) lets it be.
        self.query_one("#pair-prompt", Label).update(self.label_text())
        # The dialog's max-height (80%) is of the screen's height above the docked footer.
        space = self.size.with_height(self.size.height - self.query_one(Footer).outer_size.height)
        limit = dialog.styles.max_height
        tallest = int(limit.resolve(space, self.size)) if limit is not None else space.height
        chrome = dialog.outer_size.height - dialog.content_region.height
        width = max(1, dialog.content_region.width)
        above = len(self.label_text().wrap(self.app.console, width))
        options.styles.max_height = max(3, min(PAIR_LIST_ROWS, tallest - chrome - above))
        self.call_while_open(self.show_options)

    def key_opens_later(self, key: str) -> bool:
        """Whether ``key``, read now, opens a screen whose keys come later (the app holds the
        keys read behind it: ``EvalApp.hold_keys_for_screen``): the Enter that picks B, which
        opens compare. 'enter enter j j enter' typed at once picked A and B, and the j's were
        read before compare had a table (lost, or taken by this list)."""
        if key != "enter" or not isinstance(self.focused, OptionList):
            return False
        self.enters_read += 1
        return self.enters_read >= 2 or (self.first is not None and self.enters_read >= 1)

    def on_mount(self) -> None:
        # The keys read behind the `m` that opened this picker act on its list.
        self.call_after_refresh(release_keys, self.app)
        # The mouse wheel scrolls the list without moving its highlight: the count out of
        # sight follows the scroll itself (it kept '↓ 6 more' with runs scrolled off above).
        options = self.query_one("#pair-options", OptionList)
        self.watch(options, "scroll_y", lambda _y: self.show_more(), init=False)

    def on_resize(self, _event: events.Resize) -> None:
        self.call_while_open(self.fit_list)

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self.call_while_open(self.show_more)  # the list scrolls to the highlighted run

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        options = self.query_one("#pair-options", OptionList)
        option = event.option
        at = event.option_index
        if not 0 <= at < options.option_count or options.get_option_at_index(at) is not option:
            # An enter typed in the same burst as A's was handled before B's list replaced
            # A's: it selected A's option again (A compared with itself). It acts on the list
            # shown now, as the person who pressed enter twice meant.
            if options.highlighted is None:
                return
            option = options.get_option_at_index(options.highlighted)
        index = int((option.id or "run-0").removeprefix("run-"))
        run = self.runs[index]
        if self.first is None:
            self.first, self.gone = run, None
            if self.stats is not None:
                self.in_common = prompts_in_common(self.stats, run)
            self.query_one("#pair-prompt", Label).update(self.label_text())
            options = self.query_one("#pair-options", OptionList)
            options.clear_options()
            options.add_options(self.options())
            options.highlighted = 0
            options.scroll_home(animate=False)
            self.call_while_open(self.fit_list)  # the label is longer: less room
            return
        self.close((self.first, run))

    def action_cancel(self) -> None:
        self.close(None)

    def action_move(self, step: int) -> None:
        move_highlight(self.query_one("#pair-options", OptionList), step)

    def highlighted_run(self) -> str | None:
        """The run under the list's highlight (options are ``run-<index in runs>``)."""
        options = self.query_one("#pair-options", OptionList)
        at = options.highlighted
        if at is None or not 0 <= at < options.option_count:
            return None
        index = int((options.get_option_at_index(at).id or "run-0").removeprefix("run-"))
        return self.runs[index] if 0 <= index < len(self.runs) else None

    def data_changed(self) -> None:
        """A followed update under the picker: it lists the runs loaded now. It kept the runs
        it was opened with: in tmux at 80x24 a run folder deleted while it was open was still
        offered (picked as A, compare said "no run '…'"), a new run's folder was not, in A's
        list nor in B's, and B's prompts in common were the old counts. The highlight stays on
        its run; a baseline gone from the files is named and A is asked for again."""
        app = cast("EvalApp", self.app)
        runs = run_names(app)
        stats = app.result.stats if app.result is not None else None
        if runs == self.runs and (self.first is None or self.stats is None or stats is None):
            return
        options = self.query_one("#pair-options", OptionList)
        run = self.highlighted_run()
        self.runs = runs
        if self.stats is not None and stats is not None:
            self.stats = stats
        if self.first is not None and self.first not in runs:
            self.gone, self.first, self.in_common = self.first, None, {}
            self.enters_read = 0  # A is picked again
        elif self.first is not None and self.stats is not None:
            self.in_common = prompts_in_common(self.stats, self.first)
        self.query_one("#pair-prompt", Label).update(self.label_text())
        refill(options, self.options(), f"run-{runs.index(run)}" if run in runs else None)
        self.call_while_open(self.fit_list)


def open_compare(
    app: App[int], runs: list[str], preferred: str | None, stats: pl.DataFrame | None = None
) -> bool:
    """Compare two runs: with two loaded, those (``preferred`` as A); with more, the user picks
    (B among the runs sharing most prompts with A in ``stats``). False when neither opens."""
    if len(runs) < 2:
        app.notify("comparing needs two runs; one is loaded", markup=False)
        return False
    if len(runs) == 2:
        first = preferred if preferred in runs else runs[0]
        app.push_screen(CompareScreen(first, runs[1] if first == runs[0] else runs[0]))
        return True

    def chosen(pair: tuple[str, str] | None) -> None:
        if pair is not None:
            app.push_screen(CompareScreen(*pair))
        else:  # cancelled: no compare is coming
            release_keys(app)

    app.push_screen(RunPairScreen(runs, stats, preferred), chosen)
    return True


def release_keys(app: App[int]) -> None:
    """The keys held for the screen opening (``EvalApp.hold_keys_for_screen``) go to the app."""
    cast("EvalApp", app).release_keys_for_screen()

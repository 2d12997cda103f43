"""The main screen: summary header, filter bar, the prompt table, the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

import polars as pl
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual_fastdatatable import DataTable

from evaltui.app.display import table_columns
from evaltui.data.loader import LoadProgress, LoadResult
from evaltui.data.metrics import kinds_summary, overall, run_kinds
from evaltui.data.query import Sort, View
from evaltui.data.sanitize import one_line

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp

FILTER_DEBOUNCE = 0.3


def _seconds(value: float | None) -> str:
    if value is None:
        return "?"
    minutes, seconds = divmod(int(value), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


class MainScreen(Screen[None]):
    """Every prompt of the load, one row each; filter, sort, open, plot, export."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_prompt", "Open", id="open"),
        Binding("slash", "focus_filter", "Filter", id="filter"),
        Binding("s", "sort_menu", "Sort", id="sort"),
        Binding("left_square_bracket", "sort_column(False)", "Sort ↑", id="sort_asc"),
        Binding("right_square_bracket", "sort_column(True)", "Sort ↓", id="sort_desc"),
        Binding("n", "quick('never')", "Never", id="quick_never"),
        Binding("f", "quick('flaky')", "Flaky", id="quick_flaky"),
        Binding("a", "quick('always')", "Always", id="quick_always"),
        # Triage quick filters (evaltui.data.triage); out of the footer, listed under ? help.
        Binding("u", "quick('suspect')", "Suspect ref/grader", id="quick_suspect", show=False),
        Binding("l", "quick('truncated')", "Length cap", id="quick_truncated", show=False),
        Binding("r", "next_run", "Run", id="run"),
        Binding("c", "clear_view", "Clear", id="clear"),
        Binding("p", "plot", "Plot", id="plot"),
        Binding("e", "export", "Export", id="export"),
        Binding("b", "problems", "Bad lines", id="problems"),
        Binding("t", "summary", "Summary", id="summary"),
        Binding("m", "compare", "Compare", id="compare"),
        Binding("x", "cancel_load", "Stop loading", id="cancel"),
        Binding("q", "app.quit", "Quit", id="quit_q"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._debounce: Timer | None = None
        self._table_serial = 0
        self._status = ""
        """The status line's view part ("Showing N of M prompts · …")."""

    @property
    def evalapp(self) -> EvalApp:
        return cast("EvalApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("evaltui · loading…", id="summary")
        yield Static("", id="progress")
        yield Input(
            placeholder='/ filter: average_accuracy < 0.2 and max_gen_length > 8000 · prompt ~ "triangle"',
            id="filter",
            select_on_focus=False,
        )
        yield Static("", id="filter-error")
        yield Static("", id="status")
        yield Container(Static("Reading files…", id="placeholder"), id="table-box")
        yield Footer()

    # --- fed by the app -------------------------------------------------------------------

    def show_progress(self, progress: LoadProgress) -> None:
        widget = self.query_one("#progress", Static)
        if progress.stage in {"done", "cancelled"}:
            widget.update(
                "loading stopped: token lengths are incomplete"
                if progress.stage == "cancelled"
                else ""
            )
            widget.display = progress.stage == "cancelled"
            return
        widget.display = True
        if progress.stage == "reading":
            text = f"reading files {progress.files_read}/{progress.files_total} · {progress.generations:,} generations"
        else:
            text = (
                f"tokenizing {progress.generations_tokenized:,}/{progress.generations:,} generations · "
                f"{progress.tokens:,} tokens · {progress.rate:,.0f} gen/s · ETA {_seconds(progress.eta)}"
                "   (x stops; accuracy columns are ready, lengths fill in)"
            )
        widget.update(text)

    def show_result(self, result: LoadResult) -> None:
        head = overall(result.stats, result.generations)
        accuracy = "–" if head["accuracy"] is None else f"{head['accuracy']:.3f}"
        kinds = run_kinds(result.stats)
        skipped = [f for f in result.skipped_files if not f.companion]
        parts = [
            f"files {len(result.read_files)}" + (f" (+{len(skipped)} skipped)" if skipped else ""),
            f"runs {head['runs']}",
            f"prompts {head['prompts']:,}",
            f"generations {head['generations']:,}",
            # Accuracy over the runs whose score is one; what every run's score is, after.
            *([f"accuracy {accuracy}"] if any(k.accuracy for k in kinds.values()) else []),
            f"unscored {head['unscored']:,}",
            f"bad lines {len(result.errors):,}",
            *([f"notes {len(result.notes):,} (b)"] if result.notes else []),
            f"tokenizer {one_line(result.tokenizer, 40)}",
            f"counted by {one_line(result.counting, 40)}",
        ]
        if not result.complete:
            parts.append("lengths pending" if not result.cancelled else "lengths incomplete")
        parts.append(one_line(kinds_summary(kinds), 400))
        self.query_one("#summary", Static).update(Text(" · ".join(p for p in parts if p)))

    def show_follow_status(self, text: str) -> None:
        """The follow line ("following · N new generations in the last minute · …"); empty hides it."""
        widget = self.query_one("#progress", Static)
        widget.update(Text(text))
        widget.display = bool(text)

    def show_failure(self, reason: str) -> None:
        self.query_one("#progress", Static).display = False
        box = self.query_one("#table-box", Container)
        box.remove_children()
        box.mount(
            Static(Text("Could not load: " + one_line(reason, 2000) + "\n\nq quits."), id="failure")
        )
        self.query_one("#summary", Static).update(Text("evaltui · nothing loaded"))

    def show_view(self, view: View, rows: pl.DataFrame, display: pl.DataFrame) -> None:
        self.query_one("#filter-error", Static).update("")
        self.query_one("#filter-error", Static).display = False
        total = self.evalapp.result.stats.height if self.evalapp.result else 0
        self._status = f"Showing {rows.height:,} of {total:,} prompts · {view.describe()}"
        self._show_status()
        self._replace_table(display)

    def _show_status(self) -> None:
        editing = self.query_one("#filter", Input).has_focus
        hint = "editing the filter: enter applies, esc returns to the table · " if editing else ""
        self.query_one("#status", Static).update(Text(hint + self._status))

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self._show_status()

    def on_descendant_blur(self, _event: events.DescendantBlur) -> None:
        self._show_status()

    def show_view_error(self, error: str, position: int | None) -> None:
        widget = self.query_one("#filter-error", Static)
        where = "" if position is None else f" at column {position + 1}"
        widget.update(Text(f"✗ {error}{where} — still showing the last valid filter"))
        widget.display = True

    def _replace_table(self, display: pl.DataFrame) -> None:
        # A filter or sort builds a new frame and a new table; the table keeps no row maps.
        box = self.query_one("#table-box", Container)
        old = self.current_table()
        cursor = old.cursor_coordinate if old is not None else None
        had_focus = old is not None and old.has_focus
        self._table_serial += 1
        table = DataTable(
            data=display,
            render_markup=False,
            cursor_type="cell",
            zebra_stripes=True,
            show_row_labels=False,
            max_column_content_width=60,
            id=f"prompts-{self._table_serial}",
            classes="prompts",
        )
        box.remove_children()
        box.mount(table)
        if cursor is not None and display.height:
            table.move_cursor(row=min(cursor.row, display.height - 1), column=cursor.column)
        if had_focus or self._table_serial == 1 or not self.query_one("#filter", Input).has_focus:
            # At once (Widget.focus would defer it): a deferred focus could land after a "/" the
            # user has typed meanwhile, and take the filter's keys away from it.
            self.set_focus(table)

    def current_table(self) -> DataTable | None:
        tables = self.query(".prompts")
        return cast(DataTable, tables.first()) if tables else None

    def cursor_key(self) -> tuple[str, str] | None:
        """(run, prompt_id) of the row under the cursor, read from the row itself."""
        table = self.current_table()
        if table is None or not table.row_count:
            return None
        row = table.get_row_at(table.cursor_row)
        labels = (
            [label for _c, label, _k in table_columns(self.evalapp.rows)]
            if self.evalapp.rows is not None
            else []
        )
        values = dict(zip(labels, row, strict=False))
        if "run" not in values or "id" not in values:
            return None
        return str(values["run"]), str(values["id"])

    def cursor_column(self) -> str | None:
        table = self.current_table()
        rows = self.evalapp.rows
        if table is None or rows is None:
            return None
        columns = table_columns(rows)
        index = table.cursor_column
        return columns[index][0] if 0 <= index < len(columns) else None

    # --- filter bar -----------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        # Focus now, not on the next idle (Widget.focus defers): keys typed right after "/" in
        # the same burst (a paste, a fast typist, tmux send-keys) must land in the filter.
        self.set_focus(self.query_one("#filter", Input))

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        text = event.value
        self._debounce = self.set_timer(FILTER_DEBOUNCE, lambda: self._apply_where(text))

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._apply_where(event.value)
        table = self.current_table()
        if table is not None:
            self.set_focus(table)

    def _apply_where(self, text: str) -> None:
        self.evalapp.request_view(self.evalapp.view.replace(where=text))

    def key_escape(self) -> None:
        if self.query_one("#filter", Input).has_focus:
            table = self.current_table()
            if table is not None:
                self.set_focus(table)

    # --- sort, quick filters, runs ----------------------------------------------------------

    def action_sort_column(self, descending: bool) -> None:
        column = self.cursor_column()
        if column is not None:
            self.evalapp.request_view(self.evalapp.view.replace(sort=Sort(column, descending)))

    def sort_by(self, column: str) -> None:
        """Sort by ``column``; again on the same column flips the direction."""
        current = self.evalapp.view.sort
        descending = current is not None and current.column == column and not current.descending
        self.evalapp.request_view(self.evalapp.view.replace(sort=Sort(column, descending)))

    @on(DataTable.HeaderSelected)
    def header_clicked(self, event: DataTable.HeaderSelected) -> None:
        rows = self.evalapp.rows
        if rows is not None and 0 <= event.column_index < len(table_columns(rows)):
            self.sort_by(table_columns(rows)[event.column_index][0])

    def action_sort_menu(self) -> None:
        from evaltui.app.screens.sort import SortScreen

        rows = self.evalapp.rows
        if rows is None:
            return
        columns = [c for c, _l, _k in table_columns(rows)]

        def chosen(column: str | None) -> None:
            if column is not None:
                self.sort_by(column)

        self.app.push_screen(SortScreen(columns, self.evalapp.view.sort), chosen)

    def action_quick(self, key: str) -> None:
        view = self.evalapp.view
        self.evalapp.request_view(view.replace(quick=None if view.quick == key else key))

    def action_next_run(self) -> None:
        result = self.evalapp.result
        if result is None:
            return
        runs: list[str | None] = [None, *result.stats["run"].unique(maintain_order=True).to_list()]
        if len(runs) <= 2:
            self.notify("only one run is loaded", markup=False)
            return
        current = runs.index(self.evalapp.view.run) if self.evalapp.view.run in runs else 0
        self.evalapp.request_view(self.evalapp.view.replace(run=runs[(current + 1) % len(runs)]))

    def action_clear_view(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.evalapp.request_view(View())

    # --- other screens ----------------------------------------------------------------------

    def action_open_prompt(self) -> None:
        if self.query_one("#filter", Input).has_focus:
            return
        key = self.cursor_key()
        if key is None:
            return
        from evaltui.app.screens.prompt import PromptScreen

        self.app.push_screen(PromptScreen(*key))

    @on(DataTable.CellSelected)
    def cell_selected(self, _event: DataTable.CellSelected) -> None:
        self.action_open_prompt()

    def action_plot(self) -> None:
        if self.evalapp.rows is None:
            return
        from evaltui.app.screens.plot import PlotScreen

        self.app.push_screen(PlotScreen())

    def action_export(self) -> None:
        if self.evalapp.rows is None:
            return
        from evaltui.app.screens.export import ExportScreen

        self.app.push_screen(ExportScreen())

    def action_problems(self) -> None:
        from evaltui.app.screens.problems import ProblemsScreen

        self.app.push_screen(ProblemsScreen())

    def action_summary(self) -> None:
        if self.evalapp.rows is None:
            return
        from evaltui.app.screens.summary import SummaryScreen

        self.app.push_screen(SummaryScreen())

    def action_compare(self) -> None:
        """Compare two runs: the two loaded (the run picker's as A), or a pair the user picks."""
        result = self.evalapp.result
        if result is None:
            return
        from evaltui.app.screens.compare import open_compare

        runs = [str(r) for r in result.stats["run"].unique(maintain_order=True).to_list()]
        open_compare(self.app, runs, self.evalapp.view.run)

    def action_cancel_load(self) -> None:
        if self.evalapp.cancel_load():
            self.notify("stopping: token lengths so far are kept", markup=False)

"""Two runs side by side, prompt by prompt: rates, delta, transitions, regressions."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

import polars as pl
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_fastdatatable import DataTable

from evaltui.data.compare import Comparison, compare_runs
from evaltui.data.sanitize import one_line_expr, visible

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp

COLUMNS = [
    "prompt_a",
    "rate_a",
    "rate_b",
    "delta",
    "class_a",
    "class_b",
    "count_a",
    "count_b",
    "prompt_id",
]


class CompareScreen(Screen[None]):
    """Compare two runs; `g` regressed only, `i` improved only, `[`/`]` sort, enter opens a prompt."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="compare_back"),
        Binding("q", "app.pop_screen", "Back", id="compare_back_q"),
        Binding("g", "only('regressed')", "Regressed", id="compare_regressed"),
        Binding("i", "only('improved')", "Improved", id="compare_improved"),
        Binding("left_square_bracket", "sort(False)", "Sort ↑", id="compare_sort_asc"),
        Binding("right_square_bracket", "sort(True)", "Sort ↓", id="compare_sort_desc"),
        Binding("enter", "open", "Open", id="compare_open"),
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
        self.run_b = run_b
        self.comparison: Comparison | None = None
        self.only: str | None = None
        self.sort: tuple[str, bool] = ("delta", False)
        self.rows = pl.DataFrame()
        """The compared prompts shown now, in order."""

    def compose(self) -> ComposeResult:
        yield Static(f"comparing {self.run_b} with {self.run_a}…", id="compare-headline")
        yield Static("", id="compare-details")
        yield Container(id="compare-box")
        yield Footer()

    def on_mount(self) -> None:
        self.compute()

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

    def on_compare_screen_ready(self, message: Ready) -> None:
        if message.comparison is None:
            self.query_one("#compare-headline", Static).update(
                Text(visible(message.error or "cannot compare"))
            )
            return
        self.comparison = message.comparison
        report = message.comparison.report().splitlines()
        self.query_one("#compare-headline", Static).update(Text(visible(report[0])))
        self.query_one("#compare-details", Static).update(Text(visible("\n".join(report[1:]))))
        self.show()

    def show(self) -> None:
        if self.comparison is None:
            return
        rows = self.comparison.joined
        if self.only == "regressed":
            rows = rows.filter(pl.col("delta") < 0)
        elif self.only == "improved":
            rows = rows.filter(pl.col("delta") > 0)
        column, descending = self.sort
        self.rows = rows.sort(column, descending=descending, nulls_last=True, maintain_order=True)
        display = self.rows.select(
            one_line_expr("prompt_a", 60),
            pl.col("rate_a").round(3),
            pl.col("rate_b").round(3),
            pl.col("delta").round(3),
            *COLUMNS[4:],
        )
        box = self.query_one("#compare-box", Container)
        box.remove_children()
        table = DataTable(
            data=display,
            render_markup=False,
            cursor_type="cell",
            zebra_stripes=True,
            show_row_labels=False,
            classes="compare-table",
        )
        box.mount(table)
        table.focus()

    def current_table(self) -> DataTable | None:
        tables = self.query(".compare-table")
        return cast(DataTable, tables.first()) if tables else None

    def action_only(self, which: str) -> None:
        self.only = None if self.only == which else which
        self.show()

    def action_sort(self, descending: bool) -> None:
        table = self.current_table()
        if table is not None and 0 <= table.cursor_column < len(COLUMNS):
            self.sort = (COLUMNS[table.cursor_column], descending)
            self.show()

    def action_open(self) -> None:
        table = self.current_table()
        if table is None or not table.row_count or not self.rows.height:
            return
        prompt_id = str(table.get_row_at(table.cursor_row)[-1])
        from evaltui.app.screens.prompt import PromptScreen

        self.app.push_screen(PromptScreen(self.run_a, prompt_id, other_run=self.run_b))

    def action_export(self) -> None:
        """Export the prompts shown (e.g. the regressed set), both runs' rows, like any view."""
        app = cast("EvalApp", self.app)
        if app.result is None or self.comparison is None:
            return
        ids = self.rows["prompt_id"].to_list()
        rows = app.result.stats.filter(
            pl.col("run").is_in([self.run_a, self.run_b]) & pl.col("prompt_id").is_in(ids)
        )
        what = f"{self.only or 'all'} prompts, {self.run_a} vs {self.run_b}"
        from evaltui.app.screens.export import ExportScreen

        self.app.push_screen(ExportScreen(rows, what))

    def on_data_table_cell_selected(self, _event: DataTable.CellSelected) -> None:
        self.action_open()

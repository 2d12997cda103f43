"""Run-level metrics with confidence intervals, and the difficulty spectrum of each run."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

import numpy as np
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from evaltui.data.sanitize import visible
from evaltui.data.summary import judged, render_table, summarize_runs

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp

BAR_WIDTH = 40


def spectrum_text(rates: np.ndarray) -> str:
    """A text histogram of per-prompt pass rates in ten bins."""
    counts, edges = np.histogram(rates, bins=10, range=(0.0, 1.0))
    top = max(int(counts.max()), 1) if len(counts) else 1
    lines = []
    for count, low, high in zip(counts, edges[:-1], edges[1:], strict=True):
        bar = "█" * round(BAR_WIDTH * count / top)
        lines.append(f"  {low:4.1f}–{high:3.1f}  {bar} {count}")
    return "\n".join(lines)


class SummaryScreen(Screen[None]):
    """The table the harnesses print (run × metric), for the rows the main table shows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="summary_back"),
        Binding("q", "app.pop_screen", "Back", id="summary_back_q"),
    ]

    class Ready(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary-view"):
            yield Static("computing (bootstrap over prompts)…", id="summary-table")
        yield Footer()

    def on_mount(self) -> None:
        self.compute()

    @work(thread=True, exclusive=True, exit_on_error=False, group="summary")
    def compute(self) -> None:
        app = cast("EvalApp", self.app)
        rows = app.rows
        if rows is None or rows.height == 0:
            self.post_message(self.Ready("no prompts in view"))
            return
        summaries = summarize_runs(rows)
        parts = [
            f"{app.view.describe()} · {rows.height:,} prompts",
            "",
            render_table(summaries, "text"),
        ]
        for summary in summaries:
            if not judged(summary):  # a continuous score without threshold has no pass rate
                continue
            parts.append(
                f"pass-rate spectrum of {summary.run} (prompts per bin of per-prompt pass rate):"
            )
            parts.append(spectrum_text(summary.pass_rates))
            parts.append("")
        self.post_message(self.Ready("\n".join(parts)))

    def on_summary_screen_ready(self, message: Ready) -> None:
        self.query_one("#summary-table", Static).update(Text(visible(message.text)))

"""Plots of the current view (or of one prompt): lengths, accuracy, length vs accuracy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

import numpy as np
import polars as pl
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp

KINDS = {
    "lengths": "token lengths of generations",
    "split": "token lengths: correct vs wrong",
    "accuracy": "per-prompt accuracy",
    "scatter": "mean token length vs accuracy (per prompt)",
}
BINS = 40
MAX_POINTS = 5000


@dataclass
class Series:
    label: str
    x: list[float]
    y: list[float]


def histogram(values: np.ndarray, edges: np.ndarray) -> list[float]:
    counts, _ = np.histogram(values, bins=edges)
    return [float(c) for c in counts]


class PlotScreen(Screen[None]):
    """Histograms and a scatter for the rows the table shows now (or for one prompt)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="plot_back"),
        Binding("q", "app.pop_screen", "Back", id="plot_back_q"),
        Binding("1", "kind('lengths')", "Lengths", id="plot_lengths"),
        Binding("2", "kind('split')", "Correct vs wrong", id="plot_split"),
        Binding("3", "kind('accuracy')", "Accuracy", id="plot_accuracy"),
        Binding("4", "kind('scatter')", "Length vs acc", id="plot_scatter"),
    ]

    @dataclass
    class Ready(Message):
        kind: str
        title: str
        xlabel: str
        ylabel: str
        series: list[Series]
        scatter: bool

    def __init__(self, prompt: tuple[str, str] | None = None) -> None:
        super().__init__()
        self.prompt = prompt
        """(run, prompt_id) to plot one prompt's generations; None = the table's current view."""
        self.kind = "split" if prompt else "lengths"
        self.last: PlotScreen.Ready | None = None

    @property
    def evalapp(self) -> EvalApp:
        return cast("EvalApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="plot-title")
        yield PlotextPlot(id="plot")
        yield Footer()

    def on_mount(self) -> None:
        self.compute(self.kind)

    def action_kind(self, kind: str) -> None:
        if self.prompt is not None and kind in {"accuracy", "scatter"}:
            self.notify("one prompt: only length plots (1, 2)", markup=False)
            return
        self.kind = kind
        self.compute(kind)

    def generations(self) -> pl.DataFrame:
        result = self.evalapp.result
        rows = self.evalapp.rows
        assert result is not None and rows is not None
        if self.prompt is not None:
            run, prompt_id = self.prompt
            return result.generations.filter(
                (pl.col("run") == run) & (pl.col("prompt_id") == prompt_id)
            )
        return result.generations.join(
            rows.select("run", "prompt_id"), on=["run", "prompt_id"], how="semi"
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="plot")
    def compute(self, kind: str) -> None:
        """Bin in numpy off the main thread; plotext only draws the few bins."""
        threshold = self.evalapp.options.correct_threshold
        rows = self.evalapp.rows
        assert rows is not None
        scope = "this prompt" if self.prompt else f"{rows.height:,} prompts in view"
        if kind in {"lengths", "split"}:
            gens = self.generations().filter(pl.col("gen_length").is_not_null())
            lengths = gens["gen_length"].to_numpy().astype(float)
            if not len(lengths):
                self.post_message(
                    self.Ready(
                        kind,
                        f"{KINDS[kind]} · {scope} · no lengths yet",
                        "tokens",
                        "generations",
                        [],
                        False,
                    )
                )
                return
            edges = np.histogram_bin_edges(lengths, bins=min(BINS, max(1, len(np.unique(lengths)))))
            centers = [float(c) for c in (edges[:-1] + edges[1:]) / 2]
            if kind == "lengths":
                series = [Series("all", centers, histogram(lengths, edges))]
            else:
                correct = gens["accuracy"].to_numpy() >= threshold
                scored = ~np.isnan(gens["accuracy"].to_numpy(allow_copy=True).astype(float))
                series = [
                    Series("correct", centers, histogram(lengths[correct & scored], edges)),
                    Series("wrong", centers, histogram(lengths[~correct & scored], edges)),
                ]
            title = f"{KINDS[kind]} · {scope} · {len(lengths):,} generations"
            self.post_message(
                self.Ready(
                    kind,
                    title,
                    "generation length (tokens)",
                    "number of generations",
                    series,
                    False,
                )
            )
        elif kind == "accuracy":
            accuracy = rows["average_accuracy"].drop_nulls().to_numpy().astype(float)
            edges = np.linspace(0, 1, 11)
            centers = [float(c) for c in (edges[:-1] + edges[1:]) / 2]
            title = f"{KINDS[kind]} · {scope}"
            self.post_message(
                self.Ready(
                    kind,
                    title,
                    "average accuracy of the prompt",
                    "number of prompts",
                    [Series("prompts", centers, histogram(accuracy, edges))],
                    False,
                )
            )
        else:
            both = rows.select("avg_gen_length", "average_accuracy").drop_nulls()
            if both.height > MAX_POINTS:
                both = both.sample(MAX_POINTS, seed=0)
            title = f"{KINDS[kind]} · {scope}" + (
                f" (sample of {MAX_POINTS:,})" if rows.height > MAX_POINTS else ""
            )
            self.post_message(
                self.Ready(
                    kind,
                    title,
                    "mean generation length (tokens)",
                    "average accuracy",
                    [
                        Series(
                            "prompts",
                            both["avg_gen_length"].to_list(),
                            both["average_accuracy"].to_list(),
                        )
                    ],
                    True,
                )
            )

    def on_plot_screen_ready(self, message: Ready) -> None:
        self.last = message
        self.query_one("#plot-title", Static).update(message.title)
        widget = self.query_one("#plot", PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(message.title)
        plt.xlabel(message.xlabel)
        plt.ylabel(message.ylabel)
        for series in message.series:
            if message.scatter:
                plt.scatter(series.x, series.y, label=series.label, marker="dot")
            elif len(message.series) == 1:
                plt.bar(series.x, series.y, label=series.label, width=0.8)
            else:
                plt.plot(series.x, series.y, label=series.label, marker="braille")
        widget.refresh()

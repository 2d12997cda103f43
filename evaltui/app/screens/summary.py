"""Run-level metrics with confidence intervals, what each metric means, and each run's spectrum.

Rates are fractions with three decimals, as on every screen (0.625, like the filter language
writes them); run labels are untrusted and reach the screen only as sanitised ``Text``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar, cast

import numpy as np
import polars as pl
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from evaltui.app.display import view_words
from evaltui.app.footer import KeysFooter
from evaltui.app.screens import ready_for_keys
from evaltui.app.screens.help import scroll_a_line
from evaltui.data.bins import counts, rate_bins
from evaltui.data.definitions import metric_definition
from evaltui.data.metrics import ScoreKind, format_score, run_kinds
from evaltui.data.rescore import (
    flipped_words,
    per_run_comparison,
    stored_kinds,
    unscored_words,
)
from evaltui.data.sanitize import cell_width, distinct_middle, one_line, one_line_middle
from evaltui.data.summary import (
    Metric,
    RunSummary,
    aligned_cells,
    infinite_words,
    judged,
    partial_lines,
    partial_mark,
    score_decimals,
    score_text,
    summarize_runs,
    value_units,
)
from evaltui.data.triage import longest_by_run, render_triage, run_triage
from evaltui.data.wording import plural, rows_words

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp

BAR_WIDTH = 40
LABEL_WIDTH = 40
"""Cells a run label gets as a column header (cut in the middle; the full label is listed)."""
SPECTRUM = "never/flaky/always"
CELL_WIDTH = len("0.625 [0.527, 0.729]")


def fraction(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.3f}"


def metric_cell(metric: Metric, mark: str = " ", decimals: int | None = None) -> str:
    """``0.625 [0.527, 0.729]``: rates with three decimals, so a column lines up on its digits;
    a continuous score (mae, bleu) in its own units with ``decimals`` in every run
    (:func:`~evaltui.data.summary.score_decimals`: ``0.5000`` beside ``0.2500``, never ``0.5``),
    ``inf`` as such, its interval the prompts that make it so. ``mark`` goes between the value
    and its interval (:func:`~evaltui.data.summary.partial_mark`)."""
    return "".join(metric_parts(metric, mark, decimals))


def metric_parts(metric: Metric, mark: str = " ", decimals: int | None = None) -> tuple[str, str]:
    """:func:`metric_cell` as its value and the rest (``mark`` and the interval, or the
    infinite prompts), for a run's cells aligned on their values
    (:func:`~evaltui.data.summary.aligned_cells`)."""
    if not metric.percent:
        value = score_text(metric.value, decimals)
        if math.isinf(metric.value) and metric.infinite:
            return value, f"{mark}{infinite_words(metric)}"
        low, high = (score_text(v, decimals) for v in (metric.low, metric.high))
        return value, f"{mark}[{low}, {high}]"
    value, low, high = (fraction(v) for v in (metric.value, metric.low, metric.high))
    return f"{value:>5}", f"{mark}[{low:>5}, {high:>5}]"


def spectrum_lines(rates: np.ndarray, samples: np.ndarray | None = None) -> list[str]:
    """A text histogram of per-prompt pass rates, one bar per k/n of the prompts' ``samples``
    (or per 10 points)."""
    bins = rate_bins(rates, () if samples is None else samples)
    found = counts(rates, bins)
    top = max(max(found, default=0), 1)
    width = max(len(label) for label in bins.labels)
    return [
        f"  {label:>{width}}  {'█' * round(BAR_WIDTH * count / top)} {count:,}"
        for label, count in zip(bins.labels, found, strict=True)
    ]


def metrics_tables(summaries: list[RunSummary], width: int = 200) -> list[Table]:
    """As many runs side by side as ``width`` cells hold whole (at least one), the rest in
    further tables below: a cropped column showed "35/0/2" for 35/0/25 at 80 columns."""
    per_table = max(1, (width - len(SPECTRUM) - 2) // (CELL_WIDTH + 2))
    return [
        metrics_table(summaries[start : start + per_table], width)
        for start in range(0, len(summaries), per_table)
    ]


def metrics_table(summaries: list[RunSummary], width: int = 200) -> Table:
    """Run × metric, every cell a Text (never markup), numbers right-aligned; run labels (and
    the score's name) cut to what ``width`` cells leave them (never under a cell's 21)."""
    label = max(CELL_WIDTH, min(LABEL_WIDTH, (width - 24) // max(len(summaries), 1) - 2))
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column(Text("metric"), no_wrap=True, min_width=len(SPECTRUM))
    # Told apart: two long labels differing inside read the same cut alone.
    headers = distinct_middle([s.run for s in summaries], label)
    for summary in summaries:
        table.add_column(
            Text(headers[summary.run]),
            justify="right",
            no_wrap=True,
            min_width=CELL_WIDTH,
        )
    rows = [
        ("score", [one_line(s.kind.short(), label) if s.kind else "accuracy" for s in summaries])
    ]
    if any(s.kind is not None and s.kind.correct_rule() is not None for s in summaries):
        # In sight beside pass@k: a fraction's avg@1 0.500 beside pass@1 0.667 (a 0.5 counted
        # solved) read as a bug at 80x24, the rule only at the definitions' end, out of sight.
        rows.append(("correct", [correct_cell(s.kind) for s in summaries]))
    rows.append(("prompts", [f"{s.prompts:,}" for s in summaries]))
    rows.append(("generations", [f"{s.generations:,}" for s in summaries]))
    names: list[str] = []
    for summary in summaries:
        names += [m.name for m in summary.metrics if m.name not in names]
    decimals = score_decimals(summaries)
    # Each run's cells aligned on their values, as `summarize --table` aligns them: an infinite
    # mean's 'inf (17 of 24 infinite)', right-aligned whole, stood 5 cells left of the digits
    # of '186.9*[141.7, 232.5]' under it.
    columns = [
        aligned_cells(
            {
                m.name: metric_parts(m, partial_mark(summary, m), decimals.get(m.name))
                for m in summary.metrics
            },
            names,
        )
        for summary in summaries
    ]
    metrics = len(rows)
    rows += [(name, [column[row] for column in columns]) for row, name in enumerate(names)]
    spectra = [
        f"{s.spectrum['never']:,}/{s.spectrum['flaky']:,}/{s.spectrum['always']:,}"
        if judged(s)
        else "–"  # no notion of correct: not zero, not applicable
        for s in summaries
    ]
    rows.append((SPECTRUM, spectra))
    # The aligned cells end in spaces (a short interval's): right-justified, they were
    # stripped. Each is padded to its column's width here and laid out as it is.
    widths = [
        max(CELL_WIDTH, cell_width(headers[s.run]), *(cell_width(cells[i]) for _, cells in rows))
        for i, s in enumerate(summaries)
    ]
    for at, (name, cells) in enumerate(rows):
        aligned = metrics <= at < metrics + len(names)
        table.add_row(
            Text(name),
            *[
                Text(" " * (w - cell_width(cell)) + cell, justify="left") if aligned else Text(cell)
                for w, cell in zip(widths, cells, strict=True)
            ],
        )
    return table


def correct_cell(kind: ScoreKind | None) -> str:
    """What makes one of the run's samples correct: ``score ≥ 0.5`` (``≤`` when lower is
    better), ``score 1`` for a 0/1 score at the default threshold, ``–`` with no threshold."""
    if kind is None or kind.threshold is None:
        return "–"
    rule = kind.correct_rule()
    return "score 1" if rule is None else f"score {rule}"


def definitions_table(summaries: list[RunSummary]) -> Table:
    """Each metric's one-line definition, once per family (pass@1, pass@2, … share one line)."""
    names: list[str] = []
    for summary in summaries:
        names += [m.name for m in summary.metrics if m.name not in names]
    families: dict[str, list[str]] = {}
    # avg@n of a run whose mean is no accuracy (a winrate's, an f1's: the table's "mean score")
    # is its mean score; the definition said "mean per-prompt accuracy" of it.
    scores = any(s.kind is not None and not s.kind.rate for s in summaries)
    for name in [*names, SPECTRUM]:
        definition = metric_definition(name)
        if scores and definition is not None and name.startswith("avg@"):
            definition = definition.replace("per-prompt accuracy", "per-prompt score", 1)
        if definition is not None:
            families.setdefault(definition, []).append(name)
    table = Table(box=None, pad_edge=False, show_edge=False, show_header=False)
    table.add_column(max_width=20)
    table.add_column(ratio=1)
    for definition, members in families.items():
        table.add_row(Text(", ".join(members)), Text(definition))
    correct = correct_definition(summaries)
    if correct is not None:
        table.add_row(Text("correct"), Text(correct))
    return table


def correct_definition(summaries: list[RunSummary]) -> str | None:
    """What makes a sample correct, when it is not plain 0/1 (a 0–1 fraction, a threshold):
    avg@n 0.221 beside pass@1 0.333 of a winrate read as contradicting itself."""
    rules: dict[str, list[str]] = {}
    for summary in summaries:
        rule = summary.kind.correct_rule() if summary.kind is not None else None
        if rule is not None:
            rules.setdefault(rule, []).append(summary.run)
    if not rules:
        return None
    if len(rules) == 1:
        which = f"a sample scoring {next(iter(rules))}"
    else:
        which = "; ".join(
            f"{', '.join(one_line_middle(r, 40) for r in runs)}: scoring {rule}"
            for rule, runs in rules.items()
        )
    return (
        f"{which} (--correct-threshold); pass@k, maj@n, cons@n, G-Pass and never/flaky/always "
        "count correct samples, avg@n and mean average the scores themselves"
    )


def rescore_lines(rows: pl.DataFrame, app: EvalApp) -> list[str]:
    """After a re-score, per run of the view: accuracy under the stored and the new scores and
    the verdicts that flipped (the metrics below are under the new scores)."""
    if "n_flipped" not in rows.columns or not rows.height:
        return []
    scorer = app.rescored.scorer if app.rescored is not None else "the new scorer"
    lines = [f"Re-scored with {one_line(scorer, 60)} (the metrics below use the new scores):"]
    new_kinds = run_kinds(rows)
    stored_kinds = _stored_kinds(rows, app)
    for row in per_run_comparison(rows).iter_rows(named=True):
        run = str(row["run"])
        stored = _mean_words(stored_kinds.get(run), row["stored_accuracy"])
        new = _mean_words(new_kinds.get(run), row["accuracy"])
        if new != "–" and new.rpartition(" ")[0] == stored.rpartition(" ")[0]:
            new = new.rpartition(" ")[2]  # the same measure: its value alone
        lines.append(
            f"  {one_line_middle(run, 60)}: {stored} stored → {new} new{unscored_words(row)}"
            f" · {flipped_words(row)}"
            + (f" · {plural(row['scorer_errors'], 'scorer error')}" if row["scorer_errors"] else "")
        )
    if app.rescored is not None and app.result is not None:
        # Files whose new verdicts may not be their task's (the warning shown when the re-score
        # ended, gone since), and verdicts on a format's extracted answer.
        from evaltui.data.notes import fold_notes
        from evaltui.data.rescore import from_answer_words

        sources = [f.source for f in app.result.files]
        for group in fold_notes(app.rescored.doubts, sources):
            lines.append(f"  doubt: {one_line(group.text, 600)}")
        # Said once as a toast (a followed file's every update is re-scored): here with the
        # newest counts, as the doubts are.
        for group in fold_notes(app.rescored.notes, sources):
            lines.append(f"  not re-scored: {one_line(group.text, 300)}")
        for group in fold_notes(app.rescored.prompt_notes, sources):
            lines.append(f"  prompt scores: {one_line(group.text, 300)}")
        told = from_answer_words(app.rescored)
        if told:
            lines.append(f"  {told}")
    return lines


def _stored_kinds(rows: pl.DataFrame, app: EvalApp) -> dict[str, ScoreKind]:
    """Each run's kind of score under its stored scores (the rows' ``score_kind`` is the new
    scores'): an lm-eval ``bleu_max`` or ``mae`` stays a mean in its own units."""
    result = app.result
    if result is None or "stored_accuracy" not in result.generations.columns:
        return {}
    runs = rows.get_column("run").unique()
    stored = result.generations.filter(pl.col("run").is_in(runs.implode()))
    return stored_kinds(stored, app.options.correct_threshold)


def _mean_words(kind: ScoreKind | None, value: float | None) -> str:
    """``accuracy 0.920`` for an accuracy (or a kind not known), else the mean in its own
    units, ``mean bleu_max 19.68``: a mean mae of inf or a bleu of 19.684 is no accuracy."""
    if value is None:
        return "–"
    if kind is None or kind.accuracy or kind.kind == "unscored":
        return f"accuracy {fraction(value)}"
    return f"mean {one_line(kind.metric or 'score', 30)} {format_score(value)}"


def fraction_or_dash(value: float | None) -> str:
    return "–" if value is None else fraction(value)


class SummaryScreen(Screen[None]):
    """The table the harnesses print (run × metric), for the rows the main table shows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="summary_back"),
        Binding("q", "app.pop_screen", "Back", id="summary_back_q"),
        # j/k scroll as they move in the prompt table (they were taken by nothing: the runs
        # below the first screenful were reached with arrows only).
        Binding("j", "scroll(1)", "Scroll down", id="summary_down_j", show=False),
        Binding("k", "scroll(-1)", "Scroll up", id="summary_up_k", show=False),
    ]

    class Ready(Message):
        def __init__(
            self,
            heading: str,
            summaries: list[RunSummary],
            triage: list[str] | None = None,
            rescore: list[str] | None = None,
            load: list[str] | None = None,
        ) -> None:
            super().__init__()
            self.load = load or []
            """The main screen's header in full (what its "+N more (t)" left off)."""
            self.heading = heading
            self.summaries = summaries
            self.triage = triage or []
            self.rescore = rescore or []
            """After a re-score: per run, accuracy under the stored and the new scores."""

    def __init__(self) -> None:
        super().__init__()
        self.report: Group | None = None
        """What the screen shows below the heading (tables and spectra), once computed."""
        self._computing = False
        """A summary is being made (in a worker)."""
        self._again = False
        """The data changed while it was: made again once it is done."""
        self.shown: SummaryScreen.Ready | None = None
        """The summary shown (laid out again on a resize)."""
        self._laid_for = 0
        """The screen's width the report was laid out for."""

    def compose(self) -> ComposeResult:
        yield Static(Text("computing (bootstrap over prompts)…"), id="summary-heading")
        with ScrollableContainer(id="summary-view"):
            yield Static(Text(""), id="summary-table")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.summarize()
        ready_for_keys(self)  # ('t' then keys in one burst: they are the summary's)

    def action_scroll(self, step: int) -> None:
        scroll_a_line(self.query_one("#summary-view", ScrollableContainer), step)

    def summarize(self) -> None:
        self._computing, self._again = True, False
        self.compute()

    def data_changed(self) -> None:
        """New scores or rows in the view: summarized again, once the summary being made is
        done (a followed eval updates every second; a bootstrap over a big load takes longer,
        and one per update piled up)."""
        if self._computing:
            self._again = True
        else:
            self.summarize()

    @work(thread=True, exclusive=True, exit_on_error=False, group="summary")
    def compute(self) -> None:
        app = cast("EvalApp", self.app)
        rows = app.rows
        load: list[str] = []
        if app.result is not None:
            from evaltui.app.screens.main import header_text

            # Also over no prompt (a filter that matches none, a followed folder with no file
            # yet): the header's "+N more (t)" sent here, which said only "no prompts in view".
            load = [header_text(app.result, 0, whole=True)]
        if rows is None or rows.height == 0:
            self.post_message(self.Ready("no prompts in view", [], load=load))
            return
        # The runs' columns in the order they were loaded, as `summarize --table` has them,
        # whatever the table's sort (sorted by run or accuracy, the first row's run was first).
        loaded: list[str] = []
        if app.result is not None:
            loaded = [str(r) for r in app.result.stats["run"].unique(maintain_order=True)]
        summaries = summarize_runs(rows, order=loaded)
        # "fractions" only when every value is a rate: a mean mae is in its own units.
        raw = any(not m.percent for s in summaries for m in s.metrics)
        units = value_units(summaries, "as fractions") if raw else "fractions"
        heading = (
            f"{one_line(view_words(app.view, rows), 200)} · {plural(len(summaries), 'run')} · "
            f"{rows_words(rows.height, len(summaries) > 1)} · {units} [95% bootstrap CI]"
        )
        triage: list[str] = []
        result = app.result
        if result is not None:
            # The view's generations, flagged against each whole run's longest generation.
            shown = result.generations.join(
                rows.select("run", "prompt_id"), on=["run", "prompt_id"], how="semi"
            )
            runs = run_triage(
                shown, rows, result.triage, longest_by_run(result.stats, result.triage)
            )
            triage = render_triage(runs, fractions=True)  # as the table above
        self.post_message(self.Ready(heading, summaries, triage, rescore_lines(rows, app), load))

    def on_summary_screen_ready(self, message: Ready) -> None:
        self._computing = False
        if self._again:
            self.summarize()
        self.query_one("#summary-heading", Static).update(Text(message.heading))
        self.shown = message
        self.show_report()

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_report)

    def fit_report(self) -> None:
        """Lay the report out again when the screen's width changed since it was (its first
        Resize, after the report, left the tables as they were made)."""
        if self.shown is not None and self.size.width != self._laid_for:
            self.show_report()

    def show_report(self) -> None:
        """The tables laid out to the width the screen has now: opened at 200 columns and
        narrowed to 80, the third run's column was cropped to its first letter."""
        message = self.shown
        if message is None:
            return
        self._laid_for = self.size.width
        parts: list[RenderableType] = []
        if message.rescore:
            parts.append(Text("\n".join(message.rescore) + "\n"))
        if message.summaries:
            view = self.query_one("#summary-view").scrollable_content_region.width
            for index, table in enumerate(metrics_tables(message.summaries, view)):
                parts += [Text("")] * (index > 0) + [table]
            partly = partial_lines(message.summaries)
            if partly:
                parts.append(Text("\n" + "\n".join(partly)))
            parts += [
                Text("\nWhat the metrics mean:"),
                definitions_table(message.summaries),
            ]
        for summary in message.summaries:
            if not judged(summary):  # a continuous score without threshold has no pass rate
                continue
            parts.append(Text(f"\nprompts by pass rate · {one_line_middle(summary.run, 200)}:"))
            lines = spectrum_lines(summary.pass_rates, summary.samples)
            unscored = summary.spectrum.get("unscored", 0)
            if unscored:  # counted, not left out without a word
                lines.append(
                    f"  {plural(unscored, 'prompt')} with no scored sample (null, NaN or infinite"
                    " scores): not in it"
                )
            parts.append(Text("\n".join(lines)))
        if message.triage:
            parts.append(Text("\nWhy prompts look hard (triage flags, per run):"))
            parts.append(Text("\n".join(message.triage)))
        if message.load:
            # The header in full: the parts its line left off ("+5 more (t)"): files,
            # tokenizer, counted by, the scores' kinds.
            parts.append(Text(f"\nloaded (the header in full): {message.load[0]}"))
        self.report = Group(*parts)
        self.query_one("#summary-table", Static).update(self.report)

"""Plots of the current view (or of one prompt): lengths, correct vs wrong, accuracy, scatter.

The worker bins in numpy (the bin and tick rules are pure, in :mod:`evaltui.data.bins`) and posts
a small :class:`Figure`; the main thread only hands it to plotext. Correct is green and wrong red
on every plot; runs get the other colours, one series (or one panel) per run. Run labels are
untrusted: they reach plotext and the legend only as sanitised one-line text.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, cast

import numpy as np
import polars as pl
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, get_current_worker
from textual_plotext import PlotextPlot

from evaltui.app.display import prompts_and_runs
from evaltui.app.footer import KeysFooter
from evaltui.app.screens import ready_for_keys, screen_gone
from evaltui.data.bins import (
    Bins,
    counts,
    length_bins,
    nice_ticks,
    rate_bins,
    row_spaced_ticks,
    spaced_ticks,
    tick_label,
    tick_labels,
)
from evaltui.data.metrics import ScoreKind, correct_expr, rates_word, run_kinds
from evaltui.data.sanitize import (
    cell_width,
    distinct_middle,
    first_fitting,
    leading_parts,
    one_line,
)
from evaltui.data.wording import plural

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp
    from evaltui.data.loader import LoadResult

KINDS = {
    "lengths": "token lengths of generations",
    "split": "token lengths: correct vs wrong",
    "accuracy": "per-prompt accuracy",
    "scatter": "mean token length vs accuracy (per prompt)",
}
SHORT_KINDS = {
    "lengths": "token lengths",
    "split": "lengths: ✓ vs ✗",
    "accuracy": "accuracy",
    "scatter": "length vs accuracy",
}
"""Each plot's name where the title line has no room for :data:`KINDS`' (80 columns, 3 runs:
plot 2's "· 1,440 generations" was cut off the line with no mark)."""
PROMPT_KINDS = ("lengths", "split")
"""What one prompt's plot can show (it has one accuracy value, so no histogram or scatter)."""
BINS = 40
MAX_POINTS = 5000
MAX_PANELS = 4
"""Correct-vs-wrong with several runs: one panel per run, up to this many."""
PANEL_LINES = 7
"""Lines a panel needs: its title, the frame, two lines of plot, the ticks and the label."""
CLIP_QUANTILE = 0.99
Colour = tuple[int, int, int]
# True colours, not ANSI names: a terminal theme maps ANSI colours as it likes (Textual's default
# draws magenta and red alike), and correct/wrong and the runs must never be confused.
CORRECT: Colour = (44, 160, 44)
WRONG: Colour = (214, 39, 40)
RUN_COLOURS: tuple[Colour, ...] = (
    (31, 119, 180),  # blue
    (255, 187, 0),  # gold
    (148, 103, 189),  # purple
    (23, 190, 207),  # cyan
    (227, 119, 194),  # pink
    (188, 189, 34),  # olive
    (127, 127, 127),  # grey
)
"""Series colours for runs, far from the green and red that mean correct and wrong."""
LABEL_WIDTH = 32


@dataclass
class Series:
    label: str
    """Sanitised, one line."""
    x: list[float]
    y: list[float]
    color: Colour


@dataclass
class Panel:
    title: str
    series: list[Series]
    xticks: tuple[list[float], list[str]]
    yticks: tuple[list[float], list[str]]
    ymax: float
    bars: bool
    """Bars (counts over a few discrete bins) rather than lines or points."""


@dataclass
class Figure:
    kind: str
    title: str
    xlabel: str
    ylabel: str
    panels: list[Panel]
    scatter: bool = False
    legend: list[tuple[str, Colour]] = field(default_factory=list)
    """(label, colour) for the line above the plot."""
    note: str = ""
    """What the plot leaves out (clipped values, sampled points, runs not shown)."""
    hidden: int = 0
    """Runs with no panel of their own (past :data:`MAX_PANELS`); the screen says how many,
    with those its height has no room for."""
    empty: str = ""
    """With no panels: what the plot's place says instead of an empty frame (what would give
    the plot something to draw; the title says why there is nothing)."""


def fit_title(figure: Figure, width: int) -> str:
    """``figure``'s title in ``width`` cells: whole when it fits, else with ``in view`` left out
    and the plot's short name (:data:`SHORT_KINDS`), then ``generations`` as ``gens``; what still
    does not fit goes on a second line (at 60 columns the modes ran off the first), cut with a
    ``…`` only past that (never silently at the screen's edge)."""
    # Each wording shortens the one before it.
    wordings = [figure.title]
    wordings.append(wordings[-1].replace(" in view · ", " · ", 1).removesuffix(" in view"))
    kind = KINDS.get(figure.kind, "")
    if kind and wordings[-1].startswith(kind):
        wordings.append(SHORT_KINDS[figure.kind] + wordings[-1][len(kind) :])
    wordings.append(re.sub(r"(\d) generations\b", r"\1 gens", wordings[-1], count=1))
    title = first_fitting(wordings, width)
    if cell_width(title) <= width:
        return title
    parts = title.split(" · ")
    first = leading_parts(parts, width)
    return (
        one_line(" · ".join(parts[:first]), width)
        + "\n"
        + one_line(" · ".join(parts[first:]), width)
    )


def count_axis(values: list[list[float]], log: bool) -> tuple[tuple[list[float], list[str]], float]:
    """Integer round ticks for counts (at 0, 1, 10, 100… on a log10(1 + count) axis), and the top."""
    top = max((max(v) for v in values if v), default=0.0)
    if not log:
        ticks = nice_ticks(0, max(top, 1), 5, integer=True)
        return (ticks, tick_labels(ticks)), max(top, ticks[-1] if ticks else 1)
    powers = [0.0] + [10.0**p for p in range(0, int(math.log10(max(top, 1))) + 2)]
    positions = [math.log10(1 + p) for p in powers]
    keep = list(zip(positions, tick_labels(powers), strict=True))
    limit = math.log10(1 + max(top, 1))
    keep = [k for k in keep if k[0] <= limit * 1.05] or keep[:2]
    return ([k[0] for k in keep], [k[1] for k in keep]), limit


def scaled(y: list[float], log: bool) -> list[float]:
    return [math.log10(1 + v) for v in y] if log else y


def x_ticks(bins: Bins) -> tuple[list[float], list[str]]:
    """Round ticks along a length axis (values, not bin centres).

    Bins one token wide (a few lengths, or one) hold one length each: each is labelled with it
    at its centre, every few when many. Round ticks over one bin read 9.2, 9.4, … 9.8 under a
    bar of 9-token generations, and the length was nowhere.
    """
    edges = bins.edges
    if len(edges) > 1 and float(edges[1] - edges[0]) == 1.0 and len(bins.centers) <= 12:
        every = max(1, math.ceil(len(bins.centers) / 6))
        picked = range(0, len(bins.centers), every)
        return [bins.centers[i] for i in picked], [bins.labels[i] for i in picked]
    ticks = nice_ticks(float(edges[0]), float(edges[-1]), 6)
    return ticks, tick_labels(ticks)


def rate_ticks(bins: Bins) -> tuple[list[float], list[str]]:
    """Bars of a range (ten bins of 0.1): the ranges' edges at the bars' sides (``0 0.1 … 1``);
    a range under each bar ("0.0–0.1", 7 cells for a bar of ~7 at 80 columns) touched the next,
    and plotext left out every third (0.2–0.3, 0.5–0.6 were not on the axis). Bars of one
    value (k/n): every label when they fit, else every few (always the first and last)."""
    if len(bins.centers) == len(bins.labels) and any("–" in label for label in bins.labels):
        edges = [float(e) for e in bins.edges]
        return [i - 0.5 for i in range(len(edges))], tick_labels(edges)
    every = max(1, math.ceil(len(bins.labels) / 11))
    picked = [i for i in range(len(bins.labels)) if i % every == 0 or i == len(bins.labels) - 1]
    return [float(i) for i in picked], [bins.labels[i] for i in picked]


def run_colour(index: int) -> Colour:
    return RUN_COLOURS[index % len(RUN_COLOURS)]


FEW_BINS = 2
"""Length bins up to which several series are bars side by side, not lines."""

#: Lines the legend may take above the plot (the CSS max-height of #plot-legend).
LEGEND_LINES = 2


def legend_text(figure: Figure, width: int, lines: int) -> Text:
    """The legend in at most ``lines`` lines of ``width`` cells, the note (if any) on the last:
    whole entries only, and when some do not fit, how many are left out (never a silently
    shorter list of runs)."""
    room = max(1, lines - 1) if figure.note else lines
    entries = [(f"{label}   ", colour) for label, colour in figure.legend]
    rows: list[list[tuple[str, Colour]]] = [[]]
    used = shown = 0
    for index, (entry, colour) in enumerate(entries):
        cells = 2 + cell_width(entry)
        left = len(entries) - index - 1
        # The last row keeps room to say how many entries are left out after this one.
        reserve = len(f"+{left} more") if left and len(rows) == room else 0
        if used + cells + reserve > width:
            if len(rows) == room or not rows[-1]:
                break
            rows.append([])
            used = 0
            reserve = len(f"+{left} more") if left and len(rows) == room else 0
            if cells + reserve > width:
                break
        rows[-1].append((entry, colour))
        used += cells
        shown += 1
    legend = Text(no_wrap=True, overflow="ellipsis")
    for number, row in enumerate(rows):
        if number:
            legend.append("\n")
        for entry, colour in row:
            legend.append("■ ", style="rgb({},{},{})".format(*colour))
            legend.append(entry)
    if shown < len(entries):
        legend.append(f"+{len(entries) - shown} more", style="italic")
    if figure.note:
        # Cut with a mark: the Static cut it at the edge with none.
        legend.append(("\n" if entries else "") + one_line(figure.note, width), style="italic")
    return legend


def titled(panels: list[Panel], width: int) -> list[Panel]:
    """``panels`` with their titles (whole run labels) made safe lines that fit ``width``,
    cut alike and told apart (two long labels differing inside read the same cut alone)."""
    names = distinct_middle([p.title for p in panels if p.title], max(8, min(60, width - 8)))
    return [dataclasses.replace(p, title=names[p.title]) if p.title else p for p in panels]


def notes(*parts: str) -> str:
    """A figure's note of several parts, in order, the empty ones left out."""
    return " · ".join(part for part in parts if part)


def pending_words(result: LoadResult) -> str:
    """How the load's token lengths stand when some are not counted: still coming, or not at
    all (``x`` stopped the load); "" once the load is complete."""
    if result.cancelled:
        return "(loading was stopped: x counts the rest)"
    return "" if result.complete else "so far (still counting)"


def lengths_pending_note(counted: int, generations: int, result: LoadResult) -> str:
    """Said when only ``counted`` of the view's ``generations`` have a token length: still being
    counted, or not at all (``x`` stopped the load); empty when every one has."""
    if counted >= generations:
        return ""
    how = pending_words(result) or "(the others have none)"
    return f"lengths of {counted:,} of {generations:,} generations {how}"


def not_accuracy_note(runs: list[str], kinds: dict[str, ScoreKind]) -> str:
    """The note naming the runs a plot on a 0–1 accuracy axis leaves out, by why: a score that
    is not an accuracy, or none at all (an unscored run was said to have the first); empty:
    none."""
    shown = distinct_middle([str(run) for run in runs], LABEL_WIDTH)
    groups = [
        (why, group)
        for why, group in (
            ("score not an accuracy", [r for r in runs if kinds[r].kind != "unscored"]),
            ("no score", [r for r in runs if kinds[r].kind == "unscored"]),
        )
        if group
    ]
    if not groups:
        return ""
    # The counts first: a narrow screen cuts the names, never how many runs are left out (at
    # 80 columns the first reason's names took the line, and "9 runs not shown (no score)"
    # after them was cut off: the runs left the plot without a word).
    names = [", ".join(shown[str(run)] for run in group) for _why, group in groups]
    if len(groups) == 1:
        ((why, group),) = groups
        return f"{plural(len(group), 'run')} not shown ({why}): {names[0]}"
    counts = ", ".join(f"{len(group)} {why}" for why, group in groups)
    return (
        f"{plural(len(runs), 'run')} not shown ({counts}): {names[0]}; {groups[1][0]}: {names[1]}"
    )


def rates_on_an_axis(
    rows: pl.DataFrame, kinds: dict[str, ScoreKind]
) -> tuple[pl.DataFrame, list[str], list[str]]:
    """``rows`` (Stats) of the runs a 0–1 accuracy axis shows, each prompt's rate as
    ``average_accuracy``, the runs shown by their pass rate, and the runs left out. A continuous
    run given a threshold has a "correct" (an mae ≤ 1): its pass rate, k of n samples correct,
    is a rate as an accuracy's is (it was left out, 'score not an accuracy', though the table
    counts its correct samples); a continuous score without one (a bleu of 19.7, an mae of inf)
    is no rate, and left out."""
    judged = [r for r, k in kinds.items() if k.kind == "continuous" and k.threshold is not None]
    other = [run for run, kind in kinds.items() if not kind.accuracy and run not in judged]
    if other:
        rows = rows.filter(~pl.col("run").is_in(other))
    if judged:
        rate = pl.when(pl.col("n_scored") > 0).then(pl.col("n_correct") / pl.col("n_scored"))
        rows = rows.with_columns(
            pl.when(pl.col("run").is_in(judged))
            .then(rate)
            .otherwise(pl.col("average_accuracy"))
            .alias("average_accuracy")
        )
    return rows, judged, other


def judged_note(kinds: list[ScoreKind]) -> str:
    """The note saying which runs a pass-rate plot shows by their threshold, their score being
    no accuracy (``r_mae: pass rate of mae ≤ 1``; empty: none)."""
    if not kinds:
        return ""
    names = distinct_middle([str(kind.run) for kind in kinds], LABEL_WIDTH)
    rules: dict[str, list[str]] = {}  # runs of one rule named together
    for kind in kinds:
        rule = f"pass rate of {one_line(kind.metric or 'score', 20)} {kind.correct_rule()}"
        rules.setdefault(rule, []).append(names[str(kind.run)])
    return "; ".join(f"{', '.join(runs)}: {rule}" for rule, runs in rules.items())


def no_correct_note(runs: list[str]) -> str:
    """The note naming the runs a correct-vs-wrong plot leaves out: no threshold for "correct"
    (a continuous score without --correct-threshold) or no score (empty: none)."""
    if not runs:
        return ""
    names = ", ".join(distinct_middle([str(run) for run in runs], LABEL_WIDTH).values())
    return f"{plural(len(runs), 'run')} not shown (no 'correct': no threshold or no score): {names}"


def nothing_on_the_axis(kinds: dict[str, ScoreKind], other: list[str]) -> tuple[str, str]:
    """Why a plot on a 0–1 accuracy axis (3, 4) has nothing to draw, for its title, and what
    the plot's place says instead (:attr:`Figure.empty`): its runs' scores are no accuracy
    (``other``, left out by :func:`rates_on_an_axis`), or none is scored."""
    if not any(run in kinds and kinds[run].kind != "unscored" for run in other):
        return "no scored prompt in view", no_correct_hint(kinds, other, "", "")
    return "no run in view has an accuracy", no_correct_hint(
        kinds,
        other,
        "A continuous score is no rate on this plot's 0–1 axis.",
        "its pass rate is then plotted",
    )


def no_correct_hint(kinds: dict[str, ScoreKind], runs: list[str], what: str, then: str) -> str:
    """What a plot that needs a "correct" says in its place when ``runs`` have none: ``what``
    it needs and the flag that gives a continuous score one (what it ``then`` shows), or that
    nothing is scored; either way, which plot draws something."""
    lengths = "1 plots the generations' lengths."
    if not any(run in kinds and kinds[run].kind != "unscored" for run in runs):
        return f"Nothing in view is scored. {lengths}"
    return (
        f"{what} Start evaltui with --correct-threshold [RUN=]X to give a continuous score a"
        f" 'correct' ({then}); {lengths}"
    )


class PlotScreen(Screen[None]):
    """Histograms and a scatter for the rows the table shows now (or for one prompt)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="plot_back"),
        Binding("q", "app.pop_screen", "Back", id="plot_back_q"),
        Binding("1", "kind('lengths')", "Lengths", id="plot_lengths"),
        Binding(
            "2",
            "kind('split')",
            "✓/✗",
            id="plot_split",
            tooltip="lengths of correct vs wrong generations",
        ),
        Binding("3", "kind('accuracy')", "Acc", id="plot_accuracy", tooltip="per-prompt accuracy"),
        Binding("4", "kind('scatter')", "Scatter", id="plot_scatter"),
        Binding("l", "mode('log')", "Log", id="plot_log", tooltip="counts on a log scale"),
        Binding(
            "c",
            "mode('clip')",
            "Clip",
            id="plot_clip",
            tooltip="cut lengths at the 99th percentile",
        ),
    ]

    class Ready(Message):
        def __init__(self, figure: Figure, worker: Worker[None]) -> None:
            super().__init__()
            self.figure = figure
            self.worker = worker
            """The worker that made it: cancelled when another figure was asked for since."""

    def __init__(self, prompt: tuple[str, str] | None = None, other_run: str | None = None) -> None:
        super().__init__()
        self.prompt = prompt
        """(run, prompt_id) to plot one prompt's generations; None = the table's current view."""
        self.other_run = other_run
        """A second run whose generations of :attr:`prompt` are plotted too (a prompt opened
        from compare lists both runs': its plot showed run A's 8 of the 16)."""
        self.kind = "split" if prompt else "lengths"
        self.log_counts = False
        """Counts on a log scale (long tails of rare lengths stay visible)."""
        self.clip = False
        """Lengths cut at the 99th percentile (the mass is not squeezed into the first bins)."""
        self.last: Figure | None = None

    @property
    def evalapp(self) -> EvalApp:
        return cast("EvalApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="plot-title")
        yield Static(Text(""), id="plot-legend")
        yield PlotextPlot(id="plot")
        yield Static(Text(""), id="plot-empty")
        yield KeysFooter()

    def on_mount(self) -> None:
        ready_for_keys(self)  # ('p' then keys in one burst: they are the plot's)
        result = self.evalapp.result
        if self.prompt is not None and result is not None:
            # A prompt of runs with no "correct" (a bleu, an mae without a threshold) opens on
            # its lengths: correct vs wrong has nothing to split.
            kinds = run_kinds(result.stats)
            runs = [self.prompt[0], *([self.other_run] if self.other_run else [])]
            if all(run not in kinds or kinds[run].threshold is None for run in runs):
                self.kind = "lengths"
        self.compute(self.kind, self.log_counts, self.clip)

    def data_changed(self) -> None:
        """New scores, lengths or rows in the view: drawn again."""
        self.compute(self.kind, self.log_counts, self.clip)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # One prompt has no accuracy histogram or scatter: those keys are not offered at all.
        if action == "kind" and self.prompt is not None and parameters[0] not in PROMPT_KINDS:
            return False
        if action == "mode" and parameters and parameters[0] == "log":
            return self.kind != "scatter"
        if action == "mode" and parameters and parameters[0] == "clip":
            return self.kind != "accuracy"
        return True

    def not_offered(self, key: str) -> str | None:
        """Why a plot key does nothing in this plot (check_action leaves it out), or None."""
        if key == "l" and self.kind == "scatter":
            return "l (log counts): the scatter has no counts; 1, 2 and 3 do"
        if key == "c" and self.kind == "accuracy":
            return "c (clip lengths): the accuracy histogram has no lengths; 1, 2 and 4 do"
        if key in {"3", "4"} and self.prompt is not None:
            return f"{key} plots the prompts of the table's view: one prompt's plot has 1 and 2"
        return None

    def on_key(self, event: events.Key) -> None:
        """A key left out of this plot says why: pressed, it did nothing, with no word (l in
        the scatter, c in the accuracy histogram, 3 and 4 in one prompt's plot)."""
        why = self.not_offered(event.key)
        if why is not None:
            event.stop()
            self.notify(why, markup=False)

    def action_kind(self, kind: str) -> None:
        self.kind = kind
        self.refresh_bindings()
        self.compute(kind, self.log_counts, self.clip)

    def action_mode(self, what: str) -> None:
        if what == "log":
            self.log_counts = not self.log_counts
        else:
            self.clip = not self.clip
        self.compute(self.kind, self.log_counts, self.clip)

    def generations(self) -> pl.DataFrame:
        result = self.evalapp.result
        rows = self.evalapp.rows
        assert result is not None and rows is not None
        if self.prompt is not None:
            run, prompt_id = self.prompt
            runs = [run] if self.other_run is None else [run, self.other_run]
            return result.generations.filter(
                pl.col("run").is_in(runs) & (pl.col("prompt_id") == prompt_id)
            )
        return result.generations.join(
            rows.select("run", "prompt_id"), on=["run", "prompt_id"], how="semi"
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="plot")
    def compute(self, kind: str, log: bool, clip: bool) -> None:
        """Bin in numpy off the main thread; plotext only draws the few bins."""
        rows = self.evalapp.rows
        assert rows is not None
        scope = "this prompt" if self.prompt else f"{prompts_and_runs(rows)} in view"
        if kind in {"lengths", "split"}:
            figure = self.length_figure(kind, scope, log, clip)
        elif kind == "accuracy":
            figure = self.accuracy_figure(rows, scope, log)
        else:
            figure = self.scatter_figure(rows, scope, clip)
        modes = [
            m
            for m, on in (
                ("log counts", log and kind != "scatter"),
                ("clipped", clip and kind != "accuracy"),
            )
            if on
        ]
        if modes:
            figure.title += f" · {', '.join(modes)}"
        self.post_message(self.Ready(figure, get_current_worker()))

    def length_figure(self, kind: str, scope: str, log: bool, clip: bool) -> Figure:
        result = self.evalapp.result
        assert result is not None
        in_view = self.generations()
        gens = in_view.filter(pl.col("gen_length").is_not_null())
        lengths = gens["gen_length"].to_numpy().astype(float)
        xlabel, ylabel = "generation length (tokens)", "generations"
        if not len(lengths):
            # An empty view has nothing to count: "no lengths yet" said they were still coming.
            why = (
                "no generations"
                if in_view.height == 0
                else "no lengths: loading was stopped (x)"
                if result.cancelled
                else "no lengths yet"
                if not result.complete
                else "no lengths counted"
            )
            return Figure(kind, f"{KINDS[kind]} · {scope} · {why}", xlabel, ylabel, [], empty="")
        # Some lengths still to come (or never, after x): the plot is of those counted so far,
        # and says so first (it looked complete while 1,600 of 16,000 were counted).
        note = lengths_pending_note(len(lengths), in_view.height, result)
        if clip:
            # Cut at the 99th percentile: the few longest no longer squeeze the rest into a bin.
            upper = float(np.floor(np.quantile(lengths, CLIP_QUANTILE)))
            keep = lengths <= upper
            hidden = int((~keep).sum())
            if hidden:
                gens = gens.filter(pl.Series(keep))
                lengths = lengths[keep]
                clipped = (
                    f"{plural(hidden, 'generation')} longer than {tick_label(upper)} "
                    "not shown (c shows all)"
                )
                note = notes(note, clipped)
        bins = length_bins(lengths, BINS)
        # A line over one or two bins is a dot or two (lm-eval's one-token answers: a dot at 1
        # and one at 0, which series each was told by colour alone): bars side by side then.
        few = len(bins.centers) <= FEW_BINS
        runs = gens["run"].to_numpy()
        names = list(dict.fromkeys(gens["run"].to_list()))
        # Each run's own threshold and direction; a generation without one (a continuous score
        # with no --correct-threshold) is in neither series.
        kinds = run_kinds(result.stats)
        judged = gens.select(correct_expr(kinds).alias("c"))["c"]
        correct = judged.fill_null(False).to_numpy()
        wrong = (~judged).fill_null(False).to_numpy()
        title = f"{KINDS[kind]} · {scope} · {plural(len(lengths), 'generation')}"
        panels: list[Panel] = []
        legend: list[tuple[str, Colour]] = []
        no_panel = 0
        if kind == "lengths":
            series = []
            labels = distinct_middle([str(run) for run in names], LABEL_WIDTH)
            for index, run in enumerate(names):
                label = labels[str(run)]
                colour = run_colour(index) if len(names) > 1 else RUN_COLOURS[0]
                series.append(
                    Series(
                        label,
                        bins.centers,
                        [float(c) for c in counts(lengths[runs == run], bins)],
                        colour,
                    )
                )
                if len(names) > 1:
                    legend.append((label, colour))
            panels.append(self.length_panel("", series, bins, log, bars=len(series) == 1 or few))
        else:
            # A run with no "correct" (a bleu or an mae without a threshold, an unscored run)
            # has neither series: named in the note, not drawn as an empty panel that took
            # the room of the runs after it.
            unjudged = [r for r in names if r not in kinds or kinds[r].threshold is None]
            several = len(names) > 1  # a panel is titled by its run when the view has several
            names = [r for r in names if r not in unjudged]
            note = notes(note, no_correct_note(unjudged))
            if not names:
                why = "no run in view has a 'correct' (a score with no threshold, or unscored)"
                return Figure(
                    kind,
                    f"{KINDS[kind]} · {scope} · {why}",
                    xlabel,
                    ylabel,
                    [],
                    note=note,
                    empty=no_correct_hint(
                        kinds,
                        unjudged,
                        "Correct vs wrong needs a 'correct'.",
                        "its generations are then split",
                    ),
                )
            # What "correct" is when it is not plain 0/1: a 0.6 winrate is correct (≥ 0.5).
            rules = {kinds[r].correct_rule() for r in names if r in kinds} - {None}
            rule = f" ({rules.pop()})" if len(rules) == 1 else " (each run's rule)" if rules else ""
            legend = [(f"correct{rule}", CORRECT), ("wrong", WRONG)]
            shown = names[:MAX_PANELS]
            for run in shown:
                mine = runs == run
                series = [
                    Series(
                        "correct",
                        bins.centers,
                        [float(c) for c in counts(lengths[mine & correct], bins)],
                        CORRECT,
                    ),
                    Series(
                        "wrong",
                        bins.centers,
                        [float(c) for c in counts(lengths[mine & wrong], bins)],
                        WRONG,
                    ),
                ]
                # The label whole: cut with the other panels' to the width (fitting).
                panel_title = str(run) if several else ""
                panels.append(self.length_panel(panel_title, series, bins, log, bars=few))
            no_panel = len(names) - len(shown)
        return Figure(
            kind, title, xlabel, ylabel, panels, legend=legend, note=note, hidden=no_panel
        )

    @staticmethod
    def length_panel(
        title: str, series: list[Series], bins: Bins, log: bool, *, bars: bool
    ) -> Panel:
        yticks, top = count_axis([s.y for s in series], log)
        for s in series:
            s.y = scaled(s.y, log)
        return Panel(title, series, x_ticks(bins), yticks, top, bars)

    def accuracy_figure(self, rows: pl.DataFrame, scope: str, log: bool) -> Figure:
        # Pass rates on a 0–1 axis: only runs whose score is an accuracy (a bleu of 19.7 or an
        # mae of inf is not a rate); the others are named in the note, not dropped silently.
        kinds = run_kinds(rows)
        rows, judged, other = rates_on_an_axis(rows, kinds)
        scored = rows.filter(pl.col("average_accuracy").is_not_null())
        # What the runs' per-prompt means are (those shown by a threshold's pass rate aside): a
        # winrate's or an f1's is its mean, no accuracy, as the table's column says ("mean
        # score"); the title and axis said "per-prompt accuracy" of them.
        means = [r for r in dict.fromkeys(scored["run"].to_list()) if r not in judged]
        word = rates_word(kinds, means)
        kind_name = KINDS["accuracy"] if word == "accuracy" else f"per-prompt {word}"
        title = f"{kind_name} · {scope}"
        note = notes(judged_note([kinds[run] for run in judged]), not_accuracy_note(other, kinds))
        if not scored.height:
            # No rate to bin: the reason in the plot's place, not an empty frame under a
            # "(pass rate)" axis label.
            why, empty = nothing_on_the_axis(kinds, other)
            return Figure("accuracy", f"{title} · {why}", "", "", [], note=note, empty=empty)
        rates = scored["average_accuracy"].cast(pl.Float64).to_numpy()
        samples = scored["n_scored"].drop_nulls().to_list() if "n_scored" in scored.columns else []
        names = list(dict.fromkeys(scored["run"].to_list()))
        # A 0–1 fraction's per-prompt mean is its mean score, no pass rate nor "k of n correct"
        # (a prompt at 0.55 may have no sample scoring ≥ 0.5).
        fractions = any(kinds[r].kind == "fraction" for r in names if r in kinds)
        bins = rate_bins(rates, samples, counted=not fractions)
        runs = scored["run"].to_numpy()
        positions = [float(i) for i in range(len(bins.labels))]
        series = []
        legend = []
        labels = distinct_middle([str(run) for run in names], LABEL_WIDTH)
        for index, run in enumerate(names):
            label = labels[str(run)]
            colour = run_colour(index) if len(names) > 1 else RUN_COLOURS[0]
            series.append(
                Series(
                    label, positions, [float(c) for c in counts(rates[runs == run], bins)], colour
                )
            )
            if len(names) > 1:
                legend.append((label, colour))
        yticks, top = count_axis([s.y for s in series], log)
        for s in series:
            s.y = scaled(s.y, log)
        unit = (
            "correct of n samples"
            if "/" in bins.labels[0]
            else "mean score"
            if fractions
            else "pass rate"
        )
        panel = Panel("", series, rate_ticks(bins), yticks, top, True)
        return Figure(
            "accuracy",
            title,
            f"per-prompt accuracy ({unit})" if word == "accuracy" else kind_name,
            "prompts",
            [panel],
            legend=legend,
            note=note,
        )

    def scatter_figure(self, rows: pl.DataFrame, scope: str, clip: bool) -> Figure:
        # Accuracy on a 0–1 axis, as the histogram: only runs whose score is an accuracy (an
        # mae of inf made plotext raise, a bleu of 19.7 fell off the axis); the others named.
        kinds = run_kinds(rows)
        rows, judged, other = rates_on_an_axis(rows, kinds)
        both = rows.select("run", "avg_gen_length", "average_accuracy").drop_nulls()
        result = self.evalapp.result
        # A prompt's mean length is of its generations counted so far.
        pending = "" if result is None else pending_words(result)
        note = notes(
            pending and f"mean lengths of the generations counted {pending}",
            judged_note([kinds[run] for run in judged]),
            not_accuracy_note(other, kinds),
        )
        if not both.height:
            why, empty = nothing_on_the_axis(kinds, other)
            if rows.filter(pl.col("average_accuracy").is_not_null()).height:
                why, empty = "no prompt in view has a length yet", ""  # scored, not counted
            return Figure(
                "scatter",
                f"{KINDS['scatter']} · {scope} · {why}",
                "",
                "",
                [],
                scatter=True,
                note=note,
                empty=empty,
            )
        if clip and both.height:
            upper = float(both["avg_gen_length"].quantile(CLIP_QUANTILE) or 0)
            hidden = int((both["avg_gen_length"] > upper).sum())
            both = both.filter(pl.col("avg_gen_length") <= upper)
            if hidden:
                clipped = f"{plural(hidden, 'prompt')} with mean length over {tick_label(round(upper))} not shown (c shows all)"
                note = notes(note, clipped)
        if both.height > MAX_POINTS:
            both = both.sample(MAX_POINTS, seed=0)
            note = notes(note, f"a sample of {MAX_POINTS:,} prompts")
        names = list(dict.fromkeys(both["run"].to_list()))
        series = []
        legend = []
        labels = distinct_middle([str(run) for run in names], LABEL_WIDTH)
        for index, run in enumerate(names):
            mine = both.filter(pl.col("run") == run)
            label = labels[str(run)]
            colour = run_colour(index) if len(names) > 1 else RUN_COLOURS[0]
            series.append(
                Series(
                    label,
                    mine["avg_gen_length"].to_list(),
                    mine["average_accuracy"].to_list(),
                    colour,
                )
            )
            if len(names) > 1:
                legend.append((label, colour))
        lengths = both["avg_gen_length"].to_numpy() if both.height else np.zeros(0)
        xt = nice_ticks(float(lengths.min()), float(lengths.max()), 6) if len(lengths) else []
        yt = [0.0, 0.25, 0.5, 0.75, 1.0]
        panel = Panel(
            "",
            series,
            (xt, tick_labels(xt)),
            (yt, tick_labels(yt)),
            1.0,
            False,
        )
        # (a winrate's or an f1's per-prompt mean is no accuracy: as plot 3 says it)
        word = rates_word(kinds, [r for r in names if r not in judged])
        kind_name = KINDS["scatter"].replace("accuracy", word)
        return Figure(
            "scatter",
            f"{kind_name} · {scope}",
            "mean generation length (tokens)",
            word,
            [panel],
            scatter=True,
            legend=legend,
            note=note,
        )

    def on_plot_screen_ready(self, message: Ready) -> None:
        if message.worker.is_cancelled:
            # Asked for before the last key ('l' then 'c' at once): the newer figure is on its
            # way. Drawn after it (its thread done later on a loaded machine), the plot and its
            # title went back to the mode before the last key ("log counts", not "clipped").
            return
        self.last = message.figure
        self.draw()

    def on_resize(self) -> None:
        self.call_after_refresh(self.draw)

    def fitting(self, figure: Figure) -> Figure:
        """``figure`` with the panels the plot's height has room for (at least one), the note
        saying how many runs are left out, each panel's title cut to the width: at 60×20 three
        runs' panels were drawn over each other, one's title lost (plotext drops a title wider
        than the plot) and another's over the last one's axis."""
        width = max(20, self.size.width - 2)
        plot = self.query_one("#plot", PlotextPlot).size.height
        if not plot:  # not laid out yet: drawn again once it is (on_resize)
            return dataclasses.replace(figure, panels=titled(figure.panels, width))
        # The lines of the legend and the plot together: the legend takes one more when a
        # note says runs are left out.
        room = plot + self.query_one("#plot-legend", Static).size.height
        legend = legend_text(figure, width, LEGEND_LINES).plain.count("\n") + 1
        fit = len(figure.panels)
        if figure.hidden or (room - legend) // PANEL_LINES < fit:
            fit = max(1, (room - LEGEND_LINES) // PANEL_LINES)
        hidden = figure.hidden + max(0, len(figure.panels) - fit)
        note = figure.note
        if hidden:
            extra = f"{plural(hidden, 'more run')} not shown (r picks one run)"
            # First: the title says "clipped", only this line says runs are missing (at 60×20
            # the clip note took the line and "1 more run not shown" was cut off it).
            note = notes(extra, note)
        return dataclasses.replace(figure, panels=titled(figure.panels[:fit], width), note=note)

    def draw(self) -> None:
        """Draw :attr:`last` to the screen's size as it is now."""
        if self.last is None or screen_gone(self):  # (left before this ran: widgets gone)
            return
        widget = self.query_one("#plot", PlotextPlot)
        empty = self.query_one("#plot-empty", Static)
        # Nothing to draw: no frame (plotext draws an empty box) but, in its place, what would
        # give the plot something to draw.
        empty.update(Text(self.last.empty))
        empty.display = not self.last.panels
        if widget.display != bool(self.last.panels):
            widget.display = bool(self.last.panels)
            if widget.display:  # shown again: its panels fitted once it is laid out
                self.call_after_refresh(self.draw)
                return
        figure = self.fitting(self.last)
        title = fit_title(figure, max(20, self.size.width - 2))
        heading = self.query_one("#plot-title", Static)
        heading.update(Text(title))
        lines = title.count("\n") + 1
        height = heading.styles.height
        if height is None or height.value != lines:
            # The plot's room changes with the title's lines: its panels fitted again to it.
            heading.styles.height = lines
            self.call_after_refresh(self.draw)
            return
        self.query_one("#plot-legend", Static).update(
            legend_text(figure, max(20, self.size.width - 2), LEGEND_LINES)
        )
        if not figure.panels:
            return
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        if len(figure.panels) > 1:
            plt.subplots(len(figure.panels), 1)
        for index, panel in enumerate(figure.panels):
            target = plt.subplot(index + 1, 1) if len(figure.panels) > 1 else plt
            last = index == len(figure.panels) - 1
            # The x axis's cells: the plot's width less the y ticks' labels and the frame.
            ylabels = max((len(label) for label in panel.yticks[1]), default=0)
            cells = widget.size.width - ylabels - 2
            # The y axis's rows (plotext gives each panel an equal share of the height, the
            # last the rest): the share less the frame, the title, the x ticks' line and the
            # line of the axes' labels.
            label_line = bool(figure.ylabel or (last and figure.xlabel))
            rows = widget.size.height // len(figure.panels) - 3 - bool(panel.title) - label_line
            self.draw_panel(target, figure, panel, last=last, cells=cells, rows=rows)
        widget.refresh()

    @staticmethod
    def draw_panel(
        target: Any, figure: Figure, panel: Panel, *, last: bool, cells: int = 0, rows: int = 0
    ) -> None:
        """Draw one panel on plotext's figure or one of its subplots (untyped plotext API)."""
        if panel.title:
            target.title(panel.title)
        if last:
            target.xlabel(figure.xlabel)
        target.ylabel(figure.ylabel)
        if panel.bars and len(panel.series) > 1:
            target.multiple_bar(
                panel.series[0].x,
                [s.y for s in panel.series],
                color=[s.color for s in panel.series],
                width=0.6,  # a gap between the groups
            )
        for series in panel.series:
            if not series.x:
                continue
            if figure.scatter:
                target.scatter(series.x, series.y, color=series.color, marker="dot")
            elif panel.bars and len(panel.series) == 1:
                target.bar(series.x, series.y, color=series.color, width=0.8)
            elif not panel.bars:
                target.plot(series.x, series.y, color=series.color, marker="braille")
        xs = panel.series[0].x if panel.series else []
        if panel.bars and len(xs) > 1:
            # Room for the first and last bars, which plotext would cut at the frame.
            margin = 0.6 * (xs[1] - xs[0])
            target.xlim(xs[0] - margin, xs[-1] + margin)
        elif panel.bars and xs:
            # One bar (every generation of one length): a bar, not the whole frame filled.
            target.xlim(xs[0] - 1.5, xs[0] + 1.5)
        if panel.xticks[0]:
            target.xticks(*spaced_ticks(*panel.xticks, cells))
        low, high = (0.0, panel.ymax * 1.05 if panel.ymax else 1.0)
        if figure.scatter:
            low, high = -0.02, 1.02
        if panel.yticks[0]:
            target.yticks(*row_spaced_ticks(*panel.yticks, rows, low, high))
        target.ylim(low, high)

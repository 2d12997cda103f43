"""Run-level metrics like the harnesses print, with 95% bootstrap confidence intervals over prompts.

Per run: prompts, generations, avg@n (mean per-prompt accuracy), pass@k, maj@n (when answers are
known), cons@n as AISBench defines it (a majority of a prompt's samples correct, ``c > n / 2``),
G-Pass@k_τ and mG-Pass@k as OpenCompass defines them (hypergeometric: the chance that at least
``⌈τk⌉`` of ``k`` samples drawn without replacement are correct), and the difficulty spectrum
(never / flaky / always solved). Intervals: percentile bootstrap over prompts, fixed seed.

Those all count "correct" generations, so they exist only for runs whose score is an accuracy or
that got a threshold (``--correct-threshold``). A continuous score (:class:`ScoreKind`) gets its
mean instead, in its own units (not percent), and -- when some scores are non-finite -- the mean
over the prompts whose mean is finite beside it, so an Infinity never hides the rest.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import polars as pl

from evaltui.data.metrics import ScoreKind, format_score, kinds_summary, run_kinds
from evaltui.data.sampling import ks_for, maj_column
from evaltui.data.sanitize import (
    as_written,
    cell_width,
    cut_mark,
    distinct_middle,
    head_cells,
    markdown_cell,
    one_line,
    one_line_middle,
    pad_cells,
    plain_glyphs,
    spreadsheet_safe,
    wrap_cells,
    written_label,
)

BOOTSTRAP_SAMPLES = 1000
SEED = 0
G_PASS_TAUS = (0.5, 0.75, 1.0)


@lru_cache(maxsize=65536)
def _survival(n: int, c: int, k: int, m: int) -> float:
    """P(X >= m) for X ~ Hypergeometric(n items, c marked, k draws)."""
    total = math.comb(n, k)
    return (
        sum(math.comb(c, j) * math.comb(n - c, k - j) for j in range(max(m, 0), min(c, k) + 1))
        / total
    )


def _per_pair(
    n: np.ndarray, c: np.ndarray, k: int, value: Callable[[int, int], float]
) -> np.ndarray:
    """``value(n, c)`` per prompt, computed once per distinct (n, c) pair (NaN where n < k).

    Prompts share few distinct pairs (n is usually constant), so 100k prompts cost a handful of
    exact hypergeometric sums, not 100k.
    """
    pairs, inverse = np.unique(
        np.column_stack([n, c]).astype(np.int64), axis=0, return_inverse=True
    )
    table = np.array([value(int(a), int(b)) if a >= k else np.nan for a, b in pairs])
    return table[inverse.reshape(-1)] if len(pairs) else np.zeros(0)


def g_pass_at_k(n: np.ndarray, c: np.ndarray, k: int, tau: float) -> np.ndarray:
    """G-Pass@k_τ per prompt (NaN where n < k); τ = 0 is pass@k."""
    need = max(math.ceil(tau * k), 1)
    return _per_pair(n, c, k, lambda a, b: _survival(a, b, k, need))


def mg_pass_at_k(n: np.ndarray, c: np.ndarray, k: int) -> np.ndarray:
    """mG-Pass@k = (2/k) Σ_{m=⌈k/2⌉+1..k} P(X >= m) per prompt (NaN where n < k)."""
    ms = range(math.ceil(k / 2) + 1, k + 1)
    return _per_pair(n, c, k, lambda a, b: (2 / k) * sum(_survival(a, b, k, m) for m in ms))


def bootstrap_cis(
    values: np.ndarray, *, samples: int = BOOTSTRAP_SAMPLES, seed: int = SEED
) -> np.ndarray:
    """95% percentile intervals (metrics × [low, high]) of the column means of ``values``.

    ``values`` is prompts × metrics, NaN where a metric is undefined for a prompt (pass@k with
    n < k); each mean is over the prompts where it is defined. Every metric uses the same resamples
    of prompts, drawn once as per-prompt weights (bincount), so a run's whole table costs one
    matrix product per chunk of resamples instead of one gather per metric.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    prompts, metrics = values.shape
    out = np.full((metrics, 2), np.nan)
    defined = ~np.isnan(values)
    if prompts == 0:
        return out
    filled = np.where(defined, values, 0.0)
    mask = defined.astype(np.float64)
    rng = np.random.default_rng(seed)
    means = np.empty((samples, metrics))
    chunk = max(1, 2_000_000 // prompts)  # bounded memory: at most ~2M weights at once
    for start in range(0, samples, chunk):
        rows = min(samples, start + chunk) - start
        index = rng.integers(0, prompts, size=(rows, prompts))
        index += np.arange(rows)[:, None] * prompts  # one bincount for all rows of the chunk
        weights = np.bincount(index.ravel(), minlength=rows * prompts).reshape(rows, prompts)
        weights = weights.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            means[start : start + rows] = (weights @ filled) / (weights @ mask)
    for j in range(metrics):
        column = means[:, j][~np.isnan(means[:, j])]
        if defined[:, j].any() and len(column):
            out[j] = np.percentile(column, [2.5, 97.5])
    return out


def bootstrap_ci(
    values: np.ndarray, *, samples: int = BOOTSTRAP_SAMPLES, seed: int = SEED
) -> tuple[float, float]:
    """95% percentile interval of the mean of ``values`` (NaN = undefined), resampling prompts."""
    low, high = bootstrap_cis(values, samples=samples, seed=seed)[0]
    return float(low), float(high)


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    value: float
    low: float
    high: float
    prompts: int
    """Prompts the metric is defined for (pass@k needs n >= k)."""
    percent: bool = True
    """A rate shown in percent; False for a score in its own units (a continuous mean)."""
    infinite: int = 0
    """Of its prompts, those whose value is infinite (an mae's unparsable answer): a mean
    with any is infinite and has no interval."""


@dataclass(slots=True)
class RunSummary:
    run: str
    prompts: int
    generations: int
    metrics: list[Metric] = field(default_factory=list)
    spectrum: dict[str, int] = field(default_factory=dict)
    """never / flaky / always solved / unscored prompt counts."""
    pass_rates: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Per-prompt pass rates (for a histogram)."""
    samples: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per prompt of ``pass_rates``, the samples its rate is over (the histogram's k/n)."""
    kind: ScoreKind | None = None
    """What the run's score is (None for a frame without score columns: read as an accuracy)."""


def _metrics(
    named: list[tuple[str, np.ndarray]], seed: int, raw: frozenset[str] = frozenset()
) -> list[Metric]:
    """Metrics with their intervals, all from the same bootstrap resamples of the run's prompts.

    ``raw``: names of metrics in the score's own units (not percent). A metric whose value is
    infinite has no interval (it is shown as ``inf [–, –]``).
    """
    if not named:
        return []
    finite = [
        np.where(np.isfinite(values) | np.isnan(values), values, np.nan) for _, values in named
    ]
    cis = bootstrap_cis(np.column_stack(finite), seed=seed)
    out = []
    for (name, values), (low, high) in zip(named, cis, strict=True):
        defined = values[~np.isnan(values)]
        value = float(defined.mean()) if len(defined) else math.nan
        if not math.isfinite(value):
            low = high = math.nan
        out.append(
            Metric(
                name,
                value,
                float(low),
                float(high),
                len(defined),
                name not in raw,
                int(np.isinf(defined).sum()),
            )
        )
    return out


def value_units(summaries: list[RunSummary], rates: str) -> str:
    """What the metrics' values are: rates (``rates``: "in %", "as fractions"), a continuous
    score's mean in its own units, or both -- never "accuracy" for a mean mae."""
    raw = any(not m.percent for s in summaries for m in s.metrics)
    rated = any(m.percent for s in summaries for m in s.metrics)
    if raw and rated:
        return f"rates {rates}, a continuous score's mean in its own units"
    return "values in the score's own units" if raw else f"values {rates}"


#: Marks a value over fewer prompts than its run shows; :func:`partial_lines` says which.
PARTIAL = "*"


def partial(summary: RunSummary, metric: Metric) -> bool:
    """``metric`` is defined for fewer of the run's prompts than the run shows."""
    return metric.prompts < summary.prompts


def partial_mark(summary: RunSummary, metric: Metric) -> str:
    """What goes between ``metric``'s value and its interval: :data:`PARTIAL`, else a space
    (``1.000*[1.000, 1.000]`` is as wide as ``0.625 [0.500, 0.875]``: the digits stay aligned)."""
    return PARTIAL if partial(summary, metric) else " "


def partial_lines(summaries: list[RunSummary], labels: dict[str, str] | None = None) -> list[str]:
    """The metrics (marked :data:`PARTIAL`) over fewer prompts than their run shows -- pass@k,
    maj@k and G-Pass@k need n >= k samples, and an unscored prompt counts in none -- per run,
    grouped by how many prompts: a pass@2 below pass@1 is then read as over other prompts;
    then, for a run whose prompts have different numbers of samples, that avg@n, maj@n and
    cons@n are over each prompt's own (named after the largest n). Each run by its label in ``labels`` (safe lines, as the table shows them), else cut to 60."""
    lines = []
    for summary in summaries:
        by_count: dict[int, list[str]] = {}
        for metric in summary.metrics:
            if partial(summary, metric):
                by_count.setdefault(metric.prompts, []).append(metric.name)
        parts = [
            f"{', '.join(names)} over {count:,} of {summary.prompts:,} prompts"
            for count, names in by_count.items()
        ]
        if parts:
            shown = labels[summary.run] if labels else one_line_middle(summary.run, 60)
            lines.append(f"{shown}: {'; '.join(parts)}")
    if lines:
        lines.insert(
            0, f"{PARTIAL} over some of the run's prompts (@k: those with k or more samples):"
        )
    for summary in summaries:
        # avg@n, maj@n and cons@n are over every prompt, each with its own samples: named
        # after the run's largest n, they read as n samples a prompt where some had fewer
        if len(summary.samples) and summary.samples.min() < summary.samples.max():
            own = [
                metric.name
                for metric in summary.metrics
                if metric.name.split("@")[0] in ("avg", "maj", "cons")
                and not partial(summary, metric)
            ]
            if own:
                shown = labels[summary.run] if labels else one_line_middle(summary.run, 60)
                lines.append(
                    f"{shown}: {summary.samples.min():,} to {summary.samples.max():,} samples a"
                    f" prompt; {', '.join(own)} over each prompt's own"
                )
    return lines


def summarize_runs(
    stats: pl.DataFrame, *, seed: int = SEED, order: Sequence[str] = ()
) -> list[RunSummary]:
    """One :class:`RunSummary` per run, in order of first appearance (or ``order``'s). A run's numbers, its
    intervals too, do not depend on the order of its rows: the app's summary of a table sorted
    by accuracy gave other intervals than the same prompts unsorted, and than ``summarize``.
    ``order``: the runs as loaded, which the summaries follow (those not in it after them):
    a view sorted by run, or by accuracy, put its first row's run first, so the app's summary
    (t) swapped its columns with the table's sort, unlike ``summarize --table``."""
    out = []
    maj = maj_column(stats)
    kinds = run_kinds(stats)
    for (run,), frame in stats.group_by("run", maintain_order=True):
        # The bootstrap's resamples are drawn by row: the rows in one order, whatever the view's.
        frame = frame.sort("prompt_id", maintain_order=True)
        n = frame["n_scored"].to_numpy().astype(np.int64)
        c = frame["n_correct"].fill_null(0).to_numpy().astype(np.int64)
        scored = n > 0
        kind = kinds.get(str(run))
        summary = RunSummary(str(run), frame.height, int(frame["count"].sum()), kind=kind)
        top = int(n.max()) if len(n) else 0
        pending: list[tuple[str, np.ndarray]] = []
        raw: set[str] = set()
        if "prompt_score" in frame.columns and frame["prompt_score"].null_count() < frame.height:
            # The harness's own per-document metric (e.g. lm-eval maj@k filters): shown as such.
            doc = frame["prompt_score"].cast(pl.Float64).fill_null(np.nan).to_numpy()
            pending.append(("doc score", doc))
            if kind is not None and not kind.accuracy:
                raw.add("doc score")
        if top == 0:
            summary.spectrum = {"never": 0, "flaky": 0, "always": 0, "unscored": frame.height}
            summary.metrics = _metrics(pending, seed, frozenset(raw))
            out.append(summary)
            continue
        accuracy = frame["average_accuracy"].cast(pl.Float64).fill_null(np.nan).to_numpy()
        if kind is not None and not kind.accuracy:
            # A continuous score: its mean in its own units; and beside an Infinity, the mean
            # over the prompts whose mean is finite (the rest would vanish in it).
            pending.append(("mean", accuracy))
            raw.add("mean")
            finite = np.where(np.isfinite(accuracy), accuracy, np.nan)
            if np.isfinite(accuracy[~np.isnan(accuracy)]).all() is np.False_:
                pending.append(("mean of finite", finite))
                raw.add("mean of finite")
            if kind.threshold is None:
                summary.spectrum = {
                    "never": 0,
                    "flaky": 0,
                    "always": 0,
                    "unscored": int((~scored).sum()),
                }
                summary.metrics = _metrics(pending, seed, frozenset(raw))
                out.append(summary)
                continue
        else:
            pending.append((f"avg@{top}", accuracy))
        for k in ks_for(top):
            column = f"pass@{k}"
            if column in frame.columns:
                pending.append(
                    (column, frame[column].cast(pl.Float64).fill_null(np.nan).to_numpy())
                )
        if maj is not None and frame[maj].null_count() < frame.height:
            # The column is named after the load's largest n; the vote is over each prompt's
            # own samples: named after this run's, like avg@n and cons@n (a run of one sample
            # per prompt beside one of four showed "maj@4").
            votes = frame[maj].cast(pl.Float64).fill_null(np.nan).to_numpy()
            pending.append((f"maj@{top}", votes))
        cons = np.where(scored, (c > n / 2).astype(float), np.nan)
        pending.append((f"cons@{top}", cons))
        if top >= 2:
            for tau in G_PASS_TAUS:
                pending.append((f"G-Pass@{top}_{tau}", g_pass_at_k(n, c, top, tau)))
            pending.append((f"mG-Pass@{top}", mg_pass_at_k(n, c, top)))
        rates = np.where(scored, c / np.maximum(n, 1), np.nan)
        summary.pass_rates = rates[~np.isnan(rates)]
        summary.samples = n[~np.isnan(rates)]
        summary.spectrum = {
            "never": int(((c == 0) & scored).sum()),
            "flaky": int(((c > 0) & (c < n)).sum()),
            "always": int(((c == n) & scored).sum()),
            "unscored": int((~scored).sum()),
        }
        summary.metrics = _metrics(pending, seed, frozenset(raw))
        out.append(summary)
    place = {run: index for index, run in enumerate(order)}
    return sorted(out, key=lambda s: place.get(s.run, len(place)))


def judged(summary: RunSummary) -> bool:
    """The run has a notion of "correct" (the never/flaky/always spectrum means something)."""
    return summary.kind is None or summary.kind.threshold is not None


def _pct(value: float) -> str:
    return "–" if math.isnan(value) else f"{100 * value:.1f}"


SCORE_DIGITS = 4
"""Significant digits of a continuous metric's largest value in a summary table (its others
get as many decimals)."""


def score_decimals(summaries: list[RunSummary]) -> dict[str, int | None]:
    """Per continuous metric (by name), the decimals every value of it is shown with, in every
    run (value and interval): :data:`SCORE_DIGITS` significant digits of its largest finite
    value. ``0.5`` beside ``0.25`` (4 significant digits each, trailing zeros dropped) read
    ``0.5 [0.25, 0.75]``: a column's digits not aligned, a run's 0.5 shorter than the other's
    0.25. None (4 significant digits each, as :func:`~evaltui.data.metrics.format_score`)
    beyond a fixed point's reach: below 1e-4, from 1e7."""
    largest: dict[str, float] = {}
    for summary in summaries:
        for m in summary.metrics:
            if not m.percent:
                finite = [abs(v) for v in (m.value, m.low, m.high) if math.isfinite(v)]
                largest[m.name] = max([largest.get(m.name, 0.0), *finite])
    return {name: decimals_of(size) for name, size in largest.items()}


def decimals_of(largest: float) -> int | None:
    """The decimals every value of a continuous score is shown with when ``largest`` is the
    largest of them in size (finite): :data:`SCORE_DIGITS` significant digits of it; None (4
    significant digits each) below 1e-4 and from 1e7, beyond a fixed point's reach. Shared by
    the summary (:func:`score_decimals`) and the comparison's levels and lists."""
    if largest == 0.0:
        return SCORE_DIGITS - 1
    if 1e-4 <= largest < 1e7:
        return max(0, SCORE_DIGITS - 1 - math.floor(math.log10(largest)))
    return None


def score_text(value: float, decimals: int | None) -> str:
    """A continuous metric's value with ``decimals`` (:func:`score_decimals`); ``inf`` and
    ``-inf`` as such, none (NaN) as ``–``."""
    if math.isnan(value):
        return "–"
    if decimals is None or math.isinf(value):
        return format_score(value)
    return f"{value:.{decimals}f}"


def infinite_words(metric: Metric) -> str:
    """What stands for an infinite mean's interval: ``(17 of 24 infinite)``, the prompts
    whose value is infinite (it read ``inf [–, –]``, as if its interval were missing)."""
    return f"({metric.infinite:,} of {metric.prompts:,} infinite)"


def _value(metric: Metric, value: float, decimals: int | None = None) -> str:
    """A metric's value: percent for rates, the score's own units (``inf`` as such) otherwise,
    with ``decimals`` (:func:`score_decimals`)."""
    if metric.percent:
        return _pct(value)
    return score_text(value, decimals)


def _interval(metric: Metric, decimals: int | None = None) -> str:
    """``[low, high]``, or for an infinite mean the prompts that make it so."""
    if not metric.percent and math.isinf(metric.value) and metric.infinite:
        return infinite_words(metric)
    return f"[{_value(metric, metric.low, decimals)}, {_value(metric, metric.high, decimals)}]"


def _csv_value(metric: Metric, value: float) -> str:
    """A metric's value in a CSV cell: none is an empty cell, as in every CSV evaltui writes
    (the text table's '–' made the column text to a CSV reader: pandas read tgpred's ci_low as
    strings, ``float('–')`` failed); ``inf`` stays, which CSV readers take as a number. Whole
    precision (the shortest text that reads back as the value): the text table's rounding
    (pass@1 '61.9' for 61.875 and 61.94 alike, a score's 4 digits) made two runs tie for a
    script that ranks them."""
    if math.isnan(value):
        return ""
    return repr(float(100 * value if metric.percent else value))


def render_table(
    summaries: list[RunSummary],
    style: str = "text",
    width: int | None = None,
    encoding: str | None = None,
) -> str:
    """A run × metric table: ``text`` (aligned; its runs in blocks of at most ``width`` cells,
    None: one block), ``markdown`` or ``csv``. Values in percent. ``encoding``: the text
    table's, when its characters are written so (a character it lacks as ``\u6a21``)."""
    names: list[str] = []
    for summary in summaries:
        for metric in summary.metrics:
            if metric.name not in names:
                names.append(metric.name)
    if style == "csv":
        buffer = io.StringIO()
        # "\n" line ends: the table goes to stdout as text (a "\r" would be shown as ␍ there).
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            [
                "run",
                "prompts",
                "generations",
                "metric",
                "value",
                "ci_low",
                "ci_high",
                "prompts_defined",
                "never",
                "flaky",
                "always",
                "unscored",
                "unit",
                "score_kind",
                "score_metric",
                "higher_is_better",
                "correct_threshold",
            ]
        )
        for s in summaries:
            kind = s.kind
            spectrum: list[int | str] = list(s.spectrum.values())
            if not judged(s):  # no "correct": never/flaky/always are not zero, they are n/a
                spectrum = ["", "", "", spectrum[-1]]
            described = [
                kind.kind if kind else "",
                spreadsheet_safe(kind.metric or "") if kind else "",
                ""
                if kind is None or kind.higher_is_better is None
                else str(kind.higher_is_better).lower(),
                "" if kind is None or kind.threshold is None else kind.threshold,
            ]
            # As the combined JSON names the run (a CSV field holds a newline); its control
            # characters are made visible on the way out (cli.say).
            run = [spreadsheet_safe(s.run), s.prompts, s.generations]
            if not s.metrics:
                # An unscored run has no metric, but it is a run of the load: one row with the
                # metric's cells empty (the text table shows it; the CSV held the header alone).
                writer.writerow([*run, "", "", "", "", "", *spectrum, "", *described])
            for m in s.metrics:
                writer.writerow(
                    [
                        *run,
                        m.name,
                        _csv_value(m, m.value),
                        _csv_value(m, m.low),
                        _csv_value(m, m.high),
                        m.prompts,
                        *spectrum,
                        "%" if m.percent else "score",
                        *described,
                    ]
                )
        return buffer.getvalue()
    if style == "markdown":
        return _markdown_table(summaries, names)
    return _text_table(summaries, names, width, encoding)


def _spectrum(summary: RunSummary) -> str:
    if not judged(summary):
        return "–"  # no notion of correct: not zero, not applicable
    return "/".join(f"{summary.spectrum[k]:,}" for k in ("never", "flaky", "always"))


def _scores_lines(
    summaries: list[RunSummary],
    labels: dict[str, str],
    shown: Callable[[str], str] = lambda text: one_line(text, 10_000),
) -> list[str]:
    """What the runs' scores are, and which values are over some of a run's prompts: each run
    by its shown label (``labels``: one safe line each), each score's description (it names
    the metric, from input) by ``shown``."""
    kinds = {labels[s.run]: s.kind for s in summaries if s.kind is not None}
    lines = [kinds_summary(kinds, shown), *partial_lines(summaries, labels)]
    return [line for line in lines if line]


def _markdown_table(summaries: list[RunSummary], names: list[str]) -> str:
    # Run labels come from input: one safe line each, escaped for markdown, never raw.
    header = ["metric", *[markdown_cell(s.run) for s in summaries]]
    rows = [
        # The score names its metric (an Inspect scorer's name, an lm-eval metric): input.
        ["score", *[markdown_cell(s.kind.short()) if s.kind else "accuracy" for s in summaries]],
        ["prompts", *[f"{s.prompts:,}" for s in summaries]],
        ["generations", *[f"{s.generations:,}" for s in summaries]],
    ]
    decimals = score_decimals(summaries)
    for name in names:
        cells = [name]
        for s in summaries:
            found = next((m for m in s.metrics if m.name == name), None)
            mark = PARTIAL if found is not None and partial(s, found) else ""
            places = decimals.get(name)
            cells.append(
                "–"
                if found is None
                else f"{_value(found, found.value, places)}{mark} {_interval(found, places)}"
            )
        rows.append(cells)
    rows.append(["never/flaky/always", *[_spectrum(s) for s in summaries]])
    note = value_units(summaries, "in %") + ", 95% bootstrap CI over prompts in brackets"
    labels = {s.run: markdown_cell(s.run) for s in summaries}
    scores = "\n".join(_scores_lines(summaries, labels, lambda text: markdown_cell(text, 10_000)))
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    tail = f"\n\n{note[0].upper()}{note[1:]}.\n" + (f"\n{scores}\n" if scores else "")
    return "\n".join(lines) + tail


#: Cells a run's label may take in the text table (cut in the middle, with a mark, beyond).
TEXT_LABEL = 40


def _metric_column(
    summary: RunSummary, names: list[str], decimals: dict[str, int | None] | None = None
) -> list[str]:
    """One run's metric cells, ``value[*] [low, high]``, all of one width: the values
    right-aligned on their digits, then ``*`` (or a space: the brackets line up too); a
    continuous metric with the same ``decimals`` in every run (:func:`score_decimals`)."""
    places = decimals or {}
    parts = {
        m.name: (
            _value(m, m.value, places.get(m.name)),
            f"{PARTIAL if partial(summary, m) else ' '} {_interval(m, places.get(m.name))}",
        )
        for m in summary.metrics
    }
    return aligned_cells(parts, names)


def aligned_cells(parts: dict[str, tuple[str, str]], names: list[str]) -> list[str]:
    """One run's cells of ``names``, each its ``(value, rest)`` parts, all of one width: the
    values right-aligned on their digits, the rests (``* [low, high]``, ``(17 of 24
    infinite)``) after them, left-aligned; ``–`` for a name without parts. Right-aligned whole,
    an infinite mean's ``inf (17 of 24 infinite)`` put its ``inf`` 5 cells left of the digits
    of ``186.9*[141.7, 232.5]`` under it."""
    value = max((cell_width(v) for v, _ in parts.values()), default=0)
    rest = max((cell_width(r) for _, r in parts.values()), default=0)
    return [
        pad_cells(" " * (value - cell_width(parts[n][0])) + "".join(parts[n]), value + rest)
        if n in parts
        else "–"
        for n in names
    ]


def _cut_end(text: str, limit: int, mark: str = "…") -> str:
    """``text`` cut at its end to ``limit`` cells, with a mark (``never/flaky/alwa…``)."""
    if cell_width(text) <= limit:
        return text
    return head_cells(text, max(0, limit - cell_width(mark))) + mark


def _text_table(
    summaries: list[RunSummary], names: list[str], width: int | None, encoding: str | None = None
) -> str:
    """The aligned text table: each run's column right-aligned (its label cut in the middle,
    with a mark, beyond :data:`TEXT_LABEL` cells; two runs never read the same); as many runs
    side by side as ``width`` cells hold (at least one), the rest in further blocks below, each
    with the metric names; the lines under it wrapped at ``width`` between words."""
    first = ["metric", "score", "prompts", "generations", *names, "never/flaky/always"]
    decimals = score_decimals(summaries)
    numbers = [
        [f"{s.prompts:,}", f"{s.generations:,}", *_metric_column(s, names, decimals), _spectrum(s)]
        for s in summaries
    ]
    numeric = max(cell_width(cell) for column in numbers for cell in column)
    first_width = max(cell_width(cell) for cell in first)
    scores = [s.kind.short() if s.kind else "accuracy" for s in summaries]
    # The mark of a cut as '...' where the encoding lacks '…' (written '\u2026', 6 cells): the
    # metric names and the run labels ('llama-3.1\u202624-12-01' on an ASCII standard output).
    mark = cut_mark(encoding)
    if width is not None:
        # A line never wider than ``width`` while the numbers fit: the score's words (a metric's
        # name from input: 'winrate_divided_by_optimal accuracy 0–1') are cut in the middle to
        # a run's room, and when a run's numbers leave less than the metric names take
        # ('100.0  [100.0, 100.0]' at 40 columns), the longest names are cut at their end. At
        # COLUMNS=40 a table was 41 cells wide, published Inspect runs' 59.
        first_width = max(min(first_width, 8), min(first_width, width - 2 - numeric))
        first = [_cut_end(name, first_width, mark) for name in first]
        room = max(numeric, width - first_width - 2)
        scores = [one_line_middle(score, room) for score in scores]
    bodies = [[score, *cells] for score, cells in zip(scores, numbers, strict=True)]
    body = max(cell_width(cell) for column in bodies for cell in column)
    label = TEXT_LABEL
    if width is not None:
        # As many runs beside each other as their values allow; the labels cut to that. No
        # more than there are runs: two runs at 80 columns had their labels cut to 18 cells
        # ('deepseek-…Qwen-32B') as if a third shared the line, 22 cells of it left empty.
        per_block = max(1, min(len(summaries), (width - first_width) // (body + 2)))
        label = min(TEXT_LABEL, max(body, (width - first_width) // per_block - 2))
    labels = distinct_middle([s.run for s in summaries], label, mark)
    # A label's own characters escaped as a file's text is (a folder 'run≥1 é' as
    # 'run\u22651 \xe9', not 'run>=1 \xe9'), the ' · ' evaltui joined its parts with as ' - '
    labels = {run: written_label(text, encoding) for run, text in labels.items()}
    columns = [[labels[s.run], *cells] for s, cells in zip(summaries, bodies, strict=True)]

    def written(text: str) -> str:
        # evaltui's '–' and '…' as written ('-', '...'), other characters escaped ('模型' as
        # '\\u6a21\\u578b'; the labels are already)
        return as_written(plain_glyphs(text, encoding), encoding)

    if encoding is not None:
        # Each cell as it will be written, measured so: on an ASCII standard output a CJK label
        # ('模型 ü', 6 cells) was laid out, then written '\u6a21\u578b \xfc' (17), its column
        # pushed past the others' and its '–' and '…' likewise.
        first = [written(cell) for cell in first]
        first_width = max(cell_width(cell) for cell in first)
        columns = [[written(cell) for cell in column] for column in columns]
    widths = [max(cell_width(cell) for cell in column) for column in columns]
    blocks: list[list[int]] = []
    used = first_width
    for index, column_width in enumerate(widths):
        if not blocks or (width is not None and used + 2 + column_width > width):
            blocks.append([])
            used = first_width
        blocks[-1].append(index)
        used += 2 + column_width
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("")
        for row, name in enumerate(first):
            cells = [pad_cells(name, first_width)]
            cells += [
                " " * (widths[i] - cell_width(columns[i][row])) + columns[i][row] for i in block
            ]
            out.append("  ".join(cells).rstrip())
            if row == 0:
                out.append("  ".join("-" * w for w in [first_width, *(widths[i] for i in block)]))
    note = value_units(summaries, "in %") + ", 95% bootstrap CI over prompts in brackets"
    below = [written(line) for line in [f"({note})", *_scores_lines(summaries, labels)]]
    if width is not None:
        below = [
            part
            for line in below
            for part in wrap_cells(
                line, width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
            )
        ]
    return "\n".join(out + below) + "\n"

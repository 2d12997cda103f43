"""Bins and axis ticks people can read: round steps, integer counts, pass rates at k/n.

Pure numpy; the plot and summary screens call these from their workers and only draw the result.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

MAX_DENOMINATOR = 32
"""Pass rates are shown one bar per k/n when every rate is a multiple of 1/n for some n up to this."""
RATE_BINS = 10
"""Otherwise (continuous scores, or many different sample counts): ten bins of 0.1."""


def nice_step(span: float, count: int, *, integer: bool = False) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^k) that cuts ``span`` into about ``count`` pieces."""
    if not math.isfinite(span) or span <= 0 or count < 1:
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    # The candidate whose piece count is nearest ``count`` (in ratio, so 3 vs 5 = 5 vs 8.3).
    step = min(
        (factor * power for factor in (1, 2, 2.5, 5, 10)),
        key=lambda s: abs(math.log(span / s / count)),
    )
    if integer:
        step = max(1.0, float(round(step))) if step >= 1 else 1.0
    return float(step)


def nice_ticks(low: float, high: float, count: int = 5, *, integer: bool = False) -> list[float]:
    """Round tick positions covering [low, high] (multiples of one :func:`nice_step`)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high < low:
        low, high = high, low
    if high == low:
        return [low]
    step = nice_step(high - low, count, integer=integer)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + 1e-9 * step:
        ticks.append(round(value, 10))
        value += step
    return ticks


def tick_label(value: float) -> str:
    """A tick as people write it: ``2,500``, ``0.25``, ``12k`` for large round values."""
    if value == 0:
        return "0"
    if abs(value) >= 10_000 and value % 1000 == 0:
        return f"{value / 1000:,.0f}k"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.10g}"


def tick_labels(values: Iterable[float]) -> list[str]:
    """The ticks of one axis, all written alike: ``0, 5k, 10k, 15k`` when a tick reaches 10,000
    and every one is a round hundred (else ``2,500``, ``0.25``). One by one (:func:`tick_label`)
    an axis read ``0, 5,000, 10k, 15k``: two notations on one axis, the comma of 5,000 like a
    separator between ticks."""
    ticks = [float(v) for v in values]
    if max((abs(v) for v in ticks), default=0.0) >= 10_000 and all(v % 100 == 0 for v in ticks):
        return ["0" if v == 0 else f"{v / 1000:,.10g}k" for v in ticks]
    return [f"{v:,.0f}" if v.is_integer() else f"{v:,.10g}" for v in ticks]


TICK_GAP = 3
"""Blank cells wanted between two tick labels on an axis."""


def spaced_ticks(
    ticks: list[float], labels: list[str], cells: int
) -> tuple[list[float], list[str]]:
    """Every k-th tick (from the first), k the least that leaves each label ``TICK_GAP``
    blank cells to the next along an axis of ``cells`` cells; all of them when they fit.
    Every second of round ticks is round again (0, 1,000, 2,000 of 0, 500, … 3,500). Eight
    labels on a histogram's 56 cells at 60x20 stood one or two cells apart, unevenly (plotext
    rounds each to a cell), the last two touching ('3,000 3,500')."""
    if len(ticks) < 3 or cells <= 0:
        return ticks, labels
    room = max(len(label) for label in labels) + TICK_GAP
    fit = max(2, cells // room)
    every = math.ceil(len(ticks) / fit)
    if every <= 1:
        return ticks, labels
    picked = range(0, len(ticks), every)
    return [ticks[i] for i in picked], [labels[i] for i in picked]


def row_spaced_ticks(
    ticks: list[float], labels: list[str], rows: int, low: float, high: float
) -> tuple[list[float], list[str]]:
    """Every k-th of ``ticks`` (from the first), k the least that leaves a blank row between
    two labels up an axis of ``rows`` rows from ``low`` to ``high``, each tick on the row
    plotext puts it (``floor(0.5 + (rows - 1) * (tick - low) / (high - low))``). Five count
    ticks (0, 20, … 80) on a panel of five rows at 80x24 met on rows, plotext dropped one, and
    the axis read 80, 60, 40, 0 on consecutive rows (a step of 20 a row, then of 40)."""
    if len(ticks) < 2 or rows <= 1 or not high > low:
        return ticks, labels

    def row(tick: float) -> int:
        return math.floor(round(0.5 + (rows - 1) * (tick - low) / (high - low), 8))

    for every in range(1, len(ticks)):
        kept = range(0, len(ticks), every)
        if all(row(ticks[b]) - row(ticks[a]) >= 2 for a, b in itertools.pairwise(kept)):
            return [ticks[i] for i in kept], [labels[i] for i in kept]
    return ticks[:1], labels[:1]


@dataclass(frozen=True, slots=True)
class Bins:
    """Histogram bins: ``edges`` (len = bins + 1), where each bar is drawn, and its label."""

    edges: np.ndarray
    centers: list[float]
    labels: list[str]


def length_bins(values: np.ndarray, bins: int = 40) -> Bins:
    """Bins of one round width starting at a round value, covering ``values``.

    Integer data (token counts) gets integer widths, so no bin straddles a value it cannot hold.
    """
    finite = values[np.isfinite(values)] if len(values) else values
    if not len(finite):
        edges = np.array([0.0, 1.0])
        return Bins(edges, [0.5], ["0"])
    low = float(finite.min())
    high = float(finite.max())
    integer = bool(np.all(np.equal(np.mod(finite, 1), 0)))
    step = nice_step(max(high - low, 1.0 if integer else 1e-9), bins, integer=integer)
    start = math.floor(low / step) * step
    count = max(1, math.floor((high - start) / step) + 1)
    edges = start + step * np.arange(count + 1, dtype=float)
    centers = [float(c) for c in (edges[:-1] + edges[1:]) / 2]
    return Bins(edges, centers, [tick_label(float(e)) for e in edges[:-1]])


def rate_denominator(
    rates: np.ndarray, limit: int = MAX_DENOMINATOR, samples: Iterable[int] = ()
) -> int | None:
    """The n of the k/n bins: the prompts' sample counts' least common multiple when ``samples``
    are given and every rate is some k/n of it (4 samples each, all 0 or 2 correct: quarters, not
    halves); else the smallest n ≤ ``limit`` such that every rate is some k/n; None if there is
    none."""
    distinct = np.unique(rates[np.isfinite(rates)]) if len(rates) else rates
    if not len(distinct):
        return None
    if np.any(distinct < 0) or np.any(distinct > 1):
        return None
    sizes = {int(c) for c in samples if c > 0}
    common = math.lcm(*sizes) if sizes else 0
    candidates: list[int] = [common] if 0 < common <= limit else []
    for n in [*candidates, *range(1, limit + 1)]:
        scaled = distinct * n
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6):
            return int(n)
    return None


def rate_bins(rates: np.ndarray, samples: Iterable[int] = (), *, counted: bool = True) -> Bins:
    """One bin per k/n when the rates are fractions of a common n (8 samples: 0/8 … 8/8; n from
    the prompts' ``samples`` counts when given, see :func:`rate_denominator`), else ten bins of
    0.1; the last bin includes 1.0 either way. ``counted=False``: the values are mean scores of
    a 0–1 fraction, never "k of n correct" (a mean of 0.25 may have no sample correct): ten
    bins."""
    n = rate_denominator(rates, samples=samples) if counted else None
    if n is not None:
        # Edges half-way between the k/n values: each bin holds exactly one of them.
        edges = (np.arange(n + 2, dtype=float) - 0.5) / n
        edges[0], edges[-1] = min(edges[0], 0.0), max(edges[-1], 1.0)
        return Bins(edges, [k / n for k in range(n + 1)], [f"{k}/{n}" for k in range(n + 1)])
    edges = np.linspace(0.0, 1.0, RATE_BINS + 1)
    labels = [f"{k / RATE_BINS:.1f}–{(k + 1) / RATE_BINS:.1f}" for k in range(RATE_BINS)]
    return Bins(edges, [float(c) for c in (edges[:-1] + edges[1:]) / 2], labels)


def counts(values: np.ndarray, bins: Bins) -> list[int]:
    """How many ``values`` fall in each bin (the last bin includes its upper edge). A value a
    rounding error below an edge counts as the edge: a prompt's mean of 0.2, 0.4 and 0.6 is
    1.2 / 3 = 0.39999999999999997, which fell in 0.3–0.4 (shown as 0.400 on the table)."""
    finite = values[np.isfinite(values)].astype(float) if len(values) else values
    edges = np.asarray(bins.edges, dtype=float)
    if len(finite) and len(edges):
        at = np.clip(np.searchsorted(edges, finite), 0, len(edges) - 1)
        close = np.abs(edges[at] - finite) <= 1e-9 * np.maximum(1.0, np.abs(finite))
        finite = np.where(close, edges[at], finite)
    result, _ = np.histogram(finite, bins=edges)
    return [int(c) for c in result]

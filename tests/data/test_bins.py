"""Bins and ticks for plots: round steps, k/n pass-rate bins, integer counts."""

from __future__ import annotations

import numpy as np

from evaltui.data.bins import (
    counts,
    length_bins,
    nice_step,
    nice_ticks,
    rate_bins,
    rate_denominator,
    tick_label,
)


def test_nice_ticks_are_round() -> None:
    assert nice_ticks(0, 2794.7875000000004) == [0, 500, 1000, 1500, 2000, 2500]
    assert nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(0, 3.4, integer=True) == [0, 1, 2, 3]  # counts: never 0.5 or 2.5
    assert nice_step(237, 5, integer=True) == 50
    assert (
        tick_label(2500.0) == "2,500"
        and tick_label(20000.0) == "20k"
        and tick_label(0.25) == "0.25"
    )


def test_length_bins_have_round_integer_widths() -> None:
    lengths = np.array([113.0, 2794.0, 512.0, 1999.0])
    bins = length_bins(lengths, 40)
    widths = np.diff(bins.edges)
    assert np.all(widths == widths[0]) and widths[0] in (50.0, 100.0)
    assert bins.edges[0] % widths[0] == 0 and bins.edges[0] <= 113 and bins.edges[-1] > 2794
    assert sum(counts(lengths, bins)) == 4
    # A constant length is one bar, not a division by zero.
    one = length_bins(np.array([7.0, 7.0]), 40)
    assert sum(counts(np.array([7.0, 7.0]), one)) == 2


def test_rate_bins_at_k_over_n() -> None:
    rates = np.array([k / 8 for k in (0, 0, 1, 3, 8, 8, 8)])
    assert rate_denominator(rates) == 8
    bins = rate_bins(rates)
    assert bins.labels == [f"{k}/8" for k in range(9)]
    got = counts(rates, bins)
    assert got == [2, 1, 0, 1, 0, 0, 0, 0, 3] and sum(got) == len(rates)
    # Mixed 4 and 8 samples: still eighths; every bin is reachable (no always-empty bin).
    assert rate_denominator(np.array([0.25, 0.375, 1.0])) == 8
    # Four samples a prompt, 0, 2 or 4 of them correct: quarters (2/4), never halves read as
    # "1 of 2 samples"; mixed 4 and 8 samples: eighths.
    halves = np.array([0.0, 0.5, 0.5, 1.0])
    assert rate_denominator(halves) == 2
    assert rate_denominator(halves, samples=[4, 4, 4, 4]) == 4
    assert rate_bins(halves, [4] * 4).labels == ["0/4", "1/4", "2/4", "3/4", "4/4"]
    assert counts(halves, rate_bins(halves, [4] * 4)) == [1, 0, 2, 0, 1]
    assert rate_denominator(halves, samples=[4, 8, 4, 8]) == 8
    # Rates that are no k/n of the counts (mean scores) keep the smallest n.
    assert rate_denominator(np.array([1 / 3]), samples=[4]) == 3
    # Continuous scores fall back to ten 10-point bins, 1.0 in the last one.
    fallback = rate_bins(np.array([0.123, 0.5, 1.0]))
    assert len(fallback.labels) == 10 and counts(np.array([0.123, 0.5, 1.0]), fallback)[-1] == 1


def test_plot_colours_are_understood_by_rich_and_never_mean_right_or_wrong() -> None:
    from rich.color import Color

    from evaltui.app.screens.plot import CORRECT, RUN_COLOURS, WRONG

    colours = [*RUN_COLOURS, CORRECT, WRONG]
    assert len(set(colours)) == len(colours)
    for r, g, b in colours:
        Color.parse(f"rgb({r},{g},{b})")  # the legend draws them with Rich, the plot with plotext
    red, green = WRONG, CORRECT
    assert red[0] > 2 * max(red[1:]) and green[1] > 2 * max(green[0], green[2])
    # No run colour can be taken for the red or the green.
    for colour in RUN_COLOURS:
        for meaning in (CORRECT, WRONG):
            assert sum((a - b) ** 2 for a, b in zip(colour, meaning, strict=True)) ** 0.5 > 120


def test_a_mean_a_rounding_error_below_an_edge_is_binned_as_its_value() -> None:
    """A fraction run's prompt scored 0.2, 0.4 and 0.6 has mean 1.2 / 3 = 0.39999999999999997
    (the table shows 0.400): plot 3 and the summary's spectrum put it in 0.3–0.4."""
    means = np.array([1.2 / 3, 0.59 / 3, 0.5, 0.9, (0.4 + 1.0 + 0.7) / 3])
    assert means[0] < 0.4 and means[4] < 0.7  # the sums as Python makes them
    bins = rate_bins(means, counted=False)
    assert counts(means, bins) == [0, 1, 0, 0, 1, 1, 0, 1, 0, 1]
    # Lengths too: a value below an edge by far more than a rounding error stays below it.
    assert counts(np.array([0.3999, 0.4]), bins) == [0, 0, 0, 1, 1, 0, 0, 0, 0, 0]

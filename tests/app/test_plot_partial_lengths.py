"""A length plot drawn while lengths are still being counted (or after x stopped them) says its
lengths are some of the view's: it looked complete while 1,600 of 16,000 were counted."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import polars as pl

from evaltui.app.screens.plot import PlotScreen
from tests.app.conftest import settle


async def test_a_length_plot_of_a_partial_load_says_how_many_lengths_it_has(
    evals: Path, make_app: Any
) -> None:
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        result = app.result
        assert result is not None and result.complete
        # What a load posts while it counts: every other generation's length still unknown.
        half = result.generations.with_columns(
            pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.col("gen_length")).alias("gen_length")
        )
        counted = half["gen_length"].count()
        total = half.height
        assert 0 < counted < total
        app.result = dataclasses.replace(result, generations=half, complete=False)
        await pilot.press("p")
        await settle(pilot)
        plot = app.screen
        assert isinstance(plot, PlotScreen) and plot.last is not None
        so_far = f"lengths of {counted:,} of {total:,} generations so far (still counting)"
        assert plot.last.note.startswith(so_far), plot.last.note
        legend = str(plot.query_one("#plot-legend").render())
        assert so_far in legend, legend  # on screen, at 80 columns
        for key in ("2", "4"):  # correct vs wrong lengths; length vs accuracy
            await pilot.press(key)
            await settle(pilot)
            assert plot.last is not None and "still counting" in plot.last.note, (key, plot.last)
        # x stopped the load: the others will not come.
        app.result = dataclasses.replace(result, generations=half, complete=False, cancelled=True)
        await pilot.press("1")
        await settle(pilot)
        assert plot.last is not None
        assert plot.last.note.startswith(
            f"lengths of {counted:,} of {total:,} generations (loading was stopped: x counts"
        ), plot.last.note
        # Every length known: no such note.
        app.result = result
        await pilot.press("2")
        await settle(pilot)
        assert plot.last is not None and "lengths of" not in plot.last.note, plot.last.note

"""The app's summary (t) keeps the runs' columns in the order they were loaded, as
``evaltui summarize --table`` has them, whatever the table's sort."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.summary import SummaryScreen
from evaltui.data.summary import render_table, summarize_runs
from tests.app.conftest import settle, write_evals
from tests.app.test_wide_text_cells import screen_lines


async def test_summary_columns_keep_the_load_order_under_any_sort(
    tmp_path: Path, make_app: Any
) -> None:
    """At 80x24, the table sorted by run (descending): t headed its columns "model_b
    model_a", the first row's run first, and swapped them back with the sort; the text table
    of the same load reads "model_a model_b"."""
    app = make_app(write_evals(tmp_path / "evals"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.result is not None
        cli = render_table(summarize_runs(app.result.stats)).splitlines()[0].split()
        assert cli == ["metric", "model_a", "model_b"], cli
        for descending in (True, False):
            main = app.screen
            assert isinstance(main, MainScreen)
            main.sort_by("run", descending)
            await settle(pilot)
            assert app.rows is not None
            first = app.rows["run"][0]
            assert first == ("model_b" if descending else "model_a"), first
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(app.screen, SummaryScreen)
            header = next(line for line in screen_lines(app) if line.strip().startswith("metric"))
            assert header.split() == cli, (descending, header)
            await pilot.press("escape")
            await settle(pilot)

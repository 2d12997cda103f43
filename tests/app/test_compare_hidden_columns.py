"""The compare screen says which of its table's columns are out of sight, left and right, as
the table scrolls sideways (Pilot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static

from tests.app.conftest import settle
from tests.app.test_screens import LONG_A, LONG_B, open_compare, write_runs


def status(screen: Any) -> str:
    return str(screen.query_one("#compare-status", Static).render())


async def test_the_status_line_counts_the_columns_out_of_sight(
    tmp_path: Path, make_app: Any
) -> None:
    """At 60 columns the table showed Δ, the accuracies, the prompt and A solved: B solved,
    the generation counts and the id were past the right edge, and scrolled to them the
    first columns were off the left, with no mark either way."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B, wordy=True))
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await open_compare(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        table = screen.current_table()
        assert table is not None
        shown = [c.label.plain for c in table.ordered_columns]
        assert shown[-1] == "id"
        assert status(screen).endswith(" columns →"), status(screen)
        left, right = screen.hidden_columns()
        assert left == 0 and right >= 2
        # The words are cut anyway at 60 columns: the mark on their line (the top keeps its).
        assert status(screen) == f"showing all prompts in both runs: 10 prompt… · {right} columns →"
        for _ in shown:  # to the last column: the table scrolls to it
            await pilot.press("right")
        await pilot.pause(0.2)
        assert "← " in status(screen), status(screen)
        left, right = screen.hidden_columns()
        assert left >= 2 and right == 0
        assert status(screen).endswith(f"… · ← {left} columns"), status(screen)
        # Wide enough for every column: no mark.
        await pilot.resize_terminal(200, 35)
        await pilot.pause(0.2)
        await settle(pilot)
        await pilot.press("home")
        await pilot.pause(0.2)
        assert screen.hidden_columns() == (0, 0)
        assert "column" not in status(screen), status(screen)


async def test_the_mark_never_cuts_the_words_that_fit(tmp_path: Path, make_app: Any) -> None:
    """At 80 columns the id is past the right edge and the words fill the line: the mark goes
    on a second line, the order still said in full."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert screen.hidden_columns() == (0, 1)
        assert status(screen).splitlines() == [
            "showing all prompts in both runs: 10 prompts · sorted by Δ B−A ↑ (drops first)",
            "1 column →",
        ]
        table = screen.current_table()
        assert table is not None and table.region.height >= 5 + 2  # rows, header, scrollbar

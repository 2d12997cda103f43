"""A cursor moved on a compare table between its making (a sort, g/i, a resize) and its first
refresh stays moved: the table put its cursor back where it was placed once laid out, undoing a
key handled before that refresh (as the prompt table's first cursor was, which failed
test_back_from_prompt on the loaded CI machine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen
from evaltui.app.tables import DataTable
from evaltui.data.loader import LoadOptions
from tests.app.test_compare_back_from_prompt import two_runs
from tests.app.test_follow_app import wait_until


async def test_a_move_before_a_sorted_compare_tables_first_refresh_is_kept(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = two_runs(tmp_path / "data")
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 120)
        await pilot.press("m")  # two runs: compared at once
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_until(pilot, lambda: screen.cursor_prompt_id() is not None)
        first = screen.current_table()

        moved: list[DataTable] = []
        place = DataTable.place_cursor

        def place_then_move(table: DataTable, row: int, column: int) -> None:
            place(table, row, column)
            if not moved:
                table.move_cursor(row=40, column=2)  # keys handled before its first refresh
                moved.append(table)

        monkeypatch.setattr(DataTable, "place_cursor", place_then_move)
        await pilot.press("right_square_bracket")  # sorted again: a new table
        await wait_until(pilot, lambda: bool(moved) and screen.current_table() is moved[0])

        def laid_out() -> bool:
            table = screen.current_table()
            return table is not None and table.scrollable_content_region.height > 0

        await wait_until(pilot, laid_out)
        for _ in range(3):  # refreshes: what waited for the table's first one has run
            await pilot.pause(0.1)
        table = screen.current_table()
        assert table is not None and table is not first
        assert (table.cursor_row, table.cursor_column) == (40, 2)
        assert table.scroll_y > 20  # scrolled to it once laid out (rows 0-12 shown before)
        await pilot.press("ctrl+q")

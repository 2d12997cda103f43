"""The compare table's cursor stays in sight when the table shows fewer rows than when the cursor
was scrolled to: resized from 160x50 (or 120x40) to 80x24 with the cursor on row 14, the table
came with a horizontal scrollbar and a status line of two lines, and was scrolled one row short:
rows 1-13 shown, the cursor's row under the scrollbar."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_compare_back_from_prompt import two_runs
from tests.app.test_follow_app import wait_until


@pytest.mark.parametrize("start", [(160, 50), (120, 40)])
@pytest.mark.parametrize("rows", [14, 20])
async def test_the_cursor_row_is_in_sight_after_a_resize_to_80_columns(
    tmp_path: Path, word_tokenizer: Path, start: tuple[int, int], rows: int
) -> None:
    data = two_runs(tmp_path / "data")
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=start) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 120)
        await pilot.press("m")  # two runs: compared at once
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_until(pilot, lambda: screen.cursor_prompt_id() is not None)
        for _ in range(rows):
            await pilot.press("j")
        await wait_until(pilot, lambda: screen.cursor_row() == rows)
        await pilot.resize_terminal(80, 24)

        def laid_out() -> bool:
            # At 80 columns: the table's columns past its edge said, and its scrollbar there.
            table = screen.current_table()
            return (
                table is not None
                and table.size.width == 80
                and table.show_horizontal_scrollbar
                and "column" in str(screen.query_one("#compare-status").render())
            )

        await wait_until(pilot, laid_out)
        table = screen.current_table()
        assert table is not None
        view = table.scrollable_content_region.height - table.header_height

        def in_sight() -> bool:
            return int(table.scroll_y) <= table.cursor_row < int(table.scroll_y) + view

        await wait_until(pilot, in_sight)
        for _ in range(3):  # refreshes: what waited for the layout has run
            await pilot.pause(0.1)
        assert table is screen.current_table() and table.cursor_row == rows and in_sight()
        await pilot.press("ctrl+q")

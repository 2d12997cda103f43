"""The sort menu says how many columns are out of sight: at 50x15 its list showed 'prompt',
'run' and 'n' of 18 columns, its scrollbar's thumb too small to be drawn, no word of the rest
(the run picker says '↓ 9 more' on its list's border; the sort menu now does too)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import OptionList

from evaltui.app.screens.sort import SortScreen
from tests.app.conftest import settle
from tests.app.test_screens import LONG_A, LONG_B, write_runs


async def test_the_sort_menu_counts_the_columns_out_of_sight(tmp_path: Path, make_app: Any) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=(50, 15)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SortScreen)
        options = app.screen.query_one("#sort-options", OptionList)
        seen = options.scrollable_content_region.height
        total = options.option_count
        assert seen < total
        assert str(options.border_title) == f"↓ {total - seen} more"
        await pilot.press(*["j"] * (seen + 1))
        await settle(pilot)
        above = round(options.scroll_y)
        assert above > 0
        below = total - above - seen
        assert str(options.border_title) == f"↑ {above} more · ↓ {below} more"
    async with make_app(write_runs(tmp_path / "more", LONG_A)).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        options = pilot.app.screen.query_one("#sort-options", OptionList)
        assert options.scrollable_content_region.height >= options.option_count
        assert not options.border_title  # all in sight: nothing said

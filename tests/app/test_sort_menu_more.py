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
from tests.app.test_wide_text_cells import screen_lines


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
        assert not options.border_title
        assert str(options.border_subtitle) == f"↓ {total - seen} more"
        await pilot.press(*["j"] * (seen + 1))
        await settle(pilot)
        above = round(options.scroll_y)
        assert above > 0
        below = total - above - seen
        assert str(options.border_title) == f"↑ {above} more"
        assert str(options.border_subtitle) == f"↓ {below} more"
    async with make_app(write_runs(tmp_path / "more", LONG_A)).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        options = pilot.app.screen.query_one("#sort-options", OptionList)
        assert options.scrollable_content_region.height >= options.option_count
        assert not options.border_title and not options.border_subtitle  # all in sight


async def test_the_counts_sit_on_the_list_frame_beside_what_they_count_at_80x24(
    tmp_path: Path, make_app: Any
) -> None:
    """At 80x24 the sort menu said '↓ 7 more' on the list's top border, drawn over its thin
    line ('▊▔ ↓ 7 more ▔▔▔'), the 7 columns it counted below the list's other end. Now a
    framed list: the columns above counted on its top line, those below on its bottom line."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        options = app.screen.query_one("#sort-options", OptionList)
        seen = options.scrollable_content_region.height
        below = options.option_count - seen
        assert below > 0
        lines = screen_lines(app)
        top, bottom = options.region.y, options.region.bottom - 1
        x, right = options.region.x, options.region.right
        assert lines[top][x:right].startswith("╭─") and "more" not in lines[top], lines[top]
        assert lines[bottom][x:right].startswith(f"╰─ ↓ {below} more ─"), lines[bottom]
        await pilot.press(*["j"] * (seen + 2))
        await settle(pilot)
        above = round(options.scroll_y)
        lines = screen_lines(app)
        assert lines[top][x:right].startswith(f"╭─ ↑ {above} more ─"), lines[top]
        assert lines[bottom][x:right].startswith(f"╰─ ↓ {below - above} more ─"), lines[bottom]

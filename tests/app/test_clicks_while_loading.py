"""Mouse clicks while the files are read (no table yet): they do nothing, now or once the
table comes (keys typed ahead are held and replayed; a click is not: the row under it is not
known yet), and nothing fails; once the table is there a click picks its row."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from evaltui.app.app import EvalApp
from evaltui.app.screens.main import MainScreen
from tests.app.conftest import settle
from tests.app.test_journeys import options  # noqa: F401 (a fixture)


async def test_clicks_on_the_table_area_while_loading_open_nothing(
    evals: Path,
    options: Any,  # noqa: F811
    gate: threading.Event,
) -> None:
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        assert app.rows is None
        for offset in ((10, 8), (10, 6), (40, 12)):  # the table's place, its header
            await pilot.click(offset=offset)
        await pilot.double_click(offset=(10, 8))  # would open the prompt of a row
        await pilot.click(offset=(3, 23))  # the footer's "⏎ Open"
        await pilot.pause(0.2)
        assert [type(s) for s in app.screen_stack][1:] == [MainScreen]
        gate.set()
        await settle(pilot)
        await pilot.pause(0.3)
        table = app.main.current_table()
        assert table is not None and table.has_focus
        assert [type(s) for s in app.screen_stack][1:] == [MainScreen]
        assert table.cursor_coordinate.row == 0
        assert not [n for n in app._notifications if n.severity == "error"]
        await pilot.click(offset=(10, 8))  # the table is there: the row clicked is picked
        await pilot.pause(0.2)
        assert table.cursor_coordinate.row == 8 - table.region.y - 1 + round(table.scroll_y)

"""A cursor moved between the first table's mount and its first refresh stays moved: the first
table was placed again on its first cell then (the CI saw test_back_from_prompt's cursor, moved to
run B's row, back on the first row under load)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.app.app import EvalApp
from evaltui.app.screens.main import MainScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import line, one_run, wait_until


async def test_a_move_before_the_first_tables_refresh_is_kept(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, _out = one_run(tmp_path, "".join(line(p, p % 2 == 0) for p in range(1, 9)))
    moved: list[int] = []
    replace = MainScreen._replace_table

    def replace_then_move(self: MainScreen, rows: pl.DataFrame, layout: Any, **kwargs: Any) -> None:
        first = self.current_table() is None
        replace(self, rows, layout, **kwargs)
        if first and rows.height > 3:
            table = self._table
            assert table is not None
            table.move_cursor(row=3)  # a key handled before the table's first refresh
            moved.append(3)

    monkeypatch.setattr(MainScreen, "_replace_table", replace_then_move)
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: bool(moved))
        await pilot.pause(0.3)
        table = app.main.current_table()
        assert table is not None
        assert table.cursor_row == 3
        await pilot.press("ctrl+q")

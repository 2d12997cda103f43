"""j and k move a table's cursor, as in less and vim: on the prompt table they did nothing (the
cursor stayed on the first row, and enter opened it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static

from evaltui.app.screens.prompt import PromptScreen
from evaltui.app.tables import DataTable
from tests.app.conftest import settle
from tests.app.test_screens import LONG_A, LONG_B, open_compare, write_runs


async def test_j_and_k_move_the_prompt_tables_cursor(evals: Path, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.main.current_table()
        assert table is not None and table.cursor_row == 0
        await pilot.press("j", "j", "j", "k")
        await settle(pilot)
        assert table.cursor_row == 2
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        assert str(screen.query_one("#prompt-title", Static).render()).startswith("prompt 3 of ")
        assert app.rows is not None and screen.prompt_id == app.rows["prompt_id"][2]


async def test_j_and_k_move_the_compare_tables_cursor(tmp_path: Path, make_app: Any) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(pilot)
        table = screen.query_one(DataTable)
        assert table.cursor_row == 0
        await pilot.press("j", "j", "k", "j", "j")
        await settle(pilot)
        assert table.cursor_row == 3

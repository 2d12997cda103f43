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


async def _wheel(pilot: Any, table: DataTable, down: bool, times: int) -> None:
    from textual import events

    kind = events.MouseScrollDown if down else events.MouseScrollUp
    for _ in range(times):
        table.post_message(kind(table, 10, 5, 0, 1 if down else -1, 0, False, False, False))
        await pilot.pause()
    await settle(pilot)


async def test_the_mouse_wheel_takes_the_cursor_along(tmp_path: Path, make_app: Any) -> None:
    """The wheel scrolled the rows and left the cursor on the first row, off screen: enter then
    opened prompt 1, which was nowhere in sight. The cursor stays among the rows shown (the first
    one shown when it was above them, the last when below), so enter opens a row in sight."""
    import json

    folder = tmp_path / "evals" / "run"
    folder.mkdir(parents=True)
    lines = [
        json.dumps({"prompt": f"Problem {p:03d}", "gen": "x", "answer": "1", "accuracy": 1})
        for p in range(80)
    ]
    (folder / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(tmp_path / "evals")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.main.current_table()
        assert table is not None and table.cursor_row == 0
        await _wheel(pilot, table, True, 10)
        first = int(table.scroll_y)
        assert first > 0
        assert table.cursor_row == first  # the first row in sight
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        assert app.rows is not None and screen.prompt_id == app.rows["prompt_id"][first]
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("down", "down")  # the cursor 2 rows below the top, then back up
        await _wheel(pilot, table, False, 10)
        assert int(table.scroll_y) == 0
        shown = table.scrollable_content_region.height - 1  # the header's line
        assert table.cursor_row == shown - 1  # the last row in sight

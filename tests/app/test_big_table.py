"""A prompt table of 50,000 prompts at 80x24: the cells are made for the rows on screen only
(the view's layout measures the columns without making them), and what the table shows after
scrolling to the end, sorting, filtering and opening the last row is each row's own text,
literally (markup shown as typed, control characters visible)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evaltui.app.tables import LayoutBackend
from tests.app.conftest import settle
from tests.app.test_screens import screen_text

PROMPTS = 50_000
SIZE = (80, 24)


def prompt(i: int) -> str:
    # Markup that must not render, and an ESC (shown as ␛) every seventh prompt.
    return f"Q{i:05d} [b]x[/b]" + ("\x1b" if i % 7 == 0 else "")


def shown(i: int) -> str:
    return f"Q{i:05d} [b]x[/b]" + ("␛" if i % 7 == 0 else "")


def write_big(root: Path) -> Path:
    (root / "model_x").mkdir(parents=True)
    lines = (
        json.dumps(
            {
                "prompt": prompt(i),
                "gen": f"the answer is {i} [i]not italic[/i]",
                "answer": str(i),
                "accuracy": float(i % 3 == 0),
            }
        )
        for i in range(PROMPTS)
    )
    (root / "model_x" / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def blocks(app: Any) -> int:
    table = app.main.current_table()
    assert isinstance(table.backend, LayoutBackend)
    return len(table.backend._blocks)


async def test_a_big_table_shows_each_rows_own_text(tmp_path: Path, make_app: Any) -> None:
    app = make_app(write_big(tmp_path / "evals"))
    app.INDEX_FROM = PROMPTS  # the generations are indexed by prompt, as at a million
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.result is not None and app.result.complete
        assert app.rows is not None and app.rows.height == PROMPTS
        text = screen_text(app)
        assert shown(0) in text and shown(1) in text
        assert "Showing 50,000 of 50,000 prompts" in text
        # The first screen made one block of cells, not 50,000 rows of them.
        assert blocks(app) == 1

        await pilot.press("ctrl+end")  # the last row's last cell: its answer and id show
        await settle(pilot)
        assert " 49999 " in screen_text(app)
        await pilot.press("ctrl+left")  # its first cell, the prompt
        await settle(pilot)
        text = screen_text(app)
        assert shown(PROMPTS - 1) in text and shown(PROMPTS - 2) in text
        assert shown(0) not in text
        assert blocks(app) <= 3

        await pilot.press("enter")  # opens the last row's prompt (found by the index)
        await settle(pilot)
        text = screen_text(app)
        assert "Q49999 [b]x[/b]" in text and "the answer is 49999 [i]not italic[/i]" in text
        # Opening a prompt asked for the index of the generations by prompt (a moment later,
        # in a worker); the next prompts are found there: "," is the row before.
        await pilot.pause(app.INDEX_DELAY + 0.2)
        await settle(pilot)
        assert app.prompt_index is not None
        assert app.prompt_index.generations is app.result.generations
        await pilot.press("comma")
        await settle(pilot)
        text = screen_text(app)
        assert "Q49998 [b]x[/b]" in text and "the answer is 49998 [i]not italic[/i]" in text
        await pilot.press("escape")  # back on the prompt last read: Q49998
        await settle(pilot)
        assert app.main.current_table().cursor_row == PROMPTS - 2
        key = app.main.cursor_key()

        # Sorted by accuracy, descending, then by the prompt id column's order: the rows
        # shown are those of the sorted Stats rows, each with its own text.
        app.main.sort_by("average_accuracy", descending=True)
        await settle(pilot)
        assert app.rows["average_accuracy"][0] == 1.0
        # The cursor stays on its prompt (Q49998) and on screen; then the first rows.
        assert shown(PROMPTS - 2) in screen_text(app)
        assert app.main.cursor_key() == key
        await pilot.press("ctrl+home")
        await settle(pilot)
        text = screen_text(app)
        first = app.rows["prompt"].to_list()[:3]
        for value in first:
            assert int(value[1:6]) % 3 == 0
            assert shown(int(value[1:6])) in text

        await pilot.press("slash", *'prompt ~ "Q4999[0-9]"', "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Showing 10 of 50,000 prompts" in text
        assert sorted(app.rows["prompt"].to_list()) == [prompt(i) for i in range(49990, 50000)]
        for i in (49992, 49995, 49998):  # every 3rd is correct: sorted first
            assert shown(i) in text
        assert shown(0) not in text
        await pilot.press("ctrl+q")

"""j/k scroll the screens of text (help ?, run summary t, bad lines and notes b) a line down
and up, as they move in the prompt table: they were taken by nothing there, the rest of the
summary of 17 runs reached with the arrows only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widget import Widget

from tests.app.conftest import settle
from tests.app.test_follow_app import wait_until
from tests.app.test_pair_picker_fit import write_runs


def write_many(root: Path) -> Path:
    """17 runs (a summary taller than 24 lines) and 40 broken lines in the first (bad lines to scroll)."""
    write_runs(root)
    first = next(iter(sorted(root.iterdir()))) / "out.jsonl"
    broken = "".join(f"{{broken line {i}\n" for i in range(40))
    first.write_text(first.read_text(encoding="utf-8") + broken, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("keys", "view"),
    [(("question_mark",), "#help"), (("t",), "#summary-view"), (("b", "a"), "#problems")],
)
async def test_j_and_k_scroll_a_screen_of_text(
    tmp_path: Path, make_app: Any, keys: tuple[str, ...], view: str
) -> None:
    app = make_app(write_many(tmp_path / "runs"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in keys:  # b, then a: every bad line (40 alike are said once)
            await pilot.press(key)
            await settle(pilot)
        await settle(pilot)
        await wait_until(
            pilot,
            lambda: app.screen.query(view) and app.screen.query_one(view, Widget).max_scroll_y > 2,
        )
        scroller = app.screen.query_one(view, Widget)
        assert scroller.scroll_y == 0
        for _ in range(3):  # in one burst, as typed (each was read from the same line)
            app.post_message(events.Key("j", "j"))
        await wait_until(pilot, lambda: scroller.scroll_y == 3)
        await pilot.press("k")
        await wait_until(pilot, lambda: scroller.scroll_y == 2)

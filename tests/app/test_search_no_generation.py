"""Searching a prompt's generations with none shown (w: only the wrong ones, none wrong) says
so: enter in the search box did nothing and said nothing (tmux, 80x24)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.app.conftest import open_first_prompt, settle, write_run
from tests.app.test_follow_app import wait_until


async def test_search_with_no_generation_shown_says_so(tmp_path: Path, make_app: Any) -> None:
    record = {"prompt": "2 + 2?", "gen": "theta is 4", "answer": "4", "accuracy": 1}
    app = make_app(write_run(tmp_path, record))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_prompt(pilot)
        await pilot.press("w")  # only wrong: none
        await settle(pilot)
        assert screen.only == "wrong"
        app.clear_notifications()
        await pilot.press("slash", *"theta", "enter")
        await wait_until(pilot, lambda: bool(app._notifications))
        assert [n.message for n in app._notifications] == [
            "“theta”: no generation is shown to search (w shows the others)"
        ]

"""Pilot tests (80×24): words a new user read wrong on published eval folders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.app.conftest import open_first_prompt, write_run

SIZE = (80, 24)


async def test_copying_a_one_character_generation_says_one_character(
    tmp_path: Path, make_app: Any
) -> None:
    """lm-eval's loglikelihood docs (asdiv: the target "9"), a multiple-choice letter: `y` on
    the prompt screen said "copied 1 characters (OSC 52)"."""
    folder = write_run(
        tmp_path, {"prompt": "How many apples?", "gen": "9", "answer": "9", "accuracy": 1}
    )
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_prompt(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["copied 1 character (OSC 52)"]

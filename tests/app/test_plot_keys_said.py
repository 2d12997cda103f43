"""A plot key left out of the plot shown says why: l in the scatter, c in the accuracy
histogram and 3 or 4 in one prompt's plot did nothing, with no word (seen in tmux at 60x20:
4 then l left the screen as it was)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evaltui.app.screens.plot import PlotScreen
from tests.app.conftest import settle
from tests.app.test_screens import LONG_A, LONG_B, write_runs


def said(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.mark.parametrize(
    ("keys", "words"),
    [
        (["4", "l"], "the scatter has no counts"),
        (["3", "c"], "the accuracy histogram has no lengths"),
    ],
)
async def test_a_plot_key_not_offered_says_why(
    tmp_path: Path, make_app: Any, keys: list[str], words: str
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert any(words in message for message in said(app)), said(app)
        assert screen.log_counts is False and screen.clip is False  # nothing else changed
        assert app.screen is screen


async def test_one_prompts_plot_says_why_3_and_4_do_nothing(tmp_path: Path, make_app: Any) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen) and screen.prompt is not None
        kind = screen.kind
        await pilot.press("4")
        await settle(pilot)
        assert screen.kind == kind
        assert any("one prompt's plot has 1 and 2" in m for m in said(app)), said(app)
        # The keys it has still work, and say nothing of the kind.
        await pilot.press("l")
        await settle(pilot)
        assert screen.log_counts is True

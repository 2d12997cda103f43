"""The run-pair picker with keys typed in a burst (as a person presses enter twice, or as tmux
delivers them): the second enter acts on the list shown when it is handled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual import events

from evaltui.app.screens.compare import CompareScreen, RunPairScreen
from tests.app.conftest import settle


def write_runs(root: Path) -> Path:
    """Three runs: ``b`` shares 4 prompts with ``a``, ``c`` shares 1."""
    for run, prompts in (("a", range(4)), ("b", range(4)), ("c", range(3, 6))):
        (root / run).mkdir(parents=True)
        lines = [
            json.dumps({"prompt": f"q{p}", "gen": "x", "answer": "x", "accuracy": p % 2})
            for p in prompts
        ]
        (root / run / "out.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


async def test_enter_twice_in_a_burst_picks_a_then_the_first_b(
    tmp_path: Path, make_app: Any
) -> None:
    """Two enters arriving together: both selected the option highlighted in A's list (the
    second was handled before the first had put B's list up), so A was compared with itself
    ("both name the run 'a': a comparison needs two runs"). The second picks B's first
    option now: the run sharing most prompts with A."""
    app = make_app(write_runs(tmp_path / "runs"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RunPairScreen) and picker.runs == ["a", "b", "c"]
        driver = app._driver
        assert driver is not None
        for _ in range(2):  # both queued before either is handled
            key = events.Key("enter", "\r")
            key.set_sender(app)
            driver.send_message(key)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert (screen.run_a, screen.run_b) == ("a", "b")


async def test_m_in_a_compare_view_starts_on_its_baseline(tmp_path: Path, make_app: Any) -> None:
    """m in a compare view of b vs a offered A's list from its first run: enter (meaning 'keep
    b as A') picked a. It starts on the baseline compared now."""
    from textual.widgets import OptionList

    app = make_app(write_runs(tmp_path / "runs"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m", "down", "enter")  # A = b
        await settle(pilot)
        await pilot.press("enter")  # B = the first offered: a (4 prompts in common)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert (screen.run_a, screen.run_b) == ("b", "a")
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RunPairScreen)
        assert picker.query_one("#pair-options", OptionList).highlighted == 1
        await pilot.press("enter")  # A = b still
        await settle(pilot)
        await pilot.press("down", "enter")  # B = c now
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert (screen.run_a, screen.run_b) == ("b", "c")

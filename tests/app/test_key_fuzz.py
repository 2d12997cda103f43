"""Keys at awkward moments found by the random key driver (``keyfuzz.py``): each crash its
shortest sequence, then a few fixed seeds of the driver itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette

from evaltui.app.screens.main import MainScreen
from tests.app.conftest import settle
from tests.app.keyfuzz import FuzzApp, plan, run_plan, send_together
from tests.app.test_follow_app import wait_until


async def test_enter_twice_on_a_command_of_the_palette_runs_it_once_and_keeps_the_table(
    evals: Path, make_app: Any
) -> None:
    """ctrl+p, a command, then enter enter typed together: the second enter chose again once
    the first had closed the palette, popping the prompt table itself (a blank screen), and
    ran the command again: a quick filter was off again, 'sort' crashed the app looking for
    the table's filter box on the screen taken down (NoMatches: No nodes match '#filter' on
    MainScreen(); a traceback, exit status 1). Found by the key driver (seed 0)."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"filter flaky")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        hits = palette.query_one(CommandList)
        await wait_until(pilot, lambda: hits.option_count > 0)
        await pilot.pause(0.3)  # the hits of the whole query
        send_together(app, ["enter", "enter"])
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.main in app.screen_stack
        assert app.view.quick == "flaky"
    assert app.return_code in (None, 0)


async def test_a_command_of_the_palette_over_compare_right_after_a_resize(
    evals: Path, make_app: Any
) -> None:
    """m, ?, ctrl+p, a resize, then a command: the command closed the help and the compare
    screen before the compare status line the resize had asked for was drawn, and drawing it
    crashed the app (NoMatches: No nodes match '#compare-status' on CompareScreen()). Found
    by the key driver (seed 1, two runs of the sample data with long model names)."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("question_mark", "ctrl+p", *"filter flaky")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        hits = palette.query_one(CommandList)
        await wait_until(pilot, lambda: hits.option_count > 0)
        await pilot.pause(0.3)
        await pilot.resize_terminal(60, 20)
        send_together(app, ["enter"])
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.view.quick == "flaky"
    assert app.return_code in (None, 0)


@pytest.mark.parametrize("seed", [11, 23, 65])
async def test_random_keys_crash_nothing(evals: Path, make_app: Any, seed: int) -> None:
    """A few fixed seeds of the key driver: 60 keys each from every screen's bindings and the
    keys people press anyway, one by one, in bursts and with resizes, from the moment the app
    starts (the load still running); no exception anywhere, no worker error, the load not
    failed. (Hundreds of seeds over the sample data, real-world files, long labels, bad lines
    and a followed file: ``keyfuzz.py``, run by hand.)"""
    shown = make_app(evals)
    app = FuzzApp(shown.paths, shown.options)  # the same app, noting its workers' errors
    findings = await run_plan(app, plan(seed, 60), (80, 24))
    assert not findings.errors, findings.errors

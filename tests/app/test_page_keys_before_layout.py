"""PageUp and PageDown on a list of options before it has a size: in the tick the command
palette's commands came in, on a menu just opened, on a prompt's generations squeezed to no lines.
Textual's option list raised KeyError there (its line table is filled only while it has a size),
ending the app with a traceback (found by the key driver, 5 times, never reproduced)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import OptionList

from evaltui.app.app import EvalApp
from evaltui.app.screens.prompt import PromptScreen
from evaltui.app.screens.sort import SortScreen
from tests.app.conftest import settle
from tests.app.keyfuzz import send_together
from tests.app.test_follow_app import wait_until


async def until(condition: Any) -> None:
    """Yield to the event loop (no pause, so nothing is laid out meanwhile) until ``condition``."""
    for _ in range(20_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("timed out")


async def press_now(app: EvalApp, key: str) -> None:
    """``key`` handled by the bindings now, in this tick (as a key queued behind others is)."""
    assert await app._check_bindings(key)


@pytest.mark.parametrize("key", ["pagedown", "pageup"])
async def test_page_key_as_the_palette_commands_come_in(
    evals: Path, make_app: Any, key: str
) -> None:
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        send_together(app, ["ctrl+p"])
        await until(
            lambda: isinstance(app.screen, CommandPalette) and app.screen.query(CommandList)
        )
        commands = app.screen.query_one(CommandList)
        await until(lambda: commands.option_count > 0)
        assert not commands.scrollable_content_region  # not laid out yet
        await press_now(app, key)
        # Each command is two lines (its title and its key): a page of 14 lines is 7 commands.
        await wait_until(pilot, lambda: commands.highlighted == (7 if key == "pagedown" else 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")
    assert app._exception is None
    assert app.return_code in (None, 0)


async def test_page_down_on_the_sort_menu_just_opened(evals: Path, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        send_together(app, ["s"])
        await until(lambda: isinstance(app.screen, SortScreen) and app.screen.focused is not None)
        options = app.screen.query_one("#sort-options", OptionList)
        assert options.has_focus and options.highlighted is not None
        start = options.highlighted
        assert not options.scrollable_content_region
        await press_now(app, "pagedown")
        # The page is turned once the menu is laid out (a page of 17 lines at 80x24).
        await wait_until(pilot, lambda: options.highlighted == start + 16)
        assert isinstance(app.screen, SortScreen)
    assert app._exception is None


async def test_page_keys_on_generations_with_no_room(evals: Path, make_app: Any) -> None:
    """At 30x8 the prompt screen leaves its list of generations no line: a page of it is none."""
    app = make_app(evals)
    async with app.run_test(size=(30, 8)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        options = app.screen.query_one("#generations", OptionList)
        assert options.has_focus and not options.scrollable_content_region
        await pilot.press("pagedown", "pageup")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.resize_terminal(80, 24)
        # (The list laid out at the new size is waited for: a page key before it pages nothing.)
        await wait_until(pilot, lambda: options.scrollable_content_region.height >= 4)
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: options.highlighted == options.option_count - 1)
        assert options.option_count == 4  # 4 generations: one page
    assert app._exception is None

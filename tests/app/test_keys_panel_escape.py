"""esc closes the palette's "Keys" panel (Textual's) on the prompt table: at 80x24 it took a
third of the table and esc left it there (q, tried next, quit the app)."""

from __future__ import annotations

from typing import Any

from textual.widgets import HelpPanel

from evaltui.app.screens.main import MainScreen
from tests.app.conftest import settle
from tests.app.test_follow_app import wait_until


async def test_escape_closes_the_keys_panel(evals: Any, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: app.screen.is_modal)
        await pilot.press(*"Keys")
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await wait_until(pilot, lambda: bool(app.screen.query(HelpPanel)))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not app.screen.query(HelpPanel))
        assert app.is_running and isinstance(app.screen, MainScreen)

"""Dialogs with keys typed in a burst (as tmux delivers them, or a person pressing enter twice
while a load keeps the app busy): a key handled after the dialog closed closes nothing more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events
from textual.widgets import Input, RadioSet

from evaltui.app.app import EvalApp
from evaltui.app.screens.export import ExportScreen
from evaltui.app.screens.sort import SortScreen
from tests.app.conftest import settle


def send_together(app: EvalApp, *keys: tuple[str, str | None]) -> None:
    """Queue the keys before any is handled (Pilot's press waits after each)."""
    driver = app._driver
    assert driver is not None
    for key, character in keys:
        event = events.Key(key, character)
        event.set_sender(app)
        driver.send_message(event)


async def test_enter_twice_in_the_sort_dialog_sorts_once_and_keeps_the_table(
    evals: Path, make_app: Any
) -> None:
    """Both enters reached the dialog's list before the first had closed it: the second
    dismissed again, popping the prompt table (a blank screen; 'No nodes match #progress on
    MainScreen()' crashed the app at the next progress line), and flipped the sort back."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SortScreen)
        send_together(app, ("enter", "\r"), ("enter", "\r"))
        await settle(pilot)
        assert app.main in app.screen_stack
        # The table is still there to take the load's next lines.
        assert app.main.query_one("#filter", Input) is not None
        assert app.view.sort is not None
        assert (app.view.sort.column, app.view.sort.descending) == ("prompt", False)


async def test_j_and_k_move_in_the_sort_dialog(evals: Path, make_app: Any) -> None:
    """j and k move the dialog's cursor as in the table: 's j j j k enter' sorted by the first
    column (the keys were taken by nothing)."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SortScreen)
        await pilot.press("j", "j", "j", "k", "enter")
        await settle(pilot)
        assert app.view.sort is not None
        assert app.view.sort.column == dialog.columns[2]


async def test_export_key_read_before_the_dialog_was_drawn_is_not_typed_into_its_path(
    evals: Path, make_app: Any
) -> None:
    """e pressed twice while the app was busy (a cold load of the published runs took 0.46 s
    to draw the dialog, in tmux): the second e, read from the terminal before the dialog was
    on it, was handed to the kind list once the dialog was up, and went to the path box as a
    typed path: the path read "e", and ctrl+s wrote a file named e. A key read once the
    dialog is drawn still goes to the box."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        early = events.Key("e", "e")  # read now, handled once the dialog is up
        early.set_sender(app)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        path = dialog.query_one("#export-path", Input)
        default = path.value
        assert default.endswith("evaltui_view.json")
        driver = app._driver
        assert driver is not None
        driver.send_message(early)
        await settle(pilot)
        assert app.screen is dialog
        assert path.value == default
        assert isinstance(app.focused, RadioSet)
        # Typed with the dialog on screen: the path box's, replacing the default.
        await pilot.press("o", "u", "t")
        await settle(pilot)
        assert path.value == "out"

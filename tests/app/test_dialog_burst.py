"""Dialogs with keys typed in a burst (as tmux delivers them, or a person pressing enter twice
while a load keeps the app busy): a key handled after the dialog closed closes nothing more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events
from textual.widgets import Input, RadioButton, RadioSet

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


def key_at(app: EvalApp, character: str, time: float) -> events.Key:
    """The key ``character`` as read from the terminal at ``time`` (the clock of shown_at)."""
    key = events.Key(character, character)
    key.set_sender(app)
    key.time = time
    return key


async def open_export(pilot: Any) -> tuple[ExportScreen, Input, float]:
    await pilot.press("e")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportScreen) and dialog.shown_at is not None
    return dialog, dialog.query_one("#export-path", Input), dialog.shown_at


async def test_a_double_e_does_not_type_its_second_e_into_the_export_path(
    evals: Path, make_app: Any
) -> None:
    """The second e of a fast double press, read 0.2 s after the dialog was drawn (tmux), went
    into the path box: the path read "e", and ctrl+s wrote a file named e. It is held; a key
    typed long after it starts the path alone, and a path typed fast from e keeps its e."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        driver = app._driver
        assert driver is not None
        await settle(pilot)
        dialog, path, shown = await open_export(pilot)
        default = path.value
        driver.send_message(key_at(app, "e", shown + 0.2))
        await settle(pilot)
        assert app.screen is dialog and path.value == default
        assert isinstance(app.focused, RadioSet)
        # A path typed a second later: the held e is not part of it.
        driver.send_message(key_at(app, "o", shown + 1.2))
        await settle(pilot)
        assert path.value == "o"
        await pilot.press("escape")
        await settle(pilot)

        # Fast typing from e ('exp'): the first e is the path's, not a repeat dropped.
        dialog, path, shown = await open_export(pilot)
        for offset, character in ((0.1, "e"), (0.25, "x"), (0.4, "p")):
            driver.send_message(key_at(app, character, shown + offset))
        await settle(pilot)
        assert path.value == "exp"
        await pilot.press("escape")
        await settle(pilot)

        # An e pressed after the window is typed as any key is.
        dialog, path, shown = await open_export(pilot)
        driver.send_message(key_at(app, "e", shown + 0.8))
        await settle(pilot)
        assert path.value == "e"


async def test_keys_right_behind_a_quick_filter_act_on_the_rows_it_shows(
    evals: Path, make_app: Any
) -> None:
    """'n' then enter in one write (tmux send-keys, a paste, keys read in one go over SSH):
    the enter opened the prompt under the cursor of the table before the filter ('prompt 3 of
    13', a prompt the filter leaves out). It opens once the view is on the table."""
    from evaltui.app.screens.prompt import PromptScreen

    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        before = app.rows
        assert before is not None
        send_together(app, ("n", "n"), ("enter", "\r"))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        never = app.rows
        assert never is not None and 0 < never.height < before.height
        assert screen.keys.rows() == never.select("run", "prompt_id").rows()
        assert (screen.run, screen.prompt_id) in never.select("run", "prompt_id").rows()


async def test_r_right_behind_a_quick_filter_offers_the_rows_it_shows(
    evals: Path, make_app: Any
) -> None:
    """'n' then 'R' in one write offered to re-score 'the current view's 13 rows · all
    prompts' over a table of 2 (and chose all of them): the dialog opens once the view is on
    the table."""
    from evaltui.app.screens.rescore import RescoreScreen

    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        send_together(app, ("n", "n"), ("R", "R"))
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RescoreScreen)
        never = app.rows
        assert never is not None and never.height == 2
        label = str(dialog.query_one("#scope-view", RadioButton).label)
        assert label.startswith(f"the current view's {never.height} ")
        assert "all prompts" not in label

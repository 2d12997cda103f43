"""``?`` in a dialog (export, re-score, sort, the run picker) shows the help, that dialog's keys
first; esc goes back to the dialog. A dialog takes none of the app's keys, and ``?`` did
nothing there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Input, Static

from evaltui.app.screens.compare import RunPairScreen
from evaltui.app.screens.export import ExportScreen
from evaltui.app.screens.help import HelpScreen
from evaltui.app.screens.rescore import RescoreScreen
from evaltui.app.screens.sort import SortScreen
from tests.app.conftest import settle
from tests.app.test_screens import LONG_A, LONG_B, THIRD, write_runs

DIALOGS: list[tuple[str, type[Screen[Any]], str, list[str]]] = [
    # (the key that opens it, the dialog, its section's title, lines of its keys)
    ("e", ExportScreen, "Export", ["  ctrl+s       Write", "  escape       Cancel"]),
    ("R", RescoreScreen, "Re-score", ["  ctrl+s       Re-score", "  escape       Cancel"]),
    ("s", SortScreen, "Sort menu", ["  escape       Back", "  q            Back"]),
    ("m", RunPairScreen, "Picking the runs to compare", ["  escape       Cancel"]),
]


@pytest.mark.parametrize(("key", "dialog", "title", "keys"), DIALOGS)
async def test_question_mark_in_a_dialog_lists_its_keys_first(
    tmp_path: Path,
    make_app: Any,
    key: str,
    dialog: type[Screen[Any]],
    title: str,
    keys: list[str],
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B, THIRD))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        opened = app.screen
        assert isinstance(opened, dialog)
        assert not isinstance(opened.focused, Input)  # (typed there, ? is a character)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        lines = str(app.screen.query_one("#help Static", Static).render()).splitlines()
        assert lines[0] == f"{title} (this dialog; esc goes back to it)", lines[:3]
        section = lines[: lines.index("")]
        assert all(line in section for line in keys), section
        assert lines.count(lines[0]) == 1 and title not in lines  # listed once, first
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is opened  # the dialog, as it was


async def test_question_mark_typed_in_a_dialogs_box_is_a_character(
    tmp_path: Path, make_app: Any
) -> None:
    """The export path may hold a ``?``: typed in the box, it is text, not the help."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        box = app.screen.query_one("#export-path", Input)
        box.focus()
        await pilot.pause()
        await pilot.press("end", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert box.value.endswith("?")

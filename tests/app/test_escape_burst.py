"""Escape and the key after it sent in one write (tmux ``send-keys Escape s``, keys typed fast
over a slow link): the escape key, then the key, as typed; read by the app's own terminal
driver from a pseudo-terminal, as it reads a real one."""

from __future__ import annotations

import os
import pty
import threading
import tty
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from evaltui.app.app import EvalApp
from evaltui.app.driver import TypeaheadDriver
from evaltui.app.screens.help import HelpScreen
from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.plot import PlotScreen
from evaltui.app.screens.problems import ProblemsScreen
from evaltui.app.screens.prompt import PromptScreen
from evaltui.app.screens.sort import SortScreen
from tests.app.conftest import settle
from tests.app.test_follow_app import wait_until


@contextmanager
def terminal_input(app: EvalApp) -> Iterator[Callable[[bytes], None]]:
    """The app's driver reading its keys from a pseudo-terminal (in raw mode, as the app sets
    it); yields a function that writes bytes to the terminal in one write."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    driver = TypeaheadDriver(app)
    driver.fileno = slave
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()

    def write(data: bytes) -> None:
        os.write(master, data)

    try:
        yield write
    finally:
        driver.exit_event.set()
        thread.join(5)
        os.close(master)
        os.close(slave)


def filter_box(app: EvalApp) -> Input:
    return app.main.query_one("#filter", Input)


@pytest.mark.parametrize(
    ("before", "written", "after"),
    [
        # Alt+s, nothing bound to it: the help stayed open and nothing was sorted.
        (["question_mark"], b"\x1bs", lambda app: isinstance(app.screen, SortScreen)),
        # The escape was dropped: '/' searched the prompt's generation.
        (
            ["enter"],
            b"\x1b/",
            lambda app: isinstance(app.screen, MainScreen) and filter_box(app).has_focus,
        ),
        # The escape was dropped: '?' opened the help over the prompt, not over the table.
        (
            ["enter"],
            b"\x1b?",
            lambda app: (
                isinstance(app.screen, HelpScreen)
                and not any(isinstance(s, PromptScreen) for s in app.screen_stack)
            ),
        ),
        # In the filter box: the escape was lost and the 's' typed into the filter.
        (
            ["slash", "a"],
            b"\x1bs",
            lambda app: isinstance(app.screen, SortScreen) and filter_box(app).value == "a",
        ),
        # Escape, Escape, s: both escapes, then s (was escape, alt+s).
        (["question_mark"], b"\x1b\x1bs", lambda app: isinstance(app.screen, SortScreen)),
        # Out of a text box, Escape then b, f or a digit (tmux sends them in one write when
        # pressed within its escape-time) were Textual's Alt+b, Alt+f, an Option digit: nothing.
        (["enter"], b"\x1bb", lambda app: isinstance(app.screen, ProblemsScreen)),
        (
            ["enter"],
            b"\x1bf",
            lambda app: isinstance(app.screen, MainScreen) and app.view.quick == "flaky",
        ),
        (
            ["p", "question_mark"],
            b"\x1b2",
            lambda app: isinstance(app.screen, PlotScreen) and app.screen.kind == "split",
        ),
    ],
)
async def test_escape_and_a_key_in_one_write_are_both_acted_on(
    evals: Path, make_app: Any, before: list[str], written: bytes, after: Callable[[Any], bool]
) -> None:
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*before)
        await pilot.pause()
        with terminal_input(app) as write:
            write(written)
            await wait_until(pilot, lambda: after(app))
        await settle(pilot)


async def test_alt_keys_with_their_own_sequence_stay_alt_keys(evals: Path, make_app: Any) -> None:
    """Alt+Backspace (ESC DEL) deletes the word before the cursor in the filter box, as in
    Textual, and Alt+b moves a word left; an arrow after an escape is an arrow."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"n >= 2 and pr")
        with terminal_input(app) as write:
            write(b"\x1b\x7f")
            await wait_until(pilot, lambda: filter_box(app).value == "n >= 2 and ")
            write(b"\x1bb")
            await wait_until(pilot, lambda: filter_box(app).cursor_position == 7)
            assert filter_box(app).has_focus
            write(b"\x1b\x1b[A")  # escape (leaves the box), up
            await wait_until(pilot, lambda: not filter_box(app).has_focus)
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

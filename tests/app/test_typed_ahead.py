"""Keys typed before the app takes the terminal (``evaltui.app.driver.read_typed_ahead``), on a
pseudo-terminal in its line mode, as a shell leaves it."""

from __future__ import annotations

import os
import pty
import select
import termios

import pytest
from textual.events import Key

from evaltui.app.driver import read_typed_ahead, typed_ahead_events


def test_keys_typed_in_line_mode_are_read_as_typed_and_the_mode_is_kept() -> None:
    master, slave = pty.openpty()
    try:
        before = termios.tcgetattr(slave)
        assert before[3] & termios.ICANON and before[0] & termios.ICRNL
        # j, j, Enter (a carriage return: the terminal stores it as a newline), /ab, down arrow;
        # no line end after the last keys: unreadable in line mode.
        os.write(master, b"jj\r/ab\x1b[B")
        # The kernel hands written bytes to the line discipline later (a work queue): on a busy
        # machine they were not in the buffer yet. Its first line readable, the write is in.
        assert select.select([slave], [], [], 10)[0]
        assert read_typed_ahead(slave) == "jj\r/ab\x1b[B"
        assert termios.tcgetattr(slave) == before
        assert read_typed_ahead(slave) == ""  # read once
    finally:
        os.close(master)
        os.close(slave)


def test_nothing_typed_reads_nothing() -> None:
    master, slave = pty.openpty()
    try:
        assert read_typed_ahead(slave) == ""
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.parametrize(
    ("typed", "keys"),
    [
        ("\r\r", []),  # the command's Enter pressed twice: no key for the app
        ("\r\rs", ["s"]),
        ("jj\r\r", ["j", "j", "enter", "enter"]),  # an Enter after other keys is one
        ("?\x1bs", ["question_mark", "escape", "s"]),  # was ?, alt+s
        ("/ab\x1bs", ["slash", "a", "b", "escape", "s"]),  # was /, a, b, alt+s
        ("\x1b\r", ["escape", "enter"]),  # was enter alone
        ("\x1b[B\x1bOA\x1bq", ["down", "up", "escape", "q"]),  # arrows stay arrows
        ("\x1b\x1b", ["escape", "escape"]),
        ("k\x1b", ["k", "escape"]),
    ],
)
def test_keys_typed_ahead_are_the_keys_typed(typed: str, keys: list[str]) -> None:
    """Typed ahead, the keys come in one read: an escape before a key was read as Alt with that
    key ('?', Escape, 's' left the help open), and the command's own Enter pressed twice opened
    the first prompt of a table never seen."""
    events = typed_ahead_events(typed)
    assert [event.key for event in events if isinstance(event, Key)] == keys
    assert len(events) == len(keys)

"""Keys typed before the app takes the terminal (``evaltui.app.driver.read_typed_ahead``), on a
pseudo-terminal in its line mode, as a shell leaves it."""

from __future__ import annotations

import os
import pty
import select
import termios

from evaltui.app.driver import read_typed_ahead


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

"""The terminal driver: Textual's, keeping the keys typed before it took the terminal."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import struct
import termios

from textual._xterm_parser import XTermParser  # exact textual pin (pyproject.toml)
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

_READ_LIMIT = 1 << 16
"""Bytes at most taken from the terminal's queue at start (typed ahead: a few)."""


def read_typed_ahead(fileno: int) -> str:
    """What was typed into the terminal ``fileno`` before the app put it in raw mode, as the
    keys were typed; "" when nothing was (or it is no terminal).

    The terminal is in its line mode then (the shell's): the keys wait in its line buffer,
    unreadable until a line ends, and an Enter was stored as a newline (``ICRNL``), which
    Textual reads as ctrl+j, not enter. The buffer is read here with line mode off for a
    moment (``TCSANOW``: nothing typed is discarded), the terminal's settings put back as they
    were (Textual saves them to restore at exit), and the newlines the terminal made of
    carriage returns turned back."""
    try:
        before = termios.tcgetattr(fileno)
    except (termios.error, OSError):
        return ""
    if not before[3] & termios.ICANON:
        return ""  # not in line mode: the keys are read as typed
    reading = list(before)
    reading[3] &= ~(termios.ICANON | termios.ECHO)
    reading[6] = list(before[6])
    reading[6][termios.VMIN] = 0
    reading[6][termios.VTIME] = 0
    data = b""
    try:
        termios.tcsetattr(fileno, termios.TCSANOW, reading)
        try:
            while len(data) < _READ_LIMIT:
                waiting = struct.unpack("i", fcntl.ioctl(fileno, termios.FIONREAD, b"\0" * 4))[0]
                if not waiting or not select.select([fileno], [], [], 0)[0]:
                    break
                chunk = os.read(fileno, min(waiting, _READ_LIMIT - len(data)))
                if not chunk:
                    break
                data += chunk
        finally:
            termios.tcsetattr(fileno, termios.TCSANOW, before)
    except (termios.error, OSError):
        pass
    if before[0] & termios.ICRNL and not before[0] & termios.IGNCR:
        data = data.replace(b"\n", b"\r")
    return data.decode("utf-8", errors="replace")


_AFTER_LONE_ESCAPE = re.compile(r"(?<=\x1b)(?=[^\x1b\[O])")
"""Just after an escape typed ahead before a key that starts no escape sequence (the keys'
sequences start ``ESC [`` or ``ESC O``)."""


def typed_ahead_events(typed: str) -> list[Message]:
    """The events of the keys ``typed`` ahead (:func:`read_typed_ahead`), in the order typed.

    The Enters typed before any other key are left out: they are the command's own Enter
    pressed twice (``evaltui DIR`` then Enter, Enter, impatiently), not a key for the app;
    acted on, the second opened the first prompt of a table never seen. An Enter after other
    keys ("j j" Enter, a filter and its Enter) is kept.

    Typed ahead, the keys come in one read with no time between them, and an escape before a
    key read as Alt with that key (Textual tells the two apart by the pause after an escape):
    '?', Escape, 's' left the help open, the 's' lost as alt+s; in the filter box the escape
    was lost and the 's' typed into the filter. Nothing here is bound to an Alt key: typed
    ahead, it is the escape key, then the key."""
    events: list[Message] = []
    for part in _AFTER_LONE_ESCAPE.split(typed.lstrip("\r\n")):
        parser = XTermParser()
        events.extend(parser.feed(part))
        with contextlib.suppress(Exception):
            events.extend(parser.feed(""))  # an escape at the end is the escape key
    return events


class TypeaheadDriver(LinuxDriver):
    """:class:`~textual.drivers.linux_driver.LinuxDriver` that keeps the keys typed between
    ``evaltui PATH`` and the app taking the terminal (~0.5-1 s of imports on a busy machine).

    They reached the app, but typed in the shell's line mode: an Enter pressed in that time
    came as ctrl+j, which nothing is bound to ("/accuracy > 0.5" then Enter typed right after
    starting, in tmux: the filter stayed in its box, unapplied; "j j j" Enter opened nothing).
    Read before Textual's input thread starts, they are handed to the app ahead of anything
    it reads."""

    def start_application_mode(self) -> None:
        typed = read_typed_ahead(self.fileno) if self.input_tty else ""
        events = typed_ahead_events(typed)
        if events:  # (not the command's Enter pressed twice alone: no key for the app)
            hold = getattr(self._app, "hold_typed_ahead", None)
            if callable(hold):
                hold()  # the app acts on them once it has its table (EvalApp)
            for event in events:
                self.process_message(event)
        super().start_application_mode()  # type: ignore[no-untyped-call]

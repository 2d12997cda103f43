"""The terminal driver: Textual's, keeping the keys typed before it took the terminal."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import selectors
import struct
import termios
from codecs import getincrementaldecoder
from collections.abc import Callable, Iterable

from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._parser import ParseError
from textual._xterm_parser import XTermParser  # exact textual pin (pyproject.toml)
from textual.app import ScreenStackError, UnknownModeError
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message
from textual.widgets import Input, TextArea

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


_ALT_KEYS = "".join(sorted({k[1] for k in ANSI_SEQUENCES_KEYS if len(k) == 2 and k[0] == "\x1b"}))
"""The keys after an escape that Textual reads as one key of their own: Alt+Backspace
(``ctrl+w``), Alt+Tab, Alt+b and Alt+f (a word left and right), a Mac's Option digits."""
_TEXT_ALT_KEYS = "".join(k for k in _ALT_KEYS if k.isprintable())
"""Of those, the ones that only mean something in a text box: Alt+b and Alt+f move its cursor a
word, the Option digits and signs type a character (``¡``, ``–``)."""


def _after_lone_escape(alt_keys: str) -> re.Pattern[str]:
    """Just after an escape followed by a key that starts no escape sequence (the keys'
    sequences, and the terminal's answers to Textual's questions, start ``ESC [`` or ``ESC O``)
    and makes none of the Alt keys ``alt_keys`` with it."""
    return re.compile(rf"(?<=\x1b)(?=[^{re.escape(alt_keys)}\[O])")


_AFTER_LONE_ESCAPE = _after_lone_escape(_ALT_KEYS)
"""In a text box: every Alt key of Textual's stays one."""
_AFTER_LONE_ESCAPE_OUTSIDE_TEXT = _after_lone_escape(
    "".join(k for k in _ALT_KEYS if k not in _TEXT_ALT_KEYS)
)
"""Elsewhere: an escape then ``b``, ``f`` or a digit is the escape key, then that key."""


class EscapeThenKeyParser(XTermParser):
    """Textual's parser of the terminal's input, but for an escape followed at once by a key
    that starts no escape sequence: the escape key, then that key.

    Textual tells an Alt key from the escape key by the pause after an escape (100 ms); with no
    pause, it read Alt with the key: an Alt letter nothing is bound to, and after any other
    key (``/ ? [ . ,`` space) the escape was dropped. Keys come with no pause when they are
    typed ahead, sent in one write (tmux ``send-keys Escape s``, a paste) or typed fast over a
    slow link: Escape, ``s`` in the help left the help open and sorted nothing; Escape, ``/``
    on a prompt searched its generation rather than going back to filter the table; in the
    filter box the escape was lost and the ``s`` typed in. Nothing in evaltui is bound to an
    Alt letter. The Alt keys Textual reads as keys of their own stay so (:data:`_ALT_KEYS`:
    Alt+Backspace deletes a word in a text box), as does every Alt key of a terminal that
    reports keys unambiguously (kitty's protocol). Escape then ``b``, ``f`` or a digit in one
    write stay Alt keys (a word left or right, an Option character) only while
    ``in_text_box()`` says a text box has the focus: elsewhere they mean nothing, and tmux
    (``escape-time``, 500 ms before 3.5) sends Escape then ``b`` pressed quickly in one write:
    leaving a prompt with Escape then ``b`` for the bad lines, ``f`` for the flaky prompts or a
    digit on the plot did nothing. With no ``in_text_box``, Textual's reading is kept."""

    def __init__(self, debug: bool = False, in_text_box: Callable[[], bool] | None = None) -> None:
        super().__init__(debug)
        self._escape_last = False
        """The data fed last ended with an escape (the parser waits for what follows)."""
        self._in_text_box = in_text_box or (lambda: True)

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # the end: an escape left waiting is the escape key (Textual's own)
            yield from super().feed(data)
            return
        after_lone_escape = (
            _AFTER_LONE_ESCAPE if self._in_text_box() else _AFTER_LONE_ESCAPE_OUTSIDE_TEXT
        )
        if self._escape_last and after_lone_escape.match("\x1b" + data[0], 1):
            yield from self._escape_now()
        *parts, last = after_lone_escape.split(data)
        for part in parts:  # each ends with an escape a key follows
            yield from super().feed(part)
            yield from self._escape_now()
        yield from super().feed(last)
        self._escape_last = data.endswith("\x1b")

    def _escape_now(self) -> Iterable[Message]:
        """The escape the parser waits after, read as the escape key now: as its wait for
        what follows had run out (Textual's :meth:`tick`)."""
        if self._timeout_time is not None:
            self._timeout_time = 0.0
            yield from self.tick()


def typed_ahead_events(typed: str) -> list[Message]:
    """The events of the keys ``typed`` ahead (:func:`read_typed_ahead`), in the order typed.

    The Enters typed before any other key are left out: they are the command's own Enter
    pressed twice (``evaltui DIR`` then Enter, Enter, impatiently), not a key for the app;
    acted on, the second opened the first prompt of a table never seen. An Enter after other
    keys ("j j" Enter, a filter and its Enter) is kept.

    Typed ahead, the keys come in one read with no time between them: an escape before a key
    is the escape key, then the key (:class:`EscapeThenKeyParser`); read as Alt with the key,
    '?', Escape, 's' left the help open, the 's' lost as alt+s."""
    parser = EscapeThenKeyParser()
    events = list(parser.feed(typed.lstrip("\r\n"))) if typed.lstrip("\r\n") else []
    with contextlib.suppress(ParseError):
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

    def _in_text_box(self) -> bool:
        """Whether a text box (the filter, a search, a dialog's field) has the focus: asked from
        the input thread, as the keys come (:class:`EscapeThenKeyParser`)."""
        try:
            return isinstance(self._app.focused, (Input, TextArea))
        except (ScreenStackError, UnknownModeError):  # no screen yet: Textual's reading
            return True

    def run_input_thread(self) -> None:
        """Textual's (``LinuxDriver.run_input_thread`` of the pinned version), reading the keys
        with :class:`EscapeThenKeyParser`: an escape sent with the key after it is the escape
        key, then the key, not Alt with the key."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = EscapeThenKeyParser(self._debug, self._in_text_box)
        decode = getincrementaldecoder("utf-8")().decode

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False
        ) -> None:
            for index, (_key, mask) in enumerate(selector_events):
                if mask & selectors.EVENT_READ:
                    last = index == len(selector_events) - 1
                    data = decode(os.read(self.fileno, 1024 * 4), final=final and last)
                    if not data:  # (stdin piped)
                        break
                    for event in parser.feed(data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)
        finally:
            selector.close()
            with contextlib.suppress(EOFError, ParseError):
                for _event in parser.feed(""):
                    pass

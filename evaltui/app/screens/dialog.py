"""A dialog that closes once: the keys of a burst handled after it closed close nothing more."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual import events
from textual._time import get_time  # the clock of events' ``time`` (Textual is pinned)
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A modal dialog closed by ``close`` (not ``dismiss``).

    ``dismiss`` pops whatever screen is on top. Two enters typed together both reach the
    dialog's list before the first has closed it (as while a load keeps the app busy): the
    second popped the prompt table itself, leaving a blank screen, and the next progress
    update crashed the app ("No nodes match '#progress' on MainScreen()"). ``close`` acts only
    while the dialog is the screen on top, and once."""

    _dialog_closed = False

    shown_at: float | None = None
    """When the dialog was first drawn (the clock of ``events.Key.time``); None before."""

    def close(self, result: T | None = None) -> None:
        """Dismiss with ``result`` if this dialog is on top and not closed yet; else nothing
        (a key handled after the dialog closed, or a dialog under another screen)."""
        if self._dialog_closed or not self.is_active:
            return
        self._dialog_closed = True
        self.dismiss(result)
        self.app.call_later(self._show_held_notes)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` closed the dialog."""
        return self._dialog_closed

    def _show_held_notes(self) -> None:
        """The toasts held while the dialog was open (:meth:`EvalApp.notify`), now on the
        screen it went back to."""
        show = getattr(self.app, "show_held_notes", None)
        if callable(show):
            show()

    def on_unmount(self) -> None:
        # Gone some other way than close (the app quitting, a screen switched): the held
        # toasts do not wait for a close that will not come.
        self._show_held_notes()

    def call_while_open(self, callback: Callable[[], object]) -> None:
        """``callback`` after the next refresh, unless the dialog is closed by then: s, Down and
        Enter reaching the app together closed the sort menu before the count of columns out
        of sight it had asked for, which then looked for its list and crashed the app
        ("No nodes match '#sort-options' on SortScreen()")."""

        def run() -> None:
            if not self._dialog_closed and self in self.app.screen_stack:
                callback()

        self.call_after_refresh(run)

    def on_mount(self) -> None:
        # After the first refresh: the dialog is on the terminal from then on.
        self.call_after_refresh(self._drawn)

    def _drawn(self) -> None:
        if self.shown_at is None:
            self.shown_at = get_time()
        # The keys typed behind the dialog's own key (one burst: tmux send-keys, a paste) were
        # held for it, and are read now, after it was drawn: typed into it ('e', a path,
        # ctrl+s), not taken for keys meant for the screen behind (read_before_shown).
        ready = getattr(self.app, "screen_ready", None)
        if callable(ready):
            ready(self)

    def read_before_shown(self, event: events.Key) -> bool:
        """Whether ``event`` was read from the terminal before this dialog was drawn: a key
        the user pressed for the screen behind (the dialog's own key pressed twice while a
        busy app took half a second to draw it), not one typed into the dialog."""
        return self.shown_at is None or event.time < self.shown_at


def move_highlight(options: OptionList, step: int) -> None:
    """j (``step`` 1) or k (-1) on a dialog's list: the highlight a row down or up, as the
    arrows (j/k move in every table behind a dialog)."""
    if step > 0:
        options.action_cursor_down()
    else:
        options.action_cursor_up()


def show_more(options: OptionList) -> None:
    """How many of ``options`` are out of sight above and below: ``↑ N more`` on the list's top
    border, ``↓ N more`` on its bottom one, each beside the options it counts. A list cut to the
    dialog's room showed only its scrollbar's thumb, too small to be drawn at 50x15, of the
    options below; then both counts on the top border, drawn over its thin line (``▔ ↓ 7 more
    ▔▔▔`` at 80x24), the options they counted at the other end."""
    seen = options.scrollable_content_region.height
    tallest = options.styles.max_height
    if tallest is not None and tallest.is_cells:
        # As fitted (the region is the last frame's until the next one is laid out).
        seen = int(tallest.value) - options.styles.gutter.height
    above = round(options.scroll_y)
    below = max(0, options.option_count - above - seen) if seen > 0 else 0
    options.border_title = f"↑ {above} more" if above > 0 else ""
    options.border_subtitle = f"↓ {below} more" if below > 0 else ""


def refill(options: OptionList, new: list[Option], keep: str | None) -> None:
    """``options`` listing ``new`` (a followed update changed what a menu offers): the
    highlight on the option ``keep`` names where it is still listed, else at its place."""
    at = options.highlighted
    options.clear_options()
    options.add_options(new)
    ids = [option.id for option in new]
    if keep is not None and keep in ids:
        options.highlighted = ids.index(keep)
    elif new:
        options.highlighted = min(at or 0, len(new) - 1)

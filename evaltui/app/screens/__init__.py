"""The app's screens: main (prompt table), prompt, plot, export, help, problems."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen


def screen_gone(screen: Screen[Any]) -> bool:
    """Whether ``screen`` was left (popped or dismissed) or has no widgets: a callback queued
    after a refresh that runs then must do nothing.

    A screen leaves the app's stack at once and its widgets are removed after, a few at a time:
    a callback running in between found some widgets and not others (compare's ``refit``
    raised NoMatches for its box after ``m j q`` on a busy machine, which ended the app)."""
    return not screen.children or screen not in screen.app.screen_stack


def ready_for_keys(screen: Screen[Any]) -> None:
    """Once ``screen`` is drawn (its first refresh), the keys read behind the key that opened
    it, held meanwhile (``EvalApp.hold_keys_for_screen``), are handed to it, in order: called
    as it is mounted. ('t /' in one burst: the '/' had focused the prompt table's filter before
    the t ran, and the summary did not open.)"""

    def ready() -> None:
        take = getattr(screen.app, "screen_ready", None)
        if callable(take):
            take(screen)

    screen.call_after_refresh(ready)

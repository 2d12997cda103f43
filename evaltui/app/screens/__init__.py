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

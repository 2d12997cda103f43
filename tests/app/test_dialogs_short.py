"""The export and re-score dialogs on a short terminal (50x15): every part of them in sight,
the buttons whole (Pilot)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import OptionList

from tests.app.conftest import settle, write_evals


def inside(widget: Widget, box: Widget) -> bool:
    """Whether ``widget`` is drawn whole inside ``box``'s content (its frame's inside)."""
    return box.content_region.contains_region(widget.region)


async def laid_out(pilot: Pilot[int], condition: Callable[[], bool], what: object) -> None:
    """Wait up to 30 s for ``condition`` on the layout; fail naming ``what``. (A resize or a
    dialog is laid out a refresh or more later: one pause under load read the layout before,
    the path box still compact at 80x24.)"""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, what
        await pilot.pause(0.05)


async def test_the_export_dialog_fits_a_short_terminal(tmp_path: Path, make_app: Any) -> None:
    """At 50x15 the export dialog's 18 lines were cut to the 14 the terminal has: the buttons
    and the path box's lower edge out of the box, no mark. Compact there; back to its borders
    on a taller terminal."""
    app = make_app(write_evals(tmp_path / "evals"))
    async with app.run_test(size=(50, 15)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen.query_one("#export-dialog")
        for name in (
            "#export-title",
            "#export-kind",
            "#export-path",
            "#export-go",
            "#export-cancel",
        ):
            await laid_out(pilot, lambda: inside(app.screen.query_one(name), dialog), name)  # noqa: B023
        assert dialog.region.bottom <= 14  # above the footer
        await pilot.resize_terminal(80, 24)
        path = app.screen.query_one("#export-path")
        await laid_out(pilot, lambda: path.region.height == 3, path.region)  # its border again
        assert inside(app.screen.query_one("#export-go"), dialog)
        await pilot.resize_terminal(50, 15)
        await laid_out(pilot, lambda: path.region.height == 1, path.region)
        assert inside(app.screen.query_one("#export-cancel"), dialog)


@pytest.mark.parametrize("size", [(50, 15), (80, 24)])
async def test_the_re_score_dialog_shows_its_buttons_whole(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """At 50x15 the re-score dialog (80% of the lines at most) left its buttons off, and
    50 columns cut 'Cancel' to 'C' beside 'Re-score with math-verify'."""
    app = make_app(write_evals(tmp_path / "evals"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.pause()
        dialog = app.screen.query_one("#rescore-dialog")
        for name in ("#rescore-module", "#rescore-scope", "#rescore-go", "#rescore-cancel"):
            await laid_out(pilot, lambda: inside(app.screen.query_one(name), dialog), name)  # noqa: B023
        go = app.screen.query_one("#rescore-go")
        assert go.region.width >= len("Re-score with math-verify") + 2


async def test_the_sort_menu_fits_and_follows_its_highlight(tmp_path: Path, make_app: Any) -> None:
    """At 60x20 the sort menu's list (up to 20 lines) was cut by the dialog (80% of the lines)
    below 'med len', its lower border and scrollbar out of sight, and Down moved the highlight
    onto columns no one could see: the list, whole to itself, never scrolled."""
    app = make_app(write_evals(tmp_path / "evals"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.pause()
        dialog = app.screen.query_one("#sort-dialog")
        options = app.screen.query_one("#sort-options", OptionList)
        assert options.option_count > options.scrollable_content_region.height
        assert inside(options, dialog)
        for _ in range(options.option_count - 1):
            await pilot.press("down")
        await pilot.pause()
        assert options.highlighted == options.option_count - 1
        # The last option is in the list's sight: scrolled to it.
        top = round(options.scroll_y)
        assert top <= options.highlighted < top + options.scrollable_content_region.height

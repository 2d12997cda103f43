"""The help screen at 60x20 (and 50x15): a line too long for the terminal went on at column 0,
under the keys (``x  Stop loading / Count lengths — the rest,`` then ``once stopped`` at the
left edge, read as a key of its own); a key's words now go on under its words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.widgets import Static

from evaltui.app.screens.help import HelpScreen
from tests.app.conftest import settle
from tests.app.test_screens import LONG_A, write_runs


def shown_lines(static: Static) -> list[str]:
    """The help as drawn, every line of it (the screen shows a part; the widget holds all)."""
    size = static.size
    return [strip.text.rstrip() for strip in static.render_lines(Region(0, 0, *size))]


@pytest.mark.parametrize("size", [(60, 20), (50, 15), (80, 24)])
async def test_a_wrapped_help_line_goes_on_under_its_words(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        static = app.screen.query_one("#help Static", Static)
        lines = shown_lines(static)
        written = str(static.render()).splitlines()
        width = static.size.width
    assert width < size[0] and all(len(line) <= width for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("  x            Stop"))
    key_row = lines[start]
    if size[0] < 80:  # wrapped: its words go on at column 15, under 'Stop loading'
        assert lines[start + 1].startswith(" " * 15) and lines[start + 1][15] != " "
    assert "once stopped" in " ".join(lines[start : start + 3])
    # No indented line's words go on at the left edge: what is shown there is (a part of) a
    # title or a paragraph, written there.
    at_the_edge = [line for line in written if line and not line.startswith(" ")]
    for line in lines:
        if line and not line.startswith(" "):
            assert any(line in whole for whole in at_the_edge), line
    assert key_row.startswith("  x ")

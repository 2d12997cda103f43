"""Screens at the small terminals people split their panes into (60×20, 40×15): the rows a
screen is for stay in sight, with what they are of."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.app.conftest import settle
from tests.app.test_screens import LONG_A, LONG_B, open_compare, screen_text, write_runs

SMALL = [(40, 15), (60, 20)]


@pytest.mark.parametrize("size", SMALL)
async def test_compare_shows_its_headline_and_rows_in_a_small_terminal(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """At 40×15 the screen scrolled: the headline was off the top, the counts stood one or two
    letters wide beside the matrix ('pr', 'om', 'pt', …) and three rows at most were left."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B, wordy=True))
    async with app.run_test(size=size) as pilot:
        screen = await open_compare(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert screen.max_scroll_y == 0  # the screen fits: nothing above the first line
        lines = screen_text(app).splitlines()
        assert lines[0].startswith(" B − A accuracy: +0.075")
        # The counts read as words, never a column of letter pairs.
        assert "improved 4" in " ".join(lines)
        assert not any(re.match(r"^ [a-z]{2}  ", line) for line in lines), lines
        header = next(i for i, line in enumerate(lines) if "A acc  B acc" in line)
        rows = [line for line in lines[header + 1 :] if re.match(r"\s*[-+ ]?\d\.\d{3}", line)]
        assert len(rows) >= 5, lines
        assert rows[0].split()[:3] == ["-0.750", "0.750", "0.000"]
        await pilot.press("i")
        await settle(pilot)
        assert screen.max_scroll_y == 0

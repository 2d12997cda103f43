"""Pilot tests: the export dialog's texts as a new user meets them (80×24, 60×20)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from evaltui.app.screens.export import ExportScreen
from tests.app.conftest import settle
from tests.app.test_screens import screen_text

SIZE = (80, 24)


def kind_lines(text: str) -> dict[str, str]:
    """The kind list's lines by kind, as shown: the mark before each label."""
    marks: dict[str, str] = {}
    for line in text.splitlines():
        for kind, words in (
            ("combined", "combined JSON"),
            ("records", "original records"),
            ("csv", "as CSV"),
            ("parquet", "as Parquet"),
        ):
            if words in line:
                marks[kind] = re.findall("▐(.)▌", line.split(words)[0])[-1]
    return marks


async def test_the_chosen_export_kind_shows_without_colour(evals: Path, make_app: Any) -> None:
    """Every kind showed ●, only the colour told the chosen one: on a plain or 16-colour
    terminal no one could tell. The chosen one is ●, the others ○, in the text itself."""
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        marks = kind_lines(screen_text(app))
        assert marks == {"combined": "●", "records": "○", "csv": "○", "parquet": "○"}, marks
        await pilot.press("down", "enter")  # the kind list has the focus: records
        await pilot.pause()
        assert app.screen.kind() == "records"
        marks = kind_lines(screen_text(app))
        assert marks == {"combined": "○", "records": "●", "csv": "○", "parquet": "○"}, marks

"""Pilot tests: what the main screen says about a load and its follow-ups, at the sizes people
use (a load that found no generation, the follow line, ``d`` before a ``--rescore`` runs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from evaltui.data.sanitize import cell_width
from tests.app.test_follow_app import wait_until

REAL = Path(__file__).parents[1] / "fixtures" / "real_world"
A2UI = REAL / "inspect_ai" / "A2UI" / "logs"


def lines_of(widget: Static) -> list[str]:
    """The lines ``widget`` draws (none when hidden)."""
    if not widget.display or not widget.size.height:
        return []
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


@pytest.mark.parametrize("follow", [False, True])
async def test_a_load_that_found_no_generation_says_why_at_80x24(
    tmp_path: Path, word_tokenizer: Path, follow: bool
) -> None:
    """The published A2UI Inspect log stopped by an error: every one of its 27 samples errored.
    ``evaltui summarize`` says so; the app (which loads with ``allow_empty``: a followed folder
    may fill later) showed only "prompts 0 · bad lines 27". It says the same reason where the
    table would be, within 80 columns, with or without --follow."""
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    app = EvalApp([str(A2UI)], options, follow=follow)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.main.query_one("#empty-reason", Static)
        await wait_until(pilot, lambda: app.result is not None and not app.loading, 60)
        await wait_until(pilot, lambda: bool(lines_of(widget)), 30)
        assert not app.main.failed
        lines = lines_of(widget)
        assert lines, "no reason shown"
        assert all(cell_width(line) <= 80 - 2 for line in lines), lines
        said = " ".join(line.strip() for line in lines)
        assert said.startswith("No generation in the input: "), said
        assert "Inspect log stopped by an error (status 'error')" in said, said
        assert "27 bad lines, the first" in said, said
        assert said.endswith("(b lists the notes and bad lines)"), said
        await pilot.press("b")  # the lines are still listed
        await pilot.pause(0.5)
        assert app.screen is not app.main
        await pilot.press("ctrl+q")

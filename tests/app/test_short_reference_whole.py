"""A short reference is shown whole on its line, the first run's vote cut instead: at 60x20
(tmux, SkyThought's MATH500) '8n^2 + 4n + 1' read '8n^2 + 4n +…' beside a vote of 30 cells,
and at 80x24 '\\left( 3, \\frac{\\pi}{2} \\right)' was cut for '(agreement 100%)'."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from tests.app.conftest import open_first_prompt, write_run


@pytest.mark.parametrize(
    ("size", "reference", "answer"),
    [
        ((60, 20), "8n^2 + 4n + 1", "4n^2+2n+\\frac{1}{2}"),
        ((80, 24), "\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\frac{\\pi}{2})"),
    ],
)
async def test_a_reference_shorter_than_half_the_line_is_not_cut(
    tmp_path: Path, make_app: Any, size: tuple[int, int], reference: str, answer: str
) -> None:
    record = {"prompt": "Simplify.", "gen": f"so \\boxed{{{answer}}}", "answer": reference}
    app = make_app(write_run(tmp_path, {**record, "accuracy": 0}))
    async with app.run_test(size=size) as pilot:
        screen = await open_first_prompt(pilot)
        line = screen.query_one("#prompt-answer", Static).render_line(0).text
        assert line.startswith(f"reference: {reference} · votes: "), line
        assert "…" in line  # the vote gave way (it is longer than the rest of the line)
        assert not screen.query_one("#prompt-more", Static).display  # not said cut

"""The prompt screen says the reference is cut only when its line does not show all of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from tests.app.conftest import open_first_prompt, settle, write_run


@pytest.mark.parametrize(
    ("reference", "shown"),
    [
        ("0\x1b[5m", "0␛[5m"),  # an escape sequence (a hostile file), shown as its symbol
        ("42\u200b", "42\ufffd"),  # a zero-width space, shown as a replacement character
        ("\u202eabc", "\ufffdabc"),  # a right-to-left override
        ("a  b\tc", "a b c"),  # spaces and a tab, folded on the line
    ],
)
async def test_a_short_reference_with_a_control_character_is_not_said_cut(
    tmp_path: Path, make_app: Any, reference: str, shown: str
) -> None:
    """A hostile folder at 80x24 (tmux): the reference '0\\x1b[5m' showed whole on its line as
    '0␛[5m', yet the screen said '▼ the reference is cut (v shows it whole)', and v showed
    the same text again: the line was compared with the raw text, not with what it shows."""
    app = make_app(
        write_run(tmp_path, {"prompt": "2 + 2?", "gen": "4", "answer": reference, "accuracy": 1})
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_prompt(pilot)
        line = screen.query_one("#prompt-answer", Static).render_line(0).text
        assert line.startswith(f"reference: {shown} · "), line
        assert not screen.query_one("#prompt-more", Static).display
        app.clear_notifications()
        await pilot.press("v")
        await settle(pilot)
        assert [n.message for n in app._notifications] == [
            "the whole prompt and reference are shown already (v shows a long one whole)"
        ]


async def test_a_reference_on_two_lines_is_said_cut(tmp_path: Path, make_app: Any) -> None:
    """Its line joins the two: v shows it as written."""
    app = make_app(
        write_run(tmp_path, {"prompt": "2 + 2?", "gen": "4", "answer": "4\nfour", "accuracy": 1})
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_prompt(pilot)
        more = screen.query_one("#prompt-more", Static)
        assert more.display
        assert str(more.render()) == "▼ the reference is cut (v shows it whole)"
        await pilot.press("v")
        await settle(pilot)
        assert str(screen.query_one("#prompt-text", Static).render()) == (
            "2 + 2?\n\nreference (whole):\n4\nfour"
        )

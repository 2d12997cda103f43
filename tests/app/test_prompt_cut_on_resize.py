"""The prompt box says how many of the prompt's lines it does not show, at the size the screen
has now: a resize wraps the prompt again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.containers import VerticalScroll
from textual.widgets import Static

from evaltui.app.screens.prompt import PromptScreen
from tests.app.conftest import settle


def hidden_lines(screen: PromptScreen) -> int:
    box = screen.query_one("#prompt-text-box", VerticalScroll)
    return box.virtual_size.height - box.scrollable_content_region.height


async def test_the_cut_prompt_marker_follows_a_resize(tmp_path: Path, make_app: Any) -> None:
    """Opened at 120x35, a prompt of one long paragraph fits its box: no marker. Narrowed to
    60x20 it wraps to more lines than the box holds, and nothing said so (the marker was only
    set when the prompt was opened); widened again, the count of a 60-column prompt stayed
    ('▼ 25 more prompt lines' at 60, 80 and 120 columns alike)."""
    words = " ".join(f"word{i}" for i in range(90))  # ~620 characters, one paragraph
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "out.jsonl").write_text(
        json.dumps({"prompt": words, "gen": "42", "answer": "42", "accuracy": 1}) + "\n",
        encoding="utf-8",
    )
    app = make_app(tmp_path / "run")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        more = screen.query_one("#prompt-more", Static)
        assert hidden_lines(screen) == 0 and not more.display

        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        hidden = hidden_lines(screen)
        assert hidden > 0
        assert more.display
        assert str(more.render()) == f"▼ {hidden} more prompt lines (v shows the whole prompt)"

        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        narrower = hidden
        hidden = hidden_lines(screen)
        assert 0 < hidden < narrower
        assert str(more.render()) == f"▼ {hidden} more prompt lines (v shows the whole prompt)"

        await pilot.resize_terminal(120, 35)
        await settle(pilot)
        assert hidden_lines(screen) == 0 and not more.display

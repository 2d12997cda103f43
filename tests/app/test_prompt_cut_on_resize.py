"""The prompt box says how many of the prompt's lines it does not show, at the size the screen
has now: a resize wraps the prompt again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.containers import VerticalScroll
from textual.widgets import Static

from evaltui.app.screens.prompt import PromptScreen
from tests.app.conftest import open_first_prompt, settle, write_run
from tests.app.test_follow_app import wait_until


def hidden_lines(screen: PromptScreen) -> int:
    box = screen.query_one("#prompt-text-box", VerticalScroll)
    return box.virtual_size.height - box.scrollable_content_region.height


async def test_the_cut_prompt_marker_follows_a_resize(tmp_path: Path, make_app: Any) -> None:
    """Opened at 120x35, a prompt of one long paragraph fits its box: no marker. Narrowed to
    60x20 it wraps to more lines than the box holds, and nothing said so (the marker was only
    set when the prompt was opened); widened again, the count of a 60-column prompt stayed
    ('▼ 25 more prompt lines' at 60, 80 and 120 columns alike)."""
    words = " ".join(f"word{i}" for i in range(90))  # ~620 characters, one paragraph
    app = make_app(
        write_run(tmp_path, {"prompt": words, "gen": "42", "answer": "42", "accuracy": 1})
    )
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_first_prompt(pilot)
        more = screen.query_one("#prompt-more", Static)
        assert hidden_lines(screen) == 0 and not more.display

        await pilot.resize_terminal(60, 20)
        await wait_until(pilot, lambda: hidden_lines(screen) > 0 and more.display)
        await settle(pilot)
        hidden = hidden_lines(screen)
        assert str(more.render()) == f"▼ {hidden} more prompt lines (v shows the whole prompt)"

        await pilot.resize_terminal(80, 24)
        narrower = hidden
        await wait_until(pilot, lambda: 0 < hidden_lines(screen) < narrower)
        await settle(pilot)
        hidden = hidden_lines(screen)
        assert str(more.render()) == f"▼ {hidden} more prompt lines (v shows the whole prompt)"

        await pilot.resize_terminal(120, 35)
        await wait_until(pilot, lambda: hidden_lines(screen) == 0 and not more.display)


async def test_a_long_reference_is_shown_whole_with_v(tmp_path: Path, make_app: Any) -> None:
    """The reference's line showed its first cells and a "…", and nothing in the app showed
    the rest (the subversion-strategy logs' references are paragraphs of a strategy): the
    marker says it is cut, and v shows it whole under the prompt."""
    reference = "Optimal strategy: " + " ".join(f"step{i}" for i in range(120)) + " END"
    app = make_app(
        write_run(
            tmp_path,
            {"prompt": "Which strategy?", "gen": "wait", "answer": reference, "accuracy": 0},
        )
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_prompt(pilot)
        line = screen.query_one("#prompt-answer", Static).render_line(0).text
        assert line.startswith("reference: Optimal strategy: step0 step1") and "END" not in line
        # The reference gives way to the vote (200 cells of it pushed the vote off the line).
        assert "… · votes: wait ×1 ✗ (agreement 100%)" in line, line
        more = screen.query_one("#prompt-more", Static)
        assert more.display
        assert str(more.render()) == "▼ the reference is cut (v shows it whole)"
        prompt = screen.query_one("#prompt-text", Static)
        assert "END" not in str(prompt.render())

        await pilot.press("v")
        await settle(pilot)
        assert str(prompt.render()) == f"Which strategy?\n\nreference (whole):\n{reference}"
        assert not more.display
        await pilot.press("v")
        await settle(pilot)
        assert str(prompt.render()) == "Which strategy?"
        assert more.display
        # At 60 columns the marker is whole on its line (a longer one lost its end silently).
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        assert more.render_line(0).text.strip() == "▼ the reference is cut (v shows it whole)"


async def test_a_short_reference_is_not_said_cut(tmp_path: Path, make_app: Any) -> None:
    """v on a short prompt and reference shows nothing more, and says so: it did nothing and
    said nothing (a key that does nothing must say why)."""
    app = make_app(
        write_run(tmp_path, {"prompt": "2 + 2?", "gen": "4", "answer": "4", "accuracy": 1})
    )
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await open_first_prompt(pilot)
        assert not screen.query_one("#prompt-more", Static).display
        app.clear_notifications()
        await pilot.press("v")
        await settle(pilot)
        assert str(screen.query_one("#prompt-text", Static).render()) == "2 + 2?"
        assert [n.message for n in app._notifications] == [
            "the whole prompt and reference are shown already (v shows a long one whole)"
        ]
        assert not screen.whole_prompt  # nothing toggled: a long prompt next (.) is capped


async def test_a_whole_prompt_longer_than_its_box_scrolls_with_j_and_k(
    tmp_path: Path, make_app: Any
) -> None:
    """v on a 35-line prompt at 80x24 (lm-eval's negotiationtom) showed its first 16 lines and
    hid the marker: the questions and choices at its end were reachable by no key. The marker
    counts the lines out of sight and J/K scroll the prompt box."""
    prompt = "\n".join(f"line {i}" for i in range(35))
    app = make_app(
        write_run(tmp_path, {"prompt": prompt, "gen": "A", "answer": "D", "accuracy": 0})
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_prompt(pilot)
        more = screen.query_one("#prompt-more", Static)
        await pilot.press("v")
        await settle(pilot)
        hidden = hidden_lines(screen)
        assert hidden > 0
        assert more.display
        assert str(more.render()) == f"▼ {hidden} more prompt lines (J/K scroll)"
        box = screen.query_one("#prompt-text-box", VerticalScroll)
        while box.scroll_y < box.max_scroll_y:
            await pilot.press("J")
            await settle(pilot)
        assert "line 34" in str(screen.query_one("#prompt-text", Static).render())
        assert box.scroll_y == hidden
        assert str(more.render()) == f"▲ {hidden} prompt lines above (K scrolls up)"
        await pilot.press("K")
        await settle(pilot)
        assert 0 < box.scroll_y < hidden
        above = round(box.scroll_y)
        assert str(more.render()) == (
            f"▼ {hidden - above} more prompt lines, {above} above (J/K scroll)"
        )
        # Back to the short box: the marker counts the lines it does not show, below and above.
        await pilot.press("v")
        await settle(pilot)
        above = round(box.scroll_y)
        below = hidden_lines(screen) - above
        assert str(more.render()) == (
            f"▼ {below} more prompt lines, {above} above (v shows the whole prompt)"
        )


async def test_j_in_the_short_box_counts_the_lines_above_too(tmp_path: Path, make_app: Any) -> None:
    """J scrolls the prompt's short box too: the marker then counted every hidden line as
    'more' below, those scrolled above included."""
    prompt = "\n".join(f"line {i}" for i in range(20))
    app = make_app(
        write_run(tmp_path, {"prompt": prompt, "gen": "A", "answer": "D", "accuracy": 0})
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_prompt(pilot)
        more = screen.query_one("#prompt-more", Static)
        hidden = hidden_lines(screen)
        assert str(more.render()) == f"▼ {hidden} more prompt lines (v shows the whole prompt)"
        await pilot.press("J")
        await settle(pilot)
        box = screen.query_one("#prompt-text-box", VerticalScroll)
        above = round(box.scroll_y)
        assert 0 < above < hidden
        assert str(more.render()) == (
            f"▼ {hidden - above} more prompt lines, {above} above (v shows the whole prompt)"
        )


async def test_the_next_prompt_is_read_from_its_top(tmp_path: Path, make_app: Any) -> None:
    """J, then . onto a prompt of the same text (another run's; lm-eval's negotiationtom docs
    share one text too): it showed at the place the last one was scrolled to."""
    prompt = "\n".join(f"line {i}" for i in range(20))
    for run in ("run_a", "run_b"):
        (tmp_path / "data" / run).mkdir(parents=True)
        (tmp_path / "data" / run / "out.jsonl").write_text(
            json.dumps({"prompt": prompt, "gen": "A", "answer": "D", "accuracy": 0}) + "\n",
            encoding="utf-8",
        )
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.rows is not None and app.rows.height == 2
        await pilot.press("enter", "J")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        box = screen.query_one("#prompt-text-box", VerticalScroll)
        assert box.scroll_y > 0
        first = screen.run
        await pilot.press("full_stop")
        await settle(pilot)
        assert screen.run != first
        assert box.scroll_y == 0
        more = screen.query_one("#prompt-more", Static)
        assert str(more.render()).startswith(f"▼ {hidden_lines(screen)} more prompt lines (")

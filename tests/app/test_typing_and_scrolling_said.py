"""At 80x24: the status line keeps the row count whole while the filter is typed, and a
generation longer than its box says so, with the keys that page and search it."""

from __future__ import annotations

import json
from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import wait_until
from tests.app.test_screens import screen_text
from tests.app.test_status_line_fits import loaded


async def test_the_count_stays_whole_while_the_filter_is_typed_at_80_columns(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The hint before it cut the count the typing changes: "editing the filter: enter applies,
    esc returns to the table · Showing 6 of 1…"."""
    app = await loaded(tmp_path, word_tokenizer)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.result is not None and app.result.complete)
        await pilot.press("slash", *"accuracy>0")
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 6)
        await pilot.pause(0.2)
        line = next(row for row in screen_text(app).splitlines() if "Showing" in row)
        assert "Showing 6 of 12 rows (run × prompt)" in line, line
        assert line.startswith(" enter applies the filter, esc leaves · Showing"), line
        await pilot.press("enter")  # out of the box: no hint, the view's words after the count
        await pilot.pause(0.2)
        line = next(row for row in screen_text(app).splitlines() if "Showing" in row)
        assert line.startswith(" Showing 6 of 12 rows (run × prompt) · "), line


async def test_a_long_generation_says_how_to_page_and_search_it(tmp_path: Path) -> None:
    """Only Tab to the generation's box, then the arrows, scrolled it, and nothing said so:
    its rule now says what is below and the keys; space and b page it (the list keeps the
    focus: j/k still pick the generation)."""
    run = tmp_path / "evals" / "meta-llama__Meta-Llama-3.1-70B-Instruct"
    run.mkdir(parents=True)
    trace = "\n".join(f"step {i}: still thinking" for i in range(40)) + "\n\\boxed{4}"
    records = [
        {"prompt": "What is 2 + 2?", "gen": trace, "answer": "4", "accuracy": 1.0},
        {"prompt": "What is 2 + 2?", "gen": "\\boxed{4}", "answer": "4", "accuracy": 1.0},
    ]
    (run / "inference_0.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8"
    )
    app = EvalApp([str(tmp_path / "evals")], LoadOptions(use_cache=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.result is not None and app.result.complete)
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.pause(0.3)
        box = app.screen.query_one("#generation-box", VerticalScroll)
        hidden = box.max_scroll_y
        assert hidden > 20
        rule = screen_text(app).splitlines()[box.region.y]
        assert f"▼ {hidden} more lines · space/b page · / search" in rule, rule
        await pilot.press("space")
        await pilot.pause(0.2)
        page = box.scrollable_content_region.height - 1
        assert box.scroll_y == page
        assert f"▼ {hidden - page} more lines" in str(box.border_title)
        await pilot.press("space", "space", "space")
        await pilot.pause(0.2)
        assert box.scroll_y == hidden and "▲ the end" in str(box.border_title)
        await pilot.press("b")
        await pilot.pause(0.2)
        assert box.scroll_y == hidden - page
        await pilot.press("j")  # the list has the focus: the next generation, short
        await pilot.pause(0.3)
        assert box.border_title is None
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        help_text = str(app.screen.query_one("#help Static", Static).render())
    prompt_keys = help_text.split("\nPrompt\n")[1].split("\n\n")[0]
    assert "  space        Gen page ↓\n" in prompt_keys, prompt_keys
    assert "  b            Gen page ↑\n" in prompt_keys, prompt_keys

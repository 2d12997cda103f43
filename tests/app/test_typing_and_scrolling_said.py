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

        def status() -> str:
            return next((row for row in screen_text(app).splitlines() if "Showing" in row), "")

        # (the status line is drawn a layout after the rows: waited for)
        await wait_until(pilot, lambda: "Showing 6 of 12 rows (run × prompt)" in status())
        line = status()
        assert "Showing 6 of 12 rows (run × prompt)" in line, line
        assert line.startswith(" enter applies the filter, esc leaves · Showing"), line
        await pilot.press("enter")  # out of the box: no hint, the view's words after the count
        await wait_until(pilot, lambda: status().startswith(" Showing"))
        line = status()
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
        # (the table takes the focus at its first refresh: an enter before it opens nothing)
        await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        box = app.screen.query_one("#generation-box", VerticalScroll)

        def said() -> str:
            return str(screen_text(app).splitlines()[box.region.y])

        more = app.screen.query_one("#prompt-more", Static)

        def laid_out() -> bool:
            # The prompt's "more" line is there (empty) until the prompt is measured after the
            # first refresh, then hidden or filled, a layout later (under load 0.3 s or more:
            # the box 14 lines high, then 15); the page keys read the box's height as they act.
            # Then the box's rule drawn, saying what it hides.
            measured = (not more.display and more.region.height == 0) or (
                more.display and more.region.height > 0 and str(more.render()) != ""
            )
            shown = box.max_scroll_y > 20 and f"▼ {box.max_scroll_y} more lines" in said()
            return measured and shown

        await wait_until(pilot, laid_out)
        hidden = box.max_scroll_y
        assert hidden > 20
        rule = screen_text(app).splitlines()[box.region.y]
        assert f"▼ {hidden} more lines · space/b page · / search" in rule, rule
        await pilot.press("space")
        page = box.scrollable_content_region.height - 1
        await wait_until(pilot, lambda: box.scroll_y == page)
        assert box.scroll_y == page
        assert f"▼ {hidden - page} more lines" in str(box.border_title)
        await pilot.press("space", "space", "space")
        await wait_until(pilot, lambda: box.scroll_y == hidden)
        assert box.scroll_y == hidden and "▲ the end" in str(box.border_title)
        await pilot.press("b")
        await wait_until(pilot, lambda: box.scroll_y == hidden - page)
        assert box.scroll_y == hidden - page
        await pilot.press("j")  # the list has the focus: the next generation, short
        await wait_until(pilot, lambda: box.border_title is None)
        assert box.border_title is None
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: bool(app.screen.query("#help Static")))
        help_text = str(app.screen.query_one("#help Static", Static).render())
    prompt_keys = help_text.split("\nPrompt\n")[1].split("\n\n")[0]
    assert "  space        Gen page ↓\n" in prompt_keys, prompt_keys
    assert "  b            Gen page ↑\n" in prompt_keys, prompt_keys

"""The summary screen (t) says what counts as correct in its metrics table, in sight at 80x24.

A tester's plain run of three prompts scored 0.5, 1 and 0 (no --correct-threshold) read avg@1
0.500 beside pass@1 0.667 and never/flaky/always 1/0/2, and took it for a bug: the 0.5 counts as
solved (README: a fraction is correct at ≥ 0.5), but the rule was said only at the end of the
definitions, below the screen's bottom.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaltui.app.screens.summary import SummaryScreen
from tests.app.conftest import settle, write_run
from tests.app.test_wide_text_cells import screen_lines


async def test_a_fraction_runs_correct_rule_is_a_row_of_the_metrics_table(
    tmp_path: Path, make_app: Any
) -> None:
    records = (
        {"id": f"q{i}", "prompt": f"prompt {i}", "gen": "a", "answer": "a", "accuracy": s}
        for i, s in enumerate((0.5, 1.0, 0.0))
    )
    app = make_app(write_run(tmp_path, *records))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        lines = [" ".join(line.split()) for line in screen_lines(app)]
        assert "correct score ≥ 0.5" in lines, "\n".join(lines)
        # The counts it explains, on the same screen.
        assert "avg@1 0.500 [0.000, 1.000]" in lines, "\n".join(lines)
        assert "pass@1 0.667 [0.000, 1.000]" in lines, "\n".join(lines)
        assert "never/flaky/always 1/0/2" in lines, "\n".join(lines)
        await pilot.press("ctrl+q")


async def test_a_binary_run_alone_has_no_correct_row(tmp_path: Path, make_app: Any) -> None:
    """Right is 1 and wrong 0: nothing to explain, the table as it was."""
    records = (
        {"id": f"q{i}", "prompt": f"prompt {i}", "gen": "a", "answer": "a", "accuracy": s}
        for i, s in enumerate((1, 0))
    )
    app = make_app(write_run(tmp_path, *records))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        lines = [" ".join(line.split()) for line in screen_lines(app)]
        assert not any(line.startswith("correct score") for line in lines), "\n".join(lines)
        await pilot.press("ctrl+q")


async def test_the_compare_screen_says_what_puts_a_fraction_prompt_among_always(
    tmp_path: Path, make_app: Any
) -> None:
    """Two 0–1 fraction runs: p0 scored 0.5 in A read 'always' (matrix and A solved) beside its
    0.500, with nothing on the screen saying a sample is correct at ≥ 0.5."""
    import json

    from rich.text import Text
    from textual.widgets import Static

    from evaltui.app.screens.compare import CompareScreen

    for name, scores in (("a", (0.5, 1.0, 0.0, 0.25)), ("b", (0.25, 1.0, 0.5, 0.5))):
        folder = tmp_path / "runs" / name
        folder.mkdir(parents=True)
        (folder / "r.jsonl").write_text(
            "".join(
                json.dumps(
                    {"id": f"q{i}", "prompt": f"p{i}", "gen": "x", "answer": "x", "accuracy": s}
                )
                + "\n"
                for i, s in enumerate(scores)
            )
        )
    app = make_app(tmp_path / "runs")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        rendered = app.screen.query_one("#compare-details", Static).render()
        details = rendered.plain if isinstance(rendered, Text) else str(rendered)
        assert "correct: score ≥ 0.5" in details, details
        lines = [" ".join(line.split()) for line in screen_lines(app)]
        assert "correct: score ≥ 0.5" in lines, "\n".join(lines)
        await pilot.press("ctrl+q")

"""The prompt screen lists a 0–1 fraction score (a winrate, partial credit) with its verdict:
the ✓/✗ alone hid the score, and the table shows only the prompt's mean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import OptionList

from evaltui.app.screens.prompt import PromptScreen
from tests.app.conftest import open_first_prompt, write_run


def marks(screen: PromptScreen) -> list[str]:
    """Each listed generation's number and score mark (what comes before its token length)."""
    options = screen.query_one("#generations", OptionList)
    lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return [line.split(" tok")[0].rsplit(" ", 1)[0].rstrip() for line in lines]


async def test_fraction_scores_are_listed_with_their_verdicts(
    tmp_path: Path, make_app: Any
) -> None:
    """Three generations scored 0.002, 0.269 and 0.668 (threshold 0.5) were listed ✗, ✗, ✓."""
    records = (
        {"prompt": "play", "gen": f"policy {i}", "answer": "x", "accuracy": s}
        for i, s in enumerate((0.002, 0.269, 0.668))
    )
    app = make_app(write_run(tmp_path, *records))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_prompt(pilot)
        assert marks(screen) == [
            "#0   0.002 ✗",
            "#1   0.269 ✗",
            "#2   0.668 ✓",
        ], marks(screen)


async def test_binary_scores_keep_the_bare_verdict(tmp_path: Path, make_app: Any) -> None:
    records = (
        {"prompt": "2+2", "gen": g, "answer": "4", "accuracy": a} for g, a in (("4", 1), ("5", 0))
    )
    app = make_app(write_run(tmp_path, *records))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_prompt(pilot)
        assert marks(screen) == [
            "#0   ✓",
            "#1   ✗",
        ], marks(screen)


async def test_only_wrong_of_a_score_with_no_correct_says_why_it_lists_nothing(
    tmp_path: Path, make_app: Any
) -> None:
    """A prompt of a -1.5–2 score (continuous, no threshold): w (only wrong) said "No wrong
    generation for this prompt", as if every generation were right; none is right or wrong."""
    from textual.widgets import Static

    records = (
        {"prompt": "q", "gen": f"g{i}", "answer": "x", "accuracy": s}
        for i, s in enumerate((-1.5, 2.0))
    )
    app = make_app(write_run(tmp_path, *records))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_prompt(pilot)
        for only in ("wrong", "right"):
            await pilot.press("w")
            await pilot.pause()
            assert screen.only == only
            text = str(screen.query_one("#generation-text", Static).render())
            assert text == (
                "No generation of this prompt is right or wrong: its score has no threshold for "
                "correct (--correct-threshold X gives one) (w shows the others)."
            ), text

"""A screen open over the table when the scores change under it (a re-score finishing, a
followed file growing) shows the new scores: it kept the old ones without a word."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.widgets import OptionList, Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle
from tests.app.test_follow_app import counts, line, one_run, until_following, wait_until
from tests.app.test_rescore_app import write_graded
from tests.app.test_rescore_dialog import plain_app  # noqa: F401 (a fixture)


def two_graded(root: Path) -> Path:
    """Two runs of the graded prompts (A's stored grader missed two right answers of p0)."""
    write_graded(root)
    shutil.copytree(root / "graded", root / "graded2")
    return root


async def rescored(pilot: Any) -> None:
    pilot.app.rescore_from_dialog("exact", None)
    for _ in range(100):
        await pilot.pause(0.1)
        if not pilot.app.rescoring:
            break
    await settle(pilot)
    await pilot.pause(0.2)


async def test_an_open_compare_shows_the_rescored_rates(tmp_path: Path, plain_app: Any) -> None:  # noqa: F811
    app = plain_app(two_graded(tmp_path / "evals"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison is not None
        rates = dict(zip(screen.rows["prompt_id"], screen.rows["rate_a"], strict=True))
        assert sorted(rates.values()) == [0.25, 0.75, 0.75]  # stored: p0 1 of 4, p1 3, p2 3
        await rescored(pilot)
        assert app.screen is screen and "stored_accuracy" in app.result.generations.columns
        rates = dict(zip(screen.rows["prompt_id"], screen.rows["rate_a"], strict=True))
        # exact: p0 3 of 4 right, p1 2, p2 3
        assert sorted(rates.values()) == [0.5, 0.75, 0.75]


async def test_an_open_prompt_shows_the_rescored_verdicts(tmp_path: Path, plain_app: Any) -> None:  # noqa: F811
    app = plain_app(write_graded(tmp_path / "evals"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Problem 0: stored 1 of 4 correct
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        await pilot.press("j")  # the user is on the second generation
        await pilot.pause()
        assert "1/4 correct" in str(screen.query_one("#prompt-title", Static).render())
        await rescored(pilot)
        assert app.screen is screen
        title = str(screen.query_one("#prompt-title", Static).render())
        assert "3/4 correct" in title and "2 flipped (stored→new)" in title, title
        # ... and stays on the generation the user was reading.
        assert screen.query_one("#generations", OptionList).highlighted == 1


async def test_an_open_prompt_follows_its_file(tmp_path: Path, word_tokenizer: Path) -> None:
    """Followed lines of the prompt shown join its list, the reader's place kept; lines of
    other prompts leave it as it is; a file rewritten without it says so."""
    data, out = one_run(tmp_path, line(1, True) + line(1, False) + line(2, True))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 2, "Problem 2": 1})
        await until_following(pilot, app)
        await pilot.press("enter")  # (settle waits for every worker: the follower runs on)
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        await wait_until(pilot, lambda: screen.generations.height == 2)
        options_list = screen.query_one("#generations", OptionList)
        await pilot.press("j")
        await pilot.pause()
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(1, True))
        await wait_until(pilot, lambda: screen.generations.height == 3)
        title = str(screen.query_one("#prompt-title", Static).render())
        assert "2/3 correct" in title and options_list.highlighted == 1
        out.write_text(line(2, True), encoding="utf-8")  # rewritten: Problem 1 is gone
        await wait_until(pilot, lambda: screen.generations.height == 0)
        text = str(screen.query_one("#generation-text", Static).render())
        assert "no longer in the loaded files" in text
        # ... of the prompt still shown (its text and reference went blank: gone was what?)
        await pilot.pause()
        assert str(screen.query_one("#prompt-text", Static).render()) == "Problem 1"
        assert "reference: 1" in str(screen.query_one("#prompt-answer", Static).render())

"""Pilot tests (80×24): words a new user read wrong on published eval folders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from evaltui.app.screens.compare import RunPairScreen
from evaltui.app.screens.prompt import PromptScreen
from tests.app.conftest import open_first_prompt, settle, write_run
from tests.app.test_follow_app import wait_until

SIZE = (80, 24)


async def test_copying_a_one_character_generation_says_one_character(
    tmp_path: Path, make_app: Any
) -> None:
    """lm-eval's loglikelihood docs (asdiv: the target "9"), a multiple-choice letter: `y` on
    the prompt screen said "copied 1 characters (OSC 52)"."""
    folder = write_run(
        tmp_path, {"prompt": "How many apples?", "gen": "9", "answer": "9", "accuracy": 1}
    )
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_prompt(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["copied 1 character (OSC 52)"]


async def test_the_baseline_picked_is_named_whole_when_the_dialog_has_room(
    tmp_path: Path, make_app: Any
) -> None:
    """Three runs of one model told apart by their start time (Inspect's logs of one task): A
    picked, the picker named it cut to 40 cells whatever the room, at 80 columns
    'gpt-4o-mini-2024-07-…2025-02-11T15-17-00' with 58 cells to fill, the list below naming it whole."""
    root = tmp_path / "evals"
    names = [f"gpt-4o-mini-2024-07-18_2025-02-11T15-{m}-00" for m in ("17", "18", "19")]
    for name in names:
        (root / name).mkdir(parents=True)
        (root / name / "out.jsonl").write_text(
            '{"prompt": "p", "gen": "g", "answer": "a", "accuracy": 1}\n', encoding="utf-8"
        )
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, RunPairScreen))
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.first is not None)  # type: ignore[attr-defined]
        await pilot.pause()
        label = str(app.screen.query_one("#pair-prompt", Label).render())
        assert label.splitlines()[0] == f"A (baseline) = {names[0]}", label


ASDIV = Path(__file__).parents[1] / "fixtures" / "app" / "lm_eval_asdiv"


def prompt_in_sight(screen: PromptScreen) -> str:
    """The prompt's lines in its box's sight, wrapped as the box wraps them."""
    box = screen.query_one("#prompt-text-box", VerticalScroll)
    region = box.scrollable_content_region
    text = Text(str(screen.query_one("#prompt-text", Static).render()))
    lines = [line.plain for line in text.wrap(screen.app.console, region.width)]
    top = round(box.scroll_y)
    return "\n".join(lines[top : top + region.height])


async def test_a_few_shot_chat_prompt_opens_on_its_question(make_app: Any) -> None:
    """lm-eval's chat-templated asdiv (published, 8 examples as turns before each question):
    the capped prompt showed its first example ("Jack's booklets: 9 pages, 49 booklets",
    answer 441), the question 45 lines below, and the reference 9 under it read as wrong. It
    opens on the question, the examples above it said (K scrolls up, v shows them)."""
    app = make_app(ASDIV)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_prompt(pilot)

        def shown() -> str:
            return str(screen.query_one("#prompt-more", Static).render())

        await wait_until(pilot, lambda: "above" in shown())
        in_sight = prompt_in_sight(screen)
        assert "Seven red apples and two green apples" in in_sight, in_sight
        assert "How many apples are in the basket?" in in_sight, in_sight
        assert shown().startswith("▲ ") and "(v shows the whole prompt)" in shown(), shown()
        # The next prompt opens on its own question too.
        await pilot.press("full_stop")
        await wait_until(
            pilot, lambda: "asdiv:1" in str(screen.query_one("#prompt-title", Static).render())
        )
        await wait_until(pilot, lambda: "above" in shown())
        in_sight = prompt_in_sight(screen)
        assert "Marin has nine balls" in in_sight, in_sight


async def test_a_prompt_of_one_turn_opens_at_its_top(tmp_path: Path, make_app: Any) -> None:
    """Only a few-shot chat opens on its question: a long problem opens at its start."""
    problem = "\n".join(f"line {i} of the problem" for i in range(40))
    folder = write_run(tmp_path, {"prompt": problem, "gen": "7", "answer": "7", "accuracy": 1})
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_prompt(pilot)
        more = screen.query_one("#prompt-more", Static)
        await wait_until(pilot, lambda: "more prompt lines" in str(more.render()))
        await pilot.pause()
        assert round(screen.query_one("#prompt-text-box", VerticalScroll).scroll_y) == 0
        assert "above" not in str(more.render())

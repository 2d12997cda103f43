"""Pilot tests (80×24): words a new user read wrong on published eval folders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Label

from evaltui.app.screens.compare import RunPairScreen
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

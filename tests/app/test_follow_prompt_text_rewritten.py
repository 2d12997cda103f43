"""The prompt screen open when its file is rewritten with other words and the same facts shows
the new text (80x24)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import one_run, until_following, wait_until


def record(word: str, sample: int) -> str:
    correct = sample % 2 == 0
    gen = f"{word} number {sample} \\boxed{{{7 if correct else sample}}}"
    return json.dumps({"prompt": "Problem", "answer": "7", "accuracy": correct, "gen": gen}) + "\n"


async def test_a_rewritten_generation_text_is_shown_though_its_scores_are_the_same(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """In tmux: 'gen number 1' rewritten to 'GEN NUMBER 1' (a temp file renamed over the file,
    same size, same scores and answers): the note said 'm/o.jsonl was rewritten: read
    again', the prompt opened again showed the new text, but the open prompt screen kept
    'gen number 1' for every generation (its facts, the text aside, had not changed)."""
    data, out = one_run(tmp_path, "".join(record("gen", s) for s in range(4)))
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_following(pilot, app)
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        await pilot.press("j")  # on #1
        text = screen.query_one("#generation-text", Static)
        await wait_until(pilot, lambda: "gen number 1 " in str(text.render()))
        temp = out.with_name(".o.tmp")
        temp.write_text("".join(record("GEN", s) for s in range(4)), encoding="utf-8")
        os.replace(temp, out)
        await wait_until(
            pilot,
            lambda: (
                app.result is not None
                and "GEN number 1 \\boxed{1}" in app.result.generations["gen"].to_list()
            ),
        )
        await wait_until(pilot, lambda: "GEN number 1 " in str(text.render()))
        assert app.screen is screen


async def test_the_search_box_keeps_the_keys_typed_across_a_followed_update(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """In tmux: "/" and "Check" typed in the prompt's search, then a line of the prompt
    appended: the update moved the focus to the generation list, so the next letters were
    commands ("j" went to the next generation) and never reached the box."""
    from textual.widgets import Input, OptionList

    data, out = one_run(tmp_path, "".join(record("gen", s) for s in range(4)))
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_following(pilot, app)
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        await pilot.press("slash", "n", "u")
        box = screen.query_one("#gen-search", Input)
        await wait_until(pilot, lambda: box.value == "nu")
        with out.open("a", encoding="utf-8") as handle:
            handle.write(record("gen", 4))
        await wait_until(
            pilot, lambda: screen.query_one("#generations", OptionList).option_count == 5
        )
        await pilot.pause(0.2)
        await pilot.press("m", "j")
        await wait_until(pilot, lambda: box.value == "numj")
        assert screen.focused is box
        assert screen.query_one("#generations", OptionList).highlighted == 0

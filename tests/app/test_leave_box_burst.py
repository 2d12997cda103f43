"""Keys typed in one burst after the key that leaves a text box (enter, escape) act where the
focus went, not in the box left. The keys are handed to the box as the app hands over keys
read together while the box is slower than the app (tmux send-keys, a fast typist): all
queued in the box before it reads the first."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input, OptionList

from evaltui.app.app import EvalApp
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import line, one_run, wait_until

CHARACTERS = {"right_square_bracket": "]", "space": " "}


def queue_in(box: Input, keys: list[str]) -> None:
    """``keys`` forwarded to ``box`` (the focused widget) before it handles any of them."""
    for key in keys:
        character = key if len(key) == 1 else CHARACTERS.get(key)
        box._forward_event(events.Key(key, character))


async def loaded(tmp_path: Path, word_tokenizer: Path) -> EvalApp:
    lines = "".join(line(i, i % 2 == 0) for i in range(1, 7))
    data, _out = one_run(tmp_path, lines + line(1, False))  # two generations of Problem 1
    return EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False))


async def test_keys_after_enter_in_the_filter_act_on_the_table(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    app = await loaded(tmp_path, word_tokenizer)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.result is not None and app.result.complete)
        box = app.main.query_one("#filter", Input)
        await pilot.press("slash")
        queue_in(box, [*"accuracy < 0.5", "enter", "right_square_bracket"])
        await wait_until(pilot, lambda: app.focused is app.main.current_table())
        # The ] is handed to the table after the focus: its sort waited for.
        await wait_until(pilot, lambda: app.wanted.sort is not None)
        # was 'accuracy < 0.5]' ("unexpected ']'"), and no sort
        assert box.value == "accuracy < 0.5"
        assert app.wanted.where == "accuracy < 0.5"
        assert app.wanted.sort is not None and app.wanted.sort.descending
        assert app.focused is app.main.current_table()


async def test_keys_after_escape_in_the_filter_act_on_the_table(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    app = await loaded(tmp_path, word_tokenizer)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.result is not None and app.result.complete)
        box = app.main.query_one("#filter", Input)
        await pilot.press("slash")
        queue_in(box, [*"acc", "escape", "right_square_bracket"])
        await wait_until(pilot, lambda: app.focused is app.main.current_table())
        await wait_until(pilot, lambda: app.wanted.sort is not None)  # (the ], after the focus)
        assert box.value == "acc"  # was 'acc]'
        assert app.wanted.sort is not None and app.wanted.sort.descending
        assert app.focused is app.main.current_table()


async def test_keys_after_escape_in_the_generation_search_act_on_the_prompt(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    app = await loaded(tmp_path, word_tokenizer)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.result is not None and app.result.complete)
        # (the table takes the focus at its first refresh: an enter before it opens nothing)
        await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))
        await pilot.press("enter")  # Problem 1: two generations
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        screen = app.screen
        generations = screen.query_one("#generations", OptionList)
        await wait_until(pilot, lambda: generations.option_count == 2)
        box = screen.query_one("#gen-search", Input)
        await pilot.press("slash")
        queue_in(box, [*"answer", "escape", "j"])
        await wait_until(pilot, lambda: not box.display)
        await wait_until(pilot, lambda: generations.highlighted == 1)  # (the j, after the box)
        assert box.value == "answer"  # was 'answerj', the search still open
        assert generations.highlighted == 1  # j: the next generation
        assert app.screen is screen

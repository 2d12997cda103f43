"""Keys typed in one burst after the key that leaves a text box (enter, escape) act where the
focus went, not in the box left. The keys are handed to the box as the app hands over keys
read together while the box is slower than the app (tmux send-keys, a fast typist): all
queued in the box before it reads the first."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, OptionList

from evaltui.app.app import EvalApp
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.loader import LoadOptions
from evaltui.data.query import View
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


@pytest.mark.parametrize("leave", ["enter", "escape"])
async def test_keys_after_leaving_the_filter_wait_for_the_first_table(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch, leave: str
) -> None:
    """The files read, the first table not shown yet (its rows still computed: a slow SSH box,
    a starved CI): '/accuracy < 0.5', Enter (or Escape), ']' in one burst. The ']', read by the
    box after its Enter had left it, went to no widget: "still reading the files: [ and ] sort
    once the prompts are shown", taken down as the table came a moment later, and no sort. It
    now waits for the first table and sorts it."""
    release = threading.Event()
    real = View.apply

    def late(self: View, *args: Any, **kwargs: Any) -> Any:
        release.wait(30)  # the first table's rows come when the test says
        return real(self, *args, **kwargs)

    monkeypatch.setattr(View, "apply", late)
    app = await loaded(tmp_path, word_tokenizer)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: app.result is not None and app.result.complete)
            assert app.main.current_table() is None
            box = app.main.query_one("#filter", Input)
            await pilot.press("slash")
            queue_in(box, [*"accuracy < 0.5", leave, "right_square_bracket"])

            def sorts_said() -> list[str]:
                return [n.message for n in app._notifications if "sort" in n.message]

            # The ] read by the box, then held (or, before, acted on: said), with no table yet.
            await wait_until(pilot, lambda: bool(app.held_keys) or bool(sorts_said()))
            assert not sorts_said()  # was "still reading the files: [ and ] sort once …"
            assert app.main.current_table() is None
            release.set()
            await wait_until(pilot, lambda: app.focused is app.main.current_table())
            await wait_until(pilot, lambda: app.wanted.sort is not None)
            assert box.value == "accuracy < 0.5"  # (not typed into the box either)
            assert app.wanted.sort is not None and app.wanted.sort.descending
            await wait_until(pilot, lambda: app.view.sort == app.wanted.sort)  # on the table
            assert app.focused is app.main.current_table()
            assert not sorts_said()
    finally:
        release.set()


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

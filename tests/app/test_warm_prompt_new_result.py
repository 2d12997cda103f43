"""A prompt screen whose generations' text was read back (a warm load keeps none) stays open
when a new result arrives under it: the rest of a load, a followed line, a re-score."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList

from evaltui.app.app import EvalApp
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.loader import LoadOptions, load


def line(correct: bool, words: int) -> str:
    return json.dumps(
        {
            "prompt": "What is 2 + 2?",
            "gen": " ".join(["step"] * words) + (" 4" if correct else " 5"),
            "answer": "4",
            "accuracy": correct,
        }
    )


async def wait_until(pilot: Pilot[int], condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


async def test_a_new_result_under_a_prompt_whose_text_was_read_back(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Opened on a warm load (benchmarks/data/small), the prompt screen kept the text it read
    back keyed by the LoadResult it was read for; the next result compared the two results by
    value (their data frames): 'TypeError: the truth value of a DataFrame is ambiguous', and
    the app crashed. A new result now shows the prompt again, the new generation listed."""
    data = tmp_path / "data" / "m"
    data.mkdir(parents=True)
    out = data / "out.jsonl"
    out.write_text(line(True, 3) + "\n" + line(False, 5) + "\n", encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    load([str(data.parent)], options)  # warms the cache: the app's load keeps no text
    app = EvalApp([str(data.parent)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.result is not None and app.result.complete)
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 1)
        assert app.result is not None and app.result.generations["gen"].null_count() == 2
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        await wait_until(pilot, lambda: not screen.text_loading)
        generations = screen.query_one("#generations", OptionList)
        assert generations.option_count == 2
        shown = screen.show_generation()
        assert shown is not None and shown.plain == "step step step 4"

        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(True, 7) + "\n")
        await wait_until(pilot, lambda: generations.option_count == 3)
        assert app.screen is screen
        await wait_until(pilot, lambda: not screen.text_loading)
        assert screen.generations["gen"].to_list() == [
            "step step step 4",
            "step step step step step 5",
            "step step step step step step step 4",
        ]
        await pilot.press("ctrl+q")

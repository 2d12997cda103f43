"""A prompt's generations are numbered apart on its screen, and what tells them apart is said.

A generation's number was its reader's ``sample``: Inspect's epoch less one, an lm-eval
repeat's index, each file's own. Two Inspect logs of one task read as one run (``--label``)
listed the two epochs of each sample as ``#0 #1 #0 #1``, told apart only by their scores; the
generation read (by run and sample) went to the other log's on a filter's change."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import OptionList

from evaltui.app.app import EvalApp
from evaltui.app.screens.prompt import GenerationBox, PromptScreen
from evaltui.data.formats import ReadOptions
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle
from tests.app.test_follow_app import wait_until

LOG = Path(__file__).parents[1] / "fixtures/formats/inspect_ai/logs_json"
FIRST = "2026-11-23T19-59-31-00-00_toy-math-inspect_JWkdbfddyPtigw6HqhFBhz.json"
SECOND = "2026-11-24T10-00-00-00-00_toy-math-inspect_XXkdbfddyPtigw6HqhFBhz.json"


def two_logs(folder: Path) -> Path:
    """The toy Inspect log (3 samples × 2 epochs) and a second evaluation of its task (another
    eval, a day later), whose completions start 'second log: '."""
    folder.mkdir()
    log = json.loads((LOG / FIRST).read_text(encoding="utf-8"))
    (folder / FIRST).write_text(json.dumps(log), encoding="utf-8")
    log["eval"].update(
        eval_id="XXgv2K27D4yd6pN82wkV78",
        run_id="XXUWeG42usMxKxanx2dpMx",
        task_id="XXkdbfddyPtigw6HqhFBhz",
        created="2026-11-24T10:00:00+00:00",
    )
    for sample in log["samples"]:
        sample["output"]["completion"] = "second log: " + sample["output"]["completion"]
        for choice in sample["output"].get("choices") or []:
            message = choice.get("message") or {}
            if isinstance(message.get("content"), str):
                message["content"] = "second log: " + message["content"]
    (folder / SECOND).write_text(json.dumps(log), encoding="utf-8")
    return folder


def listed(screen: PromptScreen) -> list[str]:
    options = screen.query_one("#generations", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_two_logs_of_one_run_list_each_epoch_apart(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = two_logs(tmp_path / "logs")
    app = EvalApp(
        [str(data)],
        LoadOptions(model=str(word_tokenizer), use_cache=False, read=ReadOptions(label="pooled")),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        await settle(pilot)
        lines = listed(screen)
        assert len(lines) == 4, lines
        # Each its own number, its epoch (1-based, as Inspect counts) and its log.
        assert [line.split()[0] for line in lines] == ["#0", "#1", "#2", "#3"], lines
        assert ["epoch 1" in lines[0], "epoch 2" in lines[1]] == [True, True], lines
        assert ["epoch 1" in lines[2], "epoch 2" in lines[3]] == [True, True], lines
        assert all("JW" in line for line in lines[:2]), lines
        assert all("XX" in line for line in lines[2:]), lines
        # The generation shown says which it is, on its box's top rule.
        await pilot.press("j", "j")
        await wait_until(pilot, lambda: screen.query_one(GenerationBox).shown.startswith("#2"))
        title = str(screen.query_one(GenerationBox).border_title)
        assert "#2 · epoch 1 · " in title and "XX" in title, title
        await pilot.press("ctrl+q")


async def test_the_generation_read_stays_the_same_one_as_the_list_is_filtered(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = two_logs(tmp_path / "logs")
    app = EvalApp(
        [str(data)],
        LoadOptions(model=str(word_tokenizer), use_cache=False, read=ReadOptions(label="pooled")),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        await settle(pilot)
        # A prompt with a right and a wrong epoch in each log (p0: epoch 1 right, 2 wrong).
        for _ in range(3):
            if screen.prompt_id.endswith(":p0"):
                break
            await pilot.press("full_stop")
            await settle(pilot)
        assert screen.prompt_id.endswith(":p0")
        options = screen.query_one("#generations", OptionList)
        await pilot.press("j", "j", "j")  # the second log's epoch 2 (#3), wrong
        await wait_until(pilot, lambda: options.highlighted == 3)
        assert "second log" in str(screen.show_generation())
        await pilot.press("w")  # only wrong: the two epochs 2
        await settle(pilot)
        assert screen.only == "wrong" and screen.generations.height == 2
        # Still the second log's epoch 2, not the first log's (both were "run pooled, #1").
        assert options.highlighted == 1
        assert "second log" in str(screen.show_generation())
        await pilot.press("ctrl+q")

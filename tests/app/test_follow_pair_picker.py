"""The run-pair picker (m) open while following: it lists the runs loaded now (80x24)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from textual.widgets import Label, OptionList

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen, RunPairScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import until_following, wait_until


def write_run(root: Path, run: str, prompts: range) -> None:
    (root / run).mkdir(parents=True)
    lines = [
        json.dumps({"prompt": f"q{p}", "gen": "x", "answer": "x", "accuracy": p % 2})
        for p in prompts
    ]
    (root / run / "out.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def listed(picker: RunPairScreen) -> list[str]:
    options = picker.query_one("#pair-options", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_picker_lists_a_new_run_and_drops_a_deleted_one(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """In tmux, a run folder deleted while the picker was open was still offered (picked as
    A, compare said "no run '…'") and a new run's folder was offered in neither list."""
    data = tmp_path / "data"
    for run in ("a", "b", "c"):
        write_run(data, run, range(4))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_following(pilot, app)
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 12)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, RunPairScreen))
        picker = app.screen
        assert isinstance(picker, RunPairScreen)
        await pilot.press("down")  # on b
        assert listed(picker) == ["a", "b", "c"]
        shutil.rmtree(data / "a")
        write_run(data, "d", range(2, 6))
        await wait_until(pilot, lambda: listed(picker) == ["b", "c", "d"])
        options = picker.query_one("#pair-options", OptionList)
        assert options.highlighted == 0  # still on b
        await pilot.press("down", "down", "enter")  # A = d
        await wait_until(pilot, lambda: picker.first == "d")
        # B's list: the runs sharing most prompts with d first (b and c share q2, q3).
        assert listed(picker) == ["2 · b", "2 · c"]
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        assert (compare.run_a, compare.run_b) == ("d", "b")


async def test_a_baseline_gone_from_the_files_is_asked_for_again(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A picked, then its folder deleted: B's list kept offering runs to compare with a run
    no longer loaded (and counted prompts in common with it)."""
    data = tmp_path / "data"
    for run in ("a", "b", "c"):
        write_run(data, run, range(4))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_following(pilot, app)
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 12)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, RunPairScreen))
        picker = app.screen
        assert isinstance(picker, RunPairScreen)
        await pilot.press("down", "down", "enter")  # A = c
        await wait_until(pilot, lambda: picker.first == "c")
        assert listed(picker) == ["4 · a", "4 · b"]
        shutil.rmtree(data / "c")
        await wait_until(pilot, lambda: picker.first is None)
        assert listed(picker) == ["a", "b"]
        label = str(picker.query_one("#pair-prompt", Label).render())
        assert label == "A = c is gone from the files\nCompare: pick the baseline run (A), enter"
        await pilot.press("enter", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        assert (compare.run_a, compare.run_b) == ("a", "b")

"""Snapshots at 80x24 of the app after ``--rescore``: the table with stored acc and disagree, and
the prompt screen listing the flipped generations with both verdicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from evaltui.data.rescore import RescoreOptions
from tests.app.conftest import settle
from tests.app.test_rescore_app import write_graded
from tests.snapshots.test_snapshots import SIZE, _steady


@pytest.fixture
def rescored_app(tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch) -> EvalApp:
    data = write_graded(tmp_path / "evals")
    monkeypatch.chdir(tmp_path)
    cache = tmp_path / "cache"
    return EvalApp(
        [str(data)],
        LoadOptions(model=str(word_tokenizer), cache_dir=cache),
        rescore=RescoreOptions("exact", cache_dir=cache),
    )


def test_main_screen_rescored(snap_compare: Any, rescored_app: EvalApp) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _steady(pilot.app)
        await pilot.pause()

    assert snap_compare(rescored_app, terminal_size=SIZE, run_before=run_before)


def test_prompt_screen_rescored(snap_compare: Any, rescored_app: EvalApp) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _steady(pilot.app)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(rescored_app, terminal_size=SIZE, run_before=run_before)


def test_rescore_dialog(
    snap_compare: Any, tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dialog ``R`` opens (without --rescore), over a filtered view: the scorers, the
    user's own module:function box, the view's prompts or all."""
    data = write_graded(tmp_path / "evals")
    monkeypatch.chdir(tmp_path)
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "c"))

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.main.action_focus_filter()
        await pilot.press(*'prompt ~ "Problem 0"', "enter")
        await settle(pilot)
        _steady(pilot.app)
        await pilot.press("R")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_main_screen_rescored_two_runs(
    snap_compare: Any, tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs of long real model names after --rescore exact: the header keeps the flipped
    count on its line (it went off the line with the stored accuracies)."""
    root = tmp_path / "evals"
    root.mkdir()
    for name in ("Meta-Llama-3.1-70B-Instruct", "DeepSeek-R1-Distill-Qwen-32B"):
        (write_graded(tmp_path / "made" / name) / "graded").rename(root / name)
    monkeypatch.chdir(tmp_path)
    cache = tmp_path / "cache"
    app = EvalApp(
        [str(root)],
        LoadOptions(model=str(word_tokenizer), cache_dir=cache),
        rescore=RescoreOptions("exact", cache_dir=cache),
    )

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _steady(pilot.app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

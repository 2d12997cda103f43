"""A few snapshot tests pin the layout (behaviour is asserted by the Pilot tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evaltui.app.app import EvalApp
from evaltui.data.formats import ReadOptions
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle, write_evals

SIZE = (80, 24)


@pytest.fixture
def snapshot_app(tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch) -> EvalApp:
    data = write_evals(tmp_path / "evals")
    monkeypatch.chdir(tmp_path)
    return EvalApp(
        [str(data)], LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    )


def _steady(app: EvalApp) -> None:
    """No cursor blink, and a tokenizer name that does not depend on the temp dir."""
    from textual.widgets import Input

    for widget in app.main.query(Input):
        widget.cursor_blink = False
    assert app.result is not None
    app.result.tokenizer = "word-level test tokenizer"
    app.main.show_result(app.result)


def test_main_screen(snap_compare: Any, snapshot_app: EvalApp) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _steady(pilot.app)
        await pilot.pause()

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)


def test_prompt_screen(snap_compare: Any, snapshot_app: EvalApp) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _steady(pilot.app)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)


@pytest.fixture
def long_label_app(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> EvalApp:
    data = write_evals(tmp_path / "evals")
    monkeypatch.chdir(tmp_path)
    return EvalApp(
        [str(data / "model_a")],
        LoadOptions(
            model=str(word_tokenizer),
            cache_dir=tmp_path / "cache",
            read=ReadOptions(label="meta-llama/Meta-Llama-3.1-70B-Instruct"),
        ),
    )


def test_main_screen_long_label(snap_compare: Any, long_label_app: EvalApp) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _steady(pilot.app)
        await pilot.pause()

    assert snap_compare(long_label_app, terminal_size=SIZE, run_before=run_before)


def test_prompt_screen_searching(snap_compare: Any, long_label_app: EvalApp) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _steady(pilot.app)
        await pilot.press("down", "enter", "slash", *"step", "enter")
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(long_label_app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("key", ["b", "question_mark", "s"])
def test_other_screens(snap_compare: Any, snapshot_app: EvalApp, key: str) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _steady(pilot.app)
        await pilot.press(key)
        await pilot.pause()

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)

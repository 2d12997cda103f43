"""A few snapshot tests pin the layout (behaviour is asserted by the Pilot tests)."""

from __future__ import annotations

import json
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


def test_bad_lines_alike_said_once(
    snap_compare: Any, tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The A2UI Inspect log: one TypeError on 25 samples, said once (was 25 times)."""
    logs = Path(__file__).parents[1] / "fixtures" / "real_world" / "inspect_ai" / "A2UI" / "logs"
    monkeypatch.chdir(tmp_path)
    app = EvalApp([str(logs)], LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache"))

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_filter_typed_and_a_long_generation(
    snap_compare: Any, tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filter typed (the count whole after the hint), then a long generation's rule."""
    data = write_evals(tmp_path / "evals")
    trace = "\n".join(f"step {i}: still thinking" for i in range(40)) + "\n\\boxed{4}"
    record = {"prompt": "What is 2 + 2?", "gen": trace, "answer": "4", "accuracy": 1.0}
    (data / "model_b" / "long.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache"))

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _steady(pilot.app)
        await pilot.press("slash", *'prompt~"^What"')
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_filter_being_typed(snap_compare: Any, snapshot_app: EvalApp) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _steady(pilot.app)
        await pilot.press("slash", *"n>=4")
        await settle(pilot)
        await pilot.pause(0.5)

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)

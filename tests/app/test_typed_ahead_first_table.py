"""Keys typed before the app took the terminal act on the first table once it has the keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events

from evaltui.app.app import EvalApp
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.formats import ReadOptions
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle, write_evals
from tests.app.test_follow_app import wait_until
from tests.app.test_journeys import hold_reads


@pytest.fixture
def late_first_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a table asks for after its next refresh comes late, as on a loaded machine (the
    race the tmux run lost now and then, lost every time)."""
    from evaltui.app.tables import DataTable

    def late(self: DataTable, callback: Any, *args: Any, **kwargs: Any) -> bool:
        self.set_timer(0.3, lambda: callback(*args, **kwargs))
        return True

    monkeypatch.setattr(DataTable, "call_after_refresh", late)


@pytest.mark.usefixtures("late_first_frame")
async def test_keys_typed_ahead_move_the_first_tables_cursor(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'evaltui DIR', then 'j j' Enter typed at once (tmux, 80x24, a first load): the held
    keys were handed over as the first table was mounted, before it had the focus (given
    after its first refresh); the j's went to no widget and the Enter opened the first
    prompt, not the third (now and then: when that refresh came after the keys were read).
    The held keys now wait until the table has the focus."""
    monkeypatch.chdir(tmp_path)
    data = write_evals(tmp_path / "evals")
    release = hold_reads(monkeypatch)
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    app = EvalApp([str(data / "model_a")], options)
    app.hold_typed_ahead()  # as TypeaheadDriver does, before the app is mounted
    async with app.run_test(size=(80, 24)) as pilot:
        # As the driver hands them over: all at once, before the first frame.
        for key, character in (("j", "j"), ("j", "j"), ("enter", "\r")):
            app.post_message(events.Key(key, character))
        await pilot.pause()
        assert app.rows is None and app.held_keys  # held: no table yet
        release.set()
        # (Waited for: under load the first table and the replay come after any settle.)
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen), seconds=30)
        await settle(pilot)
        assert app.held_keys is None
        screen = app.screen
        assert isinstance(screen, PromptScreen), screen
        # The third row of run model_a's table (no sort): its Problem 2.
        assert app.rows is not None
        third = app.rows.row(2, named=True)
        assert (screen.run, screen.prompt_id) == (third["run"], third["prompt_id"])
        assert "Problem 2" in third["prompt"]


@pytest.mark.usefixtures("late_first_frame")
async def test_keys_typed_ahead_on_a_label_cut_table(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same with one --label over the two runs' folder (the table's first build then
    also makes the label's cuts): 'j j' Enter opens the third row."""
    monkeypatch.chdir(tmp_path)
    data = write_evals(tmp_path / "evals")
    release = hold_reads(monkeypatch)
    options = LoadOptions(
        model=str(word_tokenizer),
        cache_dir=tmp_path / "cache",
        read=ReadOptions(label="meta-llama/Meta-Llama-3.1-70B-Instruct"),
    )
    app = EvalApp([str(data)], options)
    app.hold_typed_ahead()
    async with app.run_test(size=(80, 24)) as pilot:
        for key, character in (("j", "j"), ("j", "j"), ("enter", "\r")):
            app.post_message(events.Key(key, character))
        await pilot.pause()
        release.set()
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen), seconds=30)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptScreen), screen
        assert app.rows is not None
        third = app.rows.row(2, named=True)
        assert (screen.run, screen.prompt_id) == (third["run"], third["prompt_id"])

"""Keys typed before the app took the terminal, through a dialog: the key after the dialog's
Enter acts once the dialog has closed, on the screen behind it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual import events

from evaltui.app.app import EvalApp
from evaltui.app.screens.summary import SummaryScreen
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle, write_evals
from tests.app.test_follow_app import wait_until
from tests.app.test_journeys import hold_reads


@pytest.fixture
def slow_table_moves(monkeypatch: pytest.MonkeyPatch) -> None:
    """The prompt table takes its time over each cursor move (a big table on a loaded
    machine, or the published Inspect logs' table): the keys queued behind the moves come back
    up to the app later than the app reads the next ones."""
    from evaltui.app.tables import DataTable

    real = DataTable.action_cursor_down

    async def slow(self: DataTable) -> None:
        await asyncio.sleep(0.2)
        real(self)

    monkeypatch.setattr(DataTable, "action_cursor_down", slow)


@pytest.mark.usefixtures("slow_table_moves")
async def test_a_key_typed_ahead_after_the_sort_dialogs_enter_acts_on_the_table(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'evaltui DIR', then 'j j s j' Enter 't' typed before the app was up (tmux, 80x24, the
    published Inspect logs): the table was sorted by run and no summary opened. The t, handed
    to the table as the s before it was, came back to the app with the sort dialog up (t is
    nothing there), the dialog closing a moment later."""
    monkeypatch.chdir(tmp_path)
    data = write_evals(tmp_path / "evals")
    release = hold_reads(monkeypatch)
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    app = EvalApp([str(data)], options)
    app.hold_typed_ahead()  # as TypeaheadDriver does, before the app is mounted
    async with app.run_test(size=(80, 24)) as pilot:
        for key, character in (
            ("j", "j"),
            ("j", "j"),
            ("s", "s"),
            ("j", "j"),
            ("enter", "\r"),
            ("t", "t"),
        ):
            app.post_message(events.Key(key, character))
        await pilot.pause()
        release.set()
        await wait_until(pilot, lambda: app.held_keys is None)
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryScreen), seconds=15)
        await settle(pilot)
        assert app.view.sort is not None and app.view.sort.column == "run"

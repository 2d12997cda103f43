"""An escape read together with the '/' typed after it, on the prompts table: the filter box
gets the keys typed after them."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle, write_evals
from tests.app.test_follow_app import wait_until
from tests.app.test_journeys import hold_reads


def escape_and_slash(app: EvalApp) -> None:
    """Both keys handed to the app at once, as the driver does with keys read in one go (a
    busy app, tmux sending Escape then '/' 0.2 s apart)."""
    app.post_message(events.Key("escape", "\x1b"))
    app.post_message(events.Key("slash", "/"))


@pytest.mark.parametrize("loading", [True, False])
async def test_escape_then_slash_read_together_leave_the_filter_box_focused(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch, loading: bool
) -> None:
    """tmux at 80x24, the files of real-world/ being read: Escape, then '/', then 'n > 1' and
    Enter. The '/' (a priority binding) ran as it was read, the escape (the screen's key
    handler) after it: it took the focus back, 'n' applied the 'never solved' quick filter and
    the filter was lost. The escape now acts as it is read, before the '/'."""
    monkeypatch.chdir(tmp_path)
    data = write_evals(tmp_path / "evals")
    release = hold_reads(monkeypatch)
    if not loading:
        release.set()
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    app = EvalApp([str(data)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        if not loading:
            await settle(pilot)
            assert app.rows is not None
        escape_and_slash(app)
        if loading:  # keys typed ahead wait for the first table, then act in order
            release.set()
        box = app.main.query_one("#filter", Input)
        await wait_until(pilot, lambda: box.has_focus)
        await pilot.press(*"n > 1")
        assert box.value == "n > 1"
        await pilot.press("enter")
        release.set()
        await settle(pilot)
        assert app.view.where == "n > 1" and app.view.quick is None

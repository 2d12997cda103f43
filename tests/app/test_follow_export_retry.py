"""A records export from the dialog that finds its file rewritten while following is written
with the next followed update (80x24)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.export import ExportScreen
from evaltui.data.follow import Follower
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import line, one_run, until_following, wait_until


class Gate:
    """Holds the follower's polls while closed: the file is rewritten with no look between."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.open = threading.Event()
        self.open.set()
        self.waiting = threading.Event()
        poll = Follower.poll

        def held(follower: Follower, **kwargs: Any) -> Any:
            if not self.open.is_set():
                self.waiting.set()
                self.open.wait(30)
            return poll(follower, **kwargs)

        monkeypatch.setattr(Follower, "poll", held)


def rewrite(out: Path, text: str) -> None:
    """Saved as a tool saves a file: a temp file renamed over it."""
    temp = out.with_name(".out.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, out)


async def test_a_records_export_of_a_file_rewritten_is_written_with_the_next_update(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ctrl+s a moment after the eval rewrote its file said 'cannot write …: out.jsonl has
    changed since it was loaded: reload before exporting its original records' (seen in
    tmux): following had read the file again a second later, and no key reloads. Now the
    dialog says following reads it again, and writes the export with the update."""
    gate = Gate(monkeypatch)
    data, out = one_run(tmp_path, line(1, True) + line(2, False))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_following(pilot, app)
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 2)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        await pilot.press("down")  # original records
        assert dialog.kind() == "records"
        target = tmp_path / "records.jsonl"
        dialog.query_one("#export-path", Input).value = str(target)
        gate.open.clear()
        await wait_until(pilot, gate.waiting.is_set)
        rewrite(out, line(1, False) + line(2, True) + line(3, True))
        await pilot.press("ctrl+s")
        message = dialog.query_one("#export-message", Static)
        await wait_until(pilot, lambda: "changed" in str(message.render()))
        assert str(message.render()) == (
            "m/out.jsonl changed since the table was made: following reads it again, then this "
            "export is written"
        )
        assert not target.exists() and app.screen is dialog
        gate.open.set()
        await wait_until(pilot, lambda: app.screen is app.main)
        written = [json.loads(text) for text in target.read_text(encoding="utf-8").splitlines()]
        assert written == [json.loads(line(p, p != 1)) for p in (1, 2, 3)]


async def test_a_records_export_from_compare_of_a_file_rewritten_takes_the_rows_read_again(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From compare the dialog exports the rows it was given, as they were: with run a's file
    rewritten, ctrl+s said 'reload before exporting' and could never write (its rows kept
    pointing into the old file). Now the same prompts' rows come from the update."""
    from evaltui.app.screens.compare import CompareScreen

    gate = Gate(monkeypatch)
    data, out = one_run(tmp_path, line(1, True) + line(2, False), "a")
    (data / "b").mkdir()
    (data / "b" / "out.jsonl").write_text(line(1, False) + line(2, True), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_following(pilot, app)
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 4)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        await wait_until(pilot, lambda: compare.comparison is not None)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        await pilot.press("down")  # original records
        target = tmp_path / "records.jsonl"
        dialog.query_one("#export-path", Input).value = str(target)
        gate.open.clear()
        await wait_until(pilot, gate.waiting.is_set)
        rewrite(out, line(2, True) + line(1, False))
        await pilot.press("ctrl+s")
        message = dialog.query_one("#export-message", Static)
        await wait_until(pilot, lambda: "changed" in str(message.render()))
        assert "following reads it again" in str(message.render())
        gate.open.set()
        await wait_until(pilot, lambda: app.screen is compare)
        written = sorted(target.read_text(encoding="utf-8").splitlines())
        expected = [line(2, True), line(1, False), line(1, False), line(2, True)]
        assert written == sorted(text.rstrip("\n") for text in expected)

"""Many bad lines are put in words off the UI thread: the bad lines screen (``b``) says it is
reading them meanwhile, its keys live, and ``esc`` during the build goes back at once. With
120,000 bad lines the build took the UI thread 0.3-0.9 s (every line listed), no key answered."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

import evaltui.app.screens.problems as problems
from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.problems import ProblemsScreen
from tests.app.conftest import problems_text, settle
from tests.app.test_follow_app import wait_until

BAD = 2500
"""More bad lines than a screen puts in words at once (:data:`problems.BUILT_APART_FROM`)."""


def write_bad_run(root: Path) -> Path:
    folder = root / "run"
    folder.mkdir(parents=True)
    good = [
        json.dumps({"prompt": f"p{i}", "gen": "g", "answer": "1", "accuracy": 1}) for i in range(3)
    ]
    bad = [f"not json {i}" for i in range(BAD)]
    (folder / "out.jsonl").write_text("\n".join(good + bad) + "\n", encoding="utf-8")
    return folder


async def test_many_bad_lines_are_read_off_the_ui_thread_and_esc_leaves_at_once(
    tmp_path: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    threads: list[threading.Thread] = []
    real = problems.problem_lines

    stopped: list[bool] = []

    def held(*args: Any, **kwargs: Any) -> list[str]:
        threads.append(threading.current_thread())
        gate.wait(5)  # a long build, for as long as the test needs (on the UI thread: frozen)
        try:
            return real(*args, **kwargs)
        except problems.BuildStopped:
            stopped.append(True)
            raise

    monkeypatch.setattr(problems, "problem_lines", held)
    app = make_app(write_bad_run(tmp_path / "data"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProblemsScreen)
        reading = screen.query_one("#problems-reading", Static)
        assert reading.display
        assert str(reading.render()) == f"reading {BAD:,} bad lines… (esc: back)"
        assert not gate.is_set()  # the screen answered while the build is still held
        gate.set()
        await wait_until(pilot, lambda: problems_text(app).startswith(f"{BAD:,} bad lines"), 10)
        assert not reading.display
        assert threads and all(t is not threading.main_thread() for t in threads)

        # esc while the next build is held: back to the table at once, and the build's text,
        # done later, goes nowhere (no crash looking for the screen's widgets).
        await pilot.press("escape")
        gate.clear()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        # The build left behind stopped at its first look rather than sort and say it all
        # (in a thread it still held Python's lock: the table came back only after it).
        assert stopped == [True]
    assert app.return_code in (None, 0)

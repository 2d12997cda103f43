"""Every bad line listed (``a``) on a load with thousands of them: the UI thread draws the lines
in sight, not all of them (in one Static, 5,000 bad lines took it a second, ``esc`` unanswered),
and a build left with ``esc`` stops while it wraps the lines too."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.strip import Strip

import evaltui.app.screens.help as help_screen
from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.problems import ProblemsScreen
from tests.app.conftest import problems_shown, problems_text, settle
from tests.app.test_follow_app import wait_until
from tests.app.test_problems_reading import BAD, write_bad_run


async def test_every_bad_line_listed_draws_only_the_lines_in_sight(
    tmp_path: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[int] = [0]
    real_init = Strip.__init__

    def counted(self: Strip, *args: Any, **kwargs: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            made[0] += 1
        real_init(self, *args, **kwargs)

    app = make_app(write_bad_run(tmp_path / "data"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        monkeypatch.setattr(Strip, "__init__", counted)
        await pilot.press("a")
        await wait_until(pilot, lambda: "every line (a" in problems_text(app).split("\n", 1)[0])
        await settle(pilot)
        await pilot.pause(0.1)  # (drawn)
        monkeypatch.undo()
        written = problems_text(app).splitlines()
        assert sum(": not valid JSON" in line for line in written) == BAD
        # The lines of one screen (and its footer), a few times over: not the 2,500 listed.
        assert made[0] < 600, made[0]
        shown = problems_shown(app)
        assert shown[0].startswith(f"{BAD:,} bad lines (counted, not used)"), shown
        # Scrolled to the end, the last lines are drawn (nothing lost below the screen).
        await pilot.press("end")
        await pilot.pause(0.1)
        shown = problems_shown(app)
        assert "0 files skipped" in shown, shown
        assert any(f"out.jsonl:{BAD + 3}: " in line for line in shown), shown


async def test_esc_stops_the_build_while_it_wraps_the_lines(
    tmp_path: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """esc while the worker wrapped 2,500 lines: the table came back, and the worker went on
    wrapping every line (holding Python's lock: under load the table was slow to come back)."""
    gate = threading.Event()
    held = threading.Event()
    armed = threading.Event()
    calls: list[int] = [0]
    real_hang = help_screen.hang

    def hang(line: str, paragraph: int = 0) -> int:
        if armed.is_set() and threading.current_thread() is not threading.main_thread():
            calls[0] += 1
            if not held.is_set():
                held.set()
                gate.wait(5)
        return real_hang(line, paragraph)

    monkeypatch.setattr(help_screen, "hang", hang)
    app = make_app(write_bad_run(tmp_path / "data"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        armed.set()
        await pilot.press("a")  # every line: 2,500 of them wrapped in a worker
        await wait_until(pilot, held.is_set, 10)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        # It stopped at the next line, not after wrapping all of them.
        assert calls[0] < 10, calls[0]

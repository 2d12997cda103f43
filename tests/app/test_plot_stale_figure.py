"""A figure asked for before the last plot key is not drawn after the newer one: 'l' then 'c'
at once, the first's worker done later (a loaded machine), the plot and its title went back
to log counts without clipping while c's clipping was on."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from evaltui.app.screens.plot import PlotScreen
from tests.app.conftest import settle
from tests.app.test_follow_app import wait_until


async def test_a_superseded_figure_is_not_drawn_after_the_newer_one(
    evals: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    figure = PlotScreen.length_figure
    late = threading.Event()

    def slow_unclipped(screen: PlotScreen, kind: str, scope: str, log: bool, clip: bool) -> Any:
        made = figure(screen, kind, scope, log, clip)
        if log and not clip:  # 'l' alone: done after the figure of 'c' that came next
            time.sleep(1.5)
            late.set()
        return made

    app = make_app(evals)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PlotScreen))
        screen = app.screen
        assert isinstance(screen, PlotScreen)
        await settle(pilot)
        title = screen.query_one("#plot-title", Static)
        monkeypatch.setattr(PlotScreen, "length_figure", slow_unclipped)
        await pilot.press("l", "c")
        await wait_until(pilot, lambda: "clipped" in str(title.render()))
        await wait_until(pilot, late.is_set)  # the first figure made, and posted
        for _ in range(5):
            await pilot.pause(0.1)
        assert screen.log_counts and screen.clip
        said = str(title.render())
        assert "log counts" in said and "clipped" in said, said
        await pilot.press("ctrl+q")

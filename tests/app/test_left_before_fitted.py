"""esc on a screen before its layout's after-refresh fitting ran: the fitting ran on the screen
left, its widgets gone, and the app crashed (NoMatches '#compare-box', seen in tmux at 60x20:
m, enter, esc while "comparing…"). The prompt's cut marker, the plot's drawing and the export
dialog's title were fitted the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evaltui.app.screens.compare import CompareScreen
from evaltui.app.screens.export import ExportScreen
from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.plot import PlotScreen
from evaltui.app.screens.prompt import PromptScreen
from tests.app.conftest import settle, write_evals


@pytest.mark.parametrize(
    ("key", "kind", "fittings"),
    [
        ("m", CompareScreen, ("fit_top", "refit")),
        ("enter", PromptScreen, ("mark_cut_prompt",)),
        ("p", PlotScreen, ("draw",)),
        ("e", ExportScreen, ("fit_title",)),
    ],
)
async def test_the_fitting_left_behind_by_esc_does_nothing(
    tmp_path: Path, make_app: Any, key: str, kind: type, fittings: tuple[str, ...]
) -> None:
    app = make_app(write_evals(tmp_path / "evals"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, kind)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        for fitting in fittings:  # what call_after_refresh left to run, the widgets gone
            getattr(screen, fitting)()
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert app.return_code in (None, 0)

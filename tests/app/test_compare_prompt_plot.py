"""p on a prompt opened from compare plots both runs' generations of it, as the screen lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaltui.app.screens.compare import CompareScreen
from evaltui.app.screens.plot import PlotScreen
from evaltui.app.screens.prompt import PromptScreen
from tests.app.conftest import settle


async def test_the_plot_of_a_compared_prompt_has_both_runs(evals: Path, make_app: Any) -> None:
    """The prompt screen listed model_a's 4 generations and model_b's 4; its plot said
    'this prompt · 4 generations' and drew model_a's only."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")  # two runs: compared at once
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("enter")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen) and prompt.other_run is not None
        assert prompt.generations["run"].unique().sort().to_list() == ["model_a", "model_b"]
        await pilot.press("p")
        await settle(pilot)
        plot = app.screen
        assert isinstance(plot, PlotScreen) and plot.last is not None
        shown = prompt.generations.height
        assert f"this prompt · {shown} generations" in plot.last.title, plot.last.title
        drawn = sum(sum(s.y) for panel in plot.last.panels for s in panel.series)
        assert drawn == shown
        assert [panel.title for panel in plot.last.panels] == ["model_a", "model_b"]

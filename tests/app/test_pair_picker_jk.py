"""The run-pair picker (m) moves with j/k as the table behind it and the sort menu do: 'm j j
enter' compared the first run, j and k taken by nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import OptionList

from evaltui.app.screens.compare import CompareScreen, RunPairScreen
from tests.app.conftest import settle
from tests.app.test_pair_picker_fit import write_runs


async def test_j_and_k_move_the_run_pair_pickers_highlight(tmp_path: Path, make_app: Any) -> None:
    app = make_app(write_runs(tmp_path / "runs"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RunPairScreen)
        options = picker.query_one("#pair-options", OptionList)
        start = options.highlighted
        assert start is not None
        await pilot.press("j", "j", "j", "k")
        await settle(pilot)
        assert options.highlighted == start + 2
        wanted_a = picker.highlighted_run()
        await pilot.press("enter")  # A picked; B's list starts on its first run
        await settle(pilot)
        assert picker.first == wanted_a
        await pilot.press("j")
        await settle(pilot)
        assert options.highlighted == 1
        wanted_b = picker.highlighted_run()
        await pilot.press("enter")
        await settle(pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        assert (compare.run_a, compare.run_b) == (wanted_a, wanted_b)

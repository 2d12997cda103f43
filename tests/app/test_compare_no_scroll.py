"""The compare screen is fitted to the terminal's lines, never scrolled as a whole: at 50x15,
two runs in folders named for long real models (sample_data copied), it grew a line too tall
and the screen took a scroll bar, whose two columns made the headline, the labels and the
status wrap taller still: 'A = deepseek-…t-sft-v2   B =' over 'meta-llam…ct-Turbo', the
status's '→' alone on a line, the headline's top scrolled off the screen."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle

SAMPLE = Path(__file__).parents[2] / "sample_data"
LONG_NAMES = {
    "qwen2.5-7b-instruct": "meta-llama__Meta-Llama-3.1-70B-Instruct-Turbo",
    "deepseek-r1-distill-7b": "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B-long-context-sft-v2",
}


@pytest.mark.parametrize("size", [(50, 15), (60, 20)])
async def test_compare_of_long_model_names_is_not_scrolled(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    runs = tmp_path / "runs"
    for sample, name in LONG_NAMES.items():
        shutil.copytree(SAMPLE / sample, runs / name)
    # The embedded tokenizer: lengths of real widths (the test's word counts left the table
    # narrower, and the screen fitted).
    app = EvalApp([str(runs)], LoadOptions(cache_dir=tmp_path / "cache"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("j", "m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert not screen.show_vertical_scrollbar and screen.max_scroll_y == 0
        width = screen.size.width
        assert width == size[0]
        labels = screen.query_one("#compare-labels", Static)
        assert labels.outer_size.height == 1  # both names, cut with '…', on one line
        status = str(screen.query_one("#compare-status", Static).render())
        assert not status.endswith("\n→")
        # Every part inside the screen: nothing below its last line.
        bottom = max(child.region.bottom for child in screen.children)
        assert bottom <= size[1]


@pytest.mark.parametrize("size", [(50, 15), (50, 16), (50, 17), (60, 20), (80, 24)])
async def test_the_transitions_matrix_is_shown_whole_or_said_left_out(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """At 50x15 the matrix showed its header and 'never' row, its 'flaky' and 'always' rows
    cut off with no mark."""
    runs = tmp_path / "runs"
    for sample, name in LONG_NAMES.items():
        shutil.copytree(SAMPLE / sample, runs / name)
    app = EvalApp([str(runs)], LoadOptions(cache_dir=tmp_path / "cache"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        matrix = screen.query_one("#compare-transitions", Static)
        details = str(screen.query_one("#compare-details", Static).render())
        top = screen.query_one("#compare-top")
        if matrix.display and top.display:
            rows = str(matrix.render()).splitlines()
            assert len(rows) == 4
            # Every row inside the part of the screen the top has.
            assert matrix.region.height >= len(rows) and top.region.height >= len(rows)
        else:
            assert "matrix: no room" in details or details.endswith("…"), details
        if size[1] >= 20:
            assert matrix.display

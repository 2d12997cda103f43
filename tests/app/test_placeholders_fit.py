"""A text box's placeholder fits its box whole or is cut with a mark: Textual draws it wrapped
to the box and shows the first line, so at 60 columns the filter box read '/ filter: accuracy <
0.2 and max_len > 8000 · prompt ~' (the example cut at a word, no mark) and at 50 the re-score
dialog's scorer box 'module:function or'."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from evaltui.app.screens.prompt import PromptScreen
from evaltui.app.screens.rescore import RescoreScreen
from tests.app.conftest import settle
from tests.app.test_screens import LONG_A, LONG_B, write_runs

FILTER = '/ filter: accuracy < 0.2 and max_len > 8000 · prompt ~ "triangle"'
SCORER = "module:function or file.py:function"
SEARCH = "/ search this generation (enter: next match, esc: back)"
# Each box's wordings, longest first: one of them whole, or the last cut with '…'.
FILTERS = [FILTER, "/ filter: accuracy < 0.2 and max_len > 8000", "/ filter: accuracy < 0.2"]
SCORERS = [SCORER, "mod:func or file.py:func", "module:function"]
SEARCHES = [SEARCH, "/ search this generation (esc: back)", "/ search this generation"]


def shown(box: Input) -> str:
    return box.render_line(0).text.strip()


def whole_or_marked(text: str, wordings: list[str]) -> bool:
    return text in wordings or text.endswith("…")


async def fitted(pilot: Pilot[int], box: Input, ok: Callable[[str], bool]) -> str:
    """The box's placeholder as shown once ``ok`` holds; fails with the one shown if it does not
    within 30 s. (Waited for: a box is fitted at its resize, a layout after the screen's; one
    pause under load read the wording of the size before.)"""
    deadline = time.monotonic() + 30
    while not ok(text := shown(box)):
        assert time.monotonic() < deadline, text
        await pilot.pause(0.05)
    return text


@pytest.mark.parametrize("size", [(50, 15), (60, 20), (80, 24)])
async def test_the_filter_and_scorer_placeholders_are_not_cut_without_a_mark(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        filter_box = app.screen.query_one("#filter", Input)
        text = await fitted(pilot, filter_box, lambda t: whole_or_marked(t, FILTERS))
        assert text.startswith("/ filter")
        if size[0] >= 80:
            await fitted(pilot, filter_box, lambda t: t == FILTER)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, RescoreScreen)
        scorer_box = app.screen.query_one("#rescore-module", Input)
        text = await fitted(pilot, scorer_box, lambda t: whole_or_marked(t, SCORERS))
        assert ":func" in text  # says what to type
        if size[0] >= 60:
            await fitted(pilot, scorer_box, lambda t: t == SCORER)
        # Made wider with the dialog open, the box says it whole again.
        await pilot.resize_terminal(120, 35)
        await settle(pilot)
        await fitted(pilot, scorer_box, lambda t: t == SCORER)
        await pilot.press("escape")
        await settle(pilot)
        await fitted(pilot, app.screen.query_one("#filter", Input), lambda t: t == FILTER)


async def test_the_generation_search_placeholder_fits_at_50_columns(
    tmp_path: Path, make_app: Any
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A))
    async with app.run_test(size=(50, 15)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("slash")  # the box is shown once searching
        await settle(pilot)
        box = app.screen.query_one("#gen-search", Input)
        assert box.has_focus
        text = await fitted(pilot, box, lambda t: whole_or_marked(t, SEARCHES))
        assert text.startswith("/ search"), text


def test_fitting_placeholder_takes_the_longest_that_fits() -> None:
    from evaltui.app.inputs import fitting_placeholder

    wordings = ["a long wording", "short", "tiny"]
    assert fitting_placeholder(wordings, 20) == "a long wording"
    assert fitting_placeholder(wordings, 5) == "short"
    assert fitting_placeholder(wordings, 3) == "ti…"

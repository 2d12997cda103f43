"""``?`` lists the keys of every screen and dialog as they are bound, each with what it does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.binding import Binding
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen, RunPairScreen
from evaltui.app.screens.export import ExportScreen
from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.plot import PlotScreen
from evaltui.app.screens.problems import ProblemsScreen
from evaltui.app.screens.prompt import PromptScreen
from evaltui.app.screens.rescore import RescoreScreen
from evaltui.app.screens.sort import SortScreen
from evaltui.app.screens.summary import SummaryScreen
from evaltui.app.tables import DataTable
from tests.app.conftest import settle

SCREENS = [
    EvalApp,
    MainScreen,
    PromptScreen,
    PlotScreen,
    ExportScreen,
    CompareScreen,
    RunPairScreen,
    RescoreScreen,
    SortScreen,
    SummaryScreen,
    ProblemsScreen,
    DataTable,
]
KEYS = {"left_square_bracket": "[", "right_square_bracket": "]", "full_stop": ".", "comma": ","}
KEYS |= {"slash": "/", "question_mark": "?"}


async def test_help_lists_every_key_with_what_it_does(evals: Path, make_app: Any) -> None:
    """The re-score dialog's ctrl+s, the summary's and bad lines' esc were not listed; the
    export dialog's tab and shift+tab were, with nothing beside them."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = str(app.screen.query_one("#help Static", Static).render())
    lines = text.splitlines()
    key_lines = [
        line for line in lines if re.match(r"^  \S+ {2,}", line) or re.match(r"^  \S+$", line)
    ]
    assert not [line for line in key_lines if not line.strip().split(maxsplit=1)[1:]], key_lines
    for screen in SCREENS:
        for binding in screen.BINDINGS:
            assert isinstance(binding, Binding)
            if not binding.description:
                continue
            key = KEYS.get(binding.key, binding.key)
            # A key of two actions on one screen has both on its line (see the next test).
            wanted = re.compile(rf"^  {re.escape(key)} +(.* / )?{re.escape(binding.description)}")
            assert any(wanted.match(line) for line in lines), (screen.__name__, key)


async def test_help_lists_a_key_once_per_section(evals: Path, make_app: Any) -> None:
    """The prompt table's x (stop loading; once stopped, count the lengths left) was listed twice,
    "x Stop loading" then "x Count lengths", which read as a mistake: one line has both."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = str(app.screen.query_one("#help Static", Static).render())
    for section in text.split("\n\n"):
        keys = [m.group(1) for m in re.finditer(r"^  (\S+) {2,}", section, re.MULTILINE)]
        if section.startswith(("Filter language", "Table headers")):
            continue  # examples and column names, not keys
        assert len(keys) == len(set(keys)), section
    assert "  x            Stop loading / Count lengths — the rest, once stopped" in (
        text.splitlines()
    )

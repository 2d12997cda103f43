"""Pilot: the header and the summary screen (t) say what each run's score is.

Fixtures: the published lm-eval runs in tests/fixtures/real_world (hand-worked values in
tests/data/test_scores.py): tgpred's ``mae`` (lower is better; 7 finite values 103.4–259.6, 17
Infinity) and truthfulqa's ``bleu_max`` (0–100, mean 19.68).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.plot import PlotScreen
from evaltui.app.screens.summary import SummaryScreen
from evaltui.data.loader import LoadOptions
from evaltui.data.metrics import Thresholds
from tests.app.conftest import settle
from tests.data.test_scores import TGPRED, truthfulqa


def text_of(app: EvalApp, selector: str) -> str:
    rendered = app.screen.query_one(selector, Static).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def summary_text(screen: SummaryScreen) -> str:
    """The summary screen's tables and spectra as plain text (wide: no label is cut)."""
    import io

    from rich.console import Console

    console = Console(width=300, file=io.StringIO(), record=True)
    console.print(screen.report)
    return console.export_text()


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_header_and_summary_screen_show_each_runs_score_kind(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(TGPRED, truthfulqa(tmp_path))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        header = text_of(app, "#summary")
        assert (
            "gpt-4o-mini (mae: continuous 103.4–259.6 and 17 non-finite, lower is better)" in header
        )
        assert "EleutherAI/gpt-neo-125M (bleu_max: continuous 2.84–61.48, higher is better)" in (
            header
        )
        assert "accuracy" not in header  # neither run's score is an accuracy: no "accuracy inf"
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        shown = summary_text(app.screen)
        table = shown.split("What the metrics mean:")[0]
        rows = {line.split("  ")[0]: line for line in table.splitlines() if "  " in line}
        assert "mae continuous ↓" in rows["score"] and "bleu_max continuous ↑" in rows["score"]
        assert "inf [–, –]" in rows["mean"] and "19.68 [" in rows["mean"]
        assert "186.9 [" in rows["mean of finite"]
        assert "pass@1" not in shown and "pass-rate spectrum" not in shown
        # The per-prompt accuracy histogram (0–1 axis) names the runs it cannot show.
        await pilot.press("q", "p", "3")
        await settle(pilot)
        assert isinstance(app.screen, PlotScreen) and app.screen.last is not None
        assert app.screen.last.kind == "accuracy"
        note = text_of(app, "#plot-legend")
        assert "not shown (score not an accuracy)" in note and "gpt-4o-mini" in note
        assert all(y == 0 for s in app.screen.last.panels[0].series for y in s.y)


async def test_threshold_per_run_in_header_and_an_unknown_run_warned(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    options = LoadOptions(
        model=str(word_tokenizer),
        cache_dir=tmp_path / "cache",
        correct_threshold=Thresholds.parse(["gpt-4o-mini=150", "gpt4=1"]),
    )
    app = EvalApp([str(TGPRED)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = text_of(app, "#summary")
        # mae <= 150 is correct: 3 of the 24 docs (see tests/data/test_scores.py).
        assert "lower is better, correct ≤ 150" in header
        assert app.result is not None and int(app.result.stats["n_correct"].sum()) == 3
        messages = [n.message for n in app._notifications]
        assert any("names 1 run(s) not loaded: 'gpt4'" in m for m in messages)

"""The app at 80x24 says what a 0–1 score that is no accuracy is, and its comparison reads the
numbers as ``evaltui compare`` does (Pilot).

A run of per-sample ``rouge1`` read "accuracy 0.494 · correct ≥ 0.5" in the header, its mean
column "accuracy"; the comparison said "B − A accuracy: +0.053" and "A 0.488 → B 0.541" where
``evaltui compare`` said "+5.3 pts" and "48.8% → 54.1%".
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from textual.widgets import Static

from evaltui.app.screens.compare import CompareScreen
from evaltui.data.compare import compare_runs
from tests.app.conftest import settle

ROUGE = {
    "base": [0.2, 0.9, 0.45, 0.6, 0.1, 0.35, 0.8, 0.5],
    "tuned": [0.3, 0.7, 0.5, 0.9, 0.1, 0.5, 0.7, 0.8],
}


def write_rouge_runs(root: Path) -> Path:
    """Two runs of summaries scored by a dict of rouge scores (read by its first, ``rouge1``)."""
    for run, scores in ROUGE.items():
        folder = root / run
        folder.mkdir(parents=True)
        records = (
            {
                "prompt": f"Summarise article {i // 2}",
                "gen": f"summary {i}",
                "answer": f"reference {i // 2}",
                "scores": {"rouge1": score, "rougeL": score / 2},
            }
            for i, score in enumerate(scores)
        )
        (folder / "out.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return root


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_a_rouge1_run_is_a_mean_rouge1_with_its_rule(tmp_path: Path, make_app: Any) -> None:
    app = make_app(write_rouge_runs(tmp_path / "evals") / "base")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = str(app.main.query_one("#summary", Static).render())
        assert "mean rouge1 0.488 · correct ≥ 0.5" in shown, shown
        assert "accuracy" not in shown, shown
        # The table's mean column is a mean score, as a continuous metric's is.
        headers = [str(c.label) for c in app.main.query_one("DataTable").ordered_columns]
        assert "mean score" in headers and "accuracy" not in headers, headers
        await pilot.press("ctrl+q")


async def test_the_comparison_reads_points_and_percent_as_the_report(
    tmp_path: Path, make_app: Any
) -> None:
    app = make_app(write_rouge_runs(tmp_path / "evals"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        headline = " ".join(text_of(app, "#compare-headline").split())
        counts = " ".join(text_of(app, "#compare-details").split())
        report = compare_runs(app.result.stats, "base", "tuned").report().splitlines()
        # The report's numbers, in its units: points and percent, read the same here.
        change = re.fullmatch(
            r"base → tuned in mean rouge1: (\S+ pts), 95% CI \[(.*?)\].*", report[0]
        )
        levels = re.fullmatch(
            r"mean rouge1 on those 4 prompts: base (\S+%) → tuned (\S+%)", report[1]
        )
        assert change is not None and levels is not None, report
        assert headline.startswith(
            f"B − A mean rouge1: {change[1]} · 95% CI [{change[2]}] · p = "
        ), (headline, report)
        assert f"A {levels[1]} → B {levels[2]}" in counts, (counts, report)
        assert "pts" in headline and "%" in counts
        assert "correct: score ≥ 0.5" in counts, counts
        await pilot.press("ctrl+q")

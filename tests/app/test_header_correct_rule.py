"""The header says what made a sample "correct" when it is not plain 0/1, at 80 columns.

A 0–1 partial-credit run showed "prompts 20 · accuracy 0.494 · generations 80 · bad lines 0 ·
+4 more (t)" at 80x24: the "correct ≥ 0.5" that explains the table's ``correct`` counts (a
sample scored 0.5 is solved) was in the score kinds at the header's end, left off.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from evaltui.data.metrics import Thresholds
from evaltui.data.sanitize import cell_width
from tests.app.conftest import settle, write_run

LONG = ("meta-llama__Meta-Llama-3.1-70B-Instruct", "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B")


def header(app: EvalApp) -> str:
    return str(app.main.query_one("#summary", Static).render())


def write_named_runs(root: Path, scores: dict[str, list[float]]) -> Path:
    """A plain run per folder (named as the keys), one generation per score, 2 per prompt."""
    for name, values in scores.items():
        folder = root / name
        folder.mkdir(parents=True)
        records = (
            {"prompt": f"Q{i // 2}", "gen": f"g{i}", "answer": "1", "accuracy": v}
            for i, v in enumerate(values)
        )
        (folder / "out.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return root


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_a_partial_credit_runs_rule_is_in_the_narrow_header(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    records = (
        {"prompt": f"Problem {p}", "gen": "x", "answer": "1", "accuracy": s}
        for p in range(20)
        for s in (0.0, 0.25, 0.5, 0.75)
    )
    app = make_app(write_run(tmp_path, *records))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        shown = header(app)
        assert "accuracy 0.375 · correct ≥ 0.5" in shown, shown
        assert all(cell_width(line) <= size[0] - 2 for line in shown.splitlines()), shown
        await pilot.press("ctrl+q")


async def test_two_long_runs_keep_the_rule_beside_their_accuracies(
    tmp_path: Path, make_app: Any
) -> None:
    app = make_app(
        write_named_runs(
            tmp_path / "evals", {LONG[0]: [0.5, 1, 0, 0.25], LONG[1]: [1, 0.5, 0.5, 0]}
        )
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = header(app)
        assert "correct ≥ 0.5" in shown, shown
        assert "0.438" in shown and "0.500" in shown, shown  # both runs' accuracies still there
        await pilot.press("ctrl+q")


async def test_each_runs_rule_when_they_differ(tmp_path: Path, word_tokenizer: Path) -> None:
    """A 0–1 run at 0.5 beside one judged at 0.8 (--correct-threshold RUN=0.8)."""
    root = write_named_runs(tmp_path / "evals", {"judge": [0.5, 1, 0, 0.9], "strict": [0.9, 0.7]})
    options = LoadOptions(
        model=str(word_tokenizer),
        cache_dir=tmp_path / "cache",
        correct_threshold=Thresholds.parse(["strict=0.8"]),
    )
    app = EvalApp([str(root)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = header(app)
        assert "correct ≥ 0.5 / ≥ 0.8 (t)" in shown, shown
        await pilot.press("ctrl+q")


async def test_a_binary_run_says_no_rule(tmp_path: Path, make_app: Any) -> None:
    """Right is 1, wrong 0: nothing to explain, the header as it was."""
    records = (
        {"prompt": f"Q{p}", "gen": "x", "answer": "1", "accuracy": s}
        for p in range(4)
        for s in (0, 1)
    )
    app = make_app(write_run(tmp_path, *records))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "correct" not in header(app), header(app)
        await pilot.press("ctrl+q")


async def test_a_binary_run_beside_a_thresholded_score_keeps_its_own_rule(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A 0/1 run beside a 0–300 judge score correct at ≥ 150: "correct ≥ 150" alone read as the
    0/1 run's rule too (none of its 1s is ≥ 150)."""
    root = write_named_runs(tmp_path / "evals", {"bin": [0, 1, 1, 0], "judge": [120, 180, 40, 200]})
    options = LoadOptions(
        model=str(word_tokenizer),
        cache_dir=tmp_path / "cache",
        correct_threshold=Thresholds.parse(["judge=150"]),
    )
    app = EvalApp([str(root)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = header(app)
        assert "correct ≥ 0.5 / ≥ 150 (t)" in shown, shown
        await pilot.press("ctrl+q")

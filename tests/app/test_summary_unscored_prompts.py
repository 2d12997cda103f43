"""The summary's pass-rate histogram of a run some of whose prompts have no scored sample (a
NaN, an Infinity or a null score, each shown unscored): it showed "0/1 0" and "1/1 1" for a run
of 4 prompts, the other 3 gone without a word. They are counted under it now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaltui.app.screens.summary import SummaryScreen
from tests.app.conftest import settle
from tests.app.test_scores_app import summary_text


async def test_the_pass_rate_histogram_counts_the_prompts_it_leaves_out(
    tmp_path: Path, make_app: Any
) -> None:
    folder = tmp_path / "nan"
    folder.mkdir()
    scores = ["NaN", "Infinity", "1", "null", "0"]
    lines = [
        f'{{"prompt": "p{i}", "gen": "x", "answer": "1", "accuracy": {score}}}'
        for i, score in enumerate(scores)
    ]
    (folder / "r.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        shown = summary_text(app.screen)
        histogram = shown.split("prompts by pass rate · nan:")[1].split("\n\n")[0]
        bars = [line.split() for line in histogram.strip().splitlines()]
        assert [(bar[0], bar[-1]) for bar in bars[:2]] == [("0/1", "1"), ("1/1", "1")], histogram
        assert "3 prompts with no scored sample (null, NaN or infinite scores): not in it" in (
            " ".join(histogram.split())
        ), histogram

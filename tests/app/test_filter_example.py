"""The filter box's example is on the measure the runs have: it said ``accuracy < 0.2`` over runs
whose column reads "mean score" (a 0–100 bleu_max, where it keeps nearly nothing; an mae, lower
is better, where it keeps the best prompts; a 0–1 reward, no accuracy)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from evaltui.data.metrics import ScoreKind
from evaltui.data.query import filter_example
from tests.app.conftest import settle
from tests.app.test_placeholders_fit import shown

RESULTS = Path(__file__).parents[1] / "fixtures/real_world/lm_eval/lm-evaluation-harness/results"
TRUTHFULQA = RESULTS / "samples_truthfulqa_gen_2025-05-31T14-30-51.983293.jsonl"
TGPRED = RESULTS / "tgpred.json"


def _plain(folder: Path, field: str, scores: list[float]) -> Path:
    folder.mkdir(parents=True)
    records = [
        {"prompt": f"Problem {i // 2}", "gen": "g", "answer": "1", field: s}
        for i, s in enumerate(scores)
    ]
    (folder / "out.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return folder


@pytest.mark.parametrize(
    ("data", "example"),
    [
        ("truthfulqa", "mean_score < 15"),  # bleu_max 2.84–61.48, higher is better
        ("tgpred", "mean_score > 230"),  # mae 103.4–259.6, lower is better
        ("reward", "mean_score < 0.2"),  # a 0–1 format reward: no accuracy
        ("accuracy", "accuracy < 0.2"),
    ],
)
async def test_the_filter_box_suggests_a_filter_on_the_runs_measure(
    tmp_path: Path, make_app: Any, data: str, example: str
) -> None:
    paths = {
        "truthfulqa": lambda: TRUTHFULQA,
        "tgpred": lambda: TGPRED,
        "reward": lambda: _plain(tmp_path / "grpo", "format_reward", [0, 0.25, 1, 1, 0.1, 0]),
        "accuracy": lambda: _plain(tmp_path / "plain", "accuracy", [0, 0, 1, 1, 1, 0]),
    }
    app = make_app(paths[data]())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.main.query_one("#filter", Input)
        assert shown(box) == f'/ filter: {example} and max_len > 8000 · prompt ~ "triangle"'
        assert app.rows is not None
        total = app.rows.height
        # Typed as suggested, it keeps the hard prompts: some, not all.
        await pilot.press("slash", *example, "enter")
        await settle(pilot)
        assert app.view.where == example and not app.main.view_error
        assert 0 < app.rows.height < total, (app.rows.height, total)


def test_the_example_follows_the_first_scored_runs_scale() -> None:
    def kind(run: str, kind: Any, **more: Any) -> ScoreKind:
        return ScoreKind(run, kind, more.pop("metric", None), True, None, **more)

    accuracy = kind("a", "binary")
    bleu = kind("b", "continuous", metric="bleu", low=0.0, high=50.0)
    assert filter_example({}) == "accuracy < 0.2"
    assert filter_example({"u": kind("u", "unscored"), "a": accuracy}) == "accuracy < 0.2"
    assert filter_example({"a": accuracy, "b": bleu}) == "mean_score < 0.2"
    assert filter_example({"b": bleu, "a": accuracy}) == "mean_score < 10"
    reward = kind("r", "fraction", metric="reward")
    assert filter_example({"r": reward}) == "mean_score < 0.2"
    tiny = kind("t", "continuous", low=0.001, high=0.011)
    assert filter_example({"t": tiny}) == "mean_score < 0.003"
    none = kind("n", "continuous")  # no finite score
    assert filter_example({"n": none}) == "mean_score < 0.2"

"""The app after a re-score of an Inspect log with an epochs reducer: what became of the prompts'
own scores is told as such, not as files "not re-scored" (Pilot, 80x24)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from evaltui.data.rescore import RescoreOptions
from tests.app.conftest import settle
from tests.data.test_formats_inspect_reducers import (
    TASK,
    reduced_log,
    reduction,
    write_eval_with_reductions,
)
from tests.data.test_rescore_prompt_scores import grader_missed


async def test_the_prompt_scores_note_is_not_a_not_rescored_warning(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    logs = tmp_path / "logs"
    logs.mkdir()
    data = grader_missed(
        reduced_log([reduction("at_least_2", {3: 1, "p0": 0, "p1": 0})], ["at_least_2"])
    )
    write_eval_with_reductions(logs / "x_AAA.eval", data)
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    rescore = RescoreOptions("exact", cache_dir=tmp_path / "cache")
    app = EvalApp([str(logs)], options, rescore=rescore)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = [(n.title, n.message) for n in app._notifications]
        told = [(t, m) for t, m in shown if "prompt_score is the at_least_2" in m]
        assert [t for t, _m in told] == ["prompt scores"]
        assert not any(t == "not re-scored" for t, _m in shown)
        assert app.rows is not None
        scores = dict(zip(app.rows["prompt_id"], app.rows["prompt_score"], strict=True))
        assert scores[f"{TASK}:p1"] == 1.0  # both epochs right under exact

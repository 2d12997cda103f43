"""An Inspect log scored by several scorers, in the app at 80×24: one run per scorer
(``model · match``, ``model · model_graded_fact``), compared with ``m`` prompt by prompt, and a
warm load shows each scorer's prompt screens as a cold one does (the rows of one sample share its
record, so its text is read back once for both)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.test_screens import open_compare, screen_text, static, write_log
from tests.app.test_warm_app import snapshot

MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct"
MATCH = f"{MODEL} · match"
GRADED = f"{MODEL} · model_graded_fact"
#: Correct samples (of 2) per prompt q0…q3 by match; model_graded_fact grades every sample C.
MATCH_CORRECT = [0, 1, 2, 2]


def write_scored_log(path: Path) -> Path:
    """A log of 4 prompts × 2 epochs whose samples each have a match and a model_graded_fact
    score, the header reporting both (Inspect's eval_results: one EvalScore per scorer)."""
    import json

    write_log(path, MODEL, MATCH_CORRECT, samples=2)
    log = json.loads(path.read_text(encoding="utf-8"))
    for sample in log["samples"]:
        sample["scores"]["model_graded_fact"] = {"value": "C", "answer": "GRADE: C"}
    log["results"]["scores"] = [
        {"name": name, "scorer": name, "params": {}, "metrics": {}}
        for name in ("match", "model_graded_fact")
    ]
    path.write_text(json.dumps(log), encoding="utf-8")
    return path


async def test_each_scorer_is_a_run_and_compare_sets_them_side_by_side(
    tmp_path: Path, make_app: Any
) -> None:
    app = make_app(write_scored_log(tmp_path / "logs" / "log.json").parent)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(pilot)
        assert (screen.run_a, screen.run_b) == (MATCH, GRADED)
        shown = screen_text(app)
        labels = static(app, "#compare-labels")
        # both told apart on one line (the long model name is cut in its middle at 80 columns)
        a, b = labels.split("   B = ")
        assert a.endswith("match") and b.endswith("model_graded_fact") and "\n" not in labels
        # match 0/2, 1/2, 2/2, 2/2; graded 2/2 each: q0 +1.000, q1 +0.500, q2 and q3 unchanged.
        assert "4 prompts in both runs" in shown
        assert "improved 2" in shown and "regressed 0" in shown and "unchanged 2" in shown


async def test_a_warm_load_shows_each_scorers_texts_as_a_cold_one(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = write_scored_log(tmp_path / "logs" / "log.json").parent
    cache = tmp_path / "cache"

    def app() -> EvalApp:
        return EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), cache_dir=cache))

    for name in ("cold", "warm"):
        (tmp_path / name).mkdir()
    cold = await snapshot(app(), tmp_path / "cold")
    assert sorted(cold["stats"]["run"].unique().to_list()) == [MATCH, GRADED]
    assert cold["rows"] == 2 * 4 * 2  # two scorers × 4 prompts × 2 epochs
    again = await snapshot(app(), tmp_path / "warm")
    assert again["hits"] == 1 and again["held"] == again["rows"] == cold["rows"]
    assert again["stats"].equals(cold["stats"])
    assert again["texts"] == cold["texts"] and len(again["texts"]) == 8

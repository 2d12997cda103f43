"""A 0–1 score that is no accuracy (a per-doc f1, a rouge1, a reward) is called by its name.

Every run whose scores all fall within 0–1 was "accuracy (0–1), correct ≥ 0.5" in the header,
``summarize`` and ``compare``: lm-eval's drop ``f1`` per doc, a summary's ``rouge1``, a GRPO
reward model's 0.23. Their mean is a mean f1; "correct" (pass@k, maj@k, never/flaky/always) is
a threshold on it, said wherever those are shown. The numbers (the combined JSON, the Stats
table) are an accuracy's as before: only the words differ. An accuracy's own names, an Inspect
scorer's partial credit and a score the format does not name stay an accuracy; a plain file's
``score`` (verl's unit-test fraction) is a mean score.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data.compare import compare_runs
from evaltui.data.metrics import prompt_stats, score_kinds
from tests.data.test_scores import generations


def named_rows(metric: str | None, run: str = "r") -> Any:
    rows = [(run, str(p), score) for p, score in enumerate([0.0, 0.25, 0.5, 0.75, 1.0, 0.4])]
    extra = {} if metric is None else {"metric": [metric] * len(rows)}
    return generations(rows, **extra)


@pytest.mark.parametrize("metric", ["f1", "rouge1", "rougeL", "reward", "accuracy_reward"])
def test_a_0_1_measure_is_called_by_its_name_not_an_accuracy(metric: str) -> None:
    kind = score_kinds(named_rows(metric))["r"]
    # The numbers an accuracy has: its kind, its threshold (pass@k and n_correct count on it).
    assert (kind.kind, kind.threshold, kind.accuracy) == ("fraction", 0.5, True)
    assert not kind.rate
    assert kind.describe() == f"{metric}: 0–1 score 0–1, not an accuracy, correct ≥ 0.5"
    assert kind.short() == f"{metric} 0–1 score"
    assert kind.mean_word() == f"mean {metric}"


@pytest.mark.parametrize("metric", [None, "acc", "exact_match", "match", "model_graded_fact"])
def test_partial_credit_of_a_correctness_check_stays_an_accuracy(metric: str | None) -> None:
    """A plain file's ``accuracy`` 0/0.5/1 (unnamed), lm-eval's ``acc``, an Inspect scorer's
    C/I/P (``match``: P is 0.5, which Inspect's own accuracy() averages)."""
    kind = score_kinds(named_rows(metric))["r"]
    assert kind.rate and kind.mean_word() == "accuracy"
    prefix = f"{metric}: " if metric else ""
    assert kind.describe() == prefix + "accuracy (0–1, partial credit), correct ≥ 0.5"


def test_a_plain_files_0_1_score_is_a_mean_score_its_accuracy_field_an_accuracy(
    tmp_path: Path, word_tokenizer: Path, capsys: Any
) -> None:
    """verl's ``score`` (the share of a problem's unit tests passed: 0.25, 0.75) read "accuracy
    0.4688" in the header, "accuracy (0–1, partial credit)" under it and "accuracy completed" in
    triage, beside a pass@1 of 58% on the same generations: a person read the share of problems
    solved. It is the mean score now (the app's column says ``mean score`` from the same words);
    a field named ``accuracy`` with 0/0.5/1 stays an accuracy, a 0/1 ``score`` one too. The
    combined JSON's numbers are as before."""
    scores = [0.0, 0.25, 0.75, 1.0, 0.5, 0.25, 1.0, 0.0]
    for field in ("score", "accuracy"):
        folder = tmp_path / field / "verl"
        folder.mkdir(parents=True)
        records = [
            {"prompt": f"P{i // 2}", "response": "def f(): ...", "ground_truth": "t", field: s}
            for i, s in enumerate(scores)
        ]
        (folder / "val.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    binary = tmp_path / "binary" / "verl"
    binary.mkdir(parents=True)
    (binary / "val.jsonl").write_text(
        "".join(json.dumps({"prompt": "P", "response": "r", "score": s}) + "\n" for s in (0, 1))
    )
    base = ["--model", str(word_tokenizer), "--no-cache"]

    out = tmp_path / "score.json"
    assert main(["summarize", str(tmp_path / "score"), "-o", str(out), *base]) == 0
    err = capsys.readouterr().err
    assert "mean score   0.4688 mean score over scored generations" in err, err
    assert "verl: 0–1 score 0–1, not an accuracy, correct ≥ 0.5" in err
    assert "; mean score completed 46.9% vs truncated" in err
    assert "accuracy (" not in err and "\naccuracy " not in err
    records = json.loads(out.read_text(encoding="utf-8"))
    assert {r["score_kind"] for r in records} == {"fraction"}
    assert {r["correct_threshold"] for r in records} == {0.5}
    assert [r["average_accuracy"] for r in records] == [0.125, 0.875, 0.375, 0.5]
    from evaltui.app.display import mean_header

    # The app's column is named from the same words: "mean score", not "accuracy".
    assert mean_header(pl.DataFrame(records)) == "mean score"

    assert main(["summarize", str(tmp_path / "accuracy"), "-o", str(out), *base]) == 0
    err = capsys.readouterr().err
    assert "accuracy     0.4688 mean score over scored generations" in err, err
    assert "verl: accuracy (0–1, partial credit), correct ≥ 0.5" in err
    assert "; accuracy completed 46.9% vs truncated" in err

    assert main(["summarize", str(tmp_path / "binary"), "-o", str(out), *base]) == 0
    err = capsys.readouterr().err
    assert "accuracy     0.5000 mean score over scored generations" in err, err
    assert "verl: accuracy (0/1)\n" in err


def test_runs_of_a_measure_beside_an_accuracy_are_mean_scores() -> None:
    from evaltui.data.metrics import rates_word

    gens = generations(
        [("a", "1", 0.5), ("a", "2", 1.0), ("b", "1", 0.25), ("b", "2", 0.5)],
        metric=["acc", "acc", "f1", "f1"],
    )
    kinds = score_kinds(gens)
    assert rates_word(kinds, ["a"]) == "accuracy"
    assert rates_word(kinds, ["b"]) == "mean f1"
    assert rates_word(kinds, ["a", "b"]) == "mean score"  # an accuracy is a mean score too


def test_compare_of_two_f1_runs_says_mean_f1_in_points() -> None:
    rows = [(run, str(p), (p + (run == "b")) / 5) for run in "ab" for p in range(4)]
    stats = prompt_stats(generations(rows, metric=["f1"] * len(rows)))
    lines = compare_runs(stats, "a", "b").report().splitlines()
    assert lines[0].startswith("a → b in mean f1: +20.0 pts, 95% CI"), lines
    assert lines[1] == "mean f1 on those 4 prompts: a 30.0% → b 50.0%", lines
    # What made a prompt "always" or "never" in the matrix is said.
    assert any(line.startswith("transitions (a → b; correct: score ≥ 0.5)") for line in lines)


def drop_samples(folder: Path) -> Path:
    """An lm-eval 0.4.13 samples file of a drop-like task: ``em`` and ``f1`` per doc."""
    folder.mkdir(parents=True)
    records = []
    for doc_id, f1 in enumerate([0.0, 0.4, 0.67, 1.0, 0.25, 0.5]):
        records.append(
            {
                "doc_id": doc_id,
                "doc": {"passage": f"passage {doc_id}", "question": f"How many {doc_id}?"},
                "target": str(doc_id),
                "arguments": {
                    "gen_args_0": {
                        "arg_0": f"Passage {doc_id}\nQuestion: How many {doc_id}?\nAnswer:",
                        "arg_1": {"until": ["."]},
                    }
                },
                "resps": [[f" {doc_id} yards"]],
                "filtered_resps": [f" {doc_id} yards"],
                "filter": "none",
                "metrics": ["em", "f1"],
                "doc_hash": "a",
                "prompt_hash": "b",
                "target_hash": "c",
                "em": float(f1 == 1.0),
                "f1": f1,
            }
        )
    path = folder / "samples_drop_2026-11-23T19-49-48.073567.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_summarize_says_mean_f1_and_keeps_an_accuracys_numbers(
    tmp_path: Path, word_tokenizer: Path, capsys: Any
) -> None:
    drop_samples(tmp_path / "evals" / "org__model")
    out = tmp_path / "combined.json"
    argv = ["summarize", str(tmp_path / "evals"), "--metric", "f1", "-o", str(out)]
    argv += ["--model", str(word_tokenizer), "--no-cache", "--table", "text"]
    assert main(argv) == 0
    said = capsys.readouterr()
    lines = said.err.splitlines()
    assert "mean f1      0.4700 mean score over scored generations" in said.err, said.err
    assert not any(line.startswith("accuracy ") for line in lines), said.err
    assert "f1: 0–1 score 0–1, not an accuracy, correct ≥ 0.5" in said.err
    assert "f1 0–1 score" in said.out  # the table's score row
    records = json.loads(out.read_text(encoding="utf-8"))
    # The combined JSON as before: an accuracy's kind, threshold and counts.
    assert {r["score_kind"] for r in records} == {"fraction"}
    assert {r["score_metric"] for r in records} == {"f1"}
    assert {r["correct_threshold"] for r in records} == {0.5}
    assert [r["n_correct"] for r in records] == [0, 0, 1, 1, 0, 1]
    assert [r["average_accuracy"] for r in records] == [0.0, 0.4, 0.67, 1.0, 0.25, 0.5]


def test_a_rollouts_reward_is_a_mean_reward(tmp_path: Path, word_tokenizer: Path) -> None:
    """A TRL/OpenRLHF-style rollout dump with a reward model's 0–1 ``reward`` per completion:
    "accuracy (0–1)" in every view, its field's name dropped (a TRL table's summed ``reward``
    beside reward functions' columns was named already). The numbers stay an accuracy's."""
    from evaltui.data.loader import LoadOptions, load
    from evaltui.data.metrics import run_kinds

    folder = tmp_path / "grpo"
    folder.mkdir()
    rewards = [0.23, 0.81, 0.07, 0.64, 0.5, 0.12]
    records = [
        {"prompt": f"Q{i // 2}", "completion": f"c{i}", "reward": r} for i, r in enumerate(rewards)
    ]
    (folder / "rollouts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    result = load([folder], LoadOptions(model=str(word_tokenizer), use_cache=False))
    kind = run_kinds(result.stats)["grpo"]
    assert (kind.kind, kind.metric, kind.threshold) == ("fraction", "reward", 0.5)
    assert kind.describe() == "reward: 0–1 score 0.07–0.81, not an accuracy, correct ≥ 0.5"
    assert result.stats["n_correct"].to_list() == [1, 1, 1]
    assert result.stats["average_accuracy"].to_list() == pytest.approx([0.52, 0.355, 0.31])


@pytest.mark.parametrize("field", ["f1", "rouge1", "bleu", "accuracy_reward"])
def test_a_plain_score_field_given_by_flag_is_named_as_a_found_one(
    tmp_path: Path, word_tokenizer: Path, capsys: Any, field: str
) -> None:
    """``--score-field f1`` (rouge1, bleu, a reward function's column) of a plain file read
    "accuracy 0.4700" and "accuracy (0–1, partial credit)": only ``score``, ``reward`` and a
    loss's name were named. Its name says what it measures (metrics.MEASURE_NAME), as the same
    f1 read from a dict of scores (``"scores": {"f1": …}``) or lm-eval's says it: a mean f1 in
    summarize, compare and the app's column; the numbers an accuracy's as before."""
    f1s = [0.0, 0.4, 0.67, 1.0, 0.25, 0.5]
    flat, in_dict = tmp_path / "flat" / "run", tmp_path / "dict" / "run"
    for folder, score in (
        (flat, lambda v: {field: v}),
        (in_dict, lambda v: {"scores": {field: v}}),
    ):
        folder.mkdir(parents=True)
        records = [
            {"prompt": f"Q{i}", "gen": "the answer", "answer": "1", **score(v)}
            for i, v in enumerate(f1s)
        ]
        (folder / "run.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    base = ["--model", str(word_tokenizer), "--no-cache"]
    said = {}
    for name, argv in (
        ("flat", [str(flat), "--score-field", field]),
        ("dict", [str(in_dict), "--metric", field]),
    ):
        out = tmp_path / f"{name}.json"
        assert main(["summarize", *argv, "-o", str(out), *base]) == 0
        err = capsys.readouterr().err
        said[name] = [line for line in err.splitlines() if line.startswith("mean ")]
        assert len(said[name]) == 1, err
        # (a name too long for the summary's 12-cell label is said after the value)
        label, after = f"mean {field}", "mean score"
        if len(label) > 12:
            label, after = after, label
        assert said[name][0] == (
            f"{label:<12} 0.4700 {after} over scored generations (runs whose score is within 0–1)"
        ), err
        assert f"run: {field}: 0–1 score 0–1, not an accuracy, correct ≥ 0.5" in err, err
        assert not any(line.startswith("accuracy ") for line in err.splitlines()), err
        records = json.loads(out.read_text(encoding="utf-8"))
        assert {r["score_metric"] for r in records} == {field}
        assert {(r["score_kind"], r["correct_threshold"]) for r in records} == {("fraction", 0.5)}
        assert [r["average_accuracy"] for r in records] == f1s
        from evaltui.app.display import mean_header

        assert mean_header(pl.DataFrame(records)) == "mean score"
    assert said["flat"] == said["dict"]

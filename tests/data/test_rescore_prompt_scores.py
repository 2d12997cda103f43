"""A prompt's own score (``prompt_score``) after a re-score: Inspect's epochs reducer applied again
to the epochs' new scores; a reduction evaltui does not know (a custom reducer, a sampling
script's per-line score) left out, the stored one kept beside as ``stored_prompt_score``.

It was kept as it was: re-scored by ``exact``, the toy log's at_least_2 prompt p1 (epochs C, I
stored; 42, 42 against 42 re-scored: both right) kept its stored 0 beside two right epochs, and
the summary's "doc score" and the combined JSON showed the stored verdicts' reduction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data.loader import LoadOptions, LoadResult, load
from evaltui.data.rescore import RescoreOptions, rescore, rescored_load
from tests.data.test_formats_inspect_reducers import (
    TASK,
    reduced_log,
    reduction,
    write_eval_with_reductions,
)

OPTS = LoadOptions(tokenize=False, use_cache=False)


def grader_missed(data: dict[str, Any]) -> dict[str, Any]:
    """The toy log with match's answer "" (it found no number in "答案：42", scored I) made
    "42": a grader's miss, its answer right by exact."""
    for sample in data["samples"]:
        score = sample["scores"]["match"]
        if score.get("answer") == "":
            score["answer"] = "42"
    return data


def reduced_eval(tmp_path: Path, reducer: str, stored: dict[str, float]) -> LoadResult:
    # The toy log: ids 3, p0, p1, two epochs each; stored match C C C then C I I; the epochs'
    # extracted answers 6 6 / 5 6 / 42 42 (the last a grader's miss: grader_missed) against
    # references 6, 5, 42: exact scores 1 1 / 1 0 / 1 1 (p1's second epoch, scored I, is right
    # by exact).
    data = grader_missed(reduced_log([reduction(reducer, stored)], [reducer]))
    write_eval_with_reductions(tmp_path / "x_AAA.eval", data)
    return load([tmp_path], OPTS)


def rescored_prompt_scores(result: LoadResult) -> tuple[pl.DataFrame, list[str]]:
    rescored = rescore(result, RescoreOptions("exact", use_cache=False))
    shown = rescored_load(result, rescored, OPTS)
    stats = shown.stats.sort("prompt_id")
    assert rescored.notes == []  # not told as files not scored
    return stats.select("prompt_id", "prompt_score", "stored_prompt_score"), rescored.prompt_notes


def test_at_least_k_is_applied_to_the_epochs_new_scores(tmp_path: Path) -> None:
    result = reduced_eval(tmp_path, "at_least_2", {"3": 1, "p0": 0, "p1": 0})
    stats, notes = rescored_prompt_scores(result)
    assert stats.rows() == [
        (f"{TASK}:3", 1.0, 1.0),
        (f"{TASK}:p0", 0.0, 0.0),
        (f"{TASK}:p1", 1.0, 0.0),  # both epochs right now: at least 2
    ]
    assert notes == [
        "x_AAA.eval: match: prompt_score is the at_least_2 of each sample's epochs under exact's"
        " scores, as Inspect's epochs reducer reduces them (3 prompts; the stored one is kept as"
        " stored_prompt_score)"
    ]


def test_the_generations_carry_the_new_prompt_score_too(tmp_path: Path) -> None:
    # The prompt screen, plots and exports read the generations: one prompt score per prompt.
    result = reduced_eval(tmp_path, "mode", {"3": "C", "p0": "I", "p1": "I"})
    rescored = rescore(result, RescoreOptions("exact", use_cache=False))
    shown = rescored_load(result, rescored, OPTS)
    by_prompt = shown.generations.group_by("prompt_id").agg(pl.col("prompt_score").unique())
    # mode of 1, 0 (a tie): the first seen, 1; of 1, 1: 1
    assert sorted(by_prompt.rows()) == [
        (f"{TASK}:3", [1.0]),
        (f"{TASK}:p0", [1.0]),
        (f"{TASK}:p1", [1.0]),
    ]


def test_a_custom_reducer_is_left_out_and_said(tmp_path: Path) -> None:
    result = reduced_eval(tmp_path, "my_reducer", {"3": 0.9, "p0": 0.4, "p1": 0.2})
    stats, notes = rescored_prompt_scores(result)
    assert stats["prompt_score"].to_list() == [None, None, None]
    assert stats["stored_prompt_score"].to_list() == [0.9, 0.4, 0.2]
    assert notes == [
        "x_AAA.eval: match: prompt_score was reduced by my_reducer, an epochs reducer evaltui"
        " cannot apply to exact's scores: left out for 3 prompts (the stored one is kept as"
        " stored_prompt_score)"
    ]


def test_a_prompt_score_of_unknown_reduction_is_left_out(tmp_path: Path) -> None:
    # A sampling script's line: 4 samples and their stored mean. Re-scored, the samples have
    # their own scores (2 of 4 right); 0.25 was the stored grader's, not exact's.
    path = tmp_path / "run" / "samples.jsonl"
    path.parent.mkdir()
    line = {"problem": "1+1?", "answer": "2", "responses": ["2", "3", "2", "4"], "accuracy": 0.25}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = load([path], OPTS)
    stats, notes = rescored_prompt_scores(result)
    assert stats.rows() == [(stats["prompt_id"][0], None, 0.25)]
    assert notes == [
        "samples.jsonl: prompt_score (the file's own score of each prompt, 1 prompt) is of the"
        " stored scores and cannot be worked out from exact's: left out under the new scores"
        " (kept as stored_prompt_score)"
    ]


def test_rescore_command_writes_the_new_prompt_score_and_the_stored_beside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in").mkdir()
    reduced_eval(tmp_path / "in", "at_least_2", {"3": 1, "p0": 0, "p1": 0})
    out = tmp_path / "c.json"
    assert main(["rescore", str(tmp_path / "in"), "--scorer", "exact", "-o", str(out)]) == 0
    rows = {r["prompt_id"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    assert rows[f"{TASK}:p1"]["prompt_score"] == 1.0
    assert rows[f"{TASK}:p1"]["stored_prompt_score"] == 0.0
    err = capsys.readouterr().err
    assert "prompt score x_AAA.eval: match: prompt_score is the at_least_2 of each sample's" in err
    assert "not scored" not in err


@pytest.mark.parametrize(
    ("reducer", "values", "expected"),
    [
        ("mean", [1.0, 0.0, 0.5], 0.5),
        ("max", [0.0, 0.5], 0.5),
        ("min", [1.0, 0.5], 0.5),
        ("median", [1.0, 0.0, 0.0, 1.0], 0.5),
        ("mode", [0.0, 1.0, 1.0], 1.0),
        ("mode", [0.0, 1.0], 0.0),  # a tie: the first seen (Counter.most_common)
        ("at_least_2", [1.0, 0.0, 1.0], 1.0),
        ("at_least_3", [1.0, 0.0, 1.0], 0.0),
        # pass@2 of 4 epochs, 1 right: 1 - C(3,2)/C(4,2) = 1 - 3/6
        ("pass_at_2", [1.0, 0.0, 0.0, 0.0], 0.5),
        ("pass_at_2", [1.0, 1.0, 1.0, 0.0], 1.0),  # fewer than 2 wrong: certain
        ("pass_at_1", [0.0, 0.0], 0.0),
        ("custom_thing", [1.0], None),
    ],
)
def test_reduce_epochs_worked_by_hand(
    reducer: str, values: list[float], expected: float | None
) -> None:
    from evaltui.data.rescore import reduce_epochs

    got = reduce_epochs(reducer, values)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


def test_the_summarys_doc_score_is_the_new_reduction(tmp_path: Path) -> None:
    # The summary (t) of the re-scored load: its "doc score" is the mean prompt score, now
    # the at_least_2 of exact's verdicts (1, 0, 1: 2/3); it was the stored one's (1, 0, 0).
    from evaltui.data.summary import summarize_runs

    result = reduced_eval(tmp_path, "at_least_2", {"3": 1, "p0": 0, "p1": 0})
    rescored = rescore(result, RescoreOptions("exact", use_cache=False))
    shown = rescored_load(result, rescored, OPTS)
    (summary,) = summarize_runs(shown.stats)
    (doc,) = [m for m in summary.metrics if m.name == "doc score"]
    assert doc.value == pytest.approx(2 / 3)


def test_the_generations_files_manifest_names_the_scorer(tmp_path: Path) -> None:
    # --generations' new_accuracy is the scorer's: its manifest said only kind 'rescore'.
    (tmp_path / "in").mkdir()
    reduced_eval(tmp_path / "in", "max", {"3": "C", "p0": "C", "p1": "C"})
    out, verdicts = tmp_path / "c.json", tmp_path / "v.jsonl"
    argv = ["rescore", str(tmp_path / "in"), "--scorer", "exact", "-o", str(out)]
    assert main([*argv, "--generations", str(verdicts), "-q"]) == 0
    manifest = json.loads((tmp_path / "v.jsonl.evaltui.json").read_text(encoding="utf-8"))
    assert manifest["evaltui"]["kind"] == "rescore"
    assert manifest["evaltui"]["rescored_with"] == "exact"


def test_the_reducer_comes_from_the_load_not_from_the_notes_wording(tmp_path: Path) -> None:
    # The notes are for people: without them (reworded, folded, or a load that tells none) the
    # re-score still knows at_least_2 and applies it to the new scores.
    import dataclasses

    result = reduced_eval(tmp_path, "at_least_2", {"3": 1, "p0": 0, "p1": 0})
    stats, notes = rescored_prompt_scores(dataclasses.replace(result, notes=[]))
    assert stats["prompt_score"].to_list() == [1.0, 0.0, 1.0]
    assert notes[0].startswith("x_AAA.eval: match: prompt_score is the at_least_2 of each")


def test_a_note_naming_a_reducer_is_no_reducer(tmp_path: Path) -> None:
    # A plain file's note quoting the Inspect note's words (its text comes from the input) is
    # not taken for a reducer: the file's line score stays of unknown reduction.
    import dataclasses

    from evaltui.data.formats.inspect_ai import REDUCED_BY

    path = tmp_path / "run" / "samples.jsonl"
    path.parent.mkdir()
    line = {"problem": "1+1?", "answer": "2", "responses": ["2", "3"], "accuracy": 0.5}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = load([path], OPTS)
    metric = result.generations["metric"][0] or ""
    forged = f"samples.jsonl: {metric}: {REDUCED_BY} max (…)"
    stats, _notes = rescored_prompt_scores(dataclasses.replace(result, notes=[forged]))
    assert stats.rows() == [(stats["prompt_id"][0], None, 0.5)]

"""Inspect AI: a task's epochs reducer other than the mean (``epochs_reducer``: max, mode,
at_least_k, pass_at_k, …). Inspect reduces each sample's epochs to one score and computes its
metrics over those; the log keeps them in ``reductions`` (``reductions.json`` in an .eval), one
entry per (scorer, reducer), ``reducer`` unset for the default mean. Logs are built from the real
toy log (ids 3, p0, p1; epochs 1 and 2; match C C C then C I I) as eval_results writes them.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import polars as pl

from tests.data.test_formats_inspect_runs import LOG, load_dir, write_json

TASK = LOG["eval"]["task"]


def reduced_log(reductions: list[dict[str, Any]], reducers: list[str]) -> dict[str, Any]:
    data = json.loads(json.dumps(LOG))
    data["eval"]["config"]["epochs_reducer"] = reducers
    data["reductions"] = reductions
    score = data["results"]["scores"][0]
    data["results"]["scores"] = [dict(score, reducer=r) for r in reducers]
    return data


def reduction(reducer: str | None, values: dict[Any, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "scorer": "match",
        "samples": [{"value": v, "sample_id": i} for i, v in values.items()],
    }
    if reducer is not None:
        entry["reducer"] = reducer
    return entry


def write_eval_with_reductions(path: Path, data: dict[str, Any]) -> Path:
    """An .eval as Inspect writes one: header.json, a member per (id, epoch), reductions.json."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        header = {k: v for k, v in data.items() if k not in ("samples", "reductions")}
        archive.writestr("header.json", json.dumps(header))
        for sample in data["samples"]:
            archive.writestr(
                f"samples/{sample['id']}_epoch_{sample['epoch']}.json", json.dumps(sample)
            )
        archive.writestr("reductions.json", json.dumps(data["reductions"]))
    return path


def prompt_scores(path: Path) -> tuple[dict[str, float | None], list[str]]:
    result = load_dir(path)
    stats = result.stats.sort("prompt_id")
    return dict(zip(stats["prompt_id"], stats["prompt_score"], strict=True)), result.notes


def test_the_max_reducer_is_the_prompts_score(tmp_path: Path) -> None:
    # epochs_reducer="max": max() of C and I is C (value_to_float orders them, the value is
    # kept), so every id is C, accuracy 1.0 in Inspect's results. Each prompt's score was the
    # mean of its epochs (p0 and p1 0.5) and nothing said Inspect reported 1.0 for them.
    data = reduced_log([reduction("max", {3: "C", "p0": "C", "p1": "C"})], ["max"])
    path = write_eval_with_reductions(tmp_path / "x_AAA.eval", data)
    scores, notes = prompt_scores(tmp_path)
    assert scores == {f"{TASK}:3": 1.0, f"{TASK}:p0": 1.0, f"{TASK}:p1": 1.0}
    stats = load_dir(path).stats.sort("prompt_id")
    assert stats["average_accuracy"].to_list() == [1.0, 0.5, 0.5]  # the epochs' own mean
    assert notes == [
        "x_AAA.eval: match: Inspect reduced each sample's epochs to one score by max (the task's"
        " epochs reducer; its metrics are over these): kept as prompt_score; each epoch keeps its"
        " own score, average_accuracy is their mean"
    ]


def test_a_reducer_after_the_mean_leaves_the_mean_in_a_json_log(tmp_path: Path) -> None:
    # epochs_reducer=["mean", "at_least_2"]: one reduction each, in that order (eval_results
    # loops over the reducers), the mean's with reducer "mean"; results.scores leads with the
    # mean's. The prompt's score is the mean of its epochs, as Inspect's headline is; it was the
    # at_least_2 reduction (0 for p0 and p1), called "the task's epochs reducer".
    data = reduced_log(
        [
            reduction("mean", {3: 1.0, "p0": 0.5, "p1": 0.5}),
            reduction("at_least_2", {3: 1, "p0": 0, "p1": 0}),
        ],
        ["mean", "at_least_2"],
    )
    write_json(tmp_path / "x_AAA.json", data)
    scores, notes = prompt_scores(tmp_path)
    assert set(scores.values()) == {None}
    stats = load_dir(tmp_path).stats.sort("prompt_id")
    assert stats["average_accuracy"].to_list() == [1.0, 0.5, 0.5]
    assert notes == [
        "x_AAA.json: match: Inspect reduced each sample's epochs by mean (the task's first"
        " epochs reducer, the score its results lead with) and by at_least_2: each prompt's score"
        " is the mean of its epochs (average_accuracy); the at_least_2 reduction is not shown"
    ]


def test_the_mean_then_max_in_an_eval_log(tmp_path: Path) -> None:
    # Epochs(2, reducer=["mean", "max"]): max would make p0 and p1 1.0; Inspect leads with the mean.
    data = reduced_log(
        [
            reduction("mean", {3: 1.0, "p0": 0.5, "p1": 0.5}),
            reduction("max", {3: "C", "p0": "C", "p1": "C"}),
        ],
        ["mean", "max"],
    )
    path = write_eval_with_reductions(tmp_path / "x_AAA.eval", data)
    scores, notes = prompt_scores(tmp_path)
    assert set(scores.values()) == {None}
    assert load_dir(path).reducers() == {}
    assert len(notes) == 1 and "by mean (the task's first epochs reducer" in notes[0]
    assert notes[0].endswith("the max reduction is not shown")


def test_a_reducer_before_the_mean_is_the_prompts_score(tmp_path: Path) -> None:
    # Epochs(2, reducer=["at_least_2", "mean"]): results.scores leads with at_least_2's.
    data = reduced_log(
        [
            reduction("at_least_2", {3: 1, "p0": 0, "p1": 0}),
            reduction("mean", {3: 1.0, "p0": 0.5, "p1": 0.5}),
        ],
        ["at_least_2", "mean"],
    )
    write_json(tmp_path / "x_AAA.json", data)
    scores, notes = prompt_scores(tmp_path)
    assert scores == {f"{TASK}:3": 1.0, f"{TASK}:p0": 0.0, f"{TASK}:p1": 0.0}
    assert notes == [
        "x_AAA.json: match: Inspect reduced each sample's epochs to one score by at_least_2 (the"
        " task's first epochs reducer, the score its results lead with; its metrics are over"
        " these): kept as prompt_score; each epoch keeps its own score, average_accuracy is their"
        " mean"
    ]


def test_the_default_mean_reduction_adds_no_prompt_score(tmp_path: Path) -> None:
    # The toy log as Inspect wrote it: one reduction without a reducer (the mean).
    write_json(tmp_path / "x_AAA.json", LOG)
    scores, notes = prompt_scores(tmp_path)
    assert set(scores.values()) == {None} and notes == []


def test_a_dict_score_reduced_by_max_reads_the_reported_key(tmp_path: Path) -> None:
    # A scorer of a dict value (sus-www's winrate, …) reduced by max: its reduction is a dict too.
    data = reduced_log(
        [reduction("max", {3: {"a": 0.25, "b": 1}, "p0": {"a": 0.75, "b": 0}, "p1": {"a": 0.0}})],
        ["max"],
    )
    for sample in data["samples"]:
        sample["scores"]["match"]["value"] = {"a": 0.5, "b": 1}
    data["results"]["scores"] = [
        {"name": "a", "scorer": "match", "reducer": "max", "params": {}, "metrics": {}}
    ]
    write_json(tmp_path / "x_AAA.json", data)
    result = load_dir(tmp_path)
    stats = result.stats.sort("prompt_id")
    assert stats["prompt_score"].to_list() == [0.25, 0.75, 0.0]
    assert result.generations.filter(pl.col("prompt_score").is_null()).height == 0


def test_the_reader_names_the_reducer_as_a_field_not_only_in_its_note(tmp_path: Path) -> None:
    # The re-score applies the reducer again: it learns it from this field, never from the
    # note's wording (which is for people and may change).
    from evaltui.data.formats import get_reader
    from evaltui.data.formats.base import ReadOptions

    data = reduced_log(
        [
            reduction("at_least_2", {3: 1, "p0": 0, "p1": 0}),
            reduction("mean", {3: 1.0, "p0": 0.5, "p1": 0.5}),
        ],
        ["at_least_2", "mean"],
    )
    path = write_eval_with_reductions(tmp_path / "x_AAA.eval", data)
    result = get_reader("inspect").read(path, "x_AAA.eval", ReadOptions())
    assert result.reducers == {"match": "at_least_2"}
    write_json(tmp_path / "plain" / "x_BBB.json", LOG)  # the default mean: no reducer named
    plain = get_reader("inspect").read(tmp_path / "plain" / "x_BBB.json", "x", ReadOptions())
    assert plain.reducers == {}


def test_the_load_carries_the_reducer_per_file_through_the_cache(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    from evaltui.data.loader import LoadOptions, load

    data = reduced_log([reduction("max", {3: "C", "p0": "C", "p1": "C"})], ["max"])
    (tmp_path / "logs").mkdir()
    write_eval_with_reductions(tmp_path / "logs" / "x_AAA.eval", data)
    # Headless (no text kept): a warm load takes the file's rows from the cache, unparsed.
    options = LoadOptions(
        model=str(word_tokenizer), cache_dir=tmp_path / "cache", num_proc=1, keep_text=False
    )
    for _warm in (False, True):
        result = load([tmp_path / "logs"], options)
        assert [f.reducers for f in result.files] == [{"match": "max"}]
        assert result.reducers() == {("x_AAA.eval", "match"): "max"}
    assert result.cache_hits == 1  # the second load's rows came from the cache


def test_a_followed_log_keeps_its_reducer_and_takes_a_new_one(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    # Following a log (the app with --follow, then R): each file's reducer is the last read's.
    import os

    from evaltui.data.follow import Follower
    from evaltui.data.loader import LoadOptions

    logs = tmp_path / "logs"
    logs.mkdir()
    target = logs / "x_AAA.eval"
    data = reduced_log([reduction("max", {3: "C", "p0": "C", "p1": "C"})], ["max"])
    write_eval_with_reductions(target, data)
    follower = Follower([logs], LoadOptions(model=str(word_tokenizer), use_cache=False))
    follower.load()
    assert follower.result().reducers() == {("x_AAA.eval", "match"): "max"}
    data = reduced_log([reduction("at_least_2", {3: 1, "p0": 0, "p1": 0})], ["at_least_2"])
    write_eval_with_reductions(target, data)
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    for _ in range(5):  # a changed document may be held one look to see it settle
        follower.poll()
    assert follower.result().reducers() == {("x_AAA.eval", "match"): "at_least_2"}


FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "inspect_ai"


def test_a_log_before_0_3_4x_keeps_its_reductions_in_results(tmp_path: Path) -> None:
    # Inspect ≤0.3.4x wrote the reductions as results.sample_reductions (log_formats.json of
    # its tests, 0.3.41); its EvalLog reads them from there. The max reduction was lost: each
    # prompt's score was the mean of its epochs (sample 1: 0.5) and nothing named the reducer.
    folder = FIXTURES / "sample_reductions_0_3_4x"
    scores, notes = prompt_scores(folder)
    assert scores == {"addition:1": 1.0, "addition:2": 0.0}
    assert load_dir(folder).stats.sort("prompt_id")["average_accuracy"].to_list() == [0.5, 0.0]
    assert len(notes) == 1 and "match: Inspect reduced each sample's epochs to one" in notes[0]
    # The same log with both keys (Inspect ≥0.3.4x writes them twice): read once, as before.
    data = reduced_log([reduction("max", {3: "C", "p0": "C", "p1": "I"})], ["max"])
    data["results"]["sample_reductions"] = data["reductions"]
    write_json(tmp_path / "x_AAA.json", data)
    assert prompt_scores(tmp_path)[0] == {f"{TASK}:3": 1.0, f"{TASK}:p0": 1.0, f"{TASK}:p1": 0.0}

"""Score kinds: accuracies vs continuous metrics, thresholds per run, non-finite scores.

The two published lm-eval runs (copied from /work/shared/formats/real-world, see
tests/fixtures/real_world) are worked out by hand:

* tgpred (polymer_tg_prediction, gpt-4o-mini, lm-eval 0.4.8): 24 docs, one generation each, metric
  ``mae``; the results file says ``higher_is_better: {"mae": false}``. 17 docs have ``"mae":
  Infinity`` (the answer was "Tg: 200", not a number), 7 are finite: 259.6069226, 238.413054,
  140.4411622, 175.526682925, 144.0828985, 103.42511779, 246.8012872 (docs 1, 8, 10, 11, 13, 14,
  17). Sum 1308.29589769..., mean of the finite ones 186.89941395...; min 103.42511779, max
  259.6069226. The harness's own aggregate (results file) is ``"mae,none": Infinity``.
* truthfulqa_gen (EleutherAI/gpt-neo-125M, lm-eval 0.4.8): 20 docs, one generation each; the first
  listed metric is ``bleu_max`` (0–100 scale), higher is better. Mean 19.68360650111544 -- exactly
  the results file's ``"bleu_max,none"`` --, min 2.8398387225677895 (doc 16), max
  61.47881529512643 (doc 17).
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import polars as pl
import pytest

from evaltui.data.compare import compare_runs
from evaltui.data.export import combined_records, write_combined_json, write_json
from evaltui.data.loader import LoadOptions, load
from evaltui.data.metrics import (
    ScoreKind,
    Thresholds,
    prompt_stats,
    run_kinds,
    score_kinds,
)
from evaltui.data.schema import conform
from evaltui.data.summary import render_table, summarize_runs
from tests.conftest import write_jsonl

FIXTURES = Path(__file__).parent.parent / "fixtures" / "real_world" / "lm_eval"
RESULTS = FIXTURES / "lm-evaluation-harness" / "results"
TGPRED = RESULTS / "tgpred.json" / "gpt-4o-mini"
TGPRED_FINITE = [
    259.6069226,
    238.413054,
    140.4411622,
    175.526682925,
    144.0828985,
    103.42511779,
    246.8012872,
]
BLEU_MEAN = 19.68360650111544  # the results file's "bleu_max,none"


def truthfulqa(tmp_path: Path) -> Path:
    """The truthfulqa samples and its (renamed) results file, alone in a folder."""
    folder = tmp_path / "tq"
    folder.mkdir()
    for name in (
        "samples_truthfulqa_gen_2025-05-31T14-30-51.983293.jsonl",
        "truthfulqa_gen_neo125_2025-05-31T14-30-51.983293.json",
    ):
        (folder / name).write_bytes((RESULTS / name).read_bytes())
    return folder


def truthfulqa_scored_twice(tmp_path: Path) -> tuple[Path, Path]:
    """:func:`truthfulqa` (scored by bleu_max, 0-100) and a copy of it scored by bleu_acc (0/1),
    under another model's name: two runs whose scores are not the same measure."""
    first = truthfulqa(tmp_path)
    second = tmp_path / "acc"
    second.mkdir()
    for path in first.iterdir():
        text = path.read_text(encoding="utf-8")
        if path.name.startswith("samples_"):
            records = [json.loads(line) for line in text.splitlines()]
            for record in records:
                record["metrics"] = ["bleu_acc"]
                del record["bleu_max"]
            text = "".join(json.dumps(r) + "\n" for r in records)
        else:
            text = text.replace("EleutherAI/gpt-neo-125M", "EleutherAI/pythia-160m")
        (second / path.name).write_text(text, encoding="utf-8")
    return first, second


def load_quick(paths: list[Path], thresholds: Thresholds | None = None):  # type: ignore[no-untyped-def]
    options = LoadOptions(
        tokenize=False, use_cache=False, correct_threshold=thresholds or Thresholds()
    )
    return load(paths, options)


# --- the published runs -----------------------------------------------------------------------


def test_tgpred_mae_is_continuous_lower_is_better_with_infinities_kept() -> None:
    result = load_quick([TGPRED])
    assert result.errors == []
    kind = run_kinds(result.stats)["gpt-4o-mini"]
    assert kind == ScoreKind(
        "gpt-4o-mini",
        "continuous",
        "mae",
        False,  # from the results file's higher_is_better
        None,  # no threshold given: no "correct"
        103.42511779,
        259.6069226,
        17,
    )
    stats = result.stats
    assert stats.height == 24
    assert stats["n_scored"].to_list() == [1] * 24  # Infinity is a score, counted
    assert int(stats["n_nonfinite"].sum()) == 17
    # Never "correct", pass@1 or maj@1 without a threshold (they were 24/24 = 100 % before).
    assert stats["n_correct"].null_count() == 24
    assert stats["pass@1"].null_count() == 24
    assert stats["maj@1"].null_count() == 24
    by_doc = dict(zip(stats["prompt_id"], stats["average_accuracy"], strict=True))
    assert by_doc["polymer_tg_prediction:0"] == math.inf  # kept, not dropped from the sum
    assert by_doc["polymer_tg_prediction:1"] == 259.6069226
    assert stats["total_accuracy_count"].to_list() == stats["average_accuracy"].to_list()
    assert stats.filter(pl.col("average_accuracy").is_finite())["min_score"].to_list() == (
        TGPRED_FINITE
    )


def test_tgpred_run_summary_mean_is_inf_and_mean_of_finite_is_hand_worked() -> None:
    (summary,) = summarize_runs(load_quick([TGPRED]).stats)
    metrics = {m.name: m for m in summary.metrics}
    assert set(metrics) == {"mean", "mean of finite"}  # no pass@k, maj@k, cons@k, G-Pass
    assert metrics["mean"].value == math.inf  # what the harness reports too ("mae,none": Infinity)
    assert math.isnan(metrics["mean"].low) and not metrics["mean"].percent
    assert metrics["mean of finite"].value == pytest.approx(sum(TGPRED_FINITE) / 7)
    assert metrics["mean of finite"].value == pytest.approx(186.89941395)
    assert metrics["mean of finite"].prompts == 7
    text = render_table([summary])
    assert "mae continuous ↓" in text
    assert "inf  (17 of 24 infinite)" in text  # no interval: the prompts that make it inf
    assert "186.9* [" in text  # over the 7 finite prompts, marked
    assert "gpt-4o-mini: mean of finite over 7 of 24 prompts" in text
    assert "pass@1" not in text
    assert ["never/flaky/always", "–"] in [line.split() for line in text.splitlines()]


def test_threshold_per_run_makes_mae_correct_at_most_the_threshold() -> None:
    # mae <= 150: 140.4411622, 144.0828985, 103.42511779 -> 3 of 24; Infinity is never correct.
    result = load_quick([TGPRED], Thresholds.parse(["gpt-4o-mini=150"]))
    kind = run_kinds(result.stats)["gpt-4o-mini"]
    assert kind.threshold == 150.0 and kind.kind == "continuous"
    assert int(result.stats["n_correct"].sum()) == 3
    (summary,) = summarize_runs(result.stats)
    metrics = {m.name: m.value for m in summary.metrics}
    assert metrics["pass@1"] == pytest.approx(3 / 24)
    assert metrics["mean"] == math.inf  # the mean is still shown
    assert summary.spectrum == {"never": 21, "flaky": 0, "always": 3, "unscored": 0}


def test_truthfulqa_bleu_max_is_continuous_0_100_with_the_harness_mean(tmp_path: Path) -> None:
    result = load_quick([truthfulqa(tmp_path)])
    (run,) = run_kinds(result.stats)
    kind = run_kinds(result.stats)[run]
    assert run == "EleutherAI/gpt-neo-125M"
    assert (kind.kind, kind.metric, kind.higher_is_better, kind.threshold) == (
        "continuous",
        "bleu_max",
        True,
        None,
    )
    assert kind.low == pytest.approx(2.8398387225677895)
    assert kind.high == pytest.approx(61.47881529512643)
    (summary,) = summarize_runs(result.stats)
    metrics = {m.name: m for m in summary.metrics}
    assert list(metrics) == ["mean"]  # no "avg@1 1968.4 %", no pass@1 100 %
    assert metrics["mean"].value == pytest.approx(BLEU_MEAN)
    text = render_table([summary])
    assert "19.68  [" in text and "%" not in text.split("\n")[4]


def test_one_threshold_for_every_run_applies_to_continuous_runs_too(tmp_path: Path) -> None:
    # bleu_max >= 20: 41.113, 47.022, 42.401, 39.108, 33.472, 61.479 -> 6 of 20 docs.
    result = load_quick([truthfulqa(tmp_path), TGPRED], Thresholds.parse(["20"]))
    kinds = run_kinds(result.stats)
    assert {k.threshold for k in kinds.values()} == {20.0}
    per_run = result.stats.group_by("run").agg(pl.col("n_correct").sum()).rows()
    # mae <= 20: none of the finite ones.
    assert dict(per_run) == {"EleutherAI/gpt-neo-125M": 6, "gpt-4o-mini": 0}


# --- kinds from values and names --------------------------------------------------------------


def generations(rows: list[tuple[str, str, float | None]], **extra: list[object]) -> pl.DataFrame:
    """(run, prompt_id, score) rows as a generation frame (extra columns by name)."""
    runs, ids, scores = zip(*rows, strict=True)
    data: dict[str, object] = {
        "run": list(runs),
        "prompt_id": list(ids),
        "prompt": [f"q{i}" for i in ids],
        "gen": ["x"] * len(rows),
        "accuracy": list(scores),
        **extra,
    }
    return conform(pl.DataFrame(data, strict=False), with_lengths=True)


def test_kinds_from_values_when_the_format_says_nothing() -> None:
    gens = generations(
        [
            ("bin", "1", 1.0),
            ("bin", "2", 0.0),
            ("frac", "1", 0.5),  # Inspect "P" partial credit
            ("frac", "2", 1.0),
            ("pct", "1", 87.5),  # a 0-100 score: never a fraction
            ("none", "1", None),
        ]
    )
    kinds = score_kinds(gens)
    assert [(k.kind, k.threshold, k.higher_is_better) for k in kinds.values()] == [
        ("binary", 0.5, True),
        ("fraction", 0.5, True),
        ("continuous", None, None),  # direction unknown: said, not invented
        ("unscored", None, None),
    ]
    assert kinds["pct"].describe() == "continuous 87.5–87.5, direction unknown"
    assert kinds["bin"].describe() == "accuracy (0/1)"
    # Partial credit: which scores count as correct (pass@k, maj@k) is said, the default too.
    assert kinds["frac"].describe() == "accuracy (0–1, partial credit), correct ≥ 0.5"


def test_direction_from_a_well_known_metric_name_and_from_the_format() -> None:
    gens = generations(
        [("a", "1", 0.2), ("a", "2", 0.4), ("b", "1", 0.2), ("c", "1", 0.2)],
        metric=["eval_loss", "eval_loss", "wer", "f1"],
        higher_is_better=[None, None, None, None],
    )
    kinds = score_kinds(gens)
    # 0-1 values, but lower is better: not an accuracy ("correct >= 0.5" would be backwards).
    assert (kinds["a"].kind, kinds["a"].higher_is_better) == ("continuous", False)
    assert (kinds["b"].kind, kinds["b"].higher_is_better) == ("continuous", False)
    assert (kinds["c"].kind, kinds["c"].higher_is_better) == ("fraction", True)
    # An lm-eval group run: bleu_max (0-100) and acc (0/1) of its tasks under one run label.
    mixed = generations(
        [("g", "1", 19.5), ("g", "2", 1.0)],
        metric=["bleu_max", "acc"],
        higher_is_better=[True, True],
    )
    assert score_kinds(mixed)["g"].describe() == (
        "bleu_max, acc: continuous 1–19.5, several metrics in one mean (filter by task), "
        "higher is better"
    )
    stated = generations([("a", "1", 0.2)], metric=["mystery"], higher_is_better=[False])
    assert score_kinds(stated)["a"].higher_is_better is False


def test_nan_scores_are_counted_kept_and_never_correct() -> None:
    gens = generations([("r", "1", math.nan), ("r", "1", 3.0), ("r", "2", 2.0)])
    stats = prompt_stats(gens, Thresholds(1.0))
    first = stats.row(0, named=True)
    assert first["n_scored"] == 2 and first["n_nonfinite"] == 1
    assert math.isnan(first["total_accuracy_count"])  # not 3.0 with n_scored 2
    assert first["n_correct"] == 1  # 3.0 >= 1; NaN is not (polars would say NaN >= 1)
    assert (first["min_score"], first["max_score"]) == (3.0, 3.0)


def test_thresholds_parse() -> None:
    parsed = Thresholds.parse(["0.7", "model=a=3", "b=0.1", "b=0.2"])
    assert parsed.default == 0.7
    assert parsed.for_run("model=a", accuracy=False) == 3.0  # a label holding "=" stays whole
    assert parsed.for_run("b", accuracy=True) == 0.2  # the last one wins
    assert parsed.for_run("other", accuracy=False) == 0.7
    assert Thresholds().for_run("x", accuracy=True) == 0.5
    assert Thresholds().for_run("x", accuracy=False) is None
    assert parsed.unknown_runs(["b"]) == ["model=a"]
    for bad in ("high", "=0.5", "r=inf", "nan"):
        with pytest.raises(ValueError, match="--correct-threshold"):
            Thresholds.parse([bad])


# --- non-finite values in files and in what evaltui writes -------------------------------------


def test_non_finite_plain_scores_are_shown_unscored_with_a_note(tmp_path: Path) -> None:
    """A plain record's writer is the user's own script, whose json.dumps writes a
    float('nan') (a grader that failed) as NaN: the generation is shown, unscored, and a note
    names the lines. Each was a bad line 'score nan is not a finite number (this format writes
    none)', its generation not shown. A number too large for a float stays the line's error."""
    path = tmp_path / "d" / "r" / "a.jsonl"
    write_jsonl(path, [{"prompt": "p", "gen": "g", "accuracy": 1}])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"prompt": "q", "gen": "g", "accuracy": Infinity}\n')
        handle.write('{"prompt": "s", "gen": "g", "accuracy": 1e999}\n')
        handle.write('{"prompt": "t", "gen": "g", "accuracy": NaN}\n')
        handle.write('{"prompt": "u", "gen": "g", "accuracy": "-inf"}\n')
        handle.write('{"prompt": "w", "gen": "g", "accuracy": 1' + "0" * 400 + "}\n")
        handle.write('{"prompt": "v", "gen": "g", "accuracy": 0}\n')
        handle.write('{"prompt": "x", "responses": ["a", "b"], "scores": [NaN, 1]}\n')
    result = load_quick([tmp_path / "d"])
    stats = result.stats.sort("prompt")
    assert stats.select("prompt", "count", "n_correct").rows() == [
        ("p", 1, 1),
        ("q", 1, None),  # unscored: no count of correct ones (it was 0)
        ("s", 1, None),
        ("t", 1, None),
        ("u", 1, None),
        ("v", 1, 0),
        ("x", 2, 1),
    ]
    scores = dict(zip(stats["prompt"], stats["average_accuracy"], strict=True))
    assert [scores[p] for p in "qstu"] == [None] * 4  # unscored, not 0 and not NaN
    assert scores["x"] == 1.0  # its scored sample alone
    assert [(e.line, "too large" in e.reason) for e in result.errors] == [(6, True)]
    assert [note for note in result.notes if "NaN" in note] == [
        "r/a.jsonl: a NaN or infinite score on 5 lines (2, 3, 4, 5, 8), as a script's"
        " json.dumps writes float('nan') or float('inf'): shown unscored"
    ]


def test_combined_json_writes_non_finite_as_strings_that_round_trip(tmp_path: Path) -> None:
    stats = load_quick([TGPRED]).stats
    out = write_combined_json(stats, tmp_path / "c.json")
    text = out.read_text(encoding="utf-8")

    def reject(constant: str) -> None:
        raise AssertionError(f"invalid JSON constant {constant}")

    records = json.loads(text, parse_constant=reject)  # strict JSON: no bare Infinity/NaN
    first = records[0]
    assert first["average_accuracy"] == "Infinity" and first["total_accuracy_count"] == "Infinity"
    assert first["n_nonfinite"] == 1 and first["n_scored"] == 1 and first["n_correct"] is None
    assert (first["score_kind"], first["score_metric"], first["higher_is_better"]) == (
        "continuous",
        "mae",
        False,
    )
    assert first["correct_threshold"] is None and first["pass@1"] is None
    # Round trip: float() in the stdlib, a cast in polars, give back the very numbers.
    back = [float(r["average_accuracy"]) for r in records]
    assert back == stats["average_accuracy"].to_list()
    frame = pl.read_json(io.StringIO(text), infer_schema_length=None)
    assert frame["average_accuracy"].cast(pl.Float64).to_list() == back
    assert combined_records(stats.head(2))[1]["average_accuracy"] == 259.6069226


def test_write_json_nested_non_finite(tmp_path: Path) -> None:
    out = write_json({"a": [math.inf, -math.inf, math.nan, 1.5]}, tmp_path / "x.json")
    assert json.loads(out.read_text()) == {"a": ["Infinity", "-Infinity", "NaN", 1.5]}


# --- comparing continuous runs ----------------------------------------------------------------


def mae_runs() -> pl.DataFrame:
    """Two runs of an mae task (lower is better), one generation per prompt."""
    rows = [
        ("a", "1", math.inf),
        ("b", "1", math.inf),  # inf - inf = NaN: not comparable, never "improved"
        ("a", "2", 10.0),
        ("b", "2", 5.0),  # -5: improved (lower)
        ("a", "3", 1.0),
        ("b", "3", 2.0),  # +1: regressed
        ("a", "4", math.inf),
        ("b", "4", 3.0),  # -inf: improved
        ("a", "5", 4.0),
        ("b", "5", 4.0),  # unchanged
    ]
    gens = generations(rows, metric=["mae"] * 10, higher_is_better=[False] * 10)
    return prompt_stats(gens)


def test_compare_partial_credit_single_samples_tests_the_delta_it_reports() -> None:
    """One winrate sample per prompt (the published sus-www Inspect logs, o1-mini → o3-mini): the
    delta is over the mean credit, so the test is the sign test on it, not McNemar's on the
    verdicts at 0.5 (which said p = 0.5 from 2 never→always prompts while 2 prompts improved and
    2 regressed), and the listed rates are mean winrates, not pass rates."""
    rows = [
        ("a", "1", 0.0023),
        ("b", "1", 0.6681),  # +: and 0.5 crossed
        ("a", "3", 0.0247),
        ("b", "3", 0.0055),  # -
        ("a", "6", 0.0128),
        ("b", "6", 0.0112),  # -
        ("a", "7", 0.1693),
        ("b", "7", 0.5917),  # +: and 0.5 crossed
    ]
    gens = generations(rows, metric=["winrate"] * 8, higher_is_better=[True] * 8)
    comparison = compare_runs(prompt_stats(gens), "a", "b")
    assert comparison.delta == pytest.approx((0.6658 - 0.0192 - 0.0016 + 0.4224) / 4)
    # Sign test: 2 better, 2 worse -> p = 1.
    assert comparison.test == "sign test on per-prompt mean scores"
    assert comparison.p_value == 1.0
    report = comparison.report()
    assert "improved 2 · regressed 2 · unchanged 0" in report
    assert "(a → b mean winrate):" in report and "pass rate" not in report
    # The verdicts at 0.5 are still the transitions.
    matrix = {row["from"]: row for row in comparison.transitions.iter_rows(named=True)}
    assert matrix["never"]["always"] == 2 and matrix["never"]["never"] == 2


def test_compare_continuous_follows_direction_and_never_counts_nan(tmp_path: Path) -> None:
    comparison = compare_runs(mae_runs(), "a", "b")
    assert comparison.improvements()["prompt_id"].to_list() == ["4", "2"]  # largest gain first
    assert comparison.regressions()["prompt_id"].to_list() == ["3"]
    # Mean delta over finite deltas: (-5 + 1 + 0) / 3.
    assert comparison.delta == pytest.approx(-4 / 3)
    # Sign test on gains: 2 better (prompt 2 and 4), 1 worse -> p = 2 * (1 + 3) / 8 = 1.
    assert comparison.p_value == 1.0 and comparison.test == "sign test on per-prompt mean scores"
    report = comparison.report()
    assert "improved 2 · regressed 1 · unchanged 1 · not comparable 1" in report
    # The app's compare screen counts the same way (it counted NaN and lower-is-better gains
    # by the sign of the delta: "improved 2 · regressed 2 · unchanged 1").
    from evaltui.app.screens.compare import counts_text

    assert "improved 2 · regressed 1 · unchanged 1 · not comparable 1" in counts_text(comparison)
    assert "in mean mae (lower is better): -1.33," in report
    assert "transitions: none" in report
    out = write_json(comparison.joined.to_dicts(), tmp_path / "cmp.json")
    rows = json.loads(out.read_text(), parse_constant=lambda c: pytest.fail(c))
    assert (rows[0]["rate_a"], rows[0]["delta"]) == ("Infinity", "NaN")
    assert rows[3]["delta"] == "-Infinity"


def test_compare_calls_no_change_better_when_neither_score_has_a_direction(tmp_path: Path) -> None:
    """Two plain runs of an unnamed score outside 0-1 (a bleu 0-100: no metric name, so no
    direction): the report said "improved 1 · regressed 2" and listed "largest regressions",
    higher taken for better, though each run's line said "direction unknown" (a loss or an
    error count would have read backwards). The change is a rise or a fall now. (Run b's
    scores once stayed within -2…2, another scale than a's 60: compare tells those apart now,
    test_unnamed_scores_both_beyond_one_on_other_scales_give_no_delta.)"""
    rows = [
        ("a", "1", 60.0),
        ("b", "1", 0.0),  # fell
        ("a", "2", 20.0),
        ("b", "2", 5.0),  # fell
        ("a", "3", 1.667),
        ("b", "3", 12.0),  # rose
    ]
    comparison = compare_runs(prompt_stats(generations(rows)), "a", "b")
    report = comparison.report()
    assert "higher 1 · lower 2 · unchanged 0 (direction unknown: none called better or worse)" in (
        report
    )
    assert "improved" not in report and "regress" not in report, report
    assert "largest falls (a → b mean score):" in report
    assert "largest rises (a → b mean score):" in report
    assert comparison.direction_unknown and not comparison.no_delta
    # The counts are still there for scripts, with the flag saying what they are.
    summary = comparison.summary()
    assert summary["direction_unknown"] is True
    assert (summary["counts"]["improved"], summary["counts"]["regressed"]) == (1, 2)
    # A known direction (lm-eval's mae, an accuracy) is still improved/regressed.
    assert not compare_runs(mae_runs(), "a", "b").direction_unknown
    binary = [(r, i, float(s > 15)) for r, i, s in rows]
    kept = compare_runs(prompt_stats(generations(binary)), "a", "b")
    assert not kept.direction_unknown and "improved 0 · regressed 2" in kept.report()
    assert kept.summary()["direction_unknown"] is False


def test_compare_says_what_its_mean_is_over_and_where_a_nan_is() -> None:
    """An lm-eval acc run against one whose acc has a NaN and an Infinity: the report said "20
    prompts in both runs" beside a mean over the 18 with a finite change, "not comparable 1 (a NaN
    or an infinity in both runs)" of a NaN in one run, and "not the same metric: acc … vs acc …"."""
    rows = [("a", "1", 0.0), ("b", "1", math.nan), ("a", "2", 1.0), ("b", "2", math.inf)]
    rows += [(run, str(i), float(i % 2)) for i in range(3, 7) for run in "ab"]
    rows += [("a", "7", 1.0), ("b", "7", 0.0)]
    stats = prompt_stats(generations(rows, metric=["acc"] * len(rows)))
    comparison = compare_runs(stats, "a", "b")
    assert comparison.delta == pytest.approx(-1 / 5)  # prompts 3-7: one drop of 1
    report = comparison.report()
    assert (
        "(sign test on per-prompt mean scores; 7 prompts in both runs; mean over the 5 "
        in (report.splitlines()[0])
    )
    assert "not comparable 1 (a NaN score, or an infinity in both runs)" in report
    assert "warning: the two runs' scores are of different kinds: acc: accuracy (0/1) vs acc:" in (
        report
    )
    from evaltui.app.screens.compare import counts_text

    # Each run's mean over those 5 prompts, which B's minus A's is the change: 3/5 → 2/5.
    assert comparison.levels() == pytest.approx((0.6, 0.4))
    # With the decimals of the largest, as the summary table and the app's m show them.
    assert report.splitlines()[1] == "mean acc on those 5 prompts: a 0.600 → b 0.400"
    assert "mean over the 5 prompts with a finite change: A 0.600 → B 0.400" in counts_text(
        comparison
    )
    # All finite: nothing added.
    whole = compare_runs(prompt_stats(generations(rows[4:], metric=["acc"] * 10)), "a", "b")
    assert "mean over" not in whole.report()
    assert "pass rate on those 5 prompts: a 60.0% → b 40.0%" in whole.report()
    # A 0/1 score's levels as the report's: in percent (the app said 0.600 beside 60.0%).
    assert "mean over 5 prompts: A 60.0% → B 40.0%" in counts_text(whole)
    # A prompt unscored in run b: in both runs, not in the mean (nor in the test).
    unscored = compare_runs(
        prompt_stats(generations([*rows[4:], ("a", "8", 1.0), ("b", "8", None)])), "a", "b"
    )
    assert "6 prompts in both runs; mean over the 5 prompts scored in both)" in unscored.report()


def test_compare_refuses_a_delta_between_different_measures() -> None:
    """lm-eval truthfulqa_gen scored by bleu_max (0-100) in run a and by bleu_acc (0/1) in run b:
    the report said "in mean bleu_acc: -19.18, p = 1.91e-06", "improved 0 · regressed 20" and
    listed 61.48 → 0 as the largest regression, with only a warning line. Now there is no delta,
    no test and no improved/regressed; the verdicts (given a threshold) still make transitions."""
    rows = [(run, str(i), score) for i, (x, y) in enumerate([(41.1, 1.0), (9.9, 0.0), (61.5, 1.0)])
            for run, score in (("a", x), ("b", y))]  # fmt: skip
    metrics = ["bleu_max" if r == "a" else "bleu_acc" for r, _, _ in rows]
    stats = prompt_stats(
        generations(rows, metric=metrics, higher_is_better=[True] * 6),
        Thresholds(per_run=(("a", 20.0),)),
    )
    comparison = compare_runs(stats, "a", "b")
    assert "different measures (bleu_max continuous ↑ vs bleu_acc accuracy 0/1)" in (
        comparison.no_delta
    )
    assert comparison.joined["delta"].null_count() == 3
    assert comparison.improvements().height == comparison.regressions().height == 0
    report = comparison.report()
    assert report.splitlines()[0].startswith("a → b: no delta: the runs' scores are different")
    assert "improved/regressed: none counted" in report and "p = " not in report
    assert "largest" not in report
    matrix = {row["from"]: row for row in comparison.transitions.iter_rows(named=True)}
    assert matrix["always"]["always"] == 2 and matrix["never"]["never"] == 1

    from evaltui.app.screens.compare import counts_text, headline

    assert headline(comparison).startswith("no delta: the runs' scores are different measures")
    assert "p:" not in counts_text(comparison)
    # Two accuracies under two names (an Inspect log's two scorers) are still compared.
    accuracies = [(run, str(i), float(i % 2 == (run == "b"))) for i in range(4) for run in "ab"]
    names = ["match" if r == "a" else "model_graded_fact" for r, _, _ in accuracies]
    both = compare_runs(prompt_stats(generations(accuracies, metric=names)), "a", "b")
    assert not both.no_delta and both.delta == 0.0


def test_compare_refuses_a_delta_between_an_accuracy_and_an_unnamed_0_100_score() -> None:
    """Two plain files, both with an "accuracy" field (no metric name): run a a 0-1 partial
    credit, run b a 0-100 score. One name was taken for one measure: "runB vs runA in mean
    score: +41.41, p = 0.625", improved 3, regressed 1, under a warning line. An accuracy made
    continuous by a NaN (its finite scores in 0-1) is still compared."""
    pairs = [(0.25, 0.0), (0.5, 12.5), (0.75, 55.0), (1.0, 100.0)]
    rows = [(run, str(i), s) for i, (x, y) in enumerate(pairs) for run, s in (("a", x), ("b", y))]
    comparison = compare_runs(prompt_stats(generations(rows)), "a", "b")
    assert comparison.no_delta == (
        "no delta: the runs' scores are different measures (accuracy 0–1 vs continuous ? "
        "0–100): B's minus A's says nothing"
    )
    assert comparison.joined["delta"].null_count() == 4
    assert comparison.outcome_counts() is None
    summary = comparison.summary()
    assert summary["delta"] is None and summary["p_value"] is None
    # The other way round: the span is the 0-100 run's.
    back = compare_runs(prompt_stats(generations(rows)), "b", "a")
    assert "(continuous ? 0–100 vs accuracy 0–1)" in back.no_delta
    # A negative score leaves 0-1 too.
    negative = [(r, i, -s if r == "b" else s) for r, i, s in rows]
    assert compare_runs(prompt_stats(generations(negative)), "a", "b").no_delta
    # 0/1 against 0/1 with a NaN (continuous, finite scores 0-1): compared, with a warning.
    nan = [(r, i, math.nan if (r, i) == ("b", "0") else float(s >= 0.5)) for r, i, s in rows]
    kept = compare_runs(prompt_stats(generations(nan)), "a", "b")
    assert not kept.no_delta and kept.kinds_warning()


# --- through the CLI ----------------------------------------------------------------------------


def cli(*args: str) -> list[str]:
    return [*args, "--no-cache", "-q"]


def test_summarize_cli_table_json_and_threshold_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from evaltui.cli import main

    out = tmp_path / "combined.json"
    assert (
        main(cli("summarize", str(truthfulqa(tmp_path)), str(TGPRED), "-o", str(out), "--table"))
        == 0
    )
    table = capsys.readouterr().out
    lines = {line.split("  ")[0]: line for line in table.splitlines()}
    # Runs in the order their PATHs are given: truthfulqa, then tgpred.
    assert lines["metric"].split()[1:] == ["EleutherAI/gpt-neo-125M", "gpt-4o-mini"]
    assert lines["score"].split()[1:] == ["bleu_max", "continuous", "↑", "mae", "continuous", "↓"]
    # mean: 19.68 and inf (+ bootstrap CIs; none for inf: its infinite prompts are said
    # instead); the finite mean only for tgpred.
    mean = lines["mean"].split()
    assert mean[1] == "19.68" and mean[4:] == ["inf", "(17", "of", "24", "infinite)"]
    assert lines["mean of finite"].split()[3:6] == ["–", "186.9*", "[141.7,"]
    assert not any(name.startswith(("avg@", "pass@", "maj@", "cons@")) for name in lines)
    words = " ".join(table.split())  # the lines under the table are wrapped at 80 columns
    assert "lower is better" in words and "(values in the score's own units" in words
    records = json.loads(out.read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(c))
    assert {r["score_kind"] for r in records} == {"continuous"}
    assert sum(r["average_accuracy"] == "Infinity" for r in records) == 17

    # One threshold for one run (csv): tgpred's mae <= 150 on 3 docs -> pass@1 = 12.5 %.
    code = main(
        cli(
            "summarize",
            str(TGPRED),
            "-o",
            str(out),
            "--table",
            "csv",
            "--correct-threshold",
            "gpt-4o-mini=150",
        )
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    by_metric = {r["metric"]: r for r in rows}
    assert by_metric["pass@1"]["value"] == "12.5" and by_metric["pass@1"]["unit"] == "%"
    assert by_metric["mean"]["value"] == "inf" and by_metric["mean"]["unit"] == "score"
    assert by_metric["mean"]["higher_is_better"] == "false"
    assert by_metric["mean"]["correct_threshold"] == "150.0"
    assert by_metric["mean"]["never"] == "21" and by_metric["mean"]["always"] == "3"

    # A run label that is not loaded, and a value that is not a number: clear errors.
    assert main(cli("summarize", str(TGPRED), "-o", str(out), "--correct-threshold", "gpt4=1")) == 2
    assert "--correct-threshold names 1 run(s) not loaded: 'gpt4' (runs: gpt-4o-mini)" in (
        capsys.readouterr().err
    )
    with pytest.raises(SystemExit) as exit_info:
        main(cli("summarize", str(TGPRED), "-o", str(out), "--correct-threshold", "high"))
    assert exit_info.value.code == 2
    assert "expected a number or RUN=NUMBER" in capsys.readouterr().err


def second_tgpred_run(tmp_path: Path) -> Path:
    """tgpred again as "gpt-4o" with doc 0 -> 50.0 (was Infinity), doc 1 -> Infinity (was
    259.6069226), doc 8 -> 200.0 (was 238.413054); every other doc unchanged."""
    folder = tmp_path / "gpt-4o"
    folder.mkdir()
    for source in TGPRED.iterdir():
        text = source.read_text(encoding="utf-8")
        if source.name.startswith("results_"):
            data = json.loads(text)
            data["model_name"] = "gpt-4o"
            text = json.dumps(data)
        else:
            records = [json.loads(line) for line in text.splitlines()]
            for record in records:
                record["mae"] = {0: 50.0, 1: math.inf, 8: 200.0}.get(
                    record["doc_id"], record["mae"]
                )
            text = "".join(json.dumps(r) + "\n" for r in records)  # Infinity, as lm-eval writes
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder


def test_compare_cli_continuous_runs_strict_json_and_nan_deltas_not_improved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from evaltui.cli import main

    out = tmp_path / "cmp.json"
    second = str(second_tgpred_run(tmp_path))
    code = main(
        cli("compare", str(TGPRED), second, "--runs", "gpt-4o-mini", "gpt-4o", "-o", str(out))
    )
    assert code == 0
    report = capsys.readouterr().out
    # Lower mae is better: docs 0 (inf -> 50) and 8 (238.4 -> 200) improved, doc 1 (259.6 -> inf)
    # regressed, 5 finite docs unchanged, 16 docs Infinity in both (inf - inf = NaN) not
    # comparable (they were all "improved" before). Mean of the 6 finite deltas: -38.413054 / 6.
    assert "improved 2 · regressed 1 · unchanged 5 · not comparable 16" in report
    first = report.splitlines()[0]
    assert first.startswith("gpt-4o-mini → gpt-4o in mean mae (lower is better): -6.4,")
    assert (
        "p = 1 (sign test on per-prompt mean scores; 24 prompts in both runs; mean over the 6"
        in first
    )
    rows = json.loads(out.read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(c))
    deltas = {r["prompt_id"]: r["delta"] for r in rows}
    assert deltas["polymer_tg_prediction:0"] == "-Infinity"
    assert deltas["polymer_tg_prediction:1"] == "Infinity"
    assert deltas["polymer_tg_prediction:2"] == "NaN"
    assert float(deltas["polymer_tg_prediction:8"]) == pytest.approx(-38.413054)


def test_aisbench_non_finite_correct_is_that_generations_error_not_unscored(tmp_path: Path) -> None:
    """AISBench writes booleans in ``correct``: a non-finite one is that generation's error
    (FORMATS documents none), never a kept score nor a silently unscored generation."""
    from evaltui.data.formats import ReadOptions
    from evaltui.data.formats.opencompass import AISBenchReader

    source = (
        Path(__file__).parent.parent / "fixtures" / "formats" / "aisbench" / "outputs_n3"
    ) / "20261123_200259"
    root = tmp_path / "run"
    (root / "predictions" / "m").mkdir(parents=True)
    (root / "results" / "m").mkdir(parents=True)
    predictions = root / "predictions" / "m" / "toy_gsm8k.jsonl"
    predictions.write_bytes(
        (source / "predictions" / "toy-vllm-api-chat-n3" / "toy_gsm8k.jsonl").read_bytes()
    )
    results = json.loads(
        (source / "results" / "toy-vllm-api-chat-n3" / "toy_gsm8k.json").read_text()
    )
    results["details"][0]["correct"][0] = math.inf  # written by json.dumps as Infinity
    (root / "results" / "m" / "toy_gsm8k.json").write_text(json.dumps(results))
    result = AISBenchReader().read(predictions, "x", ReadOptions())
    frame = result.frame
    assert frame.height == 8 and frame["accuracy"].null_count() == 0
    assert int(frame["accuracy"].is_infinite().sum()) == 0
    # details[0].correct[0] is replica 0 of item 0: the file's first line
    assert [(e.line, "not a finite number" in e.reason) for e in result.errors] == [(1, True)]


def test_a_run_scored_by_two_metrics_becomes_one_run_per_metric() -> None:
    """An lm-eval group under one model label (bleu_max 0–100 for one task, acc 0/1 for
    another) is not one mean over both scales: each metric is its own run."""
    from evaltui.data.loader import finish_generations

    frame = conform(
        pl.DataFrame(
            {
                "run": ["m", "m", "m", "other"],
                "prompt_id": ["tq:0", "tq:1", "gsm:0", "x:0"],
                "prompt": ["a", "b", "c", "d"],
                "gen": ["", "", "", ""],
                "accuracy": [40.0, 20.0, 1.0, 1.0],
                "metric": ["bleu_max", "bleu_max", "acc", "acc"],
            }
        ),
        with_lengths=True,
    )
    runs = finish_generations([frame])["run"].to_list()
    assert runs == ["m · bleu_max", "m · bleu_max", "m · acc", "other"]
    stats = prompt_stats(finish_generations([frame]))
    kinds = dict(zip(stats["run"], stats["score_kind"], strict=True))
    assert kinds == {"m · bleu_max": "continuous", "m · acc": "binary", "other": "binary"}
    # Accuracies of two tasks (acc, exact_match) stay one run, as the harness pools the group.
    pooled = frame.with_columns(pl.Series("metric", ["exact_match", "exact_match", "acc", "acc"]))
    pooled = pooled.with_columns(pl.Series("accuracy", [0.0, 1.0, 1.0, 1.0]))
    assert finish_generations([pooled])["run"].to_list() == ["m", "m", "m", "other"]


def test_no_accuracy_wording_for_a_continuous_metric_in_the_cli(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The end summary's triage line said "accuracy completed inf%" for tgpred's mae: it is the
    mean mae (in its own units, no percent); an accuracy run beside it keeps its percent."""
    from evaltui.cli import main

    mid = Path(__file__).parent.parent / "fixtures" / "formats" / "lm_eval" / "mid2024_json"
    out = tmp_path / "c.json"
    argv = ["summarize", str(TGPRED), str(mid), "-o", str(out), "--model", str(word_tokenizer)]
    assert main([*argv, "--no-cache", "--table", "markdown"]) == 0
    captured = capsys.readouterr()
    triage = {
        line.split(": length cap")[0].replace("triage", "").strip(): line
        for line in captured.err.splitlines()
        if ": length cap" in line
    }
    # mae on the 17 Infinity docs and 7 finite ones: the mean over completed generations is inf
    assert "mean mae completed inf vs truncated –;" in triage["gpt-4o-mini"]
    assert "accuracy" not in triage["gpt-4o-mini"]
    # the asdiv runs: acc 1 on 10 of 10, and on 7 of 10 (see test_formats_lm_eval)
    dated = [line for run, line in triage.items() if run.startswith("meta-llama")]
    assert sorted("accuracy completed 100.0%" in line for line in dated) == [False, True]
    # --table: the score row names each run's kind; the note says which values are in % and
    # which in the score's own units.
    score_row = next(line for line in captured.out.splitlines() if line.startswith("| score |"))
    assert "| mae continuous ↓ |" in score_row and score_row.count(" acc accuracy 0/1 ") == 2
    assert "Rates in %, a continuous score's mean in its own units" in captured.out
    # The combined JSON keeps its schema's keys and says per row what the score is.
    rows = json.loads(out.read_text(encoding="utf-8"))
    kinds = {(row["run"], row["score_kind"], row["score_metric"]) for row in rows}
    assert ("gpt-4o-mini", "continuous", "mae") in kinds


def test_the_shown_name_of_a_continuous_mean_is_a_column_name() -> None:
    from evaltui.data.columns import known_names, resolve_column

    columns = ["prompt", "average_accuracy", "count"]
    assert resolve_column("mean score", columns) == "average_accuracy"
    assert resolve_column("mean_score", columns) == "average_accuracy"
    assert "mean_score" in known_names(columns)


def test_a_metric_over_part_of_a_runs_prompts_is_marked_and_said(tmp_path: Path) -> None:
    """q0 has one sample, q1-q3 two: pass@2 (100 %) is over 3 of the 4 prompts, pass@1 (62.5 %)
    over all 4; the table gave both without a word, and pass@2 > pass@1 read as a contradiction
    (with --label merging runs of n=1 and n=2, pass@2 could even be below pass@1)."""
    rows = [{"prompt": "q0", "gen": "a", "answer": "1", "accuracy": 1}]
    rows += [
        {"prompt": f"q{p}", "gen": "a", "answer": "1", "accuracy": s % 2}
        for p in range(1, 4)
        for s in range(2)
    ]
    write_jsonl(tmp_path / "run" / "s.jsonl", rows)
    (summary,) = summarize_runs(load_quick([tmp_path]).stats)
    text = render_table([summary])
    lines = {line.split("  ")[0]: line for line in text.splitlines()}
    assert "62.5  [50.0, 87.5]" in lines["pass@1"] and "100.0* [100.0, 100.0]" in lines["pass@2"]
    assert "run: pass@2, G-Pass@2_0.5, G-Pass@2_0.75, G-Pass@2_1.0, mG-Pass@2 over 3 of 4" in text
    assert text.count("*") == 6  # five marks and the line that says what they mean


def test_the_stats_expressions_are_made_once_per_threshold_and_direction() -> None:
    """The per-prompt stats' expressions are made once per set of run kinds (each followed
    update used to make them again, ~1 ms of its stats query) -- keyed by what they read: a
    kind whose score range moved (a followed update's new scores) takes the ones made, one
    with another threshold or direction gets its own, and each gives the stats of its kinds."""
    from evaltui.data import metrics

    frame = conform(
        pl.DataFrame(
            {
                "run": ["m", "m", "m"],
                "prompt_id": ["a", "a", "b"],
                "prompt": ["a", "a", "b"],
                "gen": ["x", "y", "z"],
                "accuracy": [0.2, 0.7, 0.5],
            }
        )
    ).with_columns(pl.Series("gen_length", [3, 4, 5], dtype=pl.UInt32))

    def kind(threshold: float, higher: bool, low: float) -> dict[str, ScoreKind]:
        return {"m": ScoreKind("m", "continuous", "f1", higher, threshold, low, 0.9)}

    def n_correct(kinds: dict[str, ScoreKind]) -> list[int | None]:
        return prompt_stats(frame, kinds=kinds)["n_correct"].to_list()

    metrics._fixed_exprs.cache_clear()
    assert n_correct(kind(0.5, True, 0.1)) == [1, 1]
    made = metrics._fixed_exprs.cache_info().misses
    assert n_correct(kind(0.5, True, 0.0)) == [1, 1]  # another range: the same expressions
    assert metrics._fixed_exprs.cache_info().misses == made
    assert n_correct(kind(0.6, True, 0.1)) == [1, 0]
    assert n_correct(kind(0.5, False, 0.1)) == [1, 1]  # 0.2 and 0.5 at most 0.5
    assert n_correct(kind(0.3, False, 0.1)) == [1, 0]
    assert metrics._fixed_exprs.cache_info().misses == made + 3
    assert n_correct(kind(0.6, True, 0.1)) == [1, 0]
    assert metrics._fixed_exprs.cache_info().misses == made + 3


def test_export_quick_never_of_a_run_without_correct_says_so(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export --quick never` of tgpred's mae run (no threshold: no "correct") wrote an empty
    file, exit 0, "wrote 0 prompts (never solved)": as if every prompt had been solved. Now a
    usage error saying why (nothing written); beside an accuracy run, that run's prompts are
    exported with a note that the mae run's never match; a threshold makes the filter work."""
    from evaltui.cli import main

    mid = Path(__file__).parent.parent / "fixtures" / "formats" / "lm_eval" / "mid2024_json"
    common = ["--model", str(word_tokenizer), "--no-cache", "-q"]
    out = tmp_path / "never.json"
    assert main(["export", str(TGPRED), "--quick", "never", "-o", str(out), *common]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "evaltui: error: --quick never: 'never solved' counts correct generations, and the score "
        "of gpt-4o-mini (mae, lower is better) is no accuracy, with no threshold for correct: no "
        "prompt can match (give --correct-threshold X"
    ), err
    assert not out.exists()
    # An accuracy run beside it: exported, with a note naming the run left out.
    assert main(["export", str(TGPRED), str(mid), "--quick", "never", "-o", str(out), *common]) == 0
    err = capsys.readouterr().err
    assert "evaltui: note: --quick never: 'never solved' counts correct" in err
    assert "gpt-4o-mini (mae, lower is better) is no accuracy" in err
    assert "its prompts never match" in err
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert rows and {row["run"] for row in rows}.isdisjoint({"gpt-4o-mini"})
    # With a threshold (mae <= 150 is correct) the mae run is judged: no note, and its prompts
    # never at or under 150 (the 17 Infinity ones and the 4 finite above 150) are exported.
    argv = ["export", str(TGPRED), "--quick", "never", "-o", str(out), "--force", *common]
    assert main([*argv, "--correct-threshold", "150"]) == 0
    assert "note" not in capsys.readouterr().err
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 21


def test_export_where_accuracy_of_a_continuous_run_says_what_it_compares(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export --where "accuracy < 0.2"` (the README's hard prompts) of tgpred's mae run, lower
    is better, wrote its prompts with the lowest (best) mae, or none, without a word that the
    "accuracy" there is a mean mae. Now a note says what the filter reads and which way is
    hard; a filter on other columns, or of an accuracy run, has none."""
    from evaltui.cli import main

    mid = Path(__file__).parent.parent / "fixtures" / "formats" / "lm_eval" / "mid2024_json"
    common = ["--model", str(word_tokenizer), "--no-cache", "-q", "--force"]
    out = tmp_path / "hard.json"
    argv = ["export", str(TGPRED), "--where", "accuracy < 0.2", "-o", str(out), *common]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert err == (
        "evaltui: note: --where: the filter reads each prompt's mean score, which is no 0-1 "
        "accuracy for gpt-4o-mini: mae: continuous 103.4–259.6 and 17 non-finite, lower is "
        "better (where lower is better, the hard prompts are those with the high means)\n"
    )
    assert json.loads(out.read_text(encoding="utf-8")) == []
    assert main([*argv[:3], "max_len > 1", *argv[4:]]) == 0
    assert "note" not in capsys.readouterr().err
    assert main(["export", str(mid), "--where", "accuracy < 0.2", "-o", str(out), *common]) == 0
    assert "note" not in capsys.readouterr().err


def plain_loss_runs(tmp_path: Path, field: str) -> tuple[Path, Path]:
    """Two plain JSONL runs scored by a loss-like ``field`` (4 samples per prompt): per prompt
    a's values are base + 0, 0.1, 0.2, 0.3 with bases 0.2, 0.5, 1.5, 3.0, 0.9, 2.0; b's bases
    0.1, 0.9, 1.0, 3.5, 0.5, 2.0."""
    paths = []
    for run, bases in (
        ("a", [0.2, 0.5, 1.5, 3.0, 0.9, 2.0]),
        ("b", [0.1, 0.9, 1.0, 3.5, 0.5, 2.0]),
    ):
        records = [
            {"prompt": f"q{p}", "gen": f"g{p}{s}", "answer": "1", field: base + s / 10}
            for p, base in enumerate(bases)
            for s in range(4)
        ]
        paths.append(write_jsonl(tmp_path / run / "run.jsonl", records))
    return paths[0], paths[1]


@pytest.mark.parametrize("field", ["mae", "loss", "wer", "val_error"])
def test_a_plain_score_field_named_for_a_loss_is_lower_is_better(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str], field: str
) -> None:
    """`--score-field mae` (or loss, wer, an error) of plain JSONL: the direction was unknown, so
    `--correct-threshold 1` counted values >= 1 as solved (a's prompts with losses of 1.5-3.3
    "always" solved, the 0.2-0.8 ones "never") and compare took a rise for an improvement. The
    field's name is the run's metric now: lower is better, correct is <= 1.

    By hand (a, correct <= 1): q0 0.2-0.5 4 of 4, q1 0.5-0.8 4, q2 1.5-1.8 0, q3 3.0-3.3 0,
    q4 0.9, 1.0, 1.1, 1.2 2 (1.0 <= 1), q5 2.0-2.3 0: pass@1 (1 + 1 + 0.5) / 6 = 41.7 %,
    never 3 / flaky 1 / always 2. b: q0 always, q1 0.9-1.2 flaky (2), q2 1.0-1.3 flaky (1),
    q3 never, q4 0.5-0.8 always, q5 never. Means b - a per prompt: q0 -0.1, q1 +0.4, q2 -0.5,
    q3 +0.5, q4 -0.4, q5 0: three lower (improved), two higher (regressed)."""
    from evaltui.cli import main

    a, b = plain_loss_runs(tmp_path, field)
    common = ["--score-field", field, "--model", str(word_tokenizer), "--no-cache", "-q"]
    out = tmp_path / "a.json"
    argv = ["summarize", str(a), "-o", str(out), "--table", "csv", "--correct-threshold", "1"]
    assert main([*argv, *common]) == 0
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert float(rows["pass@1"]["value"]) == pytest.approx(100 * 2.5 / 6)  # data: unrounded
    assert (rows["mean"]["never"], rows["mean"]["flaky"], rows["mean"]["always"]) == ("3", "1", "2")
    assert rows["mean"]["higher_is_better"] == "false" and rows["mean"]["score_metric"] == field
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [r["n_correct"] for r in records] == [4, 4, 0, 0, 2, 0]
    assert {r["score_kind"] for r in records} == {"continuous"}

    summary = tmp_path / "cmp.json"
    argv = ["compare", str(a), str(b), "--summary-json", str(summary), "--runs", "a", "b"]
    assert main([*argv, "--correct-threshold", "1", *common]) == 0
    capsys.readouterr()
    compared = json.loads(summary.read_text(encoding="utf-8"))
    assert compared["lower_is_better"] is True and compared["direction_unknown"] is False
    assert compared["counts"]["improved"] == 3 and compared["counts"]["regressed"] == 2
    assert compared["transitions"]["never"] == {"never": 2, "flaky": 1, "always": 0}
    assert compared["transitions"]["always"] == {"never": 0, "flaky": 1, "always": 1}

    # The quick filters read the same "correct": a's never solved are q2, q3, q5.
    never = tmp_path / "never.jsonl"
    argv = ["export", str(a), "--quick", "never", "-o", str(never), "--correct-threshold", "1"]
    assert main([*argv, *common]) == 0
    prompts = {json.loads(line)["prompt"] for line in never.read_text().splitlines()}
    assert prompts == {"q2", "q3", "q5"}


@pytest.mark.parametrize(
    ("field", "named", "higher"),
    [("judge", "", ""), ("grade", "", ""), ("score", "score", ""), ("bleu", "bleu", "true")],
)
def test_a_plain_score_field_of_no_telling_name_keeps_its_direction_unknown(
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
    field: str,
    named: str,
    higher: str,
) -> None:
    """A name that says nothing of a direction (`--score-field judge`, `score`) gives none: its
    direction stays unknown, as before. A name that says nothing at all (a judge's 1–10
    `judge`, a `grade`) stays unnamed; one that names a measure (`bleu`, as
    metrics.MEASURE_NAME knows it) is the run's metric, as a dict's `bleu` or lm-eval's is
    (see test_score_words; a `score` is named too, its direction unknown as well). A `bleu`
    says higher is better (metrics.name_direction; see test_named_directions)."""
    from evaltui.cli import main

    a, _b = plain_loss_runs(tmp_path, field)
    common = ["--score-field", field, "--model", str(word_tokenizer), "--no-cache", "-q"]
    out = tmp_path / "a.json"
    assert main(["summarize", str(a), "-o", str(out), "--table", "csv", *common]) == 0
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["mean"]["higher_is_better"] == higher and rows["mean"]["score_metric"] == named


def test_a_reward_functions_column_given_by_score_field_is_higher_is_better(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A TRL completions table's ``format_reward`` column (-2 to 2): ``--metric format_reward``
    read it as the reward function's, higher is better; ``--score-field format_reward`` read
    the same column unnamed, direction unknown. Both are the named reward function now."""
    from evaltui.cli import main

    rewards = [-2.0, 0.5, 1.5, -0.5, 2.0, 0.0]
    records = [
        {
            "prompt": f"q{i // 2}",
            "completion": f"c{i}",
            "accuracy_reward": i % 2,
            "format_reward": r,
        }
        for i, r in enumerate(rewards)
    ]
    path = write_jsonl(tmp_path / "grpo" / "completions.jsonl", records)
    common = ["--model", str(word_tokenizer), "--no-cache", "-q", "--table", "csv"]
    out = tmp_path / "a.json"
    seen = []
    for flag in ("--metric", "--score-field"):
        argv = ["summarize", str(path), "-o", str(out), flag, "format_reward", *common]
        assert main(argv) == 0
        rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
        mean = rows["mean"]
        seen.append((mean["score_metric"], mean["higher_is_better"], float(mean["value"])))
    assert seen == [("format_reward", "true", pytest.approx(0.25))] * 2


def test_score_direction_flag_says_which_way_a_score_goes(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A score whose name says nothing of its direction (`score`, a distance here) had no way to
    be lower-is-better: `--correct-threshold 1` counted >= 1 as solved. `--score-direction
    lower` says so for every run, `RUN=lower` for one; `higher` gives an unnamed 0-100 score a
    direction (compare then calls changes improved/regressed). Same hand-worked numbers as
    test_a_plain_score_field_named_for_a_loss_is_lower_is_better."""
    from evaltui.cli import main

    a, b = plain_loss_runs(tmp_path, "score")
    common = ["--model", str(word_tokenizer), "--no-cache", "-q"]
    out = tmp_path / "a.json"
    argv = ["summarize", str(a), "-o", str(out), "--table", "csv", "--correct-threshold", "1"]
    for direction in ("lower", "a=lower"):
        assert main([*argv, *common, "--score-direction", direction]) == 0
        rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
        assert float(rows["pass@1"]["value"]) == pytest.approx(100 * 2.5 / 6), direction
        assert rows["mean"]["higher_is_better"] == "false"
        never = (rows["mean"]["never"], rows["mean"]["flaky"], rows["mean"]["always"])
        assert never == ("3", "1", "2")
    # Without it: direction unknown, and >= 1 counted (q2, q3, q5 always; q0, q1 never).
    assert main([*argv, *common]) == 0
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["mean"]["higher_is_better"] == ""
    assert (rows["mean"]["never"], rows["mean"]["always"]) == ("2", "3")

    # One run's word leaves the other's alone; higher gives an unknown score a direction.
    summary = tmp_path / "cmp.json"
    argv = ["compare", str(a), str(b), "--summary-json", str(summary), "--runs", "a", "b"]
    assert main([*argv, *common, "--score-direction", "higher"]) == 0
    capsys.readouterr()
    compared = json.loads(summary.read_text(encoding="utf-8"))
    assert compared["direction_unknown"] is False and compared["lower_is_better"] is False
    assert (compared["counts"]["improved"], compared["counts"]["regressed"]) == (2, 3)
    summary.unlink()
    assert main([*argv, *common, "--score-direction", "a=lower"]) == 0
    capsys.readouterr()
    compared = json.loads(summary.read_text(encoding="utf-8"))
    assert compared["score_a"].endswith("lower is better")
    assert "direction unknown" in compared["score_b"]

    # A word that is not a direction, and a run that is not loaded: clear errors.
    with pytest.raises(SystemExit) as exit_info:
        main(["summarize", str(a), "-o", str(out), *common, "--score-direction", "down"])
    assert exit_info.value.code == 2
    assert "--score-direction 'down': expected lower or higher" in capsys.readouterr().err
    code = main(["summarize", str(a), "-o", str(out), *common, "--score-direction", "typo=lower"])
    assert code != 0
    err = capsys.readouterr().err
    assert "--score-direction names 1 run(s) not loaded: 'typo' (runs: a)" in err, err


def test_compare_takes_means_a_rounding_error_apart_for_unchanged() -> None:
    """Prompt 1 scored 0.2, 0.4, 0.6 in run a (mean 0.39999999999999997) and 0.1, 0.2, 0.9 in
    run b (0.4000000000000001): both 0.400 on every screen, yet compare counted it "improved"
    (delta +2.2e-16) and listed it as the largest improvement. Prompt 2 really rose (0 -> 1)."""
    rows = [("a", "1", v) for v in (0.2, 0.4, 0.6)] + [("b", "1", v) for v in (0.1, 0.2, 0.9)]
    rows += [("a", "2", 0.0), ("b", "2", 1.0)]
    stats = prompt_stats(generations(rows))
    means = {(r["run"], r["prompt_id"]): r["average_accuracy"] for r in stats.to_dicts()}
    assert means[("a", "1")] != means[("b", "1")], "the means carry no rounding error"
    comparison = compare_runs(stats, "a", "b")
    counts = comparison.outcome_counts()
    assert counts is not None
    assert (counts["improved"], counts["regressed"], counts["unchanged"]) == (1, 0, 1)
    assert comparison.joined.sort("prompt_id")["delta"].to_list() == [0.0, 1.0]
    assert "improved 1 · regressed 0 · unchanged 1" in comparison.report()


def test_a_loss_named_field_alone_is_named_with_the_flag_that_reads_it(tmp_path: Path) -> None:
    """A plain file whose only score-like field is `mae`: it is not taken unasked (a field named
    for a loss or an error may be no eval score: an error's message, a training loss), and the
    note said only 'name it with --score-field'; now it names the field and the flag."""
    path = tmp_path / "run" / "d.jsonl"
    path.parent.mkdir()
    records = [{"prompt": f"q{i}", "gen": "so 1", "answer": "1", "mae": 0.5 * i} for i in range(3)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = load([path], LoadOptions(tokenize=False, use_cache=False))
    assert result.stats["score_kind"].to_list() == ["unscored"] * 3
    (note,) = [n for n in result.notes if "has a score under a name" in n]
    assert (
        "none of its 3 records has a score under a name evaltui knows; 'mae', named for a loss or "
        "an error, is not taken unasked: --score-field mae reads it as the score, lower is better"
    ) in note, note


def test_summary_table_shows_a_continuous_metric_with_one_number_of_decimals() -> None:
    """Two runs of an mae whose means are 0.5 and 0.25: the text table read '0.5 [0.25, 0.75]'
    beside '0.25 [0, 0.5]' (4 significant digits, trailing zeros dropped), so a column's digits
    did not line up and one run's mean was shorter than the other's; the app's summary (t) and
    the markdown table alike. Every value of the metric has the decimals of its largest now."""
    rows = [("a", str(i), float(s)) for i, s in enumerate([0.25, 0.75, 0.5, 0.5])]
    rows += [("b", str(i), float(s)) for i, s in enumerate([0.0, 0.5, 0.25, 0.25])]
    gens = generations(rows, metric=["mae"] * 8, higher_is_better=[False] * 8)
    summaries = summarize_runs(prompt_stats(gens))
    table = render_table(summaries).splitlines()
    mean = next(line for line in table if line.startswith("mean "))
    cells = mean.split("  ")
    values = [cell.strip() for cell in cells[1:] if cell.strip()]
    assert values[0] == "0.5000" and values[2] == "0.2500", mean
    assert all(
        v.count(".") == 1 and len(v.split(".")[1].rstrip(",]")) == 4 for v in mean.split()[1:]
    ), mean
    markdown = render_table(summaries, "markdown")
    assert "| mean | 0.5000 [" in markdown and "| 0.2500 [" in markdown, markdown
    from evaltui.app.screens.summary import metric_cell
    from evaltui.data.summary import score_decimals

    assert score_decimals(summaries) == {"mean": 4}  # 4 significant digits of 0.75
    # The app's cells: as the CLI's.
    by_run = {s.run: next(m for m in s.metrics if m.name == "mean") for s in summaries}
    assert metric_cell(by_run["a"], " ", 4).startswith("0.5000 [0.")
    assert metric_cell(by_run["b"], " ", 4).startswith("0.2500 [0.")

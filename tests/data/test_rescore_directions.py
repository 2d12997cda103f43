"""A re-score's new scores and the user's words on the stored score (``--score-direction``,
``--correct-threshold``): the words are about the stored score; a scorer other than lm-eval's
gives its own measure, so its 0/1 verdicts are an accuracy whatever the stored score was."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from evaltui.cli import main
from evaltui.data.loader import LoadOptions, load
from evaltui.data.metrics import Thresholds
from evaltui.data.rescore import RescoreOptions, rescore, rescored_load

#: Per prompt: the reference, then each generation's boxed answer and its stored distance
#: (lower is better: at most 1 where the answer is the reference, above 1 where it is not).
PLAN: dict[str, tuple[str, list[tuple[str, float]]]] = {
    "p1": ("4", [("4", 0.1), ("4", 0.2)]),  # both right: exact 1, 1
    "p2": ("9", [("7", 2.0), ("7", 3.0)]),  # both wrong: exact 0, 0
    "p3": ("5", [("5", 0.3), ("8", 2.5)]),  # right then wrong
    "p4": ("6", [("5", 1.5), ("6", 0.4)]),  # wrong then right
}


def write_distances(path: Path, field: str) -> Path:
    lines = [
        json.dumps(
            {
                "prompt": f"what is {prompt}?",
                "gen": f"so \\boxed{{{answer}}}",
                "answer": reference,
                field: distance,
            }
        )
        for prompt, (reference, gens) in PLAN.items()
        for answer, distance in gens
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def by_prompt(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(r["prompt"]).removeprefix("what is ").rstrip("?"): r for r in rows}


@pytest.mark.parametrize(
    ("field", "flags"),
    [
        ("mae", ["--score-direction", "lower"]),
        ("score", ["--score-direction", "lower"]),
        ("score", ["--score-direction", "run=lower"]),
        ("mae", ["--score-direction", "lower", "--correct-threshold", "1"]),
        ("score", ["--score-direction", "lower", "--correct-threshold", "1"]),
    ],
)
def test_exact_verdicts_are_an_accuracy_whatever_the_stored_direction(
    tmp_path: Path, word_tokenizer: Path, field: str, flags: list[str]
) -> None:
    """`--score-field mae --score-direction lower` (or a plain `score` told lower) re-scored by
    exact: the 0/1 verdicts were read as lower-is-better (kind continuous ↓, no correct, no
    pass@k: a wrong answer, 0, the best score) and with `--correct-threshold 1` every verdict,
    0 or 1, was correct (4 'flipped to correct'). Now they are an accuracy (threshold 0.5)
    and agree with the stored distances (<= 1 correct): nothing flips."""
    source = write_distances(tmp_path / "run" / "d.jsonl", field)
    out = tmp_path / "x.json"
    common = ["--model", str(word_tokenizer), "--no-cache", "-q", "--score-field", field]
    argv = ["rescore", str(source), "--scorer", "exact", "-o", str(out), *common, *flags]
    assert main(argv) == 0
    rows = by_prompt(json.loads(out.read_text(encoding="utf-8")))
    for row in rows.values():
        assert (row["score_kind"], row["higher_is_better"]) == ("binary", True)
        assert row["correct_threshold"] == 0.5
    assert [rows[p]["n_correct"] for p in PLAN] == [2, 0, 1, 1]
    assert [rows[p]["pass@1"] for p in PLAN] == [1.0, 0.0, 0.5, 0.5]
    assert [rows[p]["pass@2"] for p in PLAN] == [1.0, 0.0, 1.0, 1.0]
    if "--correct-threshold" in flags:  # the stored distances judged by the user's words
        assert [rows[p]["stored_n_correct"] for p in PLAN] == [2, 0, 1, 1]
        assert sum(r["n_flipped"] for r in rows.values()) == 0
        assert [rows[p]["stored_pass@1"] for p in PLAN] == [1.0, 0.0, 0.5, 0.5]


def test_a_threshold_of_another_scale_is_not_the_new_scores(tmp_path: Path) -> None:
    """A 0-100 score told higher-is-better with `--correct-threshold 50` re-scored by exact:
    the threshold 50 was applied to its 0/1 verdicts, so no generation was ever correct (every
    prompt 'never', 5 'flipped to wrong'). A threshold stays where the stored score is an
    accuracy (0.7 of a 0-1 score), and lm-eval's scorer, which scores the stored metric again,
    keeps the user's words whole."""
    lines = [
        {"prompt": f"q{i}", "gen": f"\\boxed{{{a}}}", "answer": "3", "score": s}
        for i, (a, s) in enumerate([("3", 80.0), ("3", 90.0), ("2", 10.0), ("3", 60.0), ("3", 55)])
    ]
    path = tmp_path / "run" / "s.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    thresholds = Thresholds.parse(["50"]).with_directions(["higher"])
    options = LoadOptions(use_cache=False, tokenize=False, correct_threshold=thresholds)
    result = load([path], options)
    rescored = rescore(result, RescoreOptions("exact", use_cache=False))
    shown = rescored_load(result, rescored, options)
    stats = shown.stats.sort("prompt")
    assert stats["n_correct"].to_list() == [1, 1, 0, 1, 1]
    assert stats["stored_n_correct"].to_list() == [1, 1, 0, 1, 1]
    assert stats["n_flipped"].sum() == 0
    assert set(stats["correct_threshold"].to_list()) == {0.5}

    # The rule itself: kept for an accuracy's and an unscored run's scale, dropped elsewhere.
    from evaltui.data.metrics import ScoreKind
    from evaltui.data.rescore import new_score_thresholds

    stored = {
        "acc": ScoreKind("acc", "fraction", None, True, 0.7, 0.0, 1.0),
        "bleu": ScoreKind("bleu", "continuous", "bleu", True, 20.0, 0.0, 80.0),
        "none": ScoreKind("none", "unscored", None, None, None),
    }
    told = Thresholds.parse(["0.7", "bleu=20"]).with_directions(["lower"])
    new = new_score_thresholds(told, "exact", stored)
    assert new == Thresholds(None, (("acc", 0.7), ("none", 0.7)))
    assert new_score_thresholds(told, "lm-eval:toy", stored) is told


def test_doubts_judge_the_stored_scores_as_the_load_does(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plain `score` told lower-is-better (0.1 for each right answer, 0.9 for each wrong one)
    re-scored by exact, which agrees with every stored verdict: the doubt judged the stored
    scores as an accuracy (0.9 correct) and said "exact calls wrong 5 of the 5 generations
    stored correct" beside "0 verdicts flipped". The other way, an mae told correct at <= 1
    whose verdicts exact contradicts had no doubt at all (its stored verdicts were unknown to
    the doubt)."""
    plan = {"p1": ("4", "445"), "p2": ("9", "779"), "p3": ("5", "585"), "p4": ("6", "566")}
    lines = [
        {"prompt": p, "gen": f"so \\boxed{{{a}}}", "answer": ref, "score": 0.1 if a == ref else 0.9}
        for p, (ref, answers) in plan.items()
        for a in answers
    ]
    path = tmp_path / "run" / "d.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    common = ["--model", str(word_tokenizer), "--no-cache", "-o", str(tmp_path / "x.json")]
    assert (
        main(["rescore", str(path), "--scorer", "exact", *common, "--score-direction", "lower"])
        == 0
    )
    err = capsys.readouterr().err
    # No threshold: the stored scores have no verdicts to flip ("0 verdicts flipped" was no count).
    assert "no stored verdicts to flip" in err and "\ndoubt " not in err, err
    lower = Thresholds().with_directions(["lower"])
    result = load([path], LoadOptions(use_cache=False, tokenize=False, correct_threshold=lower))
    for told in (lower, Thresholds.parse(["0.5"]).with_directions(["lower"])):
        rescored = rescore(result, RescoreOptions("exact", use_cache=False, thresholds=told))
        assert rescored.doubts == [], told
    # Without the words, the same file is an accuracy, and the doubt is right to speak.
    rescored = rescore(result, RescoreOptions("exact", use_cache=False))
    assert (
        rescored.doubts
        and "calls wrong 5 of the 5 generations stored correct" in (rescored.doubts[0])
    )

    # An mae stored correct (<= 1) everywhere, exact calling most of them wrong: a doubt.
    mae = [
        {"prompt": p, "gen": f"so \\boxed{{{a}}}", "answer": ref, "mae": 0.5}
        for p, (ref, _answers) in plan.items()
        for a in ref + "00"  # one right answer, two wrong ones
    ]
    path.write_text("\n".join(json.dumps(x) for x in mae) + "\n", encoding="utf-8")
    one = Thresholds.parse(["1"])
    read = dataclasses.replace(LoadOptions().read, score_field="mae")
    options = LoadOptions(use_cache=False, tokenize=False, correct_threshold=one, read=read)
    result = load([path], options)
    rescored = rescore(result, RescoreOptions("exact", use_cache=False, thresholds=one))
    assert (
        rescored.doubts
        and "calls wrong 8 of the 12 generations stored correct" in (rescored.doubts[0])
    )
    assert rescore(result, RescoreOptions("exact", use_cache=False)).doubts == []


def test_a_followed_updates_known_verdicts_keep_their_doubts(tmp_path: Path) -> None:
    """A followed file re-scored by a scorer of its own (not exact): each update is shown at
    once with the verdicts known (known_scores, the new lines pending) while their re-score
    runs. That showed no doubt at all, so t's summary lost 'calls wrong 8 of the 12 generations
    stored correct' at every update until the re-score was done. The pending lines are not
    counted."""
    from evaltui.data.rescore import PENDING, ScoreMemo, known_scores

    def lines(a: int, b: int) -> str:
        return "".join(
            json.dumps(
                {
                    "prompt": f"Problem {i % 6}",
                    "gen": f"so {f'ans{i % 6}' if i % 3 == 0 else 'zzz'}",
                    "answer": f"ans{i % 6}",
                    "accuracy": 1,
                }
            )
            + "\n"
            for i in range(a, b)
        )

    path = tmp_path / "run" / "out.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text(lines(0, 12), encoding="utf-8")
    load_options = LoadOptions(use_cache=False, tokenize=False)
    scorer = RescoreOptions(
        "tests.data.rescore_scorers:contains_reference", workers=1, use_cache=False
    )
    memo = ScoreMemo()
    first = rescore(load([path], load_options), scorer, memo=memo)
    assert len(first.doubts) == 1 and "calls wrong 8 of the 12 generations" in first.doubts[0]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(lines(12, 18))
    known = known_scores(load([path], load_options), scorer, memo)
    assert known is not None and known.counts == {"ok": 12, PENDING: 6}
    assert known.doubts == first.doubts


def test_rescored_stats_say_the_stored_scores_kind(tmp_path: Path) -> None:
    """A re-score's Stats hold the stored score's kind and metric beside its numbers: an mae
    given a threshold (`--correct-threshold 1`) has a stored correct count, yet its stored mean
    is a mean mae, no accuracy (the app's header took it for one: 'stored accuracy 1.250')."""
    from evaltui.data.rescore import stored_accuracy_rows

    source = write_distances(tmp_path / "run" / "d.jsonl", "mae")
    read = dataclasses.replace(LoadOptions().read, score_field="mae")
    one = Thresholds.parse(["1"])
    options = LoadOptions(use_cache=False, tokenize=False, correct_threshold=one, read=read)
    result = load([source], options)
    rescored = rescore(result, RescoreOptions("exact", use_cache=False, thresholds=one))
    stats = rescored_load(result, rescored, options).stats
    assert set(stats["stored_score_kind"]) == {"continuous"}
    assert set(stats["stored_score_metric"]) == {"mae"}
    assert set(stats["score_kind"]) == {"binary"}
    assert stats["stored_n_correct"].to_list() == [2, 0, 1, 1]  # judged <= 1
    assert stats.filter(stored_accuracy_rows(stats)).height == 0


def test_the_rescore_run_line_names_a_continuous_stored_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`evaltui rescore` of an mae run by exact: 'r: 1.2500 stored → 0.5000 new', a mean mae
    (10 / 8) beside an accuracy as if both were rates; the app's t said 'mean mae 1.25 stored →
    accuracy 0.500 new'. Accuracies keep their bare numbers."""
    source = write_distances(tmp_path / "r" / "d.jsonl", "mae")
    out = tmp_path / "out.json"
    argv = ["rescore", str(source), "--scorer", "exact", "-o", str(out), "--no-cache"]
    assert main([*argv, "--score-field", "mae", "--correct-threshold", "1"]) == 0
    err = capsys.readouterr().err
    (line,) = [line for line in err.splitlines() if line.startswith("run ")]
    assert "r: mean mae 1.2500 stored → accuracy 0.5000 new;" in line, line


def test_a_stored_score_without_correct_has_no_flips_to_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`evaltui rescore` of an mae run (no threshold) by exact said '0 verdicts flipped (0 to
    correct, 0 to wrong) in 0 prompts': the stored mae has no verdicts, so none could flip.
    Given a threshold it has them, and its flips are counted."""
    source = write_distances(tmp_path / "r" / "d.jsonl", "mae")
    out = tmp_path / "out.json"
    argv = ["rescore", str(source), "--scorer", "exact", "-o", str(out), "--no-cache"]
    assert main([*argv, "--score-field", "mae"]) == 0
    (line,) = [x for x in capsys.readouterr().err.splitlines() if x.startswith("run ")]
    assert line.endswith(
        "; no stored verdicts to flip (the stored score has no 'correct':"
        " --correct-threshold gives one)"
    ), line
    assert main([*argv, "--score-field", "mae", "--correct-threshold", "1"]) == 0
    (line,) = [x for x in capsys.readouterr().err.splitlines() if x.startswith("run ")]
    assert " flipped (" in line, line

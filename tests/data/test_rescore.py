"""Re-scoring: hand-worked verdicts, the worker pool's timeout and error handling, the cache, the
stats under both scores, and the command on sample_data/ and published files."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data import extract, score_worker
from evaltui.data.loader import LoadOptions, LoadResult, load
from evaltui.data.rescore import (
    CANCELLED,
    ERROR,
    NO_REFERENCE,
    OK,
    READ_FROM_TEXT,
    SCORED_ON_FORMAT_ANSWER,
    TIMEOUT,
    Rescored,
    RescoreOptions,
    ScorerUnavailable,
    rescore,
    rescored_stats,
    verdict_columns,
    with_new_scores,
)
from tests.conftest import write_jsonl

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "fixtures" / "real_world"
MATH500 = REAL / "skythought"
AIME = REAL / "plain" / "SkyThought-Qwen2.5-Math-eval"
try:
    import math_verify  # noqa: F401

    HAVE_MATH_VERIFY = True
except ImportError:
    HAVE_MATH_VERIFY = False
needs_math_verify = pytest.mark.skipif(
    not HAVE_MATH_VERIFY, reason="math-verify is not installed (pip install -e '.[test]')"
)
OPTS = LoadOptions(use_cache=False, tokenize=False)


def loaded(tmp_path: Path, records: list[dict[str, Any]]) -> LoadResult:
    write_jsonl(tmp_path / "in" / "run" / "a.jsonl", records)
    return load([tmp_path / "in"], OPTS)


def statuses(rescored: Rescored) -> list[str]:
    return rescored.scores["score_status"].to_list()


# --- math-verify verdicts, worked by hand -------------------------------------------------------


@needs_math_verify
@pytest.mark.parametrize(
    ("generation", "reference", "verdict"),
    [
        # equivalent forms of one half
        ("so $\\boxed{0.5}$", "\\frac{1}{2}", True),
        ("so $\\boxed{1/2}$", "\\frac{1}{2}", True),
        ("the answer is $\\frac12$", "0.5", True),
        ("so $\\boxed{\\dfrac{2}{4}}$", "\\frac{1}{2}", True),
        ("so $\\boxed{0.49}$", "\\frac{1}{2}", False),
        # sets: order does not matter, a missing element does
        ("so $\\boxed{\\{1, 2, 3\\}}$", "\\{3,2,1\\}", True),
        ("so $\\boxed{\\{1, 2\\}}$", "\\{3,2,1\\}", False),
        # intervals: the brackets matter
        ("so $\\boxed{(0, 1]}$", "(0,1]", True),
        ("so $\\boxed{[0, 1]}$", "(0,1]", False),
        ("so $\\boxed{x \\in [2, \\infty)}$", "[2,\\infty)", True),
        # units and degree signs are not part of the value
        ("so $\\boxed{5 \\text{ cm}}$", "5", True),
        ("so $\\boxed{5}$", "5 \\text{ cm}", True),
        ("so $\\boxed{90^\\circ}$", "90", True),
        ("so $\\boxed{6 \\text{ cm}}$", "5", False),
        # symbolic equality
        ("so $\\boxed{2\\sqrt{2}}$", "\\sqrt{8}", True),
        ("so $\\boxed{10,\\!080}$", "10080", True),
    ],
)
def test_math_verify_hand_worked_verdicts(generation: str, reference: str, verdict: bool) -> None:
    scorer = score_worker.MathVerify(timeout=60)
    assert scorer(generation, reference, {}) is verdict


def test_math_verify_reads_the_extractors_window() -> None:
    assert score_worker.TAIL_CHARS == extract.TAIL_CHARS


# --- the pool: errors, timeouts, bad scorers ----------------------------------------------------


def test_a_raising_scorer_marks_that_generation_and_the_run_continues(tmp_path: Path) -> None:
    result = loaded(
        tmp_path,
        [
            {"prompt": "p", "answer": "1", "accuracy": 1, "gen": "fine"},
            {"prompt": "p", "answer": "1", "accuracy": 1, "gen": "RAISE please"},
            {"prompt": "p", "answer": "1", "accuracy": 1, "gen": "STRING"},
            {"prompt": "p", "answer": "1", "accuracy": 1, "gen": "SKIP"},
            {"prompt": "q", "accuracy": 1, "gen": "no reference here"},
        ],
    )
    got = rescore(result, RescoreOptions("tests.data.rescore_scorers:picky", use_cache=False))
    assert statuses(got) == [OK, ERROR, ERROR, OK, NO_REFERENCE]
    assert got.scores["new_accuracy"].to_list() == [0.25, None, None, None, None]
    messages = got.scores["score_message"].to_list()
    assert messages[1] == "ValueError: cannot score line 2"  # the record reached the scorer
    assert "not a number or bool" in messages[2]
    assert got.counts == {OK: 2, ERROR: 2, NO_REFERENCE: 1}


def test_a_scorer_returning_numpys_numbers_scores(tmp_path: Path) -> None:
    """np.isclose gives a numpy.bool_, a mean a float32: each was 'scorer error: scorer returned
    bool np.True_, not a number or bool' (an int64, a 0-d array alike)."""
    result = loaded(
        tmp_path,
        [
            {"prompt": "p", "answer": "2", "accuracy": 0, "gen": "it is 2.0"},
            {"prompt": "p", "answer": "2", "accuracy": 1, "gen": "it is 3"},
            {"prompt": "p", "answer": "2", "accuracy": 1, "gen": "MEAN"},
            {"prompt": "p", "answer": "2", "accuracy": 1, "gen": "COUNT"},
            {"prompt": "p", "answer": "2", "accuracy": 1, "gen": "ARRAY"},
        ],
    )
    scorer = "tests.data.rescore_scorers:numpy_verdicts"
    got = rescore(result, RescoreOptions(scorer, use_cache=False))
    assert statuses(got) == [OK] * 5
    assert got.scores["new_accuracy"].to_list() == [1.0, 0.0, 0.25, 1.0, 0.5]


def test_a_hanging_generation_times_out_and_the_rest_is_scored(tmp_path: Path) -> None:
    records = [
        {"prompt": f"p{i}", "answer": "42", "accuracy": 0, "gen": f"it is 42 ({i})"}
        for i in range(12)
    ]
    records[5]["gen"] = "HANG"  # catastrophic backtracking: C code, no signal stops it
    result = loaded(tmp_path, records)
    began = time.monotonic()
    got = rescore(
        result,
        RescoreOptions(
            "tests.data.rescore_scorers:catastrophic", timeout=1, workers=2, use_cache=False
        ),
    )
    assert time.monotonic() - began < 60  # the regex alone would run for ages
    expected = [OK] * 12
    expected[5] = TIMEOUT
    assert statuses(got) == expected
    assert got.scores["new_accuracy"].to_list()[:5] == [1.0] * 5
    assert "no result within 1 s" in got.scores["score_message"][5]


def test_unusable_scorers_say_why(tmp_path: Path) -> None:
    result = loaded(tmp_path, [{"prompt": "p", "answer": "1", "accuracy": 1, "gen": "1"}])
    cases = {
        "nope": "unknown scorer",
        "tests.data.no_such_module:f": "cannot import scorer module",
        "tests.data.rescore_scorers:missing": "has no function 'missing'",
        "lm-eval:gsm8k": "lm-eval:gsm8k",
    }
    for name, message in cases.items():
        with pytest.raises(ScorerUnavailable, match=message):
            rescore(result, RescoreOptions(name, use_cache=False))


def test_a_scorer_from_a_file_path(tmp_path: Path) -> None:
    scorer = tmp_path / "my_scorer.py"
    scorer.write_text("def score(g, r, rec):\n    return float(g.strip() == r)\n")
    result = loaded(
        tmp_path,
        [
            {"prompt": "p", "answer": "7", "accuracy": 0, "gen": " 7 "},
            {"prompt": "p", "answer": "7", "accuracy": 1, "gen": "8"},
        ],
    )
    got = rescore(result, RescoreOptions(f"{scorer}:score", cache_dir=tmp_path / "cache"))
    assert got.scores["new_accuracy"].to_list() == [1.0, 0.0]


def test_cancel_stops_and_caches_nothing(tmp_path: Path) -> None:
    records = [{"prompt": f"p{i}", "answer": "1", "accuracy": 1, "gen": "1"} for i in range(200)]
    result = loaded(tmp_path, records)
    cancel = threading.Event()
    options = RescoreOptions(
        "tests.data.rescore_scorers:contains_reference",
        workers=1,
        chunk=1,
        cache_dir=tmp_path / "cache",
    )

    def on_progress(progress: Any) -> None:
        if progress.done >= 3:
            cancel.set()

    got = rescore(result, options, on_progress=on_progress, cancelled=cancel)
    assert got.cancelled and CANCELLED in statuses(got) and OK in statuses(got)
    assert not list((tmp_path / "cache").rglob("*.scores.arrow"))


def test_progress_is_told_while_a_slow_generation_runs(tmp_path: Path) -> None:
    """No result for seconds (a slow generation; a chunk of 32 of a 0.5 s grader is 16 s): the
    progress came only with results, so the app's line stood at "0/1,440 generations · 0s" as
    if hung. It is told again while waiting, the elapsed time going on."""
    records = [{"prompt": "p", "answer": "1", "accuracy": 1, "gen": "1 SLOW"}]
    result = loaded(tmp_path, records)
    options = RescoreOptions(
        "tests.data.rescore_scorers:slow", workers=1, use_cache=False, timeout=30
    )
    told: list[Any] = []
    got = rescore(result, options, on_progress=told.append)
    assert statuses(got) == [OK]
    waiting = [p for p in told if p.done == 0]
    # 2.5 s without a result: the first report and at least two more, each later.
    assert len(waiting) >= 3, told
    elapsed = [p.elapsed for p in waiting]
    assert elapsed == sorted(elapsed) and elapsed[-1] - elapsed[0] >= 1.5
    assert told[-1].done == 1 and told[-1].total == 1


# --- exact, the cache, stats under both scores --------------------------------------------------


def test_exact_scorer_is_the_extractor_and_normalisation(tmp_path: Path) -> None:
    result = loaded(
        tmp_path,
        [
            {"prompt": "p", "answer": "0.5", "accuracy": 0, "gen": "so \\boxed{\\frac{1}{2}}"},
            {"prompt": "p", "answer": "0.5", "accuracy": 1, "gen": "so \\boxed{2}"},
            {"prompt": "p", "answer": "1,000", "accuracy": 0, "gen": "The answer is 1000."},
            {"prompt": "q", "accuracy": 1, "gen": "\\boxed{2}"},
            # "the answer is" ends at a sentence's full stop, not at a decimal point ('0')
            {"prompt": "r", "answer": "0.5", "accuracy": 1, "gen": "The answer is $0.5$."},
            {"prompt": "r", "answer": "0.5", "accuracy": 1, "gen": "The answer is 0.5"},
            # MATH's spellings of a reference (published MATH500: each was a false ✓→✗)
            {"prompt": "s", "answer": "90^\\circ", "accuracy": 1, "gen": "\\boxed{90}"},
            {"prompt": "t", "answer": "\\frac43", "accuracy": 1, "gen": "\\boxed{\\frac{4}{3}}"},
            {"prompt": "u", "answer": "\\text{Evelyn}", "accuracy": 1, "gen": "\\boxed{Evelyn}"},
            {"prompt": "v", "answer": "\\text{(E)}", "accuracy": 1, "gen": "\\boxed{E}"},
            {"prompt": "w", "answer": "x=5", "accuracy": 1, "gen": "so \\boxed{5}"},
            {"prompt": "y", "answer": "10", "accuracy": 1, "gen": "The answer is 10\\%."},
            {"prompt": "z", "answer": "\\frac{5}{6}", "accuracy": 1, "gen": "\\boxed{5/6}"},
        ],
    )
    got = rescore(result, RescoreOptions("exact"))
    assert got.scores["new_accuracy"].to_list() == [1.0, 0.0, 1.0, None] + [1.0] * 9
    assert statuses(got) == [OK, OK, OK, NO_REFERENCE] + [OK] * 9


def test_results_are_cached_per_file_and_keyed_by_the_scorer_version(tmp_path: Path) -> None:
    scorer = tmp_path / "s.py"
    scorer.write_text("def score(g, r, rec):\n    return r in g\n")
    records = [
        {"prompt": f"p{i}", "answer": str(i), "accuracy": 0, "gen": "0 1 2"} for i in range(5)
    ]
    write_jsonl(tmp_path / "in" / "run" / "a.jsonl", records)
    write_jsonl(tmp_path / "in" / "run" / "b.jsonl", records[:2])
    result = load([tmp_path / "in"], OPTS)
    options = RescoreOptions(f"{scorer}:score", cache_dir=tmp_path / "cache")
    first = rescore(result, options)
    assert first.cached_files == 0
    assert first.scores["new_accuracy"].to_list() == [1, 1, 1, 0, 0, 1, 1]
    again = rescore(result, options)
    assert again.cached_files == 2 and again.scores.equals(first.scores)
    # Another version of the scorer (its source changed) is another key.
    scorer.write_text("def score(g, r, rec):\n    return 0.5\n")
    changed = rescore(result, options)
    assert changed.cached_files == 0 and changed.scores["new_accuracy"].to_list() == [0.5] * 7
    # A longer timeout is another key too (a timeout's verdict depends on it).
    longer = rescore(
        result, RescoreOptions(f"{scorer}:score", timeout=99, cache_dir=options.cache_dir)
    )
    assert longer.cached_files == 0


def test_stats_under_both_scores_with_flip_counts(tmp_path: Path) -> None:
    result = loaded(
        tmp_path,
        [
            {"prompt": "p", "answer": "1", "accuracy": 1, "gen": "1"},
            {"prompt": "p", "answer": "1", "accuracy": 0, "gen": "x 1"},  # wrong → right
            {"prompt": "p", "answer": "1", "accuracy": 1, "gen": "2"},  # right → wrong
            {"prompt": "p", "answer": "1", "accuracy": 0, "gen": "3"},
            {"prompt": "q", "answer": "5", "accuracy": 0, "gen": "RAISE"},
        ],
    )
    got = rescore(result, RescoreOptions("tests.data.rescore_scorers:contains_reference"))
    stats = rescored_stats(result.generations, got, OPTS)
    p, q = stats.rows(named=True)
    assert (p["average_accuracy"], p["stored_average_accuracy"]) == (0.5, 0.5)
    assert (p["n_flipped"], p["n_flipped_to_correct"], p["n_flipped_to_wrong"]) == (2, 1, 1)
    assert p["stored_n_correct"] == 2 and p["n_correct"] == 2
    assert "stored_pass@1" in stats.columns and "stored_total_accuracy_count" in stats.columns
    assert q["n_flipped"] == 0 and q["stored_average_accuracy"] == 0.0
    # "RAISE" contains no "5": scored 0 by this scorer (it does not raise); stored was 0 too.
    assert q["n_scorer_errors"] == 0


# --- the command, on sample_data/ and on published files ----------------------------------------


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


@needs_math_verify
def test_rescore_sample_data_with_math_verify(tmp_path: Path) -> None:
    sample = ROOT / "sample_data"
    before = _digest(sample)
    out, per_gen = tmp_path / "r.json", tmp_path / "g.jsonl"
    argv = ["rescore", str(sample), "--scorer", "math-verify", "-o", str(out), "-q"]
    argv += ["--generations", str(per_gen), "--timeout", "120", "--cache-dir", str(tmp_path)]
    assert main(argv) == 0
    assert _digest(sample) == before  # the inputs are not touched
    combined = json.loads(out.read_text())
    assert len(combined) == 120
    assert all("stored_average_accuracy" in row and "n_flipped" in row for row in combined)
    manifest = json.loads((tmp_path / "r.json.evaltui.json").read_text())["evaltui"]
    assert manifest["rescored_with"] == "math-verify"  # which scorer gave the new scores
    rows = pl.read_ndjson(per_gen)
    assert rows.height == 960 and set(rows["score_status"]) == {OK}
    # The stored grader and math-verify agree but on three cut-off traces (finish_reason
    # "length") whose last number happens to be the reference: math-verify reads that number as
    # the answer (it falls back to any number), the stored grader wanted a final answer.
    flipped = rows.filter(pl.col("stored_accuracy") != pl.col("new_accuracy"))
    assert flipped.height == 3 and flipped["new_accuracy"].to_list() == [1.0] * 3
    assert sorted(flipped["answer"].to_list()) == ["23", "34", "5"]
    by_prompt = {(r["run"], r["prompt_id"]): r["n_flipped"] for r in combined}
    assert sum(by_prompt.values()) == 3


@needs_math_verify
def test_rescore_published_math500_finds_the_graders_misses(tmp_path: Path) -> None:
    out, per_gen = tmp_path / "r.json", tmp_path / "g.jsonl"
    argv = ["rescore", str(MATH500), "--scorer", "math-verify", "-o", str(out), "-q"]
    argv += ["--generations", str(per_gen), "--timeout", "120", "--cache-dir", str(tmp_path)]
    assert main(argv) == 0
    rows = pl.read_ndjson(per_gen)
    assert rows.height == 500 and set(rows["score_status"]) == {OK}
    flipped = rows.filter(pl.col("stored_accuracy") != pl.col("new_accuracy"))
    # Checked by hand: every flip is the stored grader missing an equal answer — thousands
    # separators (10,\!080 = 10080), \dfrac{17}{50} = \frac{34}{100} = \frac{17}{50}, an interval
    # "x \in [-2,7]" = [-2, 7], identical strings (3; three pmatrix vectors) — except 308, where
    # math-verify drops the base subscript of 4343_6 (a leniency of math-verify, not an equality).
    assert sorted(flipped["line"].to_list()) == [180, 200, 308, 371, 474, 477, 493, 495, 496]
    assert flipped["new_accuracy"].to_list() == [1.0] * 9
    stats = json.loads(out.read_text())
    assert sum(r["n_flipped"] for r in stats) == 9
    assert sum(r["stored_total_accuracy_count"] for r in stats) == 370
    assert sum(r["total_accuracy_count"] for r in stats) == 379


@needs_math_verify
def test_rescore_published_aime24_agrees_with_its_grader(tmp_path: Path) -> None:
    out, per_gen = tmp_path / "r.json", tmp_path / "g.jsonl"
    argv = ["rescore", str(AIME), "--scorer", "math-verify", "-o", str(out), "-q"]
    argv += ["--generations", str(per_gen), "--timeout", "120", "--cache-dir", str(tmp_path)]
    assert main(argv) == 0
    rows = pl.read_ndjson(per_gen)
    # 30 problems, 6 right (the harness's own *_metrics.json says acc 20.0); math-verify agrees.
    assert rows.height == 30 and rows["new_accuracy"].sum() == 6
    assert rows.filter(pl.col("stored_accuracy") != pl.col("new_accuracy")).height == 0


def test_rescore_command_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = str(ROOT / "sample_data")
    out = tmp_path / "x.json"
    assert main(["rescore", sample, "--scorer", "nope", "-o", str(out), "-q"]) == 2
    assert "unknown scorer" in capsys.readouterr().err and not out.exists()
    assert main(["rescore", sample, "--scorer", "lm-eval:gsm8k", "-o", str(out), "-q"]) == 2
    assert "lm-eval:gsm8k" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["rescore", sample, "--scorer", "exact", "-o", str(out), "--timeout", "0"])
    assert stopped.value.code == 2


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--timeout", "nan"), ("--timeout", "inf"), ("--timeout", "-1"), ("--workers", "0")],
)
def test_a_timeout_or_worker_count_that_is_no_budget_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str
) -> None:
    # --timeout nan/inf passed the `<= 0` check and math-verify's step budget then crashed with
    # a traceback (int(nan)); --workers 0 was taken as "all cores" without a word.
    out = tmp_path / "x.json"
    argv = ["rescore", str(ROOT / "sample_data"), "--scorer", "math-verify", "-o", str(out)]
    with pytest.raises(SystemExit) as stopped:
        main([*argv, f"{flag}={value}", "--no-cache", "-q"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {flag}: '{value}'" in err and "Traceback" not in err
    assert not out.exists()


def test_a_worker_that_dies_costs_one_generation_and_is_not_cached(tmp_path: Path) -> None:
    records = [{"prompt": f"p{i}", "answer": "1", "accuracy": 0, "gen": "1"} for i in range(8)]
    records[3]["gen"] = "DIE"
    result = loaded(tmp_path, records)
    options = RescoreOptions("tests.data.rescore_scorers:dies", cache_dir=tmp_path / "cache")
    got = rescore(result, options)
    expected = [OK] * 8
    expected[3] = ERROR
    assert statuses(got) == expected
    assert got.scores["score_message"][3] == "worker process died (exit code 3)"
    assert got.scores["new_accuracy"].to_list()[:3] == [1.0] * 3
    assert rescore(result, options).cached_files == 0  # scored again, not taken from the cache


# --- part of the prompts (the app's "current view") -----------------------------------------------


def test_only_some_prompts_the_others_keep_their_stored_scores(tmp_path: Path) -> None:
    scorer = tmp_path / "s.py"
    scorer.write_text("def score(g, r, rec):\n    return r in g\n")
    records = [
        {"prompt": f"p{i}", "answer": str(i), "accuracy": 0, "gen": "0 1 2"} for i in range(5)
    ]
    # two shards of one run
    write_jsonl(tmp_path / "in" / "run" / "shard_0.jsonl", records)  # p0..p4: in part
    write_jsonl(tmp_path / "in" / "run" / "shard_1.jsonl", records[:2])  # p0, p1: whole
    result = load([tmp_path / "in"], OPTS)
    gens = result.generations
    wanted = gens.filter(pl.col("prompt").is_in(["p0", "p1", "p3"])).select("run", "prompt_id")
    options = RescoreOptions(f"{scorer}:score", cache_dir=tmp_path / "cache")
    part = rescore(result, options, only=wanted.unique())
    # a.jsonl p0..p4, then b.jsonl p0, p1: p2 and p4 are left with their stored 0
    assert part.scores["new_accuracy"].to_list() == [1, 1, 0, 0, 0, 1, 1]
    assert statuses(part) == [OK, OK, "not re-scored", OK, "not re-scored", OK, OK]
    assert part.counts == {OK: 5, "not re-scored": 2}
    # the stats: nothing flips outside the prompts asked for
    stats = rescored_stats(gens, part, OPTS)
    flips = dict(zip(stats["prompt"].to_list(), stats["n_flipped"].to_list(), strict=True))
    assert flips == {"p0": 2, "p1": 2, "p2": 0, "p3": 0, "p4": 0}
    # a file scored in part was not cached (its entry would stand for the whole file); the
    # whole one was
    everything = rescore(result, options)
    assert everything.cached_files == 1
    assert everything.scores["new_accuracy"].to_list() == [1, 1, 1, 0, 0, 1, 1]
    assert rescore(result, options).cached_files == 2
    # every prompt asked for is a plain re-score; none is every generation kept
    assert rescore(result, options, only=gens.select("run", "prompt_id")).cached_files == 2
    none = rescore(result, options, only=wanted.clear())
    assert statuses(none) == ["not re-scored"] * 7
    assert none.scores["new_accuracy"].to_list() == [0.0] * 7


def test_only_some_prompts_with_the_exact_scorer(tmp_path: Path) -> None:
    result = loaded(
        tmp_path,
        [
            {"prompt": "p", "answer": "7", "gen": "\\boxed{7}", "accuracy": 0},
            {"prompt": "q", "answer": "8", "gen": "\\boxed{8}", "accuracy": 0},
        ],
    )
    only = result.generations.filter(pl.col("prompt") == "q").select("run", "prompt_id")
    got = rescore(result, RescoreOptions("exact"), only=only)
    assert got.scores["new_accuracy"].to_list() == [0.0, 1.0]
    assert statuses(got) == ["not re-scored", OK]


def test_rescore_summary_counts_in_words(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The end summary said "1 verdicts flipped (1 to correct, 0 to wrong) in 1 prompts"."""
    records = [
        {"prompt": "2+2?", "gen": "so \\boxed{4}", "answer": "4", "accuracy": 0},  # flips
        {"prompt": "2+2?", "gen": "so \\boxed{5}", "answer": "4", "accuracy": 0},
    ]
    write_jsonl(tmp_path / "d" / "m" / "a.jsonl", records)
    argv = ["rescore", str(tmp_path / "d"), "--scorer", "exact", "-o", str(tmp_path / "r.json")]
    argv += ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert (
        "0.0000 stored → 0.5000 new; 1 verdict flipped (1 to correct, 0 to wrong) in 1 prompt\n"
        in err
    )


def test_rescore_to_stdout_keeps_it_for_the_data(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """README: `-o -` (rescore too) leaves standard output to the data; --compare's report and the
    summary go to stderr, which says where it wrote as summarize does (it said "wrote -")."""
    records = [{"prompt": "2+2?", "gen": "so \\boxed{4}", "answer": "4", "accuracy": 0}]
    write_jsonl(tmp_path / "d" / "m" / "a.jsonl", records)
    argv = ["rescore", str(tmp_path / "d"), "--scorer", "exact", "-o", "-", "--compare"]
    argv += ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert [row["n_flipped"] for row in json.loads(out)] == [1]
    assert "transitions" in err and "wrote        (standard output)" in err


def test_rescore_generations_to_stdout_keeps_it_for_them(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rescore -o r.json --generations - --compare | jq`: the report was printed after the
    verdicts' JSON lines on standard output (only -o - sent it to stderr), and jq failed on
    its first line."""
    records = [{"prompt": "2+2?", "gen": "so \\boxed{4}", "answer": "4", "accuracy": 0}]
    write_jsonl(tmp_path / "d" / "m" / "a.jsonl", records)
    argv = ["rescore", str(tmp_path / "d"), "--scorer", "exact", "-o", str(tmp_path / "r.json")]
    argv += ["--generations", "-", "--compare"]
    argv += ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["new_accuracy"] for line in out.splitlines()] == [1.0]
    assert "transitions" in err


def test_rescore_compare_with_a_scorer_that_scored_nothing(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--compare against a scorer that failed on every generation: the new stats have no pass@k
    columns, and selecting the stored ones from them was a traceback (ColumnNotFoundError)."""
    records = [
        {"prompt": f"{n}+{n}?", "gen": "RAISE \\boxed{4}", "answer": "4", "accuracy": 1}
        for n in (1, 2)
    ]
    write_jsonl(tmp_path / "d" / "m" / "a.jsonl", records)
    # picky raises on a generation that says RAISE: here, on every one
    argv = ["rescore", str(tmp_path / "d"), "--scorer", "tests.data.rescore_scorers:picky"]
    argv += ["-o", str(tmp_path / "r.json"), "--compare", "--no-cache"]
    # exit 1: the scorer scored no generation (see test_a_scorer_that_scores_nothing_is_exit_1)
    assert main([*argv, "--model", str(word_tokenizer)]) == 1
    out, err = capsys.readouterr()
    assert "generations  2 scorer error" in err, err
    assert "no delta: no prompt is scored in both runs" in out, out
    # It counted 'improved 0 · regressed 0 · unchanged 0 · unscored in a run 2': nothing was.
    assert (
        "improved/regressed: none counted (no prompt is scored in both runs; unscored in a run 2)"
        in out.splitlines()
    ), out
    assert "unchanged 0" not in out, out


def test_a_scorer_that_scores_nothing_is_exit_1(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A user scorer that raised on every generation ended `rescore` with exit 0 (the summary
    said "2 scorer error" on stderr, -q said nothing): a script could not tell an output whose
    every new score is empty from a re-score's. Now 1, the output still written, one error line
    (-q too); a scorer that scored some generations is still 0."""
    records = [
        {"prompt": f"{n}+{n}?", "gen": "RAISE \\boxed{4}", "answer": "4", "accuracy": 1}
        for n in (1, 2)
    ]
    write_jsonl(tmp_path / "d" / "m" / "a.jsonl", records)
    out = tmp_path / "r.json"
    argv = ["rescore", str(tmp_path / "d"), "--scorer", "tests.data.rescore_scorers:picky"]
    argv += ["-o", str(out), "--no-cache", "-q", "--model", str(word_tokenizer)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "evaltui: error: the scorer scored none of 2 generations (2 scorer error); "
        "the output is written, its new scores empty"
    ], err
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [row["n_scorer_errors"] for row in rows] == [1, 1]
    assert {row["n_scored"] for row in rows} == {0}
    # One generation scored (0.25), one scorer error: exit 0, as before.
    records[0]["gen"] = "\\boxed{4}"
    write_jsonl(tmp_path / "d" / "m" / "a.jsonl", records)
    assert main(argv) == 0
    assert capsys.readouterr().err == ""


def test_an_exact_re_score_of_an_mae_run_is_an_accuracy_not_an_mae(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """tgpred (gpt-4o-mini, lm-eval `mae`, lower is better). Re-scored by `exact`, the new 0/1
    verdicts kept the stored metric's name and direction: read as mae values, a wrong answer
    (0) was a perfect mae, so the run was `continuous 0-0, lower is better` with no correct
    count, and `--compare` said "improved 24 · regressed 0" on answers none of which matched."""
    source = REAL / "lm_eval/lm-evaluation-harness/results/tgpred.json/gpt-4o-mini"
    out = tmp_path / "rescored.json"
    argv = ["rescore", str(source), "--scorer", "exact", "-o", str(out), "--compare"]
    assert main([*argv, "--cache-dir", str(tmp_path / "cache")]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 24
    assert {(r["score_kind"], r["score_metric"], r["higher_is_better"]) for r in rows} == {
        ("binary", "exact", True)
    }
    assert sum(r["n_correct"] for r in rows) == sum(r["total_accuracy_count"] for r in rows)
    assert {r["stored_average_accuracy"] for r in rows} & {"Infinity"}  # the stored mae, kept
    report = capsys.readouterr().out
    assert "improved 24" not in report
    assert "different measures" in report  # mae against an accuracy: no delta


@pytest.mark.parametrize(
    ("scorer", "printed"),
    [
        ("tests.data.rescore_scorers:noisy", "DEBUG scoring line 1"),
        ("tests.data.rescore_loud_scorer:score", "LOADING the loud scorer"),
    ],
)
def test_a_scorer_that_prints_leaves_standard_output_to_the_data(
    tmp_path: Path, scorer: str, printed: str
) -> None:
    """`rescore -o -`: standard output holds the combined JSON alone. A user scorer's print()
    ran in a worker process whose standard output was evaltui's: its lines came first and the
    JSON could not be read (in the app, they drew over the screen); so did what its module
    printed on import, in evaltui's own process (it imports the module to fail early). They go to
    stderr now."""
    write_jsonl(
        tmp_path / "in" / "run" / "a.jsonl",
        [{"prompt": f"p{i}", "answer": "1", "accuracy": 0, "gen": f"{i}"} for i in range(4)],
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "evaltui.cli",
            "rescore",
            str(tmp_path / "in"),
            "--scorer",
            scorer,
            "-o",
            "-",
            "-q",
            "--no-cache",
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert sorted(row["prompt"] for row in rows) == ["p0", "p1", "p2", "p3"]
    assert sum(row["total_accuracy_count"] for row in rows) == 1  # only "1" holds the reference
    assert printed in proc.stderr


def test_a_re_score_of_runs_that_name_no_metric_names_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Plain JSONL names no metric nor direction: its re-scored runs name none either, so
    `--compare` does not warn "not the same metric" on every run (the new scores' metric is
    the scorer's name only where the stored one had a name, as lm-eval's `mae` above)."""
    out = tmp_path / "rescored.json"
    argv = ["rescore", str(ROOT / "sample_data"), "--scorer", "exact", "-o", str(out)]
    assert main([*argv, "--compare", "--cache-dir", str(tmp_path / "cache")]) == 0
    assert "not the same metric" not in capsys.readouterr().out
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert {(r["score_kind"], r["score_metric"]) for r in rows} == {("binary", None)}


def test_exact_on_published_math500_drops_the_units_skythought_dropped(tmp_path: Path) -> None:
    """exact called wrong 4 answers SkyThought's grader had right, each a unit on the right of
    MATH's reference (\\frac{270}7\\text{ degrees}, 864 \\mbox{ inches}^2, 5.4\\text{ cents},
    15\\mbox{ cm}^2) that every MATH grader drops. The flips left are a grader's leniency
    exact has not (an interval's fractions as 3/5, 26/36 for 13/18, a list's order, a vector's
    16/49 for \\frac{16}{49}) or the stored grader missing an equal answer (10,\\!080; identical
    strings)."""
    out, per_gen = tmp_path / "r.json", tmp_path / "g.jsonl"
    argv = ["rescore", str(MATH500), "--scorer", "exact", "-o", str(out), "-q"]
    argv += ["--generations", str(per_gen), "--no-cache"]
    assert main(argv) == 0
    rows = pl.read_ndjson(per_gen)
    by_line = {r["line"]: r for r in rows.iter_rows(named=True)}
    for line in (150, 232, 271, 437):
        assert by_line[line]["stored_accuracy"] == by_line[line]["new_accuracy"] == 1.0
    flipped = rows.filter(pl.col("stored_accuracy") != pl.col("new_accuracy"))
    to_wrong = flipped.filter(pl.col("new_accuracy") == 0.0)["line"].to_list()
    to_correct = flipped.filter(pl.col("new_accuracy") == 1.0)["line"].to_list()
    assert sorted(to_wrong) == [300, 329, 427, 476]
    assert sorted(to_correct) == [180, 200, 474, 493, 495, 496]


OPENCOMPASS = ROOT / "tests" / "fixtures" / "formats" / "opencompass" / "outputs"


def test_exact_says_where_the_tools_own_answer_lost_the_replys_and_reextract_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """OpenCompass's gsm8k postprocessor read "1,200 - 200 = 1,000 dollars." as 000 (its last
    run of digits): exact scored that 000 against 1000, wrong, and nothing said the reply's own
    answer was 1,000. Now the verdict stays the tool's, its message and the summary say so,
    and --reextract scores the answer read from the text."""
    out, per_gen = tmp_path / "r.json", tmp_path / "g.jsonl"
    argv = ["rescore", str(OPENCOMPASS), "--scorer", "exact", "-o", str(out)]
    argv += ["--generations", str(per_gen), "--no-cache"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    rows = pl.read_ndjson(per_gen).sort("line")
    assert rows.select("extracted", "new_accuracy").rows() == [
        ("5", 1.0),
        ("42", 1.0),
        ("000", 0.0),
    ]
    assert rows["score_message"].to_list() == [None, None, SCORED_ON_FORMAT_ANSWER]
    assert "1 generation scored wrong on the answer their format's scorer extracted" in err
    assert "--reextract" in err

    assert main([*argv, "--reextract"]) == 0
    err = capsys.readouterr().err
    rows = pl.read_ndjson(per_gen).sort("line")
    assert rows["new_accuracy"].to_list() == [1.0, 1.0, 1.0]
    assert rows["score_message"].to_list() == [None, None, READ_FROM_TEXT]
    assert "scorer       exact (answers read from the text: --reextract)" in err
    assert "1 verdict flipped (1 to correct, 0 to wrong)" in err

    with pytest.raises(SystemExit) as exited:
        main([*argv, "--scorer", "math-verify", "--reextract"])
    assert exited.value.code == 2
    assert "--reextract is for --scorer exact" in capsys.readouterr().err


def test_reextract_writes_the_answer_it_scored(tmp_path: Path) -> None:
    """--reextract scored OpenCompass's third reply right on 1,000, read from its text, yet
    --generations wrote the tool's 000 as its ``extracted`` beside new_accuracy 1.0, and the
    re-scored generations (the app's, --compare's) kept it: an answer that did not match its
    verdict. Now the answer scored is ``extracted``, the tool's beside as ``stored_extracted``."""
    per_gen = tmp_path / "g.csv"
    argv = ["rescore", str(OPENCOMPASS), "--scorer", "exact", "--reextract", "-q", "--no-cache"]
    assert main([*argv, "-o", str(tmp_path / "r.json"), "--generations", str(per_gen)]) == 0
    rows = pl.read_csv(per_gen, infer_schema=False).sort("line")
    assert rows.select("extracted", "stored_extracted", "new_accuracy").rows() == [
        ("5", "5", "1.0"),
        ("42", "42", "1.0"),
        ("1,000", "000", "1.0"),
    ]
    assert rows["score_message"].to_list() == [None, None, READ_FROM_TEXT]

    result = load([OPENCOMPASS], OPTS)
    rescored = rescore(result, RescoreOptions("exact", use_cache=False, reextract=True))
    shown = with_new_scores(result.generations, rescored).sort("line")
    assert shown["extracted"].to_list() == ["5", "42", "1,000"]
    assert shown["stored_extracted"].to_list() == ["5", "42", "000"]
    assert shown["vote_answer"].to_list()[2] == "1000"  # voted (maj@n) on the answer scored
    # Without --reextract the stored answer is the one scored: nothing beside it.
    plain = rescore(result, RescoreOptions("exact", use_cache=False))
    assert "stored_extracted" not in with_new_scores(result.generations, plain).columns
    assert "stored_extracted" not in verdict_columns(result.generations, plain).columns


def test_reextract_counts_the_answers_it_scored_in_the_combined_json(tmp_path: Path) -> None:
    """Two samples of one OpenCompass prompt, the tool's answers 000 and 1000: --reextract
    read 1,000 and 1000, both right, yet -o's JSON counted the tool's answers (2 unique,
    agreement 0.5) beside an accuracy of 1.0. Now its answers are the ones scored: one."""
    predictions = tmp_path / "outputs" / "t1" / "predictions" / "m" / "toy_gsm8k.json"
    results = tmp_path / "outputs" / "t1" / "results" / "m" / "toy_gsm8k.json"
    prompt = "Question: A book costs $1,200 and is discounted by $200. What is the new price?"
    replies = ["1,200 - 200 = 1,000 dollars.", "The new price is 1000."]
    for path, data in (
        (predictions, {"0": {"origin_prompt": prompt, "prediction": replies, "gold": "1000"}}),
        (
            results,
            {
                "accuracy": 50.0,
                "details": [
                    {"pred": ["000", "1000"], "answer": ["1000"] * 2, "correct": [False, True]}
                ],
            },
        ),
    ):
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "r.json"
    argv = ["rescore", str(tmp_path / "outputs"), "--scorer", "exact", "-q", "--no-cache"]
    assert main([*argv, "-o", str(out)]) == 0
    (row,) = json.loads(out.read_text(encoding="utf-8"))
    assert (row["average_accuracy"], row["n_unique_answers"], row["agreement"]) == (0.5, 2, 0.5)
    assert main([*argv, "--reextract", "-o", str(out)]) == 0
    (row,) = json.loads(out.read_text(encoding="utf-8"))
    assert (row["average_accuracy"], row["n_unique_answers"], row["agreement"]) == (1.0, 1, 1.0)

"""pass@k, majority vote and answer extraction, against hand-computed cases."""

from __future__ import annotations

from math import comb
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from evaltui.data import sampling
from evaltui.data.extract import extract_answer_expr, normalize_expr
from evaltui.data.loader import LoadOptions, load
from evaltui.data.sampling import ks_for, pass_at_k
from tests.conftest import write_jsonl


def exact(n: int, c: int, k: int) -> float:
    return 1.0 - comb(n - c, k) / comb(n, k)


def test_pass_at_k_matches_the_combinatorial_definition() -> None:
    cases = [(n, c, k) for n in (1, 2, 5, 8, 16, 64) for c in range(n + 1) for k in ks_for(n)]
    n = np.array([x[0] for x in cases])
    c = np.array([x[1] for x in cases])
    for k in sorted({x[2] for x in cases}):
        got = pass_at_k(n, c, k)
        for i, (nn, cc, kk) in enumerate(cases):
            if nn < k:
                assert np.isnan(got[i])
            elif kk == k:
                assert got[i] == pytest.approx(exact(nn, cc, k), abs=1e-12), (nn, cc, k)


def test_pass_at_k_edge_cases() -> None:
    n = np.array([8, 8, 8, 8, 3])
    c = np.array([0, 8, 1, 4, 1])
    assert pass_at_k(n, c, 1).tolist()[:4] == [0.0, 1.0, 0.125, 0.5]  # pass@1 = c / n
    assert pass_at_k(n, c, 8).tolist()[:4] == [0.0, 1.0, 1.0, 1.0]  # k = n: any correct sample
    assert pass_at_k(n, c, 2)[2] == pytest.approx(1 - comb(7, 2) / comb(8, 2))  # 0.25 by hand
    assert np.isnan(pass_at_k(n, c, 4)[4])  # n < k: undefined, not a number
    with pytest.raises(ValueError):
        pass_at_k(n, c, 0)
    with pytest.raises(ValueError, match="correct counts"):
        pass_at_k(np.array([2]), np.array([3]), 1)  # more correct than sampled
    assert pass_at_k(5, 2, 2).tolist() == [pytest.approx(exact(5, 2, 2))]  # plain ints work too
    assert (
        ks_for(8) == [1, 2, 4, 8]
        and ks_for(6) == [1, 2, 4, 6]
        and ks_for(1) == [1]
        and ks_for(0) == []
    )


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("so \\boxed{42}.", "42"),
        ("first \\boxed{1} then \\boxed{\\frac{5}{6}}", "\\frac{5}{6}"),
        ("nested \\boxed{\\sqrt{\\frac{1}{2}}} done", "\\sqrt{\\frac{1}{2}}"),
        ("The final answer is 17.", "17"),
        ("Answer: 3", "3"),
        ("we get 12 and then 1,024 total", "1,024"),
        ("a reply in words with no number and no stated answer", None),
        ("Paris", "Paris"),
        ("\\fbox{x+1}", "x+1"),
    ],
)
def test_extraction(text: str, answer: str | None) -> None:
    got = pl.DataFrame({"gen": [text]}).select(extract_answer_expr("gen"))["gen"][0]
    assert got == answer


def test_normalization_groups_equivalent_spellings() -> None:
    raw = [
        "\\dfrac{5}{6}",
        " \\frac{5}{6} ",
        "$\\frac{5}{6}$",
        "\\left(2\\right)",
        "(2)",
        "1,024",
        "1024.",
        "{7}",
    ]
    got = pl.DataFrame({"a": raw}).select(normalize_expr(pl.col("a")))["a"].to_list()
    assert got == [
        "\\frac{5}{6}",
        "\\frac{5}{6}",
        "\\frac{5}{6}",
        "(2)",
        "(2)",
        "1024",
        "1024",
        "7",
    ]


def test_stats_carry_pass_at_k_and_majority_vote(tmp_path: Path, word_tokenizer: Path) -> None:
    def gen(answer: str, ok: bool) -> dict[str, object]:
        return {
            "prompt": "p",
            "gen": f"work \\boxed{{{answer}}}",
            "answer": "5",
            "accuracy": float(ok),
        }

    def other(answer: str, ok: bool) -> dict[str, object]:
        return {**gen(answer, ok), "prompt": "q"}

    # p: answers 5,5,6,7 (majority 5, correct); q: 6,6,5,7 (majority 6, wrong); r: tie 5 vs 6, 5 first.
    records = [gen("5", True), gen("6", False), gen("5", True), gen("7", False)]
    records += [other("6", False), other("6", False), other("5", True), other("7", False)]
    records += [{**gen(a, a == "5"), "prompt": "r"} for a in ("5", "6", "6", "5")]
    write_jsonl(tmp_path / "d" / "m" / "a.jsonl", records)
    stats = load(
        [tmp_path / "d"], LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "c")
    ).stats
    assert stats["prompt"].to_list() == ["p", "q", "r"]
    assert stats["pass@1"].to_list() == [0.5, 0.25, 0.5]
    assert stats["pass@2"].to_list() == [
        pytest.approx(exact(4, 2, 2)),
        pytest.approx(exact(4, 1, 2)),
        pytest.approx(exact(4, 2, 2)),
    ]
    assert stats["pass@4"].to_list() == [1.0, 1.0, 1.0]
    assert stats["maj@4"].to_list() == [1.0, 0.0, 1.0]  # r: a tie goes to the answer seen first
    assert stats["n_unique_answers"].to_list() == [3, 3, 2]
    assert stats["agreement"].to_list() == [0.5, 0.5, 0.5]


AIS_N3 = (
    Path(__file__).parent.parent
    / "fixtures"
    / "formats"
    / "aisbench"
    / "outputs_n3"
    / "20261123_200259"
)


def test_g_pass_matches_what_opencompass_printed_for_the_same_toy_set() -> None:
    """OpenCompass's summary for its n=3 run of this toy GSM8K set printed G-Pass@3_0.5 66.67,
    G-Pass@3_0.75 and _1.0 0, mG-Pass@3 0, G-Pass@1_τ 55.56 for every τ and mG-Pass@1 0
    (tests/fixtures/formats/opencompass/.../summary_20261123_201019.txt). AISBench's n=3 run of the
    same set has per-prompt correct counts 2, 2, 1 of 3: the same numbers must come out."""
    from evaltui.data.summary import g_pass_at_k, mg_pass_at_k, summarize_runs

    stats = load([AIS_N3], LoadOptions(tokenize=False)).stats
    assert sorted(stats["n_correct"].to_list()) == [1, 2, 2]
    metrics = {m.name: m.value for m in summarize_runs(stats)[0].metrics}
    assert round(100 * metrics["G-Pass@3_0.5"], 2) == 66.67
    assert metrics["G-Pass@3_0.75"] == 0.0 and metrics["G-Pass@3_1.0"] == 0.0
    assert metrics["mG-Pass@3"] == 0.0
    n, c = stats["n_scored"].to_numpy(), stats["n_correct"].to_numpy()
    for tau in (0.0, 0.25, 0.5, 0.75, 1.0):
        assert round(100 * float(g_pass_at_k(n, c, 1, tau).mean()), 2) == 55.56
    assert round(100 * float(g_pass_at_k(n, c, 3, 0.25).mean()), 2) == 100.0
    assert mg_pass_at_k(n, c, 1).tolist() == [0.0, 0.0, 0.0]  # empty sum for k = 1


def test_vote_table_ranks_by_votes_then_first_appearance() -> None:
    from evaltui.data.extract import fill_extracted
    from evaltui.data.sampling import vote_summary, vote_table

    gens = pl.DataFrame(
        {
            "run": ["r"] * 6,
            "prompt_id": ["p"] * 6,
            "gen": [
                "\\boxed{6}",
                "\\boxed{\\dfrac{1}{2}}",
                "\\boxed{0.5}",
                "\\boxed{6}",
                "a reply in words with no number and no stated answer",
                "y",
            ],
            "extracted": [None, None, None, None, None, "B"],
            "accuracy": [0.0, 1.0, 1.0, 0.0, 0.0, None],
        }
    )
    # The long reply has no answer and "B" is unscored: neither votes. 6 and 0.5 tie 2-2; 6 came first.
    gens = fill_extracted(gens)
    table = vote_table(gens, 0.5)
    assert table.select("answer", "votes", "correct").rows() == [("6", 2, False), ("0.5", 2, True)]
    assert vote_summary(gens, 0.5) == "votes: 6 ×2 ✗ · 0.5 ×2 ✓ (agreement 50%)"
    assert vote_summary(gens.head(0), 0.5) == "votes: no extracted answers"


def test_votes_use_the_answers_normalized_at_load_and_fill_in_missing_ones() -> None:
    """The loader normalizes answers once (``vote_answer``); a frame with only ``extracted``
    (built elsewhere) votes the same, and a partly filled column is completed, not trusted."""
    from evaltui.data.extract import fill_extracted
    from evaltui.data.sampling import vote_table

    gens = pl.DataFrame(
        {
            "run": ["r"] * 4,
            "prompt_id": ["p"] * 4,
            "gen": ["", "", "", ""],
            "extracted": ["1,000", "1000", "\\frac{1}{2}", "0.5"],
            "accuracy": [1.0, 1.0, 0.0, 0.0],
        }
    )
    loaded = fill_extracted(gens)
    assert loaded["vote_answer"].to_list() == ["1000", "1000", "0.5", "0.5"]
    expected = [("1000", 2, True), ("0.5", 2, False)]
    assert vote_table(loaded, 0.5).select("answer", "votes", "correct").rows() == expected
    assert vote_table(gens, 0.5).select("answer", "votes", "correct").rows() == expected
    partly = loaded.with_columns(pl.Series("vote_answer", ["1000", None, None, "0.5"]))
    assert vote_table(partly, 0.5).select("answer", "votes", "correct").rows() == expected


def test_the_run_summary_names_each_runs_majority_vote_after_its_own_samples(
    tmp_path: Path,
) -> None:
    """A run of one sample per prompt loaded beside one of four (lm-eval's strict-match and its
    repeats-4 pass@k task of one model) showed a "maj@4" row for its one-sample votes; avg@n
    and cons@n were named after the run's own n."""
    from evaltui.data.summary import summarize_runs

    four = [
        {"prompt": f"q{i}", "gen": f"\\boxed{{{a}}}", "answer": "5", "accuracy": int(a == 5)}
        for i in range(2)
        for a in (5, 5, 6, 5)
    ]
    one = [{"prompt": "q0", "gen": "\\boxed{6}", "answer": "5", "accuracy": 0}]
    one += [{"prompt": "q1", "gen": "\\boxed{5}", "answer": "5", "accuracy": 1}]
    write_jsonl(tmp_path / "four" / "a.jsonl", four)
    write_jsonl(tmp_path / "one" / "a.jsonl", one)
    stats = load([tmp_path], LoadOptions(tokenize=False, use_cache=False)).stats
    assert "maj@4" in stats.columns  # the combined JSON's one column, after the largest n
    summaries = {s.run: {m.name: m.value for m in s.metrics} for s in summarize_runs(stats)}
    assert summaries["four"]["maj@4"] == 1.0 and "maj@1" not in summaries["four"]
    assert summaries["one"]["maj@1"] == 0.5 and "maj@4" not in summaries["one"]
    assert {"avg@1", "cons@1"} <= set(summaries["one"])


def _pass_at_k_alone(n: np.ndarray, c: np.ndarray, k: int) -> np.ndarray:
    """The product form for one k, step by step (the reference the columns are held to)."""
    n, c = n.astype(np.float64), c.astype(np.float64)
    result = np.ones_like(n)
    for j in range(int(c.max()) if len(c) else 0):
        active = j < c
        factor = np.where(active, 1.0 - k / np.maximum(n - j, 1e-12), 1.0)
        result = np.where(active & (n - j <= k), 0.0, result * np.clip(factor, 0.0, 1.0))
    out = 1.0 - result
    out[n < k] = np.nan
    return out


def test_pass_columns_are_made_for_every_k_at_once_with_the_same_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every n up to 16 with every c, unjudged rows (n_correct null) among them.
    cases = [(n, c) for n in range(17) for c in range(n + 1)]
    n = np.array([x[0] for x in cases], dtype=np.int64)
    c = np.array([x[1] for x in cases], dtype=np.int64)
    unjudged = np.arange(len(cases)) % 7 == 3
    stats = pl.DataFrame(
        {
            "n_scored": pl.Series(n, dtype=pl.UInt32),
            "n_correct": pl.Series(
                [None if u else int(x) for x, u in zip(c, unjudged, strict=True)], dtype=pl.UInt32
            ),
        }
    )
    ks = [*ks_for(16), 3, 5, 12]

    def one_k(*_args: object) -> np.ndarray:
        raise AssertionError("pass@k made one k at a time")

    monkeypatch.setattr(sampling, "pass_at_k", one_k)
    columns = sampling.pass_columns(stats, ks)
    assert [s.name for s in columns] == [f"pass@{k}" for k in ks]
    for k, column in zip(ks, columns, strict=True):
        want = np.where(unjudged, np.nan, _pass_at_k_alone(n, np.where(unjudged, 0, c), k))
        assert column.dtype == pl.Float64
        assert column.is_null().to_list() == np.isnan(want).tolist()
        got = column.fill_null(np.nan).to_numpy()
        assert got.tobytes() == want.tobytes(), k  # bit for bit
    # No rows, no ks, and counts without a null.
    assert [s.len() for s in sampling.pass_columns(stats.head(0), ks)] == [0] * len(ks)
    assert sampling.pass_columns(stats, []) == []
    judged = stats.filter(pl.col("n_correct").is_not_null())
    assert sampling.pass_columns(judged, [2])[0].null_count() == int((judged["n_scored"] < 2).sum())


def test_metrics_over_each_prompts_own_samples_say_the_samples_vary(tmp_path: Path) -> None:
    """A run whose prompts have 1 to 3 samples showed avg@3, maj@3 and cons@3 with nothing to
    say they were over each prompt's own samples, not 3 of each: a line says so (pass@k's
    are marked over the prompts with k or more, as before). A run of 2 samples each says
    nothing more."""
    from evaltui.data.summary import partial_lines, summarize_runs

    records = [
        {"prompt": f"Q{p}", "gen": str(i), "answer": "0", "accuracy": int(i == 0)}
        for p in range(3)
        for i in range(p + 1)
    ]
    stats = load([write_jsonl(tmp_path / "v" / "s.jsonl", records)], LoadOptions(tokenize=False))
    lines = partial_lines(summarize_runs(stats.stats))
    assert lines[-1] == "v: 1 to 3 samples a prompt; avg@3, maj@3, cons@3 over each prompt's own"
    even = [{**r, "prompt": f"Q{i % 2}"} for i, r in enumerate(records[:4])]
    stats = load([write_jsonl(tmp_path / "e" / "s.jsonl", even)], LoadOptions(tokenize=False))
    assert not any(
        "samples a prompt" in line for line in partial_lines(summarize_runs(stats.stats))
    )


def test_a_runs_intervals_do_not_depend_on_the_order_of_its_rows(tmp_path: Path) -> None:
    """The app's summary (t) of a table sorted by accuracy gave other 95% intervals than the
    same prompts unsorted, and than ``summarize --table`` (Qwen3-8B's avg@1 [0.283, 0.534]
    sorted, [0.300, 0.550] not): the bootstrap drew its resamples by row position."""
    from evaltui.data.summary import summarize_runs

    records = [
        {"prompt": f"Q{p}", "gen": str(i), "answer": "0", "accuracy": int((p * 7 + i) % 5 < 2)}
        for p in range(40)
        for i in range(4)
    ]
    write_jsonl(tmp_path / "a" / "s.jsonl", records)
    write_jsonl(tmp_path / "b" / "s.jsonl", records[::-1])
    stats = load([tmp_path], LoadOptions(tokenize=False, use_cache=False)).stats

    def intervals(frame: pl.DataFrame) -> dict[str, list[tuple[str, float, float, float]]]:
        return {
            s.run: [(m.name, m.value, m.low, m.high) for m in s.metrics]
            for s in summarize_runs(frame)
        }

    loaded = intervals(stats)
    assert set(loaded) == {"a", "b"}
    for order in (
        stats.sort("average_accuracy", maintain_order=True),
        stats.sort("average_accuracy", descending=True, maintain_order=True),
        stats.reverse(),
    ):
        assert intervals(order) == loaded

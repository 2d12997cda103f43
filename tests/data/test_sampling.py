"""pass@k, majority vote and answer extraction, against hand-computed cases."""

from __future__ import annotations

from math import comb
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from evaltui.data.loader import LoadOptions, load
from evaltui.data.sampling import extract_answer_expr, ks_for, normalize_expr, pass_at_k
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
        ("no number here", None),
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

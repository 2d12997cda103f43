"""A score a rounding error short of its run's threshold reaches it, as the filters take a float a
rounding error from the number typed (faa8197): a partial credit computed as 0.7 - 0.2 is written
0.49999999999999994, shown 0.500 beside a prompt scored 0.5, and counted wrong where the 0.5 was
correct: never/flaky/always 1/0/1 and pass@1 0.5 for two prompts both at 0.500."""

from __future__ import annotations

import math
import random
from pathlib import Path

import polars as pl

from evaltui.data.formats.base import ReadOptions
from evaltui.data.loader import LoadOptions, load
from evaltui.data.metrics import NEAR, ScoreKind, Thresholds, correct_expr
from tests.conftest import write_jsonl


def stats_of(
    tmp_path: Path, word_tokenizer: Path, scores: list[float], **options: object
) -> pl.DataFrame:
    write_jsonl(
        tmp_path / "run" / "r.jsonl",
        [
            {"id": f"q{i}", "prompt": f"p{i}", "gen": "x", "answer": "x", "accuracy": s}
            for i, s in enumerate(scores)
        ],
    )
    result = load(
        [str(tmp_path / "run")],
        LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "c", **options),  # type: ignore[arg-type]
    )
    return result.stats.sort("prompt")


def test_a_fraction_a_rounding_error_under_one_half_is_correct(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    near = 0.7 - 0.2
    assert near < 0.5 and f"{near:.3f}" == "0.500"
    stats = stats_of(tmp_path, word_tokenizer, [near, 0.5, 0.4999])
    assert stats["score_kind"].unique().to_list() == ["fraction"]
    assert stats["n_correct"].to_list() == [1, 1, 0]
    assert stats["pass@1"].to_list() == [1.0, 1.0, 0.0]
    assert stats["maj@1"].to_list() == [1.0, 1.0, 0.0]


def test_a_lower_is_better_score_a_rounding_error_over_its_threshold_is_correct(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """An mae told correct at ≤ 0.3: 0.1 + 0.2 = 0.30000000000000004 is at it."""
    near = 0.1 + 0.2
    assert near > 0.3
    write_jsonl(
        tmp_path / "run" / "r.jsonl",
        [
            {"id": f"q{i}", "prompt": f"p{i}", "gen": "x", "answer": "x", "mae": s}
            for i, s in enumerate([near, 0.3, 0.31])
        ],
    )
    result = load(
        [str(tmp_path / "run")],
        LoadOptions(
            model=str(word_tokenizer),
            cache_dir=tmp_path / "c",
            read=ReadOptions(score_field="mae"),
            correct_threshold=Thresholds.parse(["0.3"]),
        ),
    )
    stats = result.stats.sort("prompt")
    assert stats["higher_is_better"].unique().to_list() == [False]
    assert stats["n_correct"].to_list() == [1, 1, 0]


def test_one_generations_verdict_and_the_expression_agree() -> None:
    kind = ScoreKind("r", "fraction", None, True, 0.5)
    assert [kind.is_correct(s) for s in (0.7 - 0.2, 0.5, 0.4999)] == [True, True, False]
    lower = ScoreKind("r", "continuous", "mae", False, 0.3)
    assert [lower.is_correct(s) for s in (0.1 + 0.2, 0.31)] == [True, False]
    frame = pl.DataFrame({"run": ["r"] * 3, "accuracy": [0.7 - 0.2, 0.5, 0.4999]})
    assert frame.select(correct_expr({"r": kind})).to_series().to_list() == [True, True, False]
    assert frame.select(correct_expr(0.5)).to_series().to_list() == [True, True, False]


def test_the_expression_gives_each_generations_verdict_for_runs_of_several_thresholds() -> None:
    """Random runs (thresholds shared or their own, higher or lower better, none), scores at
    each limit, a rounding error either side of it, NaN, infinities and null, rows of a run
    with no kind: the expression's verdicts are those of ``ScoreKind.is_correct``, row by row
    (null for a run it does not know), in a select and summed per run as the stats query does."""
    rng = random.Random(7)
    for _ in range(40):
        kinds: dict[str, ScoreKind] = {}
        for i in range(rng.randint(1, 6)):
            run = f"model/run {i}"
            threshold = rng.choice([0.5, 0.5, 0.3, 1.0, 0.0, -2.5, 12.0, 0.7 - 0.2, None])
            higher = rng.choice([True, True, False, None])
            kinds[run] = ScoreKind(run, "fraction", None, higher, threshold)
        runs = [*kinds, "model/not a kind"]
        near: list[float] = []
        for kind in kinds.values():
            if kind.threshold is not None:
                t = kind.threshold
                for limit in (t - NEAR * max(1.0, abs(t)), t + NEAR * max(1.0, abs(t)), t):
                    near += [
                        limit,
                        math.nextafter(limit, -math.inf),
                        math.nextafter(limit, math.inf),
                    ]
        values: list[float | None] = [*near, math.nan, math.inf, -math.inf, None, 0.0, 1.0]
        rows = [
            (rng.choice(runs), rng.choice(values) if rng.random() < 0.7 else rng.uniform(-3, 13))
            for _ in range(rng.randint(1, 120))
        ]
        frame = pl.DataFrame(
            {"run": [r for r, _ in rows], "accuracy": [s for _, s in rows]},
            schema={"run": pl.String, "accuracy": pl.Float64},
        )
        want = [kinds[r].is_correct(s) if r in kinds else None for r, s in rows]
        got = frame.select(correct_expr(kinds).alias("c")).to_series()
        assert got.dtype == pl.Boolean
        assert got.to_list() == want
        sums = frame.group_by("run", maintain_order=True).agg(correct_expr(kinds).sum().alias("n"))
        expected = {
            r: sum(1 for (run, _), w in zip(rows, want, strict=True) if run == r and w)
            for r in runs
        }
        assert dict(sums.rows()) == {r: expected[r] for r in sums["run"]}

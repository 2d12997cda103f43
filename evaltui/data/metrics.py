"""Per-prompt statistics: the Stats table (one row per prompt, per run).

The first eight columns are exactly the combined-JSON schema users already have, in its key order;
evaltui's own columns follow. A generation is correct when ``accuracy >= threshold`` (0.5 unless
``--correct-threshold`` says otherwise); unscored generations (accuracy null) count in ``count``
but not in the accuracy sums.
"""

from __future__ import annotations

import polars as pl

#: The combined-JSON keys users already have, in order.
LEGACY_COLUMNS = [
    "prompt",
    "answer",
    "count",
    "total_accuracy_count",
    "average_accuracy",
    "max_gen_length",
    "avg_gen_length",
    "gen_lengths",
]
#: evaltui's own columns, after the legacy ones.
OWN_COLUMNS = [
    "run",
    "prompt_id",
    "min_gen_length",
    "median_gen_length",
    "n_correct",
    "n_scored",
    "n_truncated",
    "answer_conflict",
    "prompt_score",
]
STATS_COLUMNS = LEGACY_COLUMNS + OWN_COLUMNS

DEFAULT_THRESHOLD = 0.5

#: The Stats table's dtypes (so an empty frame and a partial frame have the same schema).
STATS_SCHEMA: dict[str, pl.DataType] = {
    "prompt": pl.String(),
    "answer": pl.String(),
    "count": pl.UInt32(),
    "total_accuracy_count": pl.Float64(),
    "average_accuracy": pl.Float64(),
    "max_gen_length": pl.UInt32(),
    "avg_gen_length": pl.Float64(),
    "gen_lengths": pl.List(pl.UInt32()),
    "run": pl.String(),
    "prompt_id": pl.String(),
    "min_gen_length": pl.UInt32(),
    "median_gen_length": pl.Float64(),
    "n_correct": pl.UInt32(),
    "n_scored": pl.UInt32(),
    "n_truncated": pl.UInt32(),
    "answer_conflict": pl.Boolean(),
    "prompt_score": pl.Float64(),
}


def correct_expr(threshold: float = DEFAULT_THRESHOLD) -> pl.Expr:
    """Per generation: True when correct, False when wrong, null when unscored."""
    return pl.col("accuracy") >= threshold


def prompt_stats(
    generations: pl.DataFrame | pl.LazyFrame, threshold: float = DEFAULT_THRESHOLD
) -> pl.DataFrame:
    """Aggregate generation rows to one row per (run, prompt_id), in order of first appearance.

    ``gen_length`` may be null while tokenizing is under way: length columns are null then.
    """
    lazy = generations.lazy()
    # After the fixed columns come the sampling metrics (evaltui.data.sampling): pass@k for
    # k = 1, 2, 4, … up to the largest count, maj@n, n_unique_answers and agreement.
    correct = correct_expr(threshold)
    lengths = pl.col("gen_length")
    aggregated = lazy.group_by(["run", "prompt_id"], maintain_order=True).agg(
        pl.col("prompt").first(),
        pl.col("answer").drop_nulls().first().alias("answer"),
        pl.len().cast(pl.UInt32).alias("count"),
        pl.col("accuracy").sum().alias("total_accuracy_count"),
        pl.col("accuracy").mean().alias("average_accuracy"),
        lengths.max().alias("max_gen_length"),
        lengths.mean().alias("avg_gen_length"),
        lengths.alias("gen_lengths"),
        lengths.min().alias("min_gen_length"),
        lengths.median().cast(pl.Float64).alias("median_gen_length"),
        correct.sum().cast(pl.UInt32).alias("n_correct"),
        pl.col("accuracy").is_not_null().sum().cast(pl.UInt32).alias("n_scored"),
        pl.col("truncated").sum().cast(pl.UInt32).alias("n_truncated"),
        (pl.col("answer").drop_nulls().n_unique() > 1).alias("answer_conflict"),
        pl.col("prompt_score").drop_nulls().first().alias("prompt_score"),
    )
    frame = aggregated.with_columns(
        # A prompt with no scored generation has no accuracy (not 0): say unscored, don't invent.
        pl.when(pl.col("n_scored") > 0)
        .then(pl.col("total_accuracy_count"))
        .otherwise(None)
        .alias("total_accuracy_count"),
        # While lengths are unknown the list holds nulls; show it empty rather than [null, ...].
        pl.when(pl.col("gen_lengths").list.drop_nulls().list.len() == pl.col("count"))
        .then(pl.col("gen_lengths"))
        .otherwise(None)
        .alias("gen_lengths"),
    ).select([pl.col(c).cast(STATS_SCHEMA[c]) for c in STATS_COLUMNS])
    from evaltui.data.sampling import sampling_columns

    return sampling_columns(lazy.collect(), frame.collect(), threshold)


def empty_stats() -> pl.DataFrame:
    return pl.DataFrame(schema=STATS_SCHEMA)


def overall(
    stats: pl.DataFrame, generations: pl.DataFrame, threshold: float = DEFAULT_THRESHOLD
) -> dict[str, float | int | None]:
    """Headline numbers for summaries: counts and overall accuracy over scored generations."""
    scored = generations.filter(pl.col("accuracy").is_not_null())
    return {
        "runs": stats["run"].n_unique() if stats.height else 0,
        "prompts": stats.height,
        "generations": generations.height,
        "unscored": generations.height - scored.height,
        "accuracy": float(scored["accuracy"].mean()) if scored.height else None,  # type: ignore[arg-type]
        "correct": int((scored["accuracy"] >= threshold).sum()) if scored.height else 0,
    }

"""Sampling metrics per prompt: pass@k (unbiased), majority vote, answer agreement.

pass@k is the unbiased estimator of Chen et al. (2021): ``1 - C(n - c, k) / C(n, k)`` over the
prompt's ``n`` scored generations of which ``c`` are correct, computed in the stable product form
``1 - prod_{j < c} (1 - k / (n - j))`` for every prompt at once (numpy, no Python per prompt). It is
null where ``n < k``. Majority vote (maj@n) takes the most common extracted answer (ties broken by
first appearance) and is correct when a generation giving that answer was scored correct.
Answers come from ``evaltui.data.extract`` (the format's own, else extracted from the text).
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl

from evaltui.data.extract import fill_vote_answers
from evaltui.data.metrics import correct_expr
from evaltui.data.schema import ByIdentity


def pass_at_k(n: np.ndarray, c: np.ndarray, k: int) -> np.ndarray:
    """Unbiased pass@k per prompt; NaN where ``n < k``. ``n``, ``c``: scored and correct counts."""
    row: np.ndarray = pass_at_ks(n, c, [k])[0]
    return row


def pass_at_ks(n: np.ndarray, c: np.ndarray, ks: list[int]) -> np.ndarray:
    """:func:`pass_at_k` for each of ``ks`` at once: row ``i`` is pass@``ks[i]``, the very values
    (each element goes through the same float operations). One product over the ks together:
    one loop per k cost a followed update's stats ~0.8 ms for 4 ks, numpy's fixed cost per call
    (~6 calls per correct sample per k) over a few prompts."""
    if any(k < 1 for k in ks):
        raise ValueError("k must be at least 1")
    n = np.atleast_1d(np.asarray(n, dtype=np.float64))
    c = np.atleast_1d(np.asarray(c, dtype=np.float64))
    if np.any(c < 0) or np.any(c > n):
        raise ValueError("correct counts must lie between 0 and the number of samples")
    k = np.asarray(ks, dtype=np.float64)[:, None]
    result = np.ones((len(ks), len(n)))  # prod_{j < c} (1 - k / (n - j)); 1 when c = 0
    for j in range(int(c.max()) if len(c) else 0):
        active = j < c
        factor = np.where(active, 1.0 - k / np.maximum(n - j, 1e-12), 1.0)
        # Once n - j <= k the product is 0 (some sample of k must be correct): clamp, don't go negative.
        result = np.where(active & (n - j <= k), 0.0, result * np.clip(factor, 0.0, 1.0))
    out = 1.0 - result
    out[n < k] = np.nan
    return out


def ks_for(max_n: int) -> list[int]:
    """k = 1, 2, 4, … up to ``max_n``, and ``max_n`` itself."""
    ks = []
    k = 1
    while k <= max_n:
        ks.append(k)
        k *= 2
    if max_n >= 1 and ks[-1] != max_n:
        ks.append(max_n)
    return ks


def _correct(threshold: float | pl.Expr) -> pl.Expr:
    """Per generation correctness: an expression (per-run thresholds, ``metrics.correct_expr``)
    or one threshold for every row."""
    if isinstance(threshold, pl.Expr):
        return threshold
    return correct_expr(threshold)


def pass_columns(stats: pl.DataFrame, ks: list[int]) -> list[pl.Series]:
    """``pass@k`` for each of ``ks`` over the rows of ``stats`` (null where ``n_scored < k`` or
    the run has no notion of correct)."""
    n = stats["n_scored"].to_numpy().astype(np.int64)
    correct = stats["n_correct"].to_numpy()  # floats with NaN where null (no polars query)
    unjudged = np.isnan(correct) if correct.dtype.kind == "f" else np.zeros(len(n), dtype=bool)
    c = np.where(unjudged, 0, correct).astype(np.int64)
    values = np.where(unjudged, np.nan, pass_at_ks(n, c, ks)) if ks else np.empty((0, len(n)))
    return [
        pl.Series(f"pass@{k}", row, dtype=pl.Float64, nan_to_null=True)
        for k, row in zip(ks, values, strict=True)
    ]


def maj_name(max_n: int) -> str:
    """The majority-vote column's name when the largest scored count is ``max_n``."""
    return f"maj@{max_n}" if max_n else "maj@n"


def sampling_columns(
    generations: pl.DataFrame,
    stats: pl.DataFrame,
    threshold: float | pl.Expr,
    *,
    max_n: int | None = None,
) -> pl.DataFrame:
    """``stats`` with pass@k, maj@n, n_unique_answers and agreement appended (same row order).

    Where ``n_correct`` is null (a continuous score without a threshold) pass@k and maj@n are
    null: there is no "correct" to count. ``max_n``: the largest scored count the columns are
    named for (k = 1, 2, 4, … up to it); default: the largest in ``stats``.
    """
    if max_n is None:
        max_n = int(stats["n_scored"].max() or 0) if stats.height else 0  # type: ignore[arg-type]
    columns = pass_columns(stats, ks_for(max_n))
    maj = maj_name(max_n)
    votes = vote_columns(fill_vote_answers(generations).lazy(), threshold, maj).collect()
    with_pass = stats.with_columns(columns)
    joined = with_pass.join(votes, on=["run", "prompt_id"], how="left", maintain_order="left")
    return joined.with_columns(judged_majority(maj))


def vote_columns(generations: pl.LazyFrame, threshold: float | pl.Expr, maj: str) -> pl.LazyFrame:
    """Per (run, prompt_id), in no particular order: the majority vote's correctness (column
    ``maj``), n_unique_answers and agreement, from generations whose ``vote_answer`` is filled
    (``extract.fill_vote_answers``)."""
    return (
        _vote_rows(generations, threshold)
        .group_by("run", "prompt_id")
        .agg(*_VOTE_EXPRS.get(None, (maj,), lambda: _vote_aggregates(maj)))
    )


def _vote_aggregates(maj: str) -> tuple[pl.Expr, ...]:
    # Each prompt's top answer as vote_table ranks them (most votes, then first to appear), taken
    # within each prompt's few answers: no sort of the whole table by its string keys.
    ranked = pl.col("correct").sort_by(["votes", "first"], descending=[True, False])
    return (
        ranked.first().cast(pl.Float64).alias(maj),
        pl.len().cast(pl.UInt32).alias("n_unique_answers"),
        (pl.col("votes").max() / pl.col("votes").sum()).alias("agreement"),
    )


#: :func:`vote_columns`' and :func:`_vote_rows`' expressions, made once per threshold (an
#: expression of the runs' score kinds, or a number) and schema, not on each followed update
#: (building the stats query's ~100 expressions cost ~0.4-0.9 ms of each).
_VOTE_EXPRS: ByIdentity[tuple[pl.Expr, ...]] = ByIdentity()
_VOTE_ROW_EXPRS: ByIdentity[tuple[tuple[pl.Expr, ...], pl.Expr, tuple[pl.Expr, ...]]] = ByIdentity()


def judged_majority(maj: str) -> pl.Expr:
    """The majority vote's column, null where the prompt has no notion of correct."""
    return pl.when(pl.col("n_correct").is_null()).then(None).otherwise(pl.col(maj)).alias(maj)


def vote_table(generations: pl.DataFrame, threshold: float | pl.Expr) -> pl.DataFrame:
    """Per run and prompt, each normalized answer with its vote count and whether it is correct.

    Columns: run, prompt_id, answer, votes, first (row of its first appearance), correct (a
    generation giving this answer was scored correct). Rows are ordered as the vote ranks them:
    most votes first, ties by first appearance, so the first row of a prompt is its maj@n answer.
    Unscored generations and generations without an answer do not vote. Answers are read from
    ``extracted`` only: the loader fills it from the text once (``extract.fill_extracted``); a
    frame built elsewhere should go through ``fill_extracted`` first, so stats never re-scan text.
    """
    return _vote_counts(generations, threshold).sort(
        ["run", "prompt_id", "votes", "first"], descending=[False, False, True, False]
    )


def _vote_counts(generations: pl.DataFrame, threshold: float | pl.Expr) -> pl.DataFrame:
    """:func:`vote_table`'s rows, in no particular order."""
    # Normalized once per generation (the loader's frames come with it already).
    return _vote_rows(fill_vote_answers(generations).lazy(), threshold).collect()


#: How the answer of a generation whose reader says its answer is unknown (``answer_unknown``:
#: an lm-eval loglikelihood doc greedy decoding does not give) begins in the vote, followed by
#: its row: an answer of its own, judged by its stored verdict.
UNKNOWN_ANSWER = "\x00unknown "


def _vote_rows(generations: pl.LazyFrame, threshold: float | pl.Expr) -> pl.LazyFrame:
    """:func:`_vote_counts` as a query over generations whose ``vote_answer`` is filled.

    A scored generation whose answer its reader says is unknown (and gives none: an Inspect
    summary's row keeps its scorer's answer) votes for an answer of its own
    (:data:`UNKNOWN_ANSWER`), unlike one that states no answer: the model answered, what is
    unknown. Left out, those were exactly the wrong ones (greedy decoding does not give the
    target): the published asdiv run's maj@1 read 1.000 over 46 of 50 prompts beside pass@1
    0.920."""
    unknown = "answer_unknown" in generations.collect_schema().names()
    # An expression by its identity, a number by its value.
    source, key = (
        (threshold, (unknown,)) if isinstance(threshold, pl.Expr) else (None, (threshold, unknown))
    )
    picked, stated, aggregates = _VOTE_ROW_EXPRS.get(
        source, key, lambda: _vote_row_exprs(threshold, unknown)
    )
    answers = (
        generations.with_row_index("_order")
        .filter(pl.col("accuracy").is_not_null())
        .select(*picked)
        .filter(stated)
    )
    return answers.group_by("run", "prompt_id", "answer").agg(*aggregates)


def _vote_row_exprs(
    threshold: float | pl.Expr, unknown: bool
) -> tuple[tuple[pl.Expr, ...], pl.Expr, tuple[pl.Expr, ...]]:
    """:func:`_vote_rows`' expressions (``unknown``: the rows have ``answer_unknown``)."""
    answer = pl.col("vote_answer")
    if unknown:
        answer = (
            pl.when(pl.col("answer_unknown").is_not_null() & answer.is_null())
            .then(pl.lit(UNKNOWN_ANSWER) + pl.col("_order").cast(pl.String))
            .otherwise(answer)
        )
    picked = (
        pl.col("run"),
        pl.col("prompt_id"),
        pl.col("_order"),
        answer.alias("answer"),
        _correct(threshold).alias("_correct"),
    )
    stated = pl.col("answer").is_not_null() & (pl.col("answer") != "")
    aggregates = (
        pl.len().alias("votes"),
        pl.col("_order").min().alias("first"),
        # null when no generation could be judged (a continuous score without threshold)
        pl.when(pl.col("_correct").is_null().all())
        .then(None)
        .otherwise(pl.col("_correct").any())
        .alias("correct"),
    )
    return picked, stated, aggregates


def vote_summary(generations: pl.DataFrame, threshold: float | pl.Expr, limit: int = 6) -> str:
    """One line for a prompt's generations: ``votes: 42 ×5 ✓ · 41 ×2 ✗ · … (agreement 62%)``.

    Answers are untrusted text: the caller renders the line without markup.
    """
    table = vote_table(generations, threshold)
    if table.height == 0:
        return "votes: no extracted answers"
    total = int(table["votes"].sum())
    parts = [
        f"{_shown_answer(row['answer'])} ×{row['votes']} {_mark(row['correct'])}"
        for row in table.head(limit).iter_rows(named=True)
    ]
    if table.height > limit:
        parts.append(f"+{table.height - limit} more")
    share = int(table["votes"][0]) / total
    return f"votes: {' · '.join(parts)} (agreement {100 * share:.0f}%)"


def _shown_answer(answer: str) -> str:
    """A vote's answer as the votes line shows it (an unknown one said so, not its key)."""
    return "(answer unknown)" if answer.startswith(UNKNOWN_ANSWER) else answer[:40]


def _mark(correct: bool | None) -> str:
    return "–" if correct is None else ("✓" if correct else "✗")


def maj_column(stats: pl.DataFrame) -> str | None:
    """The name of the majority-vote column in ``stats`` (maj@N), if any."""
    for name in stats.columns:
        if re.fullmatch(r"maj@\d+", name):
            return name
    return None

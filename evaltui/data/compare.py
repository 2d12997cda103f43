"""Compare two runs prompt by prompt: joined on prompt identity, never on row position.

The join key is the prompt's id (the format's own id within its dataset, or the hash of the prompt
text). Prompts present in only one run are reported, not silently dropped; so are prompts whose
text differs under the same id, and prompts whose text matches under different ids. The overall
delta comes with a paired bootstrap CI over prompts and a paired test: McNemar's exact test when
every prompt has one sample in each run, a sign test on the per-prompt pass rates otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from evaltui.data.sanitize import one_line
from evaltui.data.summary import bootstrap_ci
from evaltui.data.wording import plural

CLASSES = ("never", "flaky", "always")
LISTED = 5
"""Regressions and improvements listed by name in the text report (all of them go to ``-o``)."""


def difficulty_expr(suffix: str = "") -> pl.Expr:
    """never / flaky / always solved (null when unscored) from ``n_correct`` and ``n_scored``."""
    c, n = pl.col(f"n_correct{suffix}"), pl.col(f"n_scored{suffix}")
    return (
        pl.when(n == 0)
        .then(None)
        .when(c == 0)
        .then(pl.lit("never"))
        .when(c == n)
        .then(pl.lit("always"))
        .otherwise(pl.lit("flaky"))
    )


def _normalized(text: pl.Expr) -> pl.Expr:
    return text.str.replace_all(r"\s+", " ").str.strip_chars().str.to_lowercase()


@dataclass(slots=True)
class Comparison:
    run_a: str
    run_b: str
    joined: pl.DataFrame
    """One row per prompt in both runs: prompt_id, prompt, rate_a, rate_b, delta, class_a, class_b, …"""
    only_a: pl.DataFrame
    only_b: pl.DataFrame
    text_differs: pl.DataFrame
    """Same id, different (normalized) prompt text: joined, but worth a look."""
    same_text_other_id: pl.DataFrame
    """Prompts only in one run whose text matches a prompt of the other run under another id."""
    transitions: pl.DataFrame
    """3 × 3 counts: class in run A (rows) → class in run B (columns)."""
    delta: float
    ci: tuple[float, float]
    p_value: float
    test: str

    def headline(self) -> str:
        low, high = self.ci
        return (
            f"{self.run_b} vs {self.run_a}: {100 * self.delta:+.1f} pts, 95% CI [{100 * low:+.1f}, {100 * high:+.1f}], "
            f"p = {self.p_value:.3g} ({self.test}; {self.joined.height:,} prompts in both runs)"
        )

    def regressions(self) -> pl.DataFrame:
        """Prompts whose pass rate fell, largest drop first."""
        return self.joined.filter(pl.col("delta") < 0).sort("delta", maintain_order=True)

    def improvements(self) -> pl.DataFrame:
        """Prompts whose pass rate rose, largest gain first."""
        return self.joined.filter(pl.col("delta") > 0).sort(
            "delta", descending=True, maintain_order=True
        )

    def report(self) -> str:
        """The plain-words summary ``evaltui compare`` prints (prompt text made one safe line)."""
        lines = [self.headline()]
        improved = int((self.joined["delta"] > 0).sum())
        regressed = int((self.joined["delta"] < 0).sum())
        lines.append(
            f"improved {improved:,} · regressed {regressed:,} · unchanged {self.joined.height - improved - regressed:,}"
        )
        if self.only_a.height or self.only_b.height:
            lines.append(
                f"only in {self.run_a}: {plural(self.only_a.height, 'prompt')} · "
                f"only in {self.run_b}: {plural(self.only_b.height, 'prompt')} (not compared)"
            )
        if self.text_differs.height:
            lines.append(
                f"{self.text_differs.height:,} prompts share an id but not their text: check they are the same question"
            )
        if self.same_text_other_id.height:
            lines.append(
                f"{self.same_text_other_id.height:,} prompts have the same text under different ids (not joined)"
            )
        for title, frame in (
            ("largest regressions", self.regressions()),
            ("largest improvements", self.improvements()),
        ):
            if frame.height:
                lines.append(f"{title} ({self.run_a} → {self.run_b} pass rate):")
                for row in frame.head(LISTED).iter_rows(named=True):
                    lines.append(
                        f"  {100 * row['rate_a']:5.1f} → {100 * row['rate_b']:5.1f}  "
                        f"{one_line(str(row['prompt_id']), 24)}  {one_line(row['prompt_a'], 60)}"
                    )
        lines.append(f"transitions ({self.run_a} → {self.run_b}):")
        lines.append("            " + "".join(f"{c:>8}" for c in CLASSES))
        for row in self.transitions.iter_rows(named=True):
            lines.append(f"  {row['from']:<10}" + "".join(f"{row[c]:>8}" for c in CLASSES))
        return "\n".join(lines)


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pair counts ``b`` and ``c``."""
    return sign_test(b, c)


def sign_test(positive: int, negative: int) -> float:
    """Two-sided exact binomial test of ``positive`` vs ``negative`` at p = 1/2 (ties excluded)."""
    total = positive + negative
    if total == 0:
        return 1.0
    low = min(positive, negative)
    tail: float = sum(math.comb(total, i) for i in range(low + 1)) / 2**total
    return min(1.0, 2 * tail)


def compare_runs(stats: pl.DataFrame, run_a: str, run_b: str, *, seed: int = 0) -> Comparison:
    """Join ``run_a`` and ``run_b`` of a Stats frame on prompt id and compare them."""
    runs = set(stats["run"].unique().to_list())
    for run in (run_a, run_b):
        if run not in runs:
            raise ValueError(f"no run {run!r} (runs: {', '.join(sorted(runs))})")
    keep = ["prompt_id", "prompt", "answer", "count", "n_correct", "n_scored", "average_accuracy"]
    a = stats.filter(pl.col("run") == run_a).select(keep)
    b = stats.filter(pl.col("run") == run_b).select(keep)
    joined = (
        a.join(b, on="prompt_id", how="inner", suffix="_b", maintain_order="left")
        .rename(
            {
                "prompt": "prompt_a",
                "answer": "answer_a",
                "count": "count_a",
                "n_correct": "n_correct_a",
                "n_scored": "n_scored_a",
                "average_accuracy": "rate_a",
                "average_accuracy_b": "rate_b",
            }
        )
        .with_columns(
            (pl.col("rate_b") - pl.col("rate_a")).alias("delta"),
            difficulty_expr("_a").alias("class_a"),
            difficulty_expr("_b").alias("class_b"),
        )
    )
    only_a = a.join(b, on="prompt_id", how="anti")
    only_b = b.join(a, on="prompt_id", how="anti")
    text_differs = joined.filter(_normalized(pl.col("prompt_a")) != _normalized(pl.col("prompt_b")))
    same_text_other_id = (
        only_a.with_columns(_normalized(pl.col("prompt")).alias("_t"))
        .join(
            only_b.with_columns(_normalized(pl.col("prompt")).alias("_t")),
            on="_t",
            how="inner",
            suffix="_b",
        )
        .drop("_t")
    )
    transitions = pl.DataFrame(
        {"from": list(CLASSES)}
        | {
            to: [
                int(((joined["class_a"] == frm) & (joined["class_b"] == to)).sum())
                for frm in CLASSES
            ]
            for to in CLASSES
        }
    )
    scored = joined.filter(pl.col("rate_a").is_not_null() & pl.col("rate_b").is_not_null())
    deltas = scored["delta"].to_numpy().astype(float)
    delta = float(deltas.mean()) if len(deltas) else math.nan
    ci = bootstrap_ci(deltas, seed=seed)
    single = scored.height > 0 and bool(
        ((scored["n_scored_a"] == 1) & (scored["n_scored_b"] == 1)).all()
    )
    if single:
        right_a = scored["n_correct_a"] == 1
        right_b = scored["n_correct_b"] == 1
        p = mcnemar_exact(int((right_a & ~right_b).sum()), int((~right_a & right_b).sum()))
        test = "McNemar exact test"
    else:
        p = sign_test(int((scored["delta"] > 0).sum()), int((scored["delta"] < 0).sum()))
        test = "sign test on per-prompt pass rates"
    return Comparison(
        run_a,
        run_b,
        joined,
        only_a,
        only_b,
        text_differs,
        same_text_other_id,
        transitions,
        delta,
        ci,
        p,
        test,
    )


def default_runs(stats: pl.DataFrame) -> tuple[str, str]:
    """The two runs to compare when the user named none: exactly two must be loaded."""
    runs = stats["run"].unique(maintain_order=True).to_list()
    if len(runs) != 2:
        raise ValueError(
            f"{len(runs)} runs loaded ({', '.join(map(str, runs))}): name two with --runs A B"
        )
    return str(runs[0]), str(runs[1])

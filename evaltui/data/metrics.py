"""Per-prompt statistics: the Stats table (one row per prompt, per run), and what each run's score is.

The first eight columns are exactly the combined-JSON schema users already have, in its key order;
evaltui's own columns follow. ``average_accuracy`` is the prompt's mean score, whatever the score is.

Each run's score has a kind (:class:`ScoreKind`, decided by :func:`score_kinds`): ``binary`` (every
score 0 or 1) or ``fraction`` (every score within 0–1) is an accuracy, where "correct", pass@k and
maj@k make sense; anything else -- another scale (lm-eval ``bleu_max`` 0–100), a metric where lower
is better (``mae``), non-finite values -- is ``continuous``: its mean, min and max are shown, and a
generation is correct only against a threshold the user gives (``--correct-threshold``). The
direction comes from the format (lm-eval's ``higher_is_better``), else from a well-known metric
name (mae, loss, perplexity, ...), else it is unknown (null; higher is assumed for ordering).

A generation is correct when its score is at least the run's threshold (at most, when lower is
better): 0.5 for an accuracy unless ``--correct-threshold`` says otherwise, none for a continuous
score. Unscored generations (null) count in ``count`` but not in the score sums. Non-finite scores
(kept only where the format documents them) count in ``n_scored`` and in ``n_nonfinite`` and stay in
the sums: a prompt with an Infinity ``mae`` has mean Infinity, as the harness reports it.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from evaltui.data.schema import clean_text

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

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
    "min_score",
    "max_score",
    "n_nonfinite",
    "score_kind",
    "score_metric",
    "higher_is_better",
    "correct_threshold",
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
    "min_score": pl.Float64(),
    "max_score": pl.Float64(),
    # scores that are inf, -inf or NaN (counted in n_scored and kept in the sums)
    "n_nonfinite": pl.UInt32(),
    # the run's score kind (the same on every row of a run): binary, fraction, continuous, unscored
    "score_kind": pl.String(),
    "score_metric": pl.String(),
    # null when unknown (a continuous score without metadata or a telling metric name)
    "higher_is_better": pl.Boolean(),
    # the score that makes a generation correct in this run; null = no correctness (n_correct,
    # pass@k and maj@n are null then)
    "correct_threshold": pl.Float64(),
}


Kind = Literal["binary", "fraction", "continuous", "unscored"]
ACCURACY_KINDS: tuple[Kind, ...] = ("binary", "fraction")

#: The characters around a word of a metric's name (``rouge1_max``, ``pass@1``, ``val/loss``,
#: ``win rate``, several names joined by ", ").
_EDGE = r"[_\-\s/,@.]"


def _worded(words: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^|{_EDGE})(?:{words})(?:$|{_EDGE})", re.IGNORECASE)


#: Words of a metric's name that say lower is better: a loss, an error, a distance.
_LOWER_WORDS = (
    r"mae|mse|rmse|msle|mape|loss|nll|neg_log_likelihood|negative_log_likelihood|perplexity|ppl|"
    r"bpb|bits_per_byte|wer|cer|ter|error|err|distance|latency|brier\w*"
)
#: Words of a 0–1 measure that is no accuracy (:data:`MEASURE_NAME`): higher is better.
_MEASURE_WORDS = (
    r"rewards?|f1|f1_score|rouge\w*|bleu\w*|meteor|chrf\w*|bert_?score|similarity|cosine|"
    r"precision|recall|win[_\-\s]?rates?\w*|prob|probability|likelihood"
)
#: Words of an accuracy's own names (lm-eval's ``acc``/``exact_match``, lighteval's
#: ``extractive_match``/``qem``, Inspect's ``match``, ``pass@1``, a plain file's ``accuracy``,
#: ``correct``, ``passed``): higher is better.
_ACCURACY_WORDS = (
    r"acc|accuracy|correct|correctness|iscorrect|passed|pass|solved|exact|em|qem|pem|pqem|"
    r"extractive_match|match|mcc"
)

#: The one table of metric names whose direction is known when the format does not say it
#: (lm-eval without its results file, a plain file's ``--score-field bleu``): each entry a
#: pattern of words (word-bounded) and whether higher is better, the first that matches
#: deciding (a ``neg_log_likelihood`` is a loss, though ``likelihood`` is higher-is-better).
#: Read through :func:`name_direction`.
KNOWN_DIRECTIONS: tuple[tuple[re.Pattern[str], bool], ...] = (
    (_worded(_LOWER_WORDS), False),
    (_worded(f"{_MEASURE_WORDS}|{_ACCURACY_WORDS}"), True),
)

#: Metric names whose lower values are better, when the format does not say (word-bounded).
LOWER_IS_BETTER_NAME = KNOWN_DIRECTIONS[0][0]


def name_direction(metric: str | None) -> bool | None:
    """Whether higher is better for a metric of this name, by :data:`KNOWN_DIRECTIONS` (True:
    ``bleu``, ``rougeL``, ``f1``, ``win rate``, ``exact_match``, ``pass@1``, ``reward``; False:
    ``mae``, ``rmse``, ``loss``, ``perplexity``); None when the name says nothing (``score``, a
    judge's ``grade``) or names several measures of different directions (``, `` joined)."""
    if not metric:
        return None
    found: set[bool | None] = set()
    for name in metric.split(", "):
        found.add(next((higher for words, higher in KNOWN_DIRECTIONS if words.search(name)), None))
    return found.pop() if len(found) == 1 else None


#: Metric names that say what a 0–1 score measures when it is no accuracy (word-bounded): an
#: overlap or similarity (lm-eval's drop/coqa/squad ``f1``, a summary's ``rouge1``/``rougeL``,
#: ``bleu``, ``meteor``, ``chrf``, ``bertscore``), a precision or recall, a reward (TRL's and
#: verl's ``reward``, a GRPO reward model's 0.23), a win rate, a probability. Their mean is a mean
#: f1 or a mean reward, not a share of samples answered right; "correct" is their threshold.
#: An accuracy's own names (``acc``, ``exact_match``, an Inspect scorer's C/I/P ``match``, a plain
#: file's ``accuracy`` 0/0.5/1) and a score the format does not name stay an accuracy.
MEASURE_NAME = _worded(_MEASURE_WORDS)


#: A score field's name that says only that it is a score (a plain file's ``score``: verl's
#: unit-test fraction, a judge's 0.7): its 0–1 values are no share of samples answered right
#: but a mean score, whose "correct" is a threshold on it (said beside). Shown without the name,
#: which would only repeat it (``score: 0–1 score``). A 0/1 ``score`` is an accuracy still.
SCORE_NAMES = frozenset({"score", "scores"})


def named(metric: str | None) -> str:
    """``metric`` as a name telling one measure from another, "" when it names none: unnamed, or
    a bare ``score`` (:data:`SCORE_NAMES`; a plain file's ``score`` against another's unnamed
    one is one measure, as before it was named)."""
    return "" if metric is None or metric in SCORE_NAMES else metric


def measure_named(metric: str | None) -> bool:
    """Whether ``metric`` names a measure that is no accuracy though it lies within 0–1
    (:data:`MEASURE_NAME`: ``f1``, ``rouge1``, ``reward``, ``accuracy_reward``; a bare ``score``,
    :data:`SCORE_NAMES`; every name of several joined by ", ")."""
    if not metric:
        return False
    names = [name for name in metric.split(", ") if name]
    return bool(names) and all(name in SCORE_NAMES or MEASURE_NAME.search(name) for name in names)


def names_run(name: str, run: str) -> bool:
    """Whether the ``RUN`` of ``--correct-threshold RUN=X`` (or ``--score-direction``) names
    ``run``: its label, or the label as every table and message shows it (a folder
    ``new\\nline``'s run is ``new␊line``; so typed, it was "not loaded")."""
    if name == run:
        return True
    from evaltui.data.sanitize import name_line

    return name == name_line(run)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """``--correct-threshold``: one value for every run, and/or ``RUN=VALUE`` for one run.

    Without any, an accuracy run uses 0.5 and a continuous run has no "correct" at all.
    """

    default: float | None = None
    per_run: tuple[tuple[str, float], ...] = ()
    directions: tuple[tuple[str | None, bool], ...] = ()
    """``--score-direction [RUN=]lower|higher``: (run, or None for every run; higher is better),
    the user's word on a score's direction, before the format's and a metric name's."""

    def with_directions(self, values: Iterable[str]) -> Thresholds:
        """These thresholds with ``--score-direction``'s values (``lower``, ``RUN=higher``; the
        last word for a run wins). Raises ValueError."""
        words = {"lower": False, "higher": True}
        directions: dict[str | None, bool] = dict(self.directions)
        for value in values:
            run, equals, word = value.rpartition("=")
            if word.strip().lower() not in words:
                raise ValueError(
                    f"--score-direction {value!r}: expected lower or higher, or RUN=lower"
                )
            if equals and not run:
                raise ValueError(f"--score-direction {value!r}: the run label is empty")
            run = clean_text(run)  # a folder's undecodable byte as labels hold it (\\xff)
            directions.pop(run if equals else None, None)  # the last word last
            directions[run if equals else None] = words[word.strip().lower()]
        return dataclasses.replace(self, directions=tuple(directions.items()))

    def direction_for(self, run: str) -> bool | None:
        """The user's word on ``run``'s direction (True: higher is better); None: unsaid."""
        for name, higher in self.directions:
            if name is not None and names_run(name, run):
                return higher
        return next((higher for name, higher in self.directions if name is None), None)

    @classmethod
    def parse(cls, values: Iterable[str]) -> Thresholds:
        """From the flag's values (``0.5``, ``RUN=0.5``; the last word wins). Raises ValueError."""
        default: float | None = None
        per_run: dict[str, float] = {}
        for value in values:
            run, equals, number = value.rpartition("=")
            try:
                threshold = float(number)
            except ValueError:
                raise ValueError(
                    f"--correct-threshold {value!r}: expected a number or RUN=NUMBER"
                ) from None
            if not math.isfinite(threshold):
                raise ValueError(f"--correct-threshold {value!r}: the number must be finite")
            if equals and not run:
                raise ValueError(f"--correct-threshold {value!r}: the run label is empty")
            run = clean_text(run)  # a folder's undecodable byte as labels hold it (\\xff)
            if equals:
                per_run[run] = threshold
            else:
                default = threshold
        return cls(default, tuple(per_run.items()))

    def for_run(self, run: str, accuracy: bool) -> float | None:
        for name, value in self.per_run:
            if names_run(name, run):
                return value
        if self.default is not None:
            return self.default
        return DEFAULT_THRESHOLD if accuracy else None

    def unknown_runs(self, runs: Iterable[str], flag: str = "--correct-threshold") -> list[str]:
        """Runs named in ``RUN=VALUE`` of ``flag`` (``--correct-threshold`` or
        ``--score-direction``) that are not loaded (a typo the user should hear about)."""
        known = list(runs)
        named = (
            [name for name, _value in self.per_run]
            if flag == "--correct-threshold"
            else [name for name, _higher in self.directions if name is not None]
        )
        return [name for name in named if not any(names_run(name, run) for run in known)]

    def unknown_message(self, runs: Iterable[str]) -> str | None:
        """The user's message when ``RUN=X`` names runs that are not loaded (labels made safe)."""
        from evaltui.data.sanitize import one_line, one_line_middle

        loaded = [str(r) for r in runs]
        # Ten loaded runs named, the rest counted (100 verl steps were one 3,000-character line).
        more = f" and {len(loaded) - 10:,} more" if len(loaded) > 10 else ""
        messages = [
            f"{flag} names {len(unknown)} run(s) not loaded: "
            + ", ".join(repr(one_line(r, 60)) for r in unknown)
            + " (runs: "
            + ", ".join(one_line_middle(r, 60) for r in loaded[:10])
            + f"{more})"
            for flag in ("--correct-threshold", "--score-direction")
            if (unknown := self.unknown_runs(loaded, flag))
        ]
        return "; ".join(messages) or None


def as_thresholds(value: Thresholds | float | None) -> Thresholds:
    """A bare number is the threshold for every run (what the float API always meant)."""
    if isinstance(value, Thresholds):
        return value
    return Thresholds() if value is None else Thresholds(float(value))


@dataclass(frozen=True, slots=True)
class ScoreKind:
    """What one run's score is, and what makes a generation of it correct."""

    run: str
    kind: Kind
    metric: str | None
    """The format's name for the score (``mae``), several joined by ", ", or None."""
    higher_is_better: bool | None
    """None = unknown (higher is assumed for ordering, and said so)."""
    threshold: float | None
    """The score that makes a generation correct; None = no correctness for this run."""
    low: float | None = None
    """Smallest finite score (None when there is none)."""
    high: float | None = None
    nonfinite: int = 0
    """Scores that are inf, -inf or NaN."""

    @property
    def accuracy(self) -> bool:
        """The score is within 0–1 with a "correct" (pass@k, maj@k, never/flaky/always): an
        accuracy or a 0–1 measure (:attr:`rate` says which its mean is)."""
        return self.kind in ACCURACY_KINDS

    @property
    def rate(self) -> bool:
        """Its mean is an accuracy: a 0/1 score, or a 0–1 credit not named for another measure
        (a plain file's ``accuracy`` 0/0.5/1, Inspect's partial credit, lm-eval's ``acc``). A
        0–1 ``f1``, ``rouge1`` or ``reward`` (:func:`measure_named`) is a score whose mean is a
        mean f1: :attr:`accuracy` still (its "correct" is a threshold on it), never called one."""
        return self.kind == "binary" or (self.kind == "fraction" and not measure_named(self.metric))

    def mean_word(self) -> str:
        """What this run's mean is called: ``accuracy``, ``mean f1`` (a 0–1 measure), ``mean
        mae`` (a continuous named metric) or ``mean score``. The name comes from input files:
        made one safe line."""
        return means_word({self.run: self}, {self.run: 0.0}) if not self.rate else "accuracy"

    def metric_name(self) -> str:
        """The metric's name as the score's words say it: a column's, a scorer's or a reward
        function's name from the input, its newlines and tabs shown (``f1␊x``) as a run
        label's are; folded to a space, ``f1\nx`` read as a metric ``f1 x``."""
        from evaltui.data.sanitize import name_line

        return name_line(self.metric or "")

    def short(self) -> str:
        """A table cell: ``accuracy 0/1``, ``f1 0–1 score`` (a 0–1 measure, no accuracy), ``mae
        continuous ↓`` (↑ higher is better, ? unknown)."""
        prefix = f"{self.metric_name()} " if named(self.metric) else ""
        if self.kind == "unscored":
            return prefix + "unscored"
        if self.accuracy and not self.rate:
            return prefix + "0–1 score"
        if self.accuracy:
            return prefix + ("accuracy 0/1" if self.kind == "binary" else "accuracy 0–1")
        arrow = {True: "↑", False: "↓", None: "?"}[self.higher_is_better]
        return f"{prefix}continuous {arrow}"

    def is_correct(self, score: float | None) -> bool | None:
        """One generation: True/False, None when unscored or the run has no threshold."""
        if score is None or self.threshold is None:
            return None
        if math.isnan(score):
            return False
        slack = NEAR * max(1.0, abs(self.threshold))
        if self.higher_is_better is False:
            return score <= self.threshold + slack
        return score >= self.threshold - slack

    def span(self) -> str:
        """`` low–high`` to the decimals the summary shows the score's values with
        (:func:`~evaltui.data.summary.decimals_of` of the larger in size), trailing zeros
        dropped (``10–100``): 4 significant digits each read ``1037–1.585e+04`` beside a
        table's ``15848``; "" when unknown."""
        if self.low is None or self.high is None:
            return ""
        from evaltui.data.summary import decimals_of  # summary imports this module

        finite = [abs(v) for v in (self.low, self.high) if math.isfinite(v)]
        places = decimals_of(max(finite, default=0.0))
        return f" {compact_score(self.low, places)}–{compact_score(self.high, places)}"

    def describe(self) -> str:
        """A few words for headers and tables, e.g. ``mae: continuous 103.4–259.6 and 17
        non-finite, lower is better``. The metric name comes from input files (its newlines
        shown, :meth:`metric_name`): the caller sanitizes the line for display."""
        prefix = f"{self.metric_name()}: " if named(self.metric) else ""
        if self.kind == "unscored":
            return prefix + "unscored"
        if self.kind == "binary":
            words = ["accuracy (0/1)"]
        elif self.kind == "fraction" and not self.rate:
            # A 0–1 f1 or reward: its mean is a mean f1, and "correct" (pass@k, maj@k) a
            # threshold on it, said below.
            words = [f"0–1 score{self.span()}, not an accuracy"]
        elif self.kind == "fraction":
            # Partial credit (0.5 for half right): its mean is an accuracy, "correct" a
            # threshold on the credit, said below.
            words = ["accuracy (0–1, partial credit)"]
        else:
            words = [f"continuous{self.span()}"]
        if self.nonfinite:
            words[-1] += f" and {self.nonfinite:,} non-finite"
        if not self.accuracy and self.metric and ", " in self.metric:
            # e.g. an lm-eval group run (truthfulqa: bleu_max 0–100 and mc acc 0/1 in one run)
            words.append("several metrics in one mean (filter by task)")
        if not self.accuracy:
            words.append(
                "direction unknown"
                if self.higher_is_better is None
                else ("higher is better" if self.higher_is_better else "lower is better")
            )
        rule = self.correct_rule()
        if rule is not None:
            words.append(f"correct {rule}")
        return prefix + ", ".join(words)

    def correct_rule(self) -> str | None:
        """``≥ 0.5``: what makes a generation correct, when it is worth saying: not for a 0/1
        score at the default 0.5 (right is 1), but for a 0–1 fraction it is (a 0.67 winrate
        counts as solved for pass@k, 0.3 as unsolved, while avg@n means the scores themselves).
        None when the run has no threshold."""
        if self.threshold is None:
            return None
        if self.kind == "binary" and self.threshold == DEFAULT_THRESHOLD:
            return None
        sign = "≤" if self.higher_is_better is False else "≥"
        return f"{sign} {format_score(self.threshold)}"


def compact_score(value: float, places: int | None) -> str:
    """A value in words (a range, a run's mean beside another measure's): ``places`` decimals
    (:func:`~evaltui.data.summary.decimals_of`), trailing zeros dropped (``0–1.5``, not
    ``0.000–1.500``); :func:`format_score` when ``places`` is None (beyond a fixed point's
    reach) or the value is not finite."""
    if places is None or not math.isfinite(value):
        return format_score(value)
    text = f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_score(value: float | None) -> str:
    """A score for display: ``inf``, ``-inf``, ``nan`` as such, others with 4 significant digits."""
    if value is None:
        return "–"
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4g}"


def score_kinds(
    generations: pl.DataFrame | pl.LazyFrame, thresholds: Thresholds | float | None = None
) -> dict[str, ScoreKind]:
    """Each run's :class:`ScoreKind`, from its scores and the format's metadata (run order kept)."""
    return kinds_from_summaries(run_score_summaries(generations), thresholds)


#: The per-run summaries :func:`run_score_summaries` returns (what a run's kind is decided from).
RUN_SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "run": pl.String(),
    "scored": pl.UInt32(),
    "nonfinite": pl.UInt32(),
    "low": pl.Float64(),
    "high": pl.Float64(),
    "binary": pl.Boolean(),
    "metrics": pl.List(pl.String()),
    "stated": pl.List(pl.Boolean()),
    "max_length": pl.UInt32(),
    # non-empty generations that state an answer (triage's has_answer; null when not measured)
    "answered": pl.UInt32(),
}


def run_score_summaries(generations: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Per run (order of first appearance): scored and non-finite counts, the finite range,
    whether every finite score is 0 or 1, and the format's metric names and stated directions
    (each in order of first appearance), the longest generation (triage's length cap; null
    while lengths are unknown) and how many generations state an answer (triage's cap needs
    some: :func:`evaltui.data.triage.cap_reference`; null without the text measures). Summaries of two parts of a run merge
    (:func:`merge_run_summaries`), so a growing run is never summarised again from scratch."""
    # One in-memory query (a followed update summarises its new rows with it).
    return _summaries(generations).collect(engine="in-memory")


def _summaries(generations: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """:func:`run_score_summaries`' query."""
    score = pl.col("accuracy")
    finite = score.filter(score.is_finite())
    schema = generations.collect_schema()
    has_meta = "metric" in schema and "higher_is_better" in schema
    aggs = [
        score.is_not_null().sum().alias("scored"),
        (score.is_not_null() & ~score.is_finite()).sum().alias("nonfinite"),
        finite.min().alias("low"),
        finite.max().alias("high"),
        finite.is_in([0.0, 1.0]).all().alias("binary"),
        pl.col("gen_length").max().alias("max_length")
        if "gen_length" in schema
        else pl.lit(None, dtype=pl.UInt32).alias("max_length"),
        (pl.col("has_answer") & ~(pl.col("gen_chars") == 0).fill_null(False))
        .sum()
        .alias("answered")
        if "has_answer" in schema and "gen_chars" in schema
        else pl.lit(None, dtype=pl.UInt32).alias("answered"),
    ]
    if has_meta:
        aggs += [
            pl.col("metric").drop_nulls().unique(maintain_order=True).alias("metrics"),
            pl.col("higher_is_better").drop_nulls().unique(maintain_order=True).alias("stated"),
        ]
    else:
        aggs += [
            pl.lit([], dtype=pl.List(pl.String())).first().alias("metrics"),
            pl.lit([], dtype=pl.List(pl.Boolean())).first().alias("stated"),
        ]
    return (
        generations.lazy()
        .group_by("run", maintain_order=True)
        .agg(aggs)
        .select([pl.col(c).cast(t) for c, t in RUN_SUMMARY_SCHEMA.items()])
    )


def merge_run_summaries(old: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """The summaries of runs whose rows are ``old``'s followed by ``new``'s (run order: old's,
    then runs only ``new`` has). The metric and direction lists keep old's order then new's
    additions: the order a fresh summary has when the new rows come after the old ones."""
    return _merged(pl.concat([old.lazy(), new.lazy()], how="vertical"))


def grown_run_summaries(old: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """``merge_run_summaries(old, run_score_summaries(rows))`` in one query (a followed update's
    new rows: each query's own cost counts there), or for a few rows without one."""
    if rows.height <= _FEW_ROWS:
        grown = _grown_from_values(old, rows)
        if grown is not None:
            return grown
    return _merged(pl.concat([old.lazy(), _summaries(rows)], how="vertical"))


#: Up to this many new rows, :func:`grown_run_summaries` merges them in Python.
_FEW_ROWS = 256


def _grown_from_values(old: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame | None:
    """:func:`grown_run_summaries` from the values of a few rows and of the summaries (a
    followed update's 8 rows: the query, with polars' pool woken up, took ~0.7-1 ms of CPU).
    None where the query is to tell: columns not of the loader's types, or a -0.0 among the
    finite scores or the summaries' ranges (polars' min and max of 0.0 and -0.0 give either)."""
    schema = rows.schema
    if schema.get("accuracy") != pl.Float64() or old.schema != pl.Schema(RUN_SUMMARY_SCHEMA):
        return None
    n = rows.height

    def column(name: str, present: bool = True) -> list[Any]:
        return rows.get_column(name).to_list() if present else [None] * n

    measured = "has_answer" in schema and "gen_chars" in schema
    meta = "metric" in schema and "higher_is_better" in schema
    runs, scores = column("run"), column("accuracy")
    lengths = column("gen_length", "gen_length" in schema)
    has, chars = column("has_answer", measured), column("gen_chars", measured)
    names, stated = column("metric", meta), column("higher_is_better", meta)
    # run, scored, nonfinite, low, high, binary, metrics, stated, max_length, answered
    table: dict[object, list[Any]] = {row[0]: list(row) for row in old.rows()}
    grown: set[object] = set()
    for i in range(n):
        run, score = runs[i], scores[i]
        entry = table.get(run)
        if entry is None:
            entry = table[run] = [run, 0, 0, None, None, True, [], [], None, None]
        if run not in grown:  # this part's summary: binary (all of none: True), answered
            grown.add(run)
            entry[5] = True if entry[5] is None else entry[5]
            if measured:
                entry[9] = entry[9] or 0
        if score is not None:
            entry[1] += 1
            if not math.isfinite(score):
                entry[2] += 1
            elif score == 0.0 and math.copysign(1.0, score) < 0:
                return None
            else:
                entry[3] = score if entry[3] is None else min(entry[3], score)
                entry[4] = score if entry[4] is None else max(entry[4], score)
                entry[5] = entry[5] and score in (0.0, 1.0)
        if lengths[i] is not None:
            entry[8] = lengths[i] if entry[8] is None else max(entry[8], lengths[i])
        if names[i] is not None and names[i] not in entry[6]:
            entry[6] = [*entry[6], names[i]]
        if stated[i] is not None and stated[i] not in entry[7]:
            entry[7] = [*entry[7], stated[i]]
        if measured and has[i] is True and chars[i] != 0:
            entry[9] += 1
    for entry in table.values():
        for value in (entry[3], entry[4]):
            if value == 0.0 and math.copysign(1.0, value) < 0:
                return None
    return pl.DataFrame(list(table.values()), schema=RUN_SUMMARY_SCHEMA, orient="row")


def _merged(both: pl.LazyFrame) -> pl.DataFrame:
    """Run summaries (parts of a run in order) merged per run."""
    return (
        both.group_by("run", maintain_order=True)
        .agg(
            pl.col("scored").sum(),
            pl.col("nonfinite").sum(),
            pl.col("low").min(),
            pl.col("high").max(),
            pl.col("binary").all(),
            _merged_list("metrics"),
            _merged_list("stated"),
            pl.col("max_length").max(),
            # null (not measured) only when no part measured it
            pl.when(pl.col("answered").is_not_null().any()).then(pl.col("answered").sum()),
        )
        .select([pl.col(c).cast(t) for c, t in RUN_SUMMARY_SCHEMA.items()])
        .collect(engine="in-memory")
    )


def _merged_list(name: str) -> pl.Expr:
    return (
        pl.col(name)
        .list.explode(keep_nulls=False, empty_as_null=False)
        .unique(maintain_order=True)
        .drop_nulls()
    )


def kinds_from_summaries(
    runs: pl.DataFrame, thresholds: Thresholds | float | None = None
) -> dict[str, ScoreKind]:
    """Each run's :class:`ScoreKind` from its :func:`run_score_summaries` row."""
    thresholds = as_thresholds(thresholds)
    out: dict[str, ScoreKind] = {}
    for row in runs.iter_rows(named=True):
        run = str(row["run"])
        names = [str(m) for m in row.get("metrics") or []]
        metric = ", ".join(names) or None
        stated = row.get("stated") or []
        hib: bool | None = stated[0] if len(stated) == 1 else None
        if hib is None:  # the name's direction (lm-eval without its results file, bleu_max)
            hib = name_direction(metric)
        told = thresholds.direction_for(run)
        if told is not None:  # --score-direction: the user's word over the format's
            hib = told
        low, high = row["low"], row["high"]
        if row["scored"] == 0:
            out[run] = ScoreKind(run, "unscored", metric, hib, None)
            continue
        in_unit = row["nonfinite"] == 0 and low is not None and low >= 0.0 and high <= 1.0
        if in_unit and hib is not False:
            kind: Kind = "binary" if row["binary"] else "fraction"
            out[run] = ScoreKind(
                run, kind, metric, True, thresholds.for_run(run, True), low, high, 0
            )
            continue
        out[run] = ScoreKind(
            run,
            "continuous",
            metric,
            hib,
            thresholds.for_run(run, False),
            low,
            high,
            int(row["nonfinite"]),
        )
    return out


#: A score this close to its run's threshold (relative to it, at least 1e-9 absolute) is at it,
#: as the filters take a float a rounding error from the number typed (query.NEAR): a partial
#: credit computed as 0.7 - 0.2 is 0.49999999999999994, shown 0.500 beside a 0.5, and was wrong
#: where the 0.5 was correct (one prompt 'never', the other 'always', both at 0.500).
NEAR = 1e-9


def slack(threshold: float | pl.Expr) -> float | pl.Expr:
    """How far below (above, when lower is better) ``threshold`` a score still reaches it."""
    if isinstance(threshold, pl.Expr):
        return NEAR * pl.max_horizontal(pl.lit(1.0), threshold.abs())
    return NEAR * max(1.0, abs(threshold))


def correct_expr(kinds: Mapping[str, ScoreKind] | float = DEFAULT_THRESHOLD) -> pl.Expr:
    """Per generation: True when correct, False when wrong, null when unscored or when its run
    has no threshold. A NaN score is never correct. A float is one threshold for every row. A
    score a rounding error (:data:`NEAR`) short of the threshold reaches it."""
    score = pl.col("accuracy")
    if not isinstance(kinds, Mapping):
        return pl.when(score.is_nan()).then(False).otherwise(score >= kinds - slack(kinds))
    return _correct_of(_expr_key(kinds))


_ExprKey = tuple[tuple[str, Kind, "str | None", "bool | None", "float | None"], ...]


def _expr_key(kinds: Mapping[str, ScoreKind]) -> _ExprKey:
    """What of each run's kind the expressions read (not its score range, which a followed
    update may move): the key of the expressions made once per set of kinds."""
    return tuple(
        (run, k.kind, k.metric, k.higher_is_better, k.threshold) for run, k in kinds.items()
    )


def _kinds_of_key(key: _ExprKey) -> dict[str, ScoreKind]:
    return {
        run: ScoreKind(run, kind, metric, higher, threshold)
        for run, kind, metric, higher, threshold in key
    }


@functools.lru_cache(maxsize=32)
def _correct_of(key: _ExprKey) -> pl.Expr:
    """:func:`correct_expr` of the kinds ``key`` (expressions are immutable: made once per set
    of kinds, not on each followed update). The runs are taken by threshold and direction, each
    group's limit (the threshold less its slack, or plus it where lower is better) a number in
    the expression: a run's threshold looked up per row (``replace_strict``) cost ~0.05 ms of
    each evaluation whatever the rows, and it was evaluated five times per use (the stats query
    runs without the optimizer, which would share them), three uses per followed update."""
    if not key:
        return pl.lit(None, dtype=pl.Boolean)
    groups: dict[tuple[float, bool], list[str]] = {}
    for run, _kind, _metric, higher, threshold in key:
        if threshold is not None:
            groups.setdefault((threshold, higher is False), []).append(run)
    score = pl.col("accuracy")
    unknown = pl.lit(None, dtype=pl.Boolean)
    correct: Then | ChainedThen = pl.when(score.is_null()).then(unknown)
    for (threshold, lower), runs in groups.items():
        if lower:
            limit = pl.lit(threshold + slack(threshold), dtype=pl.Float64)
            reached = score <= limit
        else:
            limit = pl.lit(threshold - slack(threshold), dtype=pl.Float64)
            reached = score >= limit
        correct = correct.when(pl.col("run").is_in(runs)).then(
            pl.when(score.is_nan()).then(False).otherwise(reached)
        )
    return correct.otherwise(unknown)


def _kind_columns(kinds: Mapping[str, ScoreKind]) -> list[pl.Expr]:
    """The per-run columns (score_kind … correct_threshold), mapped from ``run``."""
    run = pl.col("run")

    def mapped(name: str, values: dict[str, object], dtype: pl.DataType) -> pl.Expr:
        if not values:
            return pl.lit(None, dtype=dtype).alias(name)
        return run.replace_strict(values, default=None, return_dtype=dtype).alias(name)

    return [
        mapped("score_kind", {r: k.kind for r, k in kinds.items()}, pl.String()),
        mapped("score_metric", {r: k.metric for r, k in kinds.items()}, pl.String()),
        mapped("higher_is_better", {r: k.higher_is_better for r, k in kinds.items()}, pl.Boolean()),
        mapped("correct_threshold", {r: k.threshold for r, k in kinds.items()}, pl.Float64()),
    ]


def prompt_stats(
    generations: pl.DataFrame | pl.LazyFrame,
    threshold: Thresholds | float | None = None,
    *,
    kinds: Mapping[str, ScoreKind] | None = None,
    max_n: int | None = None,
) -> pl.DataFrame:
    """Aggregate generation rows to one row per (run, prompt_id), in order of first appearance.

    ``threshold``: :class:`Thresholds` (``--correct-threshold``), or one number for every run.
    ``gen_length`` may be null while tokenizing is under way: length columns are null then.

    A prompt's row depends on its own generations and on run-level values only: each run's
    :class:`ScoreKind` (``kinds``; default: :func:`score_kinds` of these rows) and the largest
    scored count over all prompts (``max_n``: which pass@k columns exist and maj@n's name;
    default: these rows' largest). Given those of a whole load, the rows of some of its prompts
    equal that load's rows of them (what following uses to recompute only what changed).
    """
    lazy = generations.lazy()
    if kinds is None:
        kinds = score_kinds(lazy, threshold)
    # After the fixed columns come the sampling metrics (evaltui.data.sampling): pass@k for
    # k = 1, 2, 4, … up to the largest count, maj@n, n_unique_answers and agreement.
    from evaltui.data.sampling import sampling_columns

    frame = fixed_columns(lazy, kinds).collect()
    return sampling_columns(lazy.collect(), frame, correct_expr(kinds), max_n=max_n)


def fixed_columns(generations: pl.LazyFrame, kinds: Mapping[str, ScoreKind]) -> pl.LazyFrame:
    """The Stats table's :data:`STATS_COLUMNS` (:func:`prompt_stats` without the sampling
    metrics) as a query, one row per (run, prompt_id) in order of first appearance."""
    aggregates, first, second, last = _fixed_exprs(_expr_key(kinds))
    return (
        generations.group_by(["run", "prompt_id"], maintain_order=True)
        .agg(*aggregates)
        .with_columns(*first)
        .with_columns(*second)
        .select(*last)
    )


@functools.lru_cache(maxsize=32)
def _fixed_exprs(
    key: _ExprKey,
) -> tuple[tuple[pl.Expr, ...], tuple[pl.Expr, ...], tuple[pl.Expr, ...], tuple[pl.Expr, ...]]:
    """:func:`fixed_columns`' expressions for the kinds ``key``: the aggregates, the two
    steps after them and the final casts (made once per set of kinds: building them took ~0.8
    ms of each followed update's ~5 ms stats query; expressions are immutable)."""
    kinds = _kinds_of_key(key)
    correct = correct_expr(kinds)
    score = pl.col("accuracy")
    lengths = pl.col("gen_length")
    aggregates = [
        pl.col("prompt").first(),
        pl.col("answer").drop_nulls().first().alias("answer"),
        pl.len().cast(pl.UInt32).alias("count"),
        score.sum().alias("total_accuracy_count"),
        score.mean().alias("average_accuracy"),
        lengths.max().alias("max_gen_length"),
        lengths.mean().alias("avg_gen_length"),
        lengths.alias("gen_lengths"),
        lengths.min().alias("min_gen_length"),
        lengths.median().cast(pl.Float64).alias("median_gen_length"),
        correct.sum().cast(pl.UInt32).alias("n_correct"),
        score.is_not_null().sum().cast(pl.UInt32).alias("n_scored"),
        pl.col("truncated").sum().cast(pl.UInt32).alias("n_truncated"),
        (pl.col("answer").drop_nulls().n_unique() > 1).alias("answer_conflict"),
        pl.col("prompt_score").drop_nulls().first().alias("prompt_score"),
        score.min().alias("min_score"),
        score.max().alias("max_score"),
        (score.is_not_null() & ~score.is_finite()).sum().cast(pl.UInt32).alias("n_nonfinite"),
    ]
    first = [
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
        *_kind_columns(kinds),
    ]
    second = [
        # No threshold, no correctness: null, not 0 (a continuous score is not "never solved");
        # nor for a prompt with no scored generation: 0 claimed none of them was correct.
        pl.when(pl.col("correct_threshold").is_null() | (pl.col("n_scored") == 0))
        .then(None)
        .otherwise(pl.col("n_correct"))
        .alias("n_correct"),
        # min/max skip NaN: a prompt whose scores are all NaN has NaN, not null (it is scored).
        pl.when((pl.col("n_scored") > 0) & pl.col("min_score").is_null())
        .then(float("nan"))
        .otherwise(pl.col("min_score"))
        .alias("min_score"),
        pl.when((pl.col("n_scored") > 0) & pl.col("max_score").is_null())
        .then(float("nan"))
        .otherwise(pl.col("max_score"))
        .alias("max_score"),
    ]
    last = [pl.col(c).cast(STATS_SCHEMA[c]) for c in STATS_COLUMNS]
    return tuple(aggregates), tuple(first), tuple(second), tuple(last)


def run_kinds(stats: pl.DataFrame) -> dict[str, ScoreKind]:
    """Each run's :class:`ScoreKind` read back from a Stats frame (its score_* columns), run order
    kept; the range and non-finite count are those of the rows given (a filtered view's)."""
    if stats.height == 0 or "score_kind" not in stats.columns:
        return {}
    return kinds_of_runs(stats.group_by("run", maintain_order=True).agg(run_kind_aggregates()))


def run_kind_aggregates() -> list[pl.Expr]:
    """What :func:`kinds_of_runs` reads of each run, as aggregates of a Stats frame's
    ``group_by("run", maintain_order=True)`` (with others in the same pass: the app's header)."""

    def finite(column: str) -> pl.Expr:
        return pl.when(pl.col(column).is_finite()).then(pl.col(column))

    return [
        pl.col("score_kind").first(),
        pl.col("score_metric").first(),
        pl.col("higher_is_better").first(),
        pl.col("correct_threshold").first(),
        finite("min_score").min().alias("low"),
        finite("max_score").max().alias("high"),
        pl.col("n_nonfinite").sum().alias("nonfinite"),
    ]


def kinds_of_runs(runs: pl.DataFrame) -> dict[str, ScoreKind]:
    """Each run's :class:`ScoreKind` from a frame of :func:`run_kind_aggregates` by run."""
    return {str(row["run"]): kind_of_run(row) for row in runs.iter_rows(named=True)}


def kind_of_run(row: Mapping[str, Any]) -> ScoreKind:
    """A run's :class:`ScoreKind` from its row of :func:`run_kind_aggregates` (and ``run``)."""
    return ScoreKind(
        str(row["run"]),
        row["score_kind"] or "unscored",
        row["score_metric"],
        row["higher_is_better"],
        row["correct_threshold"],
        row["low"],
        row["high"],
        int(row["nonfinite"] or 0),
    )


def empty_stats() -> pl.DataFrame:
    return pl.DataFrame(schema=STATS_SCHEMA)


def overall(
    stats: pl.DataFrame, generations: pl.DataFrame, threshold: Thresholds | float | None = None
) -> dict[str, float | int | None]:
    """Headline numbers for summaries: counts, and accuracy over the scored generations of the
    runs whose score is an accuracy (a mean mixing an accuracy with a bleu or an mae means
    nothing: those runs are described by :func:`run_kinds` instead). ``threshold`` is unused
    (each run's threshold is in ``stats``) and kept for callers."""
    del threshold
    kinds = run_kinds(stats)
    accuracy_runs = [run for run, kind in kinds.items() if kind.accuracy]
    scored = generations.filter(pl.col("accuracy").is_not_null())
    counted = scored.filter(pl.col("run").is_in(accuracy_runs))
    correct = correct_expr(kinds) if kinds else pl.lit(None, dtype=pl.Boolean)
    return {
        "runs": stats["run"].n_unique() if stats.height else 0,
        "prompts": stats.height,
        "generations": generations.height,
        "unscored": generations.height - scored.height,
        "accuracy": float(counted["accuracy"].mean()) if counted.height else None,  # type: ignore[arg-type]
        "correct": int(scored.select(correct.sum()).item() or 0) if scored.height else 0,
    }


def run_accuracies(stats: pl.DataFrame, kinds: Mapping[str, ScoreKind]) -> dict[str, float]:
    """Each run whose score is an accuracy and that has scored generations: the mean score over
    them, pooled from the Stats table (each prompt's score sum and scored count), run order kept.
    Equal to the mean over the generations (up to float rounding in the last digit) without a
    pass over them: the app's header is redrawn on every followed update."""
    return _pooled_means(stats, [run for run, kind in kinds.items() if kind.accuracy])


def run_means(stats: pl.DataFrame, kinds: Mapping[str, ScoreKind]) -> dict[str, float]:
    """Each scored run whose score is no accuracy (a bleu 0-100, an mae): its mean score over
    its scored generations, in its own units, pooled as :func:`run_accuracies` pools an
    accuracy; run order kept. The app's header and ``summarize``'s end summary give these when
    no run's score is an accuracy."""
    runs = [run for run, kind in kinds.items() if not kind.accuracy and kind.kind != "unscored"]
    return _pooled_means(stats, runs)


def means_word(kinds: Mapping[str, ScoreKind], means: Mapping[str, float]) -> str:
    """What the continuous runs' means (:func:`run_means`) are called: ``mean mae`` when they
    are all of one named metric (its name made one safe line: it comes from the input), else
    ``mean score``."""
    from evaltui.data.sanitize import name_line

    names = {kinds[run].metric for run in means}
    name = names.pop() if len(names) == 1 else None
    if not name or ", " in name:
        return "mean score"
    return f"mean {name_line(name, 24)}"


def rates_word(kinds: Mapping[str, ScoreKind], runs: Iterable[str]) -> str:
    """What the means of ``runs`` (runs whose score is within 0–1, :func:`run_accuracies`)
    are called: ``accuracy`` when each is an accuracy (:attr:`ScoreKind.rate`), else as
    :func:`means_word` calls a mean (``mean f1``, ``mean reward``; ``mean score`` for several
    names): a run's mean f1 of 0.62 read "accuracy 0.620"."""
    shown = [run for run in runs if run in kinds]
    if all(kinds[run].rate for run in shown):
        return "accuracy"
    return means_word(kinds, dict.fromkeys(shown, 0.0))


def _pooled_means(stats: pl.DataFrame, runs: list[str]) -> dict[str, float]:
    """The mean score over the scored generations of each of ``runs`` that has some, pooled
    from the Stats table (each prompt's score sum and scored count), run order kept."""
    if not runs or stats.height == 0:
        return {}
    per_run = (
        stats.filter(pl.col("run").is_in(runs))
        .group_by("run", maintain_order=True)
        .agg(pl.col("total_accuracy_count").sum(), pl.col("n_scored").cast(pl.Int64).sum())
    )
    return {str(run): float(total) / int(n) for run, total, n in per_run.iter_rows() if n}


def kinds_summary(
    kinds: Mapping[str, ScoreKind], shown: Callable[[str], str] = lambda text: text
) -> str:
    """What the runs' scores are (:func:`run_kinds`), in one line: ``score: accuracy (0/1)`` when
    every run's is the same, else ``scores: RUN: DESCRIPTION; RUN: …``. Run labels and metric
    names come from input: the caller sanitizes for display (the labels itself, each
    description by ``shown``)."""
    if not kinds:
        return ""
    described = {run: shown(kind.describe()) for run, kind in kinds.items()}
    if len(set(described.values())) == 1:
        return "score: " + next(iter(described.values()))
    return "scores: " + "; ".join(f"{run} ({text})" for run, text in described.items())

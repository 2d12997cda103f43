"""Compare two runs prompt by prompt: joined on prompt identity, never on row position.

The join key is the prompt's id (the format's own id within its dataset, or the hash of the prompt
text). Prompts present in only one run are reported, not silently dropped; so are prompts whose
text differs under the same id, and prompts whose text matches under different ids. The overall
delta comes with a paired bootstrap CI over prompts and a paired test: McNemar's exact test when
every prompt has one 0/1 sample in each run, a sign test on the per-prompt deltas otherwise.

What is compared is each prompt's mean score (``average_accuracy``): a pass rate for 0/1 scores,
the mean credit for partial credit (a fraction: McNemar's test on its thresholded verdicts would
test another thing than the delta, and disagree with the improved/regressed counts), the metric
itself for a continuous score (:class:`~evaltui.data.metrics.ScoreKind`), where
"improved" follows the metric's direction (a lower ``mae`` is an improvement). A delta that is not
a number (both runs Infinity, or a NaN score) is neither improved nor regressed: it is counted as
"not comparable", and the mean delta is over the prompts whose delta is finite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from evaltui.data.distinct import CHAT_MARKUP
from evaltui.data.metrics import ScoreKind, compact_score, format_score, named, run_kinds
from evaltui.data.runs import listed_runs, resolve_run
from evaltui.data.sanitize import (
    as_written,
    cell_width,
    cut_mark,
    distinct_middle,
    id_line,
    one_line,
    pad_cells,
    visible,
    written_label,
)
from evaltui.data.summary import bootstrap_ci, decimals_of, score_text
from evaltui.data.wording import plural, signed_fixed

CLASSES = ("never", "flaky", "always")
LISTED = 5
"""Regressions and improvements listed by name in the text report (all of them go to ``-o``)."""


def difficulty_expr(suffix: str = "") -> pl.Expr:
    """never / flaky / always solved from ``n_correct`` and ``n_scored``: null when unscored, and
    when the score has no "correct" (``n_correct`` null: a continuous score without a threshold,
    which fell through to "flaky")."""
    c, n = pl.col(f"n_correct{suffix}"), pl.col(f"n_scored{suffix}")
    return (
        pl.when((n == 0) | c.is_null())
        .then(None)
        .when(c == 0)
        .then(pl.lit("never"))
        .when(c == n)
        .then(pl.lit("always"))
        .otherwise(pl.lit("flaky"))
    )


def _normalized(text: pl.Expr) -> pl.Expr:
    """A prompt's text as two runs' are matched: chat-template markup, spacing and case left
    out. Two models' runs of one task wrap each question in their own template (OpenCompass's
    Baichuan ``<reserved_106>…<reserved_107>`` and Qwen ``<|im_start|>user…``): all 8 prompts
    of such a pair "share an id but not their text: check they are the same question"."""
    return (
        text.str.replace_all(CHAT_MARKUP, " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.to_lowercase()
    )


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
    kind_a: ScoreKind | None = None
    """What run A's score is (None: a frame without score columns, read as an accuracy)."""
    kind_b: ScoreKind | None = None

    @property
    def different_measures(self) -> str:
        """Why B's score cannot be taken from A's (bleu_max 0–100 against bleu_acc 0/1, mae
        against acc), else "": see :func:`different_measures`."""
        return different_measures(self.kind_a, self.kind_b)

    @property
    def accuracy(self) -> bool:
        """Both scores are accuracies: deltas are in percentage points."""
        return all(k is None or k.accuracy for k in (self.kind_a, self.kind_b))

    @property
    def rate(self) -> bool:
        """Both runs' means are accuracies (:attr:`~evaltui.data.metrics.ScoreKind.rate`): not
        a 0–1 f1 or reward, whose mean is a mean f1 (in % and points all the same)."""
        return all(k is None or k.rate for k in (self.kind_a, self.kind_b))

    @property
    def binary(self) -> bool:
        """Both scores are 0/1: a prompt's mean is a pass rate (else a mean credit or score)."""
        return _binary(self.kind_a, self.kind_b)

    @property
    def lower_is_better(self) -> bool:
        return any(
            k is not None and k.higher_is_better is False for k in (self.kind_a, self.kind_b)
        )

    @property
    def direction_unknown(self) -> bool:
        """Neither run's score says which way is better (a plain file's unnamed score outside
        0–1, a metric of no known direction): a change is a rise or a fall, and calling a rise
        "improved" would take a loss or an error for a gain."""
        kinds = [k for k in (self.kind_a, self.kind_b) if k is not None and k.kind != "unscored"]
        return (
            bool(kinds)
            and not self.different_measures
            and all(not k.accuracy and k.higher_is_better is None for k in kinds)
        )

    def _amount(self, value: float) -> str:
        """A change (the headline's delta and interval): points of an accuracy, else the
        score's own units."""
        if self.accuracy:
            return signed_fixed(100 * value, 1)
        # With the decimals of the levels and lists under it (:meth:`places`): 4 significant
        # digits read '-523.8, 95% CI [-2319, +1040]' above 'a 9160 → b 8636'.
        places = self.places()
        if places is not None and math.isfinite(value):
            return signed_fixed(value, places)
        text = format_score(value)
        return ("+" + text) if not text.startswith(("-", "n")) else text

    def _level(self, value: float, places: int | None) -> str:
        """A run's mean on a prompt or on all (the levels line, the lists): an accuracy in %
        (the lists printed '0.3 → 95.9' under 'mean winrate_divided_by_optimal', a 0–1 score
        ×100 with no unit, beside the levels line's '8.2%'), else the score's own units with
        ``places`` decimals (:meth:`places`)."""
        if self.accuracy:
            return f"{100 * value:.1f}%"
        return score_text(value, places)

    def change_text(self, value: float, unit: bool = True) -> str:
        """A change (the delta, an end of its interval) as the report writes it: ``+5.3 pts``
        of a 0–1 score (``+5.3`` without its ``unit``, as an interval's ends are), else in the
        score's own units with the levels' decimals; ``–`` for none (NaN). The app's
        comparison says it so too (it said ``+0.053``)."""
        if math.isnan(value):
            return "–"
        return self._amount(value) + (" pts" if unit and self.accuracy else "")

    def level_texts(self) -> tuple[str, str]:
        """Run A's and B's :meth:`levels` as the report's levels line writes them (``48.8%``
        of a 0–1 score, else the score's own units with :meth:`places` decimals; ``–`` for
        none)."""
        places = self.places()
        a, b = ("–" if math.isnan(v) else self._level(v, places) for v in self.levels())
        return a, b

    def places(self) -> int | None:
        """The decimals of every continuous value the levels line and the lists show: the
        summary's rule (:func:`~evaltui.data.summary.decimals_of`), those of the largest. The
        report read 'a 0.6 → b 0.4' above a listed '0.25' (4 significant digits each, trailing
        zeros dropped)."""
        listed = pl.concat([self.regressions().head(LISTED), self.improvements().head(LISTED)])
        values = [*self.levels(), *listed["rate_a"].to_list(), *listed["rate_b"].to_list()]
        finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
        return decimals_of(max(finite, default=0.0))

    @property
    def scored_in_both(self) -> int:
        """Joined prompts with a score in each run: what the delta, its CI and test are over."""
        rates = self.joined.select(pl.col("rate_a").is_not_null() & pl.col("rate_b").is_not_null())
        return int(rates.to_series().sum())

    @property
    def finite_deltas(self) -> int:
        """Joined prompts whose change is a finite number: what the mean delta and its CI are over
        (the test also counts an infinite change)."""
        return int(self.joined["delta"].is_finite().sum())

    @property
    def over(self) -> str:
        """``mean over the 18 prompts with a finite change`` (``… scored in both``) when the mean
        delta is over fewer prompts than are in both runs (a prompt unscored in a run, a NaN
        score, an infinity), else ""."""
        finite, scored = self.finite_deltas, self.scored_in_both
        if self.no_delta or finite == self.joined.height:
            return ""
        why = [
            *(["scored in both"] if scored < self.joined.height else []),
            *(["with a finite change"] if finite < scored else []),
        ]
        return f"mean over the {plural(finite, 'prompt')} {' '.join(why)}"

    def levels(self) -> tuple[float, float]:
        """Run A's and B's mean score over the prompts the mean change is over (those with a
        finite change): B's minus A's is :attr:`delta`. Of two different measures (no delta),
        each run's own mean over the prompts with a finite score in both, in its own units.
        NaN when there are none."""
        kept = self.joined.filter(self._level_rows())
        if not kept.height:
            return math.nan, math.nan
        return float(kept["rate_a"].mean()), float(kept["rate_b"].mean())  # type: ignore[arg-type]

    def _level_rows(self) -> pl.Expr:
        """The joined prompts :meth:`levels` is over."""
        if self.different_measures:
            return pl.col("rate_a").is_finite() & pl.col("rate_b").is_finite()
        return pl.col("delta").is_finite()

    @property
    def level_count(self) -> int:
        """How many prompts :meth:`levels` is over."""
        return int(self.joined.select(self._level_rows().sum()).item() or 0)

    def levels_line(self, mark: str = "…", encoding: str | None = None) -> str:
        """``pass rate on those 24 prompts: a 51.7% → b 49.0%``; of two different measures
        each run's own mean (``not comparable: mean score on the 20 prompts scored in both:
        a 61.5 · b 0.1815``); "" when there is no delta otherwise."""
        if self.different_measures and self.level_count:
            a, b = self.levels()
            name_a, name_b = self.names(mark=mark, encoding=encoding)
            what = f"the {plural(self.level_count, 'prompt')} with a finite score in both"
            return (
                f"not comparable: each run's mean in its own units on {what}: "
                f"{name_a} {own_units(a)} · {name_b} {own_units(b)}"
            )
        if self.no_delta:
            return ""
        what = "pass rate" if self.binary else "accuracy"
        what = what if self.accuracy and self.rate else f"mean {self.metric_words()}"
        places = self.places()
        shown = [self._level(value, places) for value in self.levels()]
        name_a, name_b = self.names(mark=mark, encoding=encoding)
        # One prompt is 'that prompt': it read 'pass rate on those 1 prompt'.
        over = f"those {plural(self.finite_deltas, 'prompt')}"
        over = "that prompt" if self.finite_deltas == 1 else over
        return f"{what} on {over}: {name_a} {shown[0]} → {name_b} {shown[1]}"

    @property
    def no_delta(self) -> str:
        """Why there is no delta (scores that are different measures, no prompt in common, or
        none scored in both), else ""."""
        if self.different_measures and not self.joined.height:
            # Both said: the headline gave only "different measures" of two runs that had no
            # prompt in common either (which the counts said, as if no other reason).
            return (
                "no delta: the runs have no prompt in common (joined on prompt id); "
                f"{self.different_measures}"
            )
        if self.different_measures:
            return f"no delta: {self.different_measures}"
        if self.scored_in_both:
            return ""
        if not self.joined.height:
            return "no delta: the runs have no prompt in common (joined on prompt id)"
        return "no delta: no prompt is scored in both runs"

    def names(
        self, limit: int = 60, mark: str = "…", encoding: str | None = None
    ) -> tuple[str, str]:
        """Run A's and B's labels as the report shows them: one safe line each, cut in the
        middle as the app cuts them (cut at the end, two runs of one model with different
        dates read the same), told apart where they differ; ``mark`` marks a cut; as written
        in ``encoding`` (:func:`~evaltui.data.sanitize.written_label`)."""
        names = distinct_middle([self.run_a, self.run_b], limit, mark)
        return written_label(names[self.run_a], encoding), written_label(
            names[self.run_b], encoding
        )

    def headline(self, mark: str = "…", encoding: str | None = None) -> str:
        """``a → b: -0.6 pts, 95% CI …``: the runs in the order every later line names them
        (A, the baseline, then B); it read "b vs a" above "pass rate …: a 62.5% → b 61.9%"."""
        both = f"{plural(self.joined.height, 'prompt')} in both runs"
        name_a, name_b = self.names(mark=mark, encoding=encoding)
        if self.no_delta:
            counted = f" ({both})" if self.joined.height else ""
            return f"{name_a} → {name_b}: {self.no_delta}{counted}"
        low, high = self.ci
        unit = " pts" if self.accuracy else ""
        what = "" if self.accuracy and self.rate else f" in mean {self.metric_words()}"
        return (
            f"{name_a} → {name_b}{what}: "
            f"{self._amount(self.delta)}{unit}, 95% CI [{self._amount(low)}, {self._amount(high)}], "
            f"p = {self.p_value:.3g} ({self.test}; {both}{'; ' + self.over if self.over else ''})"
        )

    def correct_words(self, names: tuple[str, str] | list[str] | None = None) -> str:
        """``correct: score ≥ 0.5``: what puts a prompt among never/flaky/always when a run's
        "correct" is not plain 0/1 (a 0–1 fraction, a threshold), each run's when they differ
        (``names``: the runs as shown); "" otherwise. A prompt whose one sample scored 0.5 is
        "always" at ≥ 0.5, which its 50.0 pass rate beside it did not say."""
        shown = dict(zip((self.run_a, self.run_b), names or (self.run_a, self.run_b), strict=True))
        rules = {
            kind.run: kind.correct_rule() or "1"
            for kind in (self.kind_a, self.kind_b)
            if kind is not None and kind.threshold is not None
        }
        if not rules or all(rule == "1" for rule in rules.values()):
            return ""
        if len(set(rules.values())) == 1:
            return f"correct: score {next(iter(rules.values()))}"
        return "correct: " + ", ".join(
            f"{shown.get(run, run)} score {rule}" for run, rule in rules.items()
        )

    def metric_words(self) -> str:
        """The score compared, in words (``mae (lower is better)``; ``score`` when unnamed)."""
        kind = self.kind_b or self.kind_a
        name = one_line(kind.metric, 40) if kind is not None and kind.metric else "score"
        if self.lower_is_better:
            return f"{name} (lower is better)"
        return name

    def gain_expr(self) -> pl.Expr:
        """Per joined prompt: the delta signed so that positive is better (NaN stays NaN)."""
        return -pl.col("delta") if self.lower_is_better else pl.col("delta")

    def outcome_counts(self) -> dict[str, int] | None:
        """improved / regressed / unchanged / not_comparable / unscored_in_a_run, with the
        metric's direction and NaN deltas counted as :meth:`improvements` counts them; None when
        the scores are different measures or the runs have no prompt in common (nothing is
        counted: "improved 0 · regressed 0 · unchanged 0", which a script's gate on
        ``counts.regressed == 0`` passed), or no prompt is scored in both (a run unscored, or
        the two scored on other prompts: it said "improved 0 · regressed 0 · unchanged 0 ·
        unscored in a run 10", passed by that gate too)."""
        if self.different_measures or not self.scored_in_both:
            return None
        improved = self.improvements().height
        regressed = self.regressions().height
        delta = self.joined["delta"]
        missing = int(delta.is_null().sum())
        nan = int(delta.is_nan().sum())
        return {
            "improved": improved,
            "regressed": regressed,
            "unchanged": self.joined.height - improved - regressed - nan - missing,
            "not_comparable": nan,
            "unscored_in_a_run": missing,
        }

    def outcome_line(self) -> str:
        """``improved 3 · regressed 1 · unchanged 5`` (+ not comparable, unscored when any): the
        words of :meth:`outcome_counts`."""
        counts = self.outcome_counts()
        if counts is None and not self.joined.height:
            return "improved/regressed: none counted (the runs have no prompt in common)"
        if counts is None and self.different_measures:
            return "improved/regressed: none counted (the runs' scores are different measures)"
        if counts is None:
            return (
                "improved/regressed: none counted (no prompt is scored in both runs; "
                f"unscored in a run {self.joined.height:,})"
            )
        nan, missing = counts["not_comparable"], counts["unscored_in_a_run"]
        up, down = ("higher", "lower") if self.direction_unknown else ("improved", "regressed")
        return (
            f"{up} {counts['improved']:,} · {down} {counts['regressed']:,} · "
            f"unchanged {counts['unchanged']:,}"
            + (
                f" · not comparable {nan:,} (a NaN score, or an infinity in both runs)"
                if nan
                else ""
            )
            + (f" · unscored in a run {missing:,}" if missing else "")
            + (
                " (direction unknown: none called better or worse)"
                if self.direction_unknown
                else ""
            )
        )

    def regressions(self) -> pl.DataFrame:
        """Prompts whose score got worse, largest drop first (NaN deltas are not regressions;
        none when the scores are different measures: every delta is null)."""
        gain = self.gain_expr()
        return (
            self.joined.filter(~pl.col("delta").is_nan() & (gain < 0))
            .with_columns(gain.alias("_gain"))
            .sort("_gain", maintain_order=True)
            .drop("_gain")
        )

    def improvements(self) -> pl.DataFrame:
        """Prompts whose score got better, largest gain first (NaN deltas are not improvements;
        none when the scores are different measures: every delta is null)."""
        gain = self.gain_expr()
        return (
            self.joined.filter(~pl.col("delta").is_nan() & (gain > 0))
            .with_columns(gain.alias("_gain"))
            .sort("_gain", descending=True, maintain_order=True)
            .drop("_gain")
        )

    def kinds_warning(self) -> str:
        """``warning: the two runs' scores are not the same metric: …`` (or of different kinds:
        one metric that is 0/1 in a run and continuous in the other), else "". Two different
        measures are not warned of here: they have no delta, and the headline says why."""
        parts = self.kinds_warning_parts()
        return f"{parts[0]} {parts[1]} vs {parts[2]}" if parts else ""

    def kinds_warning_parts(self) -> tuple[str, str, str] | None:
        """:meth:`kinds_warning` in its three parts, its words (``warning: … not the same
        metric:``) and each run's score described (its metric's name untrusted, made one line
        of at most 80 cells): the compare screen lays them on lines of their own, where cut as
        one line at 80 columns the warning hid run B's metric. None when nothing is warned."""
        if (
            self.kind_a is None
            or self.kind_b is None
            or "unscored" in (self.kind_a.kind, self.kind_b.kind)  # said as such
            or self.different_measures  # said in the headline
            or (
                self.kind_a.accuracy == self.kind_b.accuracy
                and named(self.kind_a.metric) == named(self.kind_b.metric)
            )
        ):
            return None
        # One metric of two kinds (acc 0/1, and acc with a NaN: continuous) is one metric.
        same = named(self.kind_a.metric) == named(self.kind_b.metric)
        return (
            f"warning: the two runs' scores are {'of different kinds' if same else 'not the same metric'}:",
            one_line(self.kind_a.describe(), 80),
            one_line(self.kind_b.describe(), 80),
        )

    def report(self, bad_lines: int = 0, encoding: str | None = None) -> str:
        """The plain-words summary ``evaltui compare`` prints (prompt text made one safe line).
        ``bad_lines``: the load's bad lines, said beside the prompts only in one run (an errored
        Inspect sample is a bad line: its prompt is then "only in" the other run).
        ``encoding``: the one it is written in when not UTF-8: the listed prompts' cells are
        measured as written there (:func:`~evaltui.data.sanitize.as_written`)."""
        # A cut marked '...' where the encoding lacks '…': on an ASCII standard output an id
        # read 'toy_math_inspect:proble\\u2026', as if the escape were part of it, and a run
        # label 'model-alpha-very-long-name-Qwe\\u20265-72B-…'.
        mark = cut_mark(encoding)
        names = self.names(mark=mark, encoding=encoding)
        lines = [self.headline(mark, encoding)]
        if self.levels_line(mark, encoding):
            lines.append(self.levels_line(mark, encoding))
        kinds = [kind for kind in (self.kind_a, self.kind_b) if kind is not None]
        # Both runs' scores once either is no accuracy: rescore --compare of a stored reward
        # said 'score of m1 (stored): continuous 0.01-2.95' and nothing of what re-scored it.
        named = dict(zip((self.run_a, self.run_b), names, strict=True))
        if any(not kind.accuracy for kind in kinds):
            lines.extend(
                f"score of {named.get(kind.run) or one_line(kind.run, 60)}: "
                f"{one_line(kind.describe(), 120)}"
                for kind in kinds
            )
        if kinds_warning := self.kinds_warning():
            lines.append(kinds_warning)
        lines.append(self.outcome_line())
        if self.only_a.height or self.only_b.height:
            lines.append(
                f"only in {names[0]}: {plural(self.only_a.height, 'prompt')} · "
                f"only in {names[1]}: {plural(self.only_b.height, 'prompt')} (not compared)"
            )
            if bad_lines_warning := self.bad_lines_warning(bad_lines):
                lines.append(f"  ({bad_lines_warning})")
        lines.extend(self.id_warnings())
        listed = [
            (title, list(frame.head(LISTED).iter_rows(named=True)))
            for title, frame in (
                (
                    "largest falls" if self.direction_unknown else "largest regressions",
                    self.regressions(),
                ),
                (
                    "largest rises" if self.direction_unknown else "largest improvements",
                    self.improvements(),
                ),
            )
        ]
        # Amounts and ids padded to the widest listed, in both lists: lm-eval's doc ids (23-27
        # characters, cut in their middle at 24: cut at their end, a task's all read alike), a
        # CJK id or a score of 1.852e+04 (wider than 5) left each prompt's text starting
        # elsewhere.
        places = self.places()
        shown = [
            [
                (
                    self._level(row["rate_a"], places),
                    self._level(row["rate_b"], places),
                    # As written: on an ASCII standard output '题目一' (6 cells) is written
                    # '\\u9898\\u76ee\\u4e00' (18), and its prompt started 12 cells right of
                    # the others'.
                    as_written(id_line(str(row["prompt_id"]), 24, mark), encoding),
                    as_written(one_line(row["prompt_a"], 60, mark), encoding),
                )
                for row in rows
            ]
            for _, rows in listed
        ]
        cells = [part for parts in shown for part in parts]
        a_width = max([5, *(len(a) for a, _, _, _ in cells)])
        b_width = max([5, *(len(b) for _, b, _, _ in cells)])
        id_width = max([0, *(cell_width(pid) for _, _, pid, _ in cells)])
        for (title, rows), parts in zip(listed, shown, strict=True):
            if rows:
                what = "pass rate" if self.binary else f"mean {self.metric_words()}"
                lines.append(f"{title} ({' → '.join(names)} {what}):")
                for a, b, pid, prompt in parts:
                    lines.append(
                        f"  {a:>{a_width}} → {b:>{b_width}}  {pad_cells(pid, id_width)}  {prompt}"
                    )
        if not self.judged:
            lines.append(f"transitions: {self.not_judged}")
            return "\n".join(lines)
        rule = self.correct_words(names)
        lines.append(f"transitions ({' → '.join(names)}{'; ' + rule if rule else ''}):")
        lines.append("            " + "".join(f"{c:>8}" for c in CLASSES))
        for row in self.transitions.iter_rows(named=True):
            lines.append(f"  {row['from']:<10}" + "".join(f"{row[c]:>8,}" for c in CLASSES))
        return "\n".join(lines)

    def id_warnings(self) -> list[str]:
        """Prompts that share an id but not their text, and the same text under two ids."""
        lines = []
        # In the number of the count: "1 prompt shares an id but not their text" read as if
        # the prompt had several.
        if self.text_differs.height:
            lines.append(
                plural(
                    self.text_differs.height,
                    "prompt shares an id but not its text: check it is the same question",
                    "prompts share an id but not their text: check they are the same question",
                )
            )
        if self.same_text_other_id.height:
            lines.append(
                plural(
                    self.same_text_other_id.height,
                    "prompt has the same text under different ids (not joined)",
                    "prompts have the same text under different ids (not joined)",
                )
            )
        return lines

    def bad_lines_warning(self, bad_lines: int, *, below: bool = True) -> str:
        """Said beside the prompts only in one run when the load had bad lines, else "".
        ``below``: the report's words, the bad lines listed after it; the summary JSON's
        warnings are read where nothing is below (they said '(see below)' too)."""
        if not bad_lines or not (self.only_a.height or self.only_b.height):
            return ""
        return (
            f"the load has {plural(bad_lines, 'bad line')}{' (see below)' if below else ''}: "
            "a prompt whose lines are bad in one run counts as only in the other"
        )

    def warnings(self, bad_lines: int = 0) -> list[str]:
        """What the report warns of, one safe line each: why there is no delta, scores that are
        not the same metric, a mean over fewer prompts than are in both runs, ids and texts
        that disagree, bad lines that can make a prompt only in one run."""
        said = [
            self.no_delta,
            self.kinds_warning(),
            self.over,
            *self.id_warnings(),
            self.bad_lines_warning(bad_lines, below=False),
        ]
        return [visible(line, multiline=False) for line in said if line]

    def summary(self, bad_lines: int = 0) -> dict[str, Any]:
        """The report's numbers for a script (``evaltui compare --summary-json``): taken from
        this comparison as the text is, never computed again. Scores are in the score's own
        units (an accuracy's ``+25.0 pts`` is ``0.25``); what the text says is not there
        ("no delta", no test, nothing counted, no transitions) is null. Run labels are whole
        (JSON strings round-trip any text); the warnings are the report's, one safe line each.
        ``metric`` is the runs' one metric, null when they differ (``metric_a``, ``metric_b``)."""
        no_delta = bool(self.no_delta)
        low, high = self.ci
        # Two different measures: no delta, but each run's own mean (its own units).
        own = no_delta and bool(self.different_measures) and bool(self.level_count)
        mean_a, mean_b = self.levels() if own or not no_delta else (None, None)
        judged = self.judged
        return {
            "run_a": self.run_a,
            "run_b": self.run_b,
            "metric": self.common_metric(),
            "metric_a": None if self.kind_a is None else self.kind_a.metric,
            "metric_b": None if self.kind_b is None else self.kind_b.metric,
            "accuracy": self.accuracy,
            "lower_is_better": self.lower_is_better,
            "direction_unknown": self.direction_unknown,
            "score_a": None
            if self.kind_a is None
            else visible(self.kind_a.describe(), multiline=False),
            "score_b": None
            if self.kind_b is None
            else visible(self.kind_b.describe(), multiline=False),
            "prompts_in_common": self.joined.height,
            "scored_in_both": self.scored_in_both,
            "mean_over": self.level_count if own else None if no_delta else self.finite_deltas,
            "only_in_a": self.only_a.height,
            "only_in_b": self.only_b.height,
            "delta": None if no_delta else self.delta,
            "ci_95": None if no_delta else [low, high],
            "p_value": None if no_delta else self.p_value,
            "test": None if no_delta else self.test,
            "mean_a": mean_a,
            "mean_b": mean_b,
            "no_delta": self.no_delta or None,
            "counts": self.outcome_counts(),
            "transitions": (
                {
                    row["from"]: {c: row[c] for c in CLASSES}
                    for row in self.transitions.iter_rows(named=True)
                }
                if judged
                else None
            ),
            "no_transitions": None if judged else self.not_judged,
            "warnings": self.warnings(bad_lines),
        }

    def common_metric(self) -> str | None:
        """The metric both runs are scored by (an unscored run's none counts for nothing);
        None when they differ: the summary's ``metric`` was run B's beside a report warning
        'not the same metric: acc … vs exact_match …' (``metric_a``/``metric_b`` say each)."""
        names = {
            kind.metric
            for kind in (self.kind_a, self.kind_b)
            if kind is not None and kind.kind != "unscored"
        }
        return next(iter(names)) if len(names) == 1 else None

    @property
    def judged(self) -> bool:
        """Both runs have a notion of "correct" (never/flaky/always transitions make sense)
        and a prompt scored in both (else the transitions were a table of zeros)."""
        return bool(self.scored_in_both) and all(
            k is None or k.threshold is not None for k in (self.kind_a, self.kind_b)
        )

    @property
    def not_judged(self) -> str:
        """Why there are no transitions: no prompt in common, an unscored run, else a score
        with no threshold."""
        if not self.joined.height:
            return NO_PROMPT_IN_COMMON
        if any(k is not None and k.kind == "unscored" for k in (self.kind_a, self.kind_b)):
            return UNSCORED_RUN
        if not self.scored_in_both:
            return NONE_SCORED_IN_BOTH
        return NOT_JUDGED


#: Why a comparison has no never/flaky/always transitions (the CLI and the app say it alike).
NOT_JUDGED = (
    "none (a run's score has no threshold for 'correct'; give one with --correct-threshold)"
)
UNSCORED_RUN = "none (a run is unscored: no generation of it has a score)"
NO_PROMPT_IN_COMMON = "none (the runs have no prompt in common)"
NONE_SCORED_IN_BOTH = "none (no prompt is scored in both runs)"


def own_units(value: float) -> str:
    """A run's mean in its own units, beside another run's of another measure: to the
    summary's decimals for it (:func:`~evaltui.data.summary.decimals_of`), never ``1.852e+04``."""
    return compact_score(value, decimals_of(abs(value)) if math.isfinite(value) else None)


def different_measures(a: ScoreKind | None, b: ScoreKind | None) -> str:
    """Why the two runs' scores cannot be subtracted, else "": two metrics that are not both
    accuracies (bleu_max, 0–100, against bleu_acc, 0/1: a "-19 pts" change that is no change;
    mae against acc: one's drop is the other's gain). Two accuracies (an Inspect log's two
    scorers, a task group's acc and exact_match) are compared, with a warning; so are two runs
    of one metric, and an unscored run has no delta anyway."""
    if a is None or b is None or "unscored" in (a.kind, b.kind):
        return ""
    if a.accuracy and b.accuracy:
        return ""
    if named(a.metric) == named(b.metric):
        # One name (or none: two plain files' "accuracy" fields) is one measure unless one run
        # is an accuracy and the other's scores leave 0-1: a 0/1 score against one of 0-100
        # gave "+41.41 in mean score, improved 3". An accuracy made continuous by a NaN or an
        # infinity keeps its finite scores in 0-1 and is compared (with a warning).
        other = b if a.accuracy else a if b.accuracy else None
        if other is None and not named(a.metric) and _other_scales(a, b):
            # Two unnamed continuous scores, one within -1…1 (a reward) or 0-10 (a 1-10
            # judge) and one several times as wide beyond it (a 0-100 judge): '-61.32 in mean
            # score, lower 20' said nothing.
            # A guess from the scores seen, and said to be one: a 0-100 judge's weak run (all
            # its scores 10 or less) reads as a 1-10 judge, and its delta against a strong run
            # of the same judge was refused as "on different scales", as if that were known.
            return (
                "the runs' scores seem to be on different scales "
                f"({a.span().strip()} vs {b.span().strip()}; neither run names its score, "
                "so the scales are judged from the scores seen, and a weak run of a wide scale "
                "looks like a narrow one: a 0–100 judge's scores all 10 or less, like a 1–10 "
                "judge's): B's minus A's is not given"
            )
        if other is None or not _leaves_unit(other):
            return ""
        words = {k.run: one_line(k.short(), 40) + (k.span() if k is other else "") for k in (a, b)}
        return (
            f"the runs' scores are different measures ({words[a.run]} vs {words[b.run]}): "
            "B's minus A's says nothing"
        )
    return (
        f"the runs' scores are different measures ({one_line(a.short(), 40)} vs "
        f"{one_line(b.short(), 40)}): B's minus A's says nothing"
    )


def _other_scales(a: ScoreKind, b: ScoreKind) -> bool:
    """Two scores on scales no subtraction joins: the runs' largest finite scores (in size) in
    different decades (one within -1…1, -10…10, …; the other beyond it) and one at least
    :data:`SCALE_RATIO` times the other: a -1…1 reward against a 0-100 judge, a 1-10 judge
    against a 0-100 one (0–10 against 0–95). Two runs of one scale whose largest scores are a
    decade apart but close (10 against 11: two 0-100 runs) stay comparable; a 0-100 judge's
    very weak run, all its scores below a tenth of the other's, is told apart too."""
    size = [
        max(abs(k.low), abs(k.high)) if k.low is not None and k.high is not None else None
        for k in (a, b)
    ]
    if size[0] is None or size[1] is None:
        return False
    small, large = sorted((size[0], size[1]))
    decade = 10.0 ** max(0, math.ceil(math.log10(small))) if small > 0 else 1.0
    return large > decade and large >= SCALE_RATIO * small


SCALE_RATIO = 5.0
"""How many times as wide as the other one run's scores must be, beyond its decade, to be on
another scale (:func:`_other_scales`)."""


def _leaves_unit(kind: ScoreKind) -> bool:
    """Some finite score of the run is below 0 or above 1 (not on an accuracy's scale)."""
    return (kind.low is not None and kind.low < 0.0) or (kind.high is not None and kind.high > 1.0)


def _binary(*kinds: ScoreKind | None) -> bool:
    """Every run's score is 0/1 (None: a frame without score columns, read as 0/1)."""
    return all(k is None or k.kind == "binary" for k in kinds)


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


NEAR = 1e-9
"""Two means this close (relative to the larger, at least 1) are equal: a rounding error apart,
as a filter compares them (:data:`evaltui.data.query.NEAR`)."""


def change_expr(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """``b - a``, 0 when the two are a rounding error apart: a prompt scored 0.2, 0.4, 0.6 in
    one run (mean 0.39999999999999997) and 0.1, 0.2, 0.9 in the other (0.4000000000000001),
    both shown as 0.400, was "improved" by +2.2e-16. Non-finite differences stay as they are."""
    delta = b - a
    scale = pl.max_horizontal(pl.lit(1.0), a.abs(), b.abs())
    return pl.when(delta.is_finite() & (delta.abs() <= NEAR * scale)).then(0.0).otherwise(delta)


def compare_runs(stats: pl.DataFrame, run_a: str, run_b: str, *, seed: int = 0) -> Comparison:
    """Join ``run_a`` and ``run_b`` of a Stats frame on prompt id and compare them."""
    runs = [str(r) for r in stats["run"].unique(maintain_order=True).to_list()]
    given = (run_a, run_b)
    run_a, run_b = resolve_run(runs, run_a), resolve_run(runs, run_b)
    if run_a == run_b:  # `--runs Llama Llama`: a run against itself, "+0.0 pts", no error
        # `--runs qwen qwen` said "both name the run 'qwen2.5-7b-instruct'": both what?
        if given[0] != given[1]:
            named = f"{given[0]!r} and {given[1]!r} both name the run {run_a!r}"
        elif given[0] == run_a:
            named = f"A and B are both the run {run_a!r}"
        else:
            named = f"A and B are both {given[0]!r}, the run {run_a!r}"
        raise ValueError(f"{named}: a comparison needs two runs")
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
            change_expr(pl.col("rate_a"), pl.col("rate_b")).alias("delta"),
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
    kinds = run_kinds(stats)
    kind_a, kind_b = kinds.get(run_a), kinds.get(run_b)
    if different_measures(kind_a, kind_b):
        # No per-prompt delta either (-o writes null): each run's own score is still shown.
        joined = joined.with_columns(pl.lit(None, dtype=pl.Float64).alias("delta"))
    lower = any(k is not None and k.higher_is_better is False for k in (kind_a, kind_b))
    scored = joined.filter(pl.col("rate_a").is_not_null() & pl.col("rate_b").is_not_null())
    # The mean delta and its CI are over finite deltas; infinite ones still count in the test.
    finite = scored.filter(pl.col("delta").is_finite())
    deltas = finite["delta"].to_numpy().astype(float)
    delta = float(deltas.mean()) if len(deltas) else math.nan
    ci = bootstrap_ci(deltas, seed=seed)
    judged = all(k is None or k.threshold is not None for k in (kind_a, kind_b))
    binary = _binary(kind_a, kind_b)
    single = (
        judged
        and binary
        and scored.height > 0
        and bool(((scored["n_scored_a"] == 1) & (scored["n_scored_b"] == 1)).all())
    )
    if single:
        right_a = scored["n_correct_a"] == 1
        right_b = scored["n_correct_b"] == 1
        p = mcnemar_exact(int((right_a & ~right_b).sum()), int((~right_a & right_b).sum()))
        test = "McNemar exact test"
    else:
        gains = scored.filter(~pl.col("delta").is_nan())["delta"] * (-1 if lower else 1)
        p = sign_test(int((gains > 0).sum()), int((gains < 0).sum()))
        test = (
            "sign test on per-prompt pass rates"
            if binary
            else "sign test on per-prompt mean scores"
        )
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
        kind_a,
        kind_b,
    )


def prompts_in_common(stats: pl.DataFrame, run: str) -> dict[str, int]:
    """For each other run, how many of ``run``'s prompts it has too (by prompt id, as
    :func:`compare_runs` joins them); a run with none is absent."""
    ids = stats.filter(pl.col("run") == run).select("prompt_id")
    common = (
        stats.filter(pl.col("run") != run)
        .join(ids, on="prompt_id", how="semi")
        .group_by("run")
        .agg(pl.col("prompt_id").n_unique())
    )
    return dict(zip(common["run"].to_list(), common["prompt_id"].to_list(), strict=True))


def default_runs(stats: pl.DataFrame, pattern: str | None = None) -> tuple[str, str]:
    """The two runs to compare when the user named none: exactly two must be loaded.
    ``pattern``: the user's ``--pattern``, named when it left fewer than two."""
    runs = stats["run"].unique(maintain_order=True).to_list()
    if len(runs) < 2:
        # "1 runs loaded (x): name two with --runs A B": no two to name
        return _fewer_than_two(runs, pattern)
    if len(runs) != 2:
        raise ValueError(
            f"{len(runs)} runs loaded ({listed_runs([str(r) for r in runs])}): name two with "
            "--runs A B (a unique part of a label will do)"
        )
    return str(runs[0]), str(runs[1])


def _fewer_than_two(runs: list[object], pattern: str | None = None) -> tuple[str, str]:
    named = f" ({', '.join(map(str, runs))})" if runs else ""
    if pattern is not None:
        # "give the folder that holds both" sent a user whose folder holds both to look for
        # another: the pattern left the other run's files out.
        left = "one run" if len(runs) == 1 else "no run"
        raise ValueError(
            f"only {len(runs)} run loaded{named}: --pattern {pattern!r} left {left} of the "
            "files given; a comparison needs two (a pattern that matches both runs' files, or "
            "none)"
        )
    raise ValueError(
        f"only {len(runs)} run loaded{named}: a comparison needs two (load another run's"
        " files, or give the folder that holds both)"
    )

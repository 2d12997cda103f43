"""Why a prompt looks hard: triage flags per generation and per prompt, vectorised over polars.

A prompt at 0/8 may be hard, or its reference may be wrong, or the grader may have missed an
equivalent form, or every generation may have hit the token cap. These flags tell them apart.

Per generation (counted per prompt as ``n_<flag>``):

- ``length_cap``: hit the length cap. The format's own ``finish_reason``/``stop_reason`` when it
  has one (the ``truncated`` column); otherwise the generation is within ``cap_margin`` (1 %) of its
  run's longest generation *and* has no final answer, in a run whose longest generation has at
  least ``min_cap`` (64) tokens (a short-answer task's one-word replies hit no token budget) and
  some of whose generations state an answer or pile up at its longest (in an open-ended run
  none states one, and a missing answer says nothing: :func:`cap_reference`).
- ``no_answer``: a non-empty generation that states no final answer (no box, "the answer is",
  "Answer:" line, format's own answer; a short reply, "Paris", is its own answer: see
  ``extract.final_answer_marked_expr``). A last number in a longer text is voted, not stated.
- ``repetition``: a repetition loop — the last :data:`PROBE_CHARS` characters occur at least
  ``min_tail_repeats`` times in the last :data:`TAIL_CHARS` (a repeated n-gram tail), or the
  share of distinct word :data:`NGRAM`-grams in the tail is at most ``max_ngram_diversity`` (the
  vectorised stand-in for a high compression ratio: a loop compresses well because it has few
  distinct n-grams).
- ``empty``: no text at all, or only whitespace.

Per prompt (``flag_<name>``, booleans):

- ``suspect_reference``: the majority answer agrees with itself (at least ``consensus`` of the
  answering generations give it, and at least ``min_votes`` of them) but is scored wrong on most of
  its generations: the reference or the grader is suspect, not the model. A prompt without a
  reference is never flagged.
- ``grader_mismatch``: some generation's extracted answer equals the reference, or any of its
  aliases when it is a list of acceptable answers (after the vote's normalisation), yet is scored
  wrong by the grader: a full miss (0 or less). A score above 0 is partial credit, the grader's
  own judgement (truthfulqa_mc2's probability mass on the true choices: its likeliest choice may
  be true at a mass below 0.5; a 0–100 judge's 25), not a miss; where a lower score is better,
  a score strictly between 0 and 1 is (:func:`partial_credit_expr`).
- ``inconsistent_scores``: generations with the same (normalised) extracted answer got different
  scores.
- ``all_truncated``: every generation hit the length cap.

The text measures (``gen_chars``, ``tail_repeats``, ``ngram_diversity``) are computed once per file
while its text is in memory (:func:`with_text_measures`, called by the loader) and cached with the
rows; the thresholds apply afterwards, so changing them never needs the text again.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

import numpy as np
import polars as pl

from evaltui.data.extract import (
    ANSWER_PARTS,
    ESCAPE_STARTS,
    LINE_ROWS,
    NUMBER_AGAIN,
    SHORT_ROWS,
    after_reasoning,
    answer_from_parts,
    answer_lines,
    answer_part_exprs,
    answer_possible,
    answer_probes,
    answer_tails,
    fill_from_parts,
    fill_vote_answers,
    final_answer_marked_expr,
    last_numbers,
    marked_from_parts,
    reasoning_flags,
    reference_match_expr,
    short_replies,
)
from evaltui.data.extract import TAIL_CHARS as ANSWER_TAIL_CHARS
from evaltui.data.metrics import (
    DEFAULT_THRESHOLD,
    ScoreKind,
    correct_expr,
    format_score,
    run_kinds,
)
from evaltui.data.sanitize import name_line, one_line_middle, written_label
from evaltui.data.schema import ByIdentity, elementwise, set_columns, take_rows, true_rows
from evaltui.data.wording import plural

TAIL_CHARS = 4000
"""Repetition is looked for in the last characters of a generation only."""
PROBE_CHARS = 60
"""The tail probe: how often the last characters recur in the tail."""
NGRAM = 4
"""Word n-gram size for the diversity measure."""
DIVERSITY_CHARS = 1500
"""The diversity measure reads the last characters only (about 250 words)."""
_GRAM_FACTORS = (1, 1_000_003, 998_244_353, 2_147_483_647)
MIN_NGRAMS = 64
"""Below this many n-grams in the tail, diversity is not measured (null): too short to tell."""
MEASURED_TAIL = max(TAIL_CHARS, DIVERSITY_CHARS, ANSWER_TAIL_CHARS)
"""Every measure but ``gen_chars`` reads only a text's last characters, at most this many."""
#: Rows whose text measures are taken at once (bounds the word and n-gram lists in memory).
MEASURE_ROWS = 256

#: Measures the loader adds per generation (computed from the text, kept without it).
MEASURE_COLUMNS = ["gen_chars", "tail_repeats", "ngram_diversity", "has_answer"]

#: Per-generation flags, in the order they are counted per prompt (``n_<flag>``).
GENERATION_FLAGS = ["length_cap", "no_answer", "repetition", "empty"]
#: Per-prompt flags (``flag_<name>`` in the Stats table and the combined JSON).
PROMPT_FLAGS = ["suspect_reference", "grader_mismatch", "inconsistent_scores", "all_truncated"]
#: The columns :func:`prompt_flags` adds to the Stats table, in order (``triage``: all of them in
#: a few words, for the app's table).
STATS_FLAG_COLUMNS = [
    *[f"n_{f}" for f in GENERATION_FLAGS],
    *[f"flag_{f}" for f in PROMPT_FLAGS],
    "triage",
]
#: Short words for the ``triage`` column: counts for generation flags, a word for prompt flags.
LABELS = {
    "length_cap": "cut",
    "no_answer": "noans",
    "repetition": "loop",
    "empty": "empty",
    "suspect_reference": "ref?",
    "grader_mismatch": "grader?",
    "inconsistent_scores": "mixed",
    "all_truncated": "allcut",
}
#: Quick filters over the flags (evaltui.data.query.QUICK_FILTERS takes them).
SUSPECT_EXPR = (
    pl.col("flag_suspect_reference")
    | pl.col("flag_grader_mismatch")
    | pl.col("flag_inconsistent_scores")
).fill_null(False)
TRUNCATED_EXPR = (pl.col("n_length_cap") > 0).fill_null(False)


@functools.cache
def triage_label_expr() -> pl.Expr:
    """The flags of a prompt in a few words: ``cut×3 loop×1 ref?`` (empty when none). Made
    once (an expression is immutable; ~0.2 ms of each followed update's stats query)."""
    parts = [
        pl.when(pl.col(f"n_{f}") > 0).then(
            pl.lit(f"{LABELS[f]}×") + pl.col(f"n_{f}").cast(pl.String)
        )
        for f in GENERATION_FLAGS
    ] + [pl.when(pl.col(f"flag_{f}")).then(pl.lit(LABELS[f])) for f in PROMPT_FLAGS]
    return pl.concat_str(parts, separator=" ", ignore_nulls=True).alias("triage")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every threshold the flags use (``--triage NAME=VALUE`` on the command line)."""

    cap_margin: float = 0.01
    """Without a stop reason: within this fraction of the run's longest generation counts as
    hitting the cap (when there is also no final answer)."""
    min_cap: int = 64
    """Without a stop reason: a run whose longest generation is shorter than this (in tokens)
    has no cap to hit (short answers of one length are not a token budget's pile-up)."""
    min_tail_repeats: int = 4
    """The last 60 characters occurring this often in the last 4,000 is a loop."""
    max_ngram_diversity: float = 0.2
    """Distinct word 4-grams / all 4-grams in the last 1,500 characters at or below this is a
    loop (ordinary reasoning text measures above 0.6)."""
    consensus: float = 0.75
    """Share of answering generations the majority answer needs to "agree with itself"."""
    min_votes: int = 3
    """Generations the majority answer needs before a consensus counts."""
    wrong_share: float = 0.5
    """The majority answer is "scored wrong on most generations" above this share."""

    @classmethod
    def parse(cls, items: list[str]) -> Thresholds:
        """From ``NAME=VALUE`` strings; a ValueError names the bad item and the known names."""
        values: dict[str, float | int] = {}
        known = {f.name: f.type for f in fields(cls)}
        for item in items:
            name, sep, raw = item.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or name not in known:
                raise ValueError(
                    f"--triage {item!r}: expected NAME=VALUE with NAME one of {', '.join(known)}"
                )
            try:
                value: float | int = int(raw) if known[name] == "int" else float(raw)
            except ValueError:
                raise ValueError(f"--triage {item!r}: {raw!r} is not a number") from None
            if not math.isfinite(value):  # nan compares false: a flag that never fires
                raise ValueError(f"--triage {item!r}: must be a finite number")
            if value < 0:
                raise ValueError(f"--triage {item!r}: must not be negative")
            if known[name] == "float" and value > 1:  # 75 for 75 % flagged nothing
                raise ValueError(f"--triage {item!r}: a share from 0 to 1 (0.75 is 75%)")
            values[name] = value
        return dataclasses.replace(cls(), **values)  # type: ignore[arg-type]

    def describe(self) -> str:
        """One line stating the thresholds in force (for summaries)."""
        return (
            f"length cap: stop reason, else within {100 * self.cap_margin:g}% of the run's max "
            f"(>= {self.min_cap} tokens) with no answer; loop: tail repeated >= {self.min_tail_repeats}x or 4-gram "
            f"diversity <= {self.max_ngram_diversity:g}; suspect reference: majority >= "
            f"{100 * self.consensus:g}% (>= {self.min_votes} votes) scored wrong on > "
            f"{100 * self.wrong_share:g}%"
        )


def tail_measures_exprs(column: str = "gen") -> list[pl.Expr]:
    """:data:`MEASURE_COLUMNS` but ``gen_chars`` and ``ngram_diversity`` (see
    :func:`ngram_diversity`), from the text (null text: null); each reads at most the last
    :data:`MEASURED_TAIL` characters, so the text's tail gives the same values. ``has_answer``
    reads the format's own ``extracted``: take the measures before the loader fills it from the
    text. It reads ``column`` as it is: a reasoning model's thinking too, which
    :func:`with_text_measures` leaves out (its ``has_answer`` is this one's over
    ``extract.reading_tails``)."""
    return [_repeats_expr(column), has_answer_expr(final_answer_marked_expr(column))]


@functools.cache
def _repeats_expr(column: str, cut: bool = True) -> pl.Expr:
    """``tail_repeats`` of :func:`tail_measures_exprs`, built once per column name; without
    ``cut``, the column holds the texts' last :data:`TAIL_CHARS` characters already (a tail's
    slice copies it: one for each of its three uses, in an eager query)."""
    text = pl.col(column)
    tail = text.str.slice(-TAIL_CHARS) if cut else text
    probe = tail.str.slice(-PROBE_CHARS)
    # A tail shorter than two probes cannot repeat; an empty probe would match everywhere.
    repeats = (
        pl.when(tail.str.len_chars() >= 2 * PROBE_CHARS)
        .then(tail.str.count_matches(probe, literal=True))
        .otherwise(pl.lit(1, dtype=pl.UInt32))
    )
    return repeats.cast(pl.UInt32).alias("tail_repeats")


@functools.cache
def _answer_measures_exprs(column: str, short: bool | None) -> tuple[pl.Expr, ...]:
    """What :func:`_measured` selects with answers: ``tail_repeats`` (``column`` holds the
    texts' last :data:`MEASURED_TAIL` characters), ``has_answer``, the
    answer and ``_deep`` from the columns of ``answer_part_exprs`` (``short`` None: the row's
    :data:`SHORT_ALLOWED` says whether a short reply is its own answer). Built once: made on
    every call (~0.2 ms), with the whole ``has_answer`` expression of :func:`tail_measures_exprs`
    made and dropped (~0.2 ms more), they were a followed update's measures' fixed cost."""
    allowed = pl.col(SHORT_ALLOWED).fill_null(False) if short is None else short
    return (
        _repeats_expr(column, MEASURED_TAIL > TAIL_CHARS),
        has_answer_expr(marked_from_parts(short=allowed)),
        answer_from_parts(short=allowed),
        pl.col("_deep"),
    )


def ngram_diversity(texts: pl.Series) -> pl.Series:
    """``ngram_diversity`` of each text: the share of distinct word :data:`NGRAM`-grams in its
    last :data:`DIVERSITY_CHARS` characters (words split on spaces), null below
    :data:`MIN_NGRAMS` n-grams or without text. N-grams are sums of shifted word hashes, never
    strings (a hash collision can only make a text look more diverse, never flag it).

    From all the texts' words at once: each word's hash, each n-gram's sum of the shifted hashes
    (numpy's wrapping uint64, as polars'), and per text its distinct n-grams counted in a row of
    a grid sorted row by row (~2-3 ms for a followed update's 128 texts, against ~6-7 ms for a
    ``list.eval`` per text, the expression the tests hold it equal to)."""
    # Two queries (each Series method here was one: ~8 queries' fixed cost on every update).
    return _diversity(pl.DataFrame([texts.alias("t")]).select(_words_exprs(pl.col("t"))))


def _words_exprs(text: pl.Expr) -> tuple[pl.Expr]:
    """What :func:`ngram_diversity` first reads of each ``text``: the words of its last
    :data:`DIVERSITY_CHARS` characters (``_words``; no text: null). The words are split once
    (an eager ``select`` splits once per use: three splits of a followed update's 128 tails
    cost ~2.5 ms of CPU more than one), and counted from the split's list lengths
    (:func:`_diversity`): counting the spaces with a regex, one match per word, took ~0.9 ms
    of CPU per followed MB; whether a text has any is the split's null mask (a column of its
    own sliced each tail again: ~0.1 ms)."""
    return (text.str.slice(-DIVERSITY_CHARS).str.split(" ").alias("_words"),)


def _diversity(per_text: pl.DataFrame) -> pl.Series:
    """:func:`ngram_diversity` from the columns of :func:`_words_exprs`."""
    # A text split on " " has one word more than it has spaces ("" is one empty word); no
    # text (a null list): none (a Series' fill_null is a query: ~0.1 ms, filled only if any).
    words = per_text.get_column("_words").list.len()
    some = words.is_not_null().to_numpy()
    words = words.fill_null(0) if words.null_count() else words
    counts = words.to_numpy().astype(np.int64)
    hashes = per_text.select(pl.col("_words").drop_nulls().explode().hash()).to_series().to_numpy()
    size = len(hashes) - (NGRAM - 1)
    grams_per_text = np.maximum(counts - (NGRAM - 1), 0)
    width = int(grams_per_text.max()) if len(counts) else 0
    distinct = np.zeros(len(counts), dtype=np.int64)
    if size > 0 and width > 0:
        grams = hashes[:size].copy()
        for i, factor in enumerate(_GRAM_FACTORS[1:NGRAM], start=1):
            grams += hashes[i : i + size] * np.uint64(factor)
        # Each text's n-grams in a row of a grid as wide as its longest text's words, sorted:
        # the n-gram starting at a text's word at the word's place in its row (one flat
        # scatter), then the last NGRAM - 1 places of each row (n-grams that run into the next
        # text, or past the last word) back to the padding. The padding (the largest value)
        # sorts last, and a real n-gram of that value among it is still counted once, in the
        # row's first cells.
        longest = int(counts.max())
        starts = np.cumsum(counts) - counts
        flat = np.arange(size) + np.repeat(np.arange(len(counts)) * longest - starts, counts)[:size]
        pad = np.iinfo(np.uint64).max
        grid = np.full((len(counts), longest), pad, dtype=np.uint64)
        cells = grid.reshape(-1)
        cells[flat] = grams
        for back in range(1, NGRAM):
            ends = np.flatnonzero(counts >= back)
            cells[ends * longest + counts[ends] - back] = pad
        grid.sort(axis=1)
        grid = grid[:, :width]
        new = np.ones(grid.shape, dtype=bool)
        new[:, 1:] = grid[:, 1:] != grid[:, :-1]
        new &= np.arange(width)[None, :] < grams_per_text[:, None]
        distinct = new.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (distinct / grams_per_text).astype(np.float32)
    measured = (grams_per_text >= MIN_NGRAMS) & some
    values = np.where(measured, share, np.float32(np.nan))  # a measured share is never NaN
    return pl.Series("ngram_diversity", values, dtype=pl.Float32, nan_to_null=True)


def has_answer_expr(marked: pl.Expr) -> pl.Expr:
    """``has_answer``: the format gave an answer, or the text states one (``marked``)."""
    return (pl.col("extracted").is_not_null() | marked).alias("has_answer")


def stripped_chars(texts: pl.Series) -> pl.Series:
    """``gen_chars``: each text's characters once the whitespace at both ends is stripped (no
    text: 0), as ``len(text.strip())`` counts them, without copying a long text: the whitespace
    runs are measured at the ends, and only a text whose run at an end is longer than
    :data:`MEASURED_TAIL` characters (or that is all whitespace) is stripped whole."""
    texts = texts.cast(pl.String)
    ends = elementwise(texts, lambda s: pl.DataFrame({"t": s}).select(_ENDS_EXPRS))
    return _stripped_from_ends(texts, ends)


_TEXT = pl.col("t")
_HEAD = _TEXT.str.slice(0, MEASURED_TAIL)
_TAIL = _TEXT.str.slice(-MEASURED_TAIL)
_ENDS_EXPRS = (
    _TEXT.str.len_chars().fill_null(0).alias("n"),
    _HEAD.str.strip_chars_start().str.len_chars().fill_null(0).alias("head_kept"),
    _TAIL.str.strip_chars_end().str.len_chars().fill_null(0).alias("tail_kept"),
)
"""What :func:`stripped_chars` measures of each text ``t`` (no text: 0): its characters and
those of its head and of its tail (:data:`MEASURED_TAIL` characters each, or all it has) once
the whitespace at the text's start and at its end is stripped (the nulls filled in the query: a
``fill_null`` of each column was a query of its own). The head's and the tail's lengths are the
text's, at most :data:`MEASURED_TAIL`: counted in the query, each was a slice more of every
text (an eager query slices once per use)."""


def _stripped_from_ends(texts: pl.Series, ends: pl.DataFrame) -> pl.Series:
    """:func:`stripped_chars` of ``texts`` (strings) given their :data:`_ENDS_EXPRS`."""
    n, head_kept, tail_kept = (
        ends.get_column(name).to_numpy().astype(np.int64)
        for name in ("n", "head_kept", "tail_kept")
    )
    seen = np.minimum(n, MEASURED_TAIL)  # the head's characters, and the tail's
    lead, trail = seen - head_kept, seen - tail_kept
    chars = n - lead - trail
    # A run that fills its whole window may go on past it (or the text is only whitespace).
    whole = np.flatnonzero((n > 0) & ((lead >= seen) | (trail >= seen)))
    if len(whole):
        exact = elementwise(
            take_rows(texts, whole),
            lambda s: s.str.strip_chars().str.len_chars(),
        )
        chars[whole] = exact.to_numpy()
    return pl.Series("gen_chars", chars, dtype=pl.UInt32)


#: The column of a slice's first query saying which tails hold an escape sequence's start.
_ESCAPED = "_escaped"
#: The column of a slice's :func:`answer_tails` in its answers' query.
_FOUND = "_found"
#: Whether the answers' query cuts those tails to the answers' :data:`ANSWER_TAIL_CHARS`: they
#: are parts of each text's last :data:`MEASURED_TAIL` characters (at most as many), whole when
#: that is no more.
_CUT_FOUND = MEASURED_TAIL > ANSWER_TAIL_CHARS


@functools.cache
def _first_exprs(column: str) -> tuple[pl.Expr, ...]:
    """A slice's first query over its texts ``t``: the tails (as ``column``), the ends
    ``gen_chars`` is made of, the tails' escape sequences, the reasoning tags
    :func:`after_reasoning` looks for and the words :func:`ngram_diversity` reads (each was a
    query of its own: a followed update of a few texts paid each one's fixed cost)."""
    return (
        _TAIL.alias(column),
        *_ENDS_EXPRS,
        _TAIL.str.contains(ESCAPE_STARTS).alias(_ESCAPED),
        *reasoning_flags(_TEXT, _TAIL),
        *_words_exprs(_TAIL),
    )


def with_text_measures(frame: pl.DataFrame, column: str = "gen") -> pl.DataFrame:
    """``frame`` with the text measures computed from ``column`` (replacing any already there).

    A long text is never copied: the measures read its tail, ``gen_chars`` its ends (see
    :func:`stripped_chars`); the columns are set without an expression over ``frame``.
    """
    return _measured(frame, column, answers=False)


def with_measures_and_answers(
    frame: pl.DataFrame, column: str = "gen", *, short_replies: bool | pl.Series = True
) -> pl.DataFrame:
    """``fill_extracted(with_text_measures(frame, column), column)``, each text's tail searched
    once for both (``has_answer`` and the extracted answer are made of the same matches).
    Without ``short_replies``, a short reply is not its own answer: the rows' format extracts
    its own answers, and one it left out is one it found none in (``Reader.own_answers``); a
    boolean series says so row by row (``ReadResult.short_replies``)."""
    return _measured(frame, column, answers=True, short=short_replies)


def _measured(
    frame: pl.DataFrame, column: str, *, answers: bool, short: bool | pl.Series = True
) -> pl.DataFrame:
    texts = frame.get_column(column).cast(pl.String)
    extracted = frame.get_column("extracted")
    parts = []
    tail_parts = []
    # Row by row (None): the series rides along in each slice as a column. Without answers,
    # ``tail_repeats`` and ``has_answer`` alone, made of the same parts (the text after its
    # reasoning: the measures alone said a trace cut while thinking stated its box).
    exprs = list(_answer_measures_exprs(column, short if isinstance(short, bool) else None))
    if not answers:
        exprs = exprs[:2]
    # In slices of rows: the word and n-gram lists of a whole file's tails took ~40 MiB at once
    # for a 16 MB file (the values are row by row, so the same).
    for start in range(0, max(len(texts), 1), MEASURE_ROWS):
        some = texts.slice(start, MEASURE_ROWS)
        first = elementwise(some, lambda s: pl.DataFrame({"t": s}).select(_first_exprs(column)))
        tails = first.get_column(column)
        measured = pl.DataFrame([tails, extracted.slice(start, MEASURE_ROWS)])
        if not isinstance(short, bool):
            measured = set_columns(measured, short.slice(start, MEASURE_ROWS).alias(SHORT_ALLOWED))
        # Answers are read from the tails with escape sequences reduced (answer_tails): the
        # same Series as ``tails`` when none holds one, and without the reasoning before a
        # "</think>" (after_reasoning): extract.reading_tails, from what is read already.
        found = answer_tails(
            after_reasoning(some, tails, first), true_rows(first.get_column(_ESCAPED))
        )
        # The answer parts, and the rows the parts made apart are to be looked for in, in
        # one query.
        probed = answer_probes(
            pl.DataFrame([found.alias(_FOUND)]),
            _FOUND,
            *answer_part_exprs(_FOUND, every=False, cut=_CUT_FOUND),
            cut=_CUT_FOUND,
        )
        numbers = pl.DataFrame([probed.get_column(name) for name in ("_number", NUMBER_AGAIN)])
        measured = set_columns(
            measured,
            *(probed.get_column(name) for name in ("_boxed", "_answer_is", "_deep")),
            answer_lines(found, true_rows(probed.get_column(LINE_ROWS))),
            last_numbers(found, numbers),
            short_replies(found, true_rows(probed.get_column(SHORT_ROWS))),
        )
        tail_parts.append(found)
        measured = measured.select(exprs)
        columns = measured.get_columns()
        columns.insert(1, _diversity(first))
        parts.append(pl.DataFrame([_stripped_from_ends(some, first), *columns]))
    measures = parts[0] if len(parts) == 1 else pl.concat(parts)
    names = [name for name in measures.columns if name not in ANSWER_PARTS]
    done = set_columns(frame, *(measures.get_column(name) for name in names))
    if not answers:
        return done
    possible = answer_possible(frame)
    if not bool(possible.all()):
        # The text is not what the model said (``no_answer``): what it reads is no answer given.
        done = set_columns(done, (done.get_column("has_answer") & possible).alias("has_answer"))
    tails = tail_parts[0] if len(tail_parts) == 1 else pl.concat(tail_parts)
    done = fill_from_parts(
        done, tails, measures.get_column("_answer"), measures.get_column("_deep")
    )
    scored_texts = frame.get_column("scored_text") if "scored_text" in frame.columns else None
    if scored_texts is not None and scored_texts.null_count() < len(scored_texts):
        # The format scored another text (reasoning removed): it states an answer when the
        # reader found one in it; a reasoning cut at the token limit states none.
        scored = frame.get_column("scored_text").is_not_null()
        has = done.get_column("has_answer")
        stated = done.get_column("extracted").is_not_null()
        done = set_columns(
            done,
            pl.select(pl.when(scored).then(stated).otherwise(has)).to_series().alias("has_answer"),
        )
    return done


#: The column of a slice saying, row by row, whether a short reply is its own answer.
SHORT_ALLOWED = "_short_allowed"

RunMax = Mapping[str, "int | None"]
"""Each run's length cap reference (:func:`cap_reference`): its longest generation in tokens, 0
when nothing says it has a cap, None while lengths are unknown."""

PILED = 2
"""Prompts with a generation near the longest that show a cap in a run stating no answers (a
budget cuts the answers to several prompts at one length; an open-ended run's longest answer is
alone at its length, or with the other samples of its prompt, the same text at temperature 0)."""


def cap_reference(
    longest: int | None,
    answered: int | None,
    prompt_longest: Callable[[], pl.Series],
    margin: float,
) -> int | None:
    """The length a run's generations are held against for the length cap, without a stop
    reason: its longest generation; or 0 (none is near a cap) when none of its non-empty
    generations states an answer (``answered`` 0; None: not known) and fewer than
    :data:`PILED` of its prompts have their longest generation (``prompt_longest()``, one
    value a prompt) within ``margin`` of the run's longest.

    A missing answer is the sign of a cut where answers are stated. In an open-ended run
    (OpenCompass's subjective COREV2, chat answers an LLM judged) every generation lacks one,
    and its longest, a complete 201-token answer with a 2,048-token budget, was "cut"; a run
    whose every generation was cut states no answer either, but its lengths pile up at the cap.
    """
    if longest is None:
        return None
    if answered is None or answered > 0:
        return longest
    near = prompt_longest().cast(pl.Float64) >= (1.0 - margin) * longest
    return longest if int(near.sum()) >= PILED else 0


def longest_by_run(stats: pl.DataFrame, thresholds: Thresholds) -> dict[str, int | None]:
    """:data:`RunMax` of a whole load from its Stats table (each prompt's ``max_gen_length`` and
    flag counts: one row per prompt), for flags computed over some of its prompts. A
    generation counted neither ``no_answer`` nor ``empty`` states an answer."""
    answered = (
        (pl.col("count") - pl.col("n_no_answer") - pl.col("n_empty")).cast(pl.Int64).sum()
        if {"n_no_answer", "n_empty"} <= set(stats.columns)
        else pl.lit(None, dtype=pl.Int64)
    )
    frame = stats.group_by("run").agg(pl.col("max_gen_length").max(), answered.alias("answered"))

    def lengths(run: str) -> Callable[[], pl.Series]:
        return lambda: stats.filter(pl.col("run") == run).get_column("max_gen_length")

    return {
        str(run): cap_reference(
            None if n is None else int(n), answers, lengths(str(run)), thresholds.cap_margin
        )
        for run, n, answers in frame.rows()
    }


def run_max_expr(run_max: RunMax | None, margin: float = 0.01) -> pl.Expr:
    """Per row, its run's :func:`cap_reference`: from ``run_max`` when given (the value over a
    whole load, for a frame holding some of its prompts), else over the rows at hand."""
    if run_max is None:
        empty = (pl.col("gen_chars") == 0).fill_null(False)
        stated = (pl.col("has_answer").fill_null(False) & ~empty).any().over("run")
        longest = pl.col("gen_length").max().over("run")
        near = pl.col("gen_length").cast(pl.Float64) >= (1.0 - margin) * longest
        piled = pl.col("prompt_id").filter(near).n_unique().over("run") >= PILED
        return (
            pl.when(longest.is_null())
            .then(None)
            .when(stated | piled)
            .then(longest)
            .otherwise(pl.lit(0, dtype=pl.UInt32))
        )
    if not run_max:
        return pl.lit(None, dtype=pl.UInt32)
    return pl.col("run").replace_strict(dict(run_max), default=None, return_dtype=pl.UInt32)


def generation_flags_exprs(thresholds: Thresholds, run_max: RunMax | None = None) -> list[pl.Expr]:
    """The per-generation flags as boolean expressions over a generations frame.

    Null where it cannot be told yet (lengths still being counted, text measures unknown).
    ``run_max``: each run's longest generation (default: over the frame's own rows). Made once
    per thresholds and longest generations (a followed update's stats query made them anew).
    """
    key = None if run_max is None else tuple(run_max.items())
    return list(_generation_flags_exprs(thresholds, key))


@functools.lru_cache(maxsize=32)
def _generation_flags_exprs(
    thresholds: Thresholds, run_max: tuple[tuple[str, int | None], ...] | None
) -> tuple[pl.Expr, ...]:
    t = thresholds
    # A row whose text its reader says is not the model's (``answer_unknown``: an lm-eval
    # loglikelihood target greedy decoding does not give, an Inspect sample read from its
    # summary, shown empty) says nothing of what the model wrote: none of the text's flags.
    # asdiv's 4 such docs read "no final answer" (the target '13' states none), a summaries-
    # only Inspect log's every row "empty". The format's own stop reason still counts.
    model_text = pl.col("answer_unknown").is_null()
    empty = (pl.col("gen_chars") == 0) & model_text
    no_answer = ~pl.col("has_answer").fill_null(False) & ~empty.fill_null(False) & model_text
    run_max_value = run_max_expr(None if run_max is None else dict(run_max), t.cap_margin)
    near_max = pl.col("gen_length").cast(pl.Float64) >= (1.0 - t.cap_margin) * run_max_value
    # The format's stop reason wins; without one, near the run's longest and unanswered.
    length_cap = pl.coalesce(
        pl.col("truncated"), near_max & no_answer & (run_max_value >= max(t.min_cap, 1))
    )
    repetition = (
        (pl.col("tail_repeats") >= t.min_tail_repeats)
        | (pl.col("ngram_diversity") <= t.max_ngram_diversity)
    ) & model_text
    return (
        length_cap.alias("length_cap"),
        no_answer.alias("no_answer"),
        repetition.fill_null(False).alias("repetition"),
        empty.alias("empty"),
    )


def generation_flags(
    generations: pl.DataFrame, thresholds: Thresholds, run_max: RunMax | None = None
) -> pl.DataFrame:
    """``generations`` with the per-generation flag columns appended."""
    return with_measures(generations).with_columns(generation_flags_exprs(thresholds, run_max))


def with_measures(generations: pl.DataFrame) -> pl.DataFrame:
    """Frames built without the loader (tests, exports) get their measures from the text (and
    ``answer_unknown``, null: the text is the model's, when no reader said otherwise)."""
    if "answer_unknown" not in generations.columns:
        generations = generations.with_columns(
            pl.lit(None, dtype=pl.String).alias("answer_unknown")
        )
    missing = [c for c in MEASURE_COLUMNS if c not in generations.columns]
    if not missing:
        return generations
    if "gen" in generations.columns:
        return with_text_measures(generations)
    return generations.with_columns(
        pl.lit(None, dtype=pl.UInt32).alias("gen_chars"),
        pl.lit(None, dtype=pl.UInt32).alias("tail_repeats"),
        pl.lit(None, dtype=pl.Float32).alias("ngram_diversity"),
        pl.col("extracted").is_not_null().alias("has_answer"),
    )


def partial_credit_expr(kinds: Mapping[str, ScoreKind] | None = None) -> pl.Expr:
    """A score above a full miss (0) where a higher one is better: partial credit the grader
    gave (truthfulqa_mc2's probability mass on the true choices, an F1, a judge's 25 of 100), a
    judgement of its own, where a threshold (not the grader) says wrong; only a full miss (0 or
    less: an RL reward of -0.5 or -1 too) is the grader calling an answer wrong. Where a lower
    score is better (``kinds``; an mae), a score strictly between 0 and 1. Only a score between
    0 and 1 counted: a 0–100 judge's 25 and 75 for answers equal to the reference, wrong at its
    threshold 50, flagged every prompt "grader?", where the same scores as 0.25 flagged none."""
    score = pl.col("accuracy")
    above = (score > 0) & ~score.is_nan()
    lower = [run for run, k in (kinds or {}).items() if k.higher_is_better is False]
    if not lower:
        return above.fill_null(False)
    return (
        pl.when(pl.col("run").is_in(lower)).then(above & (score < 1)).otherwise(above)
    ).fill_null(False)


def prompt_flag_table(
    generations: pl.DataFrame,
    thresholds: Thresholds,
    correct: pl.Expr | None = None,
    run_max: RunMax | None = None,
    kinds: Mapping[str, ScoreKind] | None = None,
) -> pl.DataFrame:
    """One row per (run, prompt_id): the ``n_<flag>`` counts and ``flag_<name>`` booleans.

    ``correct``: per generation, True/False/null (metrics.correct_expr of the runs' score kinds);
    default: a score of at least 0.5. A run with no notion of correct (a continuous score) raises
    neither the suspect-reference nor the grader-mismatch flag. ``run_max``: each run's longest
    generation (default: over ``generations``). ``kinds``: the runs' score kinds, whose
    direction tells partial credit from a full miss (:func:`partial_credit_expr`).
    """
    if correct is None:
        correct = correct_expr(DEFAULT_THRESHOLD)
    # The loader normalised each answer and reference once (vote_answer, vote_reference);
    # frames built elsewhere get them here.
    ready = with_measures(fill_vote_answers(generations))
    return flag_columns(ready.lazy(), thresholds, correct, run_max, kinds).collect()


def flag_columns(
    generations: pl.LazyFrame,
    thresholds: Thresholds,
    correct: pl.Expr,
    run_max: RunMax | None = None,
    kinds: Mapping[str, ScoreKind] | None = None,
) -> pl.LazyFrame:
    """:func:`prompt_flag_table` as a query, over generations that have their text measures and
    normalised answers (``vote_answer``, ``vote_reference``) already."""
    lower = tuple(run for run, k in (kinds or {}).items() if k.higher_is_better is False)
    longest = None if run_max is None else tuple(run_max.items())
    e = _FLAG_EXPRS.get(
        correct,
        (thresholds, longest, lower),
        lambda: _flag_exprs(thresholds, correct, run_max, kinds),
    )
    keys = ["run", "prompt_id"]
    flagged = generations.with_columns(*e.flags).with_columns(*e.renamed)
    counts = flagged.group_by(keys, maintain_order=True).agg(*e.counts)
    per_answer = flagged.filter(e.answered).group_by([*keys, "_answer"]).agg(*e.per_answer)
    per_prompt = per_answer.group_by(keys).agg(*e.per_prompt).select(*keys, *e.prompt_flags)
    table = (
        counts.join(per_prompt, on=keys, how="left", maintain_order="left")
        .with_columns(*e.filled)
        .with_columns(e.label)
    )
    return table.select(*e.picked)


@dataclass(frozen=True, slots=True)
class _FlagExprs:
    """:func:`flag_columns`' expressions, step by step."""

    flags: tuple[pl.Expr, ...]
    renamed: tuple[pl.Expr, ...]
    counts: tuple[pl.Expr, ...]
    answered: pl.Expr
    per_answer: tuple[pl.Expr, ...]
    per_prompt: tuple[pl.Expr, ...]
    prompt_flags: tuple[pl.Expr, ...]
    filled: tuple[pl.Expr, ...]
    label: pl.Expr
    picked: tuple[pl.Expr, ...]


#: :func:`flag_columns`' expressions, made once per correctness expression (itself made once
#: per set of score kinds), thresholds, longest generations and runs where lower is better: a
#: followed update's stats query made them anew each time (~0.2 ms of its plan's ~0.4-0.9).
_FLAG_EXPRS: ByIdentity[_FlagExprs] = ByIdentity()


def _flag_exprs(
    t: Thresholds,
    correct: pl.Expr,
    run_max: RunMax | None,
    kinds: Mapping[str, ScoreKind] | None,
) -> _FlagExprs:
    counts = (
        *[pl.col(f).sum().cast(pl.UInt32).alias(f"n_{f}") for f in GENERATION_FLAGS],
        # null while lengths are unknown: "all truncated" cannot be told yet
        pl.col("length_cap").all(ignore_nulls=False).alias("flag_all_truncated"),
        (
            reference_match_expr("_answer", "_reference")
            & ~pl.col("_correct")
            & pl.col("has_answer")
            & ~partial_credit_expr(kinds)
        )
        .any()
        .alias("flag_grader_mismatch"),
        # A prompt without a reference (an RL rollout scored by a reward model) has none to
        # suspect: its consensus scored wrong is the model's usual failure, not a bad reference.
        (pl.col("_reference").fill_null("") != "").any().alias("_has_reference"),
    )
    answered = (
        pl.col("accuracy").is_not_null()
        & pl.col("has_answer").fill_null(False)
        & pl.col("_answer").is_not_null()
        & (pl.col("_answer") != "")
    )
    per_answer = (
        pl.len().alias("votes"),
        (~pl.col("_correct")).sum().alias("wrong"),
        (pl.col("accuracy").n_unique() > 1).alias("mixed"),
    )
    # The top answer within each prompt's few answers (ties: the smaller answer text, so the
    # flag never depends on hash order); no sort of the whole table.
    top = ["votes", "_answer"], [True, False]
    per_prompt = (
        pl.col("votes").sum().alias("answering"),
        pl.col("votes").max().alias("top_votes"),
        pl.col("wrong").sort_by(top[0], descending=top[1]).first().alias("top_wrong"),
        pl.col("mixed").any().alias("flag_inconsistent_scores"),
    )
    prompt_flags = (
        (
            (pl.col("top_votes") >= t.min_votes)
            & (pl.col("top_votes") >= t.consensus * pl.col("answering"))
            & (pl.col("top_wrong") > t.wrong_share * pl.col("top_votes"))
        ).alias("flag_suspect_reference"),
        pl.col("flag_inconsistent_scores"),
    )
    filled = (
        (pl.col("flag_suspect_reference").fill_null(False) & pl.col("_has_reference")),
        pl.col("flag_inconsistent_scores").fill_null(False),
        pl.col("flag_grader_mismatch").fill_null(False),
        # all_truncated is null only while lengths are unknown; an empty count is never "all"
    )
    return _FlagExprs(
        flags=tuple(generation_flags_exprs(t, run_max)),
        renamed=(
            pl.col("vote_answer").alias("_answer"),
            pl.col("vote_reference").alias("_reference"),
            correct.alias("_correct"),
        ),
        counts=counts,
        answered=answered,
        per_answer=per_answer,
        per_prompt=per_prompt,
        prompt_flags=prompt_flags,
        filled=filled,
        label=triage_label_expr(),
        picked=tuple(pl.col(c) for c in ("run", "prompt_id", *STATS_FLAG_COLUMNS)),
    )


def prompt_flags(
    stats: pl.DataFrame,
    generations: pl.DataFrame,
    thresholds: Thresholds,
    run_max: RunMax | None = None,
) -> pl.DataFrame:
    """``stats`` with :data:`STATS_FLAG_COLUMNS` appended (same row order; replaced if present).

    ``run_max``: each run's longest generation, when ``generations`` holds only some prompts
    of the runs (default: over ``generations``)."""
    base = stats.drop([c for c in STATS_FLAG_COLUMNS if c in stats.columns])
    if generations.height == 0:
        return base.with_columns(
            *[pl.lit(None, dtype=pl.UInt32).alias(f"n_{f}") for f in GENERATION_FLAGS],
            *[pl.lit(None, dtype=pl.Boolean).alias(f"flag_{f}") for f in PROMPT_FLAGS],
            pl.lit(None, dtype=pl.String).alias("triage"),
        )
    kinds = run_kinds(stats)
    table = prompt_flag_table(generations, thresholds, correct_expr(kinds), run_max, kinds)
    return base.join(table, on=["run", "prompt_id"], how="left", maintain_order="left")


@dataclass(frozen=True, slots=True)
class RunTriage:
    """Per-run counts of every flag, and accuracy on completed vs truncated generations."""

    run: str
    generations: int
    flagged: dict[str, int]
    """Per-generation flag -> generations flagged; per-prompt flag -> prompts flagged."""
    accuracy_completed: float | None
    """Mean score over scored generations that did not hit the length cap."""
    accuracy_truncated: float | None
    """Mean score over scored generations that hit the length cap."""
    truncated_known: bool
    """False while token lengths are not known (and the format has no stop reason)."""
    score: str = "accuracy"
    """What the means are: ``accuracy`` (a rate, shown in %) or a continuous score's mean in its
    own units (``mean bleu_max``), never a bleu of 19.68 shown as "1968.4%"; a 0–1 score that
    is no accuracy as the header calls its mean (``mean reward``, ``mean score``)."""
    share: bool = False
    """The means are within 0–1 though no accuracy (a mean f1, reward or score): in % as the
    summary's avg@n gives them."""

    @property
    def percent(self) -> bool:
        return self.score == "accuracy" or self.share


def run_triage(
    generations: pl.DataFrame,
    stats: pl.DataFrame,
    thresholds: Thresholds,
    run_max: RunMax | None = None,
) -> list[RunTriage]:
    """One :class:`RunTriage` per run, in order of first appearance. ``run_max``: each run's
    longest generation when ``generations`` holds only some of its prompts (a filtered view)."""
    if generations.height == 0:
        return []
    flagged = generation_flags(generations, thresholds, run_max)
    per_gen = flagged.group_by("run", maintain_order=True).agg(
        pl.len().alias("generations"),
        *[pl.col(f).sum().alias(f) for f in GENERATION_FLAGS],
        pl.col("length_cap").is_not_null().all().alias("known"),
        pl.col("accuracy").filter(pl.col("length_cap") == False).mean().alias("acc_done"),  # noqa: E712
        pl.col("accuracy").filter(pl.col("length_cap")).mean().alias("acc_cut"),
    )
    with_flags = (
        stats
        if "flag_all_truncated" in stats.columns
        else prompt_flags(stats, generations, thresholds, run_max)
    )
    per_prompt = with_flags.group_by("run", maintain_order=True).agg(
        pl.col(f"flag_{f}").sum().alias(f) for f in PROMPT_FLAGS
    )
    rows = per_gen.join(per_prompt, on="run", how="left", maintain_order="left")
    kinds = run_kinds(stats)
    out = []
    for row in rows.iter_rows(named=True):  # one row per run: a handful at most
        kind = kinds.get(str(row["run"]))
        continuous = kind is not None and kind.kind == "continuous"
        # A 0–1 f1, reward or score: its mean as the header names it, not "accuracy".
        share = kind is not None and kind.accuracy and not kind.rate
        out.append(
            RunTriage(
                str(row["run"]),
                int(row["generations"]),
                {f: int(row[f] or 0) for f in GENERATION_FLAGS + PROMPT_FLAGS},
                row["acc_done"],
                row["acc_cut"],
                bool(row["known"]),
                f"mean {kind.metric or 'score'}"
                if continuous and kind
                else (kind.mean_word() if share and kind else "accuracy"),
                share,
            )
        )
    return out


def render_triage(
    runs: list[RunTriage],
    *,
    fractions: bool = False,
    mark: str = "…",
    encoding: str | None = None,
) -> list[str]:
    """Summary lines, one per run: flag counts and accuracy on completed vs truncated.

    Rates in percent, as summarize's table gives them, or with ``fractions`` as three-decimal
    fractions, as the app's run summary does (its "5.2%" stood under "avg@1 0.052"). ``mark``:
    what marks a cut label (:func:`evaltui.data.sanitize.cut_mark` for a stream); ``encoding``:
    the stream's, its labels as written there (:func:`~evaltui.data.sanitize.written_label`)."""
    lines = []
    for r in runs:
        f = r.flagged

        def pct(value: float | None, percent: bool = r.percent) -> str:
            if value is None:
                return "–"
            if not percent:
                return format_score(value)
            return f"{value:.3f}" if fractions else f"{100 * value:.1f}%"

        cap = f"{f['length_cap']:,}" if r.truncated_known else "? (lengths not counted)"
        lines.append(
            f"{written_label(one_line_middle(r.run, 80, mark), encoding)}: length cap {cap}, no answer {f['no_answer']:,}, loop {f['repetition']:,}, "
            f"empty {f['empty']:,} of {plural(r.generations, 'generation')}; "
            f"{name_line(r.score, 40, mark)} completed "
            f"{pct(r.accuracy_completed)} vs truncated {pct(r.accuracy_truncated)}; prompts: "
            f"suspect reference {f['suspect_reference']:,}, grader mismatch "
            f"{f['grader_mismatch']:,}, inconsistent scores {f['inconsistent_scores']:,}, "
            f"all truncated {f['all_truncated']:,}"
        )
    return lines

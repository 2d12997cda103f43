"""The tables every stage agrees on: one row per generation, one error entry per bad input.

Readers (``evaltui.data.formats``) produce frames with :data:`GENERATION_SCHEMA` minus
``gen_length``; the loader adds token lengths; ``metrics`` aggregates to the Stats table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import polars as pl

from evaltui.data.sanitize import name_line

#: One row per generation. Column order is the order of this dict.
GENERATION_SCHEMA: dict[str, pl.DataType] = {
    # model/run label: --label, the format's own model name, or the file's parent folder
    "run": pl.String(),
    # file path relative to the input root (what users see and what exports trace back to)
    "source": pl.String(),
    # 1-based line of the record in `source` (JSON lines), or 1-based record index for containers
    "line": pl.Int64(),
    # the format's own id (doc_id, id, problem key) or a hash of the prompt text
    "prompt_id": pl.String(),
    "prompt": pl.String(),
    # reference answer, stringified
    "answer": pl.String(),
    # the generation text
    "gen": pl.String(),
    # stored score as float (bool/int/numeric string converted); null = unscored. Non-finite
    # values (inf, -inf, NaN) only where the format documents them (lm-eval's mae reaches Infinity)
    "accuracy": pl.Float64(),
    # the score's metric as the format names it (lm-eval "mae", "bleu_max"), null when unsaid
    "metric": pl.String(),
    # the format's own word on the score's direction (lm-eval's higher_is_better); null = unsaid,
    # then evaltui.data.metrics decides from the metric's name and the values
    "higher_is_better": pl.Boolean(),
    # extracted/parsed answer when the format has one
    "extracted": pl.String(),
    # why no answer can be taken from this row's text, when its reader knows none can (the text
    # is not what the model said: lm-eval's loglikelihood target continuation that greedy
    # decoding does not give); null = the text may hold one. Such a row gets no extracted
    # answer (no fallback guess) and a re-score leaves it unscored with this reason
    "answer_unknown": pl.String(),
    # the text the format's metric scored, where it is not `gen` (lighteval's
    # model_response.text_post_processed: the text with its reasoning tags' content removed);
    # null = `gen` itself. A re-score scores this text, as the format's metric did
    "scored_text": pl.String(),
    # `extracted` normalized for majority voting (extract.normalize_expr), computed once at load
    "vote_answer": pl.String(),
    # `answer` normalized the same way (for the grader-mismatch flag), computed once at load
    "vote_reference": pl.String(),
    # 0-based index of this generation among its prompt's samples (within the run)
    "sample": pl.Int64(),
    # True when the generation hit the length cap, when the format says so
    "truncated": pl.Boolean(),
    # a doc-level score that belongs to the prompt, not to one generation (lm-eval maj@k, ...)
    "prompt_score": pl.Float64(),
    # byte offset of the record's line in `source` (JSON lines) or null for containers
    "offset": pl.Int64(),
    # text measures for triage (evaltui.data.triage), filled by the loader while the text is here:
    # characters after stripping whitespace (0 = empty generation)
    "gen_chars": pl.UInt32(),
    # how often the last 60 characters occur in the last 4,000 (a repetition loop repeats them)
    "tail_repeats": pl.UInt32(),
    # distinct word 4-grams / all 4-grams in the last 1,500 characters (null when too short)
    "ngram_diversity": pl.Float32(),
    # the generation states a final answer (the format's own, a box, "the answer is", "Answer:")
    "has_answer": pl.Boolean(),
    # token count of `gen` (no special tokens); filled by the loader
    "gen_length": pl.UInt32(),
}

#: Columns the loader fills (readers leave them out).
LOADER_COLUMNS = ("gen_chars", "tail_repeats", "ngram_diversity", "has_answer", "gen_length")
#: What a reader returns: everything the loader does not compute.
READER_COLUMNS: list[str] = [c for c in GENERATION_SCHEMA if c not in LOADER_COLUMNS]
#: What the loader holds before token lengths are known.
MEASURED_COLUMNS: list[str] = [c for c in GENERATION_SCHEMA if c != "gen_length"]


def conform(frame: pl.DataFrame, *, with_lengths: bool = False) -> pl.DataFrame:
    """Return ``frame`` with exactly the generation columns, in order and with the schema's dtypes.

    Missing optional columns become nulls, so a reader only builds the columns it knows. A frame
    that already conforms is returned as it is (rebuilding it would copy a long text: see
    :func:`set_columns`).
    """
    names = list(GENERATION_SCHEMA) if with_lengths else READER_COLUMNS
    if frame.columns == names:
        schema = frame.schema  # made once (each ``frame.schema`` builds it: ~0.4 ms in all)
        if all(schema[n] == GENERATION_SCHEMA[n] for n in names):
            return frame
    columns = [frame.get_column(name) for name in frame.columns]  # see set_columns
    return conform_columns(columns, frame.height, with_lengths=with_lengths)


def conform_columns(
    columns: Sequence[pl.Series], height: int, *, with_lengths: bool = False
) -> pl.DataFrame:
    """:func:`conform` for a frame given as its columns, each cast (only when its dtype differs)
    and the frame built once, without an expression."""
    if not columns:  # nulls alone would make a frame of nulls
        return empty_generations(with_lengths=with_lengths)
    given = {column.name: column for column in columns}
    out = []
    for name in list(GENERATION_SCHEMA) if with_lengths else READER_COLUMNS:
        dtype = GENERATION_SCHEMA[name]
        column = given.get(name)
        if column is None:
            out.append(nulls(name, dtype, height))
        else:
            out.append(column if column.dtype == dtype else column.cast(dtype, strict=False))
    return pl.DataFrame(out)


def nulls(name: str, dtype: pl.DataType, height: int) -> pl.Series:
    """A column of ``height`` nulls."""
    if height < SMALL_NULLS:
        # From a list: ``pl.repeat`` is a polars query (~0.06-0.08 ms whatever the height), and
        # a followed update of one line made ~20 such columns (its row and the null row that
        # pads it, see the note below): ~2 ms of each such update; a list of Nones this short
        # is ~0.005-0.02 ms.
        return pl.Series(name, [None] * height, dtype=dtype)
    return pl.repeat(None, height, dtype=dtype, eager=True).alias(name)


#: Below this height :func:`nulls` makes its column from a Python list.
SMALL_NULLS = 1024


# Polars 2.1 runs an expression over a one-row frame as over a scalar: every expression step
# (even one that never reads the text: ``with_columns``, ``drop``, ``select("a")``) copies a long
# string held in that row 2-4 times, ~200 MB for one 50 MB generation, while on two rows it copies
# nothing (benchmarks/polars_one_row.py). A file of one very long generation is such a frame, so
# the stages that hold the text go through the helpers below instead.

_Result = TypeVar("_Result", pl.Series, pl.DataFrame)


def elementwise(series: pl.Series, op: Callable[[pl.Series], _Result]) -> _Result:
    """``op(series)`` for an ``op`` that works row by row, never run on exactly one row (a
    null row is added for it and its result dropped): see the note above."""
    if len(series) != 1:
        return op(series)
    padded = pl.concat([series, nulls(series.name, series.dtype, 1)])
    return op(padded).slice(0, 1)


_Made = TypeVar("_Made")


class ByIdentity(Generic[_Made]):
    """Values made from an object that has no hash (a polars expression: made once per set of
    score kinds, :func:`evaltui.data.metrics.correct_expr`) and hashable keys, kept by that
    object's identity. The object is held beside its value, so its ``id`` is not another's
    while the value is kept; at most ``size`` values (all dropped when full)."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._made: dict[tuple[object, ...], tuple[object, _Made]] = {}

    def get(self, source: object, key: tuple[object, ...], make: Callable[[], _Made]) -> _Made:
        """The value kept for ``source`` (the very object) and ``key``, else ``make()``'s."""
        full = (id(source), *key)
        hit = self._made.get(full)
        if hit is not None and hit[0] is source:
            return hit[1]
        made = make()
        if len(self._made) >= self._size:
            self._made.clear()
        self._made[full] = (source, made)
        return made


def set_columns(frame: pl.DataFrame, *columns: pl.Series) -> pl.DataFrame:
    """``frame`` with ``columns`` replacing its columns of the same name (the others appended),
    built from the columns rather than by ``with_columns``: nothing is copied."""
    new = {column.name: column for column in columns}
    # Column by column: ``get_columns`` copies a one-row long text, ``get_column`` does not.
    kept = [new.pop(name) if name in new else frame.get_column(name) for name in frame.columns]
    return pl.DataFrame([*kept, *new.values()])


def take_rows(series: pl.Series, rows: Sequence[int] | np.ndarray) -> pl.Series:
    """``series.gather(rows)`` without copying the texts (a gather copies every string it takes)."""
    if len(rows) == 0:
        return series.clear()
    return pl.concat([series.slice(int(row), 1) for row in rows])


def true_rows(flags: pl.Series) -> np.ndarray:
    """The rows where ``flags`` is True (null: not), as ``flags.arg_true()`` gives them, read
    from the values rather than by a query (~0.03-0.08 ms each: a followed update's measures
    made six of them)."""
    values = flags.to_numpy()
    if values.dtype != np.bool_:  # with nulls: an object array of True, False and None
        values = values.astype(np.bool_)  # None is False
    return np.flatnonzero(values)


def byte_sizes(texts: pl.Series) -> np.ndarray:
    """Each text's size in UTF-8 bytes (a null text: 0), as int64."""
    sizes = elementwise(texts, lambda s: s.str.len_bytes())
    if sizes.null_count():  # (known without a pass; a ``fill_null`` is a query of its own)
        sizes = sizes.fill_null(0)
    return sizes.to_numpy().astype(np.int64)


def empty_generations(*, with_lengths: bool = False) -> pl.DataFrame:
    """An empty frame with the generation schema."""
    columns = list(GENERATION_SCHEMA) if with_lengths else READER_COLUMNS
    return pl.DataFrame(schema={c: GENERATION_SCHEMA[c] for c in columns})


@dataclass(frozen=True, slots=True)
class LoadError:
    """A piece of input that could not be used: counted, shown, never silently dropped."""

    source: str
    """File path (relative to the input root when there is one)."""
    line: int | None
    """1-based line of ``source``, one a user can open the file at; None when the whole file is
    at fault, and in a file without lines (a zip archive, a parquet table), whose ``reason``
    then starts with the place (the archive's member, the table's row)."""
    reason: str
    """What is wrong, in words a user can act on."""

    def __post_init__(self) -> None:
        # Reasons quote input values: a lone surrogate there could not be printed or stored.
        object.__setattr__(self, "source", clean_text(self.source))
        object.__setattr__(self, "reason", clean_text(self.reason))

    def __str__(self) -> str:
        # The file's name with its newlines and tabs visible, as notes name files: folded to
        # spaces later, a file 'x\ny.jsonl' read as 'x y.jsonl'.
        source = name_line(self.source)
        where = source if self.line is None else f"{source}:{self.line}"
        return f"{where}: {self.reason}"


_SURROGATES = re.compile("[\ud800-\udfff]")


def _visible_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    # U+DC80..U+DCFF is how Python keeps an undecodable byte of a file name (surrogateescape).
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def clean_text(text: str) -> str:
    """``text`` storable as UTF-8: lone surrogates made visible (``text`` itself when it has none).

    An undecodable file-name byte (Python's surrogateescape) shows as ``\\xNN``; any other lone
    surrogate (a JSON ``"\\ud800"`` escape) as U+FFFD. Polars, files and terminals accept neither.
    """
    if text.isascii():
        return text
    return _SURROGATES.sub(_visible_surrogate, text) if _SURROGATES.search(text) else text

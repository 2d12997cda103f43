"""The tables every stage agrees on: one row per generation, one error entry per bad input.

Readers (``evaltui.data.formats``) produce frames with :data:`GENERATION_SCHEMA` minus
``gen_length``; the loader adds token lengths; ``metrics`` aggregates to the Stats table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

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

    Missing optional columns become nulls, so a reader only builds the columns it knows.
    """
    if not frame.columns:  # literals alone would make a one-row frame of nulls
        return empty_generations(with_lengths=with_lengths)
    columns = list(GENERATION_SCHEMA) if with_lengths else READER_COLUMNS
    exprs = []
    for name in columns:
        dtype = GENERATION_SCHEMA[name]
        if name in frame.columns:
            exprs.append(pl.col(name).cast(dtype, strict=False))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return frame.select(exprs)


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
    """1-based line (or record index) in ``source``; None when the whole file is at fault."""
    reason: str
    """What is wrong, in words a user can act on."""

    def __post_init__(self) -> None:
        # Reasons quote input values: a lone surrogate there could not be printed or stored.
        object.__setattr__(self, "source", clean_text(self.source))
        object.__setattr__(self, "reason", clean_text(self.reason))

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
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

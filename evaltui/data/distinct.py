"""The part of a prompt that tells it apart, for one-line prompt cells.

Chat-templated prompts (``--apply_chat_template``, vLLM rollouts, RL traces) and few-shot prompts
share a long beginning: cut to one line, every row read ``<|im_start|>user Backgr…``. A cell
shows the prompt without chat-template markup (special tokens that are not content) and, when
every prompt of the view starts the same way (≥ :data:`SHARED_AT_LEAST` characters once the
markup is gone), from the first word after that shared start, behind a ``…``; the column's
header names what was cut (:func:`shared_start` gives it). The prompt screen, the filter and
exports keep the full literal text: this is for one-line cells only.

Cheap for a million prompts: the shared start is the common beginning of the smallest and the
largest prompt (every prompt between them in sort order shares it), computed once per view;
the cells are made with polars expressions for the rows on screen.
"""

from __future__ import annotations

import re

import polars as pl

from evaltui.data.sanitize import one_line

CHAT_MARKUP = "|".join(
    [
        # ChatML (Qwen, many fine-tunes): <|im_start|>user … <|im_end|>, with its role
        r"<\|im_start\|>[A-Za-z_]*",
        # Llama 3: <|start_header_id|>user<|end_header_id|>, <|begin_of_text|>, <|eot_id|>;
        # Phi and others: <|user|>, <|assistant|>, <|end|>, <|endoftext|>
        r"<\|start_header_id\|>[A-Za-z_]{0,20}<\|end_header_id\|>",
        r"<\|[A-Za-z0-9_]{1,40}\|>",
        # DeepSeek: <｜User｜>, <｜Assistant｜>, <｜begin▁of▁sentence｜> (full-width bars)
        r"<｜[^｜<>\s]{1,40}｜>",
        # Llama 2 / Mistral: <s>[INST] <<SYS>> … <</SYS>> … [/INST] </s>
        r"</?s>|\[/?INST\]|<</?SYS>>",
        # Gemma: <bos><start_of_turn>user … <end_of_turn>
        r"<start_of_turn>[A-Za-z_]*|<end_of_turn>|<bos>|<eos>",
        # Baichuan 2: <reserved_106> (user) … <reserved_107> (assistant); OpenCompass keeps
        # them in its prompts, and every cell started with 14 cells of it.
        r"<reserved_1\d\d>",
    ]
)
"""Chat-template markup that is not content: special tokens (with the role they announce)."""

_MARKUP = re.compile(CHAT_MARKUP)
_WORD_START = re.compile(r"\s(?=\S)")

SHARED_AT_LEAST = 20
"""Characters (markup left out) a beginning shared by every prompt has before it is cut."""

CUT_MARK = "… "
"""What a cell whose shared beginning is cut starts with."""


def without_markup(text: str) -> str:
    """``text`` with its chat-template markup (:data:`CHAT_MARKUP`) made spaces."""
    return _MARKUP.sub(" ", text)


def shared_start(values: pl.Series, at_least: int = SHARED_AT_LEAST) -> tuple[int, str]:
    """(characters, shown): the beginning every non-null value of ``values`` shares, up to the
    start of a word (so a cut never splits one), and that beginning as a line says it
    (markup left out, one line, controls visible, not cut: the caller cuts it to its room).
    ``(0, "")`` when it is shorter than ``at_least`` characters without its markup, when the
    values are all the same (nothing would tell them apart) or when there are fewer than two."""
    texts = values.cast(pl.String)
    return _start_of(texts.min(), texts.max(), at_least)


def shared_starts(
    rows: pl.DataFrame,
    column: str = "prompt",
    by: str | None = "run",
    at_least: int = SHARED_AT_LEAST,
) -> dict[str | None, tuple[int, str]]:
    """:func:`shared_start` of ``column`` for each value of ``by`` (a view of several runs holds
    several tasks: each run's prompts share their own start), the groups with one only; without
    a ``by`` column, the whole column's under ``None``. One query (smallest and largest of each
    group), then Python per group."""
    return starts_from_ends(prompt_ends(rows, column, by), at_least)


Ends = dict[str | None, tuple[str | None, str | None]]
"""By group (``None``: the whole column): the smallest and the largest value (None: no value)."""


ENDS_IN_PYTHON = 1024
"""Up to this many rows of text, :func:`prompt_ends` finds the ends in Python: a followed
update's layout measures its ~130 new rows (~0.05 ms so; the query cost ~0.25 ms of the view
worker, and as much of polars' pool, on every update)."""


def prompt_ends(rows: pl.DataFrame, column: str = "prompt", by: str | None = "run") -> Ends:
    """The smallest and largest value of ``column`` for each value of ``by`` (the whole
    column's under ``None`` without a ``by`` column), in one query (in Python for a few rows):
    what :func:`shared_starts` is made of. Those of more rows are :func:`merge_ends` of their
    parts'."""
    if rows.height <= ENDS_IN_PYTHON and rows.get_column(column).dtype == pl.String:
        return _ends_in_python(rows, column, by)
    text = pl.col(column).cast(pl.String)
    if by is None or by not in rows.columns:
        low, high = rows.select(text.min(), text.max().alias("high")).row(0)
        return {None: (low, high)}
    ends = rows.group_by(by).agg(text.min().alias("low"), text.max().alias("high"))
    return {group: (low, high) for group, low, high in ends.iter_rows()}


def _ends_in_python(rows: pl.DataFrame, column: str, by: str | None) -> Ends:
    """:func:`prompt_ends` of a few rows, the same ends (polars orders text by its UTF-8 bytes,
    as Python does by code point; nulls are left out, a group of nulls alone has none)."""
    values = rows.get_column(column).to_list()
    ends: Ends = {}
    if by is not None and by in rows.columns:
        groups = rows.get_column(by).to_list()
    else:
        groups, ends[None] = [None] * len(values), (None, None)
    for group, value in zip(groups, values, strict=True):
        low, high = ends.get(group, (None, None))
        if value is not None:
            low = value if low is None or value < low else low
            high = value if high is None or value > high else high
        ends[group] = (low, high)
    return ends


def merge_ends(first: Ends, second: Ends) -> Ends:
    """:func:`prompt_ends` of two sets of rows together, from each one's (polars orders text by
    its UTF-8 bytes, as Python does by code point)."""
    merged = dict(first)
    for group, (low, high) in second.items():
        was_low, was_high = merged.get(group, (None, None))
        merged[group] = (
            low if was_low is None or (low is not None and low < was_low) else was_low,
            high if was_high is None or (high is not None and high > was_high) else was_high,
        )
    return merged


def starts_from_ends(
    ends: Ends, at_least: int = SHARED_AT_LEAST
) -> dict[str | None, tuple[int, str]]:
    """:func:`shared_starts` from the values' :func:`prompt_ends`."""
    found: dict[str | None, tuple[int, str]] = {}
    for group, (low, high) in ends.items():
        start = _start_of(low, high, at_least)
        if start[0]:
            found[group] = start
    return found


def _start_of(low: object, high: object, at_least: int) -> tuple[int, str]:
    """:func:`shared_start` of values whose smallest is ``low`` and largest ``high`` (every
    value between them in sort order starts as both do)."""
    if not isinstance(low, str) or not isinstance(high, str) or low == high:
        return 0, ""
    common = 0
    for a, b in zip(low, high, strict=False):
        if a != b:
            break
        common += 1
    # The start of the last word that begins within the shared part (the cell begins there):
    # after whitespace, at a character that is not; never past the shortest prompt's end.
    cut = 0
    for match in _WORD_START.finditer(low, 0, min(common + 1, len(low))):
        cut = match.end()
    if cut == 0:
        return 0, ""
    shown = one_line(without_markup(low[:cut]), 2 * cut + 1)
    if len(shown) < at_least:
        return 0, ""
    return cut, shown


def distinct_expr(column: str, cuts: int | dict[str | None, int] = 0, by: str = "run") -> pl.Expr:
    """``column``'s text as a one-line cell shows it: its first characters that are a shared
    start (``cuts``: how many, for every row or by the row's ``by`` value, as
    :func:`shared_starts` finds them) made ``…``, chat-template markup made spaces (the cell
    folds them). Null stays null."""
    text = pl.col(column).cast(pl.String)
    if isinstance(cuts, dict) and None in cuts:
        cuts = cuts[None]
    if isinstance(cuts, int):
        if cuts:
            text = pl.lit(CUT_MARK) + text.str.slice(cuts)
    elif cuts:
        cut = pl.col(by).replace_strict(
            {k: v for k, v in cuts.items() if k is not None}, default=0, return_dtype=pl.Int64
        )
        text = pl.when(cut > 0).then(pl.lit(CUT_MARK) + text.str.slice(cut)).otherwise(text)
    return text.str.replace_all(CHAT_MARKUP, " ").alias(column)

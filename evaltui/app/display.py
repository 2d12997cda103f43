"""Turning data into safe display values: every untrusted string goes through ``sanitize``."""

from __future__ import annotations

import re

import polars as pl
from rich.text import Text

from evaltui.data.columns import display_name
from evaltui.data.extract import box_spans
from evaltui.data.metrics import format_score
from evaltui.data.sanitize import one_line_expr, visible

#: Table columns in order, when present in the Stats frame: (column, label, kind). Labels are the
#: data layer's display names, which filters and sorts accept too (evaltui.data.columns).
TABLE_COLUMNS: list[tuple[str, str, str]] = [
    (column, display_name(column), kind)
    for column, kind in [
        ("prompt", "text"),
        ("run", "text"),
        ("count", "int"),
        ("average_accuracy", "float"),
        ("n_correct", "int"),
        ("max_gen_length", "int"),
        ("avg_gen_length", "float1"),
        ("median_gen_length", "float1"),
        ("answer", "text"),
        ("triage", "text"),
    ]
]
#: Sampling metrics appear after the fixed columns when the Stats frame has them.
METRIC_PATTERN = re.compile(r"^(pass|maj|cons|avg)@\d+$|^n_unique_answers$|^agreement$")
PROMPT_WIDTH = 60
ANSWER_WIDTH = 24


def table_columns(stats: pl.DataFrame) -> list[tuple[str, str, str]]:
    """The columns the prompt table shows for this Stats frame (new metric columns included)."""
    fixed = [c for c in TABLE_COLUMNS if c[0] in stats.columns]
    extra = [(c, display_name(c), "float") for c in stats.columns if METRIC_PATTERN.match(c)]
    # The answer and the triage flags come after the metrics, the id last.
    last = {"answer", "triage"}
    head = [c for c in fixed if c[0] not in last]
    tail = [c for c in fixed if c[0] in last]
    return head + extra + tail + [("prompt_id", display_name("prompt_id"), "text")]


def prompt_width(terminal_width: int) -> int:
    """Room for the prompt column: what the numeric columns leave of the terminal (24–80 cells)."""
    return max(24, min(80, terminal_width - 70))


def display_frame(rows: pl.DataFrame, width: int = PROMPT_WIDTH) -> pl.DataFrame:
    """The table's frame: one line per cell, control characters made visible, numbers rounded."""
    exprs = []
    for column, label, kind in table_columns(rows):
        col = pl.col(column)
        if kind == "text":
            exprs.append(
                one_line_expr(column, width if column == "prompt" else ANSWER_WIDTH).alias(label)
            )
        elif kind == "float":
            exprs.append(col.round(3).alias(label))
        elif kind == "float1":
            exprs.append(col.round(1).alias(label))
        else:
            exprs.append(col.alias(label))
    return rows.select(exprs)


_BOXED = re.compile(r"\\(?:boxed|fbox)\{")


def has_final_answer(text: str | None) -> bool:
    return bool(text) and bool(
        _BOXED.search(text or "") or re.search(r"(?i)answer is", (text or "")[-2000:])
    )


MAX_SHOWN_CHARS = 200_000


def generation_text(text: str | None) -> Text:
    """A generation as a rich Text (never parsed as markup), controls visible, answers highlighted."""
    raw = text or ""
    shown = visible(raw[:MAX_SHOWN_CHARS])
    result = Text(shown)
    for start, _inner, end in box_spans(shown):
        result.stylize("bold reverse", start, end)
    if len(raw) > MAX_SHOWN_CHARS:
        result.append(
            f"\n… {len(raw) - MAX_SHOWN_CHARS:,} more characters not shown (y copies the whole text)",
            style="italic",
        )
    return result


def score_mark(accuracy: float | None, correct: bool | None) -> str:
    """✓/✗ when the generation was judged; its score itself (``inf`` too) when its run has no
    threshold (a continuous score); – when unscored."""
    if accuracy is None:
        return "–"
    if correct is None:
        return format_score(accuracy)
    return "✓" if correct else "✗"

"""Make untrusted text (prompts, generations, answers, file names) safe to show in a terminal.

Control characters would otherwise reach the terminal through Textual/Rich (they pass ESC and NUL
through), so a model that emitted ``\\x1b[2J`` could clear or retitle the user's screen. Every C0
control (except newline and tab, which layout needs), DEL and every C1 control becomes a visible
symbol. The raw text is kept for export; this is applied at the display boundary only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

# C0 controls -> the Unicode "Control Pictures" block (U+2400 + code); DEL -> U+2421.
_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_TABLE[0x7F] = "\u2421"
# C1 controls (U+0080..U+009F) have no pictures: show them as a replacement char.
for _code in range(0x80, 0xA0):
    _TABLE[_code] = "\ufffd"
# Other invisible characters that can reorder or hide text (bidi overrides, line separators).
for _code in (
    0x2028,
    0x2029,
    0x202A,
    0x202B,
    0x202C,
    0x202D,
    0x202E,
    0x2066,
    0x2067,
    0x2068,
    0x2069,
):
    _TABLE[_code] = "\ufffd"

_MULTILINE = dict(_TABLE)
del _MULTILINE[0x0A]  # newline
del _MULTILINE[0x09]  # tab

# Unicode White_Space, spelled out: Python's \s also matches \x1c-\x1f and Rust's (polars) does
# not, and both implementations of one_line must fold the same characters.
_WS_PATTERN = "[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
_WS = re.compile(_WS_PATTERN)


def visible(text: str, *, multiline: bool = True) -> str:
    """Return ``text`` with control characters replaced by visible symbols.

    With ``multiline=True`` newlines and tabs are kept (for scrollable text views); CR becomes
    ``␍`` so a ``\\r`` cannot move the cursor back over what was drawn.
    """
    return text.translate(_MULTILINE if multiline else _TABLE)


def one_line(text: str | None, limit: int = 200) -> str:
    """A single display line: whitespace runs folded to one space, controls made visible, cut."""
    if not text:
        return ""
    # Fold only the head: a 2 MB single-line generation must not be processed whole for a cell.
    head = text[: limit * 4]
    folded = _WS.sub(" ", head).strip(" ").translate(_TABLE)
    if len(folded) > limit or len(text) > len(head):
        return folded[: max(limit - 1, 0)] + "…"
    return folded


def one_line_middle(text: str | None, limit: int = 40) -> str:
    """:func:`one_line`, but cut in the middle: run labels and file names differ at their ends.

    ``toy-org/scripted-model-2024-06-01`` and ``…-2024-06-02`` stay distinguishable at 24 cells
    (``toy-org/scr…2024-06-01``), where cutting from the right would make them read the same.
    """
    if not text:
        return ""
    folded = one_line(text, max(len(text), 1))
    if len(folded) <= limit:
        return folded
    if limit <= 1:
        return "…"[:limit]
    tail = (limit - 1) // 2
    head = limit - 1 - tail
    return folded[:head] + "…" + folded[len(folded) - tail :]


def one_line_expr(column: str, limit: int = 200) -> pl.Expr:
    """:func:`one_line` as a polars expression: the same result, without Python per row."""
    import polars as pl

    controls = [chr(code) for code in _TABLE]
    pictures = [_TABLE[code] for code in _TABLE]
    head = pl.col(column).fill_null("").str.slice(0, limit * 4)
    folded = (
        head.str.replace_all(_WS_PATTERN, " ")
        .str.strip_chars(" ")
        .str.replace_many(controls, pictures)
    )
    too_long = (folded.str.len_chars() > limit) | (
        pl.col(column).fill_null("").str.len_chars() > limit * 4
    )
    return (
        pl.when(too_long)
        .then(folded.str.slice(0, max(limit - 1, 0)) + pl.lit("…"))
        .otherwise(folded)
        .alias(column)
    )

"""Final-answer extraction and normalization for majority voting, vectorized over polars columns.

The final answer sits at the end of a generation, so only the last ``TAIL_CHARS`` characters are
searched (a regex over the tail, never over a 16k-token text). Order of preference: the last
``\\boxed{…}`` / ``\\fbox{…}``, else the last "the (final) answer is …", else the last line
"Answer: …", else the last number, else a short reply whole ("Paris"), all read after a
reasoning model's last ``</think>`` (none in a text that opens ``<think>`` and never closes it:
see :func:`after_reasoning`). Markdown emphasis wholly around a stated answer (``Answer: **7**``,
``*7*``, ``__7__``, ``**$x_1$**``) is no part of it; markers inside one are (``2*3``, ``x_1``).
Boxed contents are matched by a regex allowing two levels of nested braces
(``\\boxed{\\frac{a}{b}}``); only the rare rows with deeper nesting go through the Python brace
scanner. ``extract_answer`` and ``normalize`` are the one-value forms of the same
expressions, so the app, the tests and the vote can never disagree.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import polars as pl

from evaltui.data.schema import elementwise, nulls, set_columns, true_rows

TAIL_CHARS = 4000
"""The final answer sits at the end: only the last characters are searched."""

_BOX_START = r"\\(?:boxed|fbox)\s*\{"
# The whole \boxed{…} with up to two levels of nested braces inside.
_BOXED = r"\\(?:boxed|fbox)\s*\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}"
# Markdown emphasis around an answer (``**7**``, ``*7*``, ``__7__``, ``_7_``, ``**$7$**``) is
# captured with it and taken off by :func:`_unemphasized`.
_EMPHASIZED_MATH = r"(?:\*{1,3}|_{1,2})\$[^\n$]{1,60}?\$(?:\*{1,3}|_{1,2})"
# The sentence ends at a full stop followed by a blank or the end, a line end or the text's end:
# the point inside "0.5" or "3.14" is the number's. "The answer is: 7" reads as "the answer is
# 7", and a label's own emphasis ("**Final answer:** 7", "**Final Answer**: 7") is skipped.
_ANSWER_IS = (
    r"(?i)(?:final answer|the answer)[*_]*\s*(?:is(?:[ \t]*:[*_]*)?|:[*_]*)\s*"
    rf"\$?({_EMPHASIZED_MATH}|[^\n$]{{1,60}}?)\$?\s*(?:\.(?:\s|$)|\n|$)"
)
#: How an "Answer:" line opens (:data:`_ANSWER_LINE` up to its colon): every match of
#: :data:`_ANSWER_LINE` starts with one, at its line's start. The regex engine finds it fast
#: (~0.15 ms of CPU per MB of tails); the line's whole pattern, with its classes of any
#: character but a line feed, is scanned at ~1 ms per MB.
_ANSWER_LINE_START = r"(?im)^[ \t*#>_-]*answer[*_]*[ \t]*:"
# The answer's closing stars (and a full stop before them) are captured: whether they close an
# emphasis in the answer (``Answer: **7**``) or the label's (``**Answer: 7**``) is told by
# :func:`_unemphasized`. A match lies within its line.
_ANSWER_LINE = (
    _ANSWER_LINE_START
    + r"[*_]*[ \t]*"
    + rf"\$?({_EMPHASIZED_MATH}|[^\n$]{{1,60}}?(?:\.?\*+)?)\$?[ \t]*\.?[ \t*]*$"
)
# A number, or an integer fraction whole: a reply "1/2" or "... so it is 5/6" says 1/2 and 5/6,
# not 2 and 6.
_NUMBER = r"(-?\d[\d,]*(?:\.\d+)?(?:/\d+)?)"
_BOX_START_RE = re.compile(_BOX_START)
#: A reply this short (stripped: one line of at most ``SHORT_WORDS`` words and ``SHORT_CHARS``
#: characters) is its own final answer, as a short-answer task's model gives it ("Paris", "42",
#: "(B)"): stated, not "no answer". For the vote its answer is still its last number when it has
#: one (as for any text), else the whole reply. Four words hold most named answers ("United
#: States of America"); five are already a sentence ("I keep thinking about it").
SHORT_CHARS = 60
SHORT_WORDS = 4
#: Bytes of a text a short reply may take, blanks around it included (a longer text is none).
SHORT_SCAN = 256
#: The control characters that end an extracted answer: every C0 control but tab, line feed and
#: carriage return (blanks a box's contents may hold), DEL and every C1 control, as
#: :mod:`evaltui.data.sanitize` shows them. A model's text is the model's up to one: ``The answer
#: is 40 <ESC>]52;c;aGk=<BEL>`` gives 40, not ``40␛]52;c;aGk=␇``, which is no answer and kept two
#: equal answers apart in the vote.
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
#: An answer's text: what follows leading blanks and control characters, up to the next control
#: character (group 1; empty when nothing does).
_BEFORE_CONTROL = rf"(?s)^(?:\s|{_CONTROL})*((?:[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f])*)"
#: :data:`_BEFORE_CONTROL` when its group 1 holds a character other than a blank (no match, so
#: null, instead of an empty or blank group): it opens with one, as nothing it skips is one.
_ANSWER_TEXT = (
    rf"(?s)^(?:\s|{_CONTROL})*"
    r"([^\s\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*)"
)
#: A terminal escape sequence (ECMA-48: a control sequence ``ESC [ … final``, an operating system
#: command ``ESC ] … BEL`` or ``… ESC \``, unterminated up to a line's end, or an escape with its
#: intermediate and final characters; their 8-bit forms too). Its parameters (``[31m``,
#: ``]52;c;aGk=``) are no text of the model's: a tail holds its escape alone (:func:`answer_tails`), reduced to a substitute
#: character (SUB), which ends an answer and starts no sequence (reducing twice changes nothing),
#: and its numbers are not the last number (``so 40<ESC>[0m`` gives 40, not 0).
_ESCAPE_SEQUENCE = (
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b(?:[ -/]*[@-~])?"
)
#: The characters a terminal escape sequence starts with (:data:`_ESCAPE_SEQUENCE`).
ESCAPE_STARTS = "[\x1b\x90\x98\x9b\x9d\x9e\x9f]"
#: What a terminal escape sequence becomes in :func:`answer_tails`: a control character (SUB).
_SUBSTITUTE = "\x1a"
_BEFORE_CONTROL_RE = re.compile(_BEFORE_CONTROL)


#: What an emphasized answer holds: not starting or ending with a blank, ``*``, ``_`` or ``$``
#: (math inside the emphasis, ``**$x_1$**``, is read without its ``$``), a full stop before the
#: closing marker left out (``**7.**``).
_EMPHASIS_INNER = r"\$?([^\s*_$](?:.*?[^\s*_$])??)\$?\.?"
#: An answer wholly in balanced markdown emphasis (``***7***``, ``**7**``, ``__7__``, ``*7*``,
#: ``_7_``): group 1-5 is the answer. Markers inside an answer are its own (``2*3``, ``x_1``,
#: ``a_{n}``, ``5^*``), as are unbalanced ones (``**7``).
_EMPHASIS = "|".join(
    rf"{marker}{_EMPHASIS_INNER}{marker}" for marker in (r"\*\*\*", r"\*\*", "__", r"\*", "_")
)
_EMPHASIS_GROUPS = "${1}${2}${3}${4}${5}"
#: :data:`_EMPHASIS`, else the answer whole (group 6).
_EMPHASIZED_OR_NOT = rf"(?s)^(?:{_EMPHASIS}|(.*))$"
#: :data:`_EMPHASIS`, else the answer of an "Answer:" line without the stars (and a full stop
#: before them) that close the label's emphasis (``**Answer: 7**``, ``**Answer: 7.**``): the line's
#: pattern captures them (it cannot tell them from an answer's own closing stars).
_EMPHASIZED_OR_LABEL = rf"(?s)^(?:{_EMPHASIS}|(.*?)[ \t]*\.?[ \t*]*)$"


def _unemphasized(answer: pl.Expr, pattern: str = _EMPHASIZED_OR_NOT) -> pl.Expr:
    """``answer`` (not empty) without the markdown emphasis around it (:data:`_EMPHASIS`):
    ``**7**`` is 7. ``pattern``: :data:`_EMPHASIZED_OR_NOT` (an answer stays non-empty), or
    :data:`_EMPHASIZED_OR_LABEL` for an "Answer:" line's (which may be only the label's stars:
    see :func:`_answer_line`)."""
    return answer.str.replace(pattern, _EMPHASIS_GROUPS + "${6}")


def _answer_is(tail: pl.Expr) -> pl.Expr:
    """The last "the (final) answer is …" of each tail (null when none)."""
    return _unemphasized(_non_empty(_last_match(tail, _ANSWER_IS)))


def _answer_line(tail: pl.Expr) -> pl.Expr:
    """The last "Answer: …" line of each tail (null when none, or when it holds only stars:
    ``Answer: **``). The empty answer is made null by a value's replacement, not ``when``:
    that evaluated the line's search twice."""
    line = _unemphasized(_non_empty(_last_match(tail, _ANSWER_LINE)), _EMPHASIZED_OR_LABEL)
    return line.replace("", None)


def _last_match(text: pl.Expr, pattern: str, matches: pl.Expr | None = None) -> pl.Expr:
    """Group 1 of the last match of ``pattern`` in ``text`` (null when none). ``matches``: every
    match of ``pattern`` in ``text``, if another expression reads them too."""
    if matches is None:
        matches = text.str.extract_all(pattern)
    return matches.list.last().str.extract(pattern, 1)


def _non_empty(expr: pl.Expr) -> pl.Expr:
    """The answer ``expr`` up to its first control character (:data:`_CONTROL`, leading ones
    skipped), stripped; null instead of an empty or blank answer (``\\boxed{}`` is no answer).
    Made null by the pattern (:data:`_ANSWER_TEXT`), not by ``when(stripped != "")``: that
    evaluated ``expr`` (its search of the texts) twice where no common subexpression is taken
    out (an eager ``select``), and in a lazy query kept the box's matches from being shared
    with :func:`_parts`' nesting test (polars takes out the outer expression only)."""
    return expr.str.extract(_ANSWER_TEXT, 1).str.strip_chars()


def before_control(answer: str | None) -> str | None:
    """:func:`_non_empty` of one answer (the Python brace scanner's)."""
    if answer is None:
        return None
    match = _BEFORE_CONTROL_RE.match(answer)
    stripped = match.group(1).strip() if match else ""
    return stripped or None


def _unescaped(tail: pl.Expr) -> pl.Expr:
    """``tail`` with each terminal escape sequence reduced to SUB (see :func:`answer_tails`)."""
    return tail.str.replace_all(_ESCAPE_SEQUENCE, _SUBSTITUTE, literal=False)


def answer_tails(texts: pl.Series, rows: pl.Series | np.ndarray | None = None) -> pl.Series:
    """What answers are extracted from: each text, its last :data:`TAIL_CHARS` characters with
    each terminal escape sequence in them (:data:`_ESCAPE_SEQUENCE`) reduced to one control
    character (SUB), which ends an answer as any control character does. Only the rare texts
    holding an escape are cut to their tails and rewritten; the others are given back as they
    are (every extraction takes a text's last :data:`TAIL_CHARS` characters itself): a copy of
    every tail cost ~0.2 ms per MB for nothing. ``rows``: the texts holding a character in
    :data:`ESCAPE_STARTS`, if they were looked for already."""
    texts = texts.cast(pl.String)
    frame = pl.DataFrame([texts.alias("t")])
    if rows is None:
        rows = true_rows(frame.select(pl.col("t").str.contains(ESCAPE_STARTS)).to_series())
    if not len(rows):
        return texts
    tail = pl.col("t").str.slice(-TAIL_CHARS)
    return texts.scatter(rows, frame[rows].select(_unescaped(tail)).to_series())


#: The end of a reasoning model's thinking (DeepSeek-R1, QwQ, Qwen3): its final answer follows.
THINK_END = "</think>"
#: A text that opens with its thinking (``<think>``, blanks before it allowed).
_THINK_OPEN = r"^\s*<think>"
#: What follows a text's last :data:`THINK_END` when no ``</t`` follows it (a reverse search
#: from the end: ~30x faster than removing ``^.*</think>``); the rare others are split.
_AFTER_THINK_END = r"</think>((?:[^<]|<[^/]|</[^t])*)$"


def reasoning_flags(text: pl.Expr, tail: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """What :func:`after_reasoning` first looks for, as the columns ``closed`` (the tail holds
    :data:`THINK_END`) and ``opened`` (the text opens with ``<think>``), never null."""
    return (
        tail.str.contains(THINK_END, literal=True).fill_null(False).alias("closed"),
        text.str.contains(_THINK_OPEN).fill_null(False).alias("opened"),
    )


def after_reasoning(
    texts: pl.Series, tails: pl.Series, flags: pl.DataFrame | None = None
) -> pl.Series:
    """``tails`` (each text's last characters, as answers are read from them) without the
    reasoning: a tail holding ``</think>`` is what follows its last one, and the tail of a text
    that opens a ``<think>`` it never closes is "" (a trace cut while thinking states no answer;
    a number in its thinking is none). Other tails are given back as they are (the same Series
    when no text has a reasoning tag). ``flags``: :func:`reasoning_flags` of the texts and
    tails, if they were looked for already (else they are here)."""
    texts = texts.cast(pl.String)
    tails = tails.cast(pl.String)
    if flags is None:
        flags = pl.DataFrame([texts.alias("t"), tails.alias("a")]).select(
            reasoning_flags(pl.col("t"), pl.col("a"))
        )
    closed = flags.get_column("closed")
    if not (closed.any() or flags.get_column("opened").any()):
        return tails
    opened = flags.get_column("opened") & ~closed
    # Only the rows holding a tag are read again (a whole text only when it opens <think>
    # and its tail does not close it: is it closed before the tail?).
    rows = closed.arg_true()
    after = tails.gather(rows).str.extract(_AFTER_THINK_END, 1)
    if after.null_count():
        others = after.is_null().arg_true()
        after = after.scatter(
            others, tails.gather(rows.gather(others)).str.split(THINK_END).list.last()
        )
    tails = tails.scatter(rows, after)
    rows = opened.arg_true()
    never = ~texts.gather(rows).str.contains(THINK_END, literal=True)
    return tails.scatter(rows.filter(never), "")


def _short(tail: pl.Expr) -> pl.Expr:
    """The whole reply, stripped, when it is short enough to be its own answer (see
    :data:`SHORT_CHARS`), else null. ``tail``: the text's last :data:`TAIL_CHARS` characters. A
    text of more than :data:`SHORT_SCAN` bytes, blanks included, is no short reply (a long text
    whose tail is blanks and a closing ``}`` is not one either); only that many bytes of any
    text are looked at, so the test costs the same for a 16k-token trace as for "Paris"."""
    head = tail.str.slice(0, SHORT_SCAN)
    stripped = head.str.strip_chars()
    short = (
        (tail.str.len_bytes() <= SHORT_SCAN)
        & (stripped.str.len_chars() <= SHORT_CHARS)
        & ~stripped.str.contains("\n", literal=True)
        & (stripped.str.count_matches(r"\S+") <= SHORT_WORDS)
    )
    return _unemphasized(_non_empty(pl.when(short & (stripped != "")).then(stripped)))


def _tail(column: str, cut: bool = True) -> pl.Expr:
    """Each text of ``column``'s last :data:`TAIL_CHARS` characters; without ``cut``, the texts
    as they are: they are at most that long already (a slice of a tail copies it for nothing:
    ~0.4 ms of CPU per followed MB in the probes' query alone)."""
    return pl.col(column).str.slice(-TAIL_CHARS) if cut else pl.col(column)


def _parts(
    column: str, *, unescaped: bool = False, cut: bool = True
) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """The matches in a text's tail that answers are made of: the last non-empty box, "the
    answer is", "Answer:" line and number, whether a box is nested deeper than the regex
    follows, and the whole reply when it is short (:func:`_short`). ``unescaped``: the column
    holds :func:`answer_tails` already; else its escape sequences are reduced here. ``cut``:
    as :func:`_tail`."""
    tail = _tail(column, cut)
    if not unescaped:
        tail = _unescaped(tail)
    # The boxes' matches, read by both the last box and the nesting test (one search of the
    # tails in a lazy query: ~0.2 ms of CPU per followed MB less than counting them again).
    boxes = tail.str.extract_all(_BOXED)
    return (
        _non_empty(_last_match(tail, _BOXED, boxes)),
        _answer_is(tail),
        _answer_line(tail),
        _last_match(tail, _NUMBER),
        tail.str.count_matches(_BOX_START) > boxes.list.len(),
        _short(tail),
    )


def extract_answer_expr(column: str = "gen", *, unescaped: bool = False) -> pl.Expr:
    """The final answer of each generation (fast path: boxed with at most two nesting levels):
    the last box, "the answer is", "Answer:" line or number, else a short reply whole
    (``unescaped``: the column holds :func:`answer_tails`)."""
    boxed, answer_is, answer_line, number, _deep, short = _parts(column, unescaped=unescaped)
    return pl.coalesce(boxed, answer_is, answer_line, number, short)


ANSWER_PARTS = ["_boxed", "_answer_is", "_answer_line", "_number", "_deep", "_short", "_answer"]
"""The columns :func:`answer_part_exprs` makes (dropped once :func:`answers_from_parts` read them)."""


def answer_part_exprs(
    column: str = "gen", *, every: bool = True, cut: bool = True
) -> list[pl.Expr]:
    """The matches :func:`extract_answer_expr` and :func:`final_answer_marked_expr` are made of,
    as columns (:data:`ANSWER_PARTS`), so a text's tail is searched once for both. Without
    ``every``, ``_answer_line``, ``_number`` and ``_short`` are left out: :func:`answer_lines`,
    :func:`last_numbers` and :func:`short_replies` make them for less. ``column`` holds
    :func:`answer_tails`, as the texts given to those do. Without ``cut``, it holds at most
    :data:`TAIL_CHARS` characters of each text, read whole (:func:`_tail`)."""
    return list(_answer_part_exprs(column, every, cut))


@functools.cache
def _answer_part_exprs(column: str, every: bool, cut: bool) -> tuple[pl.Expr, ...]:
    """:func:`answer_part_exprs`, built once (~0.2 ms each time: made for every followed update)."""
    return tuple(
        part.alias(name)
        for part, name in zip(_parts(column, unescaped=True, cut=cut), ANSWER_PARTS, strict=False)
        if every or name not in ("_answer_line", "_number", "_short")
    )


def answer_lines(texts: pl.Series, rows: pl.Series | np.ndarray | None = None) -> pl.Series:
    """``_answer_line`` of :func:`answer_part_exprs` (the last "Answer: …" line of each text's
    last :data:`TAIL_CHARS` characters), searched for only in the tails with a line opening
    as one does (:data:`_ANSWER_LINE_START`: a line's start, maybe blanks or markdown, "answer",
    maybe ``*``/``_`` and blanks, then ":", under the same ``(?i)``): every match of the line's
    pattern opens so, so no other tail has one (an "answer:" inside a line of prose, common in
    traces, is none: such a tail's search cost ~0.4 ms for nothing). ``rows``: the rows
    :func:`answer_probes` found such a line in (looked for here without them)."""
    if rows is None:
        rows = true_rows(pl.DataFrame([texts.alias("t")]).select(_line_probe("t")).to_series())
    lines = nulls("_answer_line", pl.String(), len(texts))
    if len(rows):
        cut = _from_answer_line_start(texts.gather(rows))
        found = cut.to_frame("t").select(_answer_line(pl.col("t"))).to_series()
        lines = lines.scatter(rows, found)
    return lines


def _from_answer_line_start(texts: pl.Series) -> pl.Series:
    """Each text's last :data:`TAIL_CHARS` characters from the start of their first line that
    opens as an "Answer:" line does (:data:`_ANSWER_LINE_START`); null when none does. Every
    "Answer:" line of the tail is one of its lines, whole and still a line (the cut is at a
    line's start), and none is before it, so the line's search finds the same last one in it:
    a trace whose answer is its last line is searched over that line, not over its 4,000
    characters (the line's pattern scanned 1 MB of traces' tails in ~1 ms of CPU). Cut as
    bytes (``find`` gives a byte offset, that of a character's start)."""
    tail = pl.col("t").str.slice(-TAIL_CHARS)
    found = (
        texts.cast(pl.String)
        .to_frame("t")
        .select(tail.cast(pl.Binary), tail.str.find(_ANSWER_LINE_START).alias("start"))
    )
    cut = [
        None if start is None else text[start:]
        for text, start in zip(
            found.get_column("t").to_list(), found.get_column("start").to_list(), strict=True
        )
    ]
    return pl.Series(texts.name, cut, dtype=pl.Binary).cast(pl.String)


def short_replies(texts: pl.Series, rows: pl.Series | np.ndarray | None = None) -> pl.Series:
    """``_short`` of :func:`answer_part_exprs` (:func:`_short`), looked for only in the texts of
    at most :data:`SHORT_SCAN` bytes (no other text is a short reply): a followed update's
    traces have none, and the test of each one's head took ~0.8 ms of CPU per MB. ``rows``: those
    texts, as :func:`answer_probes` found them (else they are looked for here)."""
    frame = pl.DataFrame([texts.alias("t")])
    tail = pl.col("t").str.slice(-TAIL_CHARS)
    if rows is None:
        rows = true_rows(frame.select(_short_probe("t")).to_series())
    replies = nulls("_short", pl.String(), len(texts))
    if len(rows):
        replies = replies.scatter(rows, frame[rows].select(_short(tail)).to_series())
    return replies


#: Characters at a text's end that :func:`last_numbers` searches first.
NUMBER_WINDOW = 200
#: The characters a match of ``_NUMBER`` is made of, and the others.
_IN_NUMBER = r"[-,./\d]"
_NOT_IN_NUMBER = r"[^-,./\d]"


#: The column of :func:`answer_probes`: the rows whose last number is searched for in the
#: whole tail (:func:`last_numbers`).
NUMBER_AGAIN = "_number_again"
#: The columns of :func:`answer_probes` giving the rows :func:`answer_lines` and
#: :func:`short_replies` search.
LINE_ROWS = "_line_rows"
SHORT_ROWS = "_short_rows"


def _line_probe(column: str, cut: bool = True) -> pl.Expr:
    """The tails :func:`answer_lines` searches: those with a line opening as an "Answer:" line
    does (:data:`_ANSWER_LINE_START`)."""
    return _tail(column, cut).str.contains(_ANSWER_LINE_START)


def _short_probe(column: str, cut: bool = True) -> pl.Expr:
    """The tails :func:`short_replies` looks at: of at most :data:`SHORT_SCAN` bytes."""
    return _tail(column, cut).str.len_bytes() <= SHORT_SCAN


def _number_first_exprs(column: str, cut: bool = True) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """``_number`` searched in each tail's window (:func:`last_numbers`), and whether the tail
    is longer than the window and whether the window is all number characters (see
    :data:`_NUMBER_AGAIN_EXPR`)."""
    tail = _tail(column, cut)
    window = tail.str.slice(-NUMBER_WINDOW)
    long = tail.str.len_chars() > NUMBER_WINDOW
    after = window.str.replace(f"^{_IN_NUMBER}*{_NOT_IN_NUMBER}", "")
    number = _last_match(pl.when(long).then(after).otherwise(window), _NUMBER)
    unsure = long & ~window.str.contains(_NOT_IN_NUMBER)
    return number.alias("_number"), long.alias("_long"), unsure.alias("_unsure")


#: Whether a tail is to be searched whole for its last number, from the columns of
#: :func:`_number_first_exprs`.
_NUMBER_AGAIN_EXPR = ((pl.col("_long") & pl.col("_number").is_null()) | pl.col("_unsure")).alias(
    NUMBER_AGAIN
)


@functools.cache
def _probe_exprs(column: str, cut: bool) -> tuple[pl.Expr, ...]:
    return (
        _line_probe(column, cut).alias(LINE_ROWS),
        *_number_first_exprs(column, cut),
        _short_probe(column, cut).alias(SHORT_ROWS),
    )


def answer_probes(
    frame: pl.DataFrame, column: str, *others: pl.Expr, cut: bool = True
) -> pl.DataFrame:
    """``others`` over ``frame`` with what :func:`answer_lines`, :func:`last_numbers` and
    :func:`short_replies` first look for in ``column`` (the :func:`answer_tails`), as columns
    (:data:`LINE_ROWS`, ``_number``, :data:`NUMBER_AGAIN`, :data:`SHORT_ROWS`), in one query:
    each was a query of its own, whose fixed cost (~0.1-0.2 ms) a followed update of a few
    texts paid for each. ``cut``: as :func:`answer_part_exprs`."""
    return (
        frame.lazy()
        .select(*others, *_probe_exprs(column, cut))
        .with_columns(_NUMBER_AGAIN_EXPR)
        .drop("_long", "_unsure")
        .collect(engine="in-memory")
    )


def last_numbers(texts: pl.Series, first: pl.DataFrame | None = None) -> pl.Series:
    """``_number`` of :func:`answer_part_exprs` (the last number in each text's last
    :data:`TAIL_CHARS` characters), searched in the last :data:`NUMBER_WINDOW` characters first.

    The window is searched from just after its first character that no number is made of: no
    match of the scan of the whole tail holds that character, so none crosses it, and the scan
    from there finds the very matches the whole scan finds after it (the pattern looks at
    nothing outside its match). Only a tail with no number there (or a window made only of
    number characters) is scanned whole. The last number is most often in a text's last line
    (``\\boxed{42}``): 1 MB of traces' tails took ~1.2 ms of CPU scanned whole. ``first``: the
    columns ``_number`` and :data:`NUMBER_AGAIN` of :func:`answer_probes` over ``texts`` (the
    window's search; made here without them)."""
    frame = pl.DataFrame([texts.alias("t")])
    tail = pl.col("t").str.slice(-TAIL_CHARS)
    if first is None:
        first = (
            frame.lazy()
            .select(_number_first_exprs("t"))
            .select(_NUMBER_AGAIN_EXPR, "_number")
            .collect(engine="in-memory")
        )
    numbers = first.get_column("_number")
    rows = true_rows(first.get_column(NUMBER_AGAIN))
    if len(rows):
        whole = frame[rows].select(_last_match(tail, _NUMBER).alias("_number")).to_series()
        numbers = numbers.scatter(rows, whole)
    return numbers


def marked_from_parts(*, short: bool | pl.Expr = True) -> pl.Expr:
    """:func:`final_answer_marked_expr` from the columns of :func:`answer_part_exprs`; without
    ``short``, a short reply is not its own answer (a format that extracts its own answers said
    it found none: ``Reader.own_answers``)."""
    marked = (
        pl.col("_boxed").is_not_null()
        | pl.col("_answer_is").is_not_null()
        | pl.col("_answer_line").is_not_null()
        | pl.col("_deep")
    )
    if isinstance(short, pl.Expr):  # row by row
        return marked | (pl.col("_short").is_not_null() & short)
    return marked | pl.col("_short").is_not_null() if short else marked


def answer_from_parts(*, short: bool | pl.Expr = True) -> pl.Expr:
    """:func:`extract_answer_expr` from the columns of :func:`answer_part_exprs` (``short``: as
    :func:`marked_from_parts`, a boolean expression for row by row)."""
    parts: list[str | pl.Expr] = ["_boxed", "_answer_is", "_answer_line", "_number"]
    if isinstance(short, pl.Expr):
        parts.append(pl.when(short).then(pl.col("_short")))
    elif short:
        parts.append("_short")
    return pl.coalesce(parts).alias("_answer")


def final_answer_marked_expr(column: str = "gen") -> pl.Expr:
    """True when the text states a final answer: a non-empty closed ``\\boxed{…}`` (any depth), "the
    (final) answer is …", an "Answer: …" line, or a short reply that is its own answer
    ("Paris", "42": :data:`SHORT_CHARS`) — the last-number fallback of
    :func:`extract_answer_expr` in a longer text is a guess, not a stated answer. Null when the
    text is null."""
    boxed, answer_is, answer_line, _number, deep, short = _parts(column)
    return (
        boxed.is_not_null()
        | answer_is.is_not_null()
        | answer_line.is_not_null()
        # a box nested deeper than the regex follows (closed or not: rare, counted as stated)
        | deep
        | short.is_not_null()
    )


def box_spans(text: str) -> list[tuple[int, int, int]]:
    """Every balanced ``\\boxed{…}``/``\\fbox{…}`` in ``text`` (any nesting depth), in order of
    its start: ``(start of the command, start of its contents, end after the closing brace)``.
    An unclosed box (a truncated generation) has no span."""
    spans = []
    for match in _BOX_START_RE.finditer(text):
        depth = 1
        for index in range(match.end(), len(text)):
            char = text[index]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    spans.append((match.start(), match.end(), index + 1))
                    break
    return spans


def last_boxed(text: str) -> str | None:
    """Contents of the last non-empty balanced ``\\boxed{…}``/``\\fbox{…}`` in ``text``, up to
    their first control character (:func:`before_control`).

    An unclosed box (a truncated generation) is skipped in favour of the one before it.
    """
    for _start, inner, end in reversed(box_spans(text)):
        contents = before_control(text[inner : end - 1])
        if contents:
            return contents
    return None


def tail_texts(texts: pl.Series) -> pl.Series:
    """The last :data:`TAIL_CHARS` characters of each text: all that the answer expressions read
    (every one starts by taking them). Not all that an answer depends on: whether the text
    opens a ``<think>`` it never closes is read from the whole text (:func:`after_reasoning`),
    so answers are taken from :func:`reading_tails` of the texts, never from these tails alone."""
    return elementwise(texts.cast(pl.String), lambda s: s.str.slice(-TAIL_CHARS))


def reading_tails(texts: pl.Series) -> pl.Series:
    """What each text's answer is read from: its last :data:`TAIL_CHARS` characters
    (:func:`tail_texts`) without the reasoning (:func:`after_reasoning`, which reads the whole
    text's start: a tail that begins with ``<think>`` is no text that opens with it), each
    escape sequence reduced (:func:`answer_tails`). The loader takes the same steps over the
    tails and flags it has already (``triage._measured``)."""
    texts = texts.cast(pl.String)
    return answer_tails(after_reasoning(texts, tail_texts(texts)))


def _fast_answers(tails: pl.Series) -> pl.DataFrame:
    """The fast path's ``answer`` and ``deep`` flag of each of :func:`reading_tails` ``tails``."""
    deep = _parts("gen", unescaped=True)[4]
    return pl.DataFrame([tails.alias("gen")]).select(
        extract_answer_expr("gen", unescaped=True).alias("answer"), deep.alias("deep")
    )


def extract_answers(texts: pl.Series) -> pl.Series:
    """:func:`extract_answer_expr` over :func:`reading_tails` of ``texts`` (whole texts: not their
    tails), with the Python brace scanner only for rows whose tail has a box the regex could
    not match (nesting deeper than two levels). Only the texts' tails are copied (a very long
    generation is never copied whole)."""
    tails = reading_tails(texts)
    fast = _fast_answers(tails)
    answers = _deep_patched(tails, fast["answer"], fast["deep"])
    return answers.alias(texts.name)


def _deep_patched(tails: pl.Series, answers: pl.Series, deep: pl.Series) -> pl.Series:
    """``answers`` where the Python brace scanner found a deeper box than the regex follows."""
    rows = true_rows(deep)
    if not len(rows):
        return answers
    slow = [last_boxed(text[-TAIL_CHARS:]) for text in tails.gather(rows).to_list()]
    # A deep box wins over whatever the fast path found (it is the last box); if it is
    # unbalanced too, the fast answer stands.
    return answers.scatter(
        rows,
        [s if s is not None else a for s, a in zip(slow, answers.gather(rows), strict=True)],
    )


def answer_possible(frame: pl.DataFrame) -> pl.Series:
    """Per row, False where its reader said no answer can be taken from its text
    (``answer_unknown``: the text is not what the model said), True elsewhere: the rows an
    answer may be filled in."""
    unknown = frame.get_column("answer_unknown") if "answer_unknown" in frame.columns else None
    if unknown is None or unknown.null_count() == len(unknown):  # (known without a query)
        return pl.Series("possible", [True] * frame.height, dtype=pl.Boolean())
    return unknown.is_null().alias("possible")


def fill_from_parts(
    frame: pl.DataFrame, tails: pl.Series, answers: pl.Series, deep: pl.Series
) -> pl.DataFrame:
    """:func:`fill_extracted` of ``frame`` given every row's :func:`reading_tails` ``tails`` and
    the fast path's ``answers`` and ``deep`` flags over them (:func:`answer_from_parts`,
    ``_deep``): the text is not searched again. A row is filled where its format gave no
    answer, it has a text, and its reader took no answer from another text: the text is the
    model's (``answer_unknown`` null: :func:`answer_possible`) and the one its format scored
    (``scored_text`` null: lighteval's text with the reasoning removed, an empty final answer
    after a reasoning cut at the token limit; one its reader found none in has none, and the
    reasoning shown is not searched for one)."""
    if not frame.height:
        return fill_vote_answers(frame)
    # The rows without an answer whose text may give one: known from the columns' null counts
    # when each column is all null or none (a followed update's rows, mostly: no query), else
    # in one query (each Series method was one), taken by ``filter``, which is none.
    tests = [(frame["extracted"], True), (tails, False)]
    tests += [(frame[name], True) for name in ("answer_unknown", "scored_text") if name in frame]
    every = _every_row(tests)
    if every is None:
        columns = [frame["extracted"], tails.alias("_tails")]
        possible = pl.lit(True)
        for name in ("answer_unknown", "scored_text"):
            if name in frame.columns:
                columns.append(frame[name])
                possible = possible & pl.col(name).is_null()
        missing = (
            pl.DataFrame(columns)
            .select(pl.col("extracted").is_null() & pl.col("_tails").is_not_null() & possible)
            .to_series()
        )
        if bool(missing.any()):
            rows = np.flatnonzero(missing.to_numpy())
            found = _deep_patched(
                tails.filter(missing), answers.filter(missing), deep.filter(missing)
            )
            frame = set_columns(frame, frame["extracted"].scatter(rows, found))
    elif every:
        found = _deep_patched(tails, answers, deep)
        frame = set_columns(frame, frame["extracted"].scatter(np.arange(frame.height), found))
    return fill_vote_answers(frame)


def _every_row(tests: list[tuple[pl.Series, bool]]) -> bool | None:
    """Whether every row passes all ``tests`` (each a column and whether it is to be null, or
    not null), when the columns' null counts tell it (each column all null or none): True, or
    False (no row passes); None when they do not (a pass over the rows tells)."""
    passes = True
    for column, null in tests:
        count = column.null_count()
        if 0 < count < len(column):
            return None
        passes = passes and (count == len(column)) == null
    return passes


def fill_extracted(frame: pl.DataFrame, column: str = "gen") -> pl.DataFrame:
    """``frame`` with null ``extracted`` values filled from ``column`` (null when nothing found),
    and their normalized form in ``vote_answer`` (see :func:`fill_vote_answers`)."""
    if not frame.height:
        return fill_vote_answers(frame)
    # What the loader fills (``triage.with_measures_and_answers``): the same reading tails
    # of the whole texts (a text's tail alone may begin with a "<think>" the text does not
    # open with), filled where the loader fills them (fill_from_parts).
    tails = reading_tails(frame.get_column(column))
    fast = _fast_answers(tails)
    return fill_from_parts(frame, tails, fast["answer"], fast["deep"])


def fill_vote_answers(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``vote_answer`` = normalized ``extracted`` and ``vote_reference`` =
    normalized ``answer`` (the reference) wherever they are still missing.

    Normalizing is most of what a majority vote costs; the loader does it once per file (and the
    cache keeps it), so stats recomputed on every partial result, every followed append or every
    warm load only group and count. Both columns' missing values are normalized in one
    evaluation: its regexes are compiled on each evaluation (~5 ms), which is most of what a
    followed append of a few prompts costs here.
    """
    pairs = []
    for target, source in (("vote_answer", "extracted"), ("vote_reference", "answer")):
        if target not in frame.columns:
            frame = set_columns(frame, nulls(target, pl.String(), frame.height))
        if source in frame.columns and frame.height:
            pairs.append((target, source))
    if not pairs:
        return frame
    # The rows to fill of each column: every row or none when the null counts tell (no query),
    # else those of both columns in one query (each Series method was one), taken by
    # ``filter``, which is none: a followed update's few rows paid those queries' fixed cost.
    everys = {
        target: _every_row([(frame[target], True), (frame[source], False)])
        for target, source in pairs
    }
    unknown = [(target, source) for target, source in pairs if everys[target] is None]
    masks = (
        pl.DataFrame(
            [frame.get_column(name) for name in {name for pair in unknown for name in pair}]
        ).select(
            (pl.col(target).is_null() & pl.col(source).is_not_null()).alias(target)
            for target, source in unknown
        )
        if unknown
        else None
    )
    missing: dict[str, tuple[str, pl.Series | None]] = {}  # a mask, or None: every row
    for target, source in pairs:
        if everys[target]:
            missing[target] = (source, None)
        elif masks is not None and target in masks.columns and masks.get_column(target).any():
            missing[target] = (source, masks.get_column(target))
    if not missing:
        return frame
    # Each distinct value once (a prompt's reference repeats on every generation), and both
    # columns' values replaced by their normalized forms in one query.
    found = [
        frame[source] if mask is None else frame[source].filter(mask)
        for source, mask in missing.values()
    ]
    both = pl.concat(found)
    values = both.unique()
    normalized = _normalized(values)
    both = both.replace_strict(values, normalized, default=None)
    start = 0
    for (target, (_source, mask)), some in zip(missing.items(), found, strict=True):
        rows = np.arange(frame.height) if mask is None else np.flatnonzero(mask.to_numpy())
        frame = set_columns(frame, frame[target].scatter(rows, both.slice(start, len(some))))
        start += len(some)
    return frame


def reference_match_expr(answer: str, reference: str) -> pl.Expr:
    """The normalized ``answer`` column equals the normalized ``reference`` column, or any of its
    aliases: a reference with several acceptable answers holds them normalized one per line
    (``formats.base.VOTE_ALIAS_SEPARATOR``; a normalized answer holds no whitespace, so a
    single reference is its own one line). Null where either is null, as ``==``."""
    aliases = pl.col(reference).str.split("\n")
    return (
        pl.when(pl.col(answer).is_not_null() & pl.col(reference).is_not_null())
        .then(aliases.list.contains(pl.col(answer)))
        .otherwise(None)
    )


def extract_answer(text: str) -> str | None:
    """The final answer in ``text``, or None (same rules as :func:`extract_answers`)."""
    return extract_answers(pl.Series("gen", [text], dtype=pl.String))[0]  # type: ignore[no-any-return]


_UNIT_GAP = r"(?:\s|\\[,;: ])*"
#: A unit on the right of an answer, as MATH writes it: ``5.4\text{ cents}``,
#: ``15\mbox{ cm}^2``, ``\frac{270}7\text{ degrees}``: a ``\text{}``/``\mbox{}`` of words
#: (a square or cube after it) ending the answer, after a digit or opening with a space (MATH's
#: convention for a unit: Hendrycks' ``_remove_right_units`` drops what follows ``\text{ ``,
#: SkyThought's and Qwen2.5-Math's ``strip_answer_string`` a trailing ``\text{…}`` and every
#: ``\mbox{…}``). A word alone (``\text{Evelyn}``) is the answer, and one after a word
#: without the space (``\text{A}\text{B}``) is kept.
_RIGHT_UNIT = (
    rf"(?:(\d){_UNIT_GAP}\\(?:text|mbox)\{{\s*|(\S){_UNIT_GAP}\\(?:text|mbox)\{{\s+)"
    r"[A-Za-z][A-Za-z .]*\}(?:\^\{?[23]\}?)?[\s$.]*$"
)


def _cleaned(expr: pl.Expr) -> pl.Expr:
    """Spacing, ``$`` (and ``\\$``), ``\\left``/``\\right``, ``\\!``, ``\\dfrac``, a degree sign
    (``^\\circ``), an outer brace pair, a trailing period and a trailing percent sign (``10\\%``
    is 10, as MATH's graders read it) removed; ``\\text{…}`` (``\\mbox``, ``\\mathrm``,
    ``\\textbf``) unwrapped, the brace-less one-digit arguments LaTeX allows braced
    (``\\frac43``, ``\\frac 59``, ``\\frac{270}7``, ``\\sqrt2``) braced and a sub- or
    superscript's one braced character unbraced (``4210_{5}`` is ``4210_5``, ``x^{2}`` is
    ``x^2``), as MATH's references write them and models do not; a choice letter in parentheses
    is the letter (``\\text{(C)}``, ``(C)``: ``C``), a one-letter variable's value the value
    (``x=5``: ``5``), and a decimal point opens with its zero (``.0000672``: ``0.0000672``, past
    the six places a plain number's spelling is evened out to); a unit on the right dropped
    (:data:`_RIGHT_UNIT`)."""
    return (
        expr.str.replace(_RIGHT_UNIT, "${1}${2}")
        .str.replace_all(r"\\left|\\right|\\!|\\?\$|\s|\^\{?\\circ\}?", "")
        .str.replace_all(r"\\(?:text|textbf|mbox|mathrm)\{([^{}]*)\}", "$1")
        .str.replace_all(r"\\[dt]frac", r"\frac")
        .str.replace_all(r"\\frac(\d)(\d)", r"\frac{$1}{$2}")
        .str.replace_all(r"\\frac(\d)\{", r"\frac{$1}{")
        .str.replace_all(r"\\frac\{([^{}]*)\}(\d)", r"\frac{$1}{$2}")
        .str.replace_all(r"\\sqrt(\d)", r"\sqrt{$1}")
        .str.replace_all(r"([_^])\{([^{}\\])\}", "$1$2")
        .str.replace_all(r"^\{(.*)\}$", "$1")
        .str.strip_chars_end(".")
        .str.replace(r"\\?%$", "")
        .str.replace(r"^\(([A-Z])\)$", "$1")
        .str.replace(r"^[A-Za-z]=([^=]+)$", "$1")
        .str.replace(r"^(-?)\.(\d)", "${1}0.$2")
    )


def _ungrouped(cleaned: pl.Expr) -> pl.Expr:
    """Thousands separators dropped from a plain grouped number (``1,234.5``)."""
    grouped = r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"
    return (
        pl.when(cleaned.str.contains(grouped))
        .then(cleaned.str.replace_all(",", ""))
        .otherwise(cleaned)
    )


def _fraction(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace(r"^(-?)\\frac\{(\d{1,9})\}\{(\d{1,9})\}$", "$1$2/$3")


def _number_parts(fraction: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Numerator, denominator (of an integer fraction) and decimal value of ``fraction``."""
    numerator = fraction.str.extract(r"^(-?\d{1,9})/\d{1,9}$", 1).cast(pl.Float64, strict=False)
    denominator = fraction.str.extract(r"^-?\d{1,9}/(\d{1,9})$", 1).cast(pl.Float64, strict=False)
    decimal = fraction.str.extract(r"^(-?(?:\d{1,12}(?:\.\d{1,6})?|\.\d{1,6}))$", 1).cast(
        pl.Float64, strict=False
    )
    return numerator, denominator, decimal


def _number_text(
    expr: pl.Expr, numerator: pl.Expr, denominator: pl.Expr, decimal: pl.Expr
) -> pl.Expr:
    """The canonical spelling of a plain number (see :func:`_canonical_number`), else ``expr``."""
    ratio = numerator / denominator
    scaled = ratio * 1e6
    exact_ratio = pl.when((denominator != 0) & ((scaled - scaled.round()).abs() < 1e-6)).then(ratio)
    value = pl.coalesce(exact_ratio, decimal).round(6) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = value.cast(pl.String).str.replace(r"\.0$", "")
    # Any other integer fraction in LaTeX's spelling: 5/6 is \frac{5}{6}.
    latex = expr.str.replace(r"^(-?)(\d{1,9})/(\d{1,9})$", r"$1\frac{$2}{$3}")
    return pl.coalesce(text, latex)


def _canonical_number(expr: pl.Expr) -> pl.Expr:
    """Plain numbers in one spelling: ``0.50``, ``.5``, ``1/2``, ``\\frac{1}{2}`` → ``0.5``; ``2.0`` → ``2``.

    Safe by construction: only integers (≤ 12 digits), decimals (≤ 6 places) and integer fractions
    whose value is a decimal of at most 6 places are rewritten to it; any other integer fraction
    to LaTeX's spelling (``1/3`` → ``\\frac{1}{3}``, its value unchanged).
    """
    return _number_text(expr, *_number_parts(_fraction(expr)))


def normalize_expr(expr: pl.Expr) -> pl.Expr:
    """Answers that differ only in spacing, ``$``, ``\\left``/``\\right``, ``\\!``, ``\\dfrac``,
    thousands separators, a trailing period or percent sign, a choice letter's parentheses, a
    one-letter variable or the spelling of a plain number or fraction vote together (see
    :func:`_cleaned`).

    As one expression each intermediate value is written out wherever it is used (~100 regex
    steps, each compiled when evaluated: ~6 ms whatever the rows); :func:`normalize_values`
    evaluates the same steps once each."""
    return _canonical_number(_ungrouped(_cleaned(expr)))


def normalize_values(values: pl.Series) -> pl.Series:
    """:func:`normalize_expr` of ``values`` (same values), each intermediate column computed
    once: 12 regexes compiled per call instead of ~100 (what a followed update's few new
    answers paid most of their normalizing for)."""
    v, c, f, n, d, x = "_v", "_c", "_f", "_n", "_d", "_x"
    numerator, denominator, decimal = _number_parts(pl.col(f))
    return (
        pl.LazyFrame([values.alias(v)])
        .select(_cleaned(pl.col(v)).alias(c))
        .with_columns(_ungrouped(pl.col(c)).alias(c))
        .with_columns(_fraction(pl.col(c)).alias(f))
        .with_columns(numerator.alias(n), denominator.alias(d), decimal.alias(x))
        .select(_number_text(pl.col(c), pl.col(n), pl.col(d), pl.col(x)).alias(values.name))
        # A followed update's few new answers on the in-memory engine: the default (streaming)
        # engine started its executor for them, ~0.3 ms more CPU per call for 10-128 values;
        # a load's thousands keep the default, which runs them in parallel.
        .collect(engine="in-memory" if len(values) < SMALL_NORMALIZE else "auto")
        .to_series()
    )


#: Below this many values :func:`normalize_values` runs on polars' in-memory engine.
SMALL_NORMALIZE = 4096


def normalized_each(distinct: list[str]) -> dict[str, str | None]:
    """Each of the ``distinct`` values and :func:`normalize_values` of it, normalized in one
    query (a reference's aliases, made into ``vote_reference`` or matched against it)."""
    values = normalize_values(pl.Series("v", distinct, dtype=pl.String))
    return dict(zip(distinct, values, strict=True))


#: :func:`_normalized` takes values from (and keeps them in) its memory for calls of at most this
#: many distinct values (a followed update's few new answers and references); larger calls (a
#: file's) go to :func:`normalize_values` alone.
MEMO_CALL_VALUES = 256
#: Values the memory holds at most; past that it starts over.
MEMO_VALUES = 8192
_memo: list[dict[str, str | None]] = [{}]
"""The memory of normalized values (replaced when full, never emptied under another thread)."""


def _normalized(values: pl.Series) -> pl.Series:
    """:func:`normalize_values` of ``values`` (distinct, not null): a small call's values seen
    before are taken from a memory rather than normalized again. A followed update's answers
    and references are mostly values met in earlier updates ("0", a prompt's reference on each
    of its generations), and the 12 regexes' query costs ~2 ms of CPU whatever the rows."""
    if len(values) > MEMO_CALL_VALUES:
        return normalize_values(values)
    memo = _memo[0]
    keys: list[str] = values.to_list()
    known = [memo.get(key, _UNKNOWN) for key in keys]
    missing = [key for key, value in zip(keys, known, strict=True) if value is _UNKNOWN]
    if missing:
        done = normalize_values(pl.Series(values.name, missing, dtype=pl.String)).to_list()
        fresh = dict(zip(missing, done, strict=True))
        if len(memo) + len(fresh) > MEMO_VALUES:
            _memo[0] = dict(fresh)
        else:
            memo.update(fresh)
        known = [fresh[k] if v is _UNKNOWN else v for k, v in zip(keys, known, strict=True)]
    return pl.Series(values.name, known, dtype=pl.String)


_UNKNOWN = object()


def normalize(answer: str) -> str:
    """One answer normalized for voting (same rules as :func:`normalize_expr`)."""
    result = pl.select(normalize_expr(pl.lit(answer, dtype=pl.String)).alias("a")).item()
    return str(result)

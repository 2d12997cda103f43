"""One expression language for the app's filter bar and ``evaltui export --where``.

    accuracy < 0.2 and max_len > 8000               (the names on screen)
    average_accuracy < 0.2 and max_gen_length > 8000 (the combined JSON's keys)
    n >= 8 and not (correct == 0)
    prompt ~ "triangle"          (regex, smart case: case-insensitive unless it has a capital)
    answer in ["12", "42"]  ·  run not in ["a"]
    max_gen_length - avg_gen_length > 1000   (+ - * / and parentheses)
    answer != "42" or pass@1 > 0.3
    prompt_score is not null

Names are the Stats table's columns or the names the app shows for them
(:mod:`evaltui.data.columns`); backquotes for anything else (`` `max len` ``). A hand-written
tokenizer and parser turn the text into a polars expression: nothing is evaluated as Python, no
SQL is built from strings. Every malformed text is a :class:`QueryError` saying what is wrong and
where (a 0-based character position), never another exception. ``and``/``or`` chains become one
flat ``all_horizontal``/``any_horizontal`` (a left-deep chain costs polars' optimiser ~n³), and
length, nesting and term counts are bounded so a pasted monster fails fast with a clear message.
"""

from __future__ import annotations

import difflib
import math
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from evaltui.data.columns import known_names, resolve_column
from evaltui.data.metrics import SCORE_NAMES, ScoreKind
from evaltui.data.sanitize import one_line, one_line_middle
from evaltui.data.triage import SUSPECT_EXPR, TRUNCATED_EXPR

MAX_LENGTH = 100_000
"""Characters in one filter."""
MAX_DEPTH = 40
"""Nested parentheses."""
MAX_CONDITIONS = 2_000
"""Comparisons and tests in one filter (each is cheap: and/or are flat)."""
MAX_ARITHMETIC = 100
"""Arithmetic operators in one filter (polars' cost grows with their nesting)."""


class QueryError(ValueError):
    """An expression that cannot be used; ``message`` for the user, ``position`` in the text."""

    def __init__(self, message: str, position: int | None = None, *, field: str = "where") -> None:
        super().__init__(message if position is None else f"{message} (at column {position + 1})")
        self.message = message
        self.position = position
        self.field = field
        """What was wrong: the ``where`` expression, the ``quick`` filter or the ``sort``."""


def error_text(message: str, position: int | None) -> str:
    """How a filter error reads, the same in the app's filter bar and ``export --where``:
    the message, then where (``unknown column 'foo' at column 1``)."""
    return message if position is None else f"{message} at column {position + 1}"


class QueryCancelled(Exception):
    """A view computation stopped because a newer one was asked for."""


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<quoted>`[^`]+`)
  | (?P<op><=|>=|==|!=|!~|&&|\|\||[<>=~!()\[\],+*/-])
  | (?P<name>[A-Za-z_][A-Za-z0-9_@.]*)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "is", "in", "null", "true", "false", "none"}
_COMPARE = {"<", "<=", ">", ">=", "==", "=", "!=", "~", "!~"}


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    pos: int
    end: int


def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            if text[pos] in "\"'":
                raise QueryError(f"unterminated string (no closing {text[pos]})", pos)
            if text[pos] == "`":
                raise QueryError("unterminated `name` (no closing `)", pos)
            raise QueryError(f"unexpected character {text[pos]!r}", pos)
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "name" and value.lower() in _KEYWORDS:
            kind, value = "kw", value.lower()
        elif kind == "op" and value in {"&&", "||", "!"}:
            kind, value = "kw", {"&&": "and", "||": "or", "!": "not"}[value]
        if kind != "ws":
            tokens.append(_Tok(kind, value, pos, match.end()))
        pos = match.end()
    tokens.append(_Tok("end", "", len(text), len(text)))
    return tokens


def _unquote(text: str) -> str:
    """The string's value: ``\\"``, ``\\'`` and ``\\\\`` are escapes; any other backslash stays, so a
    regex can be written as is (``"\\d+"``, ``"\\S*"``)."""
    return re.sub(r"\\([\\\"'])", r"\1", text[1:-1])


_ESCAPES = re.compile(r"\\[pP]\{[^}]*\}|\\.")


def is_case_sensitive(pattern: str, *, regex: bool = True) -> bool:
    """Smart case, as in ripgrep and less: a pattern with a capital letter matches case; one
    without ignores it. In a regex, escapes (``\\S``, ``\\W``, ``\\p{Lu}``) are not capitals."""
    literal = _ESCAPES.sub("", pattern) if regex else pattern
    return any(c.isupper() for c in literal)


def smart_case_regex(pattern: str) -> str:
    """``pattern`` for polars' regex engine with smart case applied (``(?-i)`` inside still wins)."""
    return pattern if is_case_sensitive(pattern) else f"(?i){pattern}"


def check_regex(pattern: str) -> str | None:
    """Why polars' (Rust) regex engine rejects ``pattern``, or None when it accepts it.

    Python's ``re`` accepts look-around and back-references that the Rust engine does not, so
    a filter is checked with the engine that will run it."""
    try:
        pl.select(pl.lit("").str.contains(pattern))
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        text = str(exc)
        if "size limit" in text:
            return "the regex is too large for the regex engine (repetitions multiply)"
        for line in text.splitlines():
            if line.strip().startswith("error:"):
                return line.strip()[len("error:") :].strip()
        first = text.splitlines()[0] if text else type(exc).__name__
        return first.removeprefix("regex error:").strip()
    return None


@dataclass(frozen=True, slots=True)
class _Val:
    """A parsed operand: its expression, kind (num, str, bool, null, list) and where it is."""

    expr: Any
    kind: str
    pos: int
    end: int
    literal: Any = None
    """The Python value of a literal (strings stay strings for regexes and lists)."""
    is_literal: bool = False
    inexact: bool = False
    """A number that may carry a rounding error (a float column, arithmetic): compared as equal
    to a number a rounding error away (:func:`_near_compare`). Counts and typed numbers are
    compared exactly."""


class _Parser:
    """or := and ('or' and)* ; and := not ('and' not)* ; not := 'not'* test
    test := sum (CMP sum | 'is' ['not'] 'null' | ['not'] 'in' '[' literals ']')?
    sum := prod (('+'|'-') prod)* ; prod := unary (('*'|'/') unary)* ; unary := '-'* atom
    atom := '(' or ')' | number | string | true | false | null | name"""

    def __init__(self, text: str, columns: Mapping[str, pl.DataType]) -> None:
        if len(text) > MAX_LENGTH:
            raise QueryError(
                f"the filter is {len(text):,} characters long; at most {MAX_LENGTH:,}", MAX_LENGTH
            )
        self.text = text
        self.columns = columns
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0
        self.conditions = 0
        self.arithmetic = 0

    def peek(self) -> _Tok:
        return self.tokens[self.index]

    def take(self) -> _Tok:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, *texts: str) -> bool:
        token = self.peek()
        return token.kind == kind and (not texts or token.text in texts)

    def expect(self, kind: str, text: str | None = None) -> _Tok:
        token = self.take()
        if token.kind != kind or (text is not None and token.text != text):
            wanted = text or kind
            found = token.text or "the end"
            raise QueryError(f"expected {wanted!r}, found {found!r}", token.pos)
        return token

    def parse(self) -> pl.Expr:
        if self.at("end"):
            return pl.lit(True)
        value = self.or_()
        token = self.peek()
        if token.kind != "end":
            raise QueryError(f"unexpected {token.text!r} (missing 'and'/'or'?)", token.pos)
        expr: pl.Expr = self.condition(value).expr
        return expr

    # --- boolean structure (flat, no recursion per term) -------------------------------------

    def condition(self, value: _Val) -> _Val:
        if value.kind != "bool":
            shown = self.text[value.pos : value.end].strip()
            if len(shown) > 40:
                shown = shown[:39] + "…"
            raise QueryError(
                f"expected a comparison after {shown!r} (e.g. '< 0.5', '~ \"regex\"')",
                self.peek().pos,
            )
        return value

    def or_(self) -> _Val:
        terms = [self.and_()]
        while self.at("kw", "or"):
            self.condition(terms[-1])
            self.take()
            terms.append(self.condition(self.and_()))
        if len(terms) == 1:
            return terms[0]
        expr = pl.any_horizontal([t.expr for t in terms])
        return _Val(expr, "bool", terms[0].pos, terms[-1].end, is_literal=_all_literal(terms))

    def and_(self) -> _Val:
        terms = [self.not_()]
        while self.at("kw", "and"):
            self.condition(terms[-1])
            self.take()
            terms.append(self.condition(self.not_()))
        if len(terms) == 1:
            return terms[0]
        expr = pl.all_horizontal([t.expr for t in terms])
        return _Val(expr, "bool", terms[0].pos, terms[-1].end, is_literal=_all_literal(terms))

    def not_(self) -> _Val:
        start = self.peek().pos
        negations = 0
        while self.at("kw", "not"):
            self.take()
            negations += 1
        value = self.test()
        if negations == 0:
            return value  # a condition, or arithmetic inside parentheses
        value = self.condition(value)
        if negations % 2 == 0:
            return value
        return _Val(~value.expr, "bool", start, value.end, is_literal=value.is_literal)

    # --- tests -------------------------------------------------------------------------------

    def count_condition(self, token: _Tok) -> None:
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise QueryError(
                f"too many conditions in one filter (at most {MAX_CONDITIONS:,})", token.pos
            )

    def test(self) -> _Val:
        left = self.sum_()
        token = self.peek()
        if token.kind == "kw" and token.text == "is":
            self.take()
            negate = self.at("kw", "not")
            if negate:
                self.take()
            end = self.expect("kw", "null").end
            self.count_condition(token)
            if left.is_literal or left.kind == "null":
                raise QueryError("'is null' tests a column, e.g. 'answer is null'", token.pos)
            tested = left.expr.is_not_null() if negate else left.expr.is_null()
            return _Val(tested, "bool", left.pos, end)
        if token.kind == "kw" and token.text in {"in", "not"}:
            if token.text == "not":
                if (
                    self.tokens[self.index + 1].kind != "kw"
                    or self.tokens[self.index + 1].text != "in"
                ):
                    return left
                self.take()
            self.take()
            self.count_condition(token)
            return self.membership(left, token, negate=token.text == "not")
        if token.kind == "op" and token.text in _COMPARE:
            self.take()
            right = self.sum_()
            self.count_condition(token)
            return self.compare(token, left, right)
        return left

    def membership(self, left: _Val, op: _Tok, *, negate: bool) -> _Val:
        self.expect("op", "[")
        items: list[_Val] = []
        while not self.at("op", "]"):
            if items:
                self.expect("op", ",")
                if self.at("op", "]"):
                    break  # a trailing comma
            token = self.peek()
            sign = 1.0
            if self.at("op", "-"):
                self.take()
                sign = -1.0
            item = self.atom()
            if not item.is_literal or item.kind in {"null", "list"}:
                raise QueryError("a list holds quoted texts or numbers, e.g. [1, 2]", token.pos)
            if sign < 0:
                if item.kind != "num":
                    raise QueryError("'-' applies to numbers", token.pos)
                item = replace(item, literal=-item.literal)
            items.append(item)
        end = self.expect("op", "]").end
        if left.kind in {"null", "list"}:
            raise QueryError(f"'in' cannot test a {_KIND_NAMES[left.kind]}", op.pos)
        kinds = {item.kind for item in items}
        if kinds - {left.kind} and not (left.kind in {"num", "bool"} and kinds <= {"num", "bool"}):
            found = ", ".join(sorted(_KIND_NAMES[k] for k in kinds))
            raise QueryError(
                f"cannot look for a {_KIND_NAMES[left.kind]} among {found} values", op.pos
            )
        if left.kind == "str":
            values = pl.Series([item.literal for item in items], dtype=pl.String)
            tested = left.expr.is_in(values.implode())
        else:
            values = pl.Series([float(item.literal) for item in items], dtype=pl.Float64)
            tested = left.expr.cast(pl.Float64).is_in(values.implode())
        expr = ~tested if negate else tested
        return _Val(expr, "bool", left.pos, end, is_literal=left.is_literal)

    def compare(self, op: _Tok, left: _Val, right: _Val) -> _Val:
        literal = left.is_literal and right.is_literal
        if op.text in {"~", "!~"}:
            if left.kind != "str" or left.is_literal or right.kind != "str" or not right.is_literal:
                raise QueryError(
                    "'~' matches a text column against a quoted regex, e.g. prompt ~ \"x\"",
                    op.pos,
                )
            pattern = smart_case_regex(right.literal)
            problem = check_regex(pattern)
            if problem is not None:
                raise QueryError(f"invalid regex: {problem}", right.pos)
            match = left.expr.str.contains(pattern)
            return _Val(~match if op.text == "!~" else match, "bool", left.pos, right.end)
        if "null" in (left.kind, right.kind):
            raise QueryError("compare with null using 'is null' / 'is not null'", op.pos)
        if "list" in (left.kind, right.kind):
            raise QueryError("list columns (gen_lengths) cannot be compared", op.pos)
        if {left.kind, right.kind} - {"num", "bool"} and left.kind != right.kind:
            hint = ""
            for value in (left, right):
                if value.is_literal and value.kind == "num":  # answer == 42: answers are text
                    hint = f' (a text is quoted: "{self.text[value.pos : value.end].strip()}")'
            raise QueryError(
                f"cannot compare a {_KIND_NAMES[left.kind]} with a {_KIND_NAMES[right.kind]}"
                + hint,
                op.pos,
            )
        lhs, rhs = left.expr, right.expr
        if left.kind == "num" and right.kind == "num" and (left.inexact or right.inexact):
            return _Val(
                _near_compare(op.text, lhs, rhs), "bool", left.pos, right.end, is_literal=literal
            )
        ops = {
            "<": lambda: lhs < rhs,
            "<=": lambda: lhs <= rhs,
            ">": lambda: lhs > rhs,
            ">=": lambda: lhs >= rhs,
            "==": lambda: lhs == rhs,
            "=": lambda: lhs == rhs,
            "!=": lambda: lhs != rhs,
        }
        return _Val(ops[op.text](), "bool", left.pos, right.end, is_literal=literal)

    # --- arithmetic --------------------------------------------------------------------------

    def arithmetic_operator(self, op: _Tok, *values: _Val) -> None:
        self.arithmetic += 1
        if self.arithmetic > MAX_ARITHMETIC:
            raise QueryError(
                f"too many arithmetic operators in one filter (at most {MAX_ARITHMETIC})", op.pos
            )
        for value in values:
            if value.kind != "num":
                raise QueryError(
                    f"'{op.text}' works on numbers, not on a {_KIND_NAMES[value.kind]}", op.pos
                )

    @staticmethod
    def number(value: _Val) -> pl.Expr:
        # Arithmetic in floats: UInt32 counts would wrap below zero and cannot be negated.
        expr: pl.Expr = value.expr.cast(pl.Float64)
        return expr

    def sum_(self) -> _Val:
        value = self.product()
        while self.at("op", "+", "-"):
            op = self.take()
            right = self.product()
            self.arithmetic_operator(op, value, right)
            left, other = self.number(value), self.number(right)
            expr = left + other if op.text == "+" else left - other
            value = _arithmetic(expr, value, right)
        return value

    def product(self) -> _Val:
        value = self.unary()
        while self.at("op", "*", "/"):
            op = self.take()
            right = self.unary()
            self.arithmetic_operator(op, value, right)
            left, other = self.number(value), self.number(right)
            # x / 0 is null ("unknown"), not NaN, which polars orders above every number.
            expr = left * other if op.text == "*" else pl.when(other != 0).then(left / other)
            value = _arithmetic(expr, value, right)
        return value

    def unary(self) -> _Val:
        start = self.peek()
        negations = 0
        while self.at("op", "-"):
            self.take()
            negations += 1
        value = self.atom()
        if negations == 0:
            return value
        self.arithmetic_operator(start, value)
        if negations % 2 == 0:
            return value
        if value.is_literal:
            return _Val(pl.lit(-value.literal), "num", start.pos, value.end, -value.literal, True)
        return _Val(-self.number(value), "num", start.pos, value.end, inexact=value.inexact)

    def atom(self) -> _Val:
        token = self.take()
        if token.kind == "op" and token.text == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(f"parentheses nested too deeply (at most {MAX_DEPTH})", token.pos)
            value = self.or_()
            end = self.expect("op", ")").end
            self.depth -= 1
            return replace(value, pos=token.pos, end=end)
        if token.kind == "number":
            number = float(token.text)
            return _Val(pl.lit(number), "num", token.pos, token.end, number, True)
        if token.kind == "string":
            text = _unquote(token.text)
            return _Val(pl.lit(text), "str", token.pos, token.end, text, True)
        if token.kind == "kw" and token.text in {"true", "false"}:
            flag = token.text == "true"
            return _Val(pl.lit(flag), "bool", token.pos, token.end, flag, True)
        if token.kind == "kw" and token.text in {"null", "none"}:
            return _Val(None, "null", token.pos, token.end, None, True)
        if token.kind in {"name", "quoted"}:
            name = token.text.strip("`") if token.kind == "quoted" else token.text
            column = resolve_column(name, self.columns)
            if column is None:
                close = difflib.get_close_matches(name, known_names(self.columns), n=3, cutoff=0.5)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise QueryError(f"unknown column {name!r}{hint}", token.pos)
            dtype = self.columns[column]
            return _Val(
                pl.col(column), _kind(dtype), token.pos, token.end, inexact=dtype.is_float()
            )
        found = token.text or "the end"
        raise QueryError(f"expected a column name or a value, found {found!r}", token.pos)


NEAR = 1e-9
"""Two numbers this close (relative to the larger, at least 1) are equal to a filter: a rounding
error apart, as the bins count them (:func:`evaltui.data.bins.counts`)."""


def _near_compare(op: str, lhs: pl.Expr, rhs: pl.Expr) -> pl.Expr:
    """``lhs OP rhs`` where numbers a rounding error apart are equal: a fraction run's prompt
    scored 0.2, 0.4 and 0.6 has mean 0.39999999999999997 and one scored 0.1, 0.2 and 0.9 has
    0.4000000000000001, both shown as 0.400; ``average_accuracy < 0.4`` took the first and not
    the second, ``== 0.4`` neither. Infinities are equal only to themselves; NaN as before."""
    left, right = lhs.cast(pl.Float64), rhs.cast(pl.Float64)
    scale = pl.max_horizontal(pl.lit(1.0), left.abs(), right.abs())
    near = (left == right) | (
        left.is_finite() & right.is_finite() & ((left - right).abs() <= NEAR * scale)
    )
    if op == "<":
        return (left < right) & ~near
    if op == "<=":
        return (left <= right) | near
    if op == ">":
        return (left > right) & ~near
    if op == ">=":
        return (left >= right) | near
    if op in {"==", "="}:
        return near
    return ~near


def _arithmetic(expr: pl.Expr, left: _Val, right: _Val) -> _Val:
    """The number ``left OP right`` computes as ``expr``: a float that may carry a rounding
    error (compared as :func:`_near_compare` does)."""
    return _Val(
        expr, "num", left.pos, right.end, is_literal=_all_literal([left, right]), inexact=True
    )


_KIND_NAMES = {"num": "number", "str": "text", "bool": "true/false", "null": "null", "list": "list"}


def _all_literal(values: list[_Val]) -> bool:
    return all(v.is_literal for v in values)


def _kind(dtype: pl.DataType) -> str:
    if dtype.is_numeric():
        return "num"
    if dtype == pl.Boolean:
        return "bool"
    if isinstance(dtype, pl.List):
        return "list"
    return "str"


def parse_filter(text: str, columns: Mapping[str, pl.DataType]) -> pl.Expr:
    """The polars expression for ``text`` over ``columns``; empty text keeps every row.

    Raises :class:`QueryError` for anything that is not a valid filter, whatever the text."""
    try:
        return _Parser(text, columns).parse()
    except RecursionError:  # bounded above; a deep caller stack could still get here
        raise QueryError("the filter is nested too deeply", 0) from None


def text_condition(needle: str) -> pl.Expr:
    """Rows whose prompt or answer contains ``needle`` (literally), smart case."""
    columns = [pl.col("prompt"), pl.col("answer").fill_null("")]
    if not is_case_sensitive(needle, regex=False):
        needle = needle.lower()
        columns = [c.str.to_lowercase() for c in columns]
    return pl.any_horizontal([c.str.contains(needle, literal=True) for c in columns])


#: One-key quick filters: key -> (label, expression over the Stats table).
QUICK_FILTERS: dict[str, tuple[str, pl.Expr]] = {
    "never": ("never solved", (pl.col("n_scored") > 0) & (pl.col("n_correct") == 0)),
    "flaky": ("flaky", (pl.col("n_correct") > 0) & (pl.col("n_correct") < pl.col("n_scored"))),
    "always": (
        "always solved",
        (pl.col("n_scored") > 0) & (pl.col("n_correct") == pl.col("n_scored")),
    ),
    # triage (evaltui.data.triage): the reference or the grader looks wrong; hit the length cap
    "suspect": ("suspect reference or grader", SUSPECT_EXPR),
    "truncated": ("some generation hit the length cap", TRUNCATED_EXPR),
    # after a re-score: the stored and the new score disagree on some generation's verdict
    "disagree": ("stored and new scores disagree", pl.col("n_flipped") > 0),
}

#: Why a quick filter finds no columns to look at.
QUICK_NEEDS = {
    "disagree": "'disagree' needs a re-score (evaltui rescore, or --rescore NAME): without one "
    "there are no stored and new scores to compare",
} | {
    name: f"{name!r} needs the load's stats columns ({', '.join(expr.meta.root_names())})"
    for name, (_, expr) in QUICK_FILTERS.items()
    if name != "disagree"
}


#: Quick filters that read each prompt's correct count: a run whose score has no threshold for
#: "correct" (a bleu, an mae without --correct-threshold) has none, and never matches them.
JUDGED_QUICK = ("never", "flaky", "always")


def quick_unjudged(
    stats: pl.DataFrame, quick: str | None, run: str | None = None
) -> tuple[str, bool] | None:
    """Why the quick filter ``quick`` leaves out prompts of ``stats`` (of ``run``, when given)
    whatever their scores: the scored runs with no "correct" named (labels made safe, ten at
    most), and whether some other run's prompts can match; None when no run is left out.
    "never solved" of an mae run wrote 0 prompts, said as if none was."""
    if quick not in JUDGED_QUICK or "correct_threshold" not in stats.columns:
        return None
    rows = stats if run is None else stats.filter(pl.col("run") == run)
    unjudged = rows.filter(pl.col("correct_threshold").is_null() & (pl.col("n_scored") > 0))
    if unjudged.height == 0:
        return None
    runs = unjudged.group_by("run", maintain_order=True).agg(
        pl.col("score_metric").first(), pl.col("higher_is_better").first()
    )
    named = []
    for label, metric, higher in runs.head(10).iter_rows():
        direction = {True: "higher is better", False: "lower is better", None: "no direction"}
        what = f"{one_line(metric, 40)}, " if metric else ""
        named.append(f"{one_line_middle(str(label), 60)} ({what}{direction[higher]})")
    more = f" and {runs.height - 10:,} more" if runs.height > 10 else ""
    judged = rows.filter(pl.col("correct_threshold").is_not_null()).height > 0
    one = runs.height == 1
    message = (
        f"{QUICK_FILTERS[quick][0]!r} counts correct generations, and the "
        + ("score of " if one else "scores of ")
        + ", ".join(named)
        + more
        + (" is no accuracy" if one else " are no accuracies")
        + ", with no threshold for correct: "
        + (
            ("its" if one else "their") + " prompts never match"
            if judged
            else "no prompt can match"
        )
        + " (give --correct-threshold X: correct when the score is >= X, <= X when lower is better)"
    )
    return message, judged


def where_scale_note(stats: pl.DataFrame, where: str, run: str | None = None) -> str | None:
    """What the filter ``where`` compares when it reads a prompt's mean score
    (``accuracy``/``average_accuracy``) and a run in ``stats`` (``run``'s, when given) is no
    accuracy: that run's mean in its own units and direction (labels made safe, ten at most),
    else None. ``--where "accuracy < 0.2"`` (the hard prompts) of an mae run, lower is better,
    took its best prompts, and of a 0-100 bleu nearly none, without a word."""
    if not where.strip() or "score_kind" not in stats.columns:
        return None
    try:
        names = parse_filter(where, stats.schema).meta.root_names()
    except QueryError:
        return None
    if "average_accuracy" not in names:
        return None
    from evaltui.data.metrics import run_kinds

    rows = stats if run is None else stats.filter(pl.col("run") == run)
    other = [kind for kind in run_kinds(rows).values() if kind.kind == "continuous"]
    if not other:
        return None
    described = [
        f"{one_line_middle(kind.run, 60)}: {one_line(kind.describe(), 120)}" for kind in other[:10]
    ]
    more = f"; and {len(other) - 10:,} more" if len(other) > 10 else ""
    return (
        "the filter reads each prompt's mean score, which is no 0-1 accuracy for "
        + "; ".join(described)
        + more
        + " (where lower is better, the hard prompts are those with the high means)"
        * any(k.higher_is_better is False for k in other)
    )


HARD_SHARE = 0.2
"""How far into a score's range, from its bad end, a filter's example of the hard prompts goes:
``accuracy < 0.2``."""


def filter_example(kinds: Mapping[str, ScoreKind]) -> str:
    """A filter of the hard prompts on the measure these runs have (their :func:`run_kinds`),
    named as the table's column is (:func:`~evaltui.data.columns.display_name`): ``accuracy <
    0.2`` when every scored run's score is an accuracy; else ``mean_score``, below a fifth of a
    0–1 measure (``mean_score < 0.2``: a mean reward or f1), or a fifth into a continuous score's
    range from its bad end (the first scored run's, whose rows the table shows first):
    ``mean_score < 15`` of a bleu_max of 2.8–61, ``mean_score > 230`` of an mae of 103–260,
    lower being better. The filter box suggested ``accuracy < 0.2`` over runs whose column read
    "mean score", which of a 0–100 bleu kept nearly nothing and of an mae the best prompts."""
    scored = [kind for kind in kinds.values() if kind.kind != "unscored"]
    if all(kind.rate for kind in scored):
        return f"accuracy < {HARD_SHARE}"
    first = scored[0]
    if first.accuracy or first.low is None or first.high is None:
        return f"mean_score < {HARD_SHARE}"
    span = (first.high - first.low) * HARD_SHARE
    if first.higher_is_better is False:
        return f"mean_score > {_round_figures(first.high - span)}"
    return f"mean_score < {_round_figures(first.low + span)}"


def _round_figures(value: float, figures: int = 2) -> str:
    """``value`` to ``figures`` significant figures, as a filter writes a number (``230``,
    ``15``, ``0.012``, ``1``; never ``2.3e+02`` nor ``0.0030``)."""
    if value == 0 or not math.isfinite(value):
        return "0"
    places = figures - 1 - math.floor(math.log10(abs(value)))
    rounded = round(value, places)
    text = f"{rounded:.{max(places, 0)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if float(text) == 0 else text


SCALED_COLUMNS = frozenset({"average_accuracy", "min_score", "max_score"})
"""The columns in a run's score's own units: sorted within each scale (:func:`scale_key`)."""


def scale_key() -> pl.Expr:
    """A row's score scale, to sort by before a score column: every accuracy (0/1 or 0–1) first
    (""), then each continuous metric by its name (an unnamed one: "~", after the named), runs
    without scores last (null). One scale in view: the same order as the column alone."""
    kind = pl.col("score_kind")
    return (
        pl.when(kind.is_in(["binary", "fraction"]))
        .then(pl.lit(""))
        .when(kind == "continuous")
        # A bare ``score`` names no measure (metrics.named): one scale with an unnamed one.
        .then(pl.col("score_metric").replace(sorted(SCORE_NAMES), None).fill_null("~"))
        .otherwise(None)
    )


def score_scales(stats: pl.DataFrame) -> int:
    """How many score scales (:func:`scale_key`) the scored runs of ``stats`` hold."""
    if not {"score_kind", "score_metric"} <= set(stats.columns):
        return 1
    return int(stats.select(scale_key().drop_nulls().n_unique()).item())


@dataclass(frozen=True, slots=True)
class Sort:
    column: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class View:
    """What the user asked to see: filters and sort. Immutable; ``apply`` builds a new frame."""

    where: str = ""
    """The filter expression text."""
    text: str = ""
    """Substring search over the prompt and answer, smart case (see :func:`is_case_sensitive`)."""
    quick: str | None = None
    """A :data:`QUICK_FILTERS` key."""
    run: str | None = None
    """One run's prompts; None = all runs."""
    sort: Sort | None = None

    def replace(self, **changes: Any) -> View:
        return replace(self, **changes)

    def conditions(self, schema: Mapping[str, pl.DataType]) -> list[pl.Expr] | None:
        """The view's row conditions over ``schema``; None when no row can match. Raises
        :class:`QueryError`."""
        conditions: list[pl.Expr] = []
        if self.where.strip():
            where = parse_filter(self.where, schema)
            if where.meta.root_names():
                conditions.append(where)
            # A filter without a column (``1 < 2``) is decided here: polars rejects a bare
            # literal predicate on large frames ("filter predicate length of 2 doesn't match").
            elif pl.select(where.fill_null(False)).item() is not True:
                return None
        if self.text:
            conditions.append(text_condition(self.text))
        if self.quick is not None:
            quick = QUICK_FILTERS[self.quick][1]
            if any(name not in schema for name in quick.meta.root_names()):
                raise QueryError(QUICK_NEEDS[self.quick], field="quick")
            conditions.append(quick)
        if self.run is not None:
            conditions.append(pl.col("run") == self.run)
        return conditions

    def apply(self, stats: pl.DataFrame, cancelled: threading.Event | None = None) -> pl.DataFrame:
        """The rows of ``stats`` this view shows, in its order. Raises :class:`QueryError`, or
        :class:`QueryCancelled` as soon as ``cancelled`` is set (the query is stopped, not waited
        for)."""
        conditions = self.conditions(stats.schema)
        if conditions == [] and self.sort is None:
            # Every row in its order: the frame itself (frames are never changed in place).
            # A query of nothing was a background query per followed update, ~0.3 ms of CPU.
            return stats
        lazy = stats.lazy()
        if conditions is None:
            lazy = lazy.clear()
        elif conditions:
            lazy = lazy.filter(pl.all_horizontal(conditions).fill_null(False))
        if self.sort is not None:
            column = resolve_column(self.sort.column, stats.columns)
            if column is None:
                raise QueryError(f"unknown sort column {self.sort.column!r}", field="sort")
            keys: list[pl.Expr] = [pl.col(column)]
            if column in SCALED_COLUMNS and {"score_kind", "score_metric"} <= set(stats.columns):
                # Runs of different scales apart: an accuracy run's 0.500 beside a bleu 0-100
                # run's 0.500 (its worst) read as one, a bleu 55.5 above every accuracy.
                keys.insert(0, scale_key())
            lazy = lazy.sort(
                keys,
                descending=[False] * (len(keys) - 1) + [self.sort.descending],
                nulls_last=True,
                maintain_order=True,
            )
        try:
            return _collect(lazy, cancelled)
        except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
            # The parser rules out what it can; anything the engine still refuses is the
            # filter's fault, said as such rather than as a traceback.
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise QueryError(f"cannot evaluate this filter: {reason}") from None

    def describe(
        self, names: Mapping[str, str] | None = None, *, scales: int = 1, run_width: int = 60
    ) -> str:
        """The view in a few words; ``names``: the words a screen shows for columns (the table's
        headers), so that the sort reads as the column the user sees (``sort accuracy ↓``, not
        ``sort average_accuracy ↓``). Shown as it is: the run label (from the input) and the
        typed texts made one safe line, the label cut in the middle as the table shows it.
        ``scales``: how many score scales the rows hold (:func:`score_scales`); a sort by a score
        column over several says its rows are sorted within each. ``run_width``: the cells the
        run label is cut to (in the middle)."""
        parts = []
        if self.where.strip():
            parts.append(one_line(self.where))
        if self.text:
            parts.append(f"text “{one_line(self.text, 80)}”")
        if self.quick is not None:
            parts.append(QUICK_FILTERS[self.quick][0])
        if self.run is not None:
            parts.append(f"run={one_line_middle(self.run, run_width)}")
        if self.sort is not None:
            column = (names or {}).get(self.sort.column, self.sort.column)
            parts.append(f"sort {column} {'↓' if self.sort.descending else '↑'}")
            if scales > 1 and self.sort.column in SCALED_COLUMNS:
                parts[-1] += " (each scale apart)"
        return " · ".join(parts) if parts else "all prompts"


def _collect(lazy: pl.LazyFrame, cancelled: threading.Event | None) -> pl.DataFrame:
    if cancelled is None:
        return lazy.collect()
    if cancelled.is_set():
        raise QueryCancelled
    query = lazy.collect(background=True)
    pause = 0.001
    while (frame := query.fetch()) is None:
        if cancelled.is_set():
            query.cancel()
            # The engine sends its (cancelled) result to this handle when it stops, and aborts
            # the process if the handle is gone by then: keep it alive until that happens.
            threading.Thread(target=_drain, args=(query,), daemon=True).start()
            raise QueryCancelled
        time.sleep(pause)
        pause = min(pause * 2, 0.02)
    return frame


def _drain(query: Any) -> None:
    try:
        query.fetch_blocking()
    except BaseException:
        return

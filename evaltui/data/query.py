"""One expression language for the app's filter bar and ``evaltui export --where``.

    average_accuracy < 0.2 and max_gen_length > 8000
    count >= 8 and not (n_correct == 0)
    prompt ~ "triangle"            (regex, case-sensitive; use (?i) for case-insensitive)
    answer != "42" or pass@1 > 0.3
    prompt_score is not null

Names are the Stats table's columns (``pass@1``, ``maj@8`` included; backquotes for anything
else). A hand-written tokenizer and recursive-descent parser turn the text into a polars
expression: nothing is evaluated as Python, no SQL is built from strings. Errors say what is
wrong and where (a 0-based character position).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import polars as pl


class QueryError(ValueError):
    """An expression that cannot be used; ``message`` for the user, ``position`` in the text."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message if position is None else f"{message} (at column {position + 1})")
        self.message = message
        self.position = position


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<quoted>`[^`]+`)
  | (?P<op><=|>=|==|!=|!~|&&|\|\||[<>=~!()])
  | (?P<name>[A-Za-z_][A-Za-z0-9_@.]*)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "is", "null", "true", "false", "none"}
_COMPARE = {"<", "<=", ">", ">=", "==", "=", "!=", "~", "!~"}


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise QueryError(f"unexpected character {text[pos]!r}", pos)
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "name" and value.lower() in _KEYWORDS:
            kind, value = "kw", value.lower()
        elif kind == "op" and value in {"&&", "||", "!"}:
            kind, value = "kw", {"&&": "and", "||": "or", "!": "not"}[value]
        if kind != "ws":
            tokens.append(_Tok(kind, value, pos))
        pos = match.end()
    tokens.append(_Tok("end", "", len(text)))
    return tokens


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


class _Parser:
    """expr := or ; or := and ('or' and)* ; and := not ('and' not)* ; not := 'not' not | atom
    atom := '(' expr ')' | operand (compare operand | 'is' ['not'] 'null')?"""

    def __init__(self, text: str, columns: Mapping[str, pl.DataType]) -> None:
        self.text = text
        self.columns = columns
        self.tokens = _tokenize(text)
        self.index = 0

    def peek(self) -> _Tok:
        return self.tokens[self.index]

    def take(self) -> _Tok:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, kind: str, text: str | None = None) -> _Tok:
        token = self.take()
        if token.kind != kind or (text is not None and token.text != text):
            wanted = text or kind
            found = token.text or "the end"
            raise QueryError(f"expected {wanted!r}, found {found!r}", token.pos)
        return token

    def parse(self) -> pl.Expr:
        if self.peek().kind == "end":
            return pl.lit(True)
        expr = self.or_()
        token = self.peek()
        if token.kind != "end":
            raise QueryError(f"unexpected {token.text!r} (missing 'and'/'or'?)", token.pos)
        return expr

    def or_(self) -> pl.Expr:
        expr = self.and_()
        while self.peek().kind == "kw" and self.peek().text == "or":
            self.take()
            expr = expr | self.and_()
        return expr

    def and_(self) -> pl.Expr:
        expr = self.not_()
        while self.peek().kind == "kw" and self.peek().text == "and":
            self.take()
            expr = expr & self.not_()
        return expr

    def not_(self) -> pl.Expr:
        if self.peek().kind == "kw" and self.peek().text == "not":
            self.take()
            return ~self.not_()
        return self.atom()

    def atom(self) -> pl.Expr:
        token = self.peek()
        if token.kind == "op" and token.text == "(":
            self.take()
            expr = self.or_()
            self.expect("op", ")")
            return expr
        left, left_type = self.operand()
        token = self.peek()
        if token.kind == "kw" and token.text == "is":
            self.take()
            negate = self.peek().kind == "kw" and self.peek().text == "not"
            if negate:
                self.take()
            self.expect("kw", "null")
            tested: pl.Expr = left.is_not_null() if negate else left.is_null()
            return tested
        if token.kind == "op" and token.text in _COMPARE:
            self.take()
            right_token = self.peek()
            right, right_type = self.operand()
            return self.compare(token, left, left_type, right, right_type, right_token)
        if left_type == "bool":
            flag: pl.Expr = left
            return flag
        raise QueryError(
            f"expected a comparison after {self.text[self.tokens[self.index - 1].pos : token.pos].strip()!r}"
            " (e.g. '< 0.5', '~ \"regex\"')",
            token.pos,
        )

    def operand(self) -> tuple[Any, str]:
        """An expression (column or literal) and its kind: num, str, bool, null, list."""
        token = self.take()
        if token.kind == "number":
            return pl.lit(float(token.text)), "num"
        if token.kind == "string":
            return _unquote(token.text), "str"
        if token.kind == "kw" and token.text in {"true", "false"}:
            return pl.lit(token.text == "true"), "bool"
        if token.kind == "kw" and token.text in {"null", "none"}:
            return None, "null"
        if token.kind in {"name", "quoted"}:
            name = token.text.strip("`")
            if name not in self.columns:
                close = difflib.get_close_matches(name, list(self.columns), n=3, cutoff=0.5)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise QueryError(f"unknown column {name!r}{hint}", token.pos)
            return pl.col(name), _kind(self.columns[name])
        found = token.text or "the end"
        raise QueryError(f"expected a column name or a value, found {found!r}", token.pos)

    def compare(self, op: _Tok, left: Any, lt: str, right: Any, rt: str, rtok: _Tok) -> pl.Expr:
        if op.text in {"~", "!~"}:
            if lt != "str" or rt != "str" or isinstance(right, pl.Expr):
                raise QueryError("'~' matches a text column against a quoted regex", op.pos)
            try:
                re.compile(right)
            except re.error as exc:
                raise QueryError(f"invalid regex: {exc.msg}", rtok.pos) from None
            match: pl.Expr = left.str.contains(right)
            return ~match if op.text == "!~" else match
        if rt == "null" or lt == "null":
            raise QueryError("compare with null using 'is null' / 'is not null'", op.pos)
        if "list" in (lt, rt):
            raise QueryError("list columns (gen_lengths) cannot be compared", op.pos)
        if {lt, rt} - {"num", "bool"} and lt != rt:
            raise QueryError(f"cannot compare {lt} with {rt}", op.pos)
        rhs = pl.lit(right) if isinstance(right, str) else right
        lhs = pl.lit(left) if isinstance(left, str) else left
        ops = {
            "<": lhs < rhs,
            "<=": lhs <= rhs,
            ">": lhs > rhs,
            ">=": lhs >= rhs,
            "==": lhs == rhs,
            "=": lhs == rhs,
            "!=": lhs != rhs,
        }
        return ops[op.text]


def _kind(dtype: pl.DataType) -> str:
    if dtype.is_numeric():
        return "num"
    if dtype == pl.Boolean:
        return "bool"
    if isinstance(dtype, pl.List):
        return "list"
    return "str"


def parse_filter(text: str, columns: Mapping[str, pl.DataType]) -> pl.Expr:
    """The polars expression for ``text`` over ``columns``; empty text keeps every row."""
    return _Parser(text, columns).parse()


#: One-key quick filters: key -> (label, expression over the Stats table).
QUICK_FILTERS: dict[str, tuple[str, pl.Expr]] = {
    "never": ("never solved", (pl.col("n_scored") > 0) & (pl.col("n_correct") == 0)),
    "flaky": ("flaky", (pl.col("n_correct") > 0) & (pl.col("n_correct") < pl.col("n_scored"))),
    "always": (
        "always solved",
        (pl.col("n_scored") > 0) & (pl.col("n_correct") == pl.col("n_scored")),
    ),
}


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
    """Case-insensitive substring search over the prompt and answer."""
    quick: str | None = None
    """A :data:`QUICK_FILTERS` key."""
    run: str | None = None
    """One run's prompts; None = all runs."""
    sort: Sort | None = None

    def replace(self, **changes: Any) -> View:
        return replace(self, **changes)

    def apply(self, stats: pl.DataFrame) -> pl.DataFrame:
        """The rows of ``stats`` this view shows, in its order. Raises :class:`QueryError`."""
        # Only real conditions: a bare literal predicate trips polars on large frames
        # ("filter predicate length of 2 doesn't match"), and filters nothing anyway.
        conditions = [parse_filter(self.where, stats.schema)] if self.where.strip() else []
        if self.text:
            needle = self.text.lower()
            conditions.append(
                pl.col("prompt").str.to_lowercase().str.contains(needle, literal=True)
                | pl.col("answer")
                .fill_null("")
                .str.to_lowercase()
                .str.contains(needle, literal=True)
            )
        if self.quick is not None:
            conditions.append(QUICK_FILTERS[self.quick][1])
        if self.run is not None:
            conditions.append(pl.col("run") == self.run)
        frame = (
            stats.filter(pl.all_horizontal(conditions).fill_null(False)) if conditions else stats
        )
        if self.sort is not None:
            if self.sort.column not in frame.columns:
                raise QueryError(f"unknown sort column {self.sort.column!r}")
            frame = frame.sort(
                self.sort.column,
                descending=self.sort.descending,
                nulls_last=True,
                maintain_order=True,
            )
        return frame

    def describe(self) -> str:
        parts = []
        if self.where.strip():
            parts.append(self.where.strip())
        if self.text:
            parts.append(f"text “{self.text}”")
        if self.quick is not None:
            parts.append(QUICK_FILTERS[self.quick][0])
        if self.run is not None:
            parts.append(f"run={self.run}")
        if self.sort is not None:
            parts.append(f"sort {self.sort.column} {'↓' if self.sort.descending else '↑'}")
        return " · ".join(parts) if parts else "all prompts"

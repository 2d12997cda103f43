"""Filter fuzz: random token soups and mutated valid filters, fixed seed, bounded in time.

Every text either filters the frame or raises QueryError with a position inside the text; no
other exception (RecursionError, polars' ComputeError/InvalidOperationError, PanicException...)
may escape, whatever the input."""

from __future__ import annotations

import random
import time

import polars as pl

from evaltui.data.metrics import STATS_SCHEMA
from evaltui.data.query import QueryError, View

FRAME = pl.DataFrame(
    {
        "prompt": ["Find x", "Ünïcode ∑", "", "a\x1b[2Jb"],
        "answer": ["12", None, "x", "\u202e"],
        "count": [8, 0, 4, 2],
        "total_accuracy_count": [4.0, None, 4.0, 0.0],
        "average_accuracy": [0.5, None, 1.0, 0.0],
        "max_gen_length": [9000, None, 300, 0],
        "avg_gen_length": [100.5, None, 3.0, 0.0],
        "gen_lengths": [[1, 2], None, [3], []],
        "run": ["a", "a", "b", "b"],
        "prompt_id": ["1", "2", "3", "4"],
        "min_gen_length": [1, None, 3, 0],
        "median_gen_length": [1.5, None, 3.0, 0.0],
        "n_correct": [4, 0, 4, 0],
        "n_scored": [8, 0, 4, 2],
        "n_truncated": [0, 0, 1, 0],
        "answer_conflict": [False, None, True, False],
        "prompt_score": [None, None, 1.0, 0.0],
        "pass@1": [0.5, None, 1.0, 0.0],
        "maj@8": [1.0, None, 1.0, 0.0],
    },
    schema_overrides={**STATS_SCHEMA, "pass@1": pl.Float64, "maj@8": pl.Float64},
)

NAMES = [*FRAME.columns, "n", "accuracy", "max_len", "`max len`", "id", "correct", "nope", "`a b`"]
VALUES = ["0", "1", "0.5", "-3", "1e999", "1e-999", "9" * 400, '"42"', "'x'", '""', "null", "true"]
REGEXES = ['"(?=a)"', r'"(a)\1"', '"(a{1000}){1000}"', '"["', '"a{2,1}"', '"(?i)X"', r'"\p{Lu}"']
REGEXES += ['"\\"', '"(?P<n>a)"', '"a**"', '"\\x1b"', '"[[:alpha:]]"', '"\u202e"']
OPS = ["<", "<=", ">", ">=", "==", "=", "!=", "~", "!~", "+", "-", "*", "/", "is", "is not"]
WORDS = ["and", "or", "not", "!", "&&", "||", "in", "not in", "null", "(", ")", "[", "]", ","]
JUNK = ["$", "#", "`", '"', "'", "\\", "\x00", "\x1b", "é", "∑", " ", "\t", "\n"]


def soup(rng: random.Random) -> str:
    pool = [NAMES, VALUES, REGEXES, OPS, WORDS, JUNK]
    weights = [5, 4, 1, 4, 4, 1]
    return " ".join(rng.choice(rng.choices(pool, weights)[0]) for _ in range(rng.randint(1, 14)))


def valid(rng: random.Random, depth: int = 0) -> str:
    kind = rng.randrange(6 if depth < 3 else 3)
    if kind == 0:
        return f"{rng.choice(NAMES)} {rng.choice(OPS[:7])} {rng.choice(VALUES)}"
    if kind == 1:
        return f"{rng.choice(NAMES)} {rng.choice(['~', '!~'])} {rng.choice(REGEXES)}"
    if kind == 2:
        values = ", ".join(rng.choice(VALUES) for _ in range(rng.randint(0, 4)))
        return f"{rng.choice(NAMES)} {rng.choice(['in', 'not in'])} [{values}]"
    if kind == 3:
        joiner = rng.choice([" and ", " or "])
        return joiner.join(valid(rng, depth + 1) for _ in range(rng.randint(2, 4)))
    if kind == 4:
        return f"not ({valid(rng, depth + 1)})"
    arith = f"{rng.choice(NAMES)} {rng.choice('+-*/')} {rng.choice(NAMES)}"
    return f"{arith} {rng.choice(OPS[:7])} {rng.choice(VALUES)}"


def mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        spot = rng.randrange(len(chars) + 1)
        action = rng.randrange(3)
        if action == 0 and chars:
            del chars[min(spot, len(chars) - 1)]
        elif action == 1:
            chars.insert(spot, rng.choice([*JUNK, "(", ")", '"', "[", "-"]))
        else:
            chars[spot:spot] = list(rng.choice(OPS + WORDS))
    return "".join(chars)


def test_filter_fuzz_never_raises_anything_but_query_errors() -> None:
    rng = random.Random(20261201)
    deadline = time.monotonic() + 20  # a time bound for slow machines; ~3,000 cases normally
    tried = errors = 0
    while tried < 3000 and time.monotonic() < deadline:
        choice = rng.randrange(3)
        text = soup(rng) if choice == 0 else valid(rng) if choice == 1 else mutate(rng, valid(rng))
        tried += 1
        try:
            View(where=text).apply(FRAME)
        except QueryError as exc:
            errors += 1
            assert exc.position is None or 0 <= exc.position <= len(text), text
        except Exception as exc:  # the point of the test
            raise AssertionError(f"{type(exc).__name__} for {text!r}: {exc}") from exc
    assert tried >= 300  # the bound was not hit before the fuzz did anything
    assert 0 < errors < tried  # both outcomes were exercised

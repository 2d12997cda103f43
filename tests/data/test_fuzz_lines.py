"""Line fuzz: plain JSONL mixing good records with many kinds of bad lines, through the whole load.

Every good line must come back as its generation, every bad line as an error entry naming its
line (or as a generation when it is still a usable record), blank lines as nothing; no traceback,
no whole-file error. Lines are generated from a fixed seed; the run is bounded in time.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

from evaltui.data.loader import LoadFailure, LoadOptions, load

SEED = 20261201
BUDGET_SECONDS = float(os.environ.get("EVALTUI_FUZZ_SECONDS", "4"))
"""Raise it (environment) for a long local run; CI keeps it a few seconds."""


def _good(rng: random.Random, n: int) -> dict[str, object]:
    gen: object = f"gen {n} " + "x" * rng.randrange(0, 40)
    if rng.random() < 0.2:
        gen = [f"part {n}a", f"part {n}b"]
    return {
        "prompt": f"prompt {n} " + rng.choice(["", "é", "数学", "😀", "tab\there"]),
        "gen": gen,
        "answer": rng.choice(["1", 2, None, [1, 2], {"a": 1}]),
        "accuracy": rng.choice([0, 1, 0.5, True, False, "1.0", "correct", None]),
    }


def _record_text(rng: random.Random, n: int) -> str:
    return json.dumps(_good(rng, n), ensure_ascii=rng.random() < 0.5)


#: Kinds of bad line: each makes one line's raw bytes (no line ending) from a good record's text.
BAD: dict[str, Callable[[random.Random, str], bytes]] = {
    "cut short": lambda rng, text: text[: rng.randrange(1, len(text) - 1)].encode(),
    "not JSON": lambda rng, text: rng.choice([b"hello", b"{'a': 1}", b"{,}", b"]", b"nul"]),
    "not an object": lambda rng, text: rng.choice([b"1", b'"s"', b"[1, 2]", b"null", b"true"]),
    "empty object": lambda rng, text: b"{}",
    "no generation": lambda rng, text: b'{"prompt": "p", "answer": "1"}',
    "no prompt": lambda rng, text: b'{"gen": "g", "answer": "1"}',
    "null generation": lambda rng, text: b'{"prompt": "p", "gen": null}',
    "empty gen list": lambda rng, text: b'{"prompt": "p", "gen": [], "accuracy": 1}',
    "score list mismatch": lambda rng, text: b'{"prompt": "p", "gen": ["a", "b"], "accuracy": [1]}',
    "bad score": lambda rng, text: rng.choice(
        [
            b'{"prompt": "p", "gen": "g", "accuracy": "maybe"}',
            b'{"prompt": "p", "gen": "g", "accuracy": {"x": 1}}',
        ]
    ),
    "nested too deep": lambda rng, text: (
        b'{"prompt": "p", "gen": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    ),
    "integer too long": lambda rng, text: (
        b'{"prompt": "p", "gen": "g", "answer": ' + b"7" * 4400 + b"}"
    ),
    "huge score": lambda rng, text: (
        b'{"prompt": "p", "gen": "g", "accuracy": 1' + b"0" * 400 + b"}"
    ),
    "NUL bytes": lambda rng, text: b"\x00\x00" + text.encode(),
    "two records": lambda rng, text: (text + text).encode(),
    "binary": lambda rng, text: (
        b"\x01"
        + bytes(rng.randrange(256) for _ in range(rng.randrange(0, 60)))
        .replace(b"\n", b"")
        .replace(b"\r", b"")
    ),
}
#: Kinds still usable as records (kept as generations, maybe with a note).
STILL_GOOD: dict[str, Callable[[random.Random, str], bytes]] = {
    "lone surrogate": lambda rng, text: b'{"prompt": "p\\ud800", "gen": "g\\udfff", "accuracy": 1}',
    "control characters": lambda rng, text: (
        b'{"prompt": "\\u001b[2J", "gen": "\\u0007\\u0000", "accuracy": 0}'
    ),
    "CRLF": lambda rng, text: text.encode() + b"\r",
    "surrounding spaces": lambda rng, text: b"  \t" + text.encode() + b" ",
}
#: Kinds that may be either, depending on where they land (first line, inside a string, …) or
#: on the score policy (non-finite scores): never dropped silently all the same.
EITHER: dict[str, Callable[[random.Random, str], bytes]] = {
    "NaN score": lambda rng, text: b'{"prompt": "p", "gen": "g", "accuracy": NaN}',
    "infinite score": lambda rng, text: b'{"prompt": "p", "gen": "g", "accuracy": -Infinity}',
    "invalid UTF-8": lambda rng, text: text.encode()[:-2] + b'\xff\xfe"}',
    "BOM": lambda rng, text: b"\xef\xbb\xbf" + text.encode(),
}


def test_every_line_is_a_generation_or_an_error(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    deadline = time.monotonic() + BUDGET_SECONDS
    files = 0
    kinds_seen: set[str] = set()
    while files < 3 or time.monotonic() < deadline:
        files += 1
        folder = tmp_path / f"case{files}"
        folder.mkdir()
        lines: list[bytes] = []
        expect: dict[int, str] = {}  # line -> "good" / "bad" / "either"
        for n in range(rng.randrange(1, 40)):
            text = _record_text(rng, n)
            roll = rng.random()
            if roll < 0.45:
                lines.append(text.encode())
                expect[len(lines)] = "good"
            elif roll < 0.85:
                kind = rng.choice(sorted(BAD))
                kinds_seen.add(kind)
                lines.append(BAD[kind](rng, text))
                expect[len(lines)] = "bad"
            elif roll < 0.9:
                kind = rng.choice(sorted(STILL_GOOD))
                kinds_seen.add(kind)
                lines.append(STILL_GOOD[kind](rng, text))
                expect[len(lines)] = "good"
            elif roll < 0.95:
                kind = rng.choice(sorted(EITHER))
                kinds_seen.add(kind)
                lines.append(EITHER[kind](rng, text))
                expect[len(lines)] = "either"
            else:
                lines.append(rng.choice([b"", b"   ", b"\t"]))  # blank: nothing
        ending = b"\n" if rng.random() < 0.95 else b""  # sometimes no final newline
        (folder / "out.jsonl").write_bytes(b"\n".join(lines) + ending)
        try:
            result = load([folder], LoadOptions(tokenize=False, use_cache=False))
        except LoadFailure as exc:  # nothing usable at all: one message saying why
            assert "good" not in expect.values(), f"case {files}: {exc}"
            continue
        # A file of bad lines only may not look like plain JSONL: skipped, with its reason.
        if result.skipped_files:
            assert "good" not in expect.values(), result.skipped_files
            continue
        assert all(e.line is not None for e in result.errors), result.errors
        rows = set(result.generations["line"].to_list())
        errors = {e.line for e in result.errors}
        assert not rows & errors, f"case {files}: lines both read and bad: {rows & errors}"
        for line, what in expect.items():
            where = f"case {files}, line {line} ({what}): {lines[line - 1][:80]!r}"
            if what == "good":
                assert line in rows, where
            else:
                assert line in errors or line in rows, where
        assert rows | errors == set(expect), f"case {files}: unexpected lines"
    assert kinds_seen >= set(BAD) | set(STILL_GOOD) | set(EITHER) or files < 50

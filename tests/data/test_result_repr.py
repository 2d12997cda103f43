"""A load's result says what it holds in one line: Textual names each worker by its arguments'
repr, on the UI thread, and a result of 120,000 bad lines was 13 MB of text made in 0.3-0.4 s
each time a prompt's texts were read back (or an export or re-score started)."""

from __future__ import annotations

import polars as pl

from evaltui.data.loader import LoadResult
from evaltui.data.schema import LoadError


def test_a_result_with_many_bad_lines_has_a_short_repr() -> None:
    errors = [LoadError("run/out.jsonl", line, f"not valid JSON ({line})") for line in range(10**5)]
    result = LoadResult(
        pl.DataFrame({"prompt": ["p"] * 3}),
        pl.DataFrame(),
        errors,
        [],
        ["a note"],
        "",
        0,
        0.0,
        True,
    )
    said = repr(result)
    assert len(said) < 200, len(said)
    assert said == (
        "LoadResult(3 generations, 0 stats rows, 100,000 bad lines, 0 files, 1 notes, "
        "complete=True)"
    )

"""Columns of nulls (:func:`evaltui.data.schema.nulls`): what a one-line followed update pads with."""

from __future__ import annotations

import polars as pl
import pytest

from evaltui.data import schema
from evaltui.data.schema import GENERATION_SCHEMA, nulls

SMALL_NULLS = getattr(schema, "SMALL_NULLS", 1024)

DTYPES = [
    *{str(dtype): dtype for dtype in GENERATION_SCHEMA.values()}.values(),
    pl.List(pl.String()),
    pl.Struct({"a": pl.Int64()}),
    pl.Categorical(),
]


def test_short_columns_of_nulls_are_made_without_a_polars_query(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Below SMALL_NULLS rows the column comes from a list (``pl.repeat`` is a query of its own,
    ~0.07 ms: a one-line followed update made ~20 of them, ~2 ms); the column is the very one
    ``pl.repeat`` makes, for every dtype of the generations table and nested ones, at every
    height."""
    repeat = pl.repeat
    heights: list[int] = []

    def counted(value: object, n: int, *args: object, **kwargs: object) -> object:
        heights.append(n)
        return repeat(value, n, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(pl, "repeat", counted)
    for dtype in DTYPES:
        for height in (0, 1, 2, 7, SMALL_NULLS - 1, SMALL_NULLS, 3 * SMALL_NULLS):
            got = nulls("c", dtype, height)
            want = repeat(None, height, dtype=dtype, eager=True).alias("c")
            assert got.name == "c" and got.dtype == want.dtype, (dtype, height)
            assert got.len() == height and got.null_count() == height, (dtype, height)
            assert got.equals(want), (dtype, height)
    assert heights and all(height >= SMALL_NULLS for height in heights)

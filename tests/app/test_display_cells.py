"""The prompt table's text cells remembered between tables (display.TextCells): the same frame as
cutting every text again, for changed rows, new rows, other widths and hostile text."""

from __future__ import annotations

import random

import polars as pl
import pytest

from evaltui.app.display import TextCells, display_frame

TEXTS = [
    "What is 2 + 2?",
    "三角形の面積を求めよ。" * 6,  # two cells per character
    "a\x1b[31mred\x1b[0m and \x00 nul",
    "line one\nline two\ttab",
    "e\u0301" * 50,  # combining marks
    "[bold]not markup[/bold] " * 8,
    "",
    None,
]


def stats(rng: random.Random, rows: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "prompt": [rng.choice(TEXTS) for _ in range(rows)],
            "run": [rng.choice(["model-a", "model-b"]) for _ in range(rows)],
            "count": [rng.randrange(1, 9) for _ in range(rows)],
            "average_accuracy": [rng.random() for _ in range(rows)],
            "answer": [rng.choice(TEXTS) for _ in range(rows)],
            "prompt_id": [f"p{i}" for i in range(rows)],
        },
        schema_overrides={"count": pl.UInt32},
    )


def test_remembered_cells_give_the_same_table() -> None:
    rng = random.Random(5)
    cells = TextCells()
    for step in range(12):
        frame = stats(rng, rng.randrange(0, 40))
        width, fit = rng.choice([(20, None), (30, 90), (20, 120), (60, 200)])
        want = display_frame(frame, width, 12, fit)
        got = display_frame(frame, width, 12, fit, cells)
        assert got.equals(want), step


def test_forgotten_widths_and_texts_are_cut_again() -> None:
    cells = TextCells()
    frame = stats(random.Random(1), 30)
    for width in range(20, 20 + 2 * TextCells.KEEP + 2):
        display_frame(frame, width, 12, None, cells)
    assert len(cells._known) <= TextCells.KEEP
    assert display_frame(frame, 20, 12, None, cells).equals(display_frame(frame, 20, 12))


def test_number_and_rate_widths_are_those_of_the_widest_cells() -> None:
    """The layout's width of each number and rate column (measured in one query) is that of
    its widest cell as the table shows it: rates with three decimals (``nan``, ``inf``,
    ``-inf`` included, nulls empty), float counts as whole numbers, integers as ``f"{v:n}"``;
    for columns all null, frames of one row and none."""
    from evaltui.app.display import table_columns, table_layout

    inf, nan = float("inf"), float("nan")
    frame = pl.DataFrame(
        {
            "prompt": ["p1", "p2", "p3", "p4", "p5"],
            "count": [1, 12, 123_456, 7, 3],
            "average_accuracy": [0.5, None, 0.1234, 1.0, 0.0],
            "n_correct": [None, None, None, None, None],
            "max_gen_length": [-12_345, 3, 2, 1, 0],
            "avg_gen_length": [12.5, -0.4, 999.6, None, nan],
            "median_gen_length": [inf, 3.0, -inf, 7.6, nan],  # infinities beyond the widest
            "pass@1": [nan, 0.25, None, 0.5, 0.75],
            "pass@4": [inf, -inf, 0.5, None, -123.4567],
            "maj@4": [None, None, None, None, None],
            "agreement": [-inf, 1.0, 0.0, 0.5, None],
            "n_unique_answers": [1, 2, 3, 4, None],
            "prompt_id": ["a", "b", "c", "d", "e"],
        },
        schema_overrides={"n_correct": pl.Int64, "maj@4": pl.Float64},
    )
    for rows in (frame, frame.head(1), frame.head(0), frame.slice(1, 1), frame.slice(4, 1)):
        layout = table_layout(rows, 60, 24)
        cells = layout.frame()
        for (column, label, kind), width in zip(table_columns(rows), layout.widths, strict=True):
            values = cells.get_column(label).to_list()
            if kind == "fraction":
                widest = max((len(v.strip()) for v in values if v is not None), default=0)
            elif kind == "count":
                widest = max((len(f"{int(v):n}") for v in values if v is not None), default=0)
            else:
                continue
            assert width == widest, (column, rows.height, width, widest)


PLAIN_AND_NOT = [
    "42",
    "x" * 23,
    "x" * 24,
    "x" * 25,
    "y" * 97,  # more than four times the cut: one_line_expr reads the head only
    "two words",
    "two  spaces",  # folded to one space: not plain
    " leading",
    "trailing ",
    "tab\there",
    "new\nline",
    "\\boxed{12} and $x^2$",
    "ctrl \x1b[1m",
    "\x7f",
    "三角形" * 9,
    "ab\u0301\u0301\u0301\u0301\u0301cd",
    "–12",  # en dash: not ASCII
    "cut×3 loop×1",  # a triage flag: one cell a character
    "é" * 30,
    "½ ± 3°",
    "no\xa0break",  # a no-break space is folded to a space
    "soft\xadhyphen",  # a soft hyphen is shown as U+FFFD
    "c1 \x85 control",
    "Ωmega",  # Greek: past the Latin letters
    "",
    None,
]


def test_text_widths_are_those_of_the_widest_cells() -> None:
    """Each text column's width in the layout (plain ASCII values measured by their length, the
    others cut) is that of its widest cell as the table shows it, whichever mix of plain,
    hostile, wide and cut texts the column holds, with and without a fitted prompt."""
    from evaltui.app.display import table_columns, table_layout
    from evaltui.data.sanitize import max_cells

    rng = random.Random(7)
    for step in range(60):
        height = rng.choice([0, 1, 2, 5, 40])
        pool = rng.sample(PLAIN_AND_NOT, rng.randrange(1, len(PLAIN_AND_NOT)))
        frame = pl.DataFrame(
            {
                "prompt": [rng.choice(pool) for _ in range(height)],
                "run": ["model-a"] * height,
                "count": [1] * height,
                "answer": [rng.choice(pool) for _ in range(height)],
                "triage": [rng.choice(["", "suspect", "length cap", None]) for _ in range(height)],
                "prompt_id": [rng.choice(pool) or "id" for _ in range(height)],
            },
            schema_overrides={"count": pl.UInt32},
        )
        width, fit = rng.choice([(20, None), (30, None), (20, 120)])
        layout = table_layout(frame, width, 12, fit)
        cells = layout.frame()
        for (column, label, kind), shown in zip(table_columns(frame), layout.widths, strict=True):
            if kind != "text" or column == "run" or (column == "prompt" and fit is not None):
                continue
            widest = max_cells(cells.get_column(label).fill_null(""))
            assert shown == widest, (step, column, shown, widest, frame.get_column(column))


def test_a_row_is_found_with_or_without_a_hint() -> None:
    """``row_of`` looks at the hinted row first: the same answer for every hint."""
    from evaltui.app.screens.main import row_of

    rows = pl.DataFrame({"run": ["a", "a", "b", "b"], "prompt_id": ["1", "2", "1", "2"]})
    for key, want in ((("b", "1"), 2), (("a", "2"), 1), (("c", "1"), None), (("a", "3"), None)):
        for hint in (None, -1, 0, 1, 2, 3, 4):
            assert row_of(rows, key, hint) == want, (key, hint)


def test_the_sorted_by_column_is_kept_within_the_fitted_width() -> None:
    """``keep``: a column past the right edge of a fitted table moves left to the last place
    where it shows whole (the columns it passes follow it, in their order); one shown already,
    or a table not fitted, keeps the order of :func:`table_columns`. Every width tried, the kept
    column's right edge is within the table."""
    from evaltui.app.display import (
        CELL_PADDING,
        TABLE_CHROME,
        table_columns,
        table_layout,
    )

    frame = pl.DataFrame(
        {
            "prompt": ["What is 6 times 7?", "Name the red planet."],
            "run": ["model-a", "model-a"],
            "count": [1, 1],
            "average_accuracy": [1.0, 0.0],
            "n_correct": [1, 0],
            "max_gen_length": [123456, 7],
            "avg_gen_length": [123456.0, 7.0],
            "prompt_id": ["t:1", "t:2"],
        },
        schema_overrides={"count": pl.UInt32, "n_correct": pl.UInt32},
    )
    natural = [c for c, _l, _k in table_columns(frame)]
    assert table_layout(frame, 20, 12, None, keep="prompt_id").columns == table_columns(frame)
    for fit in range(40, 130):
        layout = table_layout(frame, 20, 12, fit, keep="prompt_id")
        names = [c for c, _l, _k in layout.columns]
        assert sorted(names) == sorted(natural) and names[0] == "prompt"
        at = names.index("prompt_id")
        edge = TABLE_CHROME + sum(
            max(w, len(label)) + CELL_PADDING
            for (_c, label, _k), w in zip(
                layout.columns[: at + 1], layout.widths[: at + 1], strict=True
            )
        )
        if at > 1:  # kept beside other columns: whole within the table
            assert edge <= fit, (fit, names)
        rest = [n for n in names if n != "prompt_id"]
        assert rest == [n for n in natural if n != "prompt_id"], (fit, names)
    # Shown already at this width: nothing moves.
    assert table_layout(frame, 20, 12, 200, keep="prompt_id").columns == table_columns(frame)


def test_widths_of_frames_with_the_same_columns_reuse_their_expressions() -> None:
    """A followed update lays out a table of the same columns as the last one: the width
    expressions are made once per set of columns (building them was ~0.7 ms of each update's
    layout), and the widths are still those of each frame's own cells, whatever it holds
    (infinities, NaN, nulls, text that is not plain), in any order of frames."""
    from evaltui.app.display import _column_widths, _width_exprs

    inf, nan = float("inf"), float("nan")
    rng = random.Random(3)

    def frame(height: int) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "count": [rng.choice([1, 12, 123_456, None]) for _ in range(height)],
                "avg_gen_length": [rng.choice([12.5, -0.4, inf, nan, None]) for _ in range(height)],
                "pass@1": [rng.choice([0.25, 1.0, -inf, nan, None]) for _ in range(height)],
                "answer": [rng.choice(PLAIN_AND_NOT) for _ in range(height)],
            },
            schema_overrides={"count": pl.Int64, "avg_gen_length": pl.Float64},
        )

    def widths(rows: pl.DataFrame, texts: dict[str, int]) -> dict[str, int]:
        return _column_widths(rows, ["count", "avg_gen_length"], ["pass@1"], texts)

    frames = [frame(rng.choice([0, 1, 2, 7, 30])) for _ in range(24)]
    _width_exprs.cache_clear()
    fresh = []
    for rows in frames:
        _width_exprs.cache_clear()
        fresh.append(widths(rows, {"answer": 24}))
    _width_exprs.cache_clear()
    for step, rows in enumerate(frames):
        limit = {"answer": 24} if step % 3 else {"answer": 10}
        got = widths(rows, limit)
        if step % 3:
            assert got == fresh[step], step
    assert _width_exprs.cache_info().misses == 2  # one per set of columns (and cuts)


def test_widths_make_cells_only_for_extremes_not_made_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A followed update's extremes (a rate of 0.125, a count of 8) are mostly those of the
    last update: their cells are made once (a query of each update's layout, ~0.3 ms), and the
    widths stay those of each frame's own cells — 0.0 and -0.0, NaN, infinities, nulls."""
    from evaltui.app import display
    from evaltui.app.display import _column_widths

    inf, nan = float("inf"), float("nan")
    rng = random.Random(5)
    made: list[int] = []
    original = display._probe_exprs

    def counting() -> tuple[pl.Expr, ...]:
        made.append(1)
        return original()

    def frame(height: int) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "avg_gen_length": [
                    rng.choice([12.5, -0.4, 0.0, -0.0, 99_999.5, inf, nan, None])
                    for _ in range(height)
                ],
                "pass@1": [
                    rng.choice([0.125, 1.0, 0.0, -0.0, -inf, nan, None]) for _ in range(height)
                ],
            },
            schema_overrides={"avg_gen_length": pl.Float64, "pass@1": pl.Float64},
        )

    def widths(rows: pl.DataFrame) -> dict[str, int]:
        return _column_widths(rows, ["avg_gen_length"], ["pass@1"], {})

    frames = [frame(rng.choice([1, 2, 7, 30])) for _ in range(40)]
    memo: dict[object, object] = getattr(display, "_PROBE_CELLS", {})  # the cells made so far
    fresh = []
    for rows in frames:
        memo.clear()
        fresh.append(widths(rows))
    memo.clear()
    monkeypatch.setattr(display, "_probe_exprs", counting)
    assert [widths(rows) for rows in frames] == fresh
    assert len(made) < 10  # 40 frames' extremes, of a few values
    made.clear()
    assert [widths(rows) for rows in frames] == fresh
    assert made == []


def test_texts_of_one_cell_latin_characters_are_measured_without_cutting_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A triage flag (``cut×3 loop×1``) or an answer in Latin letters (``é``, ``½``) is as many
    cells as characters, and one_line leaves it as it is: its width is its length, cut to the
    column's, with no cell made for it (a followed update whose new rows had a flag cut them in
    queries of their own, ~2-4 ms of the view worker each time). Every character of U+0021 to
    U+02FF whose text is taken as plain keeps its length as one_line's cells."""
    from evaltui.app import display
    from evaltui.app.display import PLAIN_TEXT, table_columns, table_layout
    from evaltui.data.sanitize import max_cells, one_line_expr

    cut: list[int] = []
    original = display._text_width

    def counted(values: pl.Series, limit: int, at_least: int = 0, names: bool = False) -> int:
        cut.append(len(values))
        return original(values, limit, at_least, names)

    monkeypatch.setattr(display, "_text_width", counted)
    flags = ["cut×3 loop×1", "loop×8", "", "ref? cut×12 loop×2 empty×1", None]
    answers = ["é", "½", "12°", "x" * 30, "Ω"]
    frame = pl.DataFrame(
        {
            "prompt": [f"p {i}" for i in range(5)],
            "run": ["model-a"] * 5,
            "count": [1] * 5,
            "answer": answers,
            "triage": flags,
            "prompt_id": ["ïd"] * 5,
        },
        schema_overrides={"count": pl.UInt32},
    )
    layout = table_layout(frame, 20, 12, 120)
    cells = layout.frame()
    widths = dict(zip([c for c, _l, _k in table_columns(frame)], layout.widths, strict=True))
    assert widths["triage"] == 24 and widths["prompt_id"] == 2
    assert widths["answer"] == max_cells(cells.get_column("answer")) == 24
    # Only the answers' "Ω" (past U+02FF) was cut to be measured.
    assert cut == [1]

    texts = [t for c in range(0x21, 0x300) for t in (chr(c) * 3, f"a{chr(c)} b", chr(c) * 30)]
    column = pl.DataFrame({"t": texts})
    plain = column.select(pl.col("t").str.contains(PLAIN_TEXT)).to_series().to_list()
    assert sum(plain) > 2000
    for limit in (1, 5, 24):
        shown = column.select(one_line_expr("t", limit)).to_series().to_list()
        for text, cell, is_plain in zip(texts, shown, plain, strict=True):
            if is_plain:
                assert max_cells(pl.Series([cell])) == min(len(text), limit), repr(text)


def test_id_cells_show_line_breaks_and_are_measured_so() -> None:
    """An id's newlines and tabs are part of the name (``toy␊math:0``): the id column folded
    them to a space, and measured the folded cell ('a b' for 'a\\n\\nb', one cell short of
    'a␊␊b')."""
    from evaltui.app.display import table_layout
    from evaltui.data.sanitize import cell_width

    ids = ["toy\nmath:0", "a\n\nb", "tab\there", "nel\x85x", "plain:1"]
    frame = stats(random.Random(2), len(ids)).with_columns(pl.Series("prompt_id", ids))
    for cells in (None, TextCells()):
        shown = display_frame(frame, 20, 12, None, cells)["id"].to_list()
        assert shown == ["toy␊math:0", "a␊␊b", "tab␉here", "nel�x", "plain:1"], shown
    layout = table_layout(frame, 20, 12)
    width = layout.widths[[c for c, _l, _k in layout.columns].index("prompt_id")]
    assert width == max(cell_width(text) for text in shown) == len("toy␊math:0")
    narrow = stats(random.Random(2), 2).with_columns(pl.Series("prompt_id", ["a\n\nb", "c"]))
    layout = table_layout(narrow, 20, 12)
    assert layout.widths[-1] == 4, layout.widths


def test_whole_numbers_made_in_python_equal_the_tables() -> None:
    """A float count's whole number (the widths of a mean length column) is made in Python:
    the same as the table's cell (:func:`_whole`, polars' round half to even and Int64 cast)
    for ties, values past 2**52 and 2**53, the Int64 range's edges and past them, -0.0,
    subnormals, NaN, infinities, null and random values of every magnitude."""
    from evaltui.app.display import _whole, whole_number

    rng = random.Random(7)
    values: list[float | None] = [None, 0.0, -0.0, float("nan"), float("inf"), float("-inf")]
    values += [k + 0.5 for k in range(-6, 6)] + [k + 0.49999999999999994 for k in range(-3, 3)]
    values += [2.0**52 + 0.5, 2.0**52 - 0.5, 2.0**53, 2.0**53 + 2, -(2.0**52) - 0.5]
    values += [2.0**63, -(2.0**63), 2.0**63 - 1024, -(2.0**63) - 2048, 1e19, -1e19, 1e300]
    values += [5e-324, -5e-324, 2.2250738585072014e-308, 0.5000000000000001, 1.4999999999999998]
    for _ in range(3000):
        values.append(rng.uniform(-1, 1) * 10.0 ** rng.randint(-5, 20))
        values.append(rng.randint(-(10**6), 10**6) + rng.choice([0.5, -0.5, 0.25, 0.75]))
    table = pl.DataFrame({"v": values}, schema={"v": pl.Float64}).select(_whole(pl.col("v")))
    assert [whole_number(v) for v in values] == table.get_column("v").to_list()


def test_a_followed_updates_new_mean_lengths_take_no_query_for_their_cells(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A followed update's extremes of a float count (a mean length: a new value each update)
    need no query for their cells when its rates' were made before: the widths are those of
    the cells as the table makes them, with no query of the probe cells."""
    from evaltui.app import display
    from evaltui.app.display import _column_widths

    made: list[int] = []
    original = display._probe_exprs

    def counting() -> tuple[pl.Expr, ...]:
        made.append(1)
        return original()

    def frame(lengths: list[float]) -> pl.DataFrame:
        return pl.DataFrame(
            {"avg_gen_length": lengths, "pass@1": [0.125, 1.0, 0.5][: len(lengths)]},
            schema={"avg_gen_length": pl.Float64, "pass@1": pl.Float64},
        )

    _column_widths(frame([1.0, 2.0, 3.0]), ["avg_gen_length"], ["pass@1"], {})  # rates made
    monkeypatch.setattr(display, "_probe_exprs", counting)
    for lengths, width in (([9.5, 12.25, 99.5], 3), ([999.5, 0.5, 7.0], 4), ([-9.5, 1.5], 3)):
        widths = _column_widths(frame(lengths), ["avg_gen_length"], ["pass@1"], {})
        cells = frame(lengths).select(display._whole(pl.col("avg_gen_length"))).to_series()
        assert widths == {"avg_gen_length": width, "pass@1": 5}
        assert width == max(len(f"{v:n}") for v in cells.to_list())
    assert made == []

"""The prompt table's text cells remembered between tables (display.TextCells): the same frame as
cutting every text again, for changed rows, new rows, other widths and hostile text."""

from __future__ import annotations

import random

import polars as pl

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

"""A followed view's layout measures only the rows appended since the layout on screen (its rows
are the first rows of the new ones): the same widths, cuts and prompt starts as measuring every
row, update after update, whatever the appended rows hold."""

from __future__ import annotations

import random

import polars as pl
import pytest

from evaltui.app import display
from evaltui.app.display import TableLayout, table_layout

START = "<|im_start|>user Background: every prompt of this task starts the same way. "

TEXTS = [
    "42",
    "x" * 30,
    "三角形の面積を求めよ。" * 4,  # two cells per character
    "a\x1b[31mred\x1b[0m and \x00 nul",
    "line one\nline two\ttab",
    "e\u0301" * 20,  # combining marks
    "[bold]not markup[/bold]",
    "",
    None,
]
RUNS = ["meta-llama/Meta-Llama-3.1-70B-Instruct", "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B"]
NUMBERS = [0, 1, 9, 12, 99, 100, 12_345, -7, None]
RATES = [0.0, 0.5, 1.0, 0.125, float("nan"), float("inf"), float("-inf"), -0.25, None]


def rows(rng: random.Random, first: int, height: int, *, runs: list[str]) -> pl.DataFrame:
    """``height`` stats rows of prompts numbered from ``first`` (a prompt now and then does not
    share the task's start; a length column all null until it is counted)."""

    def prompt(i: int) -> str:
        if rng.random() < 0.04:
            return rng.choice(["Other start", "", "<|im_start|>user Back"]) + f" {i}"
        return START + f"Problem {i}: " + (rng.choice(TEXTS) or "")

    lengths = rng.random() < 0.8
    return pl.DataFrame(
        {
            "prompt": [prompt(first + i) for i in range(height)],
            "run": [rng.choice(runs) for _ in range(height)],
            "count": [rng.choice(NUMBERS[:7]) for _ in range(height)],
            "average_accuracy": [rng.choice(RATES) for _ in range(height)],
            "max_gen_length": [rng.choice(NUMBERS) if lengths else None for _ in range(height)],
            "avg_gen_length": [rng.choice(RATES[:5]) * 1000 for _ in range(height)],
            "pass@2": [rng.choice(RATES) for _ in range(height)],
            "answer": [rng.choice(TEXTS) for _ in range(height)],
            "triage": [rng.choice(["", "suspect", "length cap", None]) for _ in range(height)],
            "prompt_id": [f"p{first + i}" for i in range(height)],
        },
        schema_overrides={"count": pl.UInt32, "max_gen_length": pl.Int64},
    )


def shown(layout: TableLayout) -> tuple[object, ...]:
    return (
        layout.columns,
        layout.widths,
        layout.limits,
        layout.runs,
        layout.pad_prompt,
        layout.prompt_cut,
        layout.prompt_after,
    )


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The heights of the frames the layout's widths are measured over."""
    heights: list[int] = []
    measure = display._column_widths

    def spy(frame: pl.DataFrame, *args: object) -> dict[str, int]:
        heights.append(frame.height)
        return measure(frame, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(display, "_column_widths", spy)
    return heights


def every_row(monkeypatch: pytest.MonkeyPatch, frame: pl.DataFrame, *args: object) -> TableLayout:
    """The layout with every row measured (as before the followed tail was)."""
    with monkeypatch.context() as patched:
        patched.setattr(display, "_followed_tail", lambda *_: None)
        return table_layout(frame, *args)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(12))
def test_a_followed_layout_measures_the_appended_rows_only_with_the_same_result(
    seed: int, measured: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    width, fit, fit_rows = rng.choice([(20, 80, 18), (30, 120, 30), (20, 200, 5)])
    frame = rows(rng, 0, rng.randrange(1, 60), runs=RUNS[:1])
    layout = table_layout(frame, width, 12, fit, fit_rows)
    reference = layout
    for step in range(8):
        added = rows(rng, frame.height, rng.randrange(0, 25), runs=RUNS[: 1 + (step > 3)])
        frame = pl.concat([frame, added])
        measured.clear()
        layout = table_layout(frame, width, 12, fit, fit_rows, None, layout)
        assert measured == [added.height], (seed, step)  # the appended rows only
        reference = every_row(monkeypatch, frame, width, 12, fit, fit_rows, None, reference)
        assert shown(layout) == shown(reference), (seed, step)


def test_rows_before_the_appended_ones_that_changed_are_measured_again(
    measured: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not an append (a prompt before the new rows got samples, its count now 12345; a view
    sorted otherwise; a table not fitted, whose prompt column is measured): every row is."""
    rng = random.Random(3)
    frame = rows(rng, 0, 30, runs=RUNS[:1]).with_columns(count=pl.lit(1, pl.UInt32))
    on_screen = table_layout(frame, 20, 12, 120, 30)
    grown = pl.concat([frame, rows(rng, 30, 4, runs=RUNS[:1])]).with_columns(
        count=pl.when(pl.col("prompt_id") == "p3")
        .then(12_345)
        .otherwise(pl.col("count"))
        .cast(pl.UInt32)
    )
    for now, fit in ((grown, 120), (grown.reverse(), 120), (grown, None)):
        measured.clear()
        layout = table_layout(now, 20, 12, fit, 30, None, on_screen)
        assert measured == [now.height]
        assert shown(layout) == shown(every_row(monkeypatch, now, 20, 12, fit, 30, None, on_screen))
    counts = [
        w for (c, _l, _k), w in zip(layout.columns, layout.widths, strict=True) if c == "count"
    ]
    assert counts == [6]  # "12345" and a digit of room


# Run labels that cut alike at 12 cells (their cuts change when one more comes), past the BMP,
# CJK, controls, NUL, an empty one.
LABELS = [
    *RUNS,
    "meta-llama/Meta-Llama-3.1-8B-Instruct",
    "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
    "run 🧪 三角形 \x00 \x1b[31m",
    "",
    "a",
    "val_gen @ expA · step 50",
    "val_gen @ expA · step 100",
]


@pytest.mark.parametrize("seed", range(16))
def test_a_followed_appends_runs_are_the_shown_ones_and_the_new_rows_with_no_whole_table_unique(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A followed append's layout (``grown``) takes its runs from the layout on screen and the
    appended rows: the same run labels, widths and cuts as a layout that finds every row's
    runs, also when a new run comes (the others' labels cut anew) or the appended rows are of
    no new run; and no ``unique`` runs over the whole table on each update."""
    rng = random.Random(seed)
    width, fit, fit_rows = rng.choice([(20, 80, 18), (30, 120, 30), (20, 200, 5)])
    run_width = rng.choice([6, 12, 24])
    pool = rng.sample(LABELS, rng.randrange(1, len(LABELS) + 1))
    frame = rows(rng, 0, rng.randrange(1, 40), runs=pool[:1])
    layout = table_layout(frame, width, run_width, fit, fit_rows)
    uniques: list[int] = []
    unique = pl.Series.unique

    def spy(self: pl.Series, *args: object, **kwargs: object) -> pl.Series:
        uniques.append(len(self))
        return unique(self, *args, **kwargs)  # type: ignore[arg-type]

    for step in range(8):
        runs = pool[: 1 + step * len(pool) // 8] if rng.random() < 0.7 else pool[:1]
        added = rows(rng, frame.height, rng.randrange(0, 25), runs=runs)
        frame = pl.concat([frame, added])
        reference = table_layout(frame, width, run_width, fit, fit_rows, None, layout)
        with monkeypatch.context() as patched:
            patched.setattr(pl.Series, "unique", spy)
            uniques.clear()
            grown = table_layout(frame, width, run_width, fit, fit_rows, None, layout, True)
        assert frame.height not in uniques, (seed, step)
        assert shown(grown) == shown(reference), (seed, step)
        assert set(grown.runs) == set(frame["run"].to_list()), (seed, step)
        layout = grown


KINDS = ["binary", "fraction", "continuous", "unscored", None]
METRICS = ["acc", "exact_match", "f1", "reward", "rouge1, bleu", "", None]


def followed_headers(seed: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The score column's name after each of 8 followed appends (``grown``), checked against
    naming it from every row, with no ``unique`` of the score kinds over the whole table."""
    rng = random.Random(seed)
    odd = rng.random()

    def scored(frame: pl.DataFrame) -> pl.DataFrame:
        def kind() -> str | None:
            return rng.choice(KINDS) if rng.random() < odd / 4 else rng.choice(KINDS[:2])

        def metric() -> str | None:
            return rng.choice(METRICS) if rng.random() < odd / 4 else "acc"

        return frame.with_columns(
            score_kind=pl.Series([kind() for _ in range(frame.height)], dtype=pl.String),
            score_metric=pl.Series([metric() for _ in range(frame.height)], dtype=pl.String),
        )

    frame = scored(rows(rng, 0, rng.randrange(1, 30), runs=RUNS))
    layout = table_layout(frame, 20, 12, 120, 30)
    kinds: list[int] = []
    unique = pl.Series.unique

    def spy(self: pl.Series, *args: object, **kwargs: object) -> pl.Series:
        if self.name == "score_kind":
            kinds.append(len(self))
        return unique(self, *args, **kwargs)  # type: ignore[arg-type]

    headers = []
    for step in range(8):
        added = scored(rows(rng, frame.height, rng.randrange(0, 12), runs=RUNS))
        frame = pl.concat([frame, added], how="vertical_relaxed")
        reference = table_layout(frame, 20, 12, 120, 30, None, layout)
        with monkeypatch.context() as patched:
            patched.setattr(pl.Series, "unique", spy)
            kinds.clear()
            grown = table_layout(frame, 20, 12, 120, 30, None, layout, True)
        assert frame.height not in kinds, (seed, step)
        assert shown(grown) == shown(reference), (seed, step)
        names = [label for c, label, _k in grown.columns if c == "average_accuracy"]
        assert names == [display.mean_header(frame)], (seed, step)
        headers.append(names[0])
        layout = grown
    return headers


@pytest.mark.parametrize("seed", range(16))
def test_a_followed_appends_score_column_is_named_from_the_shown_one_and_the_new_rows(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A followed append's score column is named from the layout on screen and the appended
    rows ("mean score" once a continuous run or a named measure comes, "accuracy" while none
    has): the same name as from every row, without a ``unique`` of the whole table's score
    kinds on each update."""
    assert set(followed_headers(seed, monkeypatch)) <= {"accuracy", "mean score"}


def test_the_followed_score_column_cases_change_name_and_keep_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cases above include a column named "accuracy" that becomes "mean score" as rows come
    (what the shown name alone would get wrong) and one that stays "accuracy"."""
    seen = [followed_headers(seed, monkeypatch) for seed in range(16)]
    assert any(h[0] == "accuracy" and h[-1] == "mean score" for h in seen)
    assert any(set(h) == {"accuracy"} for h in seen)

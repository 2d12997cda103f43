"""A followed update that only appends new prompts' rows (an eval writing whole prompts) is told
so by the follow worker: its header counts the new rows alone (merged with the last header's
counts), and its layout does not compare the rows it kept, with what counting and comparing
every row gives."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.app import app as app_module
from evaltui.app.app import EvalApp
from evaltui.app.display import TableLayout
from evaltui.app.screens import main as main_screen
from evaltui.app.screens.main import grown_header_counts, header_counts, header_text
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import (
    SIZE,
    counts,
    line,
    one_run,
    until_counted,
    until_following,
    wait_until,
)


def _same_layout(mine: TableLayout, theirs: TableLayout) -> bool:
    return (
        mine.columns,
        mine.widths,
        mine.limits,
        mine.runs,
        mine.prompt_cut,
        mine.prompt_after,
        mine.prompt_ends,
    ) == (
        theirs.columns,
        theirs.widths,
        theirs.limits,
        theirs.runs,
        theirs.prompt_cut,
        theirs.prompt_after,
        theirs.prompt_ends,
    )


async def test_a_followed_append_is_counted_and_measured_from_its_new_rows(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = "".join(line(p, p % 2 == 0) for p in range(1, 6))
    data, out = one_run(tmp_path, first + first)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)

    counted: list[int] = []
    original_counts = main_screen.header_counts

    def counting(stats: pl.DataFrame) -> main_screen.HeaderCounts:
        counted.append(stats.height)
        return original_counts(stats)

    monkeypatch.setattr(main_screen, "header_counts", counting)
    layouts: list[tuple[bool, bool]] = []  # (told grown, the same layout as comparing every row)
    original_layout = app_module.table_layout

    def laying_out(*args: Any, **kwargs: Any) -> TableLayout:
        layout = original_layout(*args, **kwargs)
        if len(args) > 7:
            again = original_layout(*args[:7], False, **kwargs)  # the rows kept compared
            layouts.append((bool(args[7]), _same_layout(layout, again)))
        return layout

    monkeypatch.setattr(app_module, "table_layout", laying_out)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 5)
        await until_following(pilot, app)
        await until_counted(pilot, app)
        # The first update after the load is counted whole (the follow worker has no update
        # before it); the next ones grow from it.
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(6, True))
        await wait_until(pilot, lambda: "Problem 6" in counts(app))
        await pilot.pause(0.3)
        for prompt in range(7, 11):
            counted.clear()
            layouts.clear()
            with out.open("a", encoding="utf-8") as handle:  # a new prompt, two generations
                handle.write(line(prompt, True) + line(prompt, prompt % 3 == 0))
            await wait_until(pilot, lambda p=prompt: f"Problem {p}" in counts(app))  # type: ignore[misc]
            await pilot.pause(0.3)
            assert app.result is not None and app.rows is app.result.stats
            # The header was made once, from the update's new row; it reads as made from all.
            assert counted == [1], (prompt, counted)
            whole = header_text(app.result, app.main.header_width())
            assert app.main._shown_texts["summary"] == whole
            assert f"prompts {prompt:,}" in whole
            # The layout was told the rows kept, and is that of comparing them.
            assert layouts == [(True, True)], (prompt, layouts)

        # A prompt already there gains a generation: not an append, every row counted.
        counted.clear()
        layouts.clear()
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(2, True))
        await wait_until(pilot, lambda: counts(app).get("Problem 2") == 3)
        await pilot.pause(0.3)
        assert app.result is not None
        assert counted == [app.result.stats.height]
        assert [told for told, _same in layouts] == [False]
        assert app.main._shown_texts["summary"] == header_text(app.result, app.main.header_width())
        await pilot.press("ctrl+q")


def _stats(rng: random.Random, rows: int) -> pl.DataFrame:
    runs = ["m/a", "m/b", "m/c"]
    kinds = {"m/a": "binary", "m/b": "continuous", "m/c": "unscored"}
    run = [rng.choice(runs) for _ in range(rows)]
    scored = [rng.randrange(0, 5) for _ in range(rows)]
    return pl.DataFrame(
        {
            "run": run,
            "prompt_id": [f"p{i}" for i in range(rows)],
            "count": [s + rng.randrange(0, 3) for s in scored],
            "n_scored": scored,
            # Halves: sums exact whatever their order.
            "total_accuracy_count": [
                None if kinds[r] == "unscored" else rng.randrange(0, 9) / 2 for r in run
            ],
            "score_kind": [None if kinds[r] == "unscored" else kinds[r] for r in run],
            "score_metric": ["bleu" if r == "m/b" else None for r in run],
            "higher_is_better": [True if r == "m/b" else None for r in run],
            "correct_threshold": [0.5 if r == "m/a" else None for r in run],
            "min_score": [rng.choice([None, -1.5, 0.0, 2.0, float("-inf")]) for _ in run],
            "max_score": [rng.choice([None, 0.5, 3.0, float("inf"), float("nan")]) for _ in run],
            "n_nonfinite": [rng.randrange(0, 2) for _ in run],
        },
        schema_overrides={"count": pl.UInt32, "n_scored": pl.UInt32, "n_nonfinite": pl.UInt32},
    )


def test_header_counts_grown_by_rows_equal_those_of_every_row() -> None:
    """Counts of a table's first rows grown by the rest, in one step or several, equal those of
    one query over every row: the runs in the order of their first rows, prompts, generations,
    scored, each run's kind (its firsts, finite extremes, non-finite count) and mean."""
    rng = random.Random(3)
    for step in range(120):
        stats = _stats(rng, rng.choice([1, 2, 5, 30]))
        cuts = sorted(
            rng.sample(range(stats.height + 1), min(stats.height + 1, rng.randrange(1, 4)))
        )
        grown = header_counts(stats.head(cuts[0]))
        for start, end in zip(cuts, [*cuts[1:], stats.height], strict=True):
            grown = grown_header_counts(grown, stats.slice(start, end - start))
        whole = header_counts(stats)
        for field in ("runs", "prompts", "generations", "scored", "kinds", "accuracies", "means"):
            assert getattr(grown, field) == getattr(whole, field), (step, cuts, field)


def _scored_line(prompt: int, score: float) -> str:
    return json.dumps(
        {"prompt": f"Problem {prompt}", "gen": "the answer is 3", "answer": "3", "accuracy": score}
    )


async def test_followed_appends_of_new_runs_and_scores_show_the_labels_of_a_fresh_load(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """New prompts appended to two runs whose labels cut alike at 80 columns, then a new run's
    file of new prompts whose scores are no accuracy (the column then reads "mean score"), each
    a followed append: the table's column names, run labels and widths are those of the same
    folder opened afresh."""
    data = tmp_path / "data"
    runs = [f"deepseek-ai__DeepSeek-R1-Distill-Qwen-{size}B__temp0.6" for size in (7, 14)]
    files = []
    for run in runs:
        (data / run).mkdir(parents=True)
        files.append(data / run / "out.jsonl")
        files[-1].write_text("".join(line(p, p % 2 == 0) for p in range(1, 4)), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 3)
        await until_following(pilot, app)
        await until_counted(pilot, app)
        for prompt, (file, score) in enumerate(
            [(files[0], 1.0), (files[1], 0.0), (files[0], 0.0), (files[1], 1.0)], start=4
        ):
            with file.open("a", encoding="utf-8") as handle:
                handle.write(_scored_line(prompt, score) + "\n")
            await wait_until(pilot, lambda p=prompt: f"Problem {p}" in counts(app))  # type: ignore[misc]
        # A new run's file, of new prompts, whose scores are an error (no accuracy).
        (data / "mae-run").mkdir()
        (data / "mae-run" / "out.jsonl").write_text(
            "".join(_scored_line(p, 186.9 + p) + "\n" for p in (8, 9)), encoding="utf-8"
        )
        await wait_until(pilot, lambda: "Problem 9" in counts(app))
        await pilot.pause(0.3)
        assert app.shown_layout is not None
        followed = app.shown_layout
        await pilot.press("ctrl+q")
    fresh_app = EvalApp([str(data)], options)
    async with fresh_app.run_test(size=(80, 24)) as pilot:
        await until_counted(pilot, fresh_app)
        assert fresh_app.shown_layout is not None
        fresh = fresh_app.shown_layout
        await pilot.press("ctrl+q")
    assert "mean score" in [label for _c, label, _k in fresh.columns]
    assert _same_layout(followed, fresh)

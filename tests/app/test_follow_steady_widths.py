"""While following, the table's column widths stay steady: a number column that grows takes a
digit of room more, so its next digit does not widen it again, and no column narrows when rows
go (each width change draws every line of the table again)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.app.display import column_widths, table_layout
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import (
    SIZE,
    count_cells_made,
    counts,
    drawn,
    line,
    one_run,
    until_counted,
    until_following,
    wait_until,
)
from tests.app.test_screens import screen_text


def words_line(prompt: int, words: int) -> str:
    """A generation of ``words`` + 4 words (the word tokenizer's tokens)."""
    gen = "".join(f"w{i} " for i in range(words)) + f"the answer is {prompt}"
    return json.dumps({"prompt": f"Problem {prompt}", "gen": gen, "answer": str(prompt)}) + "\n"


def width_of(app: EvalApp, column: str) -> int:
    layout = app.shown_layout
    assert layout is not None
    names = [name for name, _label, _kind in layout.columns]
    return layout.widths[names.index(column)]


async def test_a_followed_number_column_grows_with_room_for_a_digit_and_never_narrows(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    first = "".join(line(p, p % 2 == 0) for p in range(1, 6))
    data, out = one_run(tmp_path, first + first)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 5)
        await until_following(pilot, app)
        await until_counted(pilot, app)
        assert width_of(app, "max_gen_length") == 1  # "the answer is 3": 4 tokens

        # 16 tokens: two digits, and one of room (a table made afresh has two).
        with out.open("a", encoding="utf-8") as handle:
            handle.write(words_line(6, 12))
        await wait_until(pilot, lambda: "Problem 6" in counts(app))
        await pilot.pause(0.3)
        assert app.rows is not None and app.shown_layout is not None
        prompt, run = column_widths(app.size.width)
        fresh = table_layout(app.rows, prompt, run, app.size.width)
        assert width_of(app, "max_gen_length") == 3
        assert fresh.widths[[c for c, _l, _k in fresh.columns].index("max_gen_length")] == 2
        table = app.main.current_table()
        assert table is not None
        columns, widths = table.ordered_columns, list(app.shown_layout.widths)

        # 124 tokens: the room taken, no column made again (the table was drawn again whole).
        with out.open("a", encoding="utf-8") as handle:
            handle.write(words_line(7, 120))
        await wait_until(pilot, lambda: "Problem 7" in counts(app))
        await pilot.pause(0.3)
        assert app.shown_layout.widths == widths
        assert table.ordered_columns is columns
        row = next(text for text in screen_text(app).splitlines() if "Problem 7" in text)
        assert " 124 " in row

        # The long generations' rows gone (the file rewritten as it was): no column narrows.
        out.write_text(first + first, encoding="utf-8")
        await wait_until(pilot, lambda: "Problem 7" not in counts(app) and len(counts(app)) == 5)
        await pilot.pause(0.3)
        assert app.shown_layout.widths == widths
        assert table.ordered_columns is columns

        # Not following, a view is measured afresh.
        await pilot.press("F")
        await wait_until(pilot, lambda: not app.following.is_set())
        app.request_view(app.wanted)
        await wait_until(pilot, lambda: width_of(app, "max_gen_length") == 1)
        await pilot.press("ctrl+q")


async def test_a_run_folder_that_comes_while_following_leaves_the_other_runs_cells(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new run (a folder appearing beside the followed one) changes the run labels: the rows
    of the runs on screen keep their cells (their labels are the same), and only the new run's
    row is made; every run cell on screen was made again. The screen is what drawing it from
    scratch shows."""
    first = "".join(line(p, p % 2 == 0) for p in range(1, 6))
    data, _out = one_run(tmp_path, first + first)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 5)
        await until_following(pilot, app)
        await until_counted(pilot, app)
        progress = app.main.query_one("#progress", Static)
        await wait_until(pilot, lambda: "following" in str(progress.render()))
        await pilot.pause(0.5)
        table = app.main.current_table()
        assert table is not None and app.shown_layout is not None
        table.refresh()
        await pilot.pause(0.3)
        before = app.shown_layout
        made = count_cells_made(monkeypatch)
        (data / "n").mkdir()
        (data / "n" / "out.jsonl").write_text(line(1, True), encoding="utf-8")
        await wait_until(pilot, lambda: app.rows is not None and app.rows["run"].n_unique() == 2)
        await pilot.pause(0.5)
        after = app.shown_layout
        assert after is not None and after.widths == before.widths and after.runs != before.runs
        assert app.rows is not None and app.rows.height == 6
        assert made and {row for row, _column in made} == {5}  # the new run's row
        monkeypatch.undo()
        assert drawn(app, fresh=False) == drawn(app, fresh=True)
        await pilot.press("ctrl+q")


def test_widths_are_not_kept_from_a_layout_whose_run_labels_were_cut_otherwise() -> None:
    """A layout made for a wider screen (its run labels cut at 40 cells) does not keep its run
    column's width in a narrower one (cut at 12): the widths are measured afresh; at the same
    cut they are kept (a shorter run's rows alone: not narrower)."""
    long, short = "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "m"
    frame = pl.DataFrame(
        {"prompt": ["p1", "p2"], "run": [long, short], "count": [1, 12], "prompt_id": ["a", "b"]}
    )
    wide = table_layout(frame, 30, 40)
    names = [column for column, _label, _kind in wide.columns]
    assert wide.widths[names.index("run")] == len(long)
    narrow = table_layout(frame, 30, 12, steady=wide)
    assert narrow.widths[names.index("run")] <= 12  # (…Qwen-32B: app42's cut by family and size)
    kept = table_layout(frame.tail(1), 30, 40, steady=wide)
    assert kept.widths[names.index("run")] == len(long)
    assert table_layout(frame.tail(1), 30, 40).widths[names.index("run")] == 1


async def test_a_followed_mean_length_of_a_half_is_shown_whole_in_its_column(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A followed prompt whose two generations have 9 and 10 tokens has a mean (and median)
    length of 9.5: its cell reads 10 (rounded half to even, as the table rounds), and the
    column, 1 cell wide before, grows to hold it with a digit of room (its width measured
    from the new rows' extremes alone, their whole numbers made without a query)."""
    first = "".join(line(p, p % 2 == 0) for p in range(1, 6))
    data, out = one_run(tmp_path, first + first)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 5)
        await until_following(pilot, app)
        await until_counted(pilot, app)
        assert width_of(app, "avg_gen_length") == 1  # "the answer is 3": 4 tokens
        with out.open("a", encoding="utf-8") as handle:
            handle.write(words_line(6, 5) + words_line(6, 6))  # 9 and 10 tokens
        await wait_until(pilot, lambda: counts(app).get("Problem 6") == 2)
        await until_counted(pilot, app)
        layout = app.shown_layout
        assert layout is not None
        cells = layout.frame().row(5, named=True)
        labels = {column: label for column, label, _kind in layout.columns}
        assert cells[labels["avg_gen_length"]] == 10
        assert cells[labels["median_gen_length"]] == 10
        assert width_of(app, "avg_gen_length") == 3
        assert width_of(app, "median_gen_length") == 3

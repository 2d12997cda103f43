"""Back from a prompt screen, the table's cursor is on the prompt last read there; a followed
run's file deleted under the cursor leaves it on the same prompt of another run."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from evaltui.app.app import EvalApp
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.loader import LoadOptions
from evaltui.data.query import Sort
from tests.app.test_follow_app import counts, line, one_run, until_following, wait_until

SIZE = (80, 24)


async def read_prompts(pilot: Pilot[int], app: EvalApp, steps: int) -> tuple[str, str]:
    """Enter on the cursor's row, `.` ``steps`` times, escape: the prompt last read."""
    table = app.main.current_table()
    assert table is not None
    table.focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
    screen = app.screen
    assert isinstance(screen, PromptScreen)
    for _ in range(steps):
        await pilot.press("full_stop")
    await pilot.pause()
    read = (screen.run, screen.prompt_id)
    await pilot.press("escape")
    await wait_until(pilot, lambda: app.screen is app.main)
    await pilot.pause()
    return read


def in_sight(app: EvalApp) -> bool:
    """Whether the cursor's row is on the table's visible lines."""
    table = app.main.current_table()
    assert table is not None
    top = round(table.scroll_y)
    return top <= table.cursor_row < top + table.scrollable_content_region.height - 1


async def test_escape_puts_the_cursor_on_the_prompt_last_read_in_sight(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Five prompts stepped with `.` and back: the cursor was on the row the prompt screen was
    opened from; it is on the fifth prompt on, scrolled into view, under a filter and sort too."""
    data, _out = one_run(tmp_path, "".join(line(p, p % 3 == 0) for p in range(1, 61)))
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 60)
        await wait_until(pilot, lambda: app.main.cursor_key() is not None)
        read = await read_prompts(pilot, app, 5)
        assert app.main.cursor_key() == read
        assert app.main.current_table().cursor_row == 5  # type: ignore[union-attr]

        read = await read_prompts(pilot, app, 30)  # from row 5 to row 35: off the first screen
        assert app.main.cursor_key() == read
        assert app.main.current_table().cursor_row == 35  # type: ignore[union-attr]
        assert in_sight(app)

        await pilot.press("slash", "ctrl+u", *"n_correct == 0", "enter")
        app.request_view(app.wanted.replace(sort=Sort("prompt", descending=True)))
        await wait_until(pilot, lambda: len(counts(app)) == 40 and app.view.sort is not None)
        await pilot.pause(0.3)
        table = app.main.current_table()
        assert table is not None
        table.focus()
        start = table.cursor_row
        read = await read_prompts(pilot, app, 3)
        assert app.main.cursor_key() == read
        assert app.main.current_table().cursor_row == start + 3  # type: ignore[union-attr]
        assert in_sight(app)
        await pilot.press("ctrl+q")


async def test_back_on_the_prompt_last_read_after_followed_rows_came_above_it(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Following, sorted by count: prompts read while new ones came in above them; back on the
    table the cursor is on the prompt last read, at its new row."""
    data, out = one_run(tmp_path, "".join(line(p, False) for p in range(1, 5)))
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 4)
        await until_following(pilot, app)
        app.request_view(app.wanted.replace(sort=Sort("count", descending=True)))
        await wait_until(pilot, lambda: app.view.sort is not None)
        await pilot.pause(0.3)
        table = app.main.current_table()
        assert table is not None
        table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        await pilot.press("full_stop", "full_stop")
        await pilot.pause()
        read = (screen.run, screen.prompt_id)
        with out.open("a", encoding="utf-8") as handle:  # two prompts of two lines: first rows
            handle.write(line(8, False) + line(8, True) + line(9, False) + line(9, True))
        await wait_until(pilot, lambda: len(counts(app)) == 6)
        await pilot.pause(0.3)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main)
        await pilot.pause()
        assert app.main.cursor_key() == read
        assert app.main.current_table().cursor_row == 4  # type: ignore[union-attr]
        await pilot.press("ctrl+q")


async def test_a_deleted_runs_row_leaves_the_cursor_on_the_same_prompt_of_another_run(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Following two runs, the cursor on run B's second prompt, B's file deleted: the cursor
    went to the last row (run A's third prompt); it is on run A's second prompt."""
    data, _out_a = one_run(tmp_path, "".join(line(p, True) for p in range(1, 4)), "run-a")
    (data / "run-b").mkdir()
    out_b = data / "run-b" / "out.jsonl"
    out_b.write_text("".join(line(p, False) for p in range(1, 4)), encoding="utf-8")
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 6)
        await until_following(pilot, app)
        rows = app.main.shown_rows
        assert rows is not None
        b_second = rows.with_row_index("_at").filter(
            (rows["run"] == "run-b") & (rows["prompt"] == "Problem 2")
        )
        table = app.main.current_table()
        assert table is not None
        table.focus()
        table.move_cursor(row=int(b_second["_at"][0]))
        await pilot.pause()
        assert app.main.cursor_key() == ("run-b", str(b_second["prompt_id"][0]))

        out_b.unlink()
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 3)
        await pilot.pause(0.3)
        rows = app.main.shown_rows
        assert rows is not None and rows["run"].to_list() == ["run-a"] * 3
        row = app.main.current_table().cursor_row  # type: ignore[union-attr]
        assert rows["prompt"][row] == "Problem 2"
        await pilot.press("ctrl+q")


async def test_a_deleted_runs_block_of_rows_leaves_the_cursor_on_the_row_after_it(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Following two runs of different prompts, the cursor on the 1,051st of run A's 2,100
    rows, A's file deleted: the cursor went to the last row (B's 100th), the rows near it
    looked up being all A's. It is on the row that came after A's: B's first."""
    data, out_a = one_run(
        tmp_path, "".join(line(p, True) for p in range(1, 2101)), "run-a-meta-llama"
    )
    (data / "run-b").mkdir()
    out_b = data / "run-b" / "out.jsonl"
    out_b.write_text("".join(line(p, False) for p in range(5001, 5101)), encoding="utf-8")
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 2200)
        await until_following(pilot, app)
        await pilot.pause(0.3)
        rows = app.main.shown_rows
        assert rows is not None and rows["run"][1050] == "run-a-meta-llama"
        assert rows["run"][2100] == "run-b"
        table = app.main.current_table()
        assert table is not None
        table.focus()
        table.move_cursor(row=1050)
        await pilot.pause()

        out_a.unlink()
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 100)
        await pilot.pause(0.3)
        rows = app.main.shown_rows
        assert rows is not None and rows["run"].to_list() == ["run-b"] * 100
        assert app.main.current_table().cursor_row == 0  # type: ignore[union-attr]
        assert app.main.cursor_key() == ("run-b", str(rows["prompt_id"][0]))
        await pilot.press("ctrl+q")

"""Back from a prompt opened on the compare screen, its table's cursor is on the prompt last
read there (`.`/`,` stepped), in sight, under its filters and sorts too, as the prompt table's."""

from __future__ import annotations

import json
from pathlib import Path

from textual.pilot import Pilot

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import line, until_following, wait_until

SIZE = (80, 24)
RUNS = ("meta-llama/Meta-Llama-3.1-70B-Instruct", "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B")


def two_runs(root: Path, prompts: int = 60) -> Path:
    """Two runs of ``prompts`` prompts, 4 generations each, their accuracies apart by prompt."""
    for r, run in enumerate(RUNS):
        folder = root / run
        folder.mkdir(parents=True)
        lines = []
        for p in range(prompts):
            for s in range(4):
                correct = s < (p + r * (p % 3)) % 5
                lines.append(
                    json.dumps(
                        {
                            "prompt": f"Problem {p}",
                            "gen": f"the answer is {p if correct else -1}",
                            "answer": str(p),
                            "accuracy": correct,
                        }
                    )
                )
        (folder / "out.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


async def read_prompts(pilot: Pilot[int], app: EvalApp, screen: CompareScreen, steps: int) -> str:
    """Enter on the compare table's cursor row, `.` ``steps`` times, escape: the prompt id
    last read."""
    table = screen.current_table()
    assert table is not None
    table.focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
    prompt = app.screen
    assert isinstance(prompt, PromptScreen)
    for _ in range(steps):
        await pilot.press("full_stop")
    await pilot.pause()
    read = prompt.prompt_id
    await pilot.press("escape")
    await wait_until(pilot, lambda: app.screen is screen)
    await pilot.pause()
    return read


def cursor_row(screen: CompareScreen) -> int:
    table = screen.current_table()
    assert table is not None
    return table.cursor_row


def in_sight(screen: CompareScreen) -> bool:
    table = screen.current_table()
    assert table is not None
    top = round(table.scroll_y)
    return top <= table.cursor_row < top + table.scrollable_content_region.height - 1


async def test_escape_puts_the_compare_cursor_on_the_prompt_last_read(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Opened on the compare table's third row, stepped three prompts on and back: the cursor
    was on the third row again; it is on the sixth, the prompt read. Twenty more steps scroll
    it off the first screen: in sight. Under g (regressed only) and a sort, the same."""
    data = two_runs(tmp_path / "data")
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 120)
        await pilot.press("m")  # two runs: compared at once
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_until(pilot, lambda: screen.cursor_prompt_id() is not None)
        await pilot.pause(0.3)
        await pilot.press("down", "down")
        await pilot.pause()
        assert cursor_row(screen) == 2

        read = await read_prompts(pilot, app, screen, 3)
        assert screen.cursor_prompt_id() == read
        assert cursor_row(screen) == 5

        read = await read_prompts(pilot, app, screen, 20)
        assert screen.cursor_prompt_id() == read
        assert cursor_row(screen) == 25
        assert in_sight(screen)

        await pilot.press("g")  # regressed only, then sorted by B's accuracy
        await pilot.pause()
        regressed = screen.rows.height
        assert 6 < regressed < 60
        table = screen.current_table()
        assert table is not None
        table.move_cursor(column=2)
        await pilot.press("left_square_bracket")
        await wait_until(
            pilot, lambda: screen.sort[0] == "rate_b" and screen.current_table() is not None
        )
        assert screen.sort[0] == "rate_b" and screen.rows.height == regressed
        table = screen.current_table()
        assert table is not None
        table.move_cursor(row=1)
        await pilot.pause()
        read = await read_prompts(pilot, app, screen, 4)
        assert screen.cursor_prompt_id() == read
        assert screen.rows["prompt_id"][5] == read
        assert cursor_row(screen) == 5
        assert in_sight(screen)
        await pilot.press("ctrl+q")


async def test_back_on_the_prompt_last_read_after_followed_prompts_came_above_it(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Following two runs, compared, sorted by prompt: the second prompt on read, a prompt
    sorted first written to both runs, escape at once: the cursor is on the prompt read, one
    row down, once the runs are compared again (it went to the row opened from)."""
    data = tmp_path / "data"
    outs = []
    for r, run in enumerate(RUNS):
        (data / run).mkdir(parents=True)
        out = data / run / "out.jsonl"
        out.write_text("".join(line(p, (p + r) % 2 == 0) for p in range(1, 7)), encoding="utf-8")
        outs.append(out)
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 12)
        await until_following(pilot, app)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_until(pilot, lambda: screen.rows.height == 6)
        await pilot.pause(0.3)
        table = screen.current_table()
        assert table is not None
        table.move_cursor(row=0, column=3)
        await pilot.press("left_square_bracket")  # by prompt, ascending
        await wait_until(pilot, lambda: screen.sort == ("prompt_a", False))
        await pilot.pause()
        assert screen.rows["prompt_a"].to_list() == [f"Problem {p}" for p in range(1, 7)]
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        await pilot.press("full_stop")
        await pilot.pause()
        read = prompt.prompt_id
        for out in outs:
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line(0, True))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen and screen.rows.height == 7)
        # The cursor is put back once the new comparison's table is shown: waited for.
        await wait_until(pilot, lambda: screen.cursor_prompt_id() == read)
        assert screen.rows["prompt_a"][0] == "Problem 0"
        assert screen.cursor_prompt_id() == read
        assert cursor_row(screen) == 2
        await pilot.press("ctrl+q")


async def test_the_compare_cursor_stays_on_its_prompt_through_a_resize_and_a_sort(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The cursor on the compare table's 30th row, the terminal widened (80 -> 100 columns):
    the table is made again for the width and the cursor was on its first row. It stays on
    its prompt, in sight, and a sort by prompt keeps it on that prompt (at its new row)."""
    data = two_runs(tmp_path / "data")
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 120)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_until(pilot, lambda: screen.cursor_prompt_id() is not None)
        await pilot.pause(0.3)
        table = screen.current_table()
        assert table is not None
        table.move_cursor(row=30, column=3)
        await pilot.pause()
        kept = screen.cursor_prompt_id()
        await pilot.resize_terminal(100, 24)
        # The table made again for the width is scrolled to its cursor once laid out: waited for.
        await wait_until(
            pilot,
            lambda: (
                screen.current_table() not in (None, table)
                and cursor_row(screen) == 30
                and in_sight(screen)
            ),
        )
        assert screen.current_table() is not table  # made again for the width
        assert screen.cursor_prompt_id() == kept
        assert cursor_row(screen) == 30
        assert in_sight(screen)

        await pilot.press("left_square_bracket")  # the cursor's column: the prompt
        await wait_until(
            pilot,
            lambda: (
                screen.sort == ("prompt_a", False)
                and screen.cursor_prompt_id() == kept
                and in_sight(screen)
            ),
        )
        assert screen.sort == ("prompt_a", False)
        assert screen.cursor_prompt_id() == kept
        assert screen.rows["prompt_id"][cursor_row(screen)] == kept
        assert in_sight(screen)
        await pilot.press("ctrl+q")

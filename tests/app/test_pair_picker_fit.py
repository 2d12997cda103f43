"""The run-pair picker (m) over many runs with long names, on a small terminal: each run on one
line, the list inside the dialog, and how many runs are out of sight said on its border."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.containers import Vertical
from textual.widgets import OptionList

from evaltui.app.screens.compare import RunPairScreen
from evaltui.data.sanitize import cell_width
from tests.app.conftest import settle

RUNS = 17


def write_runs(root: Path) -> Path:
    """17 runs named like a long model-name folder, each with 3 prompts (run i shares q0–q2)."""
    for i in range(RUNS):
        run = (
            root / f"Meta-Llama-3.1-70B-Instruct-quantized-w4a16-{i:02d}-winrate_divided_by_optimal"
        )
        run.mkdir(parents=True)
        lines = [
            json.dumps({"prompt": f"q{p}", "gen": "x", "answer": "x", "accuracy": p % 2})
            for p in range(3)
        ]
        (run / "out.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def check_list(picker: RunPairScreen) -> None:
    """One line per run, the list whole inside the dialog, the runs out of sight counted."""
    options = picker.query_one("#pair-options", OptionList)
    dialog = picker.query_one("#pair-dialog", Vertical)
    room = options.scrollable_content_region.width - 2  # an option's padding
    for index in range(options.option_count):
        prompt = str(options.get_option_at_index(index).prompt)
        assert cell_width(prompt) <= room, (prompt, room)
    assert options.region.bottom <= dialog.content_region.bottom, (options.region, dialog)
    seen = options.scrollable_content_region.height
    above = round(options.scroll_y)
    below = options.option_count - above - seen
    assert str(options.border_title) == (f"↑ {above} more" if above else "")
    assert str(options.border_subtitle) == (f"↓ {below} more" if below > 0 else "")


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_many_long_runs_fit_the_picker_and_the_rest_is_counted(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """17 runs: 12 listed at 80x24 with no sign more were below (the scrollbar's thumb two
    half-block cells, the list's end cut off by the dialog), and a long model-name folder
    wrapped onto 3 lines at 60 columns ("5 ·" alone on a line, then the name)."""
    app = make_app(write_runs(tmp_path / "runs"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RunPairScreen) and len(picker.runs) == RUNS
        check_list(picker)
        assert str(picker.query_one("#pair-options", OptionList).border_subtitle).startswith("↓")
        await pilot.press("end")
        await settle(pilot)
        check_list(picker)
        assert str(picker.query_one("#pair-options", OptionList).border_title).startswith("↑")
        await pilot.press("home", "enter")  # A picked: B's list, under a longer label
        await settle(pilot)
        assert picker.first is not None
        check_list(picker)
        assert str(picker.query_one("#pair-options", OptionList).border_subtitle).startswith("↓")


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (100, 30)])
async def test_the_compare_table_shows_its_last_column_whole_or_not_at_all(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """At 60 columns the compare table's last column on screen was cut with no mark ('B so'
    over 'neve' and 'alwa'); as the prompt table, it shows a column whole or leaves it out
    (the prompt takes the room left)."""
    from evaltui.app.screens.compare import CompareScreen

    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        lines = [
            json.dumps(
                {
                    "prompt": f"Question {p}: " + "a long prompt about triangles " * 5,
                    "gen": "x",
                    "answer": "x",
                    "accuracy": (p + (run == "b")) % 2,
                }
            )
            for p in range(30)
        ]
        (tmp_path / run / "out.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        table = screen.current_table()
        assert table is not None and table.row_count == 30
        widths = [column.render_width for column in table.ordered_columns]
        room = table.scrollable_content_region.width
        ends = [sum(widths[: i + 1]) for i in range(len(widths))]
        assert ends[3] <= room  # the rates and the prompt are whole on screen
        whole = [end for end in ends if end <= room]
        assert len(whole) == len(ends) or whole[-1] >= room - 1, (room, ends)


async def test_the_count_out_of_sight_follows_the_mouse_wheel(
    tmp_path: Path, make_app: Any
) -> None:
    """The wheel scrolls the list without moving its highlight: the border kept '↓ 5 more'
    with runs now out of sight above and fewer below."""
    from textual import events

    app = make_app(write_runs(tmp_path / "runs"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RunPairScreen)
        options = picker.query_one("#pair-options", OptionList)
        highlighted = options.highlighted
        await pilot._post_mouse_events([events.MouseScrollDown], options, times=3)
        await settle(pilot)
        await pilot.wait_for_scheduled_animations()
        await settle(pilot)
        assert options.highlighted == highlighted and options.scroll_y > 0
        check_list(picker)
        assert str(options.border_title).startswith("↑")


@pytest.mark.parametrize("starved", [False, True])
async def test_the_header_fits_a_resize_made_under_a_dialog(
    tmp_path: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch, starved: bool
) -> None:
    """Resized from 60x20 to 120x35 with the sort menu open, the header (two lines at 60, one at
    120) kept its second line, blank, once the menu closed: the layout asked for under the
    dialog was not done. ``starved``: Textual's wait for idle returns at once, as it does for a
    process starved of CPU on a loaded machine (it judges idleness by the CPU time used): the
    layout asked for on the way back was answered from the screen's arrangement of before the
    header's new text, and the header stayed two lines high for good (3 of 4 runs)."""
    from textual.widgets import Static

    from evaltui.app.screens.sort import SortScreen
    from tests.app.test_follow_app import wait_until

    if starved:
        import asyncio

        import textual._wait
        import textual.pilot

        async def at_once(min_sleep: float = 0, max_sleep: float = 1) -> None:
            await asyncio.sleep(0)

        monkeypatch.setattr(textual._wait, "wait_for_idle", at_once)
        monkeypatch.setattr(textual.pilot, "wait_for_idle", at_once)
    root = write_runs(tmp_path / "runs")
    for run in sorted(root.iterdir())[:2]:  # bad lines: counted on the header's second line
        with (run / "out.jsonl").open("a") as out:
            out.write("{broken\n")
    # One run's accuracy another's (1/2, the others 1/3): the range is two values, a header of
    # two lines at 60 columns ('accuracy 0.333 (t)', every run's, leaves it one).
    with (sorted(root.iterdir())[0] / "out.jsonl").open("a") as out:
        out.write(json.dumps({"prompt": "q1", "gen": "x", "answer": "x", "accuracy": 1}) + "\n")
    app = make_app(root)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        summary = app.main.query_one("#summary", Static)
        await wait_until(pilot, lambda: summary.size.height == 2, 30)
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SortScreen), 30)
        await pilot.resize_terminal(120, 35)
        await settle(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, 30)

        def one_line() -> bool:
            return str(summary.render()).count("\n") == 0 and summary.size.height == 1

        await wait_until(pilot, one_line, 20)


async def test_a_short_list_of_runs_gives_their_names_the_scrollbar_s_room(
    tmp_path: Path, make_app: Any
) -> None:
    """Five runs fit the picker's list at 60x20, so it shows no scrollbar, yet their names were
    cut two cells short for one ('meta-llama/Meta-L…ma-3-8B-Instruct' beside blank cells)."""
    root = tmp_path / "five"
    for i in range(5):
        run = root / f"Meta-Llama-3.1-8B-Instruct-w4a16-v{i:02d}"
        run.mkdir(parents=True)
        record = {"prompt": "q", "gen": "x", "answer": "x", "accuracy": 1}
        (run / "out.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RunPairScreen)
        options = picker.query_one("#pair-options", OptionList)
        assert not options.show_vertical_scrollbar
        shown = [str(options.get_option_at_index(i).prompt) for i in range(5)]
        assert shown == [f"Meta-Llama-3.1-8B-Instruct-w4a16-v{i:02d}" for i in range(5)], shown
        check_list(picker)

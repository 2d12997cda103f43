"""Following in the app: appended lines and new files reach the table; F stops and resumes."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions, load
from evaltui.data.query import Sort

SIZE = (100, 30)


def line(prompt: int, correct: bool) -> str:
    return (
        json.dumps(
            {
                "prompt": f"Problem {prompt}",
                "gen": f"the answer is {prompt if correct else -1}",
                "answer": str(prompt),
                "accuracy": correct,
            }
        )
        + "\n"
    )


def long_line(prompt: int) -> str:
    """A generation of 16 tokens (the word tokenizer's): the length columns take two digits."""
    gen = "so " * 12 + f"the answer is {prompt}"
    return json.dumps({"prompt": f"Problem {prompt}", "gen": gen, "answer": str(prompt)}) + "\n"


async def wait_until(pilot: Pilot[int], condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def counts(app: EvalApp) -> dict[str, int]:
    if app.rows is None:
        return {}
    return dict(zip(app.rows["prompt"].to_list(), app.rows["count"].to_list(), strict=True))


def one_run(tmp_path: Path, text: str, folder: str = "m") -> tuple[Path, Path]:
    """A data folder holding one run's file with ``text``: (the folder, the file)."""
    data = tmp_path / "data"
    (data / folder).mkdir(parents=True)
    out = data / folder / "out.jsonl"
    out.write_text(text, encoding="utf-8")
    return data, out


def count_main_layouts(app: EvalApp, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """From now on, one entry per layout of the main screen (not a scroll's refresh)."""
    from textual.screen import Screen

    layouts: list[bool] = []
    relayout = Screen._refresh_layout

    def counted(screen: Screen[object], size: object = None, scroll: bool = False) -> None:
        if screen is app.main and not scroll:
            layouts.append(scroll)
        relayout(screen, size, scroll)  # type: ignore[arg-type]

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return layouts


async def until_counted(pilot: Pilot[int], app: EvalApp) -> None:
    """The complete load's table, every length counted (a partial load's table, without lengths,
    has other widths), focused."""
    await wait_until(
        pilot,
        lambda: (
            app.result is not None
            and app.result.complete
            and app.rows is not None
            and app.rows["max_gen_length"].null_count() == 0
        ),
    )
    await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))


def drawn(app: EvalApp, fresh: bool) -> list[list[object]]:
    """The screen's lines as the compositor has them; ``fresh``: the table and its scrollbars
    drawn again from scratch first (what an update left must equal that)."""
    table = app.main.current_table()
    assert table is not None
    if fresh:
        table._clear_caches()
        table._update_count += 1
        table.refresh()
        table.vertical_scrollbar.refresh()
        table.horizontal_scrollbar.refresh()
        app.screen._compositor.update_widgets({table})
    return [list(strip) for strip in app.screen._compositor.render_strips()]


def count_cells_made(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """From now on, the (row, column) of every table cell made (the header's row is -1)."""
    from evaltui.app.tables import DataTable

    made: list[tuple[int, int]] = []
    make = DataTable._get_cell_renderable

    def counted(
        table: DataTable, row_index: int, column_index: int, *args: object, **kwargs: object
    ) -> object:
        made.append((row_index, column_index))
        return make(table, row_index, column_index, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(DataTable, "_get_cell_renderable", counted)
    return made


async def cursor_on_the_third_row_of_the_view(
    pilot: Pilot[int], app: EvalApp
) -> tuple[str, str] | None:
    """Once the requested filter and sort are shown: the cursor two rows down; its prompt's key."""
    await wait_until(pilot, lambda: app.view.sort is not None and app.view.where != "")
    table = app.main.current_table()
    assert table is not None
    table.focus()
    await pilot.press("down", "down")
    await wait_until(pilot, lambda: app.main.cursor_key() is not None)
    return app.main.cursor_key()


async def until_following(pilot: Pilot[int], app: EvalApp) -> Static:
    """Wait until the app says it follows; the follow line's widget."""
    status = app.main.query_one("#progress", Static)
    await wait_until(pilot, lambda: "following" in str(status.render()))
    return status


def appender(
    out: Path, prompts: range, correct: Callable[[int], bool], pause: float
) -> tuple[threading.Thread, threading.Event]:
    """A writer thread (not started) appending one line per prompt to ``out``, ``pause`` seconds
    apart, and an event set until it has written the last."""
    writing = threading.Event()
    writing.set()

    def write() -> None:
        for prompt in prompts:
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line(prompt, correct(prompt)))
            time.sleep(pause)
        writing.clear()

    return threading.Thread(target=write), writing


def work_ends(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """When each follow loop's work from now on ended (``time.monotonic()``, in order): its poll,
    the stats it built and the status; then it pauses (it asks for :meth:`Follower.handover`)."""
    from evaltui.data.follow import Follower

    ends: list[float] = []
    handover = Follower.handover

    def timed_handover(follower: Follower) -> float:
        ends.append(time.monotonic())
        return handover(follower)

    monkeypatch.setattr(Follower, "handover", timed_handover)
    return ends


def time_polls(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """When each :meth:`Follower.poll` from now on begins (``time.monotonic()``), in order; the
    polls go on as before, every keyword passed on (``catch_up`` after F, ``last``)."""
    from evaltui.data.follow import Follower

    polls: list[float] = []
    poll = Follower.poll

    def timed_poll(follower: Follower, **kwargs: object) -> object:
        polls.append(time.monotonic())
        return poll(follower, **kwargs)

    monkeypatch.setattr(Follower, "poll", timed_poll)
    return polls


async def test_follow_appends_new_files_and_the_toggle(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data, out = one_run(tmp_path, line(1, True) + line(2, False), "model-a")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1, "Problem 2": 1})
        status = await until_following(pilot, app)

        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(1, False) + line(3, True)[:9])  # the last line is cut mid-way
        await wait_until(pilot, lambda: counts(app).get("Problem 1") == 2)
        assert "Problem 3" not in counts(app)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(3, True)[9:])
        (data / "model-b").mkdir()
        (data / "model-b" / "out.jsonl").write_text(line(1, True), encoding="utf-8")
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 4)
        assert "new generations in the last minute" in str(status.render())

        await pilot.press("F")  # stop following: later writes wait
        await wait_until(pilot, lambda: not status.display)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(4, True))
        await pilot.pause(2.5)
        assert "Problem 4" not in counts(app)
        await pilot.press("F")  # and again: what was written meanwhile arrives
        await wait_until(pilot, lambda: "Problem 4" in counts(app))

        assert app.result is not None
        fresh = load([data], options)
        assert app.result.stats.equals(fresh.stats)
        await pilot.press("ctrl+q")


async def test_follow_starts_from_the_key_after_a_normal_load(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data, out = one_run(tmp_path, line(1, True))
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1})
        await app.workers.wait_for_complete()  # not following: the load worker ends
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(1, False))
        await pilot.pause(1.5)
        assert counts(app) == {"Problem 1": 1}
        await pilot.press("F")
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 2})
        await pilot.press("F")
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_followed_updates_keep_the_filter_the_sort_and_the_cursor_prompt(
    tmp_path: Path, word_tokenizer: Path, size: tuple[int, int]
) -> None:
    """Lines arriving while the user looks at a filtered, sorted table: the new and changed
    prompts take their places in that order, and the cursor stays on its prompt (at its new row)."""
    data, out = one_run(tmp_path, "".join(line(p, False) for p in (1, 2, 3, 4)))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 4)
        await pilot.press("slash", "ctrl+u", *"n_correct == 0", "enter")
        app.request_view(app.wanted.replace(sort=Sort("count", descending=True)))
        key = await cursor_on_the_third_row_of_the_view(pilot, app)
        assert key is not None and app.main.current_table().cursor_row == 2  # type: ignore[union-attr]
        watched = key[1]
        prompt = app.rows.filter(pl.col("prompt_id") == watched)["prompt"].item()  # type: ignore[union-attr]

        # Prompt 1 gains two wrong generations (sorted first now), prompt 2 a right one (it
        # leaves the filter), a new prompt 9 arrives wrong.
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(1, False) + line(1, False) + line(2, True) + line(9, False))
        await wait_until(pilot, lambda: "Problem 9" in counts(app))
        await pilot.pause(0.3)
        rows = app.rows
        assert rows is not None
        assert app.view.where == "n_correct == 0" and app.view.sort == Sort("count", True)
        assert "Problem 2" not in counts(app)
        assert rows["count"].to_list() == sorted(rows["count"].to_list(), reverse=True)
        assert counts(app)["Problem 1"] == 3
        # Problem 3 was on the third row; with Problem 1 first and Problem 2 gone, it is the
        # second row now, and the cursor went with it.
        assert prompt == "Problem 3"
        assert app.main.cursor_key() == key
        assert rows["prompt"].to_list() == ["Problem 1", "Problem 3", "Problem 4", "Problem 9"]
        assert app.main.current_table().cursor_row == 1  # type: ignore[union-attr]
        fresh = load([data], options)
        assert app.result is not None and app.result.stats.equals(fresh.stats)
        await pilot.press("ctrl+q")


async def test_updates_faster_than_the_table_builds_still_reach_the_table(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a busy machine a table takes longer to build than the follower takes to bring the next
    update. Each update used to cancel the table being built for the one before, so while lines
    kept coming the table showed none of them; now an update waits for that build and shows
    right after it (the newest of those that came meanwhile)."""

    import evaltui.app.app as app_module

    built = app_module.table_layout

    def slow_layout(*args: object, **kwargs: object) -> object:
        time.sleep(1.2)  # longer than the follower's 1 s between updates
        return built(*args, **kwargs)  # type: ignore[arg-type]

    data, out = one_run(tmp_path, line(1, True))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    # A line every 0.2 s until told to stop (at most 300: a minute of them, for a loaded
    # machine whose polls and builds take longer); 38 lines in a fixed 7.6 s left room for
    # only two updates when each poll took a second.
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        for prompt in range(2, 302):
            if stop.is_set():
                break
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line(prompt, prompt % 3 == 0))
            written.append(prompt)
            time.sleep(0.2)

    thread = threading.Thread(target=write)

    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1})
        await until_following(pilot, app)
        monkeypatch.setattr(app_module, "table_layout", slow_layout)
        thread.start()
        seen = {len(counts(app))}
        while thread.is_alive() and len(seen) < 3:
            seen.add(len(counts(app)))
            await pilot.pause(0.05)
        stop.set()
        thread.join()
        # Tables were shown while the writer wrote (several, growing), not only after it ended.
        assert len(seen) >= 3, seen
        await wait_until(pilot, lambda: len(counts(app)) == 1 + len(written))
        fresh = load([data], options)
        assert app.result is not None and app.result.stats.equals(fresh.stats)
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_keys_while_a_writer_appends_and_the_same_table_takes_the_updates(
    tmp_path: Path, word_tokenizer: Path, size: tuple[int, int]
) -> None:
    """A writer appends while the user moves, opens a prompt (j/k there), leaves it, opens the
    filter box and the sort menu: nothing crashes, every followed update goes into the very table
    widget on screen (a new widget per update cost the app most of a core), the filter and sort
    stay, new prompts appear, the cursor stays on its prompt, and the counts end as a load of the
    final files from scratch has them."""

    from evaltui.app.screens.prompt import PromptScreen
    from evaltui.app.screens.sort import SortScreen

    data, out = one_run(tmp_path, "".join(line(p, p % 4 == 0) for p in range(1, 41)))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    writing = threading.Event()

    def writer(first: int, last: int, correct: bool = True) -> None:
        # Existing prompts gain generations (the sort moves them; a correct one takes its prompt
        # out of the view), new ones arrive; some lines are written in two parts.
        for prompt in range(first, last):
            text = line(prompt % 40 + 1, correct and prompt % 3 == 0) + line(prompt, False)
            with out.open("a", encoding="utf-8") as handle:
                handle.write(text[:20])
                handle.flush()
                time.sleep(0.02)
                handle.write(text[20:])
            time.sleep(0.08)
        writing.clear()

    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 40)
        await until_following(pilot, app)
        await pilot.press("slash", "ctrl+u", *"n_correct == 0", "enter")
        app.request_view(app.wanted.replace(sort=Sort("count", descending=True)))
        await wait_until(pilot, lambda: app.view.sort is not None and app.view.where != "")
        await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))
        table = app.main.current_table()

        writing.set()
        thread = threading.Thread(target=writer, args=(41, 91))
        thread.start()
        try:
            views = 0
            shown = app.rows

            def count_views() -> None:
                nonlocal views, shown
                if app.rows is not shown:
                    views, shown = views + 1, app.rows

            while writing.is_set():
                await pilot.press("down", "down", "up")
                count_views()
                await pilot.press("enter")  # the prompt under the cursor opens
                await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
                await pilot.press("j", "k", "escape")
                await wait_until(pilot, lambda: app.screen is app.main)
                count_views()
                await pilot.press("slash", "escape")  # the filter box, and back to the table
                count_views()
                await pilot.press("s")  # the sort menu, closed unchanged
                await wait_until(pilot, lambda: isinstance(app.screen, SortScreen))
                await pilot.press("escape")
                await wait_until(pilot, lambda: app.screen is app.main)
                count_views()
        finally:
            thread.join()
        assert views >= 2, views  # updates came while the keys were pressed
        assert app.screen is app.main and app.main.current_table() is table

        # Quiet keys now: the cursor on a prompt, then more lines, none correct (a prompt that
        # leaves the view hands the cursor to the row at its place); it stays on that prompt.
        # First every line written so far is in the rows shown (40 + 2 × 50 generations): an
        # update still on its way may take the prompt under the cursor out of the view.
        def settled() -> bool:
            result = app.result
            if result is None or result.stats["count"].sum() != 140 or app.rows is None:
                return False
            return app.rows.equals(app.wanted.apply(result.stats, threading.Event()))

        await wait_until(pilot, settled)
        await pilot.press("down")
        await wait_until(pilot, lambda: app.main.cursor_key() is not None)
        key = app.main.cursor_key()
        writing.set()
        thread = threading.Thread(target=writer, args=(91, 101, False))
        thread.start()
        thread.join()
        await wait_until(pilot, lambda: "Problem 100" in counts(app))
        await pilot.pause(0.3)

        assert app.main.current_table() is table and table.has_focus
        assert len(app.main.query(".prompts")) == 1
        assert app.view.where == "n_correct == 0" and app.view.sort == Sort("count", True)
        assert app.main.cursor_key() == key
        rows = app.rows
        assert rows is not None
        assert rows["count"].to_list() == sorted(rows["count"].to_list(), reverse=True)
        assert table.row_count == rows.height
        fresh = load([data], options)
        assert app.result is not None and app.result.stats.equals(fresh.stats)
        expected = fresh.stats.filter(pl.col("n_correct") == 0)
        assert counts(app) == dict(
            zip(expected["prompt"].to_list(), expected["count"].to_list(), strict=True)
        )
        # What the table shows is the new rows, drawn: the first row's prompt and count.
        first = table.get_row_at(0)
        assert str(rows["prompt"][0]) in str(first[0]) and int(first[2]) == rows["count"][0]
        await pilot.press("ctrl+q")


async def test_an_update_that_changes_no_size_relays_nothing_out(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A followed update that changes cells but no size (a count 1 -> 2 under another prompt's 3, the same rows and
    widths) repaints the table and the header; the screen is not laid out again, and the footer
    keeps its keys (it was made anew, restyled and relaid out on every update)."""
    from textual.widgets._footer import FooterKey

    data, out = one_run(tmp_path, line(1, True) * 3 + line(2, True))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 3, "Problem 2": 1})
        await until_following(pilot, app)
        await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))
        await pilot.pause(1.0)  # the follow line's first texts drawn
        table = app.main.current_table()
        assert table is not None
        keys = list(app.main.query(FooterKey))
        header = str(app.main.query_one("#summary", Static).render())
        layouts = count_main_layouts(app, monkeypatch)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(2, True))
        await wait_until(pilot, lambda: counts(app).get("Problem 2") == 2)
        await pilot.pause(0.5)
        assert str(app.main.query_one("#summary", Static).render()) != header  # 5 generations
        row = table.get_row_at(app.rows["prompt"].to_list().index("Problem 2"))  # type: ignore[union-attr]
        assert 2 in row  # the table shows the new count
        assert layouts == []
        assert app.main.current_table() is table and list(app.main.query(FooterKey)) == keys
        await pilot.press("ctrl+q")


async def test_a_fast_writer_gets_at_most_one_table_update_a_second(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines written every 0.1 s arrive together, at most one update every FOLLOW_MIN_INTERVAL
    (0.95 s; each costs the stats, the view and the table whatever its size), and the last of
    them is shown."""

    from evaltui.app.app import FOLLOW_MIN_INTERVAL

    data, out = one_run(tmp_path, line(1, True))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    thread, writing = appender(out, range(2, 52), lambda p: True, pause=0.1)

    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1})
        await until_following(pilot, app)
        polls = time_polls(monkeypatch)
        started = time.monotonic()
        thread.start()
        shown = [app.rows]
        while writing.is_set():
            if app.rows is not shown[-1]:
                shown.append(app.rows)
            await pilot.pause(0.02)
        took = time.monotonic() - started
        thread.join()
        assert FOLLOW_MIN_INTERVAL >= 0.9
        assert 1 <= len(shown) - 1 <= took / FOLLOW_MIN_INTERVAL + 1, (len(shown), took)
        gaps = [b - a for a, b in itertools.pairwise(polls)]
        assert len(gaps) >= 2 and min(gaps) >= 0.95 * FOLLOW_MIN_INTERVAL, gaps
        await wait_until(pilot, lambda: len(counts(app)) == 51)
        await pilot.press("ctrl+q")


async def test_polling_without_file_system_events_polls_once_an_interval(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a watcher (a network file system, EVALTUI_FOLLOW_POLLING) the follow worker
    polls FOLLOW_MIN_INTERVAL after the last poll began, not a second later as well: updates
    came 2 s apart, and a line written just after a poll took ~2 s to be shown (the target
    is 1 s). Never sooner than the interval either; every line is shown."""
    interval = 0.25
    monkeypatch.setenv("EVALTUI_FOLLOW_POLLING", "1")
    monkeypatch.setattr("evaltui.app.app.FOLLOW_MIN_INTERVAL", interval)
    data, out = one_run(tmp_path, line(1, True))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    thread, writing = appender(out, range(2, 42), lambda p: True, pause=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1})
        await until_following(pilot, app)
        polls = time_polls(monkeypatch)
        ends = work_ends(monkeypatch)
        thread.start()
        while writing.is_set():
            await pilot.pause(0.05)
        thread.join()
        await wait_until(pilot, lambda: len(counts(app)) == 41)
        await wait_until(pilot, lambda: len(ends) >= 9)  # idle polls too: the same cadence
        # (the first poll with lines makes the token counter: a longer poll, a longer pause)
        gaps = [b - a for a, b in itertools.pairwise(polls[1:])]
        assert min(gaps) >= 0.95 * interval, gaps
        # A second wait of 1 s made every gap at least interval + 1 s. The pause after a poll
        # is the interval, or twice its work's time when longer (a loaded machine's polls and
        # stats): the gaps beyond that.
        took = [min(e for e in ends if e >= start) - start for start in polls if start <= ends[-1]]
        beyond = [gap - max(interval, 2 * t) for gap, t in zip(gaps, took[1:], strict=False)]
        assert sorted(beyond)[len(beyond) // 2] < 0.5, (gaps, took)
        await pilot.press("ctrl+q")


async def test_an_update_off_screen_leaves_the_rows_drawn_and_drops_what_it_changed(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New prompts arriving at the end of the table, and a prompt off screen gaining a line,
    leave the rows on screen as they were drawn: none of them is drawn again (a full redraw per
    update made every cell on screen anew), and the screen is not laid out again for the rows
    that came (the table's box has the same size; its scrollbar tells the new height). What the table had drawn of the rows below (the
    user looked there first) is not shown again stale: every row, drawn now, is what a table
    drawn from scratch shows. A later update that changes a row on screen draws it again."""

    from evaltui.app.tables import DataTable

    # Three generations of the first prompt, two of every other: the largest count (which
    # pass@k columns exist) stays when Problem 55 gains its third.
    first = "".join(line(p, p % 2 == 0) for p in range(1, 61))
    data, out = one_run(tmp_path, line(1, False) + first + first)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    drawn: list[int] = []
    draw = DataTable._render_line_in_row

    def counted(table: DataTable, row_index: int, *args: object, **kwargs: object) -> object:
        drawn.append(row_index)
        return draw(table, row_index, *args, **kwargs)  # type: ignore[arg-type]

    def lines(table: DataTable) -> list[str]:
        return [
            table._render_line(y, 0, table.size.width, table.rich_style).text
            for y in range(table.row_count + 1)
        ]

    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 60)
        await until_following(pilot, app)
        await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))
        with out.open("a", encoding="utf-8") as handle:  # a first update (the lengths counted)
            handle.write(line(60, False))
        await wait_until(pilot, lambda: counts(app).get("Problem 60") == 3)
        table = app.main.current_table()
        assert table is not None
        # The last rows drawn (and cached) with the cursor where it is, then the first again.
        table.scroll_end(animate=False, immediate=True)
        await pilot.pause(0.3)
        table.scroll_home(animate=False, immediate=True)
        await pilot.pause(0.3)
        assert table.scroll_y == 0 and table.cursor_row == 0
        monkeypatch.setattr(DataTable, "_render_line_in_row", counted)
        layouts = count_main_layouts(app, monkeypatch)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(55, True) + line(61, False) + line(62, True))
        await wait_until(pilot, lambda: counts(app).get("Problem 55") == 3)
        await wait_until(pilot, lambda: "Problem 62" in counts(app))
        await pilot.pause(0.5)
        assert app.main.current_table() is table and table.row_count == 62
        on_screen = range(table.size.height - 1)
        assert not [row for row in drawn if row in on_screen], drawn
        assert layouts == []
        assert table.vertical_scrollbar.window_virtual_size == 62 + 1  # the rows and the header
        assert table.max_scroll_y == 62 + 1 - table.scrollable_content_region.height
        cached = lines(table)
        table._clear_caches()
        table._update_count += 1
        assert cached == lines(table)  # Problem 55's count, Problems 61 and 62
        assert any("Problem 62" in text for text in cached)

        # A row on screen changes (Problem 2's count): the table is drawn again, and shows it.
        drawn.clear()
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(2, True))
        await wait_until(pilot, lambda: counts(app).get("Problem 2") == 3)
        await pilot.pause(0.5)
        assert 1 in drawn  # Problem 2's row
        cached = lines(table)
        table._clear_caches()
        table._update_count += 1
        assert cached == lines(table)
        fresh = load([data], options)
        assert app.result is not None and app.result.stats.equals(fresh.stats)
        await pilot.press("ctrl+q")


async def test_an_update_keeps_the_tables_columns_unless_their_labels_or_widths_change(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The table's columns (each label parsed and measured) are made again only when an update
    changes a label or a width: a count growing from 1 to 2 keeps them (they were made anew on
    every update, and the cursor's scroll asked for them); a longer answer widens its column, as
    a table made from scratch has it."""
    from evaltui.app.display import column_widths, table_layout
    from evaltui.app.tables import DataTable, LayoutBackend

    # Three generations of the first prompt, two of every other: the largest count (which
    # pass@k columns exist) stays when Problem 3 gains its third.
    first = "".join(line(p, False) for p in range(1, 6))
    data, out = one_run(tmp_path, line(1, False) + first + first)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 5)
        await until_following(pilot, app)
        # The table of the complete load (a partial one, without lengths, has other widths).
        await until_counted(pilot, app)
        table = app.main.current_table()
        assert table is not None
        columns = table.ordered_columns
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(3, True))
        await wait_until(pilot, lambda: counts(app).get("Problem 3") == 3)
        await pilot.pause(0.3)
        assert table.ordered_columns is columns

        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(1234567890123, False))
        await wait_until(pilot, lambda: "Problem 1234567890123" in counts(app))
        await pilot.pause(0.3)
        assert table.ordered_columns is not columns
        assert app.shown_layout is not None and app.rows is not None
        prompt, run = column_widths(app.size.width)
        layout = table_layout(app.rows, prompt, run, app.size.width)
        fresh = DataTable(backend=LayoutBackend(layout))
        made = {c.label.plain: c.content_width for c in table.ordered_columns}
        assert made["answer"] == len("1234567890123")
        assert made == {c.label.plain: c.content_width for c in fresh.ordered_columns}
        await pilot.press("ctrl+q")


async def test_the_scrollbar_is_drawn_again_only_when_its_thumb_moves(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New prompts at the end of a long table, looked at from its top: the vertical scrollbar's
    thumb stays where it is (one cell at the top: its smallest), so neither bar is drawn again (each bar drawn
    made the screen's compositor cut every line of the table again); the bar knows the new
    height, and the screen is what drawing everything afresh gives. Scrolled down the table, the
    next update moves the thumb: the bar is drawn again, and shows it."""
    from textual.scrollbar import ScrollBar

    first = "".join(line(p, p % 2 == 0) for p in range(1, 201))
    data, out = one_run(tmp_path, line(1, False) + first + first)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    drawn: list[bool] = []
    refresh = ScrollBar.refresh

    def counted(bar: ScrollBar, *args: object, **kwargs: object) -> ScrollBar:
        drawn.append(bar.vertical)
        return refresh(bar, *args, **kwargs)  # type: ignore[arg-type]

    def screen(fresh: bool) -> list[list[object]]:
        table = app.main.current_table()
        assert table is not None
        if fresh:
            table.vertical_scrollbar.refresh()
            table.horizontal_scrollbar.refresh()
        return [list(strip) for strip in app.screen._compositor.render_strips()]

    # 12 lines of table: at 200 rows the thumb is its smallest (one cell).
    async with app.run_test(size=(100, 16)) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 200)
        await until_following(pilot, app)
        await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))
        with out.open("a", encoding="utf-8") as handle:  # a first update (the lengths counted)
            handle.write(line(200, False))
        await wait_until(pilot, lambda: counts(app).get("Problem 200") == 3)
        await pilot.pause(0.3)
        table = app.main.current_table()
        assert table is not None and table.scroll_y == 0
        monkeypatch.setattr(ScrollBar, "refresh", counted)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(201, False) + line(202, True))
        await wait_until(pilot, lambda: "Problem 202" in counts(app))
        await pilot.pause(0.5)
        assert drawn == []
        assert table.vertical_scrollbar.window_virtual_size == 202 + 1  # the rows and the header
        shown = screen(fresh=False)
        assert shown == screen(fresh=True)

        table.move_cursor(row=40)  # the table scrolls with it
        await pilot.pause(0.3)
        scrolled = table.scroll_y
        assert scrolled > 20
        drawn.clear()
        with out.open("a", encoding="utf-8") as handle:
            handle.write("".join(line(p, False) for p in range(203, 283)))
        await wait_until(pilot, lambda: "Problem 282" in counts(app))
        await pilot.pause(0.5)
        assert True in drawn and table.scroll_y == scrolled
        assert table.vertical_scrollbar.window_virtual_size == 282 + 1
        assert screen(fresh=False) == screen(fresh=True)
        await pilot.press("ctrl+q")


def shown_texts(app: EvalApp) -> tuple[str, str, list[str], tuple[str, str] | None, int]:
    """What the main screen shows: the header, the status line, every line of the table as
    drawn from scratch, the cursor's prompt and its row."""
    table = app.main.current_table()
    assert table is not None
    table._clear_caches()
    table._update_count += 1
    lines = [
        table._render_line(y, 0, table.size.width, table.rich_style).text
        for y in range(table.row_count + 1)
    ]
    return (
        str(app.main.query_one("#summary", Static).render()),
        str(app.main.query_one("#status", Static).render()),
        lines,
        app.main.cursor_key(),
        table.cursor_row,
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_after_followed_updates_the_screen_is_what_a_fresh_open_shows(
    tmp_path: Path, word_tokenizer: Path, size: tuple[int, int]
) -> None:
    """Followed updates (counts growing, new prompts, a longer answer that widens its column)
    under a filter and a sort, the cursor on a prompt: the header line (made with each update's
    view, off the UI thread), the status line, the table's lines and the cursor are what opening
    the final files from scratch with the same view and the cursor on the same prompt shows."""
    data, out = one_run(tmp_path, "".join(line(p, p % 3 == 0) for p in range(1, 13)))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    view = ("n_correct == 0", Sort("count", descending=True))
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 12)
        await until_following(pilot, app)
        app.request_view(app.wanted.replace(where=view[0], sort=view[1]))
        key = await cursor_on_the_third_row_of_the_view(pilot, app)
        for batch in (
            line(1, False) + line(2, False) + line(13, False),
            line(4, False) * 3 + line(123456789012345, False),
            line(5, True) + line(14, False),
        ):
            with out.open("a", encoding="utf-8") as handle:
                handle.write(batch)
            generations = app.result.stats["count"].sum() if app.result else 0
            await wait_until(
                pilot,
                lambda g=generations: (  # type: ignore[misc]
                    app.result is not None
                    and app.result.stats["count"].sum() > g
                    and app._building_since is None
                ),
            )
        await wait_until(pilot, lambda: "Problem 14" in counts(app))
        await pilot.pause(0.5)
        assert app.main.cursor_key() == key
        followed = shown_texts(app)
        assert "generations 21" in followed[0]
        await pilot.press("ctrl+q")

    fresh = EvalApp([str(data)], options)
    async with fresh.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: fresh.result is not None and fresh.result.complete)
        fresh.request_view(fresh.wanted.replace(where=view[0], sort=view[1]))
        await wait_until(pilot, lambda: fresh.view.sort is not None and fresh.rows is not None)
        await wait_until(pilot, lambda: "Problem 14" in counts(fresh))
        assert key is not None and fresh.rows is not None
        row = fresh.rows.with_row_index().filter(pl.col("prompt_id") == key[1])["index"].item()
        table = fresh.main.current_table()
        assert table is not None
        table.focus()
        table.move_cursor(row=row)
        await pilot.pause(0.3)
        assert shown_texts(fresh) == followed
        await pilot.press("ctrl+q")


async def test_an_update_that_changes_nothing_on_screen_repaints_nothing(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A followed update whose header, status line and rows on screen are what is shown already
    (here: the same stats again, as a new table) draws nothing: no widget is refreshed, the
    screen is not laid out or composited (the header and the status line were drawn again on
    every update)."""
    import dataclasses

    from textual.screen import Screen
    from textual.widget import Widget

    from evaltui.app.messages import LoadUpdated

    data, _out = one_run(tmp_path, "".join(line(p, p % 2 == 0) for p in range(1, 31)))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    refreshed: list[str] = []
    passes: list[bool] = []
    refresh = Widget.refresh
    composite = Screen._compositor_refresh
    relayout = Screen._refresh_layout

    def counted(widget: Widget, *args: object, **kwargs: object) -> Widget:
        refreshed.append(widget.id or type(widget).__name__)
        return refresh(widget, *args, **kwargs)  # type: ignore[arg-type]

    def counted_pass(screen: Screen[object]) -> None:
        passes.append(True)
        composite(screen)

    def counted_layout(screen: Screen[object], size: object = None, scroll: bool = False) -> None:
        passes.append(False)
        relayout(screen, size, scroll)  # type: ignore[arg-type]

    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 30)
        await until_following(pilot, app)
        await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))
        # The follow line says how long ago the last write was: it changes every second.
        app.following.clear()
        await wait_until(pilot, lambda: not app.main.query_one("#progress", Static).display)
        await pilot.pause(0.5)
        result, generation = app.result, app.result_generation
        assert result is not None and result.complete
        before = shown_texts(app)
        monkeypatch.setattr(Widget, "refresh", counted)
        monkeypatch.setattr(Screen, "_compositor_refresh", counted_pass)
        monkeypatch.setattr(Screen, "_refresh_layout", counted_layout)
        again = dataclasses.replace(result, stats=result.stats.select(pl.all()))
        app.post_message(LoadUpdated(again))
        await wait_until(
            pilot,
            lambda: app.result_generation > generation and app._building_since is None,
        )
        await pilot.pause(0.5)
        assert app.result is again
        assert refreshed == [] and passes == []
        monkeypatch.undo()
        assert shown_texts(app) == before
        await pilot.press("ctrl+q")


async def test_a_followed_updates_header_is_shown_with_its_table(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A followed update's header line is made with its view and shown with its table, in the
    same handler (one repaint, not one for the header and one for the table): while the view
    is being made, the header does not yet tell of generations the table does not show."""
    import evaltui.app.app as app_module

    data, out = one_run(tmp_path, "".join(line(p, p % 2 == 0) for p in range(1, 31)))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    made = app_module.table_layout

    def slow_layout(*args: object, **kwargs: object) -> object:
        time.sleep(0.5)
        return made(*args, **kwargs)  # type: ignore[arg-type]

    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 30)
        await until_following(pilot, app)
        await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))
        monkeypatch.setattr(app_module, "table_layout", slow_layout)
        header = app.main.query_one("#summary", Static)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(3, True) + line(31, True))
        while "generations 32" not in str(header.render()):
            assert "Problem 31" not in counts(app)
            await pilot.pause(0.02)
        assert counts(app)["Problem 31"] == 1 and counts(app)["Problem 3"] == 2
        await pilot.press("ctrl+q")


async def test_a_wider_column_draws_the_table_again_without_a_layout(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A followed update that widens columns (a new prompt at the end, off screen, whose
    generation is the first of ten tokens or more: the length columns take a digit more) draws
    the table again without laying the screen out (its box keeps its size; the new virtual
    width laid out and drew every widget again). The screen then shows what drawing it from
    scratch shows, and the horizontal scrollbar knows the new width."""

    first = "".join(line(p, p % 2 == 0) for p in range(1, 61))
    data, out = one_run(tmp_path, line(1, False) + first + first)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)

    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 60)
        await until_following(pilot, app)
        await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))
        await pilot.pause(1.0)  # the follow line's first texts drawn (the table's box then)
        with out.open("a", encoding="utf-8") as handle:  # a first update (the lengths counted)
            handle.write(line(60, False))
        await wait_until(pilot, lambda: counts(app).get("Problem 60") == 3)
        await pilot.pause(0.3)
        table = app.main.current_table()
        assert table is not None and app.shown_layout is not None
        before, height = app.shown_layout, table.size.height
        layouts = count_main_layouts(app, monkeypatch)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(long_line(61))
        await wait_until(pilot, lambda: "Problem 61" in counts(app))
        await pilot.pause(0.5)
        after = app.shown_layout
        assert table.size.height == height  # (else every cell is drawn again)
        assert after is not None and after.columns == before.columns
        changed = {
            i for i, (a, b) in enumerate(zip(before.widths, after.widths, strict=True)) if a != b
        }
        names = [column for column, _l, _k in after.columns]
        assert {"max_gen_length", "avg_gen_length"} <= {names[i] for i in changed}
        assert layouts == []
        assert table.horizontal_scrollbar.window_virtual_size == table.virtual_size.width
        assert table.virtual_size.width == sum(c.render_width for c in table.ordered_columns)
        assert drawn(app, fresh=False) == drawn(app, fresh=True)
        await pilot.press("ctrl+q")


async def test_an_update_makes_again_only_the_cells_on_screen_that_changed(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A followed update that widens the length columns (a new prompt off screen, of ten
    tokens), then one that changes a prompt on screen (Problem 2 gains a generation), draws the
    table again making only the cells that changed: the widened columns' cells (their header's
    too), then Problem 2's changed cells (each update made every cell on screen anew, ~0.1 ms
    each). The screen is what drawing it from scratch shows, every time."""

    first = "".join(line(p, p % 2 == 0) for p in range(1, 61))
    data, out = one_run(tmp_path, line(1, False) + first + first)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 60)
        await until_following(pilot, app)
        await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))
        await pilot.pause(1.0)
        with out.open("a", encoding="utf-8") as handle:  # a first update (the lengths counted)
            handle.write(line(60, False))
        await wait_until(pilot, lambda: counts(app).get("Problem 60") == 3)
        # The follow line tells of the last write (the table's box has its size then), and the
        # table is drawn: its cells are made.
        progress = app.main.query_one("#progress", Static)
        await wait_until(pilot, lambda: "last write" in str(progress.render()))
        await pilot.pause(0.3)
        table = app.main.current_table()
        assert table is not None and app.shown_layout is not None
        before, size = app.shown_layout, table.size
        # Drawn once more: the table's resize (the follow line took a line) made every cell
        # stale after it was drawn (the library counts a resize as a change of every cell).
        table.refresh()
        await pilot.pause(0.3)
        made = count_cells_made(monkeypatch)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(long_line(61))
        await wait_until(pilot, lambda: "Problem 61" in counts(app))
        await pilot.pause(0.5)
        after = app.shown_layout
        assert after is not None and after.columns == before.columns
        changed = {
            i for i, (a, b) in enumerate(zip(before.widths, after.widths, strict=True)) if a != b
        }
        names = [column for column, _l, _k in after.columns]
        assert {"max_gen_length", "avg_gen_length"} <= {names[i] for i in changed}
        assert table.size == size  # (a new size draws every cell again)
        assert made and {column for _row, column in made} <= changed
        assert {row for row, _column in made} >= {-1, 0, 1}  # the header and the rows on screen
        monkeypatch.undo()
        assert drawn(app, fresh=False) == drawn(app, fresh=True)

        # A prompt on screen gains a generation: its changed cells only (count, accuracy, …).
        made = count_cells_made(monkeypatch)
        shown = app.shown_layout
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(2, True))
        await wait_until(pilot, lambda: counts(app).get("Problem 2") == 3)
        await pilot.pause(0.5)
        assert app.shown_layout is not None and app.shown_layout.widths == shown.widths
        assert made and {row for row, _column in made} == {1}  # Problem 2's row
        assert len(made) < len(names)  # not its prompt, its run, …
        assert names.index("prompt") not in {column for _row, column in made}
        monkeypatch.undo()
        assert drawn(app, fresh=False) == drawn(app, fresh=True)
        fresh = load([data], options)
        assert app.result is not None and app.result.stats.equals(fresh.stats)
        await pilot.press("ctrl+q")


async def test_a_prompt_open_when_its_file_is_cut_short_walks_the_rows_the_table_has_now(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """`.` on a prompt screen walks the table's rows: after the followed file was cut to two
    prompts, it said "prompt 2 of 6" and `.` showed prompts no longer loaded (an empty screen)."""
    from evaltui.app.screens.prompt import PromptScreen

    data, out = one_run(tmp_path, "".join(line(p, p % 2 == 0) for p in range(1, 7)))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 6)
        await until_following(pilot, app)
        table = app.main.current_table()
        assert table is not None
        table.focus()
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        title = screen.query_one("#prompt-title", Static)
        await wait_until(pilot, lambda: str(title.render()).startswith("prompt 2 of 6 "))

        out.write_text(line(1, True) + line(2, False), encoding="utf-8")  # rewritten, shorter
        await wait_until(pilot, lambda: len(counts(app)) == 2)
        await wait_until(pilot, lambda: str(title.render()).startswith("prompt 2 of 2 "))
        await pilot.press("full_stop")  # the last row of the table: no further prompt
        await pilot.pause(0.2)
        assert screen.prompt_id == app.rows["prompt_id"][1]  # type: ignore[index]
        assert "Problem 2" in str(screen.query_one("#prompt-text", Static).render())
        await pilot.press("comma")
        await wait_until(pilot, lambda: str(title.render()).startswith("prompt 1 of 2 "))
        assert "Problem 1" in str(screen.query_one("#prompt-text", Static).render())
        await pilot.press("ctrl+q")


async def test_a_prompt_opened_from_compare_walks_the_compare_rows_it_has_now(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """`.` on a prompt opened from compare walks the compared prompts as they are now: after
    both followed runs gained a prompt, the title still said "prompt 1 of 3" and `.` stopped
    at the third ("last prompt of the list") with a fourth prompt in the compare table."""
    from evaltui.app.screens.compare import CompareScreen
    from evaltui.app.screens.prompt import PromptScreen

    data, out_a = one_run(tmp_path, "".join(line(p, True) for p in range(1, 4)), "run-a")
    (data / "run-b").mkdir()
    out_b = data / "run-b" / "out.jsonl"
    out_b.write_text("".join(line(p, False) for p in range(1, 4)), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 6)
        await until_following(pilot, app)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        await wait_until(pilot, lambda: compare.rows.height == 3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        title = screen.query_one("#prompt-title", Static)
        await wait_until(pilot, lambda: str(title.render()).startswith("prompt 1 of 3 "))

        for out, correct in ((out_a, True), (out_b, False)):
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line(4, correct))
        await wait_until(pilot, lambda: compare.rows.height == 4)
        await wait_until(pilot, lambda: str(title.render()).startswith("prompt 1 of 4 "))
        for _ in range(3):
            await pilot.press("full_stop")
        await wait_until(pilot, lambda: str(title.render()).startswith("prompt 4 of 4 "))
        assert screen.prompt_id == compare.rows["prompt_id"][3]
        await pilot.press("ctrl+q")


async def test_follow_off_and_on_during_a_poll_polls_on_one_thread(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F off and on again while the follow worker polled started a second worker polling the
    same follower (which is not thread-safe) at the same time; a line written meanwhile was
    missing from the table 1.5 s later, until the next look at every file."""
    from evaltui.data.follow import Follower

    polling: list[int] = []
    at_once: list[int] = []
    poll = Follower.poll

    def slow_poll(follower: Follower, **kwargs: object) -> object:
        """A poll takes a while (a big append being read and tokenized)."""
        polling.append(threading.get_ident())
        at_once.append(len(polling))
        try:
            time.sleep(0.3)
            return poll(follower, **kwargs)
        finally:
            polling.pop()

    monkeypatch.setattr(Follower, "poll", slow_poll)
    # No look at every file meanwhile (one every 5 s): a line missed stays missing, and the
    # wait for the lines below needs no deadline shorter than that (it had 3 s: tight for polls
    # of 0.3 s each and their builds on a loaded machine).
    monkeypatch.setattr("evaltui.data.follow.FULL_LOOK", 600.0)
    data, out = one_run(tmp_path, line(1, True))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await until_following(pilot, app)
        for prompt in range(2, 5):
            await wait_until(pilot, lambda: bool(polling))
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line(prompt, True))
            await pilot.press("F", "F")  # while the worker polls
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line(prompt + 10, False))
            await pilot.pause(0.4)
        wanted = {f"Problem {p}": 1 for p in (1, 2, 3, 4, 12, 13, 14)}
        await wait_until(pilot, lambda: counts(app) == wanted)
        fresh = load([data], options).stats
        await wait_until(pilot, lambda: app.result is not None and app.result.stats.equals(fresh))
        assert max(at_once) == 1, at_once  # one poll at a time
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("size", [(80, 24)])
async def test_an_export_takes_the_rows_shown_with_their_own_generations(
    tmp_path: Path, word_tokenizer: Path, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Following, a followed update is the app's result as soon as it arrives, its rows a
    moment later (once its table is built). An export asked for in between wrote the rows on
    screen with the next update's generations: a records export of "2 prompts" (3 generations)
    held 4 records, the newest line of prompt 2 among them. Now the rows shown and the load result they were made
    from are exported together (here the update's table is never built, so the gap stays
    open): 3 records, and the dialog's line says so."""
    from textual.widgets import Input

    from evaltui.app.screens.export import ExportScreen

    data, out = one_run(tmp_path, line(1, True) + line(2, False))
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    notes: list[str] = []
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1, "Problem 2": 1})
        await until_following(pilot, app)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(1, False))  # the update shown: the rows of a followed read
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 2, "Problem 2": 1})
        await pilot.press("F")  # no more polls by the app: the update below is the test's
        await wait_until(pilot, lambda: not app.following.is_set())
        await app.workers.wait_for_complete()
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#kind-records").value = True  # type: ignore[attr-defined]
        await pilot.pause()
        target = tmp_path / "records.jsonl"
        screen.query_one("#export-path", Input).value = str(target)
        await pilot.pause()

        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(2, True))
        follower = app.follower
        assert follower is not None
        update = follower.poll()
        for _ in range(20):  # (after the file-system watcher's word, when there is one)
            if update is not None:
                break
            await asyncio.to_thread(follower.wait, 0.5)
            update = follower.poll()
        assert update is not None and update.result.generations.height == 4
        monkeypatch.setattr(app, "compute_view", lambda *args, **kwargs: None)
        monkeypatch.setattr(app, "notify", lambda message, **kwargs: notes.append(message))
        app.show_final_result(update.result)
        assert app.result is update.result and counts(app) == {"Problem 1": 2, "Problem 2": 1}

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is app.main or screen.writing is None)
        assert app.screen is app.main, screen.query_one("#export-message").render()
        written = target.read_text(encoding="utf-8").splitlines()
        assert [json.loads(text)["prompt"] for text in written] == [
            "Problem 1",
            "Problem 2",
            "Problem 1",
        ]
        # (the path on lines of its own, broken at its folders, where longer than the toast)
        assert len(notes) == 1 and notes[0].startswith("wrote 3 records of 2 prompts to"), notes
        assert notes[0].endswith("records.jsonl"), notes
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("size", [(80, 24)])
async def test_a_records_export_of_the_first_load_after_a_line_arrived(
    tmp_path: Path, word_tokenizer: Path, size: tuple[int, int]
) -> None:
    """A line arrived after the first load, its update not shown yet (here: never, F stopped
    the polls): e, records, ctrl+s said "out.jsonl has changed since it was loaded" (the
    first load's files were checked on their size). It writes the records of the rows shown."""
    from textual.widgets import Input

    from evaltui.app.screens.export import ExportScreen

    data, out = one_run(tmp_path, line(1, True) + line(2, False))
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1, "Problem 2": 1})
        await until_following(pilot, app)
        await pilot.press("F")
        await wait_until(pilot, lambda: not app.following.is_set())
        await app.workers.wait_for_complete()
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(3, True))
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#kind-records").value = True  # type: ignore[attr-defined]
        await pilot.pause()
        target = tmp_path / "records.jsonl"
        screen.query_one("#export-path", Input).value = str(target)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is app.main or screen.writing is None)
        assert app.screen is app.main, screen.query_one("#export-message").render()
        assert target.read_text(encoding="utf-8") == line(1, True) + line(2, False)
        await pilot.press("ctrl+q")


async def test_the_export_dialog_counts_the_rows_a_followed_update_brings(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The export dialog open while a writer adds a prompt: its title kept the count of when it
    opened ("2 prompts") and the export wrote 3. Now the title counts the rows of the update
    shown, and the file holds them; the dialog's keys and path are kept."""
    from textual.widgets import Input, Label

    from evaltui.app.screens.export import ExportScreen

    data, out = one_run(tmp_path, line(1, True) + line(2, False))
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1, "Problem 2": 1})
        await until_following(pilot, app)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        title = screen.query_one("#export-title", Label)
        assert "(2 prompts · " in str(title.render())
        target = tmp_path / "view.json"
        box = screen.query_one("#export-path", Input)
        box.value = str(target)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(3, True))
        await wait_until(pilot, lambda: len(counts(app)) == 3)
        await wait_until(pilot, lambda: "(3 prompts · " in str(title.render()))
        assert app.screen is screen and box.value == str(target)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is app.main)
        written = json.loads(target.read_text(encoding="utf-8"))
        assert sorted(entry["prompt"] for entry in written) == [f"Problem {p}" for p in (1, 2, 3)]
        await pilot.press("ctrl+q")


async def test_a_compared_prompt_keeps_the_generation_read_when_the_first_run_gains_one(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A prompt opened from compare lists run A's generations, then run B's. Reading B's second
    generation, a followed line gave A one more: the list kept the place, so the highlight was
    on B's first generation now. It stays on B's second (by run and sample)."""
    from textual.widgets import OptionList

    from evaltui.app.screens.compare import CompareScreen
    from evaltui.app.screens.prompt import PromptScreen

    data, out_a = one_run(tmp_path, line(1, True) + line(1, False), "run-a")
    (data / "run-b").mkdir()
    out_b = data / "run-b" / "out.jsonl"
    out_b.write_text(line(1, False) + line(1, True), encoding="utf-8")
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 2)
        await until_following(pilot, app)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        await wait_until(pilot, lambda: compare.rows.height == 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        options = screen.query_one("#generations", OptionList)
        await wait_until(pilot, lambda: options.option_count == 4)
        options.highlighted = 3  # run B's second generation
        await pilot.pause()
        reading = screen.generations.select("run", "sample").row(3)
        assert reading[0] == "run-b"

        with out_a.open("a", encoding="utf-8") as handle:
            handle.write(line(1, True))
        await wait_until(pilot, lambda: options.option_count == 5)
        assert options.highlighted is not None
        assert screen.generations.select("run", "sample").row(options.highlighted) == reading
        assert options.highlighted == 4
        await pilot.press("ctrl+q")


async def test_a_compared_run_gone_from_the_files_leaves_no_comparison_behind(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Run B's folder moved away while compare showed A against B: the headline became
    "no run 'run-b' (runs: 'run-a')" over the comparison of before (its counts, matrix and
    table, '1 prompt in both runs'). Now it says B is no longer loaded and shows nothing of
    it; back in the files, B is compared again."""
    from evaltui.app.screens.compare import CompareScreen

    data, _out_a = one_run(tmp_path, line(1, True) + line(2, False), "run-a")
    (data / "run-b").mkdir()
    (data / "run-b" / "out.jsonl").write_text(line(1, False), encoding="utf-8")
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 3)
        await until_following(pilot, app)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        await wait_until(pilot, lambda: compare.rows.height == 1)

        def shown() -> str:
            return "\n".join(
                str(compare.query_one(s, Static).render())
                for s in ("#compare-headline", "#compare-details", "#compare-status")
            )

        (data / "run-b").rename(tmp_path / "run-b-away")
        await wait_until(pilot, lambda: "no longer in the loaded files" in shown())
        text = shown()
        assert text.startswith("run-b is no longer in the loaded files"), text
        assert "in both runs" not in text and "no run 'run-b'" not in text, text
        assert compare.comparison is None and compare.rows.height == 0
        await wait_until(pilot, lambda: compare.current_table() is None)
        await pilot.press("enter")  # nothing to open: no crash
        (tmp_path / "run-b-away").rename(data / "run-b")
        # (the counts come with the new table, once it is mounted)
        await wait_until(pilot, lambda: "1 prompt in both runs" in shown())
        assert compare.comparison is not None and compare.rows.height == 1
        await pilot.press("ctrl+q")

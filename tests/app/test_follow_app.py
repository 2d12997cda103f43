"""Following in the app: appended lines and new files reach the table; F stops and resumes."""

from __future__ import annotations

import json
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


async def wait_until(pilot: Pilot[int], condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def counts(app: EvalApp) -> dict[str, int]:
    if app.rows is None:
        return {}
    return dict(zip(app.rows["prompt"].to_list(), app.rows["count"].to_list(), strict=True))


async def test_follow_appends_new_files_and_the_toggle(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = tmp_path / "data"
    (data / "model-a").mkdir(parents=True)
    out = data / "model-a" / "out.jsonl"
    out.write_text(line(1, True) + line(2, False), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1, "Problem 2": 1})
        status = app.main.query_one("#progress", Static)
        await wait_until(pilot, lambda: "following" in str(status.render()))

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
    data = tmp_path / "data"
    (data / "m").mkdir(parents=True)
    out = data / "m" / "out.jsonl"
    out.write_text(line(1, True), encoding="utf-8")
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
    data = tmp_path / "data"
    (data / "m").mkdir(parents=True)
    out = data / "m" / "out.jsonl"
    out.write_text("".join(line(p, False) for p in (1, 2, 3, 4)), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 4)
        await pilot.press("slash", "ctrl+u", *"n_correct == 0", "enter")
        app.request_view(app.wanted.replace(sort=Sort("count", descending=True)))
        await wait_until(pilot, lambda: app.view.sort is not None and app.view.where != "")
        table = app.main.current_table()
        assert table is not None
        table.focus()
        await pilot.press("down", "down")
        await wait_until(pilot, lambda: app.main.cursor_key() is not None)
        key = app.main.cursor_key()
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
    import threading

    import evaltui.app.app as app_module

    built = app_module.table_layout

    def slow_layout(*args: object, **kwargs: object) -> object:
        time.sleep(1.2)  # longer than the follower's 0.5 s between updates
        return built(*args, **kwargs)  # type: ignore[arg-type]

    data = tmp_path / "data"
    (data / "m").mkdir(parents=True)
    out = data / "m" / "out.jsonl"
    out.write_text(line(1, True), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    writing = threading.Event()
    writing.set()

    def writer() -> None:
        for prompt in range(2, 40):
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line(prompt, prompt % 3 == 0))
            time.sleep(0.2)
        writing.clear()

    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1})
        status = app.main.query_one("#progress", Static)
        await wait_until(pilot, lambda: "following" in str(status.render()))
        monkeypatch.setattr(app_module, "table_layout", slow_layout)
        thread = threading.Thread(target=writer)
        thread.start()
        seen = {len(counts(app))}
        while writing.is_set():
            seen.add(len(counts(app)))
            await pilot.pause(0.05)
        thread.join()
        # Tables were shown while the writer wrote (several, growing), not only after it ended.
        assert len(seen) >= 3, seen
        await wait_until(pilot, lambda: len(counts(app)) == 39)
        fresh = load([data], options)
        assert app.result is not None and app.result.stats.equals(fresh.stats)
        await pilot.press("ctrl+q")

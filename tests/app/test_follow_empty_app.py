"""The app following an eval before its first file: it opens at once, says it waits, keys that
need rows do not crash, and the first files fill the table as a fresh load of them would."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions, load
from tests.app.test_follow_app import counts, line, wait_until

SIZE = (80, 24)
RUN = "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B__temp0.6_topp0.95_n16"


def text_of(app: EvalApp, selector: str) -> str:
    return str(app.main.query_one(selector, Static).render())


def writer(data: Path) -> tuple[threading.Thread, threading.Event]:
    """Makes the run's folder and file, then appends a line at a time; the event is set when done."""
    done = threading.Event()

    def write() -> None:
        out = data / RUN / "samples.jsonl"
        out.parent.mkdir()
        out.write_text(line(1, True), encoding="utf-8")
        for prompt, correct in [(2, False), (1, False), (3, True), (2, True)]:
            time.sleep(0.3)
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line(prompt, correct))
        done.set()

    return threading.Thread(target=write), done


async def test_following_an_empty_folder_waits_then_shows_what_is_written(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = tmp_path / "out"
    data.mkdir()
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(
            pilot, lambda: "waiting for files to appear in" in text_of(app, "#progress")
        )
        assert not app.main.failed
        assert len(app.main.query("#failure")) == 0
        assert "prompts 0" in text_of(app, "#summary")
        for key in ["s", "/", "enter", "p", "t", "e"]:  # keys that need rows, on none
            await pilot.press(key)
            await pilot.pause(0.3)
            await pilot.press("escape")
            await pilot.pause(0.2)
            assert app.screen is app.main, key
        assert app.is_running and app.result is not None
        table = app.main.current_table()
        assert table is not None
        table.focus()
        await pilot.press("enter")  # said nothing
        await wait_until(
            pilot,
            lambda: any("waiting for files to appear" in n.message for n in app._notifications),
        )

        thread, done = writer(data)
        thread.start()
        await wait_until(pilot, done.is_set)
        thread.join()
        fresh = load([data], options)
        await wait_until(
            pilot, lambda: app.result is not None and app.result.stats.equals(fresh.stats)
        )
        # The table's rows are made from that result by the view worker, just after it.
        await wait_until(
            pilot, lambda: counts(app) == {"Problem 1": 2, "Problem 2": 2, "Problem 3": 1}
        )
        await wait_until(
            pilot, lambda: "new generations in the last minute" in text_of(app, "#progress")
        )
        await pilot.press("ctrl+q")


async def test_f_on_a_load_that_found_no_file_loads_again_and_waits(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = tmp_path / "out"
    data.mkdir()
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main.failed)
        assert "no file with a known extension" in text_of(app, "#failure")
        await pilot.press("F")
        await wait_until(
            pilot, lambda: "waiting for files to appear in" in text_of(app, "#progress")
        )
        assert not app.main.failed and app.load_error is None
        (data / RUN).mkdir()
        (data / RUN / "samples.jsonl").write_text(line(1, True) + line(1, False), encoding="utf-8")
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 2})
        await pilot.press("ctrl+q")


async def test_f_on_a_path_that_does_not_exist_tries_again_and_says_so_again(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(tmp_path / "typo")], options, follow=True)  # a typo stays an error
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main.failed)
        assert "no such file or directory" in text_of(app, "#failure")
        await pilot.press("F")  # with --follow, it said "stopped following" (F did nothing)
        await wait_until(pilot, lambda: not app.loading and app.main.failed)
        assert "no such file or directory" in text_of(app, "#failure")
        assert app.following.is_set()
        (tmp_path / "typo").mkdir()  # the folder made meanwhile: F now waits in it
        await pilot.press("F")
        await wait_until(
            pilot, lambda: "waiting for files to appear in" in text_of(app, "#progress")
        )
        await pilot.press("ctrl+q")

"""Following in the app as people meet it: F pressed while the first load still runs, and the
header and follow lines at 80x24 with a run of a long model name while a writer appends."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.data.follow import Follower
from evaltui.data.loader import LoadOptions, load
from tests.app.test_follow_app import appender, counts, line, one_run, wait_until


@pytest.mark.parametrize("presses", [1, 2, 3])
async def test_follow_toggled_while_the_first_load_runs(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch, presses: int
) -> None:
    """F on, off, on again while the load still reads: the app follows after an odd number of
    presses (once, from the load's end on), not after an even one, and ends with the stats of
    a fresh read."""
    data, out = one_run(tmp_path, line(1, True) + line(2, False))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    release = threading.Event()
    started = threading.Event()
    real_load = Follower.load

    def slow_load(self: Follower, *args: Any, **kwargs: Any) -> Any:
        started.set()
        release.wait(30)
        return real_load(self, *args, **kwargs)

    monkeypatch.setattr(Follower, "load", slow_load)
    app = EvalApp([str(data)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, started.is_set)
        for _ in range(presses):
            await pilot.press("F")
        assert app.loading
        release.set()
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1, "Problem 2": 1})
        status = app.main.query_one("#progress", Static)
        thread, _writing = appender(out, range(1, 6), lambda p: p % 2 == 0, 0.05)
        thread.start()
        thread.join()
        if presses % 2:
            await wait_until(pilot, lambda: counts(app).get("Problem 5") == 1)
            assert "following" in str(status.render())
            assert app.result is not None
            assert app.result.stats.equals(load([data], options).stats)
        else:
            await pilot.pause(2.5)
            assert "Problem 5" not in counts(app)
            assert not app.following.is_set()
        await pilot.press("ctrl+q")


async def test_header_and_follow_line_at_80x24_with_a_long_model_name(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A run folder named after a long model (as vLLM scripts name them) while a writer
    appends: the header keeps whole parts on its one line, the follow line says what arrives,
    and the table ends as a fresh read of the files."""
    name = "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B-" + "finetune-" * 6 + "step-12000"
    data, out = one_run(tmp_path, line(1, True), name)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1})
        status = app.main.query_one("#progress", Static)
        await wait_until(pilot, lambda: "following" in str(status.render()))
        thread, _writing = appender(out, range(2, 30), lambda p: p % 3 == 0, 0.02)
        thread.start()
        thread.join()
        await wait_until(pilot, lambda: len(counts(app)) == 29)
        await wait_until(pilot, lambda: "new generation" in str(status.render()))
        await pilot.pause(0.3)
        screen = pilot.app.screen
        header = str(app.main.query_one("#summary", Static).render())
        follow = str(status.render())
        assert "\n" not in header and len(header) <= 80, header
        assert header.startswith("prompts 29") and "…" not in header.split("·")[0]
        assert follow.startswith("following · ") and len(follow) <= 80, follow
        assert screen is app.main
        assert app.result is not None
        assert app.result.stats.equals(load([data], options).stats)
        await pilot.press("ctrl+q")

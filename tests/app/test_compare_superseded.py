"""A comparison asked for before the last change of the data is not shown after the newer one:
two followed updates while the compare screen is open, the first update's comparison done after
the second's (a loaded machine, a big load), the screen went back to the older counts and rates
and stayed there until the next update."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.app.app import EvalApp
from evaltui.app.screens import compare
from evaltui.app.screens.compare import CompareScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import line, until_following, wait_until


def generations_of(stats: pl.DataFrame, run: str) -> int:
    return int(stats.filter(pl.col("run") == run)["count"].sum())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_an_older_comparison_done_last_is_not_shown(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    data = tmp_path / "data"
    for run in ("a", "b"):
        (data / run).mkdir(parents=True)
        (data / run / "out.jsonl").write_text(
            "".join(line(p, p % 2 == 0) for p in range(1, 5)), encoding="utf-8"
        )
    out = data / "b" / "out.jsonl"
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 8)
        await until_following(pilot, app)
        await pilot.press("m")  # two runs: compared at once
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_until(pilot, lambda: screen.comparison is not None)

        held, release = threading.Event(), threading.Event()
        real = compare.compare_runs

        def late_first_update(stats: pl.DataFrame, *args: Any, **kwargs: Any) -> Any:
            made = real(stats, *args, **kwargs)
            if generations_of(stats, "b") == 5 and not held.is_set():
                held.set()  # the first update's comparison: done after the second's
                release.wait(30)
            return made

        monkeypatch.setattr(compare, "compare_runs", late_first_update)
        shown: list[int] = []
        ready = CompareScreen.on_compare_screen_ready

        def noted(self: CompareScreen, message: CompareScreen.Ready) -> None:
            ready(self, message)
            if release.is_set() and message.comparison is not None:
                shown.append(int(message.comparison.joined["count_b"].sum()))

        monkeypatch.setattr(CompareScreen, "on_compare_screen_ready", noted)

        def b_generations() -> int | None:
            if screen.comparison is None:
                return None
            return int(screen.comparison.joined["count_b"].sum())

        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(1, True))  # B: 5 generations
        await wait_until(pilot, held.is_set)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(2, True))  # B: 6
        await wait_until(
            pilot, lambda: app.result is not None and generations_of(app.result.stats, "b") == 6
        )
        release.set()
        await wait_until(pilot, lambda: 5 in shown)  # the first update's, handled
        # ... and the second's after it (shown before it, it stayed under the first's).
        await wait_until(pilot, lambda: b_generations() == 6)
        await pilot.pause(0.1)
        assert b_generations() == 6
        table = screen.current_table()
        assert table is not None and table.row_count == 4
        await pilot.press("ctrl+q")

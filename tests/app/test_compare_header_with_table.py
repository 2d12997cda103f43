"""Compare's counts and its table change in one screen update. The counts were set as a new
comparison came and its table mounted after (a mount is done on a later turn of the loop), so
while following, right after a file was replaced (``mv`` over it), the screen showed "0 prompts
in both runs" above the previous comparison's table for a moment."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from textual.widget import Widget
from textual_fastdatatable import DataTable

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import line, until_following, wait_until

BOTH = re.compile(r"(\d+) prompts? in both runs")


def painted(screen: CompareScreen) -> tuple[int | None, list[int]]:
    """What the update being painted shows: the prompts the counts say are in both runs, and
    the rows of each compare table on the screen."""
    details = str(screen.query_one("#compare-details").render())
    said = BOTH.search(details)
    tables = [
        widget.row_count
        for widget in screen._compositor.visible_widgets
        if isinstance(widget, DataTable) and isinstance(widget, Widget)
    ]
    return (int(said[1]) if said else None), tables


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_counts_never_show_above_another_comparisons_table(
    tmp_path: Path,
    word_tokenizer: Path,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    data = tmp_path / "data"
    for run in ("a", "b"):
        (data / run).mkdir(parents=True)
        (data / run / "out.jsonl").write_text(
            "".join(line(p, p % 2 == 0) for p in range(1, 7)), encoding="utf-8"
        )
    out = data / "b" / "out.jsonl"
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 12)
        await until_following(pilot, app)
        await pilot.press("m")  # two runs: compared at once
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_until(pilot, lambda: painted(screen) == (6, [6]))

        # Every paint of the screen from now on, as it is painted.
        seen: list[tuple[int | None, list[int]]] = []
        paint = screen._compositor_refresh

        def noted() -> None:
            paint()
            seen.append(painted(screen))

        screen._compositor_refresh = noted  # type: ignore[method-assign]
        # A paint may come between any two messages (the screen's update timer): one right
        # after each new comparison is handled, as a busy loop gives it.
        ready = CompareScreen.on_compare_screen_ready

        def handled(self: CompareScreen, message: CompareScreen.Ready) -> None:
            ready(self, message)
            if self is screen and screen.is_current:
                screen._refresh_layout()
                screen._compositor_refresh()

        monkeypatch.setattr(CompareScreen, "on_compare_screen_ready", handled)

        # B's file replaced by one of its first three prompts (mv over it).
        new = data / "b" / ".out.jsonl.tmp"
        new.write_text("".join(line(p, True) for p in range(1, 4)), encoding="utf-8")
        os.replace(new, out)
        await wait_until(pilot, lambda: (3, [3]) in seen)
        await pilot.pause(0.2)
        # Each paint showed one table, and the counts of the comparison whose table it is.
        mixed = [(said, tables) for said, tables in seen if len(tables) != 1 or [said] != tables]
        assert not mixed, seen
        assert seen[-1] == (3, [3])
        await pilot.press("ctrl+q")

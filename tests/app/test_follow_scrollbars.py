"""A followed update that moves the vertical scrollbar's thumb draws that bar again, not the
horizontal one: the table's width did not change (the library's scroll update drew both bars
again, ~0.75 ms of the UI thread at 120x35 for the horizontal one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import counts, line, one_run, until_following, wait_until


async def test_a_moving_thumb_draws_the_vertical_bar_alone(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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

    async with app.run_test(size=(60, 16)) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 200)
        await until_following(pilot, app)
        await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))
        with out.open("a", encoding="utf-8") as handle:  # a first update (the lengths counted)
            handle.write(line(200, False))
        await wait_until(pilot, lambda: counts(app).get("Problem 200") == 3)
        await pilot.pause(0.3)
        table = app.main.current_table()
        assert table is not None
        assert table.show_horizontal_scrollbar and table.show_vertical_scrollbar
        table.move_cursor(row=40)  # scrolled down: a taller table moves the thumb up
        await pilot.pause(0.3)
        scrolled, width = table.scroll_y, table.virtual_size.width
        assert scrolled > 20
        monkeypatch.setattr(ScrollBar, "refresh", counted)
        with out.open("a", encoding="utf-8") as handle:
            handle.write("".join(line(p, False) for p in range(201, 281)))
        await wait_until(pilot, lambda: "Problem 280" in counts(app))
        await pilot.pause(0.5)
        assert table.virtual_size.width == width
        assert table.scroll_y == scrolled
        assert True in drawn  # the vertical bar, its thumb moved
        assert False not in drawn  # not the horizontal one
        monkeypatch.undo()
        assert table.vertical_scrollbar.window_virtual_size == 280 + 1  # the rows, the header
        assert table.horizontal_scrollbar.window_virtual_size == width
        assert screen(fresh=False) == screen(fresh=True)
        await pilot.press("ctrl+q")

"""The sort menu (s) open while following lists the table's columns now (80x24)."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import OptionList

from evaltui.app.app import EvalApp
from evaltui.app.screens.sort import SortScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import line, one_run, until_following, wait_until


def listed(menu: SortScreen) -> list[str]:
    options = menu.query_one("#sort-options", OptionList)
    return [str(options.get_option_at_index(i).id) for i in range(options.option_count)]


def highlighted(menu: SortScreen) -> str | None:
    options = menu.query_one("#sort-options", OptionList)
    at = options.highlighted
    return None if at is None else str(options.get_option_at_index(at).id)


async def test_the_sort_menu_takes_the_columns_a_new_run_brings_and_drops_gone_ones(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """In tmux: a run of 4 samples arriving under the open menu brought pass@2, pass@4 and
    maj@4 to the table, not to the menu; that run deleted, maj@4 picked from the menu said
    "✗ unknown sort column 'maj@4' — showing the last valid filter"."""
    data, _out = one_run(tmp_path, line(1, True) + line(2, False), "b")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_following(pilot, app)
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 2)
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SortScreen))
        menu = app.screen
        assert isinstance(menu, SortScreen)
        assert "pass@2" not in listed(menu)
        await pilot.press("down", "down", "down")
        assert highlighted(menu) == "average_accuracy"
        (data / "c").mkdir()
        samples = [line(p, s % 2 == 0) for p in (1, 2) for s in range(4)]
        (data / "c" / "out.jsonl").write_text("".join(samples), encoding="utf-8")
        await wait_until(pilot, lambda: "pass@4" in listed(menu))
        assert "pass@2" in listed(menu)
        assert listed(menu) == [c for c, _name in app.main.sortable_columns()]
        assert highlighted(menu) == "average_accuracy"  # the highlight kept its column
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main)
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SortScreen))
        menu = app.screen
        assert isinstance(menu, SortScreen)
        assert "pass@4" in listed(menu)
        shutil.rmtree(data / "c")
        await wait_until(pilot, lambda: "pass@4" not in listed(menu))
        assert listed(menu) == [c for c, _name in app.main.sortable_columns()]
        assert highlighted(menu) in listed(menu)

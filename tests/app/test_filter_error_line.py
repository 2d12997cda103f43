"""The line under the filter box saying why a filter is invalid: one line at any width, the
part that says what is wrong first, the whole of it said by Enter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widgets import Input, Static

from tests.app.conftest import settle
from tests.app.test_follow_app import wait_until

WHOLE = (
    "✗ expected a column name or a value, found 'the end' at column 12"
    " — showing the last valid filter"
)


def error_line(app: Any) -> str:
    rendered = app.main.query_one("#filter-error", Static).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


async def test_a_filter_error_is_one_line_at_80_columns_and_enter_says_it_whole(
    evals: Path, make_app: Any
) -> None:
    """'accuracy > ' at 80x24 (tmux): '✗ expected a column name or a value, found 'the end' at
    column 12 — showing' on one line, 'the last valid filter' on the next, the table a line
    lower. Now the error alone, on one line; Enter (the filter stays in its box) says the
    whole in a toast; wider, the line holds the whole."""
    app = make_app(evals)
    async with app.run_test(size=(120, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"accuracy > ")
        # (the filter box's debounce, then the error's line)
        await wait_until(pilot, lambda: error_line(app) == WHOLE)
        await settle(pilot)
        error = app.main.query_one("#filter-error", Static)
        assert error_line(app) == WHOLE
        await pilot.resize_terminal(80, 24)
        # The line is fitted to the new width at a layout after the resize's: waited for.
        cut = WHOLE.split(" — ")[0]
        await wait_until(pilot, lambda: error.region.height == 1 and error_line(app) == cut)
        assert error.region.height == 1
        assert error_line(app) == WHOLE.split(" — ")[0]
        assert not app._notifications  # (typing: nothing said over the table)
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.query_one("#filter", Input).has_focus
        assert [n.message for n in app._notifications] == [WHOLE]
        assert error.region.height == 1 and error_line(app) == WHOLE.split(" — ")[0]
        await pilot.resize_terminal(120, 24)
        await wait_until(pilot, lambda: error_line(app) == WHOLE)
        assert error_line(app) == WHOLE


async def test_an_error_longer_than_the_line_is_cut_at_its_end(evals: Path, make_app: Any) -> None:
    name = "a_column_named_at_length_" * 3
    app = make_app(evals)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *f"{name} > 1", "enter")
        await settle(pilot)
        error = app.main.query_one("#filter-error", Static)
        assert error.region.height == 1
        shown = error_line(app)
        assert shown.startswith(f"✗ unknown column '{name[:40]}") and shown.endswith("…")
        assert len(shown) == 78  # the screen's width, less the line's padding
        said = [n.message for n in app._notifications]
        assert said == [f"✗ unknown column '{name}' at column 1 — showing the last valid filter"]

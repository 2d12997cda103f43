"""A view whose column a followed update takes away (a sort by pass@4, a filter on it, the run of
4 samples deleted) shows the new rows, the part at fault left out and said (80x24)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions, load
from evaltui.data.query import Sort
from tests.app.test_follow_app import line, one_run, until_following, wait_until


def error_line(app: EvalApp) -> str:
    widget = app.main.query_one("#filter-error", Static)
    return str(widget.render()) if widget.display else ""


@pytest.mark.parametrize("asked", ["sort", "where"])
async def test_a_view_on_a_column_a_deleted_run_took_away_shows_the_rows_left(
    tmp_path: Path, word_tokenizer: Path, asked: str
) -> None:
    """In tmux: sorted by pass@4, the run of 4 samples deleted: '✗ unknown sort column
    'pass@4' — showing the last valid filter' over 'Showing 6 of 6 rows (run × prompt)', the
    deleted run's rows still on the table under a header counting 3 prompts; the same with a
    filter 'pass@4 >= 0'. Now the table is a fresh read's, unsorted (or unfiltered)."""
    data, _out = one_run(tmp_path, line(1, True) + line(2, False) + line(3, False), "b")
    (data / "c").mkdir()
    samples = [line(p, s % 2 == 0) for p in (1, 2, 3) for s in range(4)]
    (data / "c" / "out.jsonl").write_text("".join(samples), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until_following(pilot, app)
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 6)
        if asked == "sort":
            app.request_view(app.wanted.replace(sort=Sort("pass@4", descending=True)))
        else:
            await pilot.press("slash", *"pass@4 >= 0", "enter")
        await wait_until(pilot, lambda: app.view == app.wanted and app.rows is not None)
        assert app.rows is not None
        assert app.rows.height == (6 if asked == "sort" else 3)
        assert error_line(app) == ""
        shutil.rmtree(data / "c")
        await wait_until(pilot, lambda: app.result is not None and app.result.stats.height == 3)
        await wait_until(pilot, lambda: app.rows is not None and app.rows_result is app.result)
        await wait_until(pilot, lambda: app.view == app.wanted)
        fresh = load([data], options)
        assert app.result is not None and app.result.stats.equals(fresh.stats)
        assert app.rows is not None and app.rows.equals(fresh.stats)
        assert set(app.rows["run"].to_list()) == {"b"}
        if asked == "sort":
            assert app.view.sort is None
            assert error_line(app) == "✗ unknown sort column 'pass@4' — showing the rows unsorted"
        else:
            assert app.view.where == ""
            # One line at 80 columns: the error; what is shown instead is in the toast too.
            whole = "✗ unknown column 'pass@4'; did you mean pass@1? at column 1"
            assert error_line(app) == whole
            assert app.main.view_error == (whole, "all prompts")
            said = [n.message for n in app._notifications]
            assert f"{whole} — showing all prompts" in said, said

"""The follow line fits the width: at 60 columns it was cut at its end ("… · last wr…"), and the
one fact that tells whether the eval still writes was lost."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from evaltui.data.sanitize import cell_width
from tests.app.test_follow_app import line, one_run, wait_until
from tests.app.test_screens import screen_text


def follow_line(app: EvalApp) -> str:
    """The follow line as the terminal shows it (the only line of ``#progress`` once the load
    is done); "" while ``#progress`` is hidden."""
    progress = app.main.query_one("#progress", Static)
    if not progress.display or not progress.region.height:
        return ""
    return screen_text(app).splitlines()[progress.region.y].strip()


@pytest.mark.parametrize("width", [40, 60, 80])
async def test_the_follow_line_keeps_the_last_write_at_any_width(
    tmp_path: Path, word_tokenizer: Path, width: int
) -> None:
    data, out = one_run(tmp_path, line(1, True))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(width, 20)) as pilot:
        await wait_until(pilot, lambda: "following" in follow_line(app))
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(2, False) + line(3, True))
        # Once the write is seen: its time on the line, or the line cut before it.
        await wait_until(pilot, lambda: app.follower is not None and app.follower.recent() == 2)
        await wait_until(
            pilot,
            lambda: (
                follow_line(app).endswith((" ago", "…"))
                and (width < 60 or "following · 2 new" in follow_line(app))
            ),
        )
        shown = follow_line(app)
        assert "…" not in shown and cell_width(shown) <= width - 2, shown
        assert shown.startswith("following · ") and "last write " in shown, shown
        assert shown.endswith(" s ago"), shown
        if width >= 60:  # room for the arrivals too, shortened
            assert "following · 2 new" in shown, shown
        await pilot.press("ctrl+q")


async def test_the_follow_line_is_fitted_again_on_a_resize(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """No write seen since the load (the file's last change an hour ago): the follower's line
    stays the same, so only the resize can make it fit (no newer line arrives to be fitted)."""
    data, out = one_run(tmp_path, line(1, True))
    long_ago = time.time() - 3600
    os.utime(out, (long_ago, long_ago))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 20)) as pilot:
        full = "following · 0 new generations in the last minute · last write 60 min ago"
        await wait_until(pilot, lambda: follow_line(app) == full)
        for width, shown in (
            (40, "following · last write 60 min ago"),
            (60, "following · 0 new/min · last write 60 min ago"),
            (80, full),
        ):
            await pilot.resize_terminal(width, 20)
            await wait_until(pilot, lambda: app.main.size.width == width)  # noqa: B023
            await wait_until(pilot, lambda: follow_line(app) == shown)  # noqa: B023
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("width", [40, 60, 80])
async def test_the_waiting_line_fits_with_the_folder_named(
    tmp_path: Path, word_tokenizer: Path, width: int
) -> None:
    data = tmp_path / "a-folder-with-a-rather-long-name-for-its-eval-outputs" / "out"
    data.mkdir(parents=True)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(width, 20)) as pilot:
        await wait_until(pilot, lambda: "waiting for files" in follow_line(app))
        shown = follow_line(app)
        assert cell_width(shown) <= width - 2, shown
        # Cut in its middle only (the folder's name), never at its end.
        assert "waiting for files in " in shown or "waiting for files to appear in " in shown
        assert shown.endswith("/out"), shown
        if width >= 60:
            assert shown.startswith("following · waiting for files"), shown
        await pilot.press("ctrl+q")

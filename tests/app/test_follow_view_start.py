"""A followed update starts its view without printing a table: Textual names a worker by its
arguments' repr unless it is given a description, and the view worker's arguments hold the Stats
rows, the header's counts and the steady layout's rows (~1 ms of the UI thread per update)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import (
    SIZE,
    counts,
    line,
    one_run,
    until_counted,
    until_following,
    wait_until,
)


async def test_a_followed_update_starts_its_view_without_printing_a_table(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, out = one_run(tmp_path, "".join(line(p, p % 2 == 0) for p in range(1, 6)))
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    printed: list[tuple[int, int]] = []
    original = pl.DataFrame.__str__

    def printing(frame: pl.DataFrame) -> str:
        printed.append(frame.shape)
        return original(frame)

    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 5)
        await until_following(pilot, app)
        await until_counted(pilot, app)
        monkeypatch.setattr(pl.DataFrame, "__str__", printing)
        for prompt in range(6, 9):  # the first update after the load, then appends
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line(prompt, True))
            await wait_until(pilot, lambda p=prompt: f"Problem {p}" in counts(app))  # type: ignore[misc]
            await pilot.pause(0.2)
        assert printed == []
        await pilot.press("ctrl+q")

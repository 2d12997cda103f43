"""The app's ``b`` names a parquet file cut short as unreadable, as headless output does, and
the files beside it are read (80×24): it listed it as "no reader recognises this file"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaltui.app.screens.problems import ProblemsScreen
from tests.app.conftest import problems_text, settle
from tests.data.test_damaged_parquet import GOOD, LIGHT, cut


async def test_b_says_the_cut_parquet_is_unreadable(tmp_path: Path, make_app: Any) -> None:
    data = tmp_path / "in"
    cut(LIGHT, data / "details" / "m" / "2026-01-01T00-00-00" / LIGHT.name)
    (data / "samples.jsonl").write_bytes(GOOD.read_bytes())
    app = make_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.rows is not None and app.rows.height > 0  # the other file is read
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        text = problems_text(app)
        skipped = text.split("1 file skipped\n", 1)[1].splitlines()
        assert skipped[0].startswith(
            f"details/m/2026-01-01T00-00-00/{LIGHT.name}: not a readable parquet file (cut short?): "
        ), text
        await pilot.press("q")
        await pilot.press("ctrl+q")

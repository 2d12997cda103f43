"""One run's header while it loads at 80 columns counts what it leaves off: with a bad line the
parts it must show (through "lengths pending") left a cell too few for "+N (t)", and the line
ended in a bare "…" (with a note, the load's state went into that "…" too)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from textual.widgets import Static

from evaltui.app.screens.main import header_text
from evaltui.data.sanitize import cell_width
from tests.app.conftest import settle


async def test_one_run_loading_with_a_bad_line_counts_what_it_leaves_off(
    tmp_path: Path, make_app: Any
) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    records = [
        {"prompt": f"Problem {p}", "gen": "x", "answer": "1", "accuracy": g}
        for p in range(3)
        for g in (0, 1)
    ]
    lines = [json.dumps(r) for r in records] + ["{not json"]
    (folder / "out.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        done = str(app.main.query_one("#summary", Static).render())
        assert "bad lines 1" in done, done
        loading = header_text(dataclasses.replace(app.result, complete=False), 77)
        assert "\n" not in loading and cell_width(loading) <= 77, loading
        assert "bad lines 1" in loading and "lengths pending" in loading, loading
        assert not loading.endswith("…"), loading
        assert loading.endswith(" (t)") and "+" in loading.rsplit(" · ", 1)[1], loading
        assert loading.startswith("prompts 3 · accuracy 0.500 · "), loading
        await pilot.press("ctrl+q")

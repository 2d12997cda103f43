"""A prompt with no scored generation shows no count in the table's ``correct`` column and sorts
last by it, either way: it showed 0, as a prompt whose samples all failed (80×24)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaltui.data.query import Sort
from tests.app.conftest import settle
from tests.app.test_follow_app import wait_until
from tests.conftest import write_jsonl

ROWS: list[dict[str, object]] = [
    {"prompt": "solved", "gen": "1", "answer": "1", "accuracy": 1},
    {"prompt": "unscored", "gen": "1", "answer": "1", "accuracy": None},
    {"prompt": "failed", "gen": "2", "answer": "1", "accuracy": 0},
]


async def test_an_unscored_prompt_has_no_correct_count(make_app: Any, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "evals" / "m" / "a.jsonl", ROWS)
    app = make_app(tmp_path / "evals")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for descending in (True, False):
            wanted = Sort("n_correct", descending=descending)
            app.request_view(app.wanted.replace(sort=wanted))
            await wait_until(pilot, lambda wanted=wanted: app.view.sort == wanted)
            await settle(pilot)
            assert app.rows is not None
            assert app.rows["prompt"].to_list()[-1] == "unscored"
            assert dict(app.rows.select("prompt", "n_correct").rows())["unscored"] is None
            table = app.screen.current_table()
            columns = [c for c, _label, _kind in table.backend.layout.columns]
            last = list(table.get_row_at(table.row_count - 1))
            assert "unscored" in str(last[columns.index("prompt")])
            cell = last[columns.index("n_correct")]  # a count's cell: its value, None drawn empty
            assert cell is None or str(cell).strip() in ("", "–"), cell
        await pilot.press("ctrl+q")

"""Wide text (CJK, emoji) is fitted by the terminal cells it takes, not by its characters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.app import App

from evaltui.app.screens.compare import CompareScreen
from evaltui.app.tables import DataTable
from tests.app.conftest import settle

WIDE_PROMPTS = ["日本語の質問", "二たす二は？", "中文问题", "三加五", "🎉🎉🎉🎉"]


def write_wide_runs(root: Path) -> Path:
    """Two plain runs of five short prompts in CJK and emoji, three generations each."""
    for r, run in enumerate(("run-a", "run-b")):
        folder = root / run
        folder.mkdir(parents=True)
        lines = [
            json.dumps(
                {"prompt": prompt, "gen": f"答え {p}", "answer": "四", "accuracy": (p + s + r) % 2},
                ensure_ascii=False,
            )
            for p, prompt in enumerate(WIDE_PROMPTS)
            for s in range(3)
        ]
        (folder / "out.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def screen_lines(app: App[Any]) -> list[str]:
    """The screen's text as drawn, a line each (a wide character is one string character)."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


async def test_short_wide_prompts_are_whole_in_the_compare_table(
    tmp_path: Path, make_app: Any
) -> None:
    """At 120 columns the comparison had room for every prompt, yet its prompt column was
    measured in characters ('日本語の質問' as 6, not 12 cells) and cut each one: '日本…',
    '二た…', '🎉🎉…'."""
    app = make_app(write_wide_runs(tmp_path / "wide"))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        table = app.screen.query_one(DataTable)
        prompts = [str(table.get_row_at(row)[3]).strip() for row in range(table.row_count)]
        assert sorted(prompts) == sorted(WIDE_PROMPTS)
        lines = screen_lines(app)
        for prompt in WIDE_PROMPTS:
            assert any(prompt in line for line in lines), (prompt, lines)

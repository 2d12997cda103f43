"""Two runs' header at 80 columns says what it left off.

Two lm-eval model folders (``Qwen__Qwen2.5-14B-Instruct`` and ``-32B-``) at 80x24 read
``runs 2 · prompts 50 per run · accuracy …14B-Instr… 0.615 / …32B-Instr… 0.695 …``: the labels
were fitted to the last cell, and a bare "…" neither counted the parts left off nor said that
t shows them. While they loaded, the "lengths pending" it must show went into that "…" too.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from evaltui.app.screens.main import header_text
from evaltui.data.sanitize import cell_width
from tests.app.conftest import settle

RUNS = {"Qwen__Qwen2.5-14B-Instruct": 0.625, "Qwen__Qwen2.5-32B-Instruct": 0.75}


def write_runs(root: Path) -> Path:
    for name, share in RUNS.items():
        (root / name).mkdir(parents=True)
        right = int(share * 8)
        records = (
            {"prompt": f"Problem {p}", "gen": "x " * (g + 1), "answer": "1", "accuracy": g < right}
            for p in range(50)
            for g in range(8)
        )
        (root / name / "out.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return root


@pytest.mark.parametrize("width", [80, 100, 120])
async def test_two_runs_header_counts_what_it_leaves_off(
    tmp_path: Path, make_app: Any, width: int
) -> None:
    app = make_app(write_runs(tmp_path / "runs"))
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        line = str(app.main.query_one("#summary", Static).render())
        assert "\n" not in line and cell_width(line) <= width - 2, line
        # Each run's accuracy beside a label that says which run it is (its size whole).
        assert "14B" in line.split(" 0.625")[0] and "32B" in line.split(" 0.750")[0], line
        assert not line.endswith("…"), line
        assert line.endswith(" more (t)") or line.endswith(" (t)"), line
        assert "+" in line.rsplit(" · ", 1)[1], line
        while_loading = dataclasses.replace(app.result, complete=False)
        loading = header_text(while_loading, app.main.header_width())
        assert "lengths pending" in loading and loading.endswith(" (t)"), loading
        if width > 80:  # (at 80, the runs' accuracies as their range, t lists them)
            assert "14B" in loading and "32B" in loading, loading
        await pilot.press("ctrl+q")

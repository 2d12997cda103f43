"""The bad lines screen (b) at 60 columns: each entry too long for the screen went on at the
left edge, where the next entry starts ('Expecting value at column 12' read as a bad line of
its own); it goes on two cells in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evaltui.app.screens.problems import ProblemsScreen
from tests.app.conftest import problems_shown, problems_text, settle


async def test_a_long_bad_line_goes_on_indented(tmp_path: Path, make_app: Any) -> None:
    run = tmp_path / "runs" / "qwen2.5-7b-instruct"
    run.mkdir(parents=True)
    good = {"prompt": "p", "answer": "1", "accuracy": 1.0, "gen": ["\\boxed{1}"]}
    (run / "inference_0.jsonl").write_text(
        json.dumps(good) + '\n{"prompt": bad json\n{"prompt": also bad\n', encoding="utf-8"
    )
    app = make_app(tmp_path / "runs")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        shown = problems_shown(app)
        written = problems_text(app).splitlines()
    entries = [line for line in written if "inference_0.jsonl:" in line]
    assert len(entries) == 2 and all(len(line) > 58 for line in entries), written
    starts = [i for i, line in enumerate(shown) if "inference_0.jsonl:" in line]
    assert len(starts) == 2, shown
    for start in starts:
        assert shown[start + 1].startswith("  ") and shown[start + 1].strip(), shown

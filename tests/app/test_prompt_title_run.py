"""The prompt screen's title names its run cut as the other runs loaded are, told apart from
them: with Qwen2.5-14B and -32B loaded it read 'Qwen__Qwen…-Instruct' for both at 80x24."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.widgets import Static

from tests.app.conftest import open_first_prompt


async def test_the_prompt_title_tells_its_run_from_the_others(
    tmp_path: Path, make_app: Any
) -> None:
    root = tmp_path / "evals"
    for size in ("14B", "32B"):
        folder = root / f"Qwen__Qwen2.5-{size}-Instruct"
        folder.mkdir(parents=True)
        record = {"prompt": "What is 1 + 1?", "gen": "2", "answer": "2", "accuracy": 1}
        (folder / "out.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_prompt(pilot)
        title = str(screen.query_one("#prompt-title", Static).render())
        assert "14B" in title, title

"""The prompt screen's "reference:" line for a reference that is a list of aliases (lm-eval writes
the ``str()`` of the list): the aliases, literal, not a Python repr. A generated file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evaltui.app.screens.prompt import PromptScreen
from tests.app.conftest import settle
from tests.app.test_app import SIZE, static_text


async def test_reference_line_shows_the_aliases(tmp_path: Path, make_app: Any) -> None:
    record = {
        "doc_id": 0,
        "doc": {"question": "Capital of France?"},
        "target": "['Paris', '[red]paris[/red], france']",
        "arguments": {"gen_args_0": {"arg_0": "Capital of France?", "arg_1": {}}},
        "resps": [[" The answer is Paris."]],
        "filtered_resps": ["Paris"],
        "filter": "none",
        "metrics": ["exact_match"],
        "exact_match": 1.0,
    }
    folder = tmp_path / "evals"
    folder.mkdir()
    path = folder / "samples_toy_qa_2026-11-23T19-49-48.073567.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        line = static_text(app, "#prompt-answer")
        assert "reference: Paris | [red]paris[/red], france · " in line
        assert "votes: Paris ×1 ✓" in line

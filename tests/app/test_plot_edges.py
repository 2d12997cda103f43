"""Length plots at their edges: one generation, every generation the same length."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from evaltui.app.screens.plot import PlotScreen
from tests.app.conftest import settle


def write_same_length(root: Path, prompts: int, samples: int) -> Path:
    """``prompts`` × ``samples`` generations, all of one text (so of one token length)."""
    lines = [
        json.dumps({"prompt": f"P{p}", "gen": "a b c \\boxed{1}", "answer": "1", "accuracy": s % 2})
        for p in range(prompts)
        for s in range(samples)
    ]
    (root / "run").mkdir(parents=True)
    (root / "run" / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(("prompts", "samples"), [(1, 1), (5, 4)])
async def test_a_length_plot_of_one_length_names_it(
    tmp_path: Path, make_app: Any, prompts: int, samples: int
) -> None:
    """Every generation N tokens long: the one bar stood over ticks 9.2, 9.4, … 9.8, and the
    length itself was not written anywhere."""
    app = make_app(write_same_length(tmp_path / "evals", prompts, samples))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen) and screen.last is not None
        length = app.result.generations["gen_length"][0]
        for kind in ("1", "2"):
            await pilot.press(kind)
            await settle(pilot)
            assert screen.last is not None
            for panel in screen.last.panels:
                _ticks, labels = panel.xticks
                assert all(re.fullmatch(r"[\d,]+", label) for label in labels), labels
                assert f"{length:,}" in labels, labels

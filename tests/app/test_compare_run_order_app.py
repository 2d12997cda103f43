"""The app's compare (``m``) of two runs given as two paths: A and B in the order given (Pilot,
80x24), on a first load and a warm one from the cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle


def write_runs(root: Path) -> None:
    for run, right in (("r_mae", [1, 1]), ("r_mae2", [1, 0])):
        folder = root / run
        folder.mkdir(parents=True)
        lines = [
            json.dumps({"prompt": f"p{i}", "gen": "so 1", "answer": "1", "accuracy": ok})
            for i, ok in enumerate(right)
        ]
        (folder / "d.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("order", [("r_mae", "r_mae2"), ("r_mae2", "r_mae")])
async def test_compare_takes_the_runs_in_the_order_given(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch, order: tuple[str, str]
) -> None:
    """`evaltui r_mae r_mae2`, then m: A was r_mae2 whatever the order (the files sorted by their
    whole path, 'r_mae2/d' before 'r_mae/d'). Then warm loads (the cache), the last in the other order."""
    monkeypatch.chdir(tmp_path)
    write_runs(tmp_path / "evals")
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    # Cold, warm, then warm after a load in the other order.
    for given in (order, order, order[::-1]):
        app = EvalApp([str(tmp_path / "evals" / run) for run in given], options)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("m")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, CompareScreen)
            assert (screen.run_a, screen.run_b) == given

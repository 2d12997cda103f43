"""Snapshots at 80×24 of the compare, plot and summary screens, with two real, long model names.

Behaviour is asserted by the Pilot tests in tests/app/test_screens.py; these pin what fits where.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle
from tests.app.test_screens import LONG_A, LONG_B, write_runs

SIZE = (80, 24)


@pytest.fixture
def two_runs(tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch) -> EvalApp:
    data = write_runs(tmp_path / "runs", LONG_A, LONG_B)
    monkeypatch.chdir(tmp_path)
    return EvalApp(
        [str(data)], LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    )


def keys(*pressed: str) -> Callable[[Any], Any]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_compare_screen(snap_compare: Any, two_runs: EvalApp) -> None:
    assert snap_compare(two_runs, terminal_size=SIZE, run_before=keys("m"))


def test_compare_screen_improved(snap_compare: Any, two_runs: EvalApp) -> None:
    assert snap_compare(two_runs, terminal_size=SIZE, run_before=keys("m", "i"))


def test_plot_lengths_per_run(snap_compare: Any, two_runs: EvalApp) -> None:
    assert snap_compare(two_runs, terminal_size=SIZE, run_before=keys("p"))


def test_plot_accuracy_at_k_over_n(snap_compare: Any, two_runs: EvalApp) -> None:
    assert snap_compare(two_runs, terminal_size=SIZE, run_before=keys("p", "3"))


def test_summary_screen(snap_compare: Any, two_runs: EvalApp) -> None:
    assert snap_compare(two_runs, terminal_size=SIZE, run_before=keys("t"))

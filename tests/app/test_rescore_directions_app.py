"""The app's re-score (R) of a run whose stored score the user told lower-is-better (Pilot)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from evaltui.data.metrics import Thresholds
from tests.app.conftest import settle
from tests.data.test_rescore_directions import PLAN, write_distances


async def test_rescore_by_exact_of_an_mae_told_lower_is_an_accuracy(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--score-field mae --score-direction lower --correct-threshold 1`, then R with exact: the
    header said 'mean exact 0.500', every verdict (0 or 1) was correct (<= 1: each prompt
    'always') and 4 were 'flipped to correct' on a file exact agrees with."""
    monkeypatch.chdir(tmp_path)
    source = write_distances(tmp_path / "evals" / "run" / "d.jsonl", "mae")
    read = dataclasses.replace(LoadOptions().read, score_field="mae")
    told = Thresholds.parse(["1"]).with_directions(["lower"])
    options = LoadOptions(
        model=str(word_tokenizer), cache_dir=tmp_path / "cache", read=read, correct_threshold=told
    )
    app = EvalApp([str(source)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("down", "ctrl+s")  # math-verify, then exact
        await settle(pilot)
        assert app.rescored is not None and app.rescored.scorer == "exact"
        rows = app.rows
        assert rows is not None
        by_prompt = {str(r["prompt"])[8:-1]: r for r in rows.iter_rows(named=True)}
        assert [by_prompt[p]["n_correct"] for p in PLAN] == [2, 0, 1, 1]
        assert sum(int(r["n_flipped"]) for r in rows.iter_rows(named=True)) == 0
        assert {r["score_kind"] for r in rows.iter_rows(named=True)} == {"binary"}
        header = str(app.main.query_one("#summary", Static).render())
        assert "accuracy 0.500" in header and "0 verdicts flipped" in header, header
        assert not [n for n in app._notifications if n.severity == "warning"]


async def test_rescore_of_an_mae_given_a_threshold_says_no_stored_accuracy(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--score-field mae --correct-threshold 1`, then R with exact (80x24): the stored score has
    a "correct" (<= 1) yet its mean is a mean mae, (0.1+0.2+2+3+0.3+2.5+1.5+0.4)/8 = 1.25. The
    header said 'stored accuracy 1.250' and the table's column 'stored acc' over 0.150, 2.500;
    t said 'mean mae 1.25 stored'. Now no stored accuracy in the header and 'stored score'."""
    monkeypatch.chdir(tmp_path)
    source = write_distances(tmp_path / "evals" / "run" / "d.jsonl", "mae")
    read = dataclasses.replace(LoadOptions().read, score_field="mae")
    options = LoadOptions(
        model=str(word_tokenizer),
        cache_dir=tmp_path / "cache",
        read=read,
        correct_threshold=Thresholds.parse(["1"]),
    )
    app = EvalApp([str(source)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("down", "ctrl+s")  # math-verify, then exact
        await settle(pilot)
        assert app.rescored is not None and app.rescored.scorer == "exact"
        header = str(app.main.query_one("#summary", Static).render())
        assert "accuracy 0.500" in header and "0 verdicts flipped" in header, header
        assert "stored accuracy" not in header and "1.250" not in header, header
        table = app.main.current_table()
        assert table is not None
        headers = [str(c.label) for c in table.ordered_columns]
        assert "stored score" in headers and "stored acc" not in headers, headers

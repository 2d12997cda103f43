"""A prompt with no scored generation has no count of correct ones: ``n_correct`` is null in
the Stats frame, summarize's JSON, the CSV and JSON exports, and it sorts last either way. It was
0, a count that claimed none was correct (the same as a prompt whose scored samples all failed)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from evaltui.cli import main
from evaltui.data.loader import LoadOptions, load
from evaltui.data.query import Sort, View
from tests.conftest import write_jsonl

ROWS: list[dict[str, object]] = [
    {"prompt": "solved", "gen": "1", "answer": "1", "accuracy": 1},
    {"prompt": "solved", "gen": "2", "answer": "1", "accuracy": 0},
    {"prompt": "unscored", "gen": "1", "answer": "1", "accuracy": None},
    {"prompt": "unscored", "gen": "3", "answer": "1", "accuracy": None},
    {"prompt": "failed", "gen": "2", "answer": "1", "accuracy": 0},
]
EXPECTED = {"solved": 1, "unscored": None, "failed": 0}


@pytest.fixture
def evals(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "evals" / "m" / "a.jsonl", ROWS)
    return tmp_path / "evals"


def test_the_stats_and_their_sort(evals: Path, tmp_path: Path, word_tokenizer: Path) -> None:
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    stats = load([evals], options).stats
    assert dict(stats.select("prompt", "n_correct").rows()) == EXPECTED
    for descending in (False, True):
        rows = View(sort=Sort("n_correct", descending)).apply(stats)
        assert rows["prompt"].to_list()[-1] == "unscored"


def test_summarize_and_the_exports_write_null(
    evals: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["summarize", str(evals), "-o", str(out / "s.json"), "-q"]) == 0
    written = json.loads((out / "s.json").read_text(encoding="utf-8"))
    assert {r["prompt"]: r["n_correct"] for r in written} == EXPECTED
    assert main(["export", str(evals), "-o", str(out / "e.json"), "-q"]) == 0
    exported = json.loads((out / "e.json").read_text(encoding="utf-8"))
    assert {r["prompt"]: r["n_correct"] for r in exported} == EXPECTED
    assert main(["export", str(evals), "-o", str(out / "e.csv"), "-q"]) == 0
    with (out / "e.csv").open(encoding="utf-8", newline="") as handle:
        cells = {r["prompt"]: r["n_correct"] for r in csv.DictReader(handle)}
    assert cells == {"solved": "1", "unscored": "", "failed": "0"}

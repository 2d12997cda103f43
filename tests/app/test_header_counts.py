"""The header's numbers (``screens.main.header_counts``, one query per header) equal those of the
metrics functions every other screen uses: runs, prompts per run, generations, scored
generations, each run's score kind and accuracy."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from evaltui.app.screens.main import header_counts
from evaltui.data.loader import LoadOptions, load
from evaltui.data.metrics import run_accuracies, run_kinds
from tests.app.conftest import write_evals
from tests.data.test_scores import TGPRED, truthfulqa


def unscored_run(root: Path) -> Path:
    """A run where some generations have no score (and a prompt has none scored at all)."""
    folder = root / "partly-scored"
    folder.mkdir(parents=True)
    lines = [
        {"prompt": f"Q{p}", "gen": "x", "answer": "1", "accuracy": None if p % 3 == 0 else p % 2}
        for p in range(9)
    ]
    lines.append({"prompt": "Q0", "gen": "y", "answer": "1"})
    text = "".join(json.dumps(line) + "\n" for line in lines)
    (folder / "samples.jsonl").write_text(text, encoding="utf-8")
    return folder


def test_header_counts_equal_the_metrics_functions(tmp_path: Path, word_tokenizer: Path) -> None:
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    inputs = [
        [write_evals(tmp_path / "evals")],  # two runs, 7 and 6 prompts, 0/1 accuracy
        [TGPRED, truthfulqa(tmp_path)],  # continuous scores, infinities
        [unscored_run(tmp_path / "u")],
    ]
    frames = [load(paths, options).stats for paths in inputs]
    frames.append(pl.concat(frames, how="diagonal_relaxed"))  # four+ runs of mixed kinds
    for stats in frames:
        for rows in (stats, stats.head(0), stats.tail(3), stats.sample(fraction=1.0, seed=3)):
            counts = header_counts(rows)
            kinds = run_kinds(rows)
            assert counts.kinds == kinds
            assert counts.accuracies == run_accuracies(rows, kinds)
            runs = rows["run"].unique(maintain_order=True).to_list()
            assert counts.runs == runs
            by_run = rows.group_by("run", maintain_order=True).agg(pl.len())
            assert counts.prompts == (by_run["len"].to_list() if rows.height else [])
            assert counts.generations == (int(rows["count"].sum()) if rows.height else 0)
            assert counts.scored == (int(rows["n_scored"].sum()) if rows.height else 0)
        assert len(header_counts(stats).runs) >= 1

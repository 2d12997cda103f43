"""``--label`` given once per PATH names each PATH's runs.

``evaltui --label meta-llama/Meta-Llama-3.1-70B-Instruct runs/a --label meta-llama/Meta-Llama-3.1-8B-
Instruct runs/b`` read both folders under the last label: argparse kept one ``--label``, so the two
models were one run, each prompt's samples pooled (n = 16 where each model had 8), said only by a note.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data.follow import Follower
from evaltui.data.formats import ReadOptions
from evaltui.data.loader import LoadOptions, load
from tests.conftest import write_jsonl

BIG = "meta-llama/Meta-Llama-3.1-70B-Instruct"
SMALL = "meta-llama/Meta-Llama-3.1-8B-Instruct"


def rows(solved: int, prompts: int = 4) -> list[dict[str, Any]]:
    return [
        {"prompt": f"prompt {i}", "gen": f"answer {j}", "answer": "1", "accuracy": int(i < solved)}
        for i in range(prompts)
        for j in range(2)
    ]


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "runs" / "a" / "out.jsonl", rows(1))
    write_jsonl(tmp_path / "runs" / "b" / "out.jsonl", rows(3))
    return tmp_path / "runs"


def flags(tmp_path: Path, tokenizer: Path) -> list[str]:
    return ["--model", str(tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]


def test_a_label_per_path_names_each_paths_runs(
    runs: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.json"
    argv = ["summarize", "--label", BIG, str(runs / "a"), "--label", SMALL, str(runs / "b")]
    assert main([*argv, "-o", str(out), *flags(tmp_path, word_tokenizer)]) == 0
    stats = pl.DataFrame(json.loads(out.read_text(encoding="utf-8")))
    by_run = stats.group_by("run", maintain_order=True).agg(
        pl.col("count").sum(), pl.col("total_accuracy_count").sum()
    )
    # Each model its own run with its own 8 generations (was one run of 16 under SMALL).
    assert by_run.rows() == [(BIG, 8, 2.0), (SMALL, 8, 6.0)]
    assert "pooled" not in capsys.readouterr().err
    # Warm: the second load takes the rows from the cache under their own labels.
    again = tmp_path / "again.json"
    argv = ["summarize", "--label", SMALL, str(runs / "a"), "--label", BIG, str(runs / "b")]
    assert main([*argv, "-o", str(again), *flags(tmp_path, word_tokenizer)]) == 0
    swapped = pl.DataFrame(json.loads(again.read_text(encoding="utf-8")))
    assert swapped.group_by("run", maintain_order=True).agg(pl.col("count").sum()).rows() == [
        (SMALL, 8),
        (BIG, 8),
    ]
    assert swapped.filter(pl.col("run") == BIG)["total_accuracy_count"].sum() == 6


def test_one_label_still_names_every_files_run_and_says_it_pools(
    runs: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.json"
    argv = ["summarize", "--label", BIG, str(runs / "a"), str(runs / "b"), "-o", str(out)]
    assert main([*argv, *flags(tmp_path, word_tokenizer)[:-1]]) == 0
    stats = json.loads(out.read_text(encoding="utf-8"))
    assert {row["run"] for row in stats} == {BIG}
    assert {row["count"] for row in stats} == {4}
    assert "names every file's run: 2 files from 2 folders" in capsys.readouterr().err


def test_a_label_per_path_that_pools_two_folders_says_so(
    runs: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    write_jsonl(runs / "c" / "out.jsonl", rows(2))
    opts = LoadOptions(
        model=str(word_tokenizer), use_cache=False, read=ReadOptions(labels=(BIG, SMALL))
    )
    result = load([runs / "a", runs], opts)
    # runs/a was given first (its files are PATH 1's); runs/b and runs/c are PATH 2's.
    assert result.stats.group_by("run", maintain_order=True).agg(pl.len()).rows() == [
        (BIG, 4),
        (SMALL, 4),
    ]
    assert any(
        note.startswith(f"--label {SMALL!r} names its PATH's runs: 2 files from 2 folders")
        for note in result.notes
    ), result.notes


@pytest.mark.parametrize("labels", [2, 3])
def test_labels_that_match_no_paths_one_for_one_are_a_usage_error(
    runs: Path, tmp_path: Path, labels: int, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [str(runs / "a"), str(runs / "b"), str(runs / "a")][: 5 - labels]
    argv = ["summarize", *paths, "-o", str(tmp_path / "s.json")]
    for name in [BIG, SMALL, "x"][:labels]:
        argv += ["--label", name]
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert f"--label given {labels} times for {5 - labels} PATHs" in capsys.readouterr().err
    assert not (tmp_path / "s.json").exists()


def test_a_new_file_under_a_followed_path_takes_its_paths_label(
    runs: Path, word_tokenizer: Path
) -> None:
    opts = LoadOptions(
        model=str(word_tokenizer), use_cache=False, read=ReadOptions(labels=(BIG, SMALL))
    )
    follower = Follower([runs / "a", runs / "b"], opts)
    first = follower.load()
    assert first.stats["run"].unique(maintain_order=True).to_list() == [BIG, SMALL]
    write_jsonl(runs / "b" / "more.jsonl", rows(4, prompts=6))
    update = follower.poll()
    assert update is not None
    counts = update.result.stats.group_by("run", maintain_order=True).agg(pl.col("count").sum())
    assert counts.rows() == [(BIG, 8), (SMALL, 20)]
    fresh = load([runs / "a", runs / "b"], opts)
    assert update.result.stats.equals(fresh.stats)


def test_one_path_given_twice_under_two_labels_is_a_usage_error(
    runs: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`evaltui runs/a runs/a --label A --label B` read runs/a once, labelled A: B was dropped
    without a word, one run where two labels were asked for."""
    a = str(runs / "a")
    argv = ["summarize", a, a + "/", "-o", str(tmp_path / "s.json"), "--label", BIG]
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--label", SMALL])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"is given twice, with --label {BIG!r} and --label {SMALL!r}" in err, err
    assert not (tmp_path / "s.json").exists()
    # The same label twice asks for one run: read once, no error.
    assert main([*argv, "--label", BIG, *flags(tmp_path, word_tokenizer)]) == 0
    assert (tmp_path / "s.json").exists()

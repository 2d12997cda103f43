"""Each run's generations of a prompt numbered apart, and what tells them apart said in the
format's words (lm-eval's repeats, Inspect's epochs), the file and the line only when needed."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from evaltui.data.formats import ReadOptions
from evaltui.data.loader import LoadOptions, load
from evaltui.data.sample_numbers import sample_names, sample_order

RUN = Path(__file__).parents[1] / "fixtures/formats/lm_eval/outputs/run_scripted"
MODEL = RUN / "toy-org__scripted-model-v1"
MAJ = "samples_toy_math_maj_2026-11-23T19-49-48.073567.jsonl"
RESULTS = "results_2026-11-23T19-49-48.073567.json"


def first_prompt(
    paths: list[Path], label: str | None
) -> tuple[pl.DataFrame, dict[str, str | None]]:
    result = load(
        paths, LoadOptions(tokenize=False, use_cache=False, read=ReadOptions(label=label))
    )
    first = result.generations.row(0, named=True)
    mine = result.generations.filter(
        (pl.col("run") == first["run"]) & (pl.col("prompt_id") == first["prompt_id"])
    )
    return sample_order(mine), {f.source: f.format for f in result.files}


def test_one_files_repeats_are_their_own_numbers(tmp_path: Path) -> None:
    gens, formats = first_prompt([MODEL / MAJ], None)
    names = sample_names(gens, formats)
    assert [n.number for n in names] == [0, 1, 2, 3]
    assert [n.parts() for n in names] == [[], [], [], []]


def test_two_folders_pooled_under_one_label_number_their_repeats_apart(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        for name in (MAJ, RESULTS):
            shutil.copy(MODEL / name, tmp_path / folder / name)
    gens, formats = first_prompt([tmp_path], "pooled")
    names = sample_names(gens, formats)
    assert [n.number for n in names] == list(range(8))
    assert [n.word for n in names] == [f"repeat {r}" for r in (1, 2, 3, 4)] * 2
    assert [n.source for n in names] == [f"a/{MAJ}"] * 4 + [f"b/{MAJ}"] * 4
    assert [n.line for n in names] == [None] * 8


def test_a_prompt_twice_in_one_file_is_told_by_its_line() -> None:
    gens = pl.DataFrame(
        {"run": ["r"] * 3, "source": ["x.jsonl"] * 3, "line": [4, 9, 12], "sample": [0, 0, 1]}
    )
    names = sample_names(sample_order(gens), {"x.jsonl": "opencompass"})
    assert [n.number for n in names] == [0, 1, 2]
    assert [n.parts() for n in names] == [["line 4"], ["line 9"], ["line 12"]]

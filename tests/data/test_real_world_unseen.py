"""Published eval outputs found while checking the readers against files they were not built from
(tests/fixtures/real_world/<tool>/<owner>/..., listed in tests/fixtures/real_world/SOURCES.md).

Each is a prefix of whole records of the published file. Every expected value was worked out by
reading the records themselves (each test says how), not by running evaltui.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from evaltui.data.formats import detect
from evaltui.data.loader import LoadOptions, LoadResult, load

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real_world"
LCA = (
    REAL / "lm_eval/fujiko-dev/lm-evaluation-harness/results/long_code_arena"
    "/library_based_code_generation/debug_test_2025-09-05_16-31-17/kimi-k2-instruct"
)
GREEK = (
    REAL / "lm_eval/yangzhang33/lm-evaluation-harness/eval_results/gpt-5-mini/results_0_shot"
    "/gpt-5-mini-2025-08-07"
)


def load_real(path: Path) -> LoadResult:
    return load([path], LoadOptions(tokenize=False, use_cache=False))


def test_lm_eval_one_repeat_kept_as_a_list_by_a_filter_is_the_extracted_answer() -> None:
    # Two docs, one line each, filter "create_test" (a custom filter without take_first), so
    # `filtered_resps` is [[code]] — the list of repeats — for a single repeat. The extracted answer
    # is that code (the ```python fence of `resps` stripped); `pass_at_1` is 1.0 on both lines.
    result = load_real(LCA)
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.height == 2
    assert gens["accuracy"].to_list() == [1.0, 1.0]
    assert gens["metric"].to_list() == ["pass_at_1", "pass_at_1"]
    extracted = gens["extracted"].to_list()
    assert extracted[0].startswith("import pandas as pd\n\ndef count_csv_rows(file_path: str)")
    assert extracted[1].startswith("import numpy as np\n\ndef mean_along_axis0(arr):")
    assert all("```" not in e for e in extracted)
    assert all(g.startswith("```python\n") for g in gens["gen"].to_list())
    # An extracted answer means "answered": neither generation is flagged as having none.
    assert gens["has_answer"].to_list() == [True, True]


def test_lm_eval_chat_prompt_and_empty_generations() -> None:
    # Two docs of a Greek multiple-choice task run as generation against an API model: `arg_0` is a
    # one-element list holding the chat as a JSON string (one user turn: shown as its text),
    # `resps` is [[""]] (nothing generated within max_gen_toks 10) and `acc` 0.0 on both lines;
    # the targets are the letters Γ and Α.
    result = load_real(GREEK)
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens["run"].unique().to_list() == ["gpt-5-mini-2025-08-07"]
    assert gens["prompt_id"].to_list() == [
        "greekmmlu_api_driving_rules:0",
        "greekmmlu_api_driving_rules:1",
    ]
    assert gens["answer"].to_list() == ["Γ", "Α"]
    assert gens["gen"].to_list() == ["", ""]
    assert gens["accuracy"].to_list() == [0.0, 0.0]
    assert gens["gen_chars"].to_list() == [0, 0]
    prompt = gens["prompt"][0]
    assert prompt.startswith("Αυτό είναι μια ερώτηση Κανόνων Οδικής Κυκλοφορίας.\n\nΕρώτηση:")
    assert prompt.endswith("\nΑπάντηση:")


def test_a_git_lfs_pointer_is_named_as_such(tmp_path: Path) -> None:
    # The published samples file is a 132-byte Git LFS pointer ("version https://git-lfs…",
    # "oid sha256:…", "size 6900387"): a clone without `git lfs pull`. It is skipped, saying so
    # and how big the real file is, instead of "no reader recognises this file".
    folder = REAL / "lm_eval/csabakecskemeti/lm_eval_results/meta-llama__Llama-3.1-8B-Instruct"
    pointer = folder / "samples_leaderboard_ifeval_2025-01-25T04-48-43.622918.jsonl"
    assert pointer.stat().st_size == 132
    detection = detect(pointer)
    assert detection.reader is None and not detection.companion
    assert detection.reason == (
        "a Git LFS pointer to a 6,900,387-byte file, not the file itself (fetch it with git lfs pull)"
    )
    # Beside a readable samples file it is listed as skipped; the other file is still read.
    shutil.copytree(folder, tmp_path / "lfs")
    shutil.copytree(GREEK, tmp_path / "greek")
    result = load_real(tmp_path)
    assert result.generations.height == 2
    assert [f.skipped for f in result.skipped_files] == [detection.reason]

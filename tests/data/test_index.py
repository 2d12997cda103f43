"""PromptIndex finds a prompt's generations as filtering every generation does."""

from __future__ import annotations

import random

import polars as pl

from evaltui.data.index import PromptIndex


def test_the_index_finds_what_the_filter_finds() -> None:
    rng = random.Random(1)
    n = 3000
    # Runs and ids that a joined key would confuse ("a\x00b" + "p" vs "a" + "\x00bp").
    generations = pl.DataFrame(
        {
            "run": [rng.choice(["a", "b", "a\x00b", ""]) for _ in range(n)],
            "prompt_id": [
                rng.choice(["p1", "p2", "", "\x00bp", "zz", "p10", "字"]) + str(rng.randint(0, 20))
                for _ in range(n)
            ],
            "sample": list(range(n)),
            "gen": [None] * n,
        },
        schema_overrides={"gen": pl.String},
    )
    index = PromptIndex(generations)
    ids = set(generations["prompt_id"].to_list()) | {"missing", ""}
    for runs in (["a"], ["b", "a"], ["a\x00b"], [""], ["nope"], ["a", "nope"]):
        for prompt_id in ids:
            want = generations.with_row_index("_row").filter(
                pl.col("run").is_in(runs) & (pl.col("prompt_id") == prompt_id)
            )
            assert index.generations_of(runs, prompt_id).equals(want), (runs, prompt_id)

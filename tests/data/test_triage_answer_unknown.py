"""Triage flags say what the model wrote: a row whose text its reader says is not the model's
(``answer_unknown``) raises none of the text's flags. The published asdiv run's 4 docs greedy
decoding does not give show the target ('13'), and were flagged "no final answer" (noans×1), as
if the model had answered without stating one; an Inspect log read from its sample summaries
shows each text empty, and each row was flagged "empty"."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from evaltui.data.loader import LoadOptions, load
from evaltui.data.triage import Thresholds, generation_flags, run_triage
from tests.data.test_formats_inspect_runs import LOG, load_dir
from tests.data.test_formats_inspect_summaries import NAME, header, summary, write
from tests.data.test_rescore_lm_eval import ASDIV
from tests.data.test_rescore_no_answer import NOT_GREEDY_DOCS

OPTS = LoadOptions(tokenize=False, use_cache=False)


def test_the_asdiv_docs_whose_text_is_the_target_are_not_flagged_no_answer() -> None:
    result = load([ASDIV], OPTS)
    missed = result.stats.filter(pl.col("prompt_id").is_in(NOT_GREEDY_DOCS))
    assert missed["n_no_answer"].to_list() == [0] * 4  # was [1, 1, 1, 1]
    assert missed["triage"].to_list() == [""] * 4  # was "noans×1"
    (run,) = run_triage(result.generations, result.stats, Thresholds())
    assert run.flagged["no_answer"] == 0  # was 4
    # The flag is the same as before on the docs whose text is the model's.
    assert result.stats["n_no_answer"].sum() == 0


def test_rows_read_from_inspect_summaries_are_not_flagged_empty(tmp_path: Path) -> None:
    write(
        tmp_path / NAME,
        {"header.json": header(), "summaries.json": [summary(s) for s in LOG["samples"]]},
    )
    result = load_dir(tmp_path)
    assert result.generations["gen"].to_list() == [""] * 6
    assert result.stats["n_empty"].sum() == 0  # was 6
    assert result.stats["n_no_answer"].sum() == 0
    assert set(result.stats["triage"].to_list()) == {""}


def test_none_of_the_text_flags_but_the_formats_own_stop_reason() -> None:
    loop = "again and again " * 400
    unknown = "the text shown is the target"
    frame = pl.DataFrame(
        {
            "run": ["r"] * 6,
            "prompt_id": ["p0", "p1", "p2", "p3", "p4", "p5"],
            "gen": [loop, "", "no answer stated here at all", loop, "", "words"],
            "extracted": [None] * 6,
            "answer_unknown": [unknown, unknown, unknown, None, None, unknown],
            "truncated": [None, None, None, None, None, True],
            "gen_length": [800, 0, 6, 800, 0, 1],
        },
        schema_overrides={"truncated": pl.Boolean, "gen_length": pl.UInt32},
    )
    flags = generation_flags(frame, Thresholds())
    rows = flags.select("prompt_id", "length_cap", "no_answer", "repetition", "empty").rows()
    assert rows == [
        ("p0", False, False, False, False),  # was a loop, no answer, cut at the run's longest
        ("p1", False, False, False, False),  # was empty
        ("p2", False, False, False, False),  # was no answer
        ("p3", True, True, True, False),  # the model's own text: flagged as before
        ("p4", False, False, False, True),
        ("p5", True, False, False, False),  # the format says it stopped at the cap
    ]

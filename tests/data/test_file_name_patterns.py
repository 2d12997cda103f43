"""The readers' file-name patterns on names with line breaks and other scripts' digits.

A name is whatever the tool (or the user) put there: a task, a dataset, a model with a line break
in it is still that task, dataset or model (``.`` stops at a line break unless DOTALL), and
``$`` also matches before a name's last line break, so ``…_0.json\\n``'s shard index was read
as ``0``. The tools write their dates and indices in ASCII digits, so ``\\d`` is those alone
(``٢٠٢٦`` is no year)."""

from __future__ import annotations

import re

import pytest

from evaltui.data.formats import internbootcamp, lighteval, opencompass, qwen_math, skythought

DATE = "2026-11-23T20-10-00.000000"


def test_a_line_break_inside_a_name_is_part_of_it() -> None:
    details = lighteval.DETAILS_NAME.fullmatch(f"details_custom|my\ntask|0_{DATE}")
    assert details is not None and details["task"] == "custom|my\ntask|0"
    hub = lighteval.HUB_REPO.fullmatch("details_org__my\nmodel_private")
    assert hub is not None and hub["model"] == "org__my\nmodel"
    assert lighteval.RESULTS_PARQUET.fullmatch(f"results_a\nb_{DATE}.parquet")
    shard = opencompass.SHARD_NAME.match("my\ndataset_3")
    assert shard is not None and (shard["dataset"], shard["index"]) == ("my\ndataset", "3")
    jan = skythought.LEGACY_JAN.match("my\nmodel_MATH500_test_None_0_-1_still2.json")
    assert jan is not None and jan["model"] == "my\nmodel"
    feb = skythought.LEGACY_FEB.match("my\nmodel_aime_test_subset_None_filter_False_s0_e-1_t0.7_n8")
    assert feb is not None and feb["model"] == "my\nmodel"
    assert internbootcamp.EVAL_FILE.fullmatch("eval_results_a\nb.jsonl")


@pytest.mark.parametrize(
    ("pattern", "name"),
    [
        (opencompass.SHARD_NAME, "gsm8k_0\n"),
        (opencompass.WORK_DIR_NAME, "20250101_000000\n"),
        (skythought.HASH_SUFFIX, "Qwen_model_math500_a1b2c3\n"),
        (internbootcamp.TIME_STAMP, "bootcamp_20250101_000000\n"),
        (qwen_math.RUN_NAME, "test_cot_-1_seed0_t0.0_s0_e-1\n"),
        (skythought.LEGACY_JAN, "m_MATH500_test_None_0_-1\n"),
    ],
)
def test_a_name_ending_in_a_line_break_is_not_the_name_without_it(
    pattern: re.Pattern[str], name: str
) -> None:
    assert pattern.search(name) is None


@pytest.mark.parametrize(
    ("pattern", "name"),
    [
        (lighteval.DATE_ID, "٢٠٢٦-١١-٢٣T٢٠-١٠-٠٠"),
        (opencompass.WORK_DIR_NAME, "٢٠٢٥٠١٠١_٠٠٠٠٠٠"),
        (opencompass.SHARD_NAME, "gsm8k_٣"),
        (internbootcamp.EVAL_TIME, "eval_results_٢٠٢٥٠١٠١٠٠٠٠٠٠_1.jsonl"),
    ],
)
def test_other_scripts_digits_are_no_date_or_index(pattern: re.Pattern[str], name: str) -> None:
    assert pattern.fullmatch(name) is None and pattern.match(name) is None

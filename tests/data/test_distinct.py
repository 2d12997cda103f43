"""The shared start of a view's prompts and the chat markup a one-line prompt cell leaves out."""

from __future__ import annotations

import polars as pl

from evaltui.data.distinct import distinct_expr, shared_start, shared_starts, without_markup


def cells(values: list[str | None]) -> list[str | None]:
    cut, _shown = shared_start(pl.Series(values, dtype=pl.String))
    return (
        pl.DataFrame({"p": values}, schema={"p": pl.String})
        .select(distinct_expr("p", cut))["p"]
        .to_list()
    )


def test_a_long_shared_start_is_cut_at_a_word() -> None:
    values = [f"Background: a shared passage here. Question {x} now" for x in ("12", "13", "7")]
    cut, shown = shared_start(pl.Series(values))
    # The values differ inside "12"/"13"/"7": the cut is at the start of that word.
    assert values[0][:cut] == "Background: a shared passage here. Question "
    assert shown == "Background: a shared passage here. Question"
    assert cells(values) == ["… 12 now", "… 13 now", "… 7 now"]


def test_no_cut_when_short_single_identical_or_without_a_word_start() -> None:
    assert shared_start(pl.Series(["Problem 1: x", "Problem 2: y"])) == (0, "")
    assert shared_start(pl.Series(["one long prompt with many words in it"])) == (0, "")
    same = "one long prompt with many words in it"
    assert shared_start(pl.Series([same, same, None])) == (0, "")
    assert shared_start(pl.Series(["a" * 40 + "x", "a" * 40 + "y"])) == (0, "")
    # Markup alone does not count toward the shared start's length.
    chat = ["<|im_start|>user\nQ: 1<|im_end|>", "<|im_start|>user\nQ: 2<|im_end|>"]
    assert shared_start(pl.Series(chat)) == (0, "")
    assert [c.split() for c in cells(chat) if c] == [["Q:", "1"], ["Q:", "2"]]


def test_a_prompt_that_is_the_shared_start_keeps_its_last_word() -> None:
    values = ["the same beginning of all of them", "the same beginning of all of them and more"]
    assert cells(values) == ["… them", "… them and more"]


def test_nulls_stay_null() -> None:
    values = [None, "a long and shared beginning, then A", "a long and shared beginning, then B"]
    assert cells(values) == [None, "… A", "… B"]


def test_chat_markup_of_the_common_templates_is_left_out() -> None:
    for text in (
        "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
        "<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜>",
        "<s>[INST] <<SYS>>\nS\n<</SYS>>\n\nHi [/INST]",
        "<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n",
        "<|user|>\nHi<|end|>\n<|assistant|>\n",
        "<reserved_106>Hi<reserved_107>",  # Baichuan 2 (as OpenCompass's predictions hold it)
    ):
        assert without_markup(text).split() in (["Hi"], ["S", "Hi"]), text
    # Content that only looks a little like markup stays.
    assert without_markup("a < b and c > d, [1] <tag>") == "a < b and c > d, [1] <tag>"


def test_each_run_has_its_own_shared_start() -> None:
    rows = pl.DataFrame(
        {
            "run": ["a", "a", "b", "b", "c"],
            "prompt": [
                "The first task's long preamble goes here: one",
                "The first task's long preamble goes here: two",
                "Another task, another long preamble: three",
                "Another task, another long preamble: four",
                "A run of one prompt, nothing to cut",
            ],
        }
    )
    starts = shared_starts(rows)
    assert starts == {
        "a": (42, "The first task's long preamble goes here:"),
        "b": (37, "Another task, another long preamble:"),
    }
    cuts = {run: cut for run, (cut, _shown) in starts.items()}
    assert rows.select(distinct_expr("prompt", cuts))["prompt"].to_list() == [
        "… one",
        "… two",
        "… three",
        "… four",
        "A run of one prompt, nothing to cut",
    ]
    # Without a run column: the whole column's.
    assert shared_starts(rows.drop("run").head(2)) == {
        None: (42, "The first task's long preamble goes here:")
    }

"""The shared start of a view's prompts and the chat markup a one-line prompt cell leaves out."""

from __future__ import annotations

import random
from typing import Any

import polars as pl
import pytest

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


TRICKY = [
    "What is 2 + 2?",
    "",
    None,
    "\x00nul first",
    "nul \x00 inside",
    "三角形の面積を求めよ。",
    "三角形",
    "emoji 😀 here",
    "emoji 😀",
    "\U0010ffff last plane",
    "\x7f del",
    "\x1b[31mred",
    "é precomposed",
    "e\u0301 combining",
    "Z upper",
    "z lower",
    "\ufeffbom",
    "tab\there",
    "line\nbreak",
    "x" * 5000,
    "x" * 4999 + "y",
    " leading space",
]


def test_the_ends_of_a_few_rows_found_in_python_equal_the_querys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The smallest and largest prompt of each run of a few rows (a followed update's new rows)
    are found in Python: the same ends as the query's (polars orders text by its UTF-8 bytes),
    for unicode past the BMP, NUL, controls, CJK, combining marks, empty and null prompts, a
    run of nulls only, a null run, by run and over the whole column, and no rows."""
    from evaltui.data import distinct

    rng = random.Random(11)
    runs = ["model-a", "model-b", "", None, "モデル"]
    cases = []
    for _ in range(300):
        height = rng.choice([0, 1, 2, 3, 8, 40])
        cases.append(
            pl.DataFrame(
                {
                    "prompt": [rng.choice(TRICKY) for _ in range(height)],
                    "run": [rng.choice(runs) for _ in range(height)],
                },
                schema={"prompt": pl.String, "run": pl.String},
            )
        )
    cases.append(pl.DataFrame({"prompt": [None, None], "run": ["a", "b"]}, schema=cases[0].schema))
    found = [(distinct.prompt_ends(rows), distinct.prompt_ends(rows, by=None)) for rows in cases]
    monkeypatch.setattr(distinct, "ENDS_IN_PYTHON", -1)  # every frame by the query
    queried = [(distinct.prompt_ends(rows), distinct.prompt_ends(rows, by=None)) for rows in cases]
    assert found == queried


def test_the_ends_of_a_followed_updates_new_rows_take_no_query(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A followed update's layout finds the prompt ends of its ~130 new rows without a query
    (a ``group_by`` of the runs: ~0.25 ms of the view worker and as much of polars' pool on
    every update); a large frame's are still found by one."""
    from evaltui.data.distinct import prompt_ends

    queries: list[str] = []
    grouped, selected = pl.DataFrame.group_by, pl.DataFrame.select

    def group_by(self: pl.DataFrame, *args: Any, **kwargs: Any) -> Any:
        queries.append("group_by")
        return grouped(self, *args, **kwargs)

    def select(self: pl.DataFrame, *args: Any, **kwargs: Any) -> Any:
        queries.append("select")
        return selected(self, *args, **kwargs)

    new = pl.DataFrame(
        {
            "prompt": [f"Question {i}: what is {i} + {i}?" for i in range(130)],
            "run": ["model-a", "model-b"] * 65,
        }
    )
    monkeypatch.setattr(pl.DataFrame, "group_by", group_by)
    monkeypatch.setattr(pl.DataFrame, "select", select)
    ends = prompt_ends(new)
    whole = prompt_ends(new, by=None)
    assert queries == []
    assert ends == {
        "model-a": ("Question 0: what is 0 + 0?", "Question 98: what is 98 + 98?"),
        "model-b": ("Question 101: what is 101 + 101?", "Question 9: what is 9 + 9?"),
    }
    assert whole == {None: ("Question 0: what is 0 + 0?", "Question 9: what is 9 + 9?")}
    assert prompt_ends(pl.concat([new] * 20)) == ends
    assert queries == ["group_by"]

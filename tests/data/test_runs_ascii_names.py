"""A run label as an ASCII standard error writes it names the run: Inspect's 'openai/o1-mini ·
winrate' is listed 'openai/o1-mini - winrate' there (headless32), and ``--runs``/``--run``
typed back from that list said "no run 'o1-mini - winrate'"."""

from __future__ import annotations

import pytest

from evaltui.data.runs import resolve_run

RUNS = [
    "openai/gpt-5",
    "openai/o1-mini · winrate",
    "openai/o1-mini · winrate_divided_by_optimal",
]


@pytest.mark.parametrize(
    ("name", "run"),
    [
        ("openai/o1-mini - winrate", RUNS[1]),
        ("o1-mini - winrate", RUNS[1]),  # whole words: not the _divided_by_optimal one
        ("o1-mini - winrate_div", RUNS[2]),
        ("o1-mini · winrate_div", RUNS[2]),  # as it is, as before
        ("gpt-5", RUNS[0]),
    ],
)
def test_a_label_as_ascii_writes_it_names_the_run(name: str, run: str) -> None:
    assert resolve_run(RUNS, name) == run


def test_an_ascii_name_matching_several_still_asks_which() -> None:
    with pytest.raises(ValueError, match="matches 2 runs"):
        resolve_run(RUNS, "o1-mini - win")

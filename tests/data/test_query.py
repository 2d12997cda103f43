"""The filter/sort language shared by the app and `evaltui export --where`."""

from __future__ import annotations

import polars as pl
import pytest

from evaltui.data.query import QUICK_FILTERS, QueryError, Sort, View, parse_filter

STATS = pl.DataFrame(
    {
        "prompt": ["Find the triangle area", "Solve x", "Count paths", "Triangle sides", "Other"],
        "answer": ["12", "42", None, "7", "42"],
        "count": [8, 8, 4, 8, 2],
        "average_accuracy": [0.0, 0.5, 1.0, 0.125, None],
        "max_gen_length": [9000, 100, 300, 12000, None],
        "n_correct": [0, 4, 4, 1, 0],
        "n_scored": [8, 8, 4, 8, 0],
        "run": ["a", "a", "b", "b", "a"],
        "pass@1": [0.0, 0.5, 1.0, 0.125, None],
        "gen_lengths": [[1], [2], [3], [4], None],
    },
    schema_overrides={
        "count": pl.UInt32,
        "max_gen_length": pl.UInt32,
        "n_correct": pl.UInt32,
        "n_scored": pl.UInt32,
    },
)


def rows(where: str) -> list[str]:
    return STATS.filter(parse_filter(where, STATS.schema).fill_null(False))["prompt"].to_list()


def test_comparisons_and_boolean_logic() -> None:
    assert rows("average_accuracy < 0.2 and max_gen_length > 8000") == [
        "Find the triangle area",
        "Triangle sides",
    ]
    assert rows("count >= 8") == ["Find the triangle area", "Solve x", "Triangle sides"]
    assert rows("answer == '42'") == ["Solve x", "Other"]
    assert rows('answer != "42"') == ["Find the triangle area", "Triangle sides"]
    assert rows("count = 4") == ["Count paths"]
    assert rows("not (n_correct == 0)") == ["Solve x", "Count paths", "Triangle sides"]
    assert rows("! (n_correct == 0) && count < 5") == ["Count paths"]
    assert rows("pass@1 > 0.3") == ["Solve x", "Count paths"]
    assert rows("`pass@1` > 0.3") == ["Solve x", "Count paths"]
    assert rows("average_accuracy is null") == ["Other"]
    assert rows("answer is not null and count < 8") == ["Other"]
    assert rows("") == STATS["prompt"].to_list()


def test_precedence_and_binds_tighter_than_or() -> None:
    # a or (b and c), not (a or b) and c
    assert rows("count == 2 or count == 8 and n_correct == 4") == ["Solve x", "Other"]
    assert rows("(count == 2 or count == 8) and n_correct == 4") == ["Solve x"]


def test_regex_match() -> None:
    assert rows('prompt ~ "triangle"') == ["Find the triangle area"]
    assert rows('prompt ~ "(?i)triangle"') == ["Find the triangle area", "Triangle sides"]
    assert rows('prompt !~ "(?i)triangle"') == ["Solve x", "Count paths", "Other"]


@pytest.mark.parametrize(
    ("where", "message", "position"),
    [
        (
            "average_acuracy < 0.2",
            "unknown column 'average_acuracy'; did you mean average_accuracy",
            0,
        ),
        ("count >", "expected a column name or a value, found 'the end'", 7),
        ("count > 3 count < 9", "unexpected 'count'", 10),
        ("(count > 3", "expected ')'", 10),
        ('prompt ~ "(unclosed"', "invalid regex", 9),
        ("count ~ 'x'", "'~' matches a text column", 6),
        ("prompt < 3", "cannot compare str with num", 7),
        ("count == null", "is null", 6),
        ("count $ 3", "unexpected character '$'", 6),
        ("count", "expected a comparison", 5),
        ("gen_lengths > 3", "cannot be compared", 12),
    ],
)
def test_errors_say_what_and_where(where: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as info:
        parse_filter(where, STATS.schema)
    assert message in info.value.message
    assert info.value.position == position


def test_quick_filters() -> None:
    def quick(key: str) -> list[str]:
        return STATS.filter(QUICK_FILTERS[key][1])["prompt"].to_list()

    assert quick("never") == ["Find the triangle area"]  # "Other" is unscored, not never solved
    assert quick("flaky") == ["Solve x", "Triangle sides"]
    assert quick("always") == ["Count paths"]


def test_view_composes_filters_and_sorts_stably_with_nulls_last() -> None:
    view = View(where="count >= 2", text="TRIANGLE", run="b")
    assert view.apply(STATS)["prompt"].to_list() == ["Triangle sides"]
    by_acc = View(sort=Sort("average_accuracy", descending=True)).apply(STATS)
    assert by_acc["prompt"].to_list() == [
        "Count paths",
        "Solve x",
        "Triangle sides",
        "Find the triangle area",
        "Other",
    ]
    by_count = View(sort=Sort("count")).apply(STATS)
    assert by_count["prompt"].to_list() == [
        "Other",
        "Count paths",
        "Find the triangle area",
        "Solve x",
        "Triangle sides",
    ]
    assert View(text="42").apply(STATS)["prompt"].to_list() == [
        "Solve x",
        "Other",
    ]  # answers searched too
    assert View(quick="flaky", sort=Sort("count")).describe() == "flaky · sort count ↑"


def test_view_is_immutable_and_apply_returns_a_new_frame() -> None:
    view = View()
    changed = view.replace(where="count > 3")
    assert view.where == "" and changed.where == "count > 3"
    with pytest.raises(AttributeError):
        view.where = "x"  # type: ignore[misc]
    assert changed.apply(STATS) is not STATS and STATS.height == 5
    with pytest.raises(QueryError, match="unknown sort column"):
        View(sort=Sort("nope")).apply(STATS)


def test_views_without_filters_on_a_large_frame() -> None:
    big = pl.DataFrame(
        {"prompt": ["p"] * 100_000, "answer": ["a"] * 100_000, "count": list(range(100_000))}
    )
    assert View(sort=Sort("count", descending=True)).apply(big)["count"][0] == 99_999
    assert View().apply(big).height == 100_000
    assert View(where="count < 10").apply(big).height == 10

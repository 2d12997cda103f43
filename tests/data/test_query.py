"""The filter/sort language shared by the app and `evaltui export --where`."""

from __future__ import annotations

import time

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


def test_regex_match_is_smart_case() -> None:
    # No capital: case-insensitive; a capital: exact case; (?-i)/(?i) still override.
    assert rows('prompt ~ "triangle"') == ["Find the triangle area", "Triangle sides"]
    assert rows('prompt ~ "Triangle"') == ["Triangle sides"]
    assert rows('prompt ~ "(?-i)triangle"') == ["Find the triangle area"]
    assert rows('prompt ~ "(?i)TRIANGLE"') == ["Find the triangle area", "Triangle sides"]
    assert rows('prompt !~ "triangle"') == ["Solve x", "Count paths", "Other"]
    # Escapes are not capitals: \S is a class, not an upper-case S.
    assert rows(r'prompt ~ "triangle\S*"') == ["Find the triangle area", "Triangle sides"]


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
        ("prompt < 3", 'cannot compare a text with a number (a text is quoted: "3")', 7),
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
    view = View(where="count >= 2", text="triangle", run="b")
    assert view.apply(STATS)["prompt"].to_list() == ["Triangle sides"]
    # --text is smart case like the regexes: a capital makes it exact.
    assert View(text="triangle").apply(STATS)["prompt"].to_list() == [
        "Find the triangle area",
        "Triangle sides",
    ]
    assert View(text="Triangle").apply(STATS)["prompt"].to_list() == ["Triangle sides"]
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


def test_the_view_of_every_row_in_its_order_runs_no_query(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The default view (no filter, no sort: what a followed update shows most often) is the
    Stats frame itself: no query is run for it (each was a background query per update), with
    or without a cancel event; a view that filters or sorts still runs its query."""
    import threading

    queried: list[bool] = []
    collect = pl.LazyFrame.collect

    def counted(self: pl.LazyFrame, *args: object, **kwargs: object) -> object:
        queried.append(True)
        return collect(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pl.LazyFrame, "collect", counted)
    for cancelled in (None, threading.Event()):
        assert View().apply(STATS, cancelled) is STATS
        assert View(where="  ").apply(STATS, cancelled) is STATS
    assert queried == []
    assert View(sort=Sort("count")).apply(STATS)["count"].to_list() == [2, 4, 8, 8, 8]
    assert View(where="count > 4").apply(STATS, threading.Event()).height == 3
    assert View(where="1 > 2").apply(STATS).height == 0
    assert len(queried) == 3


def test_views_without_filters_on_a_large_frame() -> None:
    big = pl.DataFrame(
        {"prompt": ["p"] * 100_000, "answer": ["a"] * 100_000, "count": list(range(100_000))}
    )
    assert View(sort=Sort("count", descending=True)).apply(big)["count"][0] == 99_999
    assert View().apply(big).height == 100_000
    assert View(where="count < 10").apply(big).height == 10


def test_screen_names_and_json_keys_both_work() -> None:
    # The headers the app shows (n, accuracy, correct, max len, id) and the combined JSON's keys.
    assert rows("accuracy < 0.2 and max_len > 8000") == rows(
        "average_accuracy < 0.2 and max_gen_length > 8000"
    )
    assert rows("`max len` > 8000") == ["Find the triangle area", "Triangle sides"]
    assert rows("n >= 8 and correct == 0") == ["Find the triangle area"]
    assert rows("N >= 8 and Correct == 0") == ["Find the triangle area"]
    frame = STATS.with_columns(prompt_id=pl.Series(["p1", "p2", "p3", "p4", "p5"]))
    picked = frame.filter(parse_filter('id in ["p2", "p5"]', frame.schema))
    assert picked["prompt"].to_list() == ["Solve x", "Other"]
    # ...and in the sort (the app's sort menu passes either).
    by_len = View(sort=Sort("max len", descending=True)).apply(STATS)["prompt"].to_list()
    assert by_len[:2] == ["Triangle sides", "Find the triangle area"]
    with pytest.raises(QueryError) as info:
        parse_filter("acuracy > 1", STATS.schema)
    assert "did you mean accuracy" in info.value.message


def test_membership_lists() -> None:
    assert rows('answer in ["12", "7"]') == ["Find the triangle area", "Triangle sides"]
    assert rows("count in [2, 4]") == ["Count paths", "Other"]
    assert rows("count not in [2, 4,]") == ["Find the triangle area", "Solve x", "Triangle sides"]
    assert rows("not count in [8]") == ["Count paths", "Other"]
    assert rows("count in []") == []
    assert rows("run in ['b'] and count in [-1, 8]") == ["Triangle sides"]


def test_arithmetic_with_precedence() -> None:
    assert rows("max_gen_length - count * 1000 > 3000") == ["Triangle sides"]  # 12000-8000
    assert rows("(max_gen_length - count) * 2 > 20000") == ["Triangle sides"]
    assert rows("n_correct / n_scored >= 0.5") == ["Solve x", "Count paths"]
    assert rows("-count < -7") == ["Find the triangle area", "Solve x", "Triangle sides"]
    assert rows("count-4 == 0") == ["Count paths"]  # '-' is an operator, not a sign of 4
    assert len(rows("count - 9 < 0")) == 5  # in floats: UInt32 counts do not wrap around
    assert View(where="1 < 2").apply(STATS).height == 5
    assert View(where="1 > 2 or false").apply(STATS).height == 0


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ('"a" ~ "a"', "'~' matches a text column"),
        ("prompt ~ answer", "'~' matches a text column"),
        ("null is null", "'is null' tests a column"),
        ('"a" is null', "'is null' tests a column"),
        ("prompt ~ '(?=a)'", "invalid regex: look-around"),
        (r"prompt ~ '(a)\1'", "invalid regex: backreferences"),
        ("prompt ~ '(a{1000}){1000}'", "invalid regex: the regex is too large"),
        ("prompt - 1 > 0", "'-' works on numbers"),
        ('count in ["a"]', "cannot look for a number among text"),
        ("count in [count]", "a list holds"),
        ("count in [1", "expected ','"),
        ('prompt ~ "abc', "unterminated string"),
        ("`max len > 3", "unterminated `name`"),
        ("(" * 5000 + "count > 1" + ")" * 5000, "nested too deeply"),
        ("count > 1 and " * 3000 + "count > 1", "too many conditions"),
        ("count" + " + count" * 200 + " > 1", "too many arithmetic operators"),
        ("x" * 200_000, "characters long"),
    ],
)
def test_malformed_filters_are_query_errors_with_a_position(where: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        View(where=where).apply(STATS)
    assert message in info.value.message
    assert info.value.position is not None and 0 <= info.value.position <= len(where)


def test_thousands_of_nots_are_fine() -> None:
    # Consecutive 'not's are counted, not recursed into: 5,000 is even, 5,001 is odd.
    assert rows("not " * 5000 + "count == 4") == ["Count paths"]
    assert rows("not " * 5001 + "count == 4") == [
        "Find the triangle area",
        "Solve x",
        "Triangle sides",
        "Other",
    ]
    assert rows("-" * 5000 + "count == 4") == ["Count paths"]  # a run of signs is one operator


def _depth(expr: pl.Expr) -> int:
    depth = best = 0
    for char in str(expr):
        if char in "([":
            depth += 1
            best = max(best, depth)
        elif char in ")]":
            depth -= 1
    return best


def test_and_or_chains_are_flat() -> None:
    # A left-deep chain of n terms costs polars' optimiser ~n^3 (1,000 terms: 71 s); one
    # all_horizontal/any_horizontal of n terms is as deep as one term.
    ten = parse_filter(" and ".join(f"count > {i}" for i in range(10)), STATS.schema)
    thousand = parse_filter(" and ".join(f"count > {i}" for i in range(1000)), STATS.schema)
    ors = parse_filter(" or ".join(f"count == {i}" for i in range(1000)), STATS.schema)
    assert _depth(thousand) == _depth(ten) == _depth(ors)
    assert View(where=" or ".join(f"count == {i}" for i in range(1000))).apply(STATS).height == 5


def test_a_cancelled_view_stops() -> None:
    import threading

    from evaltui.data.query import QueryCancelled

    cancelled = threading.Event()
    assert View(where="count > 2").apply(STATS, cancelled).height == 4
    cancelled.set()
    with pytest.raises(QueryCancelled):
        View(where="count > 2").apply(STATS, cancelled)


def test_a_running_query_is_abandoned_when_cancelled() -> None:
    # The app's view worker passes its cancelled_event: a new keystroke must not wait for the
    # old filter. A query that takes 5 s is left as soon as the event is set (after 50 ms).
    import threading

    from evaltui.data.query import QueryCancelled, _collect

    def slow(series: pl.Series) -> pl.Series:
        time.sleep(5)
        return series

    lazy = STATS.lazy().select(pl.col("count").map_batches(slow, return_dtype=pl.UInt32))
    cancelled = threading.Event()
    threading.Timer(0.05, cancelled.set).start()
    started = time.monotonic()
    with pytest.raises(QueryCancelled):
        _collect(lazy, cancelled)
    assert time.monotonic() - started < 4  # returned without the query's result


def test_a_mean_a_rounding_error_from_a_number_is_that_number() -> None:
    """A fraction run's prompts scored (0.2, 0.4, 0.6), (0.1, 0.2, 0.9) and (0.3, 0.3, 0.6) have
    means 0.39999999999999997, 0.4000000000000001 and 0.39999999999999997 as summed, all shown as
    0.400: ``average_accuracy < 0.4`` took two of them and not the third, ``>= 0.4`` only the
    third, ``== 0.4`` none. A float a rounding error from the number typed is that number now;
    a real difference (0.3996) still counts, and counts compare exactly."""
    from evaltui.data.metrics import prompt_stats
    from evaltui.data.schema import conform

    scores = {"a": [0.2, 0.4, 0.6], "b": [0.1, 0.2, 0.9], "c": [0.3, 0.3, 0.6], "d": [0.0]}
    gens = conform(
        pl.DataFrame(
            {
                "run": "r",
                "prompt_id": [p for p, values in scores.items() for _ in values],
                "prompt": [p for p, values in scores.items() for _ in values],
                "gen": "x",
                "accuracy": [v for values in scores.values() for v in values],
            }
        ),
        with_lengths=True,
    )
    stats = prompt_stats(gens)
    means = dict(zip(stats["prompt_id"], stats["average_accuracy"], strict=True))
    assert {means["a"], means["b"], means["c"]} - {0.4}, "the means carry no rounding error"

    def chosen(where: str) -> list[str]:
        return View(where=where).apply(stats)["prompt_id"].sort().to_list()

    assert chosen("average_accuracy < 0.4") == ["d"]
    assert chosen("accuracy <= 0.4") == ["a", "b", "c", "d"]
    assert chosen("average_accuracy >= 0.4") == ["a", "b", "c"]
    assert chosen("average_accuracy > 0.4") == []
    assert chosen("average_accuracy == 0.4") == ["a", "b", "c"]
    assert chosen("average_accuracy != 0.4") == ["d"]
    assert chosen("not (average_accuracy < 0.4)") == ["a", "b", "c"]
    assert chosen("total_accuracy_count / count == 0.4") == ["a", "b", "c"]
    assert chosen("0.4 > average_accuracy") == ["d"]
    # A real difference is one: 0.3996 is below 0.4 though shown as 0.400.
    near = stats.with_columns(pl.lit(0.3996).alias("average_accuracy"))
    assert View(where="average_accuracy < 0.4").apply(near).height == near.height
    # Null and NaN as before: neither side of a comparison.
    gaps = pl.DataFrame({"average_accuracy": [None, float("nan"), 0.4]})
    assert View(where="average_accuracy == 0.4").apply(gaps)["average_accuracy"].to_list() == [0.4]
    assert View(where="average_accuracy < 0.4").apply(gaps).height == 0


def test_a_sort_by_score_keeps_runs_of_different_scales_apart() -> None:
    """An accuracy run (0-1: means 0.0, 0.4, 1.0) and a plain 0-100 run (means 0.5, 10, 100)
    loaded together: sorting by the mean put the 0-100 run's 0.5 (its worst) among the
    accuracies and its 10 and 100 above every accuracy. Each scale is sorted apart now,
    accuracies first, an unscored run last; the status says so."""
    from evaltui.data.metrics import prompt_stats
    from evaltui.data.schema import conform

    scores = {("acc", "a"): 0.0, ("acc", "b"): 0.4, ("acc", "c"): 1.0}
    scores |= {("pct", "a"): 0.5, ("pct", "b"): 10.0, ("pct", "c"): 100.0, ("none", "a"): None}
    gens = conform(
        pl.DataFrame(
            {
                "run": [run for run, _ in scores],
                "prompt_id": [p for _, p in scores],
                "prompt": [p for _, p in scores],
                "gen": "x",
                "accuracy": list(scores.values()),
            }
        ),
        with_lengths=True,
    )
    stats = prompt_stats(gens)
    for descending, expected in (
        (False, [0.0, 0.4, 1.0, 0.5, 10.0, 100.0, None]),
        (True, [1.0, 0.4, 0.0, 100.0, 10.0, 0.5, None]),
    ):
        view = View(sort=Sort("average_accuracy", descending))
        shown = view.apply(stats)
        assert shown["average_accuracy"].to_list() == expected
        assert shown["run"].to_list()[-1] == "none"
        assert view.describe({"average_accuracy": "mean score"}, scales=2).endswith(
            f"sort mean score {'↓' if descending else '↑'} (each scale apart)"
        )
    # One scale: the column's own order, and no word about scales.
    one = stats.filter(pl.col("run") == "acc")
    assert View(sort=Sort("average_accuracy")).apply(one)["average_accuracy"].to_list() == [
        0.0,
        0.4,
        1.0,
    ]
    from evaltui.data.query import score_scales

    assert (score_scales(stats), score_scales(one)) == (2, 1)
    assert View(sort=Sort("average_accuracy")).describe(scales=1) == "sort average_accuracy ↑"
    # Other columns are in units every run shares: sorted across runs, no word about scales.
    assert View(sort=Sort("count")).describe(scales=2) == "sort count ↑"

"""Answer extraction and vote normalization: the one-value and the vectorized forms agree."""

from __future__ import annotations

import random

import polars as pl
import pytest

from evaltui.data import extract
from evaltui.data.extract import (
    TAIL_CHARS,
    extract_answer,
    extract_answers,
    fill_extracted,
    fill_vote_answers,
    last_boxed,
    normalize,
    normalize_expr,
    normalize_values,
)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("so \\boxed{42}.", "42"),
        ("first \\boxed{1} then \\boxed{\\frac{5}{6}}", "\\frac{5}{6}"),
        ("\\boxed{\\sqrt{\\frac{\\sqrt{3}}{2}}} deep", "\\sqrt{\\frac{\\sqrt{3}}{2}}"),
        ("\\boxed{7} then truncated \\boxed{\\frac{1}{", "7"),
        ("\\fbox{x+1}", "x+1"),
        ("\\boxed{} but the answer is 9.", "9"),
        ("The final answer is 17.", "17"),
        ("Thus the answer is $\\pi$.", "\\pi"),
        # a decimal point is the number's, not the sentence's end
        ("The answer is 0.5", "0.5"),
        ("The answer is $0.5$.", "0.5"),
        ("The final answer is 3.14. Done.", "3.14"),
        ("So the answer is 1,234.56", "1,234.56"),
        ("work\n**Answer:** x+1\n", "x+1"),
        ("Answer: 3", "3"),
        ("we get 12 and then 1,024 total", "1,024"),
        ("a reply in words with no number and no stated answer", None),
        ("  Paris. \n", "Paris."),  # a short reply is its own answer
        ("x = 5", "5"),  # ... its last number when it has one, as any text's
        # a fraction is a number whole, not its denominator
        ("1/2", "1/2"),
        ("-3/4", "-3/4"),
        ("adding the parts gives 5/6 of the cake", "5/6"),
        ("3/4 of 12 is 9", "9"),
        ("two\nlines", None),
        ("", None),
    ],
)
def test_extract_answer(text: str, answer: str | None) -> None:
    assert extract_answer(text) == answer


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        # balanced emphasis around the answer: taken off (markdown's **bold**, *italic*, __, _)
        ("Answer: **7**", "7"),
        ("Answer: *7*", "7"),
        ("Answer: __7__", "7"),
        ("Answer: _7_", "7"),
        ("Answer: ***7***", "7"),
        ("Answer: **7**.", "7"),
        ("Answer: **7.**", "7"),
        ("**Answer:** **7**", "7"),
        ("The final answer is **7**.", "7"),
        ("The answer is *3.14*.", "3.14"),
        ("The answer is __x_1__.", "x_1"),
        ("**Final Answer:** **(B)**", "(B)"),
        ("**Final Answer**: 7", "7"),
        # "answer is:" is read as "answer is"
        ("The answer is: **12**", "12"),
        ("The answer is: 12", "12"),
        ("The final answer is:\n\n$x+1$", "x+1"),
        # bold around the math, or math around the bold
        ("Answer: **$x_1$**", "x_1"),
        ("The answer is **$\\frac{1}{2}$**.", "\\frac{1}{2}"),
        ("The answer is $**7**$.", "7"),
        # the label's own emphasis, as before
        ("**Answer:** 7", "7"),
        ("**Answer: 7**", "7"),
        ("*Answer: 7.*", "7"),
        # markers inside an answer, or unbalanced, are the answer's
        ("Answer: 2*3", "2*3"),
        ("Answer: **2*3**", "2*3"),
        ("Answer: x_1", "x_1"),
        ("Answer: $x_1$", "x_1"),
        ("Answer: a_{n}", "a_{n}"),
        ("The answer is \\boxed{x_1}", "x_1"),
        ("The answer is \\boxed{0*(4+5+6+9)}", "0*(4+5+6+9)"),
        ("The answer is 5^*.", "5^*"),
        ("The answer is **7", "**7"),
        ("The answer is 7*", "7*"),
        # an "Answer:" line's closing stars cannot be told from its label's (``**Answer: 7**``):
        # taken off when unbalanced, as before
        ("Answer: 5^*", "5^"),
    ],
)
def test_markdown_emphasis_around_an_answer_is_no_part_of_it(text: str, answer: str) -> None:
    """Models write markdown: ``Answer: **7**`` gave ``**7``, ``The final answer is **7**.``
    ``**7**`` and ``The answer is: 12`` ``: 12``, which the answer column showed and the vote
    counted apart from ``7``. Every path gives the same answer (the one-value form, the
    loader's query over whole texts and over tails read as they are)."""
    from evaltui.data.schema import conform
    from evaltui.data.triage import with_measures_and_answers

    assert extract_answer(text) == answer
    for filler in ("", "prose. " * 700 + "\n"):  # a short text, and one longer than a tail
        whole = filler + text
        frame = conform(pl.DataFrame({"prompt": ["p"], "gen": [whole]}))
        assert with_measures_and_answers(frame)["extracted"].to_list() == [answer], filler[:5]
        assert fill_extracted(frame)["extracted"].to_list() == [answer]


def test_answers_in_emphasis_vote_with_the_same_answers_without() -> None:
    """maj@k: ``**7**`` and ``*7*`` were votes apart from ``7`` (the vote's normalizing keeps
    ``*``: ``2*3`` is no ``23``)."""
    from evaltui.data.schema import conform
    from evaltui.data.triage import with_measures_and_answers

    texts = ["Answer: **7**", "The final answer is *7*.", "Answer: 7", "The answer is: __7__"]
    frame = conform(pl.DataFrame({"prompt": ["p"] * 4, "gen": texts}))
    assert fill_extracted(frame)["vote_answer"].to_list() == ["7"] * 4
    assert normalize("2*3") == "2*3" and normalize("x_1") == "x_1"
    # a short reply in bold is its own answer without it, on every path
    short = conform(pl.DataFrame({"prompt": ["p"] * 2, "gen": ["**Paris**", "*Rome*"]}))
    assert [extract_answer(text) for text in short["gen"]] == ["Paris", "Rome"]
    assert fill_extracted(short)["extracted"].to_list() == ["Paris", "Rome"]
    assert with_measures_and_answers(short)["extracted"].to_list() == ["Paris", "Rome"]


def test_only_the_tail_is_searched() -> None:
    # An early boxed answer far from the end is out of reach; the last number near the end wins.
    text = "\\boxed{1}" + "x" * (TAIL_CHARS + 10) + " so 2"
    assert extract_answer(text) == "2"


def test_last_boxed_skips_unclosed_and_empty() -> None:
    assert last_boxed("\\boxed{a{b}c} \\boxed{") == "a{b}c"
    assert last_boxed("\\boxed{}") is None
    assert last_boxed("nothing") is None


def test_vectorized_matches_one_value_form() -> None:
    texts = [
        "\\boxed{1}",
        "\\boxed{\\a{\\b{\\c{d}}}}",
        "Answer: 5",
        None,
        "a reply in words with no number and no stated answer",
    ]
    got = extract_answers(pl.Series("gen", texts, dtype=pl.String)).to_list()
    assert got == ["1", "\\a{\\b{\\c{d}}}", "5", None, None]
    assert got[:3] == [extract_answer(t) for t in texts[:3] if t is not None]


def test_fill_extracted_keeps_the_formats_answer_and_leaves_null_when_nothing_found() -> None:
    frame = pl.DataFrame(
        {
            "gen": [
                "\\boxed{2}",
                "\\boxed{3}",
                "a reply in words with no number and no stated answer",
            ],
            "extracted": ["B", None, None],
        },
        schema={"gen": pl.String, "extracted": pl.String},
    )
    assert fill_extracted(frame)["extracted"].to_list() == ["B", "3", None]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\\dfrac{5}{6}", "\\frac{5}{6}"),
        ("$\\frac{5}{6}$", "\\frac{5}{6}"),
        ("\\left(2\\right)", "(2)"),
        ("\\!3", "3"),
        ("1,024", "1024"),
        ("1,234,567", "1234567"),
        ("1024.", "1024"),
        ("{7}", "7"),
        ("0.50", "0.5"),
        ("1/2", "0.5"),
        ("\\frac{1}{2}", "0.5"),
        ("-\\frac{3}{4}", "-0.75"),
        ("\\frac{5}{6}", "\\frac{5}{6}"),  # not a terminating decimal: kept as written
        ("2.0", "2"),
        ("-0", "0"),
        ("1/3", "\\frac{1}{3}"),  # not a terminating decimal: LaTeX's spelling, as \frac{1}{3}
        ("(1,2)", "(1,2)"),  # a tuple, not a thousands separator
        ("x^2+1", "x^2+1"),
        # as MATH's references write answers (published MATH500: exact re-scored these wrong)
        ("\\text{Evelyn}", "Evelyn"),
        ("\\mbox{east}", "east"),
        ("90^\\circ", "90"),
        ("30^{\\circ}", "30"),
        ("\\frac43", "\\frac{4}{3}"),
        ("\\frac 59", "\\frac{5}{9}"),
        ("\\frac9{19}", "\\frac{9}{19}"),
        ("\\frac{270}7", "\\frac{270}{7}"),
        ("\\frac14", "0.25"),
        ("11\\sqrt2", "11\\sqrt{2}"),
        ("\\$36", "36"),
        (".35625", "0.35625"),
        ("-.5", "-0.5"),
        ("\\frac{12}{34}", "\\frac{12}{34}"),  # braced arguments are left as they are
        # a unit on the right is dropped, as MATH's graders drop it (Hendrycks'
        # _remove_right_units, SkyThought's strip_answer_string): \boxed{5.4} for 5.4\text{ cents}
        ("5.4\\text{ cents}", "5.4"),
        ("864 \\mbox{ inches}^2", "864"),
        ("15\\mbox{ cm}^2", "15"),
        ("\\frac{270}7\\text{ degrees}", "\\frac{270}{7}"),
        ("5\\,\\text{cm}", "5"),
        # a word that is the answer is no unit: alone, or after a word with no space
        ("\\text{(C)}", "C"),
        ("\\text{A}\\text{B}", "AB"),
        ("2\\text{ and }3", "2and3"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # an integer fraction that is no terminating decimal, in LaTeX's spelling or with a slash
        ("\\frac{5}{6}", "5/6"),
        ("-\\dfrac{7}{3}", "-7/3"),
        ("\\frac{270}7", "270/7"),
        # a choice letter, as MATH's references write it and as models answer it
        ("\\text{(C)}", "C"),
        ("(B)", "\\textbf{B}"),
        # a trailing percent sign, as MATH's graders read it
        ("10\\%", "10"),
        ("12.5%", "12.5"),
        # a one-letter variable's value
        ("x=5", "5"),
        ("y = -\\frac{2}{3}", "-2/3"),
        # a sub- or superscript's one character, braced or not
        ("4210_{5}", "4210_5"),
        ("x^{2}+1", "x^2+1"),
        # a decimal of more places than a plain number's spelling is evened out to
        (".0000672", "0.0000672"),
        ("-.1234567", "-0.1234567"),
    ],
)
def test_answers_that_differ_only_in_spelling_normalize_alike(one: str, other: str) -> None:
    """Published MATH500 (SkyThought): exact called wrong what MATH's grader had right,
    ``\\text{(C)}`` for ``C``, ``10\\%`` for ``10``, ``x=5`` for ``5``, ``4210_{5}`` for ``4210_5``,
    ``.0000672`` for ``0.0000672``; and a model's ``\\boxed{5/6}`` did not vote with
    ``\\frac{5}{6}``. The pairs are the shapes of those, not their text."""
    assert normalize(one) == normalize(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("\\frac{5}{6}", "6/5"),
        ("\\frac{26}{36}", "\\frac{13}{18}"),  # equal in value: math-verify's to say
        ("10\\%", "0.1"),
        ("x=5", "x=6"),
        ("(C)", "(D)"),
        ("(1,2)", "(2,1)"),
        ("x=1,y=2", "1,y=2"),  # two variables: not one's value
        ("4210_{5}", "4210_6"),
        ("0.0000672", "0.0000671"),
    ],
)
def test_answers_that_differ_stay_apart(one: str, other: str) -> None:
    assert normalize(one) != normalize(other)


def test_vote_answers_and_references_are_filled_together_and_only_where_missing() -> None:
    """Both columns are normalized in one evaluation (the same value in either column gets the
    same spelling); a value already there stays, a null source stays null."""
    frame = pl.DataFrame(
        {
            "extracted": ["1,000", "\\dfrac{1}{2}", None, "0.50", "kept"],
            "answer": ["1000", "1,000", "$3$", None, "x"],
            "vote_answer": [None, None, None, None, "already"],
        },
        schema={"extracted": pl.String, "answer": pl.String, "vote_answer": pl.String},
    )
    filled = fill_vote_answers(frame)
    assert filled["vote_answer"].to_list() == [
        normalize("1,000"),
        normalize("\\dfrac{1}{2}"),
        None,
        normalize("0.50"),
        "already",
    ]
    assert filled["vote_reference"].to_list() == [
        normalize("1000"),
        normalize("1,000"),
        normalize("$3$"),
        None,
        normalize("x"),
    ]
    assert filled["vote_answer"][0] == filled["vote_reference"][0] == "1000"
    assert fill_vote_answers(filled).equals(filled)  # nothing left to fill


def test_normalize_values_equals_the_one_expression_form() -> None:
    """``normalize_values`` evaluates each step of ``normalize_expr`` once (what the loader and
    every followed update use): the same value for every input, odd ones included."""
    import random

    rng = random.Random(7)
    atoms = ["1", "0", "12", "1,234", "1,234.50", "-", ".", "/", "\\frac", "\\dfrac", "\\tfrac"]
    atoms += ["{", "}", " ", "$", "\\left(", "\\right)", "\\!", "x", "2.0", "0.50", "\u00a0"]
    atoms += ["\u2003", "\x1c", "\u0663", "1e5", "3/4", "1/3", ",", "000", "\n", "7/0"]
    values = [None, "", " ", "\\frac{1}{2}", "-\\frac{3}{4}", "{42}", "1,234,567.", "0/5", "-0.0"]
    values += ["".join(rng.choice(atoms) for _ in range(rng.randint(1, 6))) for _ in range(3000)]
    series = pl.Series("v", values, dtype=pl.String)
    expected = pl.select(normalize_expr(pl.lit(series)).alias("v")).to_series()
    got = normalize_values(series)
    assert got.name == "v"
    assert got.to_list() == expected.to_list()
    assert normalize_values(series.clear()).to_list() == []


def test_few_values_are_normalized_on_the_in_memory_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A followed update's few new answers are normalized on polars' in-memory engine (the
    default started its streaming executor for them), a load's many on the default; the values
    are those of the one-expression form either way."""
    from evaltui.data.extract import SMALL_NORMALIZE

    engines: list[object] = []
    collect = pl.LazyFrame.collect

    def recorded(self: pl.LazyFrame, *args: object, **kwargs: object) -> object:
        engines.append(kwargs.get("engine", "auto"))
        return collect(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pl.LazyFrame, "collect", recorded)
    few = pl.Series("v", ["\\frac{1}{2}", "1,234.50", "$x$", None, "{42}"], dtype=pl.String)
    many = pl.Series("v", [f"\\frac{{{i}}}{{4}}" for i in range(SMALL_NORMALIZE)])
    for values, engine in ((few, "in-memory"), (many, "auto")):
        engines.clear()
        got = normalize_values(values)
        assert engines == [engine]
        expected = pl.select(normalize_expr(pl.lit(values)).alias("v")).to_series()
        assert got.to_list() == expected.to_list()


def test_small_calls_take_values_normalized_before_from_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A followed update's few answers: values normalized by an earlier call are not normalized
    again (only the new ones go to the query), each value gets what normalizing it alone gives,
    and the memory starting over when full loses none of the values in hand."""
    from evaltui.data import extract

    monkeypatch.setattr(extract, "_memo", [{}])
    monkeypatch.setattr(extract, "MEMO_VALUES", 5)
    asked: list[list[str]] = []
    real = extract.normalize_values

    def counting(values: pl.Series) -> pl.Series:
        asked.append(values.to_list())
        return real(values)

    monkeypatch.setattr(extract, "normalize_values", counting)
    calls = [
        ["1,000", "0.50", "\\dfrac{1}{2}"],
        ["0.50", "$3$", "1,000"],
        ["$3$", "2.0", " 7 ", "\\frac{3}{4}", "x"],  # overflows the memory of 5
        ["2.0", "x", "1,000"],
    ]
    for values in calls:
        frame = pl.DataFrame(
            {"extracted": values, "answer": values[::-1]},
            schema={"extracted": pl.String, "answer": pl.String},
        )
        filled = fill_vote_answers(frame)
        assert filled["vote_answer"].to_list() == [normalize(v) for v in values]
        assert filled["vote_reference"].to_list() == [normalize(v) for v in values[::-1]]
    assert sorted(asked[0]) == sorted(calls[0])
    assert asked[1] == ["$3$"]  # the others were normalized by the first call
    assert sorted(asked[2]) == sorted(["2.0", " 7 ", "\\frac{3}{4}", "x"])
    assert asked[3] == ["1,000"]  # forgotten when the memory started over; 2.0 and x kept


@pytest.mark.parametrize("window", [1, 3, 8, extract.NUMBER_WINDOW])
def test_the_last_number_searched_in_the_window_first_is_the_whole_tails(
    window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``last_numbers`` (the last number of each text's tail, searched in its last characters
    first, from after a character no number holds) finds what the scan of the whole tail finds:
    numbers across the window's edge, signs, grouping commas, decimal points and fraction bars at
    it, windows
    made only of number characters, other scripts' digits, texts around the window's and the
    tail's lengths, no number at all, and no text."""
    monkeypatch.setattr(extract, "NUMBER_WINDOW", window)
    rng = random.Random(11)
    alphabet = ["1", "2", "0", "-", ",", ".", "/", " ", "a", "\n", "٣", "１", "é", "x"]
    texts: list[str | None] = [None, "", "7", "-", "1,2", "12.5", "a" * 50, "1" * 5000]
    texts += ["".join(rng.choices(alphabet, k=rng.randint(0, 40))) for _ in range(1500)]
    texts += [
        "".join(rng.choices(alphabet, k=rng.randint(window - 2, window + 3))) for _ in range(300)
    ]
    for size in (TAIL_CHARS - 1, TAIL_CHARS, TAIL_CHARS + 3, 2 * TAIL_CHARS):
        texts += ["".join(rng.choices(alphabet, k=size)) for _ in range(20)]
        texts.append("9" * 10 + "x" * (size - 10))  # the only number before the tail's start
        texts.append("x" * (size - 10) + "-1,234.5")
    series = pl.Series("gen", texts, dtype=pl.String)
    whole = series.to_frame().select(
        extract._last_match(pl.col("gen").str.slice(-TAIL_CHARS), extract._NUMBER)
    )
    got = extract.last_numbers(series)
    assert got.name == "_number"
    assert got.to_list() == whole.to_series().to_list()
    assert got.null_count() > 1 and got.drop_nulls().n_unique() > 100


def _answer_line_texts() -> list[str | None]:
    """Texts for the "Answer:" line's search: any case (the long s and the Kelvin sign fold as
    the pattern folds them), marks before and after the word, blanks and tabs before the colon,
    "answer:" inside a line, lines too long, empty answers, several lines (LF, CRLF, a lone CR,
    U+2028, which ends no line for the pattern), CJK, emoji, NUL and other control characters,
    a line before the tail's start, "answer" with no colon after it, empty and no text."""
    rng = random.Random(7)
    pieces = [
        "Answer",
        "answer",
        "ANSWER",
        "AnSwer",
        "an\u017fwer",
        "\u212aey",
        "**",
        "__",
        "#",
        ">",
        "- ",
        "\nAnswer:",
        "\n> **answer** :",
        "\r\nAN\u017fWER\t:",
    ]
    pieces += [
        " ",
        "\t",
        ":",
        ": ",
        "\n",
        "\n",
        "\r\n",
        "\r",
        "\u2028",
        "42",
        "$x$",
        "Paris",
        ".",
        "é",
        "中文",
        "😀",
        "\x00",
        "\x1b[31m",
        "answer is",
        "x" * 70,
        "*",
        "_",
        "$",
    ]
    texts: list[str | None] = [
        None,
        "",
        "Answer: 5",
        "answer:",
        "Answer :",
        "**Answer**: 12 .",
        "Answer 5",
        "so the answer: 5",
        "so the answer: 5\nAnswer: 6",
        "Answer: 6\nso the answer: 5",
        "Answer: 1\nAnswer: 2\nAnswer: **",
        "答案：\nAnswer: 中文😀",
        "Answer: 7\x00\nmore",
        "\u2028Answer: 8",
        "x\u2028Answer: 8",
        "x\rAnswer: 9",
    ]
    texts += ["an\u017fwer: 7", "Final Answer:\n\n3", "answer\t: $7$", "x\nAnswer: \nAnswer: 9\n"]
    texts += ["".join(rng.choices(pieces, k=rng.randint(0, 16))) for _ in range(3000)]
    for size in (TAIL_CHARS - 12, TAIL_CHARS, TAIL_CHARS + 3, 2 * TAIL_CHARS):
        texts.append("Answer: 5\n" + "y" * (size - 10))  # its only line before the tail's start
        texts.append("y" * (size - 10) + "\nAnswer: 5")
        texts.append("y" * (size - 20) + "answer only, no colon")
        texts.append("Answer: 4\n" + "中" * (size - 20) + "\nAnswer: 5")
        texts.append("y answer: 3 " * (size // 12) + "\n> Answer: 5\n" + "😀" * 30)
    return texts


def _answer_line_whole_tail(tail: pl.Expr) -> pl.Expr:
    """The "Answer:" line's search over each whole tail: the line's pattern run over all of it."""
    line = extract._last_match(tail, extract._ANSWER_LINE)
    line = extract._unemphasized(extract._non_empty(line), extract._EMPHASIZED_OR_LABEL)
    return line.replace("", None)


def test_answer_lines_are_looked_for_only_where_a_line_opens_as_one_and_found_as_the_whole_tails_search_finds() -> (
    None
):
    """``answer_lines`` (the "Answer: …" line part, searched for only in tails with a line
    opening as one does, and there from the first such line) equals the line's pattern run over
    every whole tail, on every text of :func:`_answer_line_texts`; and so does the part of the
    answers' query over every row (``answer_part_exprs``)."""
    series = pl.Series("gen", _answer_line_texts(), dtype=pl.String)
    tail = pl.col("gen").str.slice(-TAIL_CHARS)
    whole = series.to_frame().select(_answer_line_whole_tail(tail)).to_series().to_list()
    got = extract.answer_lines(series)
    assert got.name == "_answer_line" and got.dtype == pl.String
    assert got.to_list() == whole
    assert got.null_count() > 100 and got.drop_nulls().n_unique() > 20
    parts = series.to_frame().lazy().select(extract.answer_part_exprs("gen")).collect()
    assert parts.get_column("_answer_line").to_list() == whole
    assert extract.answer_lines(pl.Series("gen", [None, "no line"], dtype=pl.String)).to_list() == [
        None,
        None,
    ]


def test_a_tail_is_searched_for_its_answer_line_from_the_first_line_opening_as_one() -> None:
    """What the line's pattern is run over: each tail from the start of its first line that
    opens as an "Answer:" line does (its lines told one by one), null when none does: a trace
    whose "Answer: 7" is its last line is searched over that line, not its 4,000 characters."""
    texts = _answer_line_texts()
    expected: list[str | None] = []
    for text in texts:
        if text is None:
            expected.append(None)
            continue
        lines = text[-TAIL_CHARS:].split("\n")
        opens = pl.Series(lines).str.contains(extract._ANSWER_LINE_START).to_list()
        first = opens.index(True) if True in opens else None
        expected.append(None if first is None else "\n".join(lines[first:]))
    cut = extract._from_answer_line_start(pl.Series("gen", texts, dtype=pl.String))
    assert cut.name == "gen" and cut.dtype == pl.String
    assert cut.to_list() == expected
    assert sum(value is not None for value in expected) > 200
    trace = pl.Series(["step " * 900 + "\nAnswer: 7", "中文\r\n> **ANSWER**: 😀\nx"])
    assert extract._from_answer_line_start(trace).to_list() == ["Answer: 7", "> **ANSWER**: 😀\nx"]


def test_a_tail_whose_answer_colon_is_inside_a_line_is_not_searched_for_an_answer_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An "answer:" inside a line of prose ("so the answer: 5", "ANSWER :" among a trace's
    words) opens no "Answer:" line: such tails are not searched (the probe said yes to them,
    and a followed MB of traces paid ~0.4 ms for a search that found nothing); a tail with a
    line that opens as one is."""
    searched: list[int] = []
    line_search = extract._answer_line

    def counted(tail: pl.Expr) -> pl.Expr:
        searched.append(1)
        return line_search(tail)

    monkeypatch.setattr(extract, "_answer_line", counted)
    prose = [
        "so the answer: 5",
        "we check the ANSWER : it holds",
        "中文 answer: 中文",
        "x **Answer:** 3",
    ]
    series = pl.Series("gen", prose, dtype=pl.String)
    assert extract.answer_lines(series).to_list() == [None] * 4
    assert searched == []
    probes = extract.answer_probes(series.to_frame(), "gen")
    assert probes.get_column(extract.LINE_ROWS).to_list() == [False] * 4
    lines = pl.Series("gen", [*prose, "so\n**Answer:** 3"], dtype=pl.String)
    assert extract.answer_lines(lines).to_list() == [None] * 4 + ["3"]
    assert searched == [1]
    probes = extract.answer_probes(lines.to_frame(), "gen")
    assert probes.get_column(extract.LINE_ROWS).to_list() == [False] * 4 + [True]


def test_short_replies_are_looked_for_only_in_short_texts_and_found_as_the_expression_finds() -> (
    None
):
    """``short_replies`` (the short-reply part, looked for only in texts of at most
    ``SHORT_SCAN`` bytes) equals the expression over every text: replies around the byte limit
    (blanks and characters of several bytes included), several lines, five words, blanks
    only, long texts, and no text."""
    rng = random.Random(5)
    scan = extract.SHORT_SCAN
    texts: list[str | None] = [None, "", "   ", "Paris", " 42 \n", "(B)", "a b c d", "a b c d e"]
    texts += ["x\ny", " " * (scan - 1) + "7", " " * scan + "7", "é" * (scan // 2), "é" * 200]
    texts += ["Paris" + " " * (scan - 5), "Paris" + " " * (scan - 4), "w " * 3000]
    words = ["Paris", "42", "é", "中文", " ", "\n", "\t", "x", "United States"]
    texts += ["".join(rng.choices(words, k=rng.randint(0, 12))) for _ in range(2000)]
    texts += [" " * rng.randint(scan - 30, scan + 5) + rng.choice(words) for _ in range(300)]
    series = pl.Series("gen", texts, dtype=pl.String)
    whole = series.to_frame().select(extract._short(pl.col("gen").str.slice(-TAIL_CHARS)))
    got = extract.short_replies(series)
    assert got.name == "_short" and got.dtype == pl.String
    assert got.to_list() == whole.to_series().to_list()
    assert got.null_count() > 100 and got.drop_nulls().n_unique() > 100
    everything_long = pl.Series("gen", ["w " * 300, None], dtype=pl.String)
    assert extract.short_replies(everything_long).to_list() == [None, None]


#: A model's text with a terminal escape sequence after its answer (OSC 52 sets the clipboard).
_OSC52 = "\x1b]52;c;aGk=\x07"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        # the lead's case: the answer held the escape sequence ('40␛]52;c;aGk=␇')
        (f"The answer is 40 {_OSC52}", "40"),
        (f"The answer is 40{_OSC52}.", "40"),
        ("The answer is \x1b[1m40\x1b[0m.", "40"),  # bold: its parameters are no text
        (f"so \\boxed{{40{_OSC52}}}", "40"),
        ("so \\boxed{\x1b[1m\\frac{1}{2}\x1b[0m}", "\\frac{1}{2}"),
        # deeper than the regex follows: the Python brace scanner's path
        (
            f"\\boxed{{\\sqrt{{\\frac{{\\sqrt{{3}}}}{{2}}}}{_OSC52}}}",
            "\\sqrt{\\frac{\\sqrt{3}}{2}}",
        ),
        (f"\\boxed{{{_OSC52}}} but the answer is 9.", "9"),  # a box of an escape alone: none
        (f"work\n**Answer:** x+1 {_OSC52}\n", "x+1"),
        # the last number is the text's, not a sequence's parameter (52, 0)
        (f"step 3 so 40{_OSC52}", "40"),
        ("step 3 so 40\x1b[0m", "40"),
        (f"40{_OSC52}", "40"),  # a short reply
        # any control character ends an answer (NUL, BEL, DEL, a C1 control)
        ("The answer is 40\x00 more.", "40"),
        ("The answer is 40\x07", "40"),
        ("The answer is 40\x7f1.", "40"),
        ("The answer is 40\x851.", "40"),
        # tab, line feed and carriage return are blanks, not the end
        (
            "\\boxed{\\begin{pmatrix}1\\\\\r\n2\\end{pmatrix}}",
            "\\begin{pmatrix}1\\\\\r\n2\\end{pmatrix}",
        ),
        ("The answer is 4\t0.", "4\t0"),
    ],
)
def test_a_control_character_ends_an_extracted_answer(text: str, answer: str) -> None:
    """An answer is the model's text up to a control character, a terminal escape sequence's
    parameters being none of it: ``The answer is 40 <ESC>]52;c;aGk=<BEL>`` gave
    ``40 \\x1b]52;c;aGk=\\x07`` (shown ``40␛]52;c;aGk=␇``, no answer, and a vote apart from the
    plain ``40``), on every path: boxed (fast and deep), "the answer is", "Answer:" line, the
    last number (``52`` of the sequence) and a short reply."""
    assert extract_answer(text) == answer
    assert extract_answers(pl.Series("gen", [text, "x"])).to_list() == [answer, "x"]
    if "\\sqrt" not in text:  # the expression alone (no brace scanner) on the raw column
        assert pl.DataFrame({"gen": [text]}).select(extract.extract_answer_expr()).item() == answer


def test_equal_answers_vote_together_whatever_escape_follows_them() -> None:
    """The load's path (``with_measures_and_answers``: the tails searched once for the measures
    and the parts) gives a text ending in an escape sequence the answer of the plain text, so
    the two vote together: they were two answers (``40`` and ``40 ␛]52;…``, ``12`` and ``0``)."""
    from evaltui.data.schema import conform
    from evaltui.data.triage import with_measures_and_answers

    gens = [
        "Thinking. The answer is 40",
        f"Thinking. The answer is 40 {_OSC52}",
        "so \\boxed{\x1b[1m40\x1b[0m}",
        "I think it is 7 so 12",
        "I think it is 7 so 12\x1b[0m",
        f"{_OSC52}\\boxed{{\\sqrt{{\\frac{{\\sqrt{{3}}}}{{2}}}}\x1b[0m}}",
        "\\boxed{\\sqrt{\\frac{\\sqrt{3}}{2}}}",
    ]
    frame = conform(
        pl.DataFrame(
            {"prompt": ["p"] * len(gens), "gen": gens, "answer": ["40"] * len(gens)},
            schema_overrides={"gen": pl.String},
        )
    )
    done = with_measures_and_answers(frame)
    root = "\\sqrt{\\frac{\\sqrt{3}}{2}}"
    assert done["extracted"].to_list() == ["40", "40", "40", "12", "12", root, root]
    assert done["vote_answer"].n_unique() == 3
    assert done["has_answer"].to_list() == [True, True, True, False, False, True, True]


def test_the_answer_of_a_reasoning_model_is_the_one_after_its_thinking() -> None:
    """A reasoning model (DeepSeek-R1, QwQ, Qwen3) thinks in ``<think>…</think>`` and answers
    after it. Was: the answer taken from the thinking, a box the model rejected there (3) or a
    number of a trace cut at the token limit while still thinking (5, stated nowhere). Now the
    answer after the last ``</think>`` (the chat template may open ``<think>`` in the prompt),
    none when nothing follows it, and none for a text that opens ``<think>`` and never closes
    it. The load's path (the tails searched once for the measures) gives the same, and such a
    text states no answer (``has_answer``)."""
    from evaltui.data.schema import conform
    from evaltui.data.triage import with_measures_and_answers

    cut = "<think>Okay, 2+3. Let me think about 5 and"
    long_cut = "\n<think>\n" + "Hmm, 7 and 9. " * 1000 + "So maybe 5"
    gens = [
        "<think>Maybe \\boxed{3}? No: 2+3.</think>So it is \\boxed{5}.",
        "Maybe \\boxed{3}? No.\n</think>\n\nThe answer is 5",  # <think> opened by the template
        "<think>Okay, 5?</think>\n",
        cut,
        long_cut,
        "No thinking here: \\boxed{5}",
        "<think>x</think>a</think>\\boxed{5}",
        "<think>\\boxed{3}</think>a</think><td>\\boxed{5}</td>",  # a "</t" after it too
    ]
    expected = ["5", "5", None, None, None, "5", "5", "5"]
    assert [extract_answer(text) for text in gens] == expected
    assert extract_answers(pl.Series("gen", gens)).to_list() == expected
    frame = conform(pl.DataFrame({"prompt": ["p"] * len(gens), "gen": gens}))
    done = with_measures_and_answers(frame)
    assert done["extracted"].to_list() == expected
    assert done["has_answer"].to_list() == [True, True, False, False, False, True, True, True]


_FAR = "Hmm, 7 and 9. " * 400  # ~5,600 characters: more than a tail (TAIL_CHARS)

#: (text, its answer, whether it states it: ``has_answer``), the same on every path.
_ONE_ANSWER_CASES = [
    # an answer in an escape sequence's bold is the answer (a guess when a last number)
    ("So the result is \x1b[1m7\x1b[0m", "7", False),
    ("prose " * 900 + "so it is \x1b[1m7\x1b[0m", "7", False),
    ("The answer is \x1b[1m42\x1b[0m.", "42", True),
    # a text that opens <think> and never closes it, far longer than a tail: none
    ("\n<think>\n" + _FAR + "so maybe \x1b[1m7\x1b[0m", None, False),
    ("<think>So \\boxed{3} maybe", None, False),
    # a text that does not open <think>, whose tail begins with one: read as any text
    ("No box. " + " " * TAIL_CHARS + "<think>\nstep 3 then 5 答案 3", "3", False),
    ("\\boxed{2} " + " " * TAIL_CHARS + "<think>so \\boxed{4}", "4", True),
    # closed far back (before the tail) or near the end: the answer after it
    ("<think>" + _FAR + "</think>" + _FAR + "The answer is 8.", "8", True),
    ("<think>" + _FAR + "Maybe \\boxed{3}.</think>\n\n\\boxed{5}", "5", True),
    ("<think>" + _FAR + "</think>\n", None, False),
    # CRLF line ends, the template's <think> in the prompt
    ("Maybe 3.\r\n</think>\r\n\r\nAnswer: 5\r\n", "5", True),
    ("work\r\n**Answer:** x+1\r\n", "x+1", True),
    # CJK
    ("<think>\n答案可能是 3。\n</think>\n\n答案是 \\boxed{5}。", "5", True),
    ("中文" * 2500 + "所以是 7", "7", False),
    # only <think> is a reasoning tag: others are text (their last box, or number)
    ("<thinking>Maybe \\boxed{3}</thinking>\nSo \\boxed{5}", "5", True),
    ("<reasoning>Okay, 2+3 is 5 and", "5", False),
    # markdown emphasis around an answer is no part of it (nor of the vote's value)
    ("So:\n\nAnswer: **7**", "7", True),
    ("prose " * 900 + "\n**Final Answer:** **B**", "B", True),
    ("<think>" + _FAR + "</think>\nThe final answer is **$\\frac{1}{2}$**.", "\\frac{1}{2}", True),
    ("**Answer: 7.**\r\n", "7", True),
    # an "Answer:" line of only stars states nothing (it gave "*")
    ("work 3\nAnswer: **", "3", False),
]


def test_every_path_gives_a_text_one_answer_after_escapes_reasoning_crlf_and_cjk() -> None:
    """The one-value form, ``extract_answers``, ``fill_extracted`` (headless frames built
    without the loader), the loader's ``with_measures_and_answers`` and ``with_text_measures``
    give each text the same answer and the same ``has_answer``. ``fill_extracted`` searched
    each text's tail alone: a long text opening ``<think>`` it never closed gave the last
    number of its thinking (``7``), and a tail beginning ``<think>`` in a text that does not
    open with it gave none (``3``); ``with_text_measures`` said a trace cut while thinking
    stated its box."""
    from evaltui.data.schema import conform
    from evaltui.data.triage import with_measures_and_answers, with_text_measures

    texts = [text for text, _answer, _stated in _ONE_ANSWER_CASES]
    expected = [answer for _text, answer, _stated in _ONE_ANSWER_CASES]
    stated = [has for _text, _answer, has in _ONE_ANSWER_CASES]
    assert [extract_answer(text) for text in texts] == expected
    assert extract_answers(pl.Series("gen", texts)).to_list() == expected
    frame = conform(pl.DataFrame({"prompt": ["p"] * len(texts), "gen": texts}))
    assert fill_extracted(frame)["extracted"].to_list() == expected
    loaded = with_measures_and_answers(frame)
    assert loaded["extracted"].to_list() == expected
    assert loaded["has_answer"].to_list() == stated
    assert with_text_measures(frame)["has_answer"].to_list() == stated
    for row in range(len(texts)):  # one row alone: the frame of a one-record file
        one = frame.slice(row, 1)
        assert fill_extracted(one)["extracted"].to_list() == [expected[row]], row
        assert with_text_measures(one)["has_answer"].to_list() == [stated[row]], row


def test_vote_answers_fill_every_missing_row_in_two_queries_when_the_null_counts_tell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Random frames whose answers and references are all there, all missing or some missing,
    with their normalized columns absent, empty, full or partly filled: each missing normalized
    value is its answer's normalized alone, every other value stays; when each column is all
    null or none (a followed update's rows, mostly) it takes two queries (the values seen
    before: each was normalized once), not a query for the rows to fill and one per column."""
    import polars.lazyframe.engine as engine

    queries = [0]
    collect = engine._LocalEngine.collect

    def counted(self: object, *args: object, **kwargs: object) -> object:
        queries[0] += 1
        return collect(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine._LocalEngine, "collect", counted)
    rng = random.Random(11)
    atoms = ["1,000", "1000", "\\dfrac{1}{2}", "$3$", "0.50", "x", "\\frac{5}{6}", "{42}"]

    def column(height: int, shape: str, pool: list[str]) -> list[str | None]:
        if shape == "none":
            return [None] * height
        if shape == "all":
            return [rng.choice(pool) for _ in range(height)]
        return [rng.choice(pool) if rng.random() < 0.5 else None for _ in range(height)]

    told = 0
    for _ in range(150):
        height = rng.choice([1, 2, 3, 8, 30])
        shapes = {name: rng.choice(["none", "all", "some"]) for name in ("e", "a", "ve", "vr")}
        data = {
            "extracted": column(height, shapes["e"], atoms),
            "answer": column(height, shapes["a"], atoms),
        }
        filled = {"vote_answer": "ve", "vote_reference": "vr"}
        for target, shape in filled.items():
            if rng.random() < 0.8:
                data[target] = column(height, shapes[shape], ["already", "kept"])
        frame = pl.DataFrame(data, schema={name: pl.String for name in data})
        for values in (frame["extracted"], frame["answer"]):  # normalized once, remembered
            extract._normalized(values.drop_nulls().unique())
        queries[0] = 0
        got = fill_vote_answers(frame)
        asked = queries[0]
        for target, source in (("vote_answer", "extracted"), ("vote_reference", "answer")):
            before = data.get(target, [None] * height)
            want = [
                old
                if old is not None
                else None
                if new is None
                else normalize_values(pl.Series([new], dtype=pl.String))[0]
                for old, new in zip(before, data[source], strict=True)
            ]
            assert got[target].to_list() == want, (target, data)
        columns = [frame[name] for name in frame.columns] + [
            pl.Series([None] * height, dtype=pl.String) for t in filled if t not in frame
        ]
        if all(c.null_count() in (0, height) for c in columns):
            told += 1
            assert asked <= 2, data
    assert told > 30


def _tricky_texts(rng: random.Random) -> list[str | None]:
    """Texts whose tails differ from the texts in every way the answers' query reads them:
    around :data:`TAIL_CHARS` characters (CJK and emoji: more bytes than characters), NUL and
    control characters, escapes, CRLF, boxes nested and unclosed, "Answer:" lines, numbers at
    the window's edge, short replies, blanks, empty and no text."""
    pieces = ["so \\boxed{42}", "\\boxed{\\frac{1}{\\sqrt{\\frac{2}{3}}}}", "\\boxed{7", "\\fbox{}"]
    pieces += ["The final answer is 12.", "\r\n**Answer:** x+1\r\n", "step 3 then 5", "   "]
    pieces += ["中文 答案 3", "😀🎉 7", "\x00", "\x07\x1b[1m9\x1b[0m", "é∑", "1,234.5/6", "\t"]
    pieces += ["x" * 500, "word " * 300, "\u212aey: 4", "ANSWER:\t$8$", "Paris"]
    pieces += ["\\boxed{x^{2}}", "\\fbox{中文}", "\\boxed{ \x00 5}", "\\boxed{😀}"]
    pieces += ["Answer: **7**", "the answer is: *x_1*.", "__8__", "**$9$**", "2*3", "5^*", "**"]
    texts: list[str | None] = [None, "", " ", "Paris", "  42  ", "\x00", "😀", "中"]
    for size in (TAIL_CHARS - 1, TAIL_CHARS, TAIL_CHARS + 1, 2 * TAIL_CHARS + 7):
        for filler in ("y", "中", "😀", " ", "7"):
            texts.append("Answer: 5\n\\boxed{1} " + filler * size + " so 3")
            texts.append(filler * size + "\nAnswer: 6 \\boxed{\\frac{1}{2}} 40")
    texts += ["".join(rng.choices(pieces, k=rng.randint(1, 40))) for _ in range(400)]
    return texts


def test_the_answers_query_reads_tails_as_they_are_and_finds_what_it_finds_cutting_them() -> None:
    """The loader's answers' query reads each text's tail (at most ``TAIL_CHARS`` characters)
    whole without ``cut``: each part was cut from it again (a copy of every tail for each part:
    ~0.4 ms of CPU per followed MB). Every part and probe equals the query over the whole texts
    (cutting them) and over the tails cut again, on texts of every kind around the limit."""
    texts = _tricky_texts(random.Random(5))
    whole = pl.DataFrame({"f": texts}, schema={"f": pl.String})
    tails = whole.select(pl.col("f").str.slice(-TAIL_CHARS))
    uncut = extract.answer_part_exprs("f", every=False, cut=False)
    assert not any("str.slice" in str(expr) for expr in uncut)  # read as they are
    got = extract.answer_probes(tails, "f", *uncut, cut=False)
    parts = extract.answer_part_exprs("f", every=False)
    want = extract.answer_probes(whole, "f", *parts)
    assert got.columns == want.columns and got.equals(want)
    assert got.equals(extract.answer_probes(tails, "f", *parts))
    assert got["_boxed"].drop_nulls().n_unique() > 3 and got[extract.LINE_ROWS].sum() > 20
    assert got["_deep"].any() and got[extract.SHORT_ROWS].sum() > 3


def _non_empty_by_when(expr: pl.Expr) -> pl.Expr:
    """What ``extract._non_empty`` was: the answer up to a control character, stripped, made
    null by ``when`` where that is empty (its input evaluated twice without a common
    subexpression taken out)."""
    stripped = expr.str.extract(extract._BEFORE_CONTROL, 1).str.strip_chars()
    return pl.when(stripped != "").then(stripped)


def test_a_blank_answer_is_null_and_an_answers_search_runs_once() -> None:
    """An answer up to its first control character, stripped, null when that is empty or blank
    (``\\boxed{ }`` is no answer), as the ``when(stripped != "")`` form gave it, for every
    blank, control and other character (Unicode's blanks, NUL, C1 controls, CJK, emoji) alone,
    around and within an answer; and the search the answer comes from is evaluated once, not
    twice (the ``when`` form read its input for the test and for the value: in an eager
    ``select`` the box's and "the answer is" searches of every tail ran twice)."""
    chars = [chr(code) for code in range(0x3100)]
    chars += ["\u180e", "\u200b", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"]
    chars += ["中", "😀", "\U0010ffff"]
    values: list[str | None] = [None, "", "   ", "\t\r\n", "\x00", "x" * 5000, " 1 \x00 2 "]
    for char in chars:
        values += [char, f" {char} ", f"{char}7", f"7{char}", f"\x01{char}x", f"{char}\u00a0{char}"]
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    got = frame.select(extract._non_empty(pl.col("v"))).to_series()
    want = frame.select(_non_empty_by_when(pl.col("v"))).to_series()
    assert got.to_list() == want.to_list()
    assert got.null_count() > 100 and got.n_unique() > 1000

    calls = []

    def counted(series: pl.Series) -> pl.Series:
        calls.append(len(series))
        return series

    found = pl.col("v").map_batches(counted, return_dtype=pl.String)
    picked = pl.DataFrame({"v": [" 7 ", "", None, "\x00"]}).select(extract._non_empty(found))
    assert picked.to_series().to_list() == ["7", None, None, None]
    assert calls == [4]


def test_the_answers_query_searches_the_boxes_once_for_the_last_box_and_the_nesting() -> None:
    """The loader's answers' query reads the last box and whether a box is nested deeper than
    the pattern follows (``_deep``) from one search of the boxes: their matches were counted
    again for ``_deep`` (a second scan of every tail, ~0.2 ms of CPU per followed MB). Its
    ``_deep`` is still "more box starts than boxes matched", on texts of every kind, nested
    boxes and boxes in boxes included."""
    texts: list[str | None] = [*_tricky_texts(random.Random(7)), None, ""]
    texts += ["\\boxed{\\boxed{1}}", "\\fbox {2} \\boxed{", "\\boxed{a{b{c{d}}}}", "\\boxed {x}"]
    frame = pl.DataFrame({"f": texts}, schema={"f": pl.String})
    parts = extract.answer_part_exprs("f", every=False, cut=False)
    query = frame.lazy().select(*parts)
    assert query.explain().count("count_matches") == 1  # the box starts' alone
    got = query.collect()
    text = pl.col("f")
    last = text.str.extract_all(extract._BOXED).list.last().str.extract(extract._BOXED, 1)
    boxes = text.str.count_matches(extract._BOXED)
    want = frame.select(
        _non_empty_by_when(last).alias("_boxed"),
        (text.str.count_matches(extract._BOX_START) > boxes).alias("_deep"),
    )
    assert got["_boxed"].to_list() == want["_boxed"].to_list()
    assert got["_deep"].to_list() == want["_deep"].to_list()
    assert got["_deep"].sum() > 3 and got["_deep"].null_count() == frame["f"].null_count()
    assert got["_boxed"].drop_nulls().n_unique() > 3

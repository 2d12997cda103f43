"""A very long generation goes through the loader without polars copying it (issue 10, Bounds),
and every value it yields is the one the plain full-text path gives.

Polars 2.1 copies a long string 2-4 times per expression step on a one-row frame, so the loader's
stages avoid running expressions over the text (tails, ends, frames built from columns). These
tests hold them to the plain path: the same expressions over the whole text, in frames of one row
and of many, with the answer at the very end, boxes across the tail's bound, whitespace at the
ends longer than the window, and texts long enough to be counted in pieces.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from evaltui.data import bpecount, extract
from evaltui.data.extract import (
    TAIL_CHARS,
    extract_answer_expr,
    extract_answers,
    fill_extracted,
    last_boxed,
    tail_texts,
)
from evaltui.data.loader import LoadOptions, load
from evaltui.data.schema import (
    READER_COLUMNS,
    byte_sizes,
    conform,
    conform_columns,
    elementwise,
    set_columns,
    take_rows,
)
from evaltui.data.tokens import FAST_PATH, LengthCounter, count_in_batches, load_tokenizer
from evaltui.data.triage import (
    MEASURED_TAIL,
    stripped_chars,
    tail_measures_exprs,
    with_text_measures,
)
from tests.data.test_triage import per_text_diversity

WORDS = [
    "the",
    "of",
    "and",
    "to",
    "is",
    "we",
    "let",
    "so",
    "x",
    "y",
    "=",
    "+",
    "(",
    ")",
    "12",
    "345",
    "\\frac{1}{2}",
    "wait",
    "hmm",
    "答案",
    "🙂",
    "é",
]


def _words(rng: random.Random, chars: int) -> str:
    out: list[str] = []
    size = 0
    while size < chars:
        word = rng.choice(WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:chars]


def _texts() -> list[str | None]:
    """Texts around every bound the windowed measures use."""
    rng = random.Random(10)
    body = _words(rng, 3 * MEASURED_TAIL)
    w = MEASURED_TAIL
    return [
        None,
        "",
        "   ",
        " \n\t\u3000\u00a0 ",  # whitespace only, Unicode spaces too
        " " * (2 * w),  # only whitespace, longer than the window
        "x",
        "  answer is 4  ",
        body,
        " " * (w - 1) + body + "\n" * (w - 1),  # runs just inside the windows
        " " * w + body,  # a leading run as long as the window
        body + "\n" * w,  # a trailing run as long as the window
        "\u3000" * (w + 7) + "é" + " " * (w + 3),  # both runs past the windows, one character
        body + " The final answer is \\boxed{\\frac{\\sqrt{2}}{2}}",  # the answer at the very end
        # a box opened before the tail's start and closed inside it: not in the tail, as before
        "\\boxed{" + "1" * 10 + " " * TAIL_CHARS + "}",
        body + "\\boxed{a{b{c{d}}}}",  # deeper than the regex: the brace scanner
        _words(rng, 5) + "\nAnswer: 17\n" + " " * 50,
        body[: w - 1],  # shorter than the window
        body[:w],
        body[: w + 1],
    ]


def _plain_measures(texts: list[str | None], extracted: list[str | None]) -> pl.DataFrame:
    """The measures by the plain path: each expression over the whole text, many rows."""
    frame = pl.DataFrame(
        {"gen": texts, "extracted": extracted}, schema={"gen": pl.String, "extracted": pl.String}
    )
    repeats, has_answer = tail_measures_exprs("gen")
    return frame.select(
        pl.col("gen")
        .str.strip_chars()
        .str.len_chars()
        .fill_null(0)
        .cast(pl.UInt32)
        .alias("gen_chars"),
        repeats,
        per_text_diversity("gen"),
        has_answer,
    )


def _plain_answers(texts: list[str | None]) -> list[str | None]:
    """Answers by the plain path (extract_answers before 2026-12-02): the expressions over whole
    texts, the brace scanner on the tails of rows with a box deeper than the regex follows."""
    tail = pl.col("gen").str.slice(-TAIL_CHARS)
    deep = tail.str.count_matches(extract._BOX_START) > tail.str.count_matches(extract._BOXED)
    fast = pl.DataFrame({"gen": texts}, schema={"gen": pl.String}).select(
        extract_answer_expr().alias("answer"), deep.fill_null(False).alias("deep")
    )
    answers: list[str | None] = fast["answer"].to_list()
    for i, is_deep in enumerate(fast["deep"].to_list()):
        text = texts[i]
        if is_deep and text is not None:
            answers[i] = last_boxed(text[-TAIL_CHARS:]) or answers[i]
    return answers


def test_measures_equal_the_plain_full_text_path_in_frames_of_one_row_and_of_many() -> None:
    texts = _texts()
    extracted = [None if i % 3 else "7" for i in range(len(texts))]
    expected = _plain_measures(texts, extracted)
    frame = pl.DataFrame(
        {"gen": texts, "extracted": extracted}, schema={"gen": pl.String, "extracted": pl.String}
    )
    measured = with_text_measures(frame)
    assert measured.columns == ["gen", "extracted", *expected.columns]
    assert measured.select(expected.columns).equals(expected)
    for row in range(len(texts)):  # one row alone: the frame of a one-record file
        one = with_text_measures(frame.slice(row, 1))
        assert one.select(expected.columns).equals(expected.slice(row, 1)), row
    assert stripped_chars(pl.Series([], dtype=pl.String)).to_list() == []


def test_stripped_chars_counts_like_python_strip_when_only_the_ends_are_read() -> None:
    texts = [t for t in _texts() if t is not None]
    assert stripped_chars(pl.Series(texts)).to_list() == [len(t.strip()) for t in texts]


def test_answers_equal_the_plain_path_and_read_only_the_tail() -> None:
    texts = _texts()
    expected = _plain_answers(texts)
    assert extract_answers(pl.Series("gen", texts, dtype=pl.String)).to_list() == expected
    assert expected[12] == "\\frac{\\sqrt{2}}{2}"
    assert expected[13] is None  # the box opened before the tail: not found, as before
    assert expected[14] == "a{b{c{d}}}"
    for row, text in enumerate(texts):
        alone = extract_answers(pl.Series("gen", [text], dtype=pl.String)).to_list()
        assert alone == [expected[row]], row
    tails = tail_texts(pl.Series("gen", texts, dtype=pl.String)).to_list()
    assert tails == [None if t is None else t[-TAIL_CHARS:] for t in texts]


def test_fill_extracted_on_one_long_row_keeps_the_text_and_fills_the_answer() -> None:
    text = _words(random.Random(3), 200_000) + " so the answer is \\boxed{42}"
    frame = conform(pl.DataFrame({"gen": [text], "extracted": [None]}))
    filled = fill_extracted(frame)
    assert filled["extracted"].to_list() == ["42"]
    assert filled["vote_answer"].to_list() == ["42"]
    assert filled["gen"][0] == text
    assert filled.columns == frame.columns


def test_frame_helpers_match_the_expressions_they_replace() -> None:
    long = "word " * 300_000
    frame = conform(pl.DataFrame({"gen": [long], "accuracy": ["1.0"], "line": [3]}))
    assert frame.columns == READER_COLUMNS
    assert frame["accuracy"].dtype == pl.Float64 and frame["accuracy"][0] == 1.0
    assert conform(frame) is frame  # already conformed: returned as it is
    built = conform_columns([pl.Series("line", [3, 4]), pl.Series("gen", ["a", None])], 2)
    assert built.columns == READER_COLUMNS and built["gen"].to_list() == ["a", None]
    assert conform_columns([], 0).columns == READER_COLUMNS
    # set_columns: replaced in place, new ones appended, as with_columns does
    replaced = set_columns(frame, pl.Series("gen", [None], dtype=pl.String), pl.Series("z", [1]))
    assert replaced.columns == [*READER_COLUMNS, "z"]
    assert replaced["gen"].to_list() == [None] and frame["gen"][0] == long
    for rows in ([], [0], [2, 0, 2]):
        series = pl.Series("t", ["a", long, None])
        assert take_rows(series, rows).to_list() == series.gather(rows).to_list()
    for series in (pl.Series("t", [long]), pl.Series("t", ["ab", None, "é"]), pl.Series("t", [])):
        sizes = byte_sizes(series.cast(pl.String))
        assert sizes.tolist() == [len((t or "").encode()) for t in series.to_list()]
        lengths = elementwise(series.cast(pl.String), lambda s: s.str.len_chars())
        assert lengths.to_list() == series.cast(pl.String).str.len_chars().to_list()


def test_a_long_text_alone_counts_as_it_does_among_other_rows() -> None:
    """The count path's sizes, pieces and self-check on a one-row column (> PIECE_CHARS)."""
    rng = random.Random(5)
    long = _words(rng, bpecount.PIECE_CHARS + 300_000) + " \\boxed{1}"
    info = load_tokenizer(None)
    expected = int(info.count([long])[0])  # tokenizers, in its own bounded pieces
    counter = LengthCounter(info, threads=2)
    assert counter.path == FAST_PATH
    alone = count_in_batches(counter, pl.Series("gen", [long]))
    among = count_in_batches(counter, pl.Series("gen", ["short one", long, None]))
    assert counter.path == FAST_PATH  # the self-check agreed on the long text
    assert alone is not None and among is not None
    assert alone.tolist() == [expected]
    assert among.tolist() == [int(info.count(["short one"])[0]), expected, 0]


def test_one_file_of_one_long_generation_loads_like_the_same_record_among_others(
    tmp_path: Path,
) -> None:
    rng = random.Random(7)
    long = "  " + _words(rng, bpecount.PIECE_CHARS + 50_000) + "\nThe final answer is \\boxed{9}.\n"
    record = {"prompt": "long", "gen": long, "answer": "9", "accuracy": 1.0}
    others = [
        {"prompt": f"p{i}", "gen": f"it is {i}", "answer": "1", "accuracy": 0.0} for i in range(3)
    ]
    alone, among = tmp_path / "alone" / "run", tmp_path / "among" / "run"
    for folder, records in ((alone, [record]), (among, [record, *others])):
        folder.mkdir(parents=True)
        (folder / "out.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    columns = [
        "extracted",
        "vote_answer",
        "gen_chars",
        "tail_repeats",
        "ngram_diversity",
        "has_answer",
        "gen_length",
    ]
    results = []
    for folder, keep_text in ((alone, False), (alone, True), (among, False)):
        options = LoadOptions(cache_dir=tmp_path / "cache", keep_text=keep_text)
        generations = load([folder.parent], options).generations
        row = generations.filter(pl.col("prompt") == "long")
        assert row.height == 1
        if keep_text:
            assert row["gen"][0] == long
        results.append(row.select(columns))
    assert results[0].equals(results[1]) and results[0].equals(results[2])
    expected = _plain_measures([long], [None])
    assert results[0]["gen_chars"][0] == len(long.strip()) == expected["gen_chars"][0]
    assert results[0]["extracted"][0] == "9"
    info = load_tokenizer(None)
    assert results[0]["gen_length"][0] == int(np.asarray(info.count([long]))[0])


@pytest.mark.parametrize("rows", [1, 2])
def test_the_cached_rows_of_a_long_generation_hold_no_text(tmp_path: Path, rows: int) -> None:
    """A warm load of a one-record file gives the cold load's rows (the text left out)."""
    folder = tmp_path / "data" / "run"
    folder.mkdir(parents=True)
    records = [
        {
            "prompt": f"p{i}",
            "gen": "word " * 250_000 + f"\\boxed{{{i}}}",
            "answer": "1",
            "accuracy": 1.0,
        }
        for i in range(rows)
    ]
    (folder / "out.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    options = LoadOptions(cache_dir=tmp_path / "cache", keep_text=False)
    cold = load([tmp_path / "data"], options).generations
    warm = load([tmp_path / "data"], options).generations
    assert cold.drop("gen").equals(warm.drop("gen"))
    assert cold["extracted"].to_list() == [str(i) for i in range(rows)]

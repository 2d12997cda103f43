"""A plain record's score written as text, as a hand-made file has it ("50%", "0.5", "1",
"true", "correct"), is read as the number it says, and the file's notes say so once (lines and
readings). "50%" made the line bad; the others were converted without a word. Text that says no
number stays a bad line naming the file, the line and the value."""

from __future__ import annotations

from pathlib import Path

from evaltui.data.formats import ReadOptions
from evaltui.data.formats.plain import PlainReader, merge_notes
from tests.conftest import write_jsonl


def _rows(scores: list[object]) -> list[dict[str, object]]:
    return [
        {"prompt": f"p{i}", "gen": "g", "answer": "1", "accuracy": s} for i, s in enumerate(scores)
    ]


def test_text_scores_are_read_as_numbers_with_one_note(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "m" / "a.jsonl", _rows([1.0, "50%", "0.5", "1", "true", "correct", " 25 % "])
    )
    result = PlainReader().read(path, "m/a.jsonl", ReadOptions())
    assert result.errors == []
    assert result.frame["accuracy"].to_list() == [1.0, 0.5, 0.5, 1.0, 1.0, 1.0, 0.25]
    said = [n for n in result.notes if "text score" in n]
    assert said == [
        "m/a.jsonl: a text score on 6 lines (2, 3, 4, 5, 6…), as a hand-made file writes: read"
        " as the number it says (e.g. '50%' as 0.5, '0.5' as 0.5, '1' as 1)"
    ]


def test_numbers_alone_make_no_note(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", _rows([1.0, 0, True]))
    result = PlainReader().read(path, "a.jsonl", ReadOptions())
    assert not [n for n in result.notes if "text score" in n]


def test_text_that_says_no_number_is_a_bad_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", _rows([1.0, "high", "5o%"]))
    result = PlainReader().read(path, "a.jsonl", ReadOptions())
    assert [str(e) for e in result.errors] == [
        "a.jsonl:2: score 'high' is not a number or boolean",
        "a.jsonl:3: score '5o%' is not a number or boolean",
    ]


def test_a_followed_files_notes_count_the_text_scores_together() -> None:
    def note(count: int, lines: str) -> str:
        return (
            f"a.jsonl: a text score on {count} line{'s' if count > 1 else ''} ({lines}), as a"
            " hand-made file writes: read as the number it says (e.g. '50%' as 0.5)"
        )

    merged = merge_notes([note(2, "1, 2")], [note(1, "7")], had_rows=True, new_rows=True)
    assert merged == [note(3, "1, 2, 7")]

"""Messages about a value read from a file name its JSON kind as the file has it (null, a
number, a string, an array, an object, true/false), never Python's type names: they read
'not a JSON object (NoneType)', 'score of type dict is not a number or boolean', 'a JSON int'."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evaltui.data.formats import ReadOptions
from evaltui.data.formats.base import to_score
from evaltui.data.formats.plain import PlainReader
from tests.conftest import write_jsonl

PYTHON_NAMES = re.compile(r"\b(NoneType|int|str|dict|list|float|bool)\b")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("null", "JSON null, not an object"),
        ("true", "JSON true, not an object"),
        ("2.5", "a JSON number, not an object"),
        ('"text"', "a JSON string, not an object"),
        ("[1]", "a JSON array, not an object"),
    ],
)
def test_a_plain_bad_line_names_the_json_kind(tmp_path: Path, line: str, reason: str) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl", [{"prompt": "ok", "gen": "g", "accuracy": 1}], raw_lines=[line]
    )
    result = PlainReader().read(path, path.name, ReadOptions())
    [error] = [str(e) for e in result.errors]
    assert error.startswith("a.jsonl:2: ") and reason in error
    assert not PYTHON_NAMES.search(error), error


@pytest.mark.parametrize(("value", "kind"), [({"x": 1}, "a JSON object"), ([[1]], "a JSON array")])
def test_a_score_that_is_no_number_names_its_json_kind(value: object, kind: str) -> None:
    with pytest.raises(ValueError) as raised:
        to_score(value)
    assert str(raised.value) == f"score is {kind}, not a number or boolean"

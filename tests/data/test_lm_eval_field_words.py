"""An lm-eval sample record whose field is of another JSON kind than lm-eval writes is an error
that names the field and what was expected, in the file's terms, at its file and line. Only
``resps`` and ``metrics`` were checked: a multiple-choice record's ``resps`` of another shape
read "unreadable lm-eval record: float() argument must be a string or a real number, not
'NoneType'" (or "'int' object is not subscriptable", "list index out of range"), and a
``doc_id`` of null made the prompt id ``task:None``. The 0.3 ``--write_out`` reader said
"needs doc_id, prompt_0, logit_0" whatever was wrong."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evaltui.data.formats import ReadOptions
from evaltui.data.formats.lm_eval import LmEvalReader
from evaltui.data.formats.lm_eval_write_out import LmEvalWriteOutReader

NAME = "samples_toy_2026-11-23T19-49-48.073567.jsonl"
#: Python's words for a value or a failure, never a file's.
PYTHON_WORDS = re.compile(
    r"\b(NoneType|int|str|dict|list|float|bool|tuple|None|True|False)\b|object is not"
    r"|subscriptable|index out of range|could not convert|argument must|has no attribute"
)
#: One value of each JSON kind, and arrays of each kind (the shapes a field nests).
KINDS: list[Any] = [None, True, False, 3, 2.5, "s", "-1.5", [], {}, {"a": 1}]
KINDS += [[k] for k in (None, True, 3, "s", [], {}, [None], [[1]])]

GENERATED = {
    "doc_id": 0,
    "doc": {"id": "p0", "question": "What is 2 + 3?"},
    "target": "5",
    "arguments": {"gen_args_0": {"arg_0": "Question: What is 2 + 3?\nAnswer:", "arg_1": {}}},
    "resps": [[" The answer is 5.", " 6"]],
    "filtered_resps": [["5.", "6"]],
    "filter": "none",
    "metrics": ["exact_match"],
    "exact_match": 0.5,
    "scores_per_repeat": {"exact_match": [1.0, 0.0]},
}
CHOICES = {
    "doc_id": 1,
    "doc": {"q": "x"},
    "target": "1",
    "arguments": {
        "gen_args_0": {"arg_0": "Q:", "arg_1": " a"},
        "gen_args_1": {"arg_0": "Q:", "arg_1": " b"},
    },
    "resps": [[["-0.67", "False"]], [["-0.01", "True"]]],
    "filtered_resps": [["-0.67", "False"], ["-0.01", "True"]],
    "filter": "none",
    "metrics": ["acc"],
    "acc": 1.0,
}
CONTINUATION = {
    "doc_id": 2,
    "doc": {},
    "target": " b",
    "arguments": {"gen_args_0": {"arg_0": "Q:", "arg_1": " b"}},
    "resps": [[["-0.67", "True"]]],
    "filtered_resps": [["-0.67", "True"]],
    "filter": "none",
    "metrics": ["acc"],
    "acc": 1.0,
}


def _places(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every field of a record and every item nested in it (arrays: their first two)."""
    items = value.items() if isinstance(value, dict) else enumerate(value[:2])
    for key, inner in items:
        yield (*at, key)
        if isinstance(inner, dict | list):
            yield from _places(inner, (*at, key))


def _with(record: dict[str, Any], place: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(record)
    inner: Any = changed
    for key in place[:-1]:
        inner = inner[key]
    inner[place[-1]] = value
    return changed


def test_every_field_of_every_kind_is_read_or_told_in_the_files_words(tmp_path: Path) -> None:
    cases = [
        (place, value)
        for record in (GENERATED, CHOICES, CONTINUATION)
        for place in _places(record)
        for value in KINDS
    ]
    lines = [
        json.dumps(_with(record, place, value))
        for record in (GENERATED, CHOICES, CONTINUATION)
        for place in _places(record)
        for value in KINDS
    ]
    path = tmp_path / NAME
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = LmEvalReader().read(path, NAME, ReadOptions())
    assert result.errors, "some of these shapes are no lm-eval record"
    for error in result.errors:
        place, value = cases[error.line - 1]  # type: ignore[operator]
        said = str(error)
        assert said.startswith(f"{NAME}:{error.line}: "), said
        assert not PYTHON_WORDS.search(error.reason), (place, value, said)
        # the field is named as the file has it
        assert f"'{place[0]}'" in error.reason, (place, value, said)
    # A prompt id is the task and the doc's index as the file writes it, never Python's repr.
    ids = result.frame["prompt_id"].to_list()
    assert not [i for i in ids if PYTHON_WORDS.search(i) or "[" in i or "{" in i]


def test_a_choice_response_of_another_shape_says_where_and_what_was_expected(
    tmp_path: Path,
) -> None:
    pair = "[log-likelihood, is-greedy] pair"
    shapes: list[tuple[Any, str]] = [
        (None, f"'resps'[1] (choice 2's response) is JSON null, not an array holding its {pair}"),
        (3, f"'resps'[1] (choice 2's response) is a JSON number, not an array holding its {pair}"),
        ([], f"'resps'[1] (choice 2's response) is an empty JSON array, without its {pair}"),
        ([[]], f"'resps'[1][0] (choice 2's response) is an empty JSON array, not a {pair}"),
        ([None], "'resps'[1][0] (choice 2's log-likelihood) is JSON null, not a number"),
        (
            [["x", "True"]],
            "'resps'[1][0][0] (choice 2's log-likelihood) is the JSON string 'x', not a number",
        ),
        (
            [[{}, "True"]],
            "'resps'[1][0][0] (choice 2's log-likelihood) is a JSON object, not a number",
        ),
        (
            [[True, "True"]],
            "'resps'[1][0][0] (choice 2's log-likelihood) is JSON true, not a number",
        ),
    ]
    lines = [json.dumps(_with(CHOICES, ("resps", 1), value)) for value, _said in shapes]
    path = tmp_path / NAME
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = LmEvalReader().read(path, NAME, ReadOptions())
    assert [str(e) for e in result.errors] == [
        f"{NAME}:{line}: not an lm-eval sample record ({said})"
        for line, (_value, said) in enumerate(shapes, 1)
    ]


def test_a_doc_id_that_is_no_index_is_said_not_shown_as_python(tmp_path: Path) -> None:
    lines = [json.dumps(_with(GENERATED, ("doc_id",), v)) for v in (None, True, [1], {"a": 1})]
    path = tmp_path / NAME
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = LmEvalReader().read(path, NAME, ReadOptions())
    assert result.frame.height == 0
    assert [e.reason for e in result.errors] == [
        f"not an lm-eval sample record ('doc_id' is {kind}, not the doc's index (a number))"
        for kind in ("JSON null", "JSON true", "a JSON array", "a JSON object")
    ]


def test_a_repeat_score_of_another_kind_names_its_place(tmp_path: Path) -> None:
    record = _with(GENERATED, ("scores_per_repeat", "exact_match"), [1.0, {"a": 1}])
    path = tmp_path / NAME
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [error] = LmEvalReader().read(path, NAME, ReadOptions()).errors
    assert str(error) == (
        f"{NAME}:1: unreadable lm-eval record: 'scores_per_repeat'['exact_match'][1]: score is"
        " a JSON object, not a number or boolean"
    )


def test_a_write_out_record_says_which_field_is_wrong(tmp_path: Path) -> None:
    good = {"doc_id": 0, "prompt_0": "Q: x? A: yes", "logit_0": "yes", "truth": "yes"}
    records = [
        good,
        {**good, "prompt_0": None},
        {k: v for k, v in good.items() if k != "prompt_0"},
        {**good, "doc_id": {"a": 1}},
        {**good, "doc_id": True},
        [1],
    ]
    path = tmp_path / "toy_write_out_info.json"
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    result = LmEvalWriteOutReader().read(path, path.name, ReadOptions())
    reasons = [e.reason.split(": ", 1)[1] for e in result.errors]
    assert reasons == [
        "not an lm-eval --write_out record ('prompt_0' is JSON null, not the request's text (a"
        " string))",
        "not an lm-eval --write_out record (no 'prompt_0', the first request's text)",
        "not an lm-eval --write_out record ('doc_id' is a JSON object, not the doc's index (a"
        " number))",
        "not an lm-eval --write_out record ('doc_id' is JSON true, not the doc's index (a number))",
        "not an lm-eval --write_out record (a JSON array, not an object)",
    ]
    assert result.frame["prompt_id"].to_list() == ["toy:0"]

"""A line of lm-eval samples or Qwen2.5-Math output that is JSON but not an object is said to
be so: it read "not an lm-eval sample record (missing a JSON int, not an object)", as if a
field named "a JSON int" were missing. The lines around it are still read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evaltui.data.formats import ReadOptions, get_reader

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
LM = (
    FIXTURES
    / "lm_eval/outputs/run_scripted/toy-org__scripted-model-v1"
    / "samples_toy_math_gen_2026-11-23T19-49-48.073567.jsonl"
)
QWEN = (
    FIXTURES
    / "qwen_math/outputs/Qwen/Qwen2.5-14B-Instruct/aime24_eval/aime24"
    / "test_qwen25-math-cot_-1_seed0_t0.0_s0_e-1.jsonl"
)


@pytest.mark.parametrize(
    ("reader", "fixture", "what"),
    [
        ("lm_eval", LM, "not an lm-eval sample record"),
        ("qwen_math", QWEN, "not a Qwen2.5-Math output line"),
    ],
)
def test_a_line_not_an_object_is_said_so(
    tmp_path: Path, reader: str, fixture: Path, what: str
) -> None:
    folder = tmp_path / fixture.relative_to(FIXTURES).parent
    shutil.copytree(fixture.parent, folder)
    path = folder / fixture.name
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join([lines[0], b"42\n", b"[1, 2]\n", b"{}\n", *lines[1:]]))
    whole = get_reader(reader).read(fixture, fixture.name, ReadOptions())
    result = get_reader(reader).read(path, path.name, ReadOptions())
    assert result.frame.height == whole.frame.height  # every other line still read
    reasons = {error.line: error.reason for error in result.errors}
    assert reasons[2] == f"{what} (a JSON number, not an object)"
    assert reasons[3] == f"{what} (a JSON array, not an object)"
    assert reasons[4].startswith(f"{what} (missing ")


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("resps", 3, "'resps' is a JSON number, not an array of each request's responses"),
        ("resps", True, "'resps' is JSON true, not an array of each request's responses"),
        ("resps", {"a": 1}, "'resps' is a JSON object, not an array of each request's responses"),
        ("metrics", 3, "'metrics' is a JSON number, not an array of metric names"),
        ("metrics", False, "'metrics' is JSON false, not an array of metric names"),
    ],
)
def test_an_lm_eval_field_of_another_kind_is_said_in_the_files_terms(
    tmp_path: Path, field: str, value: object, said: str
) -> None:
    """An lm-eval sample whose 'resps' or 'metrics' is not the JSON kind lm-eval writes read
    "unreadable lm-eval record: 'int' object is not subscriptable" (or "...: 0"), Python's
    words: now the field, what was found and what was expected; the other lines still read."""
    import json

    folder = tmp_path / LM.relative_to(FIXTURES).parent
    shutil.copytree(LM.parent, folder)
    path = folder / LM.name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = json.dumps({**json.loads(lines[1]), field: value}) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    whole = get_reader("lm_eval").read(LM, LM.name, ReadOptions())
    result = get_reader("lm_eval").read(path, path.name, ReadOptions())
    assert [(e.source, e.line, e.reason) for e in result.errors] == [
        (path.name, 2, f"not an lm-eval sample record ({said})")
    ]
    assert result.frame.height < whole.frame.height  # that line's rows only
    assert result.frame.height >= whole.frame.height - 4


def test_an_lm_eval_score_written_as_text_is_noted_once(tmp_path: Path) -> None:
    """lm-eval writes a metric value JSON cannot hold as its str() (a numpy float32 '0.5', a
    numpy bool 'True'): read as the number it says, as before, and now said once for the file
    (its lines named), as the plain reader says of a hand-made file's text scores."""
    import json

    folder = tmp_path / LM.relative_to(FIXTURES).parent
    shutil.copytree(LM.parent, folder)
    path = folder / LM.name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for at, text in ((1, "0.5"), (3, "True")):
        record = json.loads(lines[at])
        lines[at] = json.dumps({**record, record["metrics"][0]: text}) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    result = get_reader("lm_eval").read(path, path.name, ReadOptions())
    assert result.errors == []
    said = [note for note in result.notes if "text score" in note]
    assert said == [
        f"{path.name}: a text score on 2 lines (2, 4), as lm-eval writes a value JSON cannot hold"
        " (a numpy float32 or bool as its text): read as the number it says"
        " (e.g. '0.5' as 0.5, 'True' as 1)"
    ], result.notes
    scores = dict(
        zip(result.frame["line"].to_list(), result.frame["accuracy"].to_list(), strict=False)
    )
    assert scores[2] == 0.5 and scores[4] == 1.0

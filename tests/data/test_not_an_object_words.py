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

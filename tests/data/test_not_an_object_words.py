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

"""`evaltui compare` says what "correct" is above its never/flaky/always transitions when a run's
score is not plain 0/1: two 0–1 fraction runs (a: 0.5, 1, 0, 0.25; b: 0.25, 1, 0.5, 0.5) read
'transitions (a → b):' with p0 (0.5 in a) 'always' beside its 50.0 pass rate, nothing saying a
sample is correct at ≥ 0.5."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaltui.cli import main
from tests.conftest import write_jsonl


def runs(tmp_path: Path, a: list[float], b: list[float]) -> tuple[Path, Path]:
    for name, scores in (("a", a), ("b", b)):
        write_jsonl(
            tmp_path / name / name / "r.jsonl",
            [
                {"id": f"q{i}", "prompt": f"p{i}", "gen": "x", "answer": "x", "accuracy": s}
                for i, s in enumerate(scores)
            ],
        )
    return tmp_path / "a", tmp_path / "b"


def report(
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
    a: list[float],
    b: list[float],
    *flags: str,
) -> str:
    first, second = runs(tmp_path, a, b)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(first), str(second), *common, *flags]) == 0
    return capsys.readouterr().out


def test_fraction_runs_transitions_say_what_is_correct(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = report(tmp_path, word_tokenizer, capsys, [0.5, 1, 0, 0.25], [0.25, 1, 0.5, 0.5])
    lines = out.splitlines()
    start = lines.index("transitions (a → b; correct: score ≥ 0.5):")
    # By hand: a's classes always, always, never, never; b's never, always, always, always.
    assert lines[start + 2].split() == ["never", "0", "0", "2"]
    assert lines[start + 4].split() == ["always", "1", "0", "1"]


def test_each_runs_threshold_when_they_differ(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = report(
        tmp_path,
        word_tokenizer,
        capsys,
        [0.5, 1, 0, 0.25],
        [0.25, 1, 0.5, 0.5],
        "--correct-threshold",
        "a=0.25",
    )
    assert "transitions (a → b; correct: a score ≥ 0.25, b score ≥ 0.5):" in out, out


def test_binary_runs_keep_the_bare_heading(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = report(tmp_path, word_tokenizer, capsys, [1, 0], [0, 1])
    assert "transitions (a → b):" in out, out

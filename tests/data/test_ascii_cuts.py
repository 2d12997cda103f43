"""Cuts in messages on a standard error that is not UTF-8 (PYTHONIOENCODING=ascii, LANG=C) end
'...': '…' was written '\\u2026', six cells that read as part of the text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LONG = "run_" + "x" * 70 + "_end"  # cut at 60 cells in the summaries


def ascii_evaltui(argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii", "LANG": "C"}
    env.pop("LC_ALL", None)
    return subprocess.run(
        [sys.executable, "-m", "evaltui", *argv],
        env=env,
        capture_output=True,
        text=True,
        encoding="ascii",
        errors="strict",
        timeout=120,
        check=False,
    )


@pytest.fixture
def long_run(tmp_path: Path) -> Path:
    """One run under a label too long for a line, with seven bad lines (two past the five
    listed) and long enough to be cut."""
    folder = tmp_path / "evals" / LONG
    folder.mkdir(parents=True)
    rows = [
        json.dumps({"prompt": f"p{i}", "gen": "1", "answer": "1", "accuracy": int(i < 2)})
        for i in range(4)
    ]
    bad = [f"not json {i} " + "y" * 400 for i in range(7)]
    (folder / "r.jsonl").write_text("\n".join(rows + bad) + "\n", encoding="utf-8")
    return tmp_path / "evals"


def common(tmp_path: Path, tokenizer: Path) -> list[str]:
    return ["--model", str(tokenizer), "--cache-dir", str(tmp_path / "c")]


def test_rescore_run_lines_cut_with_dots_on_an_ascii_stderr(
    long_run: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """rescore's 'run' line cut the label with '…', written '\\u2026'; the '… and 2 more' of
    the bad lines likewise."""
    out = tmp_path / "r.jsonl"
    argv = ["rescore", str(long_run), "--scorer", "exact", "-o", str(out)]
    proc = ascii_evaltui([*argv, *common(tmp_path, word_tokenizer)])
    assert proc.returncode == 0, proc.stderr
    assert "\\u2026" not in proc.stderr
    run_line = next(line for line in proc.stderr.splitlines() if line.startswith("run "))
    assert "run_xxx" in run_line and "...xxx" in run_line and "xxx_end:" in run_line
    assert "  ... and 2 more (" in proc.stderr


def test_summarize_cuts_with_dots_on_an_ascii_stderr(
    long_run: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """summarize's score and triage lines cut the label with '…' (headless30 fixed its accuracy
    block only), and '… and 2 more' the bad lines past five: each written '\\u2026'."""
    out = tmp_path / "s.json"
    argv = ["summarize", str(long_run), "-o", str(out)]
    proc = ascii_evaltui([*argv, *common(tmp_path, word_tokenizer)])
    assert proc.returncode == 0, proc.stderr
    assert "\\u2026" not in proc.stderr
    assert "  ... and 2 more (" in proc.stderr
    score = next(line for line in proc.stderr.splitlines() if line.startswith("score "))
    assert "...xxx" in score and "xxx_end:" in score


def test_export_caret_stands_under_the_error_on_an_ascii_stderr(
    long_run: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """A long --where is shown as a window opening '…': written '\\u2026' (6 cells), the caret
    stood 5 cells left of the name it points at."""
    where = " and ".join(["accuracy >= 0"] * 7) + " and nosuch >= 1"
    argv = ["export", str(long_run), "--where", where, "-o", str(tmp_path / "e.json")]
    proc = ascii_evaltui([*argv, *common(tmp_path, word_tokenizer)])
    assert proc.returncode == 2
    shown, caret = proc.stderr.splitlines()[-2:]
    assert shown.startswith("  ...")
    assert shown[caret.index("^") :].startswith("nosuch")

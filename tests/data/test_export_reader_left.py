"""``evaltui export … -o - | head -1``: standard output's reader leaving during the export ends
it quietly, exit 0, the line on stderr saying the export stopped there; it was a traceback
('UnboundLocalError: … summary', exit 1) whenever the export was more than the pipe took."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kind", ["csv", "records", "combined"])
def test_export_to_a_reader_that_left(tmp_path: Path, word_tokenizer: Path, kind: str) -> None:
    folder = tmp_path / "evals" / "run1"
    folder.mkdir(parents=True)
    rows = [{"prompt": f"p{i}", "gen": "1", "answer": "1", "accuracy": 1} for i in range(3)]
    (folder / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    bad_lines = tmp_path / "bad.jsonl"
    argv = ["export", str(folder), "-o", "-", "--as", kind, "--bad-lines", str(bad_lines)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "evaltui", *argv, "--model", str(word_tokenizer), "--no-cache"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before the first row is written
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "evaltui: stopped writing to standard output: its reader left (all prompts;" in stderr
    assert bad_lines.exists()  # the other output is still written

"""``export -o results.xlsx`` (a suffix that names no kind evaltui writes) wrote the combined
JSON into it without a word; a script then handed a JSON array to a spreadsheet. It is still
written (the user may mean it), and said."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "extra", "said"),
    [("r.xlsx", [], True), ("r.xlsx", ["--as", "csv"], False), ("r.json", [], False)],
)
def test_an_unknown_suffix_is_said(
    tmp_path: Path, word_tokenizer: Path, name: str, extra: list[str], said: bool
) -> None:
    folder = tmp_path / "evals" / "run1"
    folder.mkdir(parents=True)
    rows = [{"prompt": f"p{i}", "gen": "1", "answer": "1", "accuracy": 1} for i in range(3)]
    (folder / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / name
    argv = ["export", str(folder), "-o", str(out), *extra]
    proc = subprocess.run(
        [sys.executable, "-m", "evaltui", *argv, "--model", str(word_tokenizer), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    note = (
        "evaltui: note: r.xlsx will hold a JSON array (the combined JSON): .xlsx is no format "
        "evaltui writes (--as csv, parquet, records or combined; or name it .csv, .parquet, "
        ".jsonl or .json)"
    )
    assert (note in proc.stderr) is said, proc.stderr
    assert ("is no format" in proc.stderr) is said
    assert out.exists()

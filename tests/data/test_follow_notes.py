"""``summarize --follow`` says its first load's notes as a plain ``summarize`` does (a score
chosen among several, ...) and how many generations are unscored: it said neither, so a script
watching its stderr never heard what the end summary of ``summarize`` says."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_follow_says_the_first_loads_notes_once(tmp_path: Path, word_tokenizer: Path) -> None:
    run = tmp_path / "evals" / "run1"
    run.mkdir(parents=True)
    rows = [
        {"prompt": "p1", "gen": "1", "answer": "1", "acc": 1, "reward": 0.3},
        {"prompt": "p2", "gen": "2", "answer": "1", "acc": None},
    ]
    (run / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    opts = ["--model", str(word_tokenizer), "--no-cache"]
    command = [sys.executable, "-m", "evaltui.cli", "summarize", str(tmp_path / "evals"), *opts]
    plain = subprocess.run(
        [*command, "-o", str(tmp_path / "plain.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    note = next(line for line in plain.stderr.splitlines() if line.startswith("note "))
    assert "scored by 'acc'; its records also have 'reward'" in note
    assert "(1 unscored: counted, not in accuracy)" in plain.stderr

    followed = tmp_path / "followed.json"
    proc = subprocess.Popen(
        [*command, "-o", str(followed), "--follow", "--follow-interval", "0.2"],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while not followed.exists() and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()[1]
            time.sleep(0.1)
        time.sleep(1.0)  # a poll or two: the note is not said again
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert stderr.count(note) == 1, stderr
    status = stderr.splitlines()[0]
    assert "2 prompts, 2 generations (1 unscored) · wrote " in status, stderr

"""``rescore --compare`` of a run whose stored score is no accuracy (a reward) says both scores:
its 'score of' line named the stored one only ('score of m1 (stored): continuous 0.01-2.95,
direction unknown'), nothing of the re-scored accuracy beside it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_rescore_compare_says_the_stored_and_the_new_score(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    folder = tmp_path / "evals" / "m1"
    folder.mkdir(parents=True)
    rows = [
        {"prompt": f"p{i}", "gen": f"\\boxed{{{i + j % 2}}}", "answer": str(i), "reward": 0.5 * j}
        for i in range(4)
        for j in range(4)
    ]
    (folder / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    argv = ["rescore", str(folder), "--scorer", "exact", "--compare", "-o", str(tmp_path / "r")]
    proc = subprocess.run(
        [sys.executable, "-m", "evaltui", *argv, "--model", str(word_tokenizer), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    said = [line for line in proc.stdout.splitlines() if line.startswith("score of ")]
    assert said == [
        "score of m1 (stored): reward: continuous 0–1.5, higher is better",
        "score of m1 (exact): exact: accuracy (0/1)",
    ], proc.stdout

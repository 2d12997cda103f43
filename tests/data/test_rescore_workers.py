"""``rescore --workers N`` is bounded by the machine's cores, as ``--num-proc`` is, and says so:
``--workers 1000`` started a scorer process for every four generations (240 for sample_data's
960, on 2 cores), each importing its scorer. Zero or a negative count is a usage error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evaltui.data.rescore import RescoreOptions

ROOT = Path(__file__).resolve().parents[2]


def test_worker_count_is_bounded_by_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert RescoreOptions("exact", workers=1000).worker_count() == 2
    assert RescoreOptions("exact", workers=1000).workers_note() == (
        "--workers 1000 bounded to 2 scorer processes (the machine's cores)"
    )
    assert RescoreOptions("exact", workers=1).worker_count() == 1
    assert RescoreOptions("exact", workers=2).workers_note() is None
    assert RescoreOptions("exact").worker_count() == 2


def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evaltui", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_rescore_says_its_workers_bounded(tmp_path: Path, word_tokenizer: Path) -> None:
    folder = tmp_path / "evals" / "run1"
    folder.mkdir(parents=True)
    rows = [{"prompt": f"p{i}", "gen": "1", "answer": "1", "accuracy": 1} for i in range(3)]
    (folder / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "r.jsonl"
    common = [str(folder), "--scorer", "exact", "--model", str(word_tokenizer), "--no-cache"]
    huge = (os.cpu_count() or 1) * 1000
    proc = run(["rescore", *common, "--workers", str(huge), "-o", str(out)])
    assert proc.returncode == 0, proc.stderr
    cores = os.cpu_count() or 1
    assert f"note: --workers {huge} bounded to {cores} scorer processes" in proc.stderr
    assert out.exists()
    quiet = run(["rescore", *common, "--workers", str(huge), "-o", str(tmp_path / "q.jsonl"), "-q"])
    assert quiet.returncode == 0 and "bounded" not in quiet.stderr, quiet.stderr
    for bad in ("0", "-3"):
        proc = run(["rescore", *common, "--workers", bad, "-o", str(tmp_path / "x.jsonl")])
        assert proc.returncode == 2 and "give 1 or more" in proc.stderr
        assert not (tmp_path / "x.jsonl").exists()

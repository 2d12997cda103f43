"""Re-scoring a followed file: verdicts already given are kept (ScoreMemo) across a stopped
re-score and a grown or rewritten file, and each generation is sent to the scorer once."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.data.loader import LoadOptions, LoadResult, load
from evaltui.data.rescore import (
    PENDING,
    RescoreOptions,
    RescoreProgress,
    ScoreMemo,
    known_scores,
    rescore,
)

OPTS = LoadOptions(use_cache=False, tokenize=False)
SCORER = "tests.data.rescore_scorers:counted"
COLUMNS = ["new_accuracy", "score_status", "score_message"]


def record(i: int, extra: str = "") -> dict[str, Any]:
    answer = str(i % 7)
    said = answer if i % 3 else "none"
    return {
        "prompt": f"Problem {i % 5}",
        "gen": f"generation {i}{extra}: the answer is {said}",
        "answer": answer,
        "accuracy": 0,
    }


def write(path: Path, records: list[dict[str, Any]], mode: str = "w") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open(mode, encoding="utf-8") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in records)


@pytest.fixture
def score_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The counted scorer's log of the generations it scored, and its gate file."""
    log, gate = tmp_path / "scored.log", tmp_path / "gate"
    log.touch()
    monkeypatch.setenv("EVALTUI_TEST_SCORE_LOG", str(log))
    monkeypatch.setenv("EVALTUI_TEST_SCORE_GATE", str(gate))
    return log, gate


def scored(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines()


def fresh(result: LoadResult) -> pl.DataFrame:
    """A from-scratch re-score of ``result`` (no memo, no cache): its verdicts."""
    options = RescoreOptions(SCORER, workers=1, use_cache=False)
    return rescore(result, options).scores.select(COLUMNS)


def test_a_stopped_rescore_restarted_on_the_grown_file_scores_each_generation_once(
    tmp_path: Path, score_log: tuple[Path, Path]
) -> None:
    log, gate = score_log
    data = tmp_path / "data" / "run" / "out.jsonl"
    # 12 generations, the 11th held at the gate: the re-score is stopped once 10 are scored
    first = [record(i, " WAIT" if i == 10 else "") for i in range(12)]
    write(data, first)
    memo = ScoreMemo()
    options = RescoreOptions(SCORER, workers=1, chunk=1, use_cache=False)
    stop = threading.Event()
    seen: list[RescoreProgress] = []

    def progress(p: RescoreProgress) -> None:
        seen.append(p)
        if p.done >= 10:
            stop.set()

    stopped = rescore(load([data.parent.parent], OPTS), options, progress, stop, memo=memo)
    assert stopped.cancelled
    assert len(scored(log)) == 10 and len(memo) == 10

    # the writer appends meanwhile; the re-score starts again on the grown file
    write(data, [record(i) for i in range(12, 30)], mode="a")
    gate.touch()
    grown = load([data.parent.parent], OPTS)
    # at once, without a scorer: the verdicts given so far, the rest pending
    known = known_scores(grown, options, memo)
    assert known is not None
    assert known.counts == {"ok": 10, PENDING: 20}
    seen.clear()
    again = rescore(grown, options, seen.append, memo=memo)
    assert not again.cancelled
    lines = scored(log)
    assert len(lines) == len(set(lines)) == 30  # each generation scored once, none twice
    # the progress tells the new ones apart: 20 to score, 10 known
    last = seen[-1]
    assert (last.done, last.total, last.known) == (30, 30, 10)
    assert (last.new_done, last.new_total) == (20, 20)

    log.write_text("", encoding="utf-8")
    assert again.scores.select(COLUMNS).equals(fresh(grown))
    assert not again.scores["new_accuracy"].is_null().any()
    ok = known.scores["score_status"] == "ok"
    assert known.scores.filter(ok).equals(again.scores.filter(ok))


def test_a_rewritten_file_scores_its_changed_rows_again(
    tmp_path: Path, score_log: tuple[Path, Path]
) -> None:
    log, _gate = score_log
    data = tmp_path / "data" / "run" / "out.jsonl"
    write(data, [record(i) for i in range(8)])
    memo = ScoreMemo()
    options = RescoreOptions(SCORER, workers=1, use_cache=False)
    rescore(load([data.parent.parent], OPTS), options, memo=memo)
    assert len(scored(log)) == 8

    # rewritten in place: row 3 now says the right answer, row 5 has another reference (each
    # line as long as it was: the rows after them are where they were), the last row is gone
    rows = [record(i) for i in range(7)]
    rows[3]["gen"] = f"generation 3: the answer is {rows[3]['answer']}!!!"
    rows[5]["answer"] = "9"
    write(data, rows)
    log.write_text("", encoding="utf-8")
    rewritten = load([data.parent.parent], OPTS)
    again = rescore(rewritten, options, memo=memo)
    assert sorted(scored(log)) == sorted([rows[3]["gen"], rows[5]["gen"]])
    assert again.scores["new_accuracy"].to_list()[3] == 1.0
    assert again.scores["new_accuracy"].to_list()[5] == 0.0
    assert again.scores.select(COLUMNS).equals(fresh(rewritten))


def test_a_file_scored_from_the_cache_is_not_scored_again_when_it_grows(
    tmp_path: Path, score_log: tuple[Path, Path]
) -> None:
    log, _gate = score_log
    data = tmp_path / "data" / "run" / "out.jsonl"
    write(data, [record(i) for i in range(6)])
    options = RescoreOptions(SCORER, workers=1, cache_dir=tmp_path / "cache")
    rescore(load([data.parent.parent], OPTS), options)  # an earlier session: cached
    log.write_text("", encoding="utf-8")

    memo = ScoreMemo()
    cached = rescore(load([data.parent.parent], OPTS), options, memo=memo)
    assert cached.cached_files == 1 and scored(log) == []
    write(data, [record(i) for i in range(6, 9)], mode="a")
    grown = load([data.parent.parent], OPTS)
    again = rescore(grown, options, memo=memo)
    assert sorted(scored(log)) == sorted(record(i)["gen"] for i in range(6, 9))
    log.write_text("", encoding="utf-8")
    assert again.scores.select(COLUMNS).equals(fresh(grown))


def test_another_scorer_forgets_the_verdicts(tmp_path: Path, score_log: tuple[Path, Path]) -> None:
    log, _gate = score_log
    data = tmp_path / "data" / "run" / "out.jsonl"
    write(data, [record(i) for i in range(4)])
    result = load([data.parent.parent], OPTS)
    memo = ScoreMemo()
    rescore(result, RescoreOptions(SCORER, workers=1, use_cache=False), memo=memo)
    other = RescoreOptions(SCORER, workers=1, use_cache=False, timeout=9)  # another fingerprint
    rescore(result, other, memo=memo)
    assert len(scored(log)) == 8

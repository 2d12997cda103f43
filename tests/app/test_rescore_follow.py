"""Re-scoring while following a writer: the re-score keeps up (Pilot).

Each followed update used to stop the running re-score and start it again from scratch, so a
re-score slower than the writer's updates never showed."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import polars as pl
import pytest
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions, load
from evaltui.data.rescore import (
    PENDING,
    RescoreOptions,
    RescoreProgress,
    rescore,
    rescored_load,
)
from tests.app.test_follow_app import wait_until

SCORER = "tests.data.rescore_scorers:counted"


def line(i: int) -> str:
    """A generation the stored grader got backwards: the scorer (the reference appears in the
    generation) flips every verdict."""
    prompt = i % 6
    said = f"ans{prompt}" if i % 3 == 0 else "nothing"
    record = {
        "prompt": f"Problem {prompt}",
        "gen": f"generation {i} says {said}",
        "answer": f"ans{prompt}",
        "accuracy": i % 3 != 0,
    }
    return json.dumps(record) + "\n"


@pytest.mark.parametrize("size", [(80, 24)])
async def test_a_slow_rescore_keeps_up_with_a_writer(
    tmp_path: Path,
    word_tokenizer: Path,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    log = tmp_path / "scored.log"
    log.touch()
    monkeypatch.setenv("EVALTUI_TEST_SCORE_LOG", str(log))
    monkeypatch.setenv("EVALTUI_TEST_SCORE_GATE", str(tmp_path / "gate"))
    monkeypatch.setenv("EVALTUI_TEST_SCORE_SLEEP", "0.15")  # 6-7 generations a second
    data = tmp_path / "data" / "m"
    data.mkdir(parents=True)
    out = data / "out.jsonl"
    out.write_text("".join(line(i) for i in range(12)), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    scorer = RescoreOptions(SCORER, workers=1, use_cache=False)
    app = EvalApp([str(data.parent)], options, follow=True, rescore=scorer)

    # a writer: a line every 0.2 s for 12 s, each followed update (one a second) brings ~5
    writing = threading.Event()
    writing.set()
    total = 12 + 60

    def write() -> None:
        for i in range(12, total):
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line(i))
            time.sleep(0.2)
        writing.clear()

    progress: list[RescoreProgress] = []
    seen_while_writing: list[int] = []
    async with app.run_test(size=size) as pilot:
        shown = app.main.show_rescore_progress

        def record(p: RescoreProgress | None) -> None:
            if p is not None:
                progress.append(p)
            shown(p)

        app.main.show_rescore_progress = record  # type: ignore[method-assign]
        await wait_until(pilot, lambda: app.rescoring, 30)
        writer = threading.Thread(target=write)
        writer.start()
        try:
            while writing.is_set():
                result = app.result
                if result is not None and "n_flipped" in result.stats.columns:
                    seen_while_writing.append(int(result.generations.height))
                await pilot.pause(0.1)
        finally:
            writer.join()
        # re-scored numbers were on screen while the writer wrote, and grew with it
        assert seen_while_writing, "no re-scored numbers while the writer wrote"
        assert max(seen_while_writing) > min(seen_while_writing)
        # and the newest rows are re-scored soon after it stops
        await wait_until(
            pilot,
            lambda: (
                not app.rescoring
                and app.result is not None
                and app.result.generations.height == total
                and "n_flipped" in app.result.stats.columns
            ),
            60,
        )
        final = app.result
        assert final is not None
        await pilot.press("ctrl+q")

    # each generation went to the scorer once
    scored = log.read_text(encoding="utf-8").splitlines()
    assert len(scored) == len(set(scored)) == total
    # a followed update's re-score told its new generations apart from those scored before
    assert any(p.known and p.new_total < p.total for p in progress)
    assert all(0 <= p.new_done <= p.new_total for p in progress)

    # the table's numbers are those of re-scoring the final file from scratch
    monkeypatch.setenv("EVALTUI_TEST_SCORE_SLEEP", "0")
    loaded = load([data.parent], options)
    fresh = rescored_load(loaded, rescore(loaded, scorer), options)
    assert final.stats.equals(fresh.stats)
    assert final.stats["n_flipped"].sum() == total


async def test_an_update_during_a_long_rescore_shows_the_verdicts_given_so_far(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "scored.log"
    log.touch()
    monkeypatch.setenv("EVALTUI_TEST_SCORE_LOG", str(log))
    monkeypatch.setenv("EVALTUI_TEST_SCORE_GATE", str(tmp_path / "gate"))
    monkeypatch.setenv("EVALTUI_TEST_SCORE_SLEEP", "0.25")  # the first re-score takes ~10 s
    data = tmp_path / "data" / "m"
    data.mkdir(parents=True)
    out = data / "out.jsonl"
    out.write_text("".join(line(i) for i in range(40)), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    scorer = RescoreOptions(SCORER, workers=1, use_cache=False)
    app = EvalApp([str(data.parent)], options, follow=True, rescore=scorer)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.rescoring, 30)
        # the first chunk (10 generations) is back once the 12th is being scored
        await wait_until(pilot, lambda: log.read_text(encoding="utf-8").count("\n") >= 12, 30)
        with out.open("a", encoding="utf-8") as handle:
            handle.write("".join(line(i) for i in range(40, 46)))

        def shown_so_far() -> bool:
            result = app.result
            if result is None or "score_status" not in result.generations.columns:
                return False
            status = result.generations["score_status"]
            # more pending than the 6 new lines: the first re-score has not finished
            return result.generations.height == 46 and (status == PENDING).sum() > 6

        # the update is on screen while the first re-score still runs: the verdicts given so
        # far re-scored, the rest (the new lines too) not scored yet
        await wait_until(pilot, shown_so_far, 10)
        assert app.rescoring
        result = app.result
        assert result is not None
        generations = result.generations
        scored = generations.filter(pl.col("score_status") == "ok")
        assert scored.height >= 10
        assert (scored["accuracy"] != scored["stored_accuracy"]).all()  # every verdict flips
        assert generations.filter(pl.col("score_status") == PENDING)["accuracy"].is_null().all()
        assert generations.tail(6)["score_status"].to_list() == [PENDING] * 6
        table = app.main.current_table()
        assert table is not None and app.rows is not None and app.rows.height == 6
        # then every generation is scored, once
        await wait_until(
            pilot,
            lambda: (
                not app.rescoring
                and app.result is not None
                and app.result.generations.height == 46
                and (app.result.generations["score_status"] == "ok").all()
            ),
            60,
        )
        await pilot.press("ctrl+q")
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines)) == 46


async def test_following_and_a_rescore_each_keep_their_line_at_80x24(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --follow and a re-score running, the follow line and the re-score's progress were
    drawn on one line, each over the other as it came (the line flickered between the two), and
    the re-score's end took the follow line away with its own. Each has its line now, the
    re-score's fitted to 80 columns with the key that stops it (it was cut at "· x or")."""
    log = tmp_path / "scored.log"
    log.touch()
    gate = tmp_path / "gate"
    monkeypatch.setenv("EVALTUI_TEST_SCORE_LOG", str(log))
    monkeypatch.setenv("EVALTUI_TEST_SCORE_GATE", str(gate))
    data = tmp_path / "data" / "m"
    data.mkdir(parents=True)
    out = data / "out.jsonl"
    waits = json.dumps({"prompt": "Problem 0", "gen": "WAIT", "answer": "ans0", "accuracy": 1})
    out.write_text("".join(line(i) for i in range(12)) + waits + "\n", encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    scorer = RescoreOptions(SCORER, workers=1, use_cache=False, timeout=120)
    app = EvalApp([str(data.parent)], options, follow=True, rescore=scorer)
    async with app.run_test(size=(80, 24)) as pilot:
        progress = app.main.query_one("#progress", Static)

        def shown() -> list[str]:
            if not progress.display:
                return []
            return [progress.render_line(y).text.strip() for y in range(progress.size.height)]

        # the re-score's line is there (its first progress comes from its thread, after
        # app.rescoring is set: a busy machine showed the follow line first)
        await wait_until(pilot, lambda: any(s.startswith("re-scoring") for s in shown()), 30)
        with out.open("a", encoding="utf-8") as handle:
            handle.write("".join(line(i) for i in range(12, 18)))
        # both lines laid out (the widget grows to two lines at the layout after the text)
        await wait_until(
            pilot,
            lambda: len(lines := shown()) == 2 and lines[0].startswith("following · 6"),
            30,
        )
        for _ in range(15):  # the re-score's progress and the follow line come and go meanwhile
            lines = shown()
            assert len(lines) == 2, lines
            assert lines[0].startswith("following · 6 new generations"), lines
            assert lines[1].startswith("re-scoring (tests.d"), lines
            assert lines[1].endswith("· x or esc stops"), lines
            await pilot.pause(0.1)
        assert app.rescoring
        gate.touch()
        await wait_until(pilot, lambda: not app.rescoring, 60)
        # (the widget is one line high from the next layout on: not in the same frame)
        await wait_until(pilot, lambda: progress.size.height == 1, 30)
        lines = shown()
        assert len(lines) == 1 and lines[0].startswith("following · "), lines
        await pilot.press("ctrl+q")

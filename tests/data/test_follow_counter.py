"""The follower's counter is made before the first appended line needs it (Follower.prepare)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from evaltui.cli import main
from evaltui.data.follow import Follower
from evaltui.data.loader import LoadOptions
from tests.conftest import write_jsonl
from tests.data.test_follow import append, assert_same, line, options, record


def test_prepare_makes_the_counter_before_a_new_line_and_polls_go_on_meanwhile(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Made on the first new row, the counter held that row's poll ~1-2 s after a load (the
    tokenizer, the count plan, the count path's first call). ``prepare`` makes it from another
    thread while the follow thread polls; the polls' counts are the counter's, once."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 1)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    assert follower.counter is None  # a quiet follow loads nothing until asked
    preparing = threading.Thread(target=follower.prepare)
    preparing.start()
    for k in range(5):  # polls while it is made: one that needs the counter waits for it
        append(out, line(2 + k, k))
        update = follower.poll()
        assert update is not None and update.new_generations == 1
    preparing.join()
    counter = follower.counter
    assert counter is not None
    follower.prepare()  # once only
    assert follower.counter is counter
    append(out, line(9, 0))
    update = follower.poll()
    assert update is not None and update.new_generations == 1
    assert follower.counter is counter
    assert_same(update.result, [data], opts)


def test_prepare_makes_the_counter_with_nothing_written(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    follower.prepare()
    counter = follower.counter
    assert counter is not None
    assert follower.poll() is None
    append(out, line(1, 0) + line(1, 1))
    update = follower.poll()
    assert update is not None and update.new_generations == 2
    assert follower.counter is counter
    assert_same(update.result, [data], opts)


def test_prepare_without_token_counts_makes_no_counter(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = tmp_path / "data"
    write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    follower = Follower([data], options(tmp_path, word_tokenizer, tokenize=False))
    follower.load()
    follower.prepare()
    assert follower.counter is None


def test_the_counter_for_new_lines_takes_over_the_loads_self_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load checked the count-only path against tokenizers on its first 256 texts; the
    follower's counter (the same tokenizer) checked its own first 256 again (~1 s of CPU at the
    start of a follow). It takes the load's check over: an appended text no longer than the
    load's longest is not counted by tokenizers, a longer one still is, and a disagreement there
    still recounts everything."""
    from evaltui.data.bpecount import FastCounter
    from evaltui.data.tokens import SELF_CHECK_FIRST, TokenizerInfo

    data = tmp_path / "data"
    rows = [record(i, j) for i in range(SELF_CHECK_FIRST // 2 + 2) for j in (0, 1)]
    out = write_jsonl(data / "m" / "out.jsonl", rows)
    opts = LoadOptions(use_cache=False)
    follower = Follower([data], opts)
    first = follower.load()
    assert first.self_checked is not None
    assert first.self_checked.checked == SELF_CHECK_FIRST
    checked_by_hf: list[int] = []
    real_count = TokenizerInfo.count

    def spy(self: TokenizerInfo, texts: Any) -> Any:
        checked_by_hf.append(len(texts))
        return real_count(self, texts)

    monkeypatch.setattr(TokenizerInfo, "count", spy)
    append(out, line(0, 1) + line(1, 0))  # no longer than texts the load checked
    update = follower.poll()
    assert update is not None and update.new_generations == 2
    counter = follower.counter
    assert counter is not None and counter.path == "tiktoken"
    assert checked_by_hf == []
    assert counter.checked == SELF_CHECK_FIRST
    assert_same(update.result, [data], opts)  # a load of its own: it checks, it counts
    checked_by_hf.clear()

    append(out, line(2, 30))  # longer than any text checked: checked
    update = follower.poll()
    assert update is not None
    assert checked_by_hf == [1] and counter.checked == SELF_CHECK_FIRST + 1
    assert_same(update.result, [data], opts)

    real = FastCounter.count
    monkeypatch.setattr(FastCounter, "count", lambda self, texts: real(self, texts) + 1)
    append(out, line(3, 60))
    update = follower.poll()
    assert update is not None
    assert any("differed from tokenizers" in note for note in update.result.notes)
    monkeypatch.setattr(FastCounter, "count", real)
    assert_same(update.result, [data], opts)


def test_a_self_check_of_another_tokenizer_is_not_taken_over(word_tokenizer: Path) -> None:
    """A verdict is the tokenizer's it was made with (its fingerprint): a counter of another
    tokenizer checks its own first texts."""
    from evaltui.data.loader import length_counter
    from evaltui.data.tokens import SelfCheck

    counter = length_counter(None, LoadOptions(use_cache=False), None)
    assert counter.path == "tiktoken" and counter.checked == 0
    counter.inherit(SelfCheck("another tokenizer", 256, 10_000))
    assert counter.checked == 0 and counter.longest_checked == -1
    counter.inherit(SelfCheck(counter.info.fingerprint, 256, 10_000))
    assert counter.checked == 256 and counter.longest_checked == 10_000
    words = length_counter(None, LoadOptions(model=str(word_tokenizer), use_cache=False), None)
    words.inherit(SelfCheck(words.info.fingerprint, 256, 10_000))
    assert words.path == "tokenizers" and words.checked == 0  # nothing to check there


def test_summarize_follow_makes_the_counter_after_its_first_write(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """summarize --follow made its counter with the first line appended (the app makes it after
    its first paint): that line's write waited for it (2.4-2.7 s on sample_data). It is made
    once the first output is written, while the command waits for lines; the line written then
    is counted with that counter and is in the last write, as a fresh read has it."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 0)])
    combined = tmp_path / "combined.json"
    prepared = threading.Event()
    counters: list[object] = []
    real_prepare = Follower.prepare

    def prepare(self: Follower) -> None:
        real_prepare(self)
        counters.append(self.counter)
        prepared.set()

    def wait(self: Follower, timeout: float, stop: threading.Event | None = None) -> None:
        assert combined.exists()  # after the first write
        # made with no line written (a deadline, not a timing: the old code never made it)
        assert prepared.wait(60), "no counter was made before a line was appended"
        append(out, line(2, 0))
        counters.append(self.counter)
        raise KeyboardInterrupt  # Ctrl-C: the last look and write

    monkeypatch.setattr(Follower, "prepare", prepare)
    monkeypatch.setattr(Follower, "wait", wait)
    args = [str(data), "--model", str(word_tokenizer), "--no-cache", "-q"]
    assert main(["summarize", *args, "--follow", "-o", str(combined)]) == 0
    assert len(counters) == 2 and counters[0] is not None and counters[0] is counters[1]
    fresh = tmp_path / "fresh.json"
    assert main(["summarize", *args, "-o", str(fresh)]) == 0
    written = json.loads(combined.read_text(encoding="utf-8"))
    assert written == json.loads(fresh.read_text(encoding="utf-8"))
    assert len(written) == 3


def test_the_status_line_counts_prompts_not_rows_of_several_runs(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Two runs of 3 prompts, 2 generations each: each write's status line said '6 prompts'
    (the Stats rows, run × prompt) where summarize's end summary says 'prompts 3 in 2 runs (6
    rows, run × prompt)'. It says '3 prompts in 2 runs' now (one run: unchanged)."""
    data = tmp_path / "data"
    for run in ("a", "b"):
        write_jsonl(data / run / "out.jsonl", [record(i, j) for i in range(3) for j in range(2)])
    combined = tmp_path / "combined.json"

    def wait(self: Follower, timeout: float, stop: threading.Event | None = None) -> None:
        raise KeyboardInterrupt  # Ctrl-C after the first write

    monkeypatch.setattr(Follower, "wait", wait)
    args = [str(data), "--model", str(word_tokenizer), "--no-cache"]
    assert main(["summarize", *args, "--follow", "-o", str(combined)]) == 0
    status = [line for line in capsys.readouterr().err.splitlines() if "· wrote " in line]
    # As python counts the files: 3 distinct prompts, 2 runs, 12 lines (generations).
    rows = [
        json.loads(text)
        for run in "ab"
        for text in (data / run / "out.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert (len({row["prompt"] for row in rows}), len(rows)) == (3, 12)
    assert len(status) == 1 and " · 3 prompts in 2 runs, 12 generations · wrote " in status[0], (
        status
    )
    assert len(json.loads(combined.read_text(encoding="utf-8"))) == 6  # rows, run × prompt

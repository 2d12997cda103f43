"""The follower's counter is made before the first appended line needs it (Follower.prepare)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

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

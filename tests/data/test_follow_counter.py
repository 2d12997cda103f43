"""The follower's counter is made before the first appended line needs it (Follower.prepare)."""

from __future__ import annotations

import threading
from pathlib import Path

from evaltui.data.follow import Follower
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

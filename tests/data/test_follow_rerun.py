"""An eval writing again byte for byte the lines a followed file holds (a greedy rerun of the
same prompts) writes new generations; only a copy (``cp``: all of a file at once) brings none."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from evaltui.data.follow import Follower
from tests.conftest import write_jsonl
from tests.data.test_follow import FIXTURES, append, assert_same, options, record


def test_a_greedy_rerun_into_a_new_run_folder_writes_new_generations(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The rerun's file held the first bytes of the first run's, so it was taken for a copy:
    '0 new generations in the last minute' while it wrote 10."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(i, 0) for i in range(10)])
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    rerun = data / "m-rerun" / "out.jsonl"
    rerun.parent.mkdir()
    for k in range(0, 10, 2):  # two lines a look, as the eval finishes them
        append(rerun, "".join(lines[k : k + 2]))
        update = follower.poll()
        assert update is not None and update.new_generations == 2
    assert follower.recent() == 10
    assert follower.status().startswith("following · 10 new generations in the last minute")
    assert_same(update.result, [data], opts)


def test_the_same_prompts_appended_to_the_same_file_are_new(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(i, 0) for i in range(4)])
    text = out.read_text(encoding="utf-8")
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    append(out, text)
    update = follower.poll()
    assert update is not None and update.new_generations == 4
    assert update.result.stats.get_column("count").to_list() == [2, 2, 2, 2]
    assert_same(update.result, [data], opts)


def test_an_lm_eval_rerun_read_whole_writes_new_generations_and_a_copy_none(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """lm-eval's samples file is read whole at each change: a rerun's was taken for a copy of
    the first run's at each read (0 new for the whole run). A copy of it found half written
    and whole at the next look is a copy: what was counted of it is taken back."""
    source = next((FIXTURES / "lm_eval" / "outputs").rglob("samples_toy_math_gen_*.jsonl"))
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 8
    data = tmp_path / "data"
    first = data / "first" / source.parent.name / source.name
    first.parent.mkdir(parents=True)
    first.write_text("".join(lines), encoding="utf-8")
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    rerun = data / "rerun" / source.parent.name / source.name
    rerun.parent.mkdir(parents=True)
    for k in range(0, 8, 2):
        append(rerun, "".join(lines[k : k + 2]))
        update = follower.poll()
        assert update is not None and update.new_generations == 2, k
    assert follower.recent() == 8
    assert_same(update.result, [data], opts)

    copy = data / "copy" / source.parent.name / source.name
    copy.parent.mkdir(parents=True)
    copy.write_text("".join(lines[:3]), encoding="utf-8")
    update = follower.poll()
    assert update is not None and update.new_generations == 3
    append(copy, "".join(lines[3:]))  # the rest at once: cp
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert follower.recent() == 8
    assert_same(update.result, [data], opts)


def test_a_greedy_rerun_written_by_a_writer_thread_while_polled(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """As an eval writes: a line at a time (each flushed) while the follower polls."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(i, j) for i in range(10) for j in (0, 1)])
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    rerun = data / "m-rerun" / "out.jsonl"
    rerun.parent.mkdir()
    started = threading.Event()
    done = threading.Event()

    def write() -> None:
        started.wait()
        for text in lines:
            append(rerun, text)
            time.sleep(0.03)
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    assert follower.poll() is None
    started.set()
    while not done.is_set():
        follower.poll()
    writer.join()
    follower.poll()
    assert follower.recent() == len(lines)
    assert_same(follower.result(), [data], opts)

""" "N new generations in the last minute" counts the new generations that are on the table
now: rows that left it (a file truncated, rewritten, deleted) leave the count with them, and
come back into it with their arrival when they come back."""

from __future__ import annotations

import shutil
from pathlib import Path

from evaltui.data.follow import Follower
from tests.conftest import write_jsonl
from tests.data.test_follow import append, assert_same, line, options, record


def test_lines_appended_then_truncated_away_are_no_longer_new(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """An eval restarted over its output: 6 lines appended, then the file truncated back to the
    4 it had; the header still said '6 new generations in the last minute' over a table holding
    none of them."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(i, 0) for i in range(4)])
    start = out.read_text(encoding="utf-8")
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    append(out, "".join(line(i, 1) for i in range(6)))
    assert follower.poll() is not None and follower.recent() == 6
    out.write_text(start, encoding="utf-8")  # truncated: a rewrite, read again whole
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert update.result.generations.height == 4
    assert follower.recent() == 0
    assert follower.status().startswith("following · 0 new generations in the last minute")
    # written again as the eval goes on: those are new once more
    append(out, line(0, 1) + line(1, 1))
    update = follower.poll()
    assert update is not None and update.new_generations == 2
    assert follower.recent() == 2
    assert_same(update.result, [data], opts)


def test_a_rewrite_keeping_some_new_lines_counts_those_it_kept(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Truncated to the first 2 of the 5 lines appended (and 1 written after): 3 new ones on
    the table, where 6 were said."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(i, 0) for i in range(3)])
    start = out.read_text(encoding="utf-8")
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    append(out, line(0, 1) + line(1, 1))
    follower.poll()
    append(out, line(2, 1) + line(3, 1) + line(4, 1))
    follower.poll()
    assert follower.recent() == 5
    out.write_text(start + line(0, 1) + line(1, 1) + line(5, 3), encoding="utf-8")
    update = follower.poll()
    assert update is not None and update.new_generations == 1
    assert follower.recent() == 3
    assert_same(update.result, [data], opts)


def test_a_new_run_deleted_takes_its_new_generations_away_and_back(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A run folder that appeared (8 new) and was deleted kept '8 new generations in the last
    minute' over a table without it; moved away and back, its rows are new as they were."""
    data = tmp_path / "data"
    write_jsonl(data / "m" / "out.jsonl", [record(i, 0) for i in range(3)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    write_jsonl(data / "n" / "out.jsonl", [record(i, 2) for i in range(8)])
    update = follower.poll()
    assert update is not None and update.new_generations == 8 and follower.recent() == 8
    (data / "n").rename(tmp_path / "n-away")
    assert follower.poll() is not None
    assert follower.recent() == 0
    (tmp_path / "n-away").rename(data / "n")
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert follower.recent() == 8
    shutil.rmtree(data / "n")
    update = follower.poll()
    assert update is not None and follower.recent() == 0
    assert_same(update.result, [data], opts)


def test_a_whole_document_rewritten_keeps_its_new_generations(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """lm-eval's samples are read whole at each change: every read takes the rows out and puts
    them back; the new ones stay new, the ones cut away do not."""
    source = next(
        (
            Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "lm_eval" / "outputs"
        ).rglob("samples_toy_math_gen_*.jsonl")
    )
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    data = tmp_path / "data"
    target = data / "run" / source.parent.name / source.name
    target.parent.mkdir(parents=True)
    target.write_text("".join(lines[:2]), encoding="utf-8")
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    for k in range(2, 8, 2):
        append(target, "".join(lines[k : k + 2]))
        update = follower.poll()
        assert update is not None and update.new_generations == 2, k
    assert follower.recent() == 6
    target.write_text("".join(lines[:5]), encoding="utf-8")  # cut back to 5 lines
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert follower.recent() == 3
    assert_same(update.result, [data], opts)

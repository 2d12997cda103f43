"""Following evals as their harnesses write them (the writers rebuilt from the tools' source,
see /work/shared/formats/FORMATS.md): AISBench's working copy ``tmp/tmp_<time>_<id>.jsonl``
then its finished predictions, OpenCompass's ``tmp_<dataset>.jsonl`` then its JSON, lm-eval's
results and samples files, Inspect's JSON log written at the end. Each ends with the stats of
reading the final files from scratch.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from evaltui.data.follow import Follower
from tests.data.test_follow import FIXTURES, assert_same, options
from tests.data.test_follow_writers import race


def looked(follower: Follower) -> Callable[[], None]:
    """A call for a writer thread racing ``follower`` (:func:`race`) that returns once the
    follower has looked at the inputs after it was called: each phase of the writer is seen."""
    polls = [0]
    moved = threading.Condition()
    poll = follower.poll

    def counted(**kwargs: bool) -> object:
        update = poll(**kwargs)
        with moved:
            polls[0] += 1
            moved.notify_all()
        return update

    follower.poll = counted  # type: ignore[method-assign]

    def wait() -> None:
        with moved:
            target = polls[0] + 2  # the poll under way may have listed the files before
            moved.wait_for(lambda: polls[0] >= target, timeout=30)

    return wait


AISBENCH = FIXTURES / "aisbench" / "outputs_n3" / "20261123_200259"
AISBENCH_MODEL = "toy-vllm-api-chat-n3"


def test_aisbenchs_working_copy_left_for_its_finished_predictions(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """AISBench appends each finished request to ``predictions/<model>/tmp/tmp_<time>_<id>.jsonl``,
    then writes ``<dataset>.jsonl`` and deletes the working copy (the copy, a companion once the
    finished file is there, reads no rows). The copy's rows, counted as new when they arrived,
    pointed past its rows once it read none, and the follow stopped on an IndexError (polars'
    OutOfBoundsError) when it was deleted."""
    data = tmp_path / "data"
    work = data / "outputs" / AISBENCH.name
    predictions = work / "predictions" / AISBENCH_MODEL
    (predictions / "tmp").mkdir(parents=True)
    finished = (predictions.relative_to(work)) / "toy_gsm8k.jsonl"
    lines = (AISBENCH / finished).read_bytes().splitlines(keepends=True)
    copy = predictions / "tmp" / "tmp_20261123_200300_1234.jsonl"
    copy.write_bytes(lines[0])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    copy.write_bytes(b"".join(lines[:3]))
    update = follower.poll()
    assert update is not None and update.new_generations == 2
    (work / finished).write_bytes(b"".join(lines))
    update = follower.poll()
    # the copy's 3 rows are the finished file's first 3: only the other 6 are new
    assert update is not None and update.new_generations == len(lines) - 3
    assert_same(update.result, [data], opts)
    copy.unlink()
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert follower.recent() == len(lines) - 1
    assert_same(update.result, [data], opts)


def test_aisbench_run_written_request_by_request(tmp_path: Path, word_tokenizer: Path) -> None:
    """The whole run as a writer thread writes it: the working copy a piece of a line at a
    time, the finished file, the copy deleted, the results (scores) last."""
    data = tmp_path / "data"
    work = data / "outputs" / AISBENCH.name
    predictions = work / "predictions" / AISBENCH_MODEL
    (predictions / "tmp").mkdir(parents=True)
    finished = (predictions.relative_to(work)) / "toy_gsm8k.jsonl"
    results = Path("results") / AISBENCH_MODEL / "toy_gsm8k.json"
    text = (AISBENCH / finished).read_bytes()
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    copy = predictions / "tmp" / "tmp_20261123_200300_1234.jsonl"
    seen = looked(follower)

    def writer() -> None:
        for start in range(0, len(text), 61):
            with copy.open("ab") as handle:
                handle.write(text[start : start + 61])
        seen()
        (work / finished).write_bytes(text)
        seen()
        copy.unlink()
        seen()
        (work / results).parent.mkdir(parents=True)
        shutil.copyfile(AISBENCH / results, work / results)

    race(follower, writer)
    result = follower.result()
    assert result.generations.height == len(text.splitlines())
    assert_same(result, [data], opts)


OPENCOMPASS = FIXTURES / "opencompass" / "outputs" / "20261123_201019"
OPENCOMPASS_PREDICTIONS = Path("predictions") / "toy-openai-sdk" / "toy_gsm8k.json"


def test_opencompass_running_file_gives_way_to_its_predictions(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """OpenCompass appends ``{"idx": …}`` lines to ``tmp_<dataset>.jsonl`` while it infers, then
    dumps ``<dataset>.json`` and deletes the running file. A fresh read of the folder holding
    both reads the finished file alone; following read both (the run's rows twice, all counted
    as new) until the running file was deleted, which then said, for the session, that it was
    gone and its rows removed."""
    entries = json.loads((OPENCOMPASS / OPENCOMPASS_PREDICTIONS).read_text(encoding="utf-8"))
    data = tmp_path / "data"
    finished = data / OPENCOMPASS.name / OPENCOMPASS_PREDICTIONS
    finished.parent.mkdir(parents=True)
    running = finished.with_name("tmp_toy_gsm8k.jsonl")
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    for key, entry in entries.items():
        with running.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"idx": int(key), **entry}, ensure_ascii=False) + "\n")
        assert follower.poll() is not None
    assert follower.recent() == len(entries)
    shutil.copyfile(OPENCOMPASS / OPENCOMPASS_PREDICTIONS, finished)
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert update.result.generations.height == len(entries)
    assert_same(update.result, [data], opts)
    running.unlink()
    update = follower.poll()
    assert update is not None and update.notes == []
    assert not [note for note in update.result.notes if running.name in note]
    assert follower.recent() == len(entries)
    assert_same(update.result, [data], opts)

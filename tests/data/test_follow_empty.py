"""Following an eval before it has written its first file: an existing folder with no file to
read yet (empty, or holding only files of no known kind) waits for one with ``--follow``; without
it, and for a path that does not exist, it stays an error."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evaltui.data.follow import Follower
from evaltui.data.loader import LoadFailure, LoadOptions, load
from evaltui.data.sanitize import one_line_middle
from tests.data.test_follow import append, assert_same, line

ROOT = Path(__file__).resolve().parents[2]
#: A real model's run folder (lighteval/vLLM-style), long enough to be cut on a narrow screen.
RUN = "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B__temp0.6_topp0.95_n16"


@pytest.mark.parametrize("holds", [None, "config.yaml", "empty-run-folder"])
def test_a_followed_folder_with_no_file_yet_waits_for_its_first_file(
    tmp_path: Path, word_tokenizer: Path, holds: str | None
) -> None:
    data = tmp_path / "out"
    data.mkdir()
    if holds == "config.yaml":
        (data / "config.yaml").write_text("model: x\n", encoding="utf-8")
    elif holds == "empty-run-folder":
        (data / RUN).mkdir()
    opts = LoadOptions(model=str(word_tokenizer), use_cache=False)
    with pytest.raises(LoadFailure, match="no file with a known extension"):
        load([data], opts)  # not following: an empty folder is a mistake

    follower = Follower([data], opts)
    first = follower.load()
    assert first.generations.height == 0 and first.stats.height == 0
    assert first.errors == []
    status = follower.status()  # the folder's name cut in the middle to fit one line
    assert status.startswith("following · waiting for files to appear in /")
    assert status.endswith("/out")
    # Shorter for a narrow line: the folder's name cut further (its end kept), then left out.
    wordings = follower.status_wordings()
    assert wordings[0] == status and wordings[-1] == "following · waiting for files"
    assert all(w.endswith("/out") for w in wordings[:-1]), wordings
    widths = [len(w) for w in wordings]
    assert widths == sorted(widths, reverse=True) and len(wordings[-2]) <= 38, wordings
    assert follower.poll() is None  # still nothing

    out = data / RUN / "samples.jsonl"
    out.parent.mkdir(exist_ok=True)
    out.write_text(line(0, 0) + line(1, 0), encoding="utf-8")
    update = follower.poll()
    assert update is not None and update.new_generations == 2
    assert "waiting" not in follower.status()
    append(out, line(0, 1) + line(2, 0))
    assert follower.poll() is not None
    assert_same(follower.result(), [data], opts)


def test_following_a_path_that_does_not_exist_is_still_an_error(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    follower = Follower([tmp_path / "typo"], LoadOptions(model=str(word_tokenizer)))
    with pytest.raises(LoadFailure, match="no such file or directory"):
        follower.load()


def test_summarize_follow_on_an_empty_folder_writes_an_empty_list_then_the_summary(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = tmp_path / "out"
    data.mkdir()
    combined = tmp_path / "combined.json"
    args = [str(data), "--model", str(word_tokenizer), "--no-cache", "-o", str(combined)]
    command = [sys.executable, "-m", "evaltui.cli", "summarize", *args]
    proc = subprocess.Popen(
        [*command, "--follow", "--follow-interval", "0.2"],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:

        def written() -> object:
            try:
                return json.loads(combined.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None

        deadline = time.monotonic() + 60
        while written() != [] and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()[1]
            time.sleep(0.1)
        assert written() == []  # a valid document from the start
        out = data / RUN / "samples.jsonl"
        out.parent.mkdir()
        out.write_text(line(0, 0), encoding="utf-8")
        append(out, line(0, 1) + line(1, 0))

        def counts() -> list[int]:
            rows = written()
            return [r["count"] for r in rows] if isinstance(rows, list) else []

        while counts() != [2, 1] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert counts() == [2, 1]
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "waiting for files to appear in /" in stderr
    fresh = tmp_path / "fresh.json"
    subprocess.run(
        [sys.executable, "-m", "evaltui.cli", "summarize", *args[:-1], str(fresh), "-q"],
        check=True,
        cwd=ROOT,
    )
    assert json.loads(combined.read_text()) == json.loads(fresh.read_text())


def test_summarize_without_follow_and_follow_on_a_typo_still_fail(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = tmp_path / "out"
    data.mkdir()
    model = ["--model", str(word_tokenizer), "-o", str(tmp_path / "x.json")]
    for where, follow, says in [
        (data, [], "no file with a known extension"),
        (tmp_path / "typo", ["--follow"], "no such file or directory"),
    ]:
        done = subprocess.run(
            [sys.executable, "-m", "evaltui.cli", "summarize", str(where), *follow, *model],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert says in done.stderr
    assert not (tmp_path / "x.json").exists()


def test_a_followed_folder_deleted_is_said_gone_until_it_is_back(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The followed folder itself deleted (rm -rf, or moved away): the line said 'following ·
    waiting for files to appear in /…/out', as of an empty folder that is there (seen in tmux,
    and in summarize --follow's status line). It says the folder is gone; back, it is read."""
    data = tmp_path / "out"
    (data / "m").mkdir(parents=True)
    out = data / "m" / "samples.jsonl"
    out.write_text(line(0, 0) + line(1, 0), encoding="utf-8")
    opts = LoadOptions(model=str(word_tokenizer), use_cache=False)
    follower = Follower([data], opts)
    follower.load()
    assert follower.waiting() is None
    away = tmp_path / "away"
    data.rename(away)
    update = follower.poll()
    assert update is not None and update.result.stats.height == 0
    name = one_line_middle(str(data), 40)  # as every wording cuts a long path
    assert follower.waiting() == f"{name} is gone: waiting for it to appear again"
    wordings = follower.status_wordings()
    assert wordings[0] == f"following · {name} is gone: waiting for it to appear again"
    assert wordings[2].startswith("following · ") and wordings[2].endswith("/out is gone")
    assert wordings[-1] == "following · input gone"
    assert not any("waiting for files" in w for w in wordings), wordings
    away.rename(data)
    update = follower.poll()
    assert update is not None and follower.waiting() is None
    assert "gone" not in follower.status()
    assert_same(update.result, [data], opts)


def test_one_of_two_followed_folders_deleted_is_named_beside_the_wait(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        (folder / "m").mkdir(parents=True)
        (folder / "m" / "samples.jsonl").write_text(line(0, 0), encoding="utf-8")
    opts = LoadOptions(model=str(word_tokenizer), use_cache=False)
    follower = Follower([first, second], opts)
    follower.load()
    (first / "m" / "samples.jsonl").unlink()
    (second / "m" / "samples.jsonl").rename(tmp_path / "kept.jsonl")
    second.joinpath("m").rmdir()
    second.rmdir()
    follower.poll()
    a, b = (one_line_middle(str(p), 40) for p in (first, second))
    assert follower.waiting() == f"waiting for files to appear in {a} ({b} is gone)"
    assert follower.status_wordings()[-1] == "following · waiting for files"

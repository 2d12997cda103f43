"""Following Inspect logs while a run is retried or copied into another folder: the followed
table is, at each step, the cold load of the files as they are (one run, never its samples
counted twice)."""

from __future__ import annotations

import json
from pathlib import Path

from evaltui.data.follow import Follower
from evaltui.data.loader import LoadOptions, LoadResult, load
from tests.data.test_follow import assert_same
from tests.data.test_formats_inspect_runs import MODEL, errored_log, log, write_eval, write_json
from tests.data.test_real_world import run_table

ERRORED = "run1/2026-01-01T10-00-00+00-00_toy_TID.eval"
RETRY = "2026-01-01T10-05-00+00-00_toy_TID.json"


def _same_as_cold(follower: Follower, root: Path, opts: LoadOptions) -> LoadResult:
    """One more look, then the followed result, checked against a cold load (notes too)."""
    follower.poll()
    result = follower.result()
    assert_same(result, [root], opts)
    # the follower says what went too ('x is gone: its rows were removed')
    said = [note for note in result.notes if not note.endswith(" is gone: its rows were removed")]
    assert sorted(said) == sorted(load([root], opts).notes)
    return result


def test_a_retry_written_into_another_folder_while_followed_is_one_run(tmp_path: Path) -> None:
    """``inspect eval-retry`` writes the retry of an errored log into its own log dir while
    the logs are followed: the retry (running, then done) was a second run beside the errored
    log, 'mockllm/model @ 10:00' and '@ 10:05', the samples the errored log completed counted
    twice (11 generations of 3 prompts, the errored sample a bad line); a cold load of the same
    files reads one run from the retry. Deleted again, the errored log is the run again."""
    root = tmp_path / "logs"
    write_eval(root / ERRORED, errored_log("AAA", "2026-01-01T10:00:00+00:00"))
    opts = LoadOptions(tokenize=False, use_cache=False)
    follower = Follower([root], opts)
    first = follower.load()
    assert run_table(first) == {MODEL: (3, 5, 5, 0.8)}
    # The retry starts: its log holds two samples so far (status 'started').
    retry = log("BBB", "2026-01-01T10:05:00+00:00")
    running = json.loads(json.dumps(retry))
    running.update(status="started", samples=retry["samples"][:2])
    running.pop("results")
    write_json(root / RETRY, running)
    result = _same_as_cold(follower, root, opts)
    assert run_table(result) == {MODEL: (3, 5, 5, 0.8)}  # the errored log, the fuller
    # The retry ends: one run, read from it.
    write_json(root / RETRY, retry)
    result = _same_as_cold(follower, root, opts)
    assert run_table(result) == {MODEL: (3, 6, 6, 0.6667)}
    assert result.errors == []
    assert {f.source: f.generations for f in result.read_files} == {ERRORED: 0, RETRY: 6}
    # The errored log written again, with a sample fewer (a sync of another copy of it): read
    # again, and still left out (its rows changed the table's while it was left out).
    shorter = errored_log("AAA", "2026-01-01T10:00:00+00:00")
    shorter["samples"] = shorter["samples"][1:]
    write_eval(root / ERRORED, shorter)
    result = _same_as_cold(follower, root, opts)
    assert run_table(result) == {MODEL: (3, 6, 6, 0.6667)}
    (root / RETRY).unlink()
    result = _same_as_cold(follower, root, opts)
    assert run_table(result) == {MODEL: (3, 4, 4, 0.75)}  # the errored log's, a sample fewer


def test_a_log_copied_into_another_folder_while_followed_is_read_once(tmp_path: Path) -> None:
    """A finished log copied (or converted to JSON) into another folder while followed was a
    second run, 'mockllm/model @ run1' and '@ run2', each sample counted twice."""
    root = tmp_path / "logs"
    done = log("AAA", "2026-01-01T10:00:00+00:00")
    write_eval(root / "run1" / "x.eval", done)
    opts = LoadOptions(tokenize=False, use_cache=False)
    follower = Follower([root], opts)
    follower.load()
    write_json(root / "run2" / "x.json", done)
    result = _same_as_cold(follower, root, opts)
    assert run_table(result) == {MODEL: (3, 6, 6, 0.6667)}
    assert "run2/x.json: the same run as run1/x.eval (id AAA, saved twice), read once from" in (
        "\n".join(result.notes)
    )

"""What one run is across folders: the same model evaluated twice is two runs wherever its files
sit (two Inspect logs in two folders, two lm-eval output folders), never one run whose prompts were
"sampled twice"; what is one run stays one (an lm-eval run's tasks, an Inspect log's epochs).

Inspect logs are built from the real toy log (ids 3, p0, p1; epochs 1 and 2; scores C C C then
C I I: 3 prompts, 6 generations, 4/6 = 0.6667 per log). The lm-eval runs are the mid-2024 asdiv
fixture: run 1 (2024-06-01) scores acc 1 on all 10 docs, run 2 (2024-06-02) 0 on docs 0, 1, 2.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from evaltui.cli import main
from evaltui.data.formats.base import RunIdentity
from evaltui.data.loader import LoadOptions, load
from evaltui.data.runs import run_tags, short_folders
from tests.data.test_formats_inspect_runs import (
    MODEL,
    errored_log,
    load_dir,
    log,
    write_eval,
    write_json,
)
from tests.data.test_formats_lm_eval import LLAMA, MID_2024, MID_DATES
from tests.data.test_real_world import run_table

ONE_LOG = (3, 6, 6, 0.6667)  # prompts, generations, scored, mean score of one toy log


@pytest.mark.parametrize("writer", [write_eval, write_json])
def test_inspect_logs_of_one_model_in_two_folders_are_two_runs(
    tmp_path: Path, writer: object
) -> None:
    suffix = ".eval" if writer is write_eval else ".json"
    write = write_eval if writer is write_eval else write_json
    write(
        tmp_path / "logs" / "a" / f"2024-05-01T10-00-00_toy_X{suffix}",
        log("X", "2024-05-01T10:00:00"),
    )
    write(
        tmp_path / "logs" / "b" / f"2024-05-02T10-00-00_toy_Y{suffix}",
        log("Y", "2024-05-02T10:00:00"),
    )
    result = load_dir(tmp_path / "logs")
    assert result.errors == [] and result.notes == []
    assert run_table(result) == {
        f"{MODEL} @ 2024-05-01T10:00:00": ONE_LOG,
        f"{MODEL} @ 2024-05-02T10:00:00": ONE_LOG,
    }
    # epochs stay generations of one prompt: 2 per (run, prompt), never 4
    assert set(result.stats["count"]) == {2}


def test_inspect_runs_started_at_the_same_time_are_told_apart_by_their_folder(
    tmp_path: Path,
) -> None:
    # Two machines started the same task at the same second: the folder tells them apart,
    # without the parts both folders share.
    write_eval(tmp_path / "out" / "node1" / "logs" / "x.eval", log("X", "2024-05-01T10:00:00"))
    write_eval(tmp_path / "out" / "node2" / "logs" / "y.eval", log("Y", "2024-05-01T10:00:00"))
    result = load_dir(tmp_path / "out")
    assert run_table(result) == {f"{MODEL} @ node1": ONE_LOG, f"{MODEL} @ node2": ONE_LOG}


def test_a_log_copied_into_another_folder_is_read_once(tmp_path: Path) -> None:
    # The same eval id in two folders is one evaluation saved twice (a backup, a conversion to
    # .json elsewhere): read once, from the fullest copy, never as extra samples of its prompts.
    same = log("X", "2024-05-01T10:00:00")
    write_eval(tmp_path / "backup" / "x.eval", same)
    short = json.loads(json.dumps(same))
    short["samples"] = short["samples"][:4]  # a copy taken while it still ran: 4 samples
    write_json(tmp_path / "converted" / "x.json", short)
    write_eval(tmp_path / "logs" / "x.eval", same)
    result = load_dir(tmp_path)
    assert run_table(result) == {MODEL: ONE_LOG}
    assert set(result.stats["count"]) == {2}
    assert sorted(result.notes) == [
        "converted/x.json: the same run as backup/x.eval (id X, saved twice), read once from there",
        "logs/x.eval: the same run as backup/x.eval (id X, saved twice), read once from there",
    ]
    assert {f.source: f.generations for f in result.read_files} == {
        "backup/x.eval": 6,
        "converted/x.json": 0,
        "logs/x.eval": 0,
    }
    # A copy with errored samples tells its errors once (sample 3 epoch 1, a C, errored:
    # C C + C I I left = 3 of 5).
    errored = log("Y", "2024-05-02T10:00:00")
    errored["samples"][0]["error"] = {"message": "boom"}
    write_eval(tmp_path / "more" / "a" / "y.eval", errored)
    write_eval(tmp_path / "more" / "b" / "y.eval", errored)
    again = load_dir(tmp_path / "more")
    assert len(again.errors) == 1 and run_table(again) == {MODEL: (3, 5, 5, 0.6)}


def test_a_log_and_its_retry_in_another_folder_are_one_run_read_from_the_retry(
    tmp_path: Path,
) -> None:
    # `inspect eval-retry logs/run1/x.eval` writes the retry to its own --log-dir, by default
    # ./logs (INSPECT_LOG_DIR), not the errored log's folder (eval_retry_async passes its
    # log_dir on): the same task id under a new eval id, holding the samples the errored log
    # completed and the others run again. Both were two runs ('mockllm/model @ 10:00' with
    # 5 generations, '@ 10:05' with 6), the completed samples counted in each, and the
    # errored sample a bad line of a log no one reads; in one folder they were one run already.
    first = errored_log("AAA", "2026-01-01T10:00:00+00:00")
    retry = log("BBB", "2026-01-01T10:05:00+00:00")
    assert first["eval"]["task_id"] == retry["eval"]["task_id"]
    write_eval(tmp_path / "logs" / "run1" / "2026-01-01T10-00-00+00-00_toy_TID.eval", first)
    write_json(tmp_path / "logs" / "2026-01-01T10-05-00+00-00_toy_TID.json", retry)
    result = load_dir(tmp_path / "logs")
    # the retry alone: 3 ids x 2 epochs, C C C + C I I = 4 of 6
    assert run_table(result) == {MODEL: ONE_LOG}
    assert result.errors == []
    assert result.notes == [
        "run1/2026-01-01T10-00-00+00-00_toy_TID.eval: retried as"
        " 2026-01-01T10-05-00+00-00_toy_TID.json (same task id, status 'error' here; a retry"
        " keeps the samples this log completed and runs the others again), read from there"
    ]
    assert {f.source: f.generations for f in result.read_files} == {
        "run1/2026-01-01T10-00-00+00-00_toy_TID.eval": 0,
        "2026-01-01T10-05-00+00-00_toy_TID.json": 6,
    }
    # A log whose every sample errored (no rows, each sample a bad line) is retried as much.
    every = errored_log("DDD", "2026-01-01T09:00:00+00:00")
    for sample in every["samples"]:
        sample["error"] = {"message": "RateLimitError: 429"}
    write_eval(tmp_path / "logs" / "run0" / "2026-01-01T09-00-00+00-00_toy_TID.eval", every)
    again = load_dir(tmp_path / "logs")
    assert run_table(again) == {MODEL: ONE_LOG}
    assert again.errors == []
    assert [n.split(": retried as ")[0] for n in again.notes] == [
        "run0/2026-01-01T09-00-00+00-00_toy_TID.eval",
        "run1/2026-01-01T10-00-00+00-00_toy_TID.eval",
    ]
    # Two finished logs of one task id (an eval set run twice keeps its tasks' ids) are two runs.
    done = log("CCC", "2026-01-01T10:00:00+00:00")
    write_eval(tmp_path / "sets" / "a" / "x.eval", done)
    write_eval(tmp_path / "sets" / "b" / "y.eval", retry)
    assert len(run_table(load_dir(tmp_path / "sets"))) == 2


def test_inspect_logs_of_other_tasks_in_two_folders_stay_one_run(tmp_path: Path) -> None:
    other = log("Y", "2024-05-02T10:00:00")
    other["eval"]["task"] = "other_task"
    write_eval(tmp_path / "a" / "x.eval", log("X", "2024-05-01T10:00:00"))
    write_eval(tmp_path / "b" / "y.eval", other)
    # their prompts cannot merge (prompt ids carry the task): one run of the model, 6 prompts
    assert run_table(load_dir(tmp_path)) == {MODEL: (6, 12, 12, 0.6667)}


def _lm_eval_run(folder: Path, date: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in (f"samples_asdiv_{date}.json", f"results_{date}.json"):
        shutil.copy(MID_2024 / name, folder / name)


def test_lm_eval_runs_in_two_output_folders_are_two_runs(tmp_path: Path) -> None:
    _lm_eval_run(tmp_path / "out" / "modelA", MID_DATES[0])
    _lm_eval_run(tmp_path / "out2" / "modelA", MID_DATES[1])
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    # run 1: 10 docs all acc 1; run 2: acc 0 on docs 0-2 -> 0.7; one generation per doc
    assert run_table(result) == {
        f"{LLAMA} @ {MID_DATES[0]}": (10, 10, 10, 1.0),
        f"{LLAMA} @ {MID_DATES[1]}": (10, 10, 10, 0.7),
    }
    assert set(result.stats["count"]) == {1}


def test_lm_eval_one_runs_tasks_stay_one_run_beside_another_folder(tmp_path: Path) -> None:
    # out/m holds run 1 of asdiv and of a second task (the same docs, renamed) -- one run, one
    # date id; out2/m holds run 2 of asdiv. Run 1's both tasks carry its date: 20 prompts.
    first = tmp_path / "out" / "m"
    _lm_eval_run(first, MID_DATES[0])
    shutil.copy(
        MID_2024 / f"samples_asdiv_{MID_DATES[0]}.json",
        first / f"samples_asdiv2_{MID_DATES[0]}.json",
    )
    _lm_eval_run(tmp_path / "out2" / "m", MID_DATES[1])
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert run_table(result) == {
        f"{LLAMA} @ {MID_DATES[0]}": (20, 20, 20, 1.0),
        f"{LLAMA} @ {MID_DATES[1]}": (10, 10, 10, 0.7),
    }


def test_lm_eval_runs_in_two_folders_compare_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _lm_eval_run(tmp_path / "out" / "modelA", MID_DATES[0])
    _lm_eval_run(tmp_path / "out2" / "modelA", MID_DATES[1])
    assert main(["compare", str(tmp_path), "--no-cache", "-q"]) == 0
    out = capsys.readouterr().out
    # 10 shared prompts; docs 0, 1, 2 solved in run 1 and not in run 2: 30 points
    assert "10 prompts in both runs" in out and "30.0 pts" in out
    assert "· unchanged 7" in out
    # The two runs' labels (64 cells each) are cut where they are alike (the org, meta-llama/,
    # left out first): each keeps its whole date, which tells them apart.
    headline = out.splitlines()[0]
    name = LLAMA.split("/", 1)[1]
    for date in MID_DATES[:2]:
        assert f"…{name} @ {date}" in headline, headline


def test_labels_stay_apart_when_the_rows_come_from_the_cache(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A warm headless run takes each file's rows from the cache: the labels still tell the
    # runs apart (they are made after reading, from every file loaded, never cached per file).
    _lm_eval_run(tmp_path / "data" / "out" / "modelA", MID_DATES[0])
    _lm_eval_run(tmp_path / "data" / "out2" / "modelA", MID_DATES[1])
    out = tmp_path / "combined.json"
    argv = ["summarize", str(tmp_path / "data"), "-o", str(out), "--model", str(word_tokenizer)]
    argv += ["--cache-dir", str(tmp_path / "cache")]
    for _run in range(2):
        assert main(argv) == 0
        err = capsys.readouterr().err
        assert (
            "runs         2\n" in err
            and "prompts      10 in 2 runs (20 rows, run × prompt)\n" in err
        )
        runs = {row["run"] for row in json.loads(out.read_text(encoding="utf-8"))}
        assert runs == {f"{LLAMA} @ {MID_DATES[0]}", f"{LLAMA} @ {MID_DATES[1]}"}
    assert "cache hits   2 of 2 files" in err


def test_hostile_folder_names_in_labels_are_shown_sanitised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Runs started at the same second are told apart by folder: the folder's name (an OSC 0
    # title sequence) becomes part of the label, and is made visible wherever it is shown.
    hostile = "a\x1b]0;pwned\x07"
    write_eval(tmp_path / hostile / "x.eval", log("X", "2024-05-01T10:00:00"))
    write_eval(tmp_path / "b" / "y.eval", log("Y", "2024-05-01T10:00:00"))
    result = load_dir(tmp_path)
    assert sorted(run_table(result)) == [f"{MODEL} @ {hostile}", f"{MODEL} @ b"]
    assert (
        main(
            [
                "summarize",
                str(tmp_path),
                "-o",
                str(tmp_path / "c.json"),
                "--no-cache",
                "--table",
                "text",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err and "\x07" not in captured.out + captured.err
    assert f"{MODEL} @ a␛]0;pwned" in captured.out


# --- the rule itself ---------------------------------------------------------------------------


def test_short_folders_drop_only_what_all_share() -> None:
    assert short_folders(["out/modelA", "out2/modelA"]) == ["out", "out2"]
    assert short_folders(["logs/a", "logs/b"]) == ["a", "b"]
    assert short_folders([".", "sub"]) == [".", "sub"]
    assert short_folders(["a", "a/b"]) == ["a", "a/b"]  # never shortened to nothing
    assert short_folders(["x/m/r1", "x/m/r2", "x/n/r1"]) == ["m/r1", "m/r2", "n/r1"]


def test_run_tags_use_the_shortest_part_that_tells_runs_apart() -> None:
    def ident(key: str, started: str, task: str = "t") -> RunIdentity:
        return RunIdentity("m", key, task, started)

    # distinct start times: those
    assert run_tags([(ident("k1", "T1"), "a/f"), (ident("k2", "T2"), "a/g")]) == {
        ("m", "k1", "a"): "T1",
        ("m", "k2", "a"): "T2",
    }
    # same start time, other folders: the folders
    assert run_tags([(ident("k1", "T"), "x/f"), (ident("k2", "T"), "y/g")]) == {
        ("m", "k1", "x"): "x",
        ("m", "k2", "y"): "y",
    }
    # same start time and folder: the run's own id
    assert run_tags([(ident("k1", "T"), "x/f"), (ident("k2", "T"), "x/g")]) == {
        ("m", "k1", "x"): "k1",
        ("m", "k2", "x"): "k2",
    }
    # three runs where neither the time nor the folder alone is enough: both
    tags = run_tags(
        [(ident("k1", "T1"), "x/f"), (ident("k2", "T1"), "y/f"), (ident("k3", "T2"), "x/g")]
    )
    assert sorted(tags.values()) == ["T1 x", "T1 y", "T2 x"]
    # runs of one label that share no task: nothing to tell apart
    assert run_tags([(ident("k1", "T1", "t1"), "f"), (ident("k2", "T2", "t2"), "g")]) == {}
    # files of one run (one key in one folder): one run
    assert run_tags([(ident("k1", "T1", "t1"), "x/f"), (ident("k1", "T1", "t1"), "x/g")]) == {}


def test_a_folder_name_with_a_backslash_or_an_undecodable_byte_tags_its_run_as_it_reads(
    tmp_path: Path,
) -> None:
    """Two Inspect runs started at the same second, told apart by their folders: a folder
    named with the byte 0xff (shown \\xff, as every path) tagged its run '/xff' (the folder's
    backslashes were read as separators: 'model @ /xff' named no folder), and a folder named
    'a\\b' (a backslash is a name's character on POSIX) 'a/b'."""
    for name in (b"\xff", b"a\\b"):
        folder = tmp_path / "out" / os.fsdecode(name) / "logs"
        write_eval(folder / "x.eval", log(name.hex(), "2024-05-01T10:00:00"))
    result = load_dir(tmp_path / "out")
    assert sorted(run_table(result)) == [f"{MODEL} @ \\xff", f"{MODEL} @ a\\b"]


def test_following_a_second_run_that_arrives_in_another_folder(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    # Following logs/: one log of the model, then a second run of it appears in another folder
    # (the labels of both change), then it goes again: the followed result equals a fresh load
    # of the files at every step.
    from evaltui.data.follow import Follower
    from tests.data.test_follow import assert_same

    data = tmp_path / "logs"
    write_eval(data / "a" / "x.eval", log("X", "2024-05-01T10:00:00"))
    opts = LoadOptions(model=str(word_tokenizer), use_cache=False)
    follower = Follower([data], opts)
    assert run_table(follower.load()) == {MODEL: ONE_LOG}
    write_eval(data / "b" / "y.eval", log("Y", "2024-05-02T10:00:00"))
    update = follower.poll()
    assert update is not None
    assert run_table(update.result) == {
        f"{MODEL} @ 2024-05-01T10:00:00": ONE_LOG,
        f"{MODEL} @ 2024-05-02T10:00:00": ONE_LOG,
    }
    assert_same(update.result, [data], opts)
    (data / "b" / "y.eval").unlink()  # the second run goes: one run, untagged again
    update = follower.poll()
    assert update is not None and run_table(update.result) == {MODEL: ONE_LOG}
    assert_same(update.result, [data], opts)

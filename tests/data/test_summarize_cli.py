"""`evaltui summarize`: both command forms, the combined JSON, the summary, atomic writes, exit codes."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data import discover, export
from evaltui.data.export import atomic_open, write_combined_json
from tests.conftest import write_jsonl
from tests.data.test_loader import SIX


@pytest.fixture
def evals(tmp_path: Path) -> Path:
    root = tmp_path / "evals"
    write_jsonl(root / "model_a" / "inference_0.jsonl", SIX[:3])
    write_jsonl(root / "model_a" / "inference_1.jsonl", SIX[3:], raw_lines=["{broken"])
    write_jsonl(
        root / "model_a" / "notes.jsonl",
        [{"prompt": "ignored by pattern", "gen": "x", "accuracy": 1}],
    )
    return root


def test_summarize_with_output_flag(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: Any
) -> None:
    out = tmp_path / "out" / "combined.json"
    code = main(
        [
            "summarize",
            str(evals),
            "-o",
            str(out),
            "--model",
            str(word_tokenizer),
            "--cache-dir",
            str(tmp_path / "c"),
            "--pattern",
            "inference_*.jsonl",
        ]
    )
    assert code == 0
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [r["prompt"] for r in records] == ["What is 1+1?", "What is 2+2?", "Name a prime."]
    assert list(records[0])[:8] == [
        "prompt",
        "answer",
        "count",
        "total_accuracy_count",
        "average_accuracy",
        "max_gen_length",
        "avg_gen_length",
        "gen_lengths",
    ]
    assert list(records[0])[8:14] == [
        "run",
        "prompt_id",
        "min_gen_length",
        "median_gen_length",
        "n_correct",
        "n_scored",
    ]
    assert [r["count"] for r in records] == [2, 3, 1]
    assert [r["average_accuracy"] for r in records] == [0.5, 1.0, 1.0]
    assert records[0]["gen_lengths"] == [4, 5] and records[0]["max_gen_length"] == 5
    err = capsys.readouterr().err
    assert "prompts      3" in err and "generations  6" in err
    assert "bad lines    1" in err and "model_a/inference_1.jsonl:4: not valid JSON" in err
    assert f"tokenizer    {word_tokenizer}" in err


@pytest.mark.parametrize("companions", [1, 2])
def test_the_files_line_counts_companions_in_words(
    tmp_path: Path, word_tokenizer: Path, capsys: Any, companions: int
) -> None:
    """'1 companion (config/results) files ignored': the count's noun in the right number."""
    run = tmp_path / "evals" / "run"
    for name in ["x", "y"][:companions]:  # a results file beside its samples
        write_jsonl(run / f"{name}.jsonl", SIX[:1])
        (run / f"{name}_metrics.json").write_text(
            '{"acc": 1.0, "num_samples": 1}', encoding="utf-8"
        )
    args = ["summarize", str(tmp_path / "evals"), "-o", str(tmp_path / "out.json")]
    assert main([*args, "--model", str(word_tokenizer), "--no-cache"]) == 0
    files = next(line for line in capsys.readouterr().err.splitlines() if line.startswith("files"))
    noun = "file" if companions == 1 else "files"
    assert files.endswith(f" read, {companions} companion (config/results) {noun} ignored"), files


def test_a_warm_load_of_a_subfolder_names_its_files_from_there(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: Any
) -> None:
    """`evaltui evals`, then `evaltui evals/model_a`: the second load took the first one's cached
    rows, which name the files from `evals` ("model_a/inference_1.jsonl"); its bad line was
    named so, and exporting its records failed ("no longer known to this load")."""
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    common += ["--pattern", "inference_*.jsonl"]
    assert main(["summarize", str(evals), "-q", "-o", str(tmp_path / "all.json"), *common]) == 0
    capsys.readouterr()
    out = tmp_path / "a.json"
    assert main(["summarize", str(evals / "model_a"), "-o", str(out), *common]) == 0
    err = capsys.readouterr().err
    assert "inference_1.jsonl:4: not valid JSON" in err and "model_a/inference_1" not in err
    assert "cached lengths" in err and "self-checked" not in err  # no tokenizer loaded to count
    records = tmp_path / "records.jsonl"
    code = main(["export", str(evals / "model_a"), "--records", "-o", str(records), "-q", *common])
    assert code == 0
    written = sorted(records.read_text(encoding="utf-8").splitlines())
    lines = [
        line
        for name in ("inference_0.jsonl", "inference_1.jsonl")
        for line in (evals / "model_a" / name).read_text(encoding="utf-8").splitlines()
        if line != "{broken"
    ]
    assert written == sorted(lines)


def test_batch_script_flags_and_defaults(
    evals: Path, tmp_path: Path, word_tokenizer: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(
        [
            "summarize",
            "--input_data_dir",
            str(evals),
            "--model_name_or_path",
            str(word_tokenizer),
            "--num_proc",
            "2",
            "--cache-dir",
            str(tmp_path / "c"),
        ]
    )
    assert code == 0
    # Defaults of the batch script: ./summary/combined_accuracy_summary.json, pattern *.jsonl.
    records = json.loads((tmp_path / "summary" / "combined_accuracy_summary.json").read_text())
    assert len(records) == 4  # notes.jsonl matches *.jsonl too
    code = main(
        [
            "summarize",
            "--input_data_dir",
            str(evals),
            "--input_file_pattern",
            "inference_*.jsonl",
            "--output_data_dir",
            str(tmp_path / "s2"),
            "--output_filename",
            "final_report.json",
            "--model_name_or_path",
            str(word_tokenizer),
            "--cache-dir",
            str(tmp_path / "c"),
        ]
    )
    assert code == 0
    assert len(json.loads((tmp_path / "s2" / "final_report.json").read_text())) == 3


def test_missing_input_exits_2_with_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "evaltui.cli",
            "summarize",
            str(tmp_path / "nope"),
            "-o",
            str(tmp_path / "x.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"evaltui: error: {tmp_path / 'nope'}: no such file or directory"
    (tmp_path / "empty_dir").mkdir()
    code = main(["summarize", str(tmp_path / "empty_dir"), "-o", str(tmp_path / "x.json")])
    assert code == 2
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["summarize"],
        ["export", "--records"],
        ["export", "--as", "csv"],
        # polars' Parquet writer told the broken pipe as a ComputeError: a traceback.
        ["export", "--as", "parquet"],
    ],
)
def test_a_reader_that_leaves_the_pipe_is_not_an_error(command: list[str], tmp_path: Path) -> None:
    """`evaltui summarize … -o - | head`: head goes away after a few bytes; evaltui stops
    without an error message (it said "cannot write -: Broken pipe")."""
    rows = [
        {
            # Text that does not compress (Parquet's dictionary and compression made 3,000
            # prompts of one repeated letter a few KiB, written before the reader left).
            "prompt": f"prompt {i} " + hashlib.sha256(str(i).encode()).hexdigest() * 4,
            "gen": "an answer",
            "answer": "1",
            "accuracy": i % 2,
        }
        for i in range(3000)
    ]  # far more than a pipe holds (64 KiB), whatever is written
    write_jsonl(tmp_path / "evals" / "inference_0.jsonl", rows)
    options = ["-o", "-", "-q", "--cache-dir", str(tmp_path / "cache")]
    proc = subprocess.Popen(
        [sys.executable, "-m", "evaltui.cli", *command, str(tmp_path / "evals"), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert stderr == ""
    assert proc.returncode == 0  # a `set -o pipefail` script goes on (tests/data/test_pipes.py)


def test_atomic_write_never_leaves_half_a_file(tmp_path: Path, monkeypatch: Any) -> None:
    target = tmp_path / "combined.json"
    target.write_text("previous content")
    stats = pl.DataFrame({"prompt": ["p"], "count": [1]})

    def explode(*_a: Any, **_k: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(export, "json_text", explode)
    with pytest.raises(OSError, match="disk full"):
        write_combined_json(stats, target)
    assert target.read_text() == "previous content"
    assert [p.name for p in tmp_path.iterdir()] == ["combined.json"]  # no temp file left behind
    monkeypatch.undo()
    write_combined_json(stats, target)
    assert json.loads(target.read_text()) == [{"prompt": "p", "count": 1}]


def test_atomic_open_replaces_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old")
    with atomic_open(target) as handle:
        handle.write("new")
        assert target.read_text() == "old"  # nothing visible until the write is complete
    assert target.read_text() == "new"


def test_the_end_summary_keeps_each_bad_line_note_and_skip_to_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], word_tokenizer: Path
) -> None:
    """A reason can quote a whole multi-line prompt (an Inspect sample's error message): the
    summary on stderr shows it on one line, cut, instead of flooding the terminal."""
    from evaltui.cli import main

    data = tmp_path / "data" / "m"
    data.mkdir(parents=True)
    (data / "out.jsonl").write_text(
        json.dumps({"prompt": "p", "gen": "g", "accuracy": 1})
        + "\n"
        + json.dumps({"prompt": "q", "gen": "g", "accuracy": "x" * 2000 + "\nsecond line"})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.json"
    args = ["summarize", str(tmp_path / "data"), "--model", str(word_tokenizer), "-o", str(out)]
    assert main([*args, "--no-cache"]) == 0
    err = capsys.readouterr().err
    bad = [line for line in err.splitlines() if "out.jsonl:" in line]
    # Each on one line: its label column (at most 13 characters) and the text cut at 300. The
    # file has no reference field, so a note names it too (the names looked for are many).
    assert bad and all(len(line) <= 13 + 300 for line in bad), [len(line) for line in bad]
    assert "second line" not in err


def test_the_end_summary_says_how_many_skips_and_notes_it_does_not_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], word_tokenizer: Path
) -> None:
    # One readable file beside 7 that no reader recognises (dataset inputs: lines without a
    # generation): the summary lists the first 5 skips and says "… and 2 more skipped files"
    # (notes the same way), never stops at 5 without a word.
    data = tmp_path / "data" / "m"
    write_jsonl(data / "out.jsonl", SIX[:2])
    for i in range(7):
        write_jsonl(data / f"input_{i}.jsonl", [{"question": f"q{i}", "solution": "s"}])
    out = tmp_path / "o.json"
    args = ["summarize", str(tmp_path / "data"), "--model", str(word_tokenizer), "-o", str(out)]
    assert main([*args, "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "7 skipped" in err
    assert sum(line.startswith("skipped ") for line in err.splitlines()) == 5
    assert (
        "  … and 2 more skipped files (every one: --bad-lines FILE, or the app's b)"
        in err.splitlines()
    )


# Runs `evaltui ARGS…` in this process (polars not imported before), then reports the pools.
POOLS = """
import json, os, sys, threading
from evaltui.cli import main
code = main(sys.argv[1:])
import polars
print(json.dumps({
    "code": code,
    "polars": polars.thread_pool_size(),
    "rayon": os.environ.get("RAYON_NUM_THREADS"),
    "count_threads": sum(t.name.startswith("evaltui-count") for t in threading.enumerate()),
}))
"""


def test_num_proc_bounds_every_thread_pool(evals: Path, tmp_path: Path) -> None:
    """--num-proc N sizes polars' pool (fixed when polars is first imported), the tokenizer's
    Rayon pool and the count path's threads, not only the reading threads."""
    cores = os.cpu_count() or 1
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("POLARS_MAX_THREADS", "RAYON_NUM_THREADS", "RAYON_RS_NUM_CPUS")
    }
    runs = [("--num-proc", 1), ("--num_proc=", 1), ("--num-p", 1), ("--num-proc", 2)]
    for flag, n in [*runs, ("--num_proc", 64)]:
        number = [f"{flag}{n}"] if flag.endswith("=") else [flag, str(n)]
        args = ["summarize", str(evals), "-q", "--no-cache", *number]
        args += ["-o", str(tmp_path / f"out{n}.json")]
        proc = subprocess.run(
            [sys.executable, "-c", POOLS, *args], capture_output=True, text=True, env=env
        )
        assert proc.returncode == 0, proc.stderr
        pools = json.loads(proc.stdout.splitlines()[-1])
        expected = min(n, cores)
        assert pools["code"] == 0
        assert pools["polars"] == expected
        assert pools["rayon"] == str(expected)
        assert pools["count_threads"] <= (expected if expected > 1 else 0)
    proc = subprocess.run(
        [sys.executable, "-c", POOLS, "summarize", str(evals), "-q", "--no-cache", "-o", "-"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert json.loads(proc.stdout.splitlines()[-1])["polars"] == cores  # default: all cores


def test_num_proc_help_says_it_bounds_every_pool(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        main(["summarize", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "the size of every thread pool evaltui starts: polars'" in help_text


def _through_fifo(fifo: Path, argv: list[str]) -> tuple[int, bytes | None]:
    """Run ``argv`` while a thread reads ``fifo``; its exit code and what the reader got (None:
    nothing was ever written into the pipe)."""
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    code = main(argv)
    if fifo.is_fifo() and not got:
        with contextlib.suppress(OSError), open(fifo, "wb"):
            pass  # the reader waits for a writer that never came (a failed run): end it
    reader.join(timeout=30)
    return code, (got[0] or None) if got else None


def test_an_output_that_is_a_fifo_or_a_device_is_written_into_not_replaced(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``-o FIFO`` (a named pipe, ``-o >(gzip > x)``) and ``-o /dev/null`` are written into, as
    a shell's ``>`` does. The atomic write put a regular file in their place instead (run as
    root, ``-o /dev/full`` replaced the device node in /dev); the pipe's reader got nothing."""
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, got = _through_fifo(fifo, ["summarize", str(evals), "-o", str(fifo), *common])
    assert fifo.is_fifo() and code == 0, capsys.readouterr().err
    assert got is not None and len(json.loads(got)) == 4
    code, got = _through_fifo(fifo, ["export", str(evals), "-o", str(fifo), "--as", "csv", *common])
    assert fifo.is_fifo() and code == 0, capsys.readouterr().err
    assert got is not None and pl.read_csv(got).height == 4
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("pipe")] == ["pipe"]  # no mark
    # (Only once a FIFO is written into: the old code, run as root, replaced the devices.)
    code = main(["summarize", str(evals), "-o", "/dev/null", *common])
    assert code == 0 and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not Path("/dev/null.evaltui.json").exists()
    if stat.S_ISCHR(os.stat("/dev/full").st_mode):
        code = main(["export", str(evals), "-o", "/dev/full", "--records", *common])
        assert code == 1 and "No space left on device" in capsys.readouterr().err
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_an_output_that_is_an_input_file_is_refused_and_the_input_kept(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export --records --quick never -o <an input> --force`` wrote the 1 never-solved prompt's
    records over the 160-line file they came from (and a manifest that then hid it from every
    later load as 'written by evaltui'); ``summarize``/``rescore -o <an input>`` replaced it with
    the combined JSON. Whatever name reaches the file (a symlink, a hard link), each command
    refuses before writing; a summary of an earlier run in the input folder is still replaced."""
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    first = evals / "model_a" / "inference_0.jsonl"
    data = first.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(first)
    os.link(first, tmp_path / "hard.jsonl")
    (evals / "model_b").mkdir()
    (evals / "model_b" / "inference_0.jsonl").write_bytes(data)  # two runs to compare
    rescored = tmp_path / "r.json"
    rescore = ["rescore", str(evals), "--scorer", "exact", "--workers", "1"]
    for output in (first, tmp_path / "link.jsonl", tmp_path / "hard.jsonl"):
        for command in (
            ["export", str(evals), "-o", str(output), "--records", "--force", "--where", "n > 1"],
            ["export", str(evals), "-o", str(output), "--as", "csv", "--force"],
            ["summarize", str(evals), "-o", str(output)],
            ["compare", str(evals), "-o", str(output)],
            [*rescore, "-o", str(output)],
            [*rescore, "-o", str(rescored), "--generations", str(output)],
        ):
            assert main([*command, *common]) == 2, command
            err = capsys.readouterr().err
            assert "is the input file model_a/inference_0.jsonl" in err, (command, err)
            assert first.read_bytes() == data, command
            assert not list(evals.rglob("*.evaltui.json")), command
            assert not rescored.exists()
    summary = evals / "summary.json"
    assert main(["summarize", str(evals), "-o", str(summary), *common]) == 0
    assert main(["summarize", str(evals), "-o", str(summary), *common]) == 0  # its own: replaced
    os.unlink(summary.with_name("summary.json.evaltui.json"))  # a summary with no mark too
    assert main(["summarize", str(evals), "-o", str(summary), *common]) == 0
    assert first.read_bytes() == data


def test_a_pipe_as_input_is_refused_at_once_and_a_pipe_in_a_folder_is_listed(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``evaltui summarize <(zcat x.jsonl.gz)`` failed naming /proc/<pid>/fd/pipe:[…] and 'No
    such file or directory'; a named pipe given as PATH hung for ever waiting for a writer; one
    in a folder was left out without a word. evaltui reads a file more than once (the counts,
    the records of an export), so a pipe is no input: said at once, naming the path given."""
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    fifo = tmp_path / "named.jsonl"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run(
        [sys.executable, "-m", "evaltui.cli", "summarize", str(fifo), "-o", "-", *common],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"evaltui: error: {fifo}: {discover.PIPE_INPUT}\n"
    read, write = os.pipe()
    try:
        code = main(["summarize", f"/dev/fd/{read}", "-o", str(tmp_path / "s.json"), *common])
    finally:
        os.close(read)
        os.close(write)
    assert code == 2 and f"/dev/fd/{read}: {discover.PIPE_INPUT}" in capsys.readouterr().err
    os.rename(fifo, evals / "model_a" / "named.jsonl")
    code = main(["summarize", str(evals), "-o", str(tmp_path / "s.json"), *common])
    assert code == 0
    assert f"model_a/named.jsonl: {discover.PIPE_INPUT}" in capsys.readouterr().err


KILLED_MID_WRITE = """
import os, signal, sys
from evaltui import cli
from evaltui.data import export

real = export.write_combined_json_to


def killed(stats, handle):
    handle.write(b"[\\n  {")
    handle.flush()
    os.kill(os.getpid(), signal.SIG{name})
    real(stats, handle)


export.write_combined_json_to = killed
sys.exit(cli.main())
"""


@pytest.mark.parametrize("name", ["TERM", "HUP"])
def test_killed_mid_write_leaves_the_old_file_and_nothing_else(
    name: str, evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """``kill PID`` (SIGTERM; a closed terminal's SIGHUP) while the output was written ended
    the process at once: the half-written temp file stayed beside the output, and the output's
    manifest, written before the write, stayed too, claiming the old file as evaltui's (a later
    load skipped it). Now it ends as Ctrl-C does, with 128 + the signal's number."""
    out = tmp_path / "out" / "summary.json"
    out.parent.mkdir()
    out.write_text("previous")
    argv = ["evaltui", "summarize", str(evals), "-o", str(out), "--model", str(word_tokenizer)]
    argv += ["--cache-dir", str(tmp_path / "c"), "-q"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_MID_WRITE.replace("{name}", name), *argv[1:]],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    number = getattr(signal, f"SIG{name}")
    assert proc.returncode == 128 + number, proc.stderr
    assert "Traceback" not in proc.stderr and f"evaltui: stopped by SIG{name}" in proc.stderr
    assert out.read_text() == "previous"
    assert [p.name for p in out.parent.iterdir()] == ["summary.json"]


def test_a_field_flag_naming_a_field_no_record_has_is_told(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--score-field acc`` (a typo of accuracy) made every generation unscored without a word:
    exit 0, 'score unscored'. Each file whose records all lack the named field says so, with the
    fields they have; a field some records have is not told."""
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    out = str(tmp_path / "s.json")
    for flag in ("--score-field", "--answer-field"):
        assert main(["summarize", str(evals), "-o", out, flag, "acc", *common]) == 0
        err = capsys.readouterr().err
        # Said once for the two files it is true of (each has 3 records), naming them.
        told = f"2 files: {flag} 'acc' is in none of its 3 records"
        assert any(
            told in line and "model_a/inference_0.jsonl" in line for line in err.splitlines()
        )
        assert "(their fields: prompt, gen, answer, accuracy)" in err
    assert main(["summarize", str(evals), "-o", out, "--score-field", "accuracy", *common]) == 0
    assert "is in none of" not in capsys.readouterr().err


def test_a_field_flag_on_files_of_a_harness_format_is_told_it_does_not_apply(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--score-field`` (and the other field flags) is read by the plain JSONL reader only: on
    an lm-eval folder beside plain files it changed nothing for the lm-eval files, without a
    word. The load says which flags and how many files of which formats keep their own fields."""
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "lm_eval"
    model = fixtures / "outputs" / "run_scripted" / "toy-org__scripted-model-v1"
    shutil.copytree(model, evals / "lm_eval_run")
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    out = str(tmp_path / "s.json")
    argv = ["summarize", str(evals), "-o", out, "--score-field", "accuracy", *common]
    assert main([*argv, "--answer-field", "answer"]) == 0
    err = capsys.readouterr().err
    assert (
        "--answer-field, --score-field apply to plain JSON lines only: "
        "4 files read as lm_eval keep their format's own fields"
    ) in err
    assert main(argv) == 0  # the same, from the cache's snapshot
    assert "--score-field applies to plain JSON lines only: 4 files" in capsys.readouterr().err
    shutil.rmtree(evals / "lm_eval_run")
    assert main(argv) == 0
    assert "plain JSON lines only" not in capsys.readouterr().err


def test_an_empty_or_folder_output_path_is_an_error_not_a_traceback(
    evals: Path,
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``-o ''`` (an unset shell variable: ``-o "$OUT"``), ``-o .`` and ``-o /`` ended
    summarize, compare and rescore with a traceback ("PosixPath('.') has an empty name")."""
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    write_jsonl(evals / "model_b" / "inference_0.jsonl", SIX[:3])  # a second run to compare
    commands = [
        ["summarize", str(evals)],
        ["export", str(evals)],
        ["compare", str(evals), "--runs", "model_a", "model_b"],
        ["rescore", str(evals), "--scorer", "exact", "--workers", "1"],
    ]
    monkeypatch.chdir(tmp_path)

    def exit_code(argv: list[str]) -> int:
        with pytest.raises(SystemExit) as stopped:  # argparse's usage error
            main(argv)
        return int(str(stopped.value.code))

    for command in commands:
        assert exit_code([*command, "-o", "", *common]) == 2, command
        err = capsys.readouterr().err
        assert "-o/--output: an empty path" in err and "Traceback" not in err, command
        for folder in (".", str(tmp_path)):
            assert main([*command, "-o", folder, *common]) in (1, 2), command
            err = capsys.readouterr().err
            assert "a folder" in err and "Traceback" not in err, (command, err)
    rescore = [*commands[-1], "-o", str(tmp_path / "r.json"), "--generations", "", *common]
    assert exit_code(rescore) == 2
    assert "--generations: an empty path" in capsys.readouterr().err
    # Nothing written, not even the cache "c": every one of these is said before the load.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evals", "tok"]


def test_an_output_under_a_file_names_that_file(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``-o results.json/summary.json`` where results.json is a file said 'cannot write …:
    File exists' (mkdir's words for a name that is taken)."""
    (tmp_path / "results.json").write_text("kept")
    out = tmp_path / "results.json" / "deeper" / "s.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["summarize", str(evals), "-o", str(out), *common]) == 1
    err = capsys.readouterr().err
    assert f"cannot write {out}: {tmp_path / 'results.json'} is a file, not a folder" in err
    assert (tmp_path / "results.json").read_text() == "kept"


def test_every_command_tells_the_bad_lines_and_skipped_files_it_left_out(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """export, compare and rescore said nothing of the lines they could not read nor of the
    files they skipped (only summarize's end summary did): an export looked complete. Each now
    lists them on stderr, and with -q every command says how many in one warning line."""
    (evals / "model_a" / "empty.jsonl").write_text("")
    write_jsonl(evals / "model_b" / "inference_0.jsonl", SIX[:3])  # a second run to compare
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    out = str(tmp_path / "out.json")
    rescore = ["rescore", str(evals), "--scorer", "exact", "--workers", "1", "-o", out]
    for command in (
        ["summarize", str(evals), "-o", out],
        ["export", str(evals), "-o", out, "--force"],
        ["compare", str(evals), "--runs", "model_a", "model_b"],
        rescore,
    ):
        assert main([*command, *common]) == 0
        err = capsys.readouterr().err
        assert "bad lines    1\n  model_a/inference_1.jsonl:4: not valid JSON" in err, command
        assert "skipped      model_a/empty.jsonl: empty file" in err, command
        assert main([*command, *common, "-q"]) == 0
        assert capsys.readouterr().err == (
            "evaltui: warning: 1 bad line, 1 file skipped (not in the output; without -q they"
            " are listed)\n"
        ), command


def test_rescore_refuses_one_path_for_both_outputs(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``rescore -o X --generations X`` wrote the combined JSON, then the per-generation lines
    over it (exit 0: the combined JSON was gone); with ``-`` for both, stdout held a JSON list
    and JSON lines run together."""
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    out = tmp_path / "r.json"
    rescore = ["rescore", str(evals), "--scorer", "exact", "--workers", "1"]
    for first, second in (
        (str(out), str(out)),
        ("-", "-"),
        (str(out), str(tmp_path / ".." / tmp_path.name / "r.json")),
    ):
        with pytest.raises(SystemExit) as stopped:
            main([*rescore, "-o", first, "--generations", second, *common])
        assert stopped.value.code == 2
        said = "both write to stdout" if first == "-" else "-o and --generations name the same"
        assert said in capsys.readouterr().err
        assert not out.exists()


def test_an_empty_cache_or_output_folder_is_a_usage_error(
    evals: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--cache-dir "$CACHE"`` with CACHE unset put the cache's shard folders (69/, d8/, …) in
    the working directory; ``--output_data_dir ''`` wrote the summary there."""
    monkeypatch.chdir(tmp_path)
    for flag in ("--cache-dir", "--output_data_dir"):
        with pytest.raises(SystemExit) as stopped:
            main(["summarize", str(evals), flag, "", "-q"])
        assert stopped.value.code == 2
        assert ": an empty path: give a folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evals"]


def test_export_records_with_another_as_is_a_usage_error(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export --records --as csv`` wrote the stats as CSV: --as won and --records was ignored
    without a word. Two different answers to what to write are a usage error; the same is fine."""
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    out = tmp_path / "out.csv"
    with pytest.raises(SystemExit) as exit_:
        main(["export", str(evals), "-o", str(out), "--records", "--as", "csv", *common])
    assert exit_.value.code == 2
    assert "--records and --as csv ask for different outputs" in capsys.readouterr().err
    assert not out.exists()
    assert (
        main(["export", str(evals), "-o", str(out), "--records", "--as", "records", *common]) == 0
    )
    assert json.loads(out.read_text().splitlines()[0])  # the records, as JSON lines


def test_a_label_over_several_folders_says_their_runs_are_pooled(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--label`` over a folder of two models made them one run (each prompt with both models'
    samples) and nothing said so. A note says how many files and folders went under the label;
    one folder under a label is what the label is for, and says nothing."""
    write_jsonl(evals / "model_b" / "inference_0.jsonl", SIX[:3])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    out = str(tmp_path / "s.json")
    assert main(["summarize", str(evals), "-o", out, "--label", "Qwen/Qwen2.5-7B", *common]) == 0
    err = capsys.readouterr().err
    assert "--label 'Qwen/Qwen2.5-7B' names every file's run: 4 files from 2 folders" in err
    assert "models told apart by their folder are pooled" in err
    first = json.loads(Path(out).read_text())[0]
    assert (first["prompt"], first["count"]) == ("What is 1+1?", 4)  # both folders' samples
    folder = str(evals / "model_a")
    assert main(["summarize", folder, "-o", out, "--label", "Qwen/Qwen2.5-7B", *common]) == 0
    assert "names every file's run" not in capsys.readouterr().err


class _Terminal:
    """A stderr that says it is a terminal and keeps what is written to it."""

    def __init__(self) -> None:
        self.text: list[str] = []

    def write(self, text: str) -> int:
        self.text.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError("not a real terminal")


def test_the_progress_bar_names_files_while_reading_and_generations_while_tokenizing(
    evals: Path, tmp_path: Path, word_tokenizer: Path, monkeypatch: Any
) -> None:
    """On a terminal the bar said "2/2 generations" for 2 files read (its unit was a fixed
    "generations"), flipping with "tokenizing 6/6 generations" on the same line."""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm")
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    code = main(
        [
            "summarize",
            str(evals),
            "-o",
            str(tmp_path / "s.json"),
            "--pattern",
            "inference_*",
            *common,
        ]
    )
    assert code == 0
    shown = "".join(terminal.text)
    # The bar's last frame, drawn when the load ends (then cleared): both counts, each named.
    assert re.search(r"reading\b[^\n]*\b2/2 files", shown), shown
    assert re.search(r"tokenizing\b[^\n]*\b6/6 generations", shown), shown
    assert "2/2 generations" not in shown


@pytest.mark.parametrize("command", ["summarize", "export", "compare", "rescore"])
def test_every_headless_help_ends_with_its_exit_codes_and_says_what_q_does(
    command: str, capsys: Any
) -> None:
    """A script author reads --help: the exit codes were in no help text (nor all in the
    README), and export's and compare's -q had no help at all."""
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    status = help_text[help_text.index("exit status:") :]
    assert status.startswith("exit status: 0 written (")
    assert "; 1 the output could not be written" in status
    assert "; 2 nothing written: a usage error" in status
    assert "; 130, 143, 129 stopped by Ctrl-C, SIGTERM, SIGHUP" in status
    # Only summarize has --follow: the others' help does not tell how a follow ends.
    assert ("with --follow" in status) == (command == "summarize")
    quiet = help_text[help_text.index("-q, --quiet") :]
    assert "bad lines and skipped files as one warning line" in quiet


@pytest.mark.parametrize("command", ["summarize", "export", "compare", "rescore"])
def test_every_headless_option_has_a_help_text_and_is_in_the_readme(command: str) -> None:
    """--prompt-field, --gen-field, --answer-field and --score-field showed in every --help as
    a bare name with nothing said; export's --run was in no line of the README."""
    import argparse
    import importlib

    from evaltui.cli import summarize_parser

    module = {"summarize": None, "export": "export", "compare": "compare", "rescore": "rescore"}
    name = module[command]
    parser = (
        summarize_parser()
        if name is None
        else getattr(importlib.import_module(f"evaltui.commands.{name}"), f"{name}_parser")()
    )
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or not action.option_strings:
            continue
        flags = action.option_strings
        assert action.help and action.help.strip(), f"{command} {flags[0]}: no help text"
        named = [rf"(?<![\w-]){re.escape(flag)}(?![\w-])" for flag in flags]
        assert any(re.search(pattern, readme) for pattern in named), (
            f"{command} {flags}: not in the README"
        )


def test_the_documented_exit_codes_are_the_ones_given(
    evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """What the help's "exit status" says, checked: 0 with a bad line left out, 2 for a missing
    path and for a folder with nothing to read, 1 for an output that cannot be written."""
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    out = str(tmp_path / "s.json")
    assert main(["summarize", str(evals), "-o", out, *common]) == 0  # "{broken" left out
    assert main(["summarize", str(tmp_path / "nope"), "-o", out, *common]) == 2
    (tmp_path / "empty").mkdir()
    assert main(["summarize", str(tmp_path / "empty"), "-o", out, *common]) == 2
    (tmp_path / "file").write_text("x")
    assert main(["summarize", str(evals), "-o", str(tmp_path / "file" / "s.json"), *common]) == 1


def test_the_readme_lists_the_combined_json_keys_in_their_order(
    evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """README "The combined JSON" names every key, in order (the triage keys were missing)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The combined JSON") :]
    section = section[: section.index("(`n_correct` and pass@k")]
    documented = [
        key
        for quoted in re.findall(r"`([^`]+)`", section)
        if ", " in quoted
        for key in quoted.replace("\n", " ").split(", ")
    ]
    out = tmp_path / "s.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["summarize", str(evals), "-o", str(out), *common]) == 0
    written = list(json.loads(out.read_text(encoding="utf-8"))[0])
    # pass@k… stands for pass@1, pass@2, …; maj@n for maj@<largest n>.
    expanded: list[str] = []
    for key in documented:
        if key == "pass@k…":
            expanded += [k for k in written if re.fullmatch(r"pass@\d+", k)]
        elif key == "maj@n":
            expanded += [k for k in written if re.fullmatch(r"maj@\d+", k)]
        else:
            expanded.append(key)
    assert expanded == written


def test_python_dash_m_evaltui_runs_the_command_line(evals: Path, tmp_path: Path) -> None:
    # `python -m evaltui summarize …` is how a script or a venv without the console script on
    # PATH runs evaltui: the package itself must be runnable, with the same exit codes.
    out = tmp_path / "m.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "evaltui",
            "summarize",
            str(evals),
            "-q",
            "--no-cache",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr
    assert {record["prompt"] for record in json.loads(out.read_text(encoding="utf-8"))}
    missing = subprocess.run(
        [sys.executable, "-m", "evaltui", "summarize", str(tmp_path / "nope"), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert missing.returncode == 2
    assert missing.stderr.startswith("evaltui: error:")


@pytest.mark.parametrize("value", ["0", "-2"])
def test_num_proc_below_one_is_a_usage_error(
    evals: Path, tmp_path: Path, capsys: Any, value: str
) -> None:
    # `--num-proc 0` ran on every core and `--num-proc -2` on one, both without a word.
    out = tmp_path / "x.json"
    with pytest.raises(SystemExit) as stopped:
        main(["summarize", str(evals), "-o", str(out), f"--num-proc={value}"])
    assert stopped.value.code == 2
    assert f"argument --num-proc/--num_proc: '{value}': give 1 or more" in capsys.readouterr().err
    assert not out.exists()


def test_prompts_with_several_references_are_said(tmp_path: Path, capsys: Any) -> None:
    # One prompt text, two problems (a templated instruction with the problem elsewhere):
    # their generations are one prompt whose answer is the first reference seen. It was said
    # only by a key of the combined JSON, `answer_conflict`.
    rows = [
        {"prompt": "Solve the problem.", "gen": "\\boxed{4}", "answer": "4", "accuracy": 1},
        {"prompt": "Solve the problem.", "gen": "\\boxed{9}", "answer": "9", "accuracy": 1},
        {"prompt": "Another", "gen": "x", "answer": "1", "accuracy": 0},
    ]
    write_jsonl(tmp_path / "evals" / "run" / "a.jsonl", rows)
    out = tmp_path / "s.json"
    assert main(["summarize", str(tmp_path / "evals"), "-o", str(out), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "note         1 prompt with more than one reference among its generations" in err
    assert "'Solve the problem.'" in err
    assert [r["answer_conflict"] for r in json.loads(out.read_text())] == [True, False]
    argv = ["export", str(tmp_path / "evals"), "-o", str(tmp_path / "e.csv"), "--no-cache"]
    assert main(argv) == 0
    assert "1 prompt with more than one reference" in capsys.readouterr().err


@pytest.mark.parametrize("stderr", ["full", "closed"])
def test_messages_that_cannot_be_written_do_not_stop_the_output(
    evals: Path, tmp_path: Path, stderr: str
) -> None:
    # stderr on a full disk (`2>/dev/full`) or closed (`2>&-`, a cron job): the summary lines
    # raised (OSError; AttributeError on Python's sys.stderr None) and the command ended with
    # exit 1 -- with `2>&-` before writing its output at all.
    out = tmp_path / "s.json"
    command = [sys.executable, "-m", "evaltui", "summarize", str(evals), "-o", str(out)]
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [*command, "--no-cache"],
            stdout=subprocess.PIPE,
            stderr=full if stderr == "full" else None,
            preexec_fn=(lambda: os.close(2)) if stderr == "closed" else None,
            cwd=Path(__file__).resolve().parents[2],
        )
    assert proc.returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))


def test_the_summary_gives_the_mean_of_runs_whose_score_is_no_accuracy(
    tmp_path: Path, word_tokenizer: Path, capsys: Any
) -> None:
    """Runs scored only on a continuous scale (a 0-100 score, an mae) ended with no score line
    at all while the app's header said ``mean score 45.000``: the summary gives each run's mean
    in its own units, named as the header names it."""
    one = write_jsonl(
        tmp_path / "m" / "a.jsonl",
        [
            {"prompt": "p", "gen": "g", "score": 30},
            {"prompt": "q", "gen": "h", "score": 60},
        ],
    )
    args = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main(["summarize", str(one), "-o", str(tmp_path / "one.json"), *args]) == 0
    err = capsys.readouterr().err
    assert "mean score   45.0000 mean over scored generations" in err

    for name, rows in (("x", [1.0, 2.0]), ("y", [3.0, 3.0])):
        write_jsonl(
            tmp_path / "two" / name / "a.jsonl",
            [{"prompt": f"p{i}", "gen": "g", "mae": v} for i, v in enumerate(rows)],
        )
    flags = [*args, "--score-field", "mae"]
    assert main(["summarize", str(tmp_path / "two"), "-o", str(tmp_path / "two.json"), *flags]) == 0
    err = capsys.readouterr().err
    assert "mean mae     by run" in err
    assert re.search(r"^  x  1\.5000$", err, re.M) and re.search(r"^  y  3\.0000$", err, re.M), err


def test_the_pooled_accuracy_says_it_leaves_a_continuous_run_out(
    tmp_path: Path, word_tokenizer: Path, capsys: Any
) -> None:
    """Two accuracy runs and a 0–100 score's run: "accuracy 0.5000 pooled over every run's
    scored generations" was the two accuracy runs' alone (the other's are scored, not in it)."""
    for run, field, scores in (
        ("a", "accuracy", [1, 0]),
        ("b", "accuracy", [1, 0]),
        ("c", "score", [35.0, 80.0]),
    ):
        write_jsonl(
            tmp_path / "evals" / run / "out.jsonl",
            [
                {"prompt": f"p{i}", "gen": "g", "answer": "1", field: s}
                for i, s in enumerate(scores)
            ],
        )
    argv = ["summarize", str(tmp_path / "evals"), "-o", str(tmp_path / "s.json")]
    assert main([*argv, "--model", str(word_tokenizer), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert (
        "accuracy     0.5000 pooled over the scored generations of the runs whose score is an"
        " accuracy; by run:\n  a  0.5000\n  b  0.5000\n"
    ) in err, err


@pytest.mark.parametrize(
    ("name", "scores", "runs", "line"),
    [
        # a 0–1 reward (GRPO's format reward), one run and two
        ("format_reward", [0.0, 0.25, 0.75, 1.0], 1, "0.5000 mean format_reward over scored"),
        ("format_reward", [0.0, 0.25, 0.75, 1.0], 2, "0.5000 mean format_reward pooled over"),
        # a continuous one (lm-eval's truthfulqa bleu_max: 'mean bleu_max 19.6836', a cell out)
        ("bleu_max", [10.0, 20.0, 30.0, 40.0], 1, "25.0000 mean bleu_max over scored"),
        ("bleu_max", [10.0, 20.0, 30.0, 40.0], 2, "mean bleu_max by run, over each"),
    ],
)
def test_a_long_measure_name_keeps_the_summarys_values_in_line(
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: Any,
    name: str,
    scores: list[float],
    runs: int,
    line: str,
) -> None:
    """The end summary's labels are 12 cells, its values after them: 'mean format_reward'
    pushed its value 7 cells right of the others ('mean format_reward 0.5000' under
    'generations  8'). A mean whose name is longer than the label is 'mean score', the line
    naming it after the value."""
    for run in ("a", "b")[:runs]:
        write_jsonl(
            tmp_path / "evals" / run / "out.jsonl",
            [{"prompt": f"p{i // 2}", "gen": "g", name: s} for i, s in enumerate(scores)],
        )
    argv = ["summarize", str(tmp_path / "evals"), "-o", str(tmp_path / "s.json")]
    argv += ["--score-field", name, "--model", str(word_tokenizer), "--no-cache"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    labelled = [row for row in err.splitlines() if row[:1] != " " and row.strip()]
    assert all(row[12] == " " and row[13] != " " for row in labelled), err
    assert f"\nmean score   {line}" in err, err

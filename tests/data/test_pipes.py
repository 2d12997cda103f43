"""Headless commands in pipelines: a reader of standard output (or of stderr) that stops early
(`| head`) ends evaltui quietly with exit code 0, so `set -o pipefail` scripts go on, and the
outputs that are files are still written; a named pipe whose reader left is an error."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import write_jsonl

ROWS = [
    {"prompt": f"prompt {i}", "gen": f"the answer is {i % 3}", "answer": "1", "accuracy": i % 2}
    for i in range(40)
]


#: What `rescore --scorer exact -q` says of ROWS, whose stored verdicts exact mostly contradicts.
DOUBT_LINE = (
    "evaltui: warning: exact disagrees with most stored verdicts of 2 files (without -q each is "
    "said, with the scorer that scores as its task did)\n"
)


@pytest.fixture
def evals(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "evals" / "model_a" / "inference_0.jsonl", ROWS)
    write_jsonl(tmp_path / "evals" / "model_b" / "inference_0.jsonl", ROWS[::-1])
    return tmp_path / "evals"


def run_with_closed(which: str, argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``evaltui ARGV`` with its standard output (``which`` = "stdout") or error ("stderr")
    a pipe whose reader has already gone: every write to it fails with EPIPE, whatever its size
    (a reader that leaves after a few bytes fails only writes past the pipe's buffer)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    try:
        streams = (
            {"stdout": write_end, "stderr": subprocess.PIPE}
            if which == "stdout"
            else {"stdout": subprocess.PIPE, "stderr": write_end}
        )
        return subprocess.run(
            [sys.executable, "-m", "evaltui.cli", *argv],
            cwd=cwd,
            env=env,
            text=True,
            timeout=300,
            check=False,
            **streams,  # type: ignore[call-overload]
        )
    finally:
        os.close(write_end)


# Each writes to standard output, which then breaks; "wrote" names a file that must still be
# written beside it (the report of compare or rescore --compare goes to stdout, the data to -o).
STDOUT_COMMANDS = {
    "summarize -o -": (["summarize", "-o", "-"], None),
    "summarize --table": (["summarize", "-o", "{tmp}/s.json", "--table"], "s.json"),
    "export combined": (["export", "-o", "-"], None),
    "export records": (["export", "-o", "-", "--records"], None),
    "export csv": (["export", "-o", "-", "--as", "csv"], None),
    "export parquet": (["export", "-o", "-", "--as", "parquet"], None),
    # polars' own writer into the device: its broken pipe was "cannot write" and exit 1
    "export csv /dev/stdout": (["export", "-o", "/dev/stdout", "--as", "csv"], None),
    "compare report": (["compare", "-o", "{tmp}/cmp.csv"], "cmp.csv"),
    "compare -o -": (["compare", "-o", "-"], None),
    # the summary's broken pipe ended the command before -o was written
    "compare --summary-json -": (
        ["compare", "--summary-json", "-", "-o", "{tmp}/cmp.csv"],
        "cmp.csv",
    ),
    "rescore -o -": (
        [
            "rescore",
            "--scorer",
            "exact",
            "--workers",
            "1",
            "-o",
            "-",
            "--generations",
            "{tmp}/g.jsonl",
        ],
        "g.jsonl",
    ),
    "rescore --compare": (
        ["rescore", "--scorer", "exact", "--workers", "1", "-o", "{tmp}/r.json", "--compare"],
        "r.json",
    ),
}


@pytest.mark.parametrize("name", list(STDOUT_COMMANDS))
def test_a_reader_of_stdout_that_left_ends_evaltui_with_0_and_files_still_written(
    name: str, evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """Exit code 1 failed `set -o pipefail` scripts (`evaltui export … -o - | head -1`), and
    the files beside the report were lost: `compare -o cmp.csv | head` stopped at the report,
    before cmp.csv; `rescore -o - --generations g.jsonl | head` never wrote g.jsonl."""
    argv, written = STDOUT_COMMANDS[name]
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    proc = run_with_closed("stdout", [argv[0], str(evals), *argv[1:], *common], tmp_path)
    assert proc.returncode == 0, proc.stderr
    # No traceback, no "Broken pipe", no "Exception ignored" (compare -o - says its report there).
    assert not any(word in proc.stderr for word in ("Traceback", "rror", "pipe", "xception"))
    # ROWS' stored verdicts (i % 2) are not their answers' (i % 3 against '1'): exact calls 13
    # of the 20 stored correct wrong in each file, which -q says in one line.
    said = proc.stderr.replace(DOUBT_LINE, "") if name.startswith("rescore") else proc.stderr
    assert said == "" or name in ("compare -o -", "compare --summary-json -")
    if written is not None:
        assert (tmp_path / written).stat().st_size > 0
        assert (tmp_path / f"{written}.evaltui.json").exists()


@pytest.mark.parametrize("argv", [["formats"], ["export", "--help"], ["summarize", "--help"]])
def test_commands_without_a_load_end_quietly_too(argv: list[str], tmp_path: Path) -> None:
    proc = run_with_closed("stdout", argv, tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "")


def test_a_reader_of_stderr_that_left_stops_no_command(
    evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """`evaltui summarize … -o s.json 2>&1 | head -1`: the end summary's write to the gone
    reader raised, and the command exited 1 though s.json was written."""
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    out = tmp_path / "s.json"
    proc = run_with_closed("stderr", ["summarize", str(evals), "-o", str(out), *common], tmp_path)
    assert proc.returncode == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 80
    proc = run_with_closed(
        "stderr", ["export", str(evals), "-o", str(tmp_path / "e.csv"), *common], tmp_path
    )
    assert proc.returncode == 0 and (tmp_path / "e.csv").read_text().count("\n") == 81


def test_a_named_pipe_whose_reader_left_is_an_error_that_names_it(
    evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """`-o fifo` (or `-o >(gzip > x)`) whose reader went away: what it was to get is lost, so
    exit 1 with the output named (it exited 1 without a word)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def read_a_little() -> None:
        with open(fifo, "rb") as handle:
            handle.read(10)

    reader = threading.Thread(target=read_a_little, daemon=True)
    reader.start()
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    # Far more than a pipe holds, so the write outlives the reader.
    write_jsonl(tmp_path / "evals" / "big" / "inference_0.jsonl", ROWS * 2000)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "evaltui.cli",
            "export",
            str(evals),
            "-o",
            str(fifo),
            "--records",
            *common,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    reader.join(timeout=30)
    assert proc.returncode == 1
    assert (
        proc.stderr == f"evaltui: error: cannot write {fifo}: its reader went away (broken pipe)\n"
    )


@pytest.mark.parametrize("command", ["summarize", "export", "compare", "rescore", "formats"])
def test_every_help_says_a_reader_that_stops_early_is_exit_0(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from evaltui.cli import main

    with pytest.raises(SystemExit):
        main([command, "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    status = help_text[help_text.index("exit status:") :]
    assert status.startswith("exit status: 0")
    assert "also when the reader of standard output stops early (| head)" in status
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "also when the reader of\n  standard output stops early (`| head`" in readme


@pytest.mark.skipif(
    not Path("/dev/full").exists() or not stat.S_ISCHR(os.stat("/dev/full").st_mode),
    reason="no /dev/full",
)
def test_a_parquet_write_that_fails_is_an_error_line_not_a_traceback(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export -o /dev/full --as parquet` (a full disk): polars' Parquet writer raised
    "ComputeError: parquet: File out of specification: Invalid thrift: transport error", a
    traceback. Now the write's own error, exit 1."""
    from evaltui.cli import main

    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    code = main(["export", str(evals), "-o", "/dev/full", "--as", "parquet", *common])
    assert code == 1
    assert capsys.readouterr().err == (
        "evaltui: error: cannot write /dev/full: No space left on device\n"
    )
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


# --bad-lines - is standard output too: its reader leaving must not cost the files written
# beside it (each row: the command's argv after PATH, and the file it must still write).
BAD_LINES_TO_STDOUT = {
    "summarize": (["summarize", "-o", "{tmp}/s.json"], "s.json"),
    "export": (["export", "-o", "{tmp}/e.csv"], "e.csv"),
    "compare": (["compare", "-o", "{tmp}/cmp.csv"], "cmp.csv"),
    "rescore": (
        ["rescore", "--scorer", "exact", "--workers", "1", "-o", "{tmp}/r.json"],
        "r.json",
    ),
}


@pytest.mark.parametrize("name", list(BAD_LINES_TO_STDOUT))
def test_bad_lines_to_a_reader_that_left_still_writes_the_output_file(
    name: str, evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """`summarize -o s.json --bad-lines - | head -1`: the broken pipe of the bad lines left
    the all-or-none write, which then kept every output as it was: exit 0 and no s.json (the
    same in export and rescore), and not a word on stderr of the bad lines left out."""
    with (evals / "model_a" / "inference_0.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    argv, written = BAD_LINES_TO_STDOUT[name]
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    proc = run_with_closed(
        "stdout", [argv[0], str(evals), *argv[1:], "--bad-lines", "-", *common], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / written).stat().st_size > 0
    assert (tmp_path / f"{written}.evaltui.json").exists()
    assert not any(word in proc.stderr for word in ("Traceback", "rror", "pipe", "xception"))
    assert "evaltui: warning: 1 bad line (not in the output; listed on standard output)" in (
        proc.stderr
    )


def test_rescore_to_a_reader_that_left_still_says_its_summary(
    evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """`rescore -o - | head -1`: the broken pipe ended the command at the write, so its summary
    (and the bad lines left out) were never said; summarize -o - says its own."""
    with (evals / "model_a" / "inference_0.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    argv = ["rescore", str(evals), "--scorer", "exact", "--workers", "1", "-o", "-", *common]
    proc = run_with_closed("stdout", argv, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "scorer       exact" in proc.stderr
    assert "wrote        (standard output, until its reader left)" in proc.stderr
    assert "model_a/inference_0.jsonl:41: not valid JSON" in proc.stderr
    quiet = run_with_closed("stdout", [*argv, "-q"], tmp_path)
    assert quiet.stderr == (
        "evaltui: warning: 1 bad line (not in the output; without -q they are listed)\n"
        + DOUBT_LINE
    )


def test_parquet_to_a_terminal_is_a_usage_error_before_the_load(
    evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """`export -o - --as parquet` in a terminal was refused once every file was read, as a
    write that failed (exit 1, 'cannot write -: …'); what -o and --as ask is known at once."""
    import pty

    main_end, terminal = pty.openpty()
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    argv = ["export", str(evals), "-o", "-", "--as", "parquet", *common]
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "evaltui.cli", *argv],
            stdout=terminal,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        )
    finally:
        os.close(terminal)
        os.close(main_end)
    assert proc.returncode == 2
    assert proc.stderr == (
        "evaltui: error: -o -: Parquet is binary: write it to a file or a pipe, not to the"
        " terminal\n"
    )
    assert not (tmp_path / "c").exists()  # nothing was read (the cache never opened)

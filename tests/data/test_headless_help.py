"""``--help`` and ``--version`` as a script meets them: their text is standard output like any
other, so standard output full or closed is exit 1 with a message, a reader that left is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

HELP_ARGV = {
    "app --help": ["--help"],
    "app --version": ["--version"],
    "summarize --help": ["summarize", "--help"],
    "export --help": ["export", "--help"],
    "compare -h": ["compare", "-h"],
    "rescore --help": ["rescore", "--help"],
    "formats --help": ["formats", "--help"],
}


def evaltui(
    argv: list[str], *, buffered: bool = False, **streams: Any
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if buffered:
        env.pop("PYTHONUNBUFFERED", None)
    else:
        env["PYTHONUNBUFFERED"] = "1"
    streams.setdefault("stdout", subprocess.PIPE)
    streams.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "evaltui", *argv], env=env, timeout=120, check=False, **streams
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("buffered", [False, True], ids=["unbuffered", "buffered"])
@pytest.mark.parametrize("name", list(HELP_ARGV))
def test_help_to_a_full_standard_output_is_an_error(name: str, buffered: bool) -> None:
    """`evaltui --help > /dev/full` ended with exit 0 and not a word (argparse swallows the
    OSError); with a buffered stdout, exit 120 and Python's 'Exception ignored' at exit."""
    with open("/dev/full", "wb") as full:
        proc = evaltui(HELP_ARGV[name], buffered=buffered, stdout=full)
    assert proc.returncode == 1
    assert proc.stderr.decode() == (
        "evaltui: error: cannot write standard output: No space left on device\n"
    )


@pytest.mark.parametrize("name", list(HELP_ARGV))
def test_help_with_standard_output_closed_is_an_error(name: str) -> None:
    """`evaltui --help >&-`: argparse wrote the help on stderr instead, exit 0."""
    proc = evaltui(HELP_ARGV[name], stdout=None, preexec_fn=lambda: os.close(1))
    assert proc.returncode == 1
    assert proc.stderr.decode() == (
        "evaltui: error: cannot write standard output: standard output is closed\n"
    )


@pytest.mark.parametrize("name", list(HELP_ARGV))
def test_help_is_on_standard_output_alone(name: str) -> None:
    proc = evaltui(HELP_ARGV[name])
    assert proc.returncode == 0
    assert proc.stderr == b""
    assert proc.stdout.startswith(b"usage: evaltui" if "version" not in name else b"evaltui ")


def test_help_to_a_reader_that_left_ends_quietly() -> None:
    """`evaltui export --help | head -1` once head has gone: a broken pipe, exit 0, nothing said
    (a script under `set -o pipefail` goes on)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = evaltui(["export", "--help"], stdout=write_end)
    finally:
        os.close(write_end)
    assert proc.returncode == 0
    assert proc.stderr == b""


def test_a_usage_error_is_still_on_stderr() -> None:
    proc = evaltui(["summarize", "--no-such-flag"])
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert b"unrecognized arguments: --no-such-flag" in proc.stderr


BUFFERED_WRITERS = {
    "formats": ["formats"],
    "export -o -": ["export", "{evals}", "-o", "-"],
    "summarize --table": ["summarize", "{evals}", "-o", "{tmp}/s.json", "--table"],
    "compare report": ["compare", "{evals}"],
}


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("name", list(BUFFERED_WRITERS))
def test_a_buffered_standard_output_that_is_full_is_said_once(
    name: str, tmp_path: Path, word_tokenizer: Path
) -> None:
    """As the console script runs (no PYTHONUNBUFFERED), `formats > /dev/full` said its error,
    then Python's flush at exit failed again on the text left in the buffer: 'Exception ignored
    in: <_io.TextIOWrapper name='<stdout>'…> OSError: [Errno 28]' and exit 120."""
    from tests.conftest import write_jsonl

    rows = [{"prompt": f"p{i}", "gen": "the answer is 1", "answer": "1"} for i in range(4)]
    write_jsonl(tmp_path / "evals" / "a" / "inference_0.jsonl", rows)
    write_jsonl(tmp_path / "evals" / "b" / "inference_0.jsonl", rows[::-1])
    argv = [
        a.replace("{evals}", str(tmp_path / "evals")).replace("{tmp}", str(tmp_path))
        for a in BUFFERED_WRITERS[name]
    ]
    if name != "formats":
        argv += ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    with open("/dev/full", "wb") as full:
        proc = evaltui(argv, buffered=True, stdout=full, cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert err.startswith("evaltui: error: cannot write ")
    assert err.endswith(": No space left on device\n") and err.count("\n") == 1, err


def cjk_runs(root: Path) -> Path:
    from tests.conftest import write_jsonl

    rows = [
        {"prompt": f"p{i}", "gen": "the answer is 1", "answer": "1", "accuracy": i % 2}
        for i in range(4)
    ]
    write_jsonl(root / "evals" / "模型一" / "inference_0.jsonl", rows)
    write_jsonl(root / "evals" / "模型二" / "inference_0.jsonl", rows[::-1])
    return root / "evals"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("flag", ["-o", "--summary-json"])
def test_data_on_standard_output_is_utf8_whatever_its_encoding(
    flag: str, encoding: str, tmp_path: Path, word_tokenizer: Path
) -> None:
    """With standard output in another encoding (a Latin-1 locale, PYTHONIOENCODING=ascii),
    `compare -o -` and `--summary-json -` ended in a UnicodeEncodeError traceback on a CJK run
    label. The data is now the UTF-8 bytes `-o FILE` holds (summarize's and export's were)."""
    evals = cjk_runs(tmp_path)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": encoding}
    run = [sys.executable, "-m", "evaltui", "compare", str(evals), *common]
    proc = subprocess.run([*run, flag, "-"], env=env, capture_output=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert b"Traceback" not in proc.stderr
    saved = tmp_path / "out"
    subprocess.run([*run, flag, str(saved)], env=env, capture_output=True, check=True, timeout=120)
    assert proc.stdout == saved.read_bytes()
    assert "模型一".encode() in proc.stdout


@pytest.mark.parametrize(
    "argv",
    [["compare", "{evals}"], ["summarize", "{evals}", "-o", "{tmp}/s.json", "--table"], ["--help"]],
    ids=["compare report", "summarize --table", "--help"],
)
def test_text_on_an_ascii_standard_output_is_escaped_not_a_traceback(
    argv: list[str], tmp_path: Path, word_tokenizer: Path
) -> None:
    """compare's report ('→', the labels), the text table ('–', '…') and --help ('PATH…') on a
    standard output that cannot encode them ended in a UnicodeEncodeError traceback, exit 1.
    They are written as Python writes such characters on stderr (a CJK label \\u6a21), but
    evaltui's own glyphs in ASCII ('->', '...'; headless32)."""
    evals = cjk_runs(tmp_path)
    argv = [a.replace("{evals}", str(evals)).replace("{tmp}", str(tmp_path)) for a in argv]
    if argv[0] != "--help":
        argv += ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii"}
    proc = subprocess.run(
        [sys.executable, "-m", "evaltui", *argv],
        env=env,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert proc.stderr == b""
    assert proc.stdout.isascii()
    if argv[0] == "compare":
        assert b"\\u6a21\\u578b\\u4e00" in proc.stdout and b"% -> " in proc.stdout
        assert b"\\u2192" not in proc.stdout
    if argv[0] == "--help":
        assert b"PATH... opens the app" in proc.stdout and b"\\u" not in proc.stdout


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["summarize", "export", "compare"])
def test_dash_output_that_cannot_be_written_is_called_standard_output(
    command: str, tmp_path: Path, word_tokenizer: Path
) -> None:
    """`-o - > /dev/full` said 'cannot write -: No space left on device' (a file named '-'?),
    where a table or report says 'cannot write standard output: …' (the README's words)."""
    evals = cjk_runs(tmp_path)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    with open("/dev/full", "wb") as full:
        proc = evaltui([command, str(evals), "-o", "-", *common], stdout=full)
    assert proc.returncode == 1
    assert proc.stderr.decode().endswith(
        "evaltui: error: cannot write standard output: No space left on device\n"
    )


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_csv_table_on_standard_output_is_utf8_whatever_its_encoding(
    encoding: str, tmp_path: Path, word_tokenizer: Path
) -> None:
    """`summarize --table csv` is data for a program, as `-o -` is: on an ASCII or Latin-1
    standard output its run cells read '\\u6a21\\u578b\\u4e00' (a label no other output of the
    load has, the combined JSON's run '模型一'). Now UTF-8, as the combined JSON's bytes."""
    import csv
    import io
    import json

    evals = cjk_runs(tmp_path)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": encoding}
    saved = tmp_path / "s.json"
    argv = ["summarize", str(evals), "-o", str(saved), "--table", "csv", *common]
    proc = subprocess.run(
        [sys.executable, "-m", "evaltui", *argv],
        env=env,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert b"\\u" not in proc.stdout
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode("utf-8"))))
    runs = {row["run"] for row in json.loads(saved.read_text(encoding="utf-8"))}
    assert {row["run"] for row in rows} == runs == {"模型一", "模型二"}


def test_the_text_table_on_an_ascii_standard_output_lines_up(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """On PYTHONIOENCODING=ascii the text table was laid out, then written with '模型一'
    as '\\u6a21\\u578b\\u4e00' (18 cells where 6 were measured): that run's column stood 12
    cells right of its header's dashes. Each cell is measured as written now."""
    evals = cjk_runs(tmp_path)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii", "COLUMNS": "200"}
    argv = ["summarize", str(evals), "-o", str(tmp_path / "s.json"), "--table", *common]
    proc = subprocess.run(
        [sys.executable, "-m", "evaltui", *argv],
        env=env,
        capture_output=True,
        check=True,
        timeout=120,
    )
    lines = proc.stdout.decode("ascii").splitlines()
    assert "\\u6a21\\u578b\\u4e00" in lines[0]
    # Every row of the block ends where the header's dashes end (right-aligned columns).
    block = lines[: lines.index(next(line for line in lines if line.startswith("never/")))]
    assert {len(line) for line in block} == {len(lines[1])}, "\n".join(block)

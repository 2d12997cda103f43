"""The headless commands as a script author meets them: an output named /dev/stdout is standard
output for every command, empty names are usage errors, a cache that cannot be written is said
under -q too, and records that are not strict JSON are said to be so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from evaltui.cli import main
from tests.conftest import write_jsonl

ROWS = [
    {"prompt": f"prompt {i}", "gen": f"the answer is {i % 3}", "answer": "1", "accuracy": i % 2}
    for i in range(6)
]


@pytest.fixture
def evals(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "evals" / "model_a" / "inference_0.jsonl", ROWS)
    write_jsonl(tmp_path / "evals" / "model_b" / "inference_0.jsonl", ROWS[::-1])
    return tmp_path / "evals"


def common(tmp_path: Path, tokenizer: Path) -> list[str]:
    return ["--model", str(tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]


def evaltui(argv: list[str], cwd: Path, **streams: Any) -> subprocess.CompletedProcess[bytes]:
    """``evaltui ARGV`` in its own process (standard output a real descriptor)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    streams.setdefault("stdout", subprocess.PIPE)
    streams.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "evaltui.cli", *argv],
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
        **streams,
    )


def test_compare_to_dev_stdout_leaves_standard_output_to_the_data(
    evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """`compare … -o /dev/stdout | jq`: the report was printed on standard output before the
    JSON (only `-o -` sent it to stderr), and jq failed on 'model_a vs model_b: …'."""
    proc = evaltui(
        ["compare", str(evals), "-o", "/dev/stdout", *common(tmp_path, word_tokenizer)], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == 6 and rows[0]["run_a"] == "model_a"
    assert b"model_a" in proc.stderr and b"95% CI" in proc.stderr


def test_export_to_dev_stdout_redirected_into_a_file_is_written(
    evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """`export … -o /dev/stdout > x.json`: the shell made x.json before evaltui ran, and the
    export was refused as '/dev/stdout exists (use --force to overwrite)', exit 2."""
    target = tmp_path / "x.json"
    with target.open("wb") as handle:
        proc = evaltui(
            ["export", str(evals), "-o", "/dev/stdout", *common(tmp_path, word_tokenizer)],
            tmp_path,
            stdout=handle,
        )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(target.read_bytes())) == 12


EMPTY_NAMES = [
    ["summarize", "-o", "{tmp}/s.json", "--label", ""],
    ["summarize", "-o", "{tmp}/s.json", "--prompt-field", ""],
    ["summarize", "-o", "{tmp}/s.json", "--gen-field", ""],
    ["summarize", "-o", "{tmp}/s.json", "--answer-field", ""],
    ["summarize", "-o", "{tmp}/s.json", "--score-field", ""],
    ["summarize", "-o", "{tmp}/s.json", "--metric", ""],
    ["summarize", "-o", "{tmp}/s.json", "--format", ""],
    ["export", "-o", "{tmp}/e.json", "--run", ""],
    ["export", "-o", "{tmp}/e.json", "--label=", "--records"],
    ["compare", "--runs", "model_a", ""],
    ["rescore", "--scorer", "exact", "-o", "{tmp}/r.json", "--label", ""],
]


@pytest.mark.parametrize("argv", EMPTY_NAMES, ids=" ".join)
def test_an_empty_name_is_a_usage_error_before_the_load(
    argv: list[str],
    evals: Path,
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--label "$LABEL"` with LABEL unset: the empty label was taken as none given and each run
    labelled by its folder, exit 0; an empty field name looked for the default fields, an empty
    --run exported every run (one run loaded), an empty --runs item matched any run."""
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    with pytest.raises(SystemExit) as exited:
        main([argv[0], str(evals), *argv[1:], *common(tmp_path, word_tokenizer)])
    assert exited.value.code == 2
    assert "an empty name: give one, or leave the flag out" in capsys.readouterr().err
    assert not any(name.suffix == ".json" for name in tmp_path.iterdir())


@pytest.mark.parametrize(
    "flag", [["--where", ""], ["--where", "  "], ["--text", ""], ["--where=", "--records"]]
)
def test_an_empty_filter_is_a_usage_error_before_the_load(
    flag: list[str],
    evals: Path,
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`export --where "$WHERE" -o hard.jsonl` with WHERE unset wrote every prompt, exit 0,
    where an empty --run is a usage error."""
    out = tmp_path / "e.json"
    with pytest.raises(SystemExit) as exited:
        main(["export", str(evals), "-o", str(out), *flag, *common(tmp_path, word_tokenizer)])
    assert exited.value.code == 2
    assert "an empty filter: give one, or leave the flag out" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["summarize", "-o", "{tmp}/out.json"],
        ["export", "-o", "{tmp}/out.json"],
        ["compare", "-o", "{tmp}/out.json"],
        ["rescore", "--scorer", "exact", "--workers", "1", "-o", "{tmp}/out.json"],
    ],
    ids=lambda argv: argv[0],
)
def test_a_cache_that_cannot_be_written_is_said_once_under_q_and_the_output_is_written(
    argv: list[str],
    evals: Path,
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--cache-dir` a file (or read-only): without -q the summary's note said it, with -q
    nothing did, and every later run was as slow again with no word why."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    flags = ["--model", str(word_tokenizer), "--cache-dir", str(blocker), "-q"]
    assert main([argv[0], str(evals), *argv[1:], *flags]) == 0
    err = capsys.readouterr().err
    warning = f"evaltui: warning: the cache directory {blocker} cannot be written"
    assert err.count(warning) == 1, err
    assert "--no-cache" in err
    assert json.loads((tmp_path / "out.json").read_bytes())


TGPRED = (
    Path(__file__).resolve().parent.parent
    / "fixtures/real_world/lm_eval/lm-evaluation-harness/results/tgpred.json"
)


def test_records_with_infinity_are_kept_and_said_to_be_no_strict_json(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """lm-eval's tgpred samples log `"mae": Infinity` (Python's json): a records export keeps
    the lines as they are (the input's own records, read back by evaltui and by Python), but
    nothing said that 17 of its 24 lines are no JSON to a strict reader (JSON.parse failed on
    'Infinity', jq 1.6 read it as 1.797e308)."""
    out = tmp_path / "tg.jsonl"
    flags = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main(["export", str(TGPRED), "--records", "-o", str(out), *flags]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()

    def strict(line: str) -> bool:
        try:
            json.loads(line, parse_constant=lambda name: 1 / 0)
        except ZeroDivisionError:
            return False
        return True

    loose = [index for index, line in enumerate(lines, 1) if not strict(line)]
    assert len(loose) == 17 and len(lines) == 24
    samples = next((TGPRED / "gpt-4o-mini").glob("samples_*.jsonl"))
    originals = samples.read_text(encoding="utf-8").splitlines()
    assert set(lines) <= set(originals)  # each line as the source has it
    mark = json.loads(Path(f"{out}.evaltui.json").read_text(encoding="utf-8"))
    (entry,) = mark["evaltui"]["sources"]
    ranges = entry["nonstandard_json_lines"]
    held = [n for first, last in ranges for n in range(first, last + 1)]
    assert sorted(held) == sorted(
        line for line, text in zip(entry_lines(entry), lines, strict=True) if not strict(text)
    )
    err = capsys.readouterr().err
    assert "17 records with NaN or Infinity as a number, kept as the source wrote them" in err
    assert "not strict JSON" in err and "nonstandard_json_lines" in err


def entry_lines(entry: dict[str, Any]) -> list[int]:
    """A manifest source's record lines in output order, from its ``source_lines`` ranges."""
    return [n for first, last in entry["source_lines"] for n in range(first, last + 1)]


def test_table_csv_has_a_row_for_an_unscored_run(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """OpenCompass' published COREV2 predictions (no scores) gave `--table csv` its header
    alone, where the text table showed both runs (8 prompts each): a script reading the CSV
    saw no run at all."""
    import csv
    import io

    write_jsonl(tmp_path / "evals" / "scored" / "a.jsonl", ROWS)
    unscored = [{"prompt": r["prompt"], "gen": r["gen"]} for r in ROWS]
    write_jsonl(tmp_path / "evals" / "unscored" / "a.jsonl", unscored)
    flags = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    out = str(tmp_path / "s.json")
    assert main(["summarize", str(tmp_path / "evals"), "-o", out, "--table", "csv", *flags]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    (row,) = [r for r in rows if r["run"] == "unscored"]
    assert (row["prompts"], row["generations"], row["unscored"]) == ("6", "6", "6")
    assert row["metric"] == row["value"] == row["never"] == ""
    assert row["score_kind"] == "unscored"
    assert {r["metric"] for r in rows if r["run"] == "scored"} >= {"avg@1", "pass@1"}


STDOUT_WRITERS = {
    "summarize --table": ["summarize", "{evals}", "-o", "{tmp}/s.json", "--table"],
    "summarize -o -": ["summarize", "{evals}", "-o", "-"],
    "export -o -": ["export", "{evals}", "-o", "-"],
    "compare report": ["compare", "{evals}"],
    "formats": ["formats"],
}


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("stdout", ["full", "closed"])
@pytest.mark.parametrize("name", list(STDOUT_WRITERS))
def test_standard_output_that_cannot_be_written_is_an_error_not_a_traceback(
    name: str, stdout: str, evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """`> /dev/full` (a full disk) or `>&-`: the table, report or reader list raised OSError
    from cli.say (a traceback, exit 1) and `-o -` with standard output closed an
    AttributeError on sys.stdout (None) once every file was read."""
    argv = [
        a.replace("{evals}", str(evals)).replace("{tmp}", str(tmp_path))
        for a in STDOUT_WRITERS[name]
    ]
    if argv[0] != "formats":
        argv += common(tmp_path, word_tokenizer)
    if stdout == "full":
        with open("/dev/full", "wb") as full:
            proc = evaltui(argv, tmp_path, stdout=full)
    else:
        proc = evaltui(argv, tmp_path, stdout=None, preexec_fn=lambda: os.close(1))
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    reason = "No space left on device" if stdout == "full" else "standard output is closed"
    assert err.strip().endswith(reason) and err.startswith("evaltui: error: cannot write ")


@pytest.mark.parametrize(
    ("scorer", "said"),
    [
        ("exatc", "unknown scorer 'exatc'"),
        ("no_such_scorer_module:score", "no module named 'no_such_scorer_module'"),
        ("missing.py:score", "cannot import scorer module 'missing.py': no such file"),
    ],
)
def test_a_scorer_name_that_cannot_be_is_refused_before_the_load(
    scorer: str,
    said: str,
    evals: Path,
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`rescore --scorer exatc`: the typo was found by the worker once every file was read
    (minutes on a big folder), where --where's typo is said at once."""
    import evaltui.data.loader

    def no_load(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the load ran")

    monkeypatch.setattr(evaltui.data.loader, "load", no_load)
    monkeypatch.chdir(tmp_path)
    argv = ["rescore", str(evals), "--scorer", scorer, "-o", str(tmp_path / "r.json")]
    assert main([*argv, *common(tmp_path, word_tokenizer)]) == 2
    assert said in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


def test_table_csv_leaves_a_value_that_is_none_empty(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """tgpred's mean mae is inf and its interval none: `--table csv` wrote '–' (the text
    table's dash) in ci_low and ci_high, so a CSV reader took the columns as text."""
    import csv
    import io

    flags = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    out = str(tmp_path / "s.json")
    assert main(["summarize", str(TGPRED), "-o", out, "--table", "csv", *flags]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows
    for row in rows:
        for key in ("value", "ci_low", "ci_high"):
            assert row[key] == "" or isinstance(float(row[key]), float), row
    (mean,) = [r for r in rows if r["metric"] == "mean"]
    assert (mean["value"], mean["ci_low"], mean["ci_high"]) == ("inf", "", "")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["summarize", "-o", "/dev/stdout", "--table"], "-o /dev/stdout and --table"),
        (
            ["compare", "-o", "-", "--summary-json", "/dev/fd/1"],
            "-o - and --summary-json /dev/fd/1",
        ),
        (
            ["rescore", "--scorer", "exact", "-o", "/dev/stdout", "--generations", "-"],
            "-o /dev/stdout and --generations -",
        ),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else "",
)
def test_two_outputs_to_standard_output_are_named_as_given(
    argv: list[str], said: str, evals: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o /dev/stdout --table` was refused as '-o - and --table both write to stdout': the
    user, who typed no '-', was told of a flag value they did not give."""
    with pytest.raises(SystemExit) as exited:
        main([argv[0], str(evals), *argv[1:]])
    assert exited.value.code == 2
    assert f"{said} both write to stdout: choose one" in capsys.readouterr().err


def test_an_output_that_is_the_file_standard_output_goes_to_clashes_with_the_table(
    evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """`summarize -o s.json --table > s.json`: the table went into the file the shell opened,
    which the summary then replaced: exit 0, the table lost without a word."""
    target = tmp_path / "s.json"
    with target.open("wb") as handle:
        argv = ["summarize", str(evals), "-o", str(target), "--table"]
        proc = evaltui([*argv, *common(tmp_path, word_tokenizer)], tmp_path, stdout=handle)
    assert proc.returncode == 2
    assert f"-o {target} and --table both write to stdout".encode() in proc.stderr

"""Headless messages as a new user meets them: said before the load when they can be, with
the exit code the README gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaltui.cli import main


@pytest.mark.parametrize(
    "command",
    [
        ["summarize", "-o", "{out}"],
        ["compare", "-o", "{out}"],
        ["rescore", "--scorer", "exact", "-o", "{out}"],
        ["rescore", "--scorer", "exact", "-o", "{file}", "--generations", "{out}"],
        ["export", "-o", "{out}"],
    ],
    ids=["summarize", "compare", "rescore", "rescore-generations", "export"],
)
def test_an_output_that_is_a_folder_is_a_usage_error_before_the_load(
    tmp_path: Path, command: list[str], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """summarize, compare and rescore read every file first, then said "cannot write out: a
    folder, not a file" with exit 1 (export said it at once, exit 2)."""
    import evaltui.data.loader

    def no_load(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the inputs were loaded")

    monkeypatch.setattr(evaltui.data.loader, "load", no_load)
    data = tmp_path / "evals"
    data.mkdir()
    (data / "a.jsonl").write_text('{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}\n')
    out = tmp_path / "out"
    out.mkdir()
    args = [a.format(out=out, file=tmp_path / "r.json") for a in command]
    assert main([args[0], str(data), *args[1:]]) == 2
    err = capsys.readouterr().err
    assert err == f"evaltui: error: {out} is a folder: give a file path\n"
    assert list(out.iterdir()) == []


def test_a_folder_with_nothing_to_read_says_what_it_holds_and_what_to_do(
    tmp_path: Path, capsys: Any
) -> None:
    """An empty folder and a folder of CSV files both said only "no file with a known extension
    (…)"; a --pattern matching nothing said nothing of the files that are there."""
    (tmp_path / "empty").mkdir()
    assert main(["summarize", str(tmp_path / "empty"), "-o", str(tmp_path / "o.json")]) == 2
    assert capsys.readouterr().err.endswith(": the folder holds no file at all\n")
    other = tmp_path / "other"
    (other / "sub").mkdir(parents=True)
    for name in ("notes.txt", "data.csv", "sub/more.tsv", "sub/x.md", ".hidden"):
        (other / name).write_text("x\n")
    assert main(["summarize", str(other), "-o", str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no file with a known extension (" in err
    # The extensions read: not .jsonl.gz, found only to be listed as compressed, not read
    # (explore36: named among the known ones, it was taken to be read).
    assert "(.eval, .eval2, .json, .jsonl, .parquet);" in err and ".gz" not in err
    assert err.endswith(
        "; it holds 4 other files (data.csv, notes.txt, sub/more.tsv and 1 more): name a file "
        "to try it whatever its extension, or give --pattern GLOB\n"
    )
    args = [str(other), "--pattern", "*.jsonl", "-o", str(tmp_path / "o.json")]
    assert main(["summarize", *args]) == 2
    assert capsys.readouterr().err.endswith(
        "no file matching '*.jsonl'; it holds 4 other files (data.csv, notes.txt, sub/more.tsv "
        "and 1 more): give another --pattern, or none to read every file a reader accepts\n"
    )


def test_correct_threshold_for_a_run_not_loaded_names_ten_runs_and_counts_the_rest() -> None:
    """Of 100 verl steps, ``--correct-threshold typo=0.5`` listed all 100 loaded runs."""
    from evaltui.data.metrics import Thresholds

    runs = [f"val_generations · step {s}" for s in range(0, 120, 10)]
    message = Thresholds.parse(["typo=0.5"]).unknown_message(runs)
    assert message == (
        "--correct-threshold names 1 run(s) not loaded: 'typo' (runs: "
        + ", ".join(runs[:10])
        + " and 2 more)"
    )
    assert Thresholds.parse(["typo=0.5"]).unknown_message(runs[:3]) == (
        f"--correct-threshold names 1 run(s) not loaded: 'typo' (runs: {', '.join(runs[:3])})"
    )


@pytest.mark.parametrize("name", ["new/", "new/.", "new/sub/.."])
def test_an_output_named_as_a_folder_is_a_usage_error(
    tmp_path: Path, name: str, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `-o new/` (a folder not made yet): Path() drops the slash and a FILE named `new` was
    # written where the folder was meant to go, with exit 0.
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "evals"
    data.mkdir()
    (data / "a.jsonl").write_text('{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}\n')
    with pytest.raises(SystemExit) as stopped:
        main(["summarize", str(data), "-o", name, "--no-cache"])
    assert stopped.value.code == 2
    assert f"{name!r} names a folder: give a file path" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evals"]


def test_bad_lines_and_skipped_files_on_stderr_name_the_file_as_it_is_named(
    tmp_path: Path, capsys: Any, word_tokenizer: Path
) -> None:
    """The list of bad lines folded each file's name with its reason, whitespace runs to one
    space: 'd  e.jsonl' read 'd e.jsonl:2' (another file's name), 'a\\nb.jsonl' read 'a b.jsonl'
    and 'f\\tg.jsonl' 'f g.jsonl', while every other message shows them 'a␊b.jsonl', 'f␉g.jsonl'.
    A reason (a quoted prompt, an error message) is still folded onto the one line."""
    data = tmp_path / "evals"
    data.mkdir()
    good = '{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}\n'
    (data / "d  e.jsonl").write_text(good + "{bad\n")
    (data / "a\nb.jsonl").write_text(good + '{"prompt": "p", "gen": "g", "accuracy": "x\\n\\ny"}\n')
    (data / "f\tg.jsonl").write_text("xx\n")
    out = tmp_path / "s.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main(["summarize", str(data), "-o", str(out), *common]) == 0
    err = capsys.readouterr().err
    assert "\n  d  e.jsonl:2: not valid JSON" in err
    assert "\n  a␊b.jsonl:2: score 'x\\n\\ny' is not" in err
    assert "\nskipped      f␉g.jsonl: none of its 1 lines is valid JSON" in err
    assert "d e.jsonl" not in err and "a b.jsonl" not in err and "f g.jsonl" not in err


def test_an_empty_pattern_is_a_usage_error_before_the_load(tmp_path: Path, capsys: Any) -> None:
    """`--pattern "$PATTERN"` with the variable unset matched no file, and the error said the
    folder held 'no file with a known extension' while it listed the .jsonl files it held."""
    data = tmp_path / "evals"
    data.mkdir()
    (data / "a.jsonl").write_text('{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}\n')
    with pytest.raises(SystemExit) as exit_info:
        main(["summarize", str(data), "--pattern", "", "-o", str(tmp_path / "s.json")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --pattern/--input_file_pattern/--input-file-pattern: an empty glob" in err
    assert not (tmp_path / "s.json").exists()


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["", "-o", "{out}"], "an empty PATH: give a folder or a file"),
        (["--input_data_dir", "", "-o", "{out}"], "an empty PATH: give a folder or a file"),
        (
            ["{data}", "--output_data_dir", "{out}", "--output_filename", ""],
            "argument --output_filename/--output-filename: an empty name: give a file name",
        ),
    ],
    ids=["PATH", "input_data_dir", "output_filename"],
)
def test_an_empty_input_path_or_output_name_is_a_usage_error(
    tmp_path: Path, capsys: Any, flags: list[str], said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unset variable in a script: `summarize "$DIR" -o s.json` read the working directory
    (here one eval file that is no input; exit 0), and `--output_filename "$NAME"` wrote the
    combined JSON as the file OUTPUT_DATA_DIR itself, where a folder was meant."""
    data = tmp_path / "evals"
    data.mkdir()
    (data / "a.jsonl").write_text('{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}\n')
    monkeypatch.chdir(data)
    out = tmp_path / "out"
    argv = [f.replace("{data}", str(data)).replace("{out}", str(out)) for f in flags]
    with pytest.raises(SystemExit) as exit_info:
        main(["summarize", *argv, "--no-cache"])
    assert exit_info.value.code == 2
    assert said in capsys.readouterr().err
    assert not out.exists()


def test_an_output_name_with_an_undecodable_byte_is_shown_as_every_path_shows_it(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """`-o $'o\\xff.json'`: the 'wrote' lines printed the name's byte as Python keeps it,
    'o\\udcff.json' (stderr's backslashreplace of a lone surrogate), where every input path and
    the manifests show 'o\\xff.json'."""
    import os
    import subprocess
    import sys

    data = tmp_path / "evals"
    data.mkdir()
    (data / "a.jsonl").write_text('{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}\n')
    out = os.fsdecode(bytes(tmp_path) + b"/o\xff")
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for argv in (
        ["summarize", str(data), "-o", out + ".json", *common],
        ["export", str(data), "-o", out + ".csv", *common],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "evaltui.cli", *argv],
            capture_output=True,
            timeout=300,
            check=False,
            env=env,
        )
        assert proc.returncode == 0
        err = proc.stderr.decode("utf-8")
        assert f"{tmp_path}/o\\xff." in err
        assert "udcff" not in err


@pytest.mark.parametrize(
    "command",
    [
        ["summarize", "-o", "/dev/stdout", "--bad-lines", "-"],
        ["summarize", "-o", "/dev/stdout", "--table"],
        ["summarize", "-o", "{out}", "--bad-lines", "/dev/stdout", "--table"],
        ["export", "-o", "-", "--bad-lines", "/dev/stdout"],
        ["compare", "-o", "/dev/stdout", "--summary-json", "-"],
        ["rescore", "--scorer", "exact", "-o", "/dev/stdout", "--generations", "-"],
    ],
    ids=[
        "summarize-bad-lines",
        "summarize-table",
        "bad-lines-table",
        "export",
        "compare",
        "rescore",
    ],
)
def test_two_outputs_to_standard_output_by_any_name_are_a_usage_error(
    tmp_path: Path, command: list[str], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o /dev/stdout --bad-lines -` (or --table, --summary-json -, --generations -) wrote two
    outputs one after the other into standard output, a JSON document and then JSON lines no
    reader takes apart; `-o - --bad-lines -` was refused, the name /dev/stdout was not."""
    import evaltui.data.loader

    def no_load(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the inputs were loaded")

    monkeypatch.setattr(evaltui.data.loader, "load", no_load)
    data = tmp_path / "evals"
    data.mkdir()
    (data / "a.jsonl").write_text('{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}\n')
    argv = [a.replace("{out}", str(tmp_path / "s.json")) for a in command]
    with pytest.raises(SystemExit) as exit_info:
        main([argv[0], str(data), *argv[1:]])
    assert exit_info.value.code == 2
    assert "both write to stdout: choose one" in capsys.readouterr().err


def test_run_labels_in_the_end_summaries_show_their_tabs_and_newlines(
    tmp_path: Path, capsys: Any, word_tokenizer: Path
) -> None:
    """summarize's end summary (accuracy by run, triage) and rescore's run line folded a tab or
    newline in a run's folder name to a space: a run 'tab\\there' read as a run 'tab here',
    where the table, the bad lines and the app show it 'tab␉here'."""
    import json

    for name, accuracy in (("tab\there", 1), ("new\nline", 0)):
        folder = tmp_path / "evals" / name
        folder.mkdir(parents=True)
        rows = [
            {"prompt": f"p{i}", "gen": "1", "answer": "1", "accuracy": accuracy} for i in range(3)
        ]
        (folder / "x.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    argv = ["summarize", str(tmp_path / "evals"), "-o", str(tmp_path / "s.json"), *common]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "\n  new␊line  0.0000\n  tab␉here  1.0000\n" in err
    assert "\ntriage       new␊line: length cap" in err and "\n             tab␉here: " in err
    assert "tab here" not in err and "new line" not in err
    argv = ["rescore", str(tmp_path / "evals"), "--scorer", "exact", "--workers", "1"]
    assert main([*argv, "-o", str(tmp_path / "r.json"), *common]) == 0
    err = capsys.readouterr().err
    assert "\nrun          tab␉here: " in err and "\nrun          new␊line: " in err


def test_summarize_follow_names_a_bad_lines_file_as_the_end_summary_does(
    tmp_path: Path, capsys: Any
) -> None:
    """``summarize --follow`` told a bad line of 'new\\nline/x.jsonl' as 'new line/x.jsonl:2'
    (folded to a space), where the end summary, the app and the notes show 'new␊line'."""
    import json

    from evaltui.commands.follow import tell_problems
    from evaltui.data.loader import LoadOptions, load

    folder = tmp_path / "evals" / "new\nline"
    folder.mkdir(parents=True)
    good = json.dumps({"prompt": "p", "gen": "1", "answer": "1", "accuracy": 1})
    (folder / "x.jsonl").write_text(f"{good}\nnot json\n", encoding="utf-8")
    result = load([tmp_path / "evals"], LoadOptions(tokenize=False, use_cache=False))
    tell_problems(result, set(), quiet=False)
    err = capsys.readouterr().err
    assert "bad line     new␊line/x.jsonl:2: not valid JSON" in err, err
    assert "new line" not in err


def test_a_metric_a_note_suggests_can_be_pasted_back(tmp_path: Path, capsys: Any) -> None:
    """A note's ``(--metric NAME to score by that instead)`` gave the name as it was: a metric
    ``exact match`` read ``--metric exact match``, which a shell passes as two words, and one
    holding a quote could not be pasted at all. It is shell-quoted now, its control characters
    shown (``␛``), never sent to the terminal."""
    import shlex

    data = tmp_path / "evals"
    data.mkdir()
    rows = [{"prompt": "p", "gen": "g", "answer": "1", "scores": {"acc": 1, "it's f1": 0.5}}]
    (data / "a.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert main(["summarize", str(data), "-o", str(tmp_path / "s.json")]) == 0
    err = capsys.readouterr().err
    hint = err.split("(--metric ", 1)[1].split(" to score by", 1)[0]
    assert hint == "'it'\"'\"'s f1'"
    assert shlex.split(f"--metric {hint}") == ["--metric", "it's f1"]

    (data / "a.jsonl").write_text(
        json.dumps({"prompt": "p", "gen": "g", "scores": {"acc": 1, "f1 \x1b[31mred": 1}}) + "\n"
    )
    assert main(["summarize", str(data), "-o", str(tmp_path / "s.json")]) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "(--metric 'f1 ␛[31mred' to score by that instead)" in err

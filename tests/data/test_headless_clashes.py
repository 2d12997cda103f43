"""Headless flags that do nothing where they are given are said, as other flag clashes are."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaltui.cli import main
from tests.conftest import write_jsonl


def rows(solved: int) -> list[dict[str, object]]:
    return [
        {
            "prompt": f"prompt {i}",
            "gen": "the answer is",
            "answer": "1",
            "accuracy": int(i < solved),
        }
        for i in range(4)
    ]


@pytest.fixture
def evals(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "evals" / "model_a" / "r.jsonl", rows(1))
    write_jsonl(tmp_path / "evals" / "model_b" / "r.jsonl", rows(3))
    return tmp_path / "evals"


def common(tmp_path: Path, tokenizer: Path) -> list[str]:
    return ["--model", str(tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]


def test_follow_interval_without_follow_is_a_usage_error(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``summarize … --follow-interval 2`` without ``--follow`` wrote the summary once and
    ended 0, the interval taken without a word: a script that meant to follow did not."""
    out = tmp_path / "s.json"
    argv = ["summarize", str(evals), "-o", str(out), "--follow-interval", "2"]
    with pytest.raises(SystemExit) as exit_:
        main([*argv, *common(tmp_path, word_tokenizer)])
    assert exit_.value.code == 2
    assert "--follow-interval without --follow" in capsys.readouterr().err
    assert not out.exists()


def test_compare_prints_no_report_when_its_output_cannot_be_written(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``compare -o FILE`` where FILE cannot be written: the whole report was on standard output
    before 'cannot write …' and exit 1, read by a script as the comparison it asked for. As
    summarize and export, the report now follows the outputs, written."""
    blocker = tmp_path / "a_file"
    blocker.write_text("", encoding="utf-8")
    out = blocker / "c.json"
    argv = ["compare", str(evals), "-o", str(out), *common(tmp_path, word_tokenizer)]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "cannot write" in captured.err and "a_file" in captured.err
    good = tmp_path / "c.json"
    assert main(["compare", str(evals), "-o", str(good), *common(tmp_path, word_tokenizer)]) == 0
    assert "model_a → model_b: +50.0 pts" in capsys.readouterr().out
    assert good.exists()


@pytest.mark.parametrize("command", ["summarize", "export", "compare", "rescore"])
def test_a_pattern_a_file_path_does_not_match_is_said(
    command: str,
    evals: Path,
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--pattern 'inference_*.jsonl'`` with a PATH that is a file named otherwise: the file
    was read as if no pattern were given, without a word, by every command. A file named is
    still read (a script names it on purpose), and a note says the pattern passed it by."""
    a, b = str(evals / "model_a" / "r.jsonl"), str(evals / "model_b" / "r.jsonl")
    out = tmp_path / "out.json"
    extra = {
        "summarize": [a, "-o", str(out)],
        "export": [a, "--where", "accuracy >= 0", "-o", str(out)],
        "compare": [a, b],
        "rescore": [a, "--scorer", "exact", "-o", str(tmp_path / "out.jsonl")],
    }[command]
    flags = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main([command, *extra, "--pattern", "inference_*.jsonl", *flags]) == 0
    err = capsys.readouterr().err
    assert "--pattern 'inference_*.jsonl' chooses among a folder's files: " in err
    assert "named as a PATH" in err or "named as PATHs" in err
    assert "read though" in err
    out.unlink(missing_ok=True)
    (tmp_path / "out.jsonl").unlink(missing_ok=True)
    assert main([command, *extra, "--pattern", "r.*", *flags]) == 0
    assert "--pattern" not in capsys.readouterr().err


def test_the_load_notes_a_named_file_the_pattern_misses(evals: Path, word_tokenizer: Path) -> None:
    """The note is the load's (the app shows the load's notes), once per file the pattern
    misses; a folder's files are chosen by the pattern as before."""
    from evaltui.data.loader import LoadOptions, load

    options = LoadOptions(pattern="x*.jsonl", model=str(word_tokenizer), use_cache=False)
    result = load([str(evals / "model_a" / "r.jsonl")], options)
    said = [n for n in result.notes if n.startswith("--pattern")]
    assert said == [
        "--pattern 'x*.jsonl' chooses among a folder's files: 'r.jsonl', named as a PATH, is "
        "read though it does not match it (leave it out to skip it)"
    ]

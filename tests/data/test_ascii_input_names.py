"""Text from the input on a stream that is not UTF-8 (PYTHONIOENCODING=ascii, LANG=C) is written
escaped wherever it is shown, as the stream writes any character it lacks: a folder 'run≥1 é'
is 'run\\u22651 \\xe9'. Only evaltui's own glyphs are written in ASCII ('→' as '->'): the glyph
table applied to whole messages made the folder 'run>=1 \\xe9' in the end summary (a folder
that may exist too) while compare's report wrote it 'run\\u22651 \\xe9'."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaltui.data.runs import resolve_run
from evaltui.data.sanitize import written_apart, written_label
from tests.data.test_ascii_cuts import ascii_evaltui, common

FOLDERS = ("run≥1 é", "run≥2 é")
SHOWN = ("run\\u22651 \\xe9", "run\\u22652 \\xe9")


@pytest.fixture
def glyph_runs(tmp_path: Path) -> Path:
    """Two runs in folders whose names hold '≥' (one of evaltui's glyphs) and 'é', each file
    with a bad line."""
    for folder in FOLDERS:
        path = tmp_path / "evals" / folder
        path.mkdir(parents=True)
        rows = [
            json.dumps({"prompt": f"p{i}", "gen": "1", "answer": "1", "accuracy": i % 2})
            for i in range(4)
        ]
        (path / "r.jsonl").write_text("\n".join([*rows, "not json"]) + "\n", encoding="utf-8")
    return tmp_path / "evals"


def test_summarize_writes_a_folder_name_escaped_everywhere(
    glyph_runs: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    argv = ["summarize", str(glyph_runs), "-o", str(tmp_path / "s.json"), "--table"]
    proc = ascii_evaltui([*argv, *common(tmp_path, word_tokenizer)])
    assert proc.returncode == 0, proc.stderr
    assert "run>=" not in proc.stderr + proc.stdout
    lines = proc.stderr.splitlines()
    # the accuracy block, the triage lines, the bad lines: one spelling
    assert f"  {SHOWN[0]}  0.5000" in proc.stderr
    assert any(line.startswith(f"triage       {SHOWN[0]}: ") for line in lines), proc.stderr
    assert f"  {SHOWN[1]}/r.jsonl:5: not valid JSON" in proc.stderr
    # the text table's header too, and evaltui's own glyphs still in ASCII around them
    assert SHOWN[0] in proc.stdout.splitlines()[0]
    assert "(8 rows, run x prompt)" in proc.stderr


def test_compare_takes_the_runs_as_its_messages_list_them(
    glyph_runs: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """A name matching two runs lists them escaped; either, typed back as listed, is a run."""
    opts = common(tmp_path, word_tokenizer)
    out = str(tmp_path / "c.csv")
    both = ascii_evaltui(["compare", str(glyph_runs), "--runs", "run", "x", "-o", out, *opts])
    assert both.returncode == 2
    assert f"matches 2 runs ('{SHOWN[0]}', '{SHOWN[1]}')" in both.stderr
    typed = ascii_evaltui(["compare", str(glyph_runs), "--runs", *SHOWN, "-o", out, *opts])
    assert typed.returncode == 0, typed.stderr
    assert typed.stdout.startswith(f"{SHOWN[0]} -> {SHOWN[1]}: "), typed.stdout
    assert f"{SHOWN[0]} 50.0% -> {SHOWN[1]} 50.0%" in typed.stdout  # evaltui's '→' plain


def test_a_where_error_quotes_the_character_typed_escaped(
    glyph_runs: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """'unexpected character '≥'' read "unexpected character '>='", the operator that works;
    the caret after a character written escaped stood short of it."""
    where = 'prompt ~ "é" and accuracy ≥ 1'
    argv = ["export", str(glyph_runs), "--where", where, "-o", str(tmp_path / "e.json")]
    proc = ascii_evaltui([*argv, *common(tmp_path, word_tokenizer)])
    assert proc.returncode == 2
    assert "unexpected character '\\u2265' at column 27" in proc.stderr, proc.stderr
    shown, caret = proc.stderr.splitlines()[-2:]
    assert shown == '  prompt ~ "\\xe9" and accuracy \\u2265 1'
    assert shown[caret.index("^") :].startswith("\\u2265")


def test_written_label_and_written_apart() -> None:
    assert written_label("run≥1 é · match", "ascii") == "run\\u22651 \\xe9 - match"
    assert written_label("run≥1 é · match", None) == "run≥1 é · match"
    assert written_label("a · b", "latin-1") == "a · b"  # Latin-1 has '·'
    message = "run≥1 é/r.jsonl: n ≥ k → kept"
    assert written_apart(message, "ascii", {"run≥1 é/r.jsonl"}) == (
        "run\\u22651 \\xe9/r.jsonl: n >= k -> kept"
    )
    assert written_apart(message, None, {"run≥1 é/r.jsonl"}) == message


@pytest.mark.parametrize(("name", "run"), [(SHOWN[0], FOLDERS[0]), ("u22652", FOLDERS[1])])
def test_a_label_as_escaped_on_ascii_names_the_run(name: str, run: str) -> None:
    assert resolve_run(list(FOLDERS), name) == run


def test_a_long_label_cut_in_the_summary_stays_escaped(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A label too long for the score and triage lines is cut there: its cut form is no name
    the load knows, and its '≥' was written '>='."""
    long = "run≥1 " + "y" * 90 + " end"
    folder = tmp_path / "evals" / long
    folder.mkdir(parents=True)
    rows = [{"prompt": "p", "gen": "1", "answer": "1", "score": 0.5}]
    (folder / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    argv = ["summarize", str(tmp_path / "evals"), "-o", str(tmp_path / "s.json")]
    proc = ascii_evaltui([*argv, *common(tmp_path, word_tokenizer)])
    assert proc.returncode == 0, proc.stderr
    assert "run>=" not in proc.stderr
    for start in ("score        ", "triage       "):
        line = next(line for line in proc.stderr.splitlines() if line.startswith(start))
        assert line.startswith(f"{start}run\\u22651 yyy") and "y...y" in line, line


def test_long_labels_cut_in_compare_and_rescore_stay_escaped(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """compare's report and rescore's run lines cut a long label too ('run>=1 yyy...')."""
    for run in (1, 2):
        folder = tmp_path / "evals" / f"run≥{run} {'y' * 80} end"
        folder.mkdir(parents=True)
        rows = [{"prompt": f"p{i}", "gen": "1", "answer": "1", "accuracy": i} for i in (0, 1)]
        (folder / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    evals, opts = str(tmp_path / "evals"), common(tmp_path, word_tokenizer)
    compare = ascii_evaltui(["compare", evals, "-o", str(tmp_path / "c.csv"), *opts])
    rescore = ascii_evaltui(
        ["rescore", evals, "--scorer", "exact", "-o", str(tmp_path / "r.json"), *opts]
    )
    assert compare.returncode == 0 and rescore.returncode == 0, compare.stderr + rescore.stderr
    assert compare.stdout.startswith("run\\u22651 yyy"), compare.stdout
    assert "run>=" not in compare.stdout + rescore.stderr
    runs = [line for line in rescore.stderr.splitlines() if line.startswith("run ")]
    assert [line[:23] for line in runs] == ["run          run\\u22651", "run          run\\u22652"]

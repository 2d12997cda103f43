"""The headless commands as a script uses them: every output's bytes, names and messages.

A file or folder name with an undecodable byte, every bad line of a load (not only the first
five), a records export's line endings, three runs given to ``compare --runs``, and two outputs
of one ``compare`` that must be written both or neither."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from evaltui.cli import main
from tests.conftest import write_jsonl


def rec(prompt: str, ok: bool) -> dict[str, object]:
    return {"prompt": prompt, "gen": "so \\boxed{1}", "answer": "1", "accuracy": float(ok)}


def strict_json(path: Path | bytes) -> object:
    """``path``'s JSON, refusing what a strict reader refuses: a lone surrogate escape
    (``"\\udcff"``) parses in Python but is no Unicode text (jq shows U+FFFD, serde fails)."""
    value = json.loads(
        Path(os.fsdecode(path)).read_bytes() if isinstance(path, bytes) else path.read_bytes()
    )
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate
    return value


def test_names_with_undecodable_bytes_are_valid_unicode_in_every_manifest(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    root = os.fsencode(tmp_path / "evals")
    folder = os.path.join(root, b"m\xff")
    os.makedirs(folder)
    write_jsonl(Path(os.fsdecode(os.path.join(folder, b"r\xe9.jsonl"))), [rec("p1", True)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    out = os.path.join(os.fsencode(tmp_path), b"out\xfe")
    os.makedirs(out)
    records = os.fsdecode(os.path.join(out, b"x\xfe.jsonl"))
    assert main(["export", os.fsdecode(root), "--records", "-o", records, *common]) == 0
    mark = strict_json(Path(records + ".evaltui.json"))
    assert isinstance(mark, dict)
    source = mark["evaltui"]["sources"][0]
    assert source["path"].endswith("/m\\xff/r\\xe9.jsonl")
    assert source["task"] == "r\\xe9.jsonl"
    assert mark["evaltui"]["file"] == "x\\xfe.jsonl"
    summary = os.fsdecode(os.path.join(out, b"s\xfe.json"))
    assert main(["summarize", os.fsdecode(root), "-o", summary, *common]) == 0
    strict_json(Path(summary + ".evaltui.json"))
    # The outputs are still known as evaltui's: reading their folder finds no eval data.
    assert main(["summarize", os.fsdecode(out), "-o", str(tmp_path / "again.json"), *common]) == 2


@pytest.fixture
def eight_bad(tmp_path: Path) -> Path:
    """A run with 8 bad lines (lines 2, 4, …, 16) and one empty file (skipped)."""
    root = tmp_path / "evals"
    lines = []
    for i in range(16):
        lines.append(json.dumps(rec(f"p{i % 3}", i % 3 == 0)) if i % 2 == 0 else '{"prompt": "x')
    (root / "m").mkdir(parents=True)
    (root / "m" / "r.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "m" / "empty.jsonl").write_bytes(b"")
    return root


def test_every_bad_line_is_in_the_bad_lines_file_and_stderr_says_where(
    eight_bad: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    out = tmp_path / "o" / "s.json"
    assert main(["summarize", str(eight_bad), "-o", str(out), *common]) == 0
    err = capsys.readouterr().err
    # Five are listed; the other three said to be somewhere a script can get them.
    assert "  … and 3 more (every one: --bad-lines FILE, or the app's b)" in err
    bad = tmp_path / "o" / "bad.jsonl"
    assert (
        main(["summarize", str(eight_bad), "-o", str(out), "--bad-lines", str(bad), *common]) == 0
    )
    assert f"  … and 3 more (every one in {bad})" in capsys.readouterr().err
    rows = [json.loads(line) for line in bad.read_text(encoding="utf-8").splitlines()]
    lines = [row["line"] for row in rows if row["kind"] == "bad line"]
    assert lines == [2, 4, 6, 8, 10, 12, 14, 16]
    assert {row["source"] for row in rows if row["kind"] == "bad line"} == {"m/r.jsonl"}
    assert all(row["path"] == str(eight_bad / "m" / "r.jsonl") for row in rows[:8])
    assert all(row["reason"].startswith("not valid JSON") for row in rows[:8])
    skipped = [row for row in rows if row["kind"] == "skipped file"]
    assert [(r["source"], r["line"]) for r in skipped] == [("m/empty.jsonl", None)]
    mark = json.loads((tmp_path / "o" / "bad.jsonl.evaltui.json").read_text(encoding="utf-8"))
    assert mark["evaltui"]["kind"] == "bad-lines" and mark["evaltui"]["bad_lines"] == 8
    # The readers' notes too (stderr lists five kinds): a file with no score nor reference.
    write_jsonl(eight_bad / "n" / "r.jsonl", [{"prompt": "q", "gen": "g"}])
    assert (
        main(["summarize", str(eight_bad), "-o", str(out), "--bad-lines", str(bad), *common]) == 0
    )
    notes = [json.loads(line) for line in bad.read_text(encoding="utf-8").splitlines()][9:]
    assert notes and all(row["kind"] == "note" for row in notes)
    assert any(row["reason"].startswith("n/r.jsonl: ") for row in notes)
    # -q: the one warning line says where they are (--force: export replaces the existing
    # bad-lines file only when told to, as its -o).
    assert main(["export", str(eight_bad), "-o", str(tmp_path / "o" / "x.csv"), "-q",
                 "--bad-lines", str(bad), "--force", *common]) == 0  # fmt: skip
    assert f"8 bad lines, 1 file skipped (not in the output; listed in {bad})" in (
        capsys.readouterr().err
    )
    # Reading the output folder back finds no eval data: the bad-lines file is evaltui's.
    assert (
        main(["summarize", str(tmp_path / "o"), "-o", str(tmp_path / "again.json"), *common]) == 2
    )


def test_bad_lines_on_stdout_hold_stdout_alone(
    eight_bad: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_jsonl(eight_bad / "other" / "r.jsonl", [rec("p0", False), rec("p1", True)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert (
        main(["compare", str(eight_bad), "--runs", "m", "other", "--bad-lines", "-", *common]) == 0
    )
    out, err = capsys.readouterr()
    assert [json.loads(line)["line"] for line in out.splitlines()][:8] == list(range(2, 17, 2))
    assert "pts" in err  # the report went to stderr
    with pytest.raises(SystemExit) as stop:
        main(["compare", str(eight_bad), "-o", "-", "--bad-lines", "-", *common])
    assert stop.value.code == 2 and "both write to stdout" in capsys.readouterr().err
    same = str(tmp_path / "x.json")
    with pytest.raises(SystemExit) as stop:
        main(["compare", str(eight_bad), "-o", same, "--bad-lines", same, *common])
    assert stop.value.code == 2 and "name the same file" in capsys.readouterr().err
    # Where the other's manifest goes: one replaced the other's, left unmarked (read as data).
    with pytest.raises(SystemExit) as stop:
        main(
            ["compare", str(eight_bad), "-o", same, "--bad-lines", f"{same}.evaltui.json", *common]
        )
    assert stop.value.code == 2
    assert f"{same}.evaltui.json is where the manifest of {same} goes" in capsys.readouterr().err


def test_three_runs_given_to_compare_are_refused_naming_them(
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = tmp_path / "evals"
    for run, ok in (("a", True), ("b", False), ("c", True)):
        write_jsonl(root / run / "r.jsonl", [rec("p0", ok), rec("p1", not ok)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "cache"), "-q"]
    monkeypatch.chdir(root)  # the folder c is there: it was taken as a second PATH, exit 0
    for argv in (
        ["compare", "--runs", "a", "b", "c", ".", *common],
        ["compare", ".", "--runs", "a", "b", "c", *common],
    ):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        err = capsys.readouterr().err
        assert stop.value.code == 2
        assert "--runs names two runs, A then B; got " in err and "'c'" in err
        assert "--runs 'a' 'b', then --runs 'a' 'c'" in err
    # One folder after the two runs is still the PATH.
    assert main(["compare", "--runs", "a", "c", str(root), *common]) == 0
    assert "improved 0 · regressed 0 · unchanged 2" in capsys.readouterr().out


def test_a_records_export_says_what_of_its_sources_bytes_it_does_not_keep(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The export is one UTF-8 JSON-lines file: records' text kept, LF line ends, no BOM; the
    # manifest said "form": null ("its own lines, byte for byte") of a BOM + CRLF file and of
    # a line whose Latin-1 byte was written as U+FFFD, and nothing told either.
    root = tmp_path / "evals"
    (root / "crlf").mkdir(parents=True)
    lines = [json.dumps(rec(f"p{i}", i % 2 == 0)) for i in range(3)]
    (root / "crlf" / "r.jsonl").write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    (root / "latin").mkdir()
    latin = b'{"prompt": "caf\xe9", "gen": "x", "answer": "1", "accuracy": 1}'
    (root / "latin" / "r.jsonl").write_bytes(b"\n".join([lines[0].encode(), latin, b""]))
    out = tmp_path / "o" / "hard.jsonl"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main(["export", str(root), "--records", "-o", str(out), *common]) == 0
    err = capsys.readouterr().err
    assert (
        "1 record with bytes that are not UTF-8 written with U+FFFD in their place "
        "(latin/r.jsonl:2; the manifest's invalid_utf8_lines)"
    ) in err
    written = out.read_bytes()
    assert not written.startswith(b"\xef\xbb\xbf") and b"\r" not in written
    assert written.decode("utf-8").splitlines() == [
        *lines,
        lines[0],
        latin.decode("utf-8", "replace"),
    ]
    sources = {
        s["source"]: s
        for s in json.loads(Path(f"{out}.evaltui.json").read_text())["evaltui"]["sources"]
    }
    assert (sources["crlf/r.jsonl"]["bom"], sources["crlf/r.jsonl"]["line_endings"]) == (
        True,
        "CRLF",
    )
    assert sources["crlf/r.jsonl"]["invalid_utf8_lines"] == []
    assert (sources["latin/r.jsonl"]["bom"], sources["latin/r.jsonl"]["line_endings"]) == (
        False,
        "LF",
    )
    assert sources["latin/r.jsonl"]["invalid_utf8_lines"] == [[2, 2]]


def test_compare_writes_its_outputs_all_or_none(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "evals"
    write_jsonl(root / "a" / "r.jsonl", [rec("p0", True), rec("p1", False)])
    write_jsonl(root / "b" / "r.jsonl", [rec("p0", False), rec("p1", False)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    out = tmp_path / "o"
    out.mkdir()
    summary = out / "s.json"
    summary.write_text("the summary of an earlier comparison\n")
    (out / "blocked").write_text("a file where -o wants a folder")
    for output in (str(out / "blocked" / "cmp.csv"), "/dev/full"):
        argv = ["compare", str(root), "-o", output, "--summary-json", str(summary), *common]
        argv += ["--bad-lines", str(out / "bad.jsonl")]
        assert main(argv) == 1
        assert "evaltui: error: cannot write" in capsys.readouterr().err
        # The summary was replaced by this comparison's, beside no -o: two comparisons told.
        assert summary.read_text() == "the summary of an earlier comparison\n"
        assert sorted(p.name for p in out.iterdir()) == ["blocked", "s.json"]
    argv = ["compare", str(root), "-o", str(out / "cmp.csv"), "--summary-json", str(summary)]
    assert main([*argv, *common]) == 0
    mark = json.loads((out / "cmp.csv.evaltui.json").read_text())["evaltui"]
    assert mark["bytes"] == (out / "cmp.csv").stat().st_size
    assert json.loads(summary.read_text())["counts"]["regressed"] == 1


def test_a_terminal_named_as_the_output_sees_control_characters_made_visible(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    import pty

    # -o - in a terminal showed ␛]0;…; -o /dev/stdout (or the tty's name) wrote ESC]0;… raw.
    write_jsonl(tmp_path / "evals" / "m" / "r.jsonl", [rec("p\x1b]0;pwned\x07 \u202eq", True)])
    master, slave = pty.openpty()
    try:
        common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
        argv = ["export", str(tmp_path / "evals"), "-o", os.ttyname(slave), "--as", "csv"]
        assert main([*argv, *common]) == 0
        shown = os.read(master, 1 << 16).decode("utf-8")
    finally:
        os.close(master)
        os.close(slave)
    assert "p␛]0;pwned␇" in shown and "\x1b" not in shown and "\u202e" not in shown


def test_a_load_with_only_bad_lines_still_writes_every_one(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nothing to summarize (exit 2): the error named the first of 10 bad lines, and the rest
    # were nowhere, --bad-lines or not.
    source = tmp_path / "evals" / "m" / "r.jsonl"
    write_jsonl(source, [{"prompt": f"p{i}", "gen": None, "accuracy": 1} for i in range(10)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    argv = ["summarize", str(tmp_path / "evals"), "-o", str(tmp_path / "s.json"), *common]
    assert main(argv) == 2
    assert capsys.readouterr().err.rstrip().endswith("(every one: --bad-lines FILE)")
    bad = tmp_path / "bad.jsonl"
    assert main([*argv, "--bad-lines", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "10 bad lines, the first m/r.jsonl:1: 'gen' is null: no generation" in err
    assert err.rstrip().endswith(f"(every one in {bad})")
    rows = [json.loads(line) for line in bad.read_text().splitlines()]
    assert [(r["kind"], r["line"]) for r in rows] == [("bad line", n) for n in range(1, 11)]
    assert not (tmp_path / "s.json").exists()
    # An input named as the place for them is refused, as any output is.
    before = source.read_bytes()
    assert main(["compare", str(tmp_path / "evals"), "--bad-lines", str(source), *common]) == 2
    assert "is the input file m/r.jsonl" in capsys.readouterr().err
    assert source.read_bytes() == before


def test_where_the_bad_lines_are_is_said_on_one_line(
    eight_bad: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    bad = tmp_path / "x\ny.jsonl"
    argv = ["export", str(eight_bad), "-o", str(tmp_path / "x.csv"), "--bad-lines", str(bad)]
    assert main([*argv, *common]) == 0
    assert f"(every one in {tmp_path}/x␊y.jsonl)" in capsys.readouterr().err
    assert main([*argv, "--force", "-q", *common]) == 0
    assert f"listed in {tmp_path}/x␊y.jsonl)" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["summarize", "export", "compare", "compare-summary"])
def test_the_wrote_line_names_an_output_with_a_newline_on_one_line(
    command: str, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "evals"
    write_jsonl(root / "a" / "r.jsonl", [rec("p0", True)])
    write_jsonl(root / "b" / "r.jsonl", [rec("p0", False)])
    out = str(tmp_path / "new\nline.json")
    flag = "--summary-json" if command == "compare-summary" else "-o"
    name = command.split("-")[0]
    argv = [
        name,
        str(root),
        flag,
        out,
        "--model",
        str(word_tokenizer),
        "--cache-dir",
        str(tmp_path / "c"),
    ]
    assert main(argv) == 0
    lines = capsys.readouterr().err.splitlines()
    wrote = [line for line in lines if line.startswith(("wrote ", "evaltui: wrote"))]
    assert wrote and all(
        line.endswith(f"{tmp_path}/new␊line.json") or "line.json (" in line for line in wrote
    )


def test_outputs_held_back_leave_no_temp_file_when_one_cannot_be_put_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evaltui.data import export

    real = os.replace
    calls: list[str] = []

    def replace(src: str, dst: str | os.PathLike[str]) -> None:
        calls.append(str(dst))
        if len(calls) == 2:
            raise OSError(5, "I/O error")
        real(src, dst)

    (tmp_path / "a.json").write_text("old\n", encoding="utf-8")
    with pytest.raises(OSError), export.all_or_none():
        export.write_json({"a": 1}, tmp_path / "a.json")
        export.write_json({"b": 1}, tmp_path / "b.json")
        export.write_json({"c": 1}, tmp_path / "c.json")
        assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
            "a.json"
        ]
        monkeypatch.setattr(export.os, "replace", replace)
    assert calls[:2] == [str(tmp_path / "a.json"), str(tmp_path / "b.json")]
    # a.json, replaced before b.json failed, is put back as it was (it was left replaced:
    # the outputs told two commands); no .tmp left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == "old\n"


def test_an_output_named_near_the_file_name_limit_is_written_and_marked(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A 244-byte name is a valid file name; its temp file and its manifest, whose names add to
    # it, were not: 'File name too long', exit 1.
    from evaltui.data.export import _temp_stem
    from evaltui.data.marks import manifest_path

    write_jsonl(tmp_path / "evals" / "m" / "r.jsonl", [rec("p0", True), rec("p1", False)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    out = tmp_path / "out"
    records = out / ("é" * 100 + "x" * 36 + ".jsonl")  # 242 bytes
    stale = out / f"{_temp_stem(records)}.evaltui-999999999.abcdefgh.tmp"
    out.mkdir()
    stale.write_text("left by a killed write")
    assert main(["export", str(tmp_path / "evals"), "--records", "-o", str(records), *common]) == 0
    assert len(records.read_text().splitlines()) == 2
    mark = manifest_path(records)
    assert len(os.fsencode(mark.name)) <= 255 and mark.name.endswith(".evaltui.json")
    assert json.loads(mark.read_text())["evaltui"]["file"] == records.name
    assert not stale.exists()  # its writer is gone: removed by the next write of the name
    summary = out / ("s" * 240 + ".json")
    assert main(["summarize", str(tmp_path / "evals"), "-o", str(summary), *common]) == 0
    assert manifest_path(summary).is_file()
    # Read again, the folder holds only evaltui's outputs (the records one is skipped).
    capsys.readouterr()
    assert main(["summarize", str(out), "-o", str(tmp_path / "again.json"), *common]) == 2
    assert "no readable samples file" in capsys.readouterr().err


def test_rescore_leaves_its_output_as_it_was_when_the_generations_cannot_be_written(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_jsonl(tmp_path / "evals" / "m" / "r.jsonl", [rec("p0", True), rec("p1", False)])
    out = tmp_path / "r.json"
    out.write_text("an earlier re-score\n")
    argv = ["rescore", str(tmp_path / "evals"), "--scorer", "exact", "--workers", "1"]
    argv += ["-o", str(out), "--generations", "/dev/full", "--model", str(word_tokenizer)]
    assert main([*argv, "--cache-dir", str(tmp_path / "c"), "-q"]) == 1
    assert "cannot write /dev/full" in capsys.readouterr().err
    assert out.read_text() == "an earlier re-score\n"  # it was replaced, beside no verdicts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "evals", "r.json", "tok"]


def test_summarize_follow_keeps_the_bad_lines_file_up_to_date(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import signal
    import subprocess
    import sys
    import time

    source = write_jsonl(tmp_path / "data" / "m" / "out.jsonl", [rec("p0", True)])
    combined, bad = tmp_path / "combined.json", tmp_path / "bad.jsonl"
    argv = ["summarize", str(tmp_path / "data"), "-o", str(combined), "--bad-lines", str(bad)]
    argv += ["--model", str(word_tokenizer), "--no-cache", "--follow", "--follow-interval", "0.2"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "evaltui.cli", *argv, "-q"],
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, EVALTUI_FOLLOW_POLLING="1"),
        cwd=Path(__file__).resolve().parents[2],
    )

    def lines_in(path: Path) -> list[dict[str, object]] | None:
        try:
            return [json.loads(line) for line in path.read_text().splitlines()]
        except (OSError, ValueError):
            return None

    try:
        deadline = time.monotonic() + 60
        while lines_in(bad) != [] and time.monotonic() < deadline:
            time.sleep(0.1)  # the first write: no bad line yet, an empty file
        with source.open("a", encoding="utf-8") as handle:
            handle.write("{not json\n" + json.dumps(rec("p1", False)) + "\n")
        while not lines_in(bad) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    rows = lines_in(bad)
    assert rows is not None and [(r["kind"], r["line"]) for r in rows] == [("bad line", 2)]
    assert f"listed in {bad})" in stderr
    # On standard output each write would add the whole list again: refused.
    with pytest.raises(SystemExit) as stop:
        main([*argv[:5], "-", *argv[6:]])
    assert stop.value.code == 2 and "--bad-lines - with --follow" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "other"),
    [("compare", "--summary-json"), ("rescore", "--generations"), ("compare", "--bad-lines")],
)
def test_an_output_where_another_outputs_manifest_goes_is_refused(
    command: str, other: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # compare -o c.json --summary-json c.json.evaltui.json: c.json's manifest replaced the
    # summary, exit 0 (the summary lost); the other way round, the output was left unmarked.
    write_jsonl(tmp_path / "evals" / "a" / "r.jsonl", [rec("p0", True)])
    out = str(tmp_path / "c.json")
    for first, second in ((out, f"{out}.evaltui.json"), (f"{out}.evaltui.json", out)):
        argv = [command, str(tmp_path / "evals"), "-o", first, other, second]
        argv += ["--scorer", "exact"] if command == "rescore" else []
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2
        assert f"{out}.evaltui.json is where the manifest of {out} goes" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evals"]


def test_one_more_note_is_said_in_the_singular() -> None:
    """'… and 1 more notes' read the published folder's stderr (summarize of real-world)."""
    from evaltui.cli import more_words

    assert more_words(1, "note", "bad.jsonl") == "  … and 1 more note (every one in bad.jsonl)"
    assert more_words(2, "skipped file", None).startswith("  … and 2 more skipped files (")
    assert more_words(3, "", "-") == "  … and 3 more (every one on standard output)"


def test_export_of_a_load_that_fails_keeps_a_bad_lines_file_written_meanwhile(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    """`export -o x.csv --bad-lines bad.jsonl` whose load finds only bad lines (exit 2) wrote
    them over a bad.jsonl another process wrote during the load, without --force: the export's
    own outputs are put only where no file is, this one was not. Now it is kept (said, as the
    export says it), and --force replaces it."""
    from evaltui.data import loader

    write_jsonl(tmp_path / "evals" / "m" / "r.jsonl", [{"prompt": "p", "gen": None}] * 3)
    bad = tmp_path / "bad.jsonl"
    real = loader.load

    def another_process_writes_meanwhile(*args: Any, **kwargs: Any) -> Any:
        bad.write_text("theirs\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "load", another_process_writes_meanwhile)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    argv = ["export", str(tmp_path / "evals"), "-o", str(tmp_path / "x.csv"), *common]
    argv += ["--bad-lines", str(bad)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"evaltui: error: {bad} exists: written while this export ran" in err
    assert "3 bad lines, the first m/r.jsonl:1" in err and "(every one in" not in err
    assert bad.read_text(encoding="utf-8") == "theirs\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["bad.jsonl"]
    assert main([*argv, "--force"]) == 2
    assert capsys.readouterr().err.rstrip().endswith(f"(every one in {bad})")
    rows = [json.loads(line) for line in bad.read_text(encoding="utf-8").splitlines()]
    assert [(r["kind"], r["line"]) for r in rows] == [("bad line", n) for n in (1, 2, 3)]


@pytest.mark.parametrize("command", ["export", "compare"])
def test_an_output_that_cannot_be_put_in_place_is_the_one_named(
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: Any,
    command: str,
) -> None:
    """The outputs are put in place together once all are written; a folder made at -o
    meanwhile failed that, and the error named the command's last output: 'cannot write
    bad.jsonl: Is a directory', where bad.jsonl was fine (and is left as it was)."""
    from evaltui.data import export

    write_jsonl(tmp_path / "evals" / "a" / "r.jsonl", [rec("p0", True), rec("p1", False)])
    write_jsonl(tmp_path / "evals" / "b" / "r.jsonl", [rec("p0", False), {"prompt": "x"}])
    out, bad = tmp_path / "x.json", tmp_path / "bad.jsonl"
    real = export.write_problems

    def a_folder_is_made_meanwhile(*args: Any, **kwargs: Any) -> Any:
        written = real(*args, **kwargs)  # the last output, held back with the others
        out.mkdir()
        return written

    monkeypatch.setattr(export, "write_problems", a_folder_is_made_meanwhile)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    argv = [command, str(tmp_path / "evals"), "-o", str(out), "--bad-lines", str(bad), *common]
    assert main([*argv, "--force"] if command == "export" else argv) == 1
    err = capsys.readouterr().err
    assert f"evaltui: error: cannot write {out}: Is a directory" in err, err
    assert out.is_dir() and not bad.exists()
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []  # no temp file, no manifest


@pytest.mark.skipif(os.geteuid() != 0, reason="making a link another user owns needs root")
@pytest.mark.parametrize("planted", ["output", "manifest"])
def test_a_symlink_another_user_planted_in_a_shared_folder_is_not_written_through(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str], planted: str
) -> None:
    """`summarize -o /tmp/s.json` where another user had made /tmp/s.json (or its manifest's
    name, s.json.evaltui.json) a link to a file of yours: evaltui resolved the link itself and
    replaced that file, which the system's rule for such links (fs.protected_symlinks) would
    not have let an open() do. A link of your own there is still written through."""
    write_jsonl(tmp_path / "evals" / "m" / "r.jsonl", [rec("p0", True), rec("p1", False)])
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    victim = tmp_path / "yours.txt"
    victim.write_text("yours\n", encoding="utf-8")
    out = shared / "s.json"
    link = out if planted == "output" else shared / "s.json.evaltui.json"
    link.symlink_to(victim)
    os.lchown(link, 54321, 54321)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    argv = ["summarize", str(tmp_path / "evals"), "-o", str(out), *common]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert f"{link.name} is a symlink another user made in a shared folder" in err, err
    assert victim.read_text(encoding="utf-8") == "yours\n"
    assert sorted(p.name for p in shared.iterdir()) == [link.name]  # nothing else written
    os.lchown(link, os.geteuid(), os.getegid())  # your own link: written through, as before
    assert main(argv) == 0
    assert victim.read_text(encoding="utf-8") != "yours\n"

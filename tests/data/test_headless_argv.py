"""The headless command lines as a script writes them: PATHs before, after and between the
flags, and ``summarize --table`` right before its PATH."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

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


def runs_in(path: Path) -> set[str]:
    return {row["run"] for row in json.loads(path.read_text(encoding="utf-8"))}


def test_paths_on_both_sides_of_a_flag_are_all_read(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``summarize -o s.json runs/a -q runs/b`` (a script that puts its flags between the
    folders, or adds one after the first): argparse took the PATHs once, so the second was
    'unrecognized arguments: runs/b', exit 2. Every command now reads PATHs wherever they are."""
    a, b = str(evals / "model_a"), str(evals / "model_b")
    out = tmp_path / "s.json"
    flags = common(tmp_path, word_tokenizer)
    assert main(["summarize", "-o", str(out), a, *flags, b]) == 0, capsys.readouterr().err
    assert runs_in(out) == {"model_a", "model_b"}
    exported = tmp_path / "e.json"
    assert main(["export", a, "--where", "accuracy >= 0", b, "-o", str(exported), *flags]) == 0
    assert runs_in(exported) == {"model_a", "model_b"}
    assert main(["compare", a, *flags, b]) == 0
    assert "model_a → model_b: +50.0 pts" in capsys.readouterr().out


def test_a_path_after_double_dash_is_read_even_when_it_starts_with_a_dash(
    evals: Path, tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``summarize -o s.json -- -x`` (a folder named '-x'): argparse's intermixed parse (Python
    3.11) took '-x' after '--' for an unknown flag, exit 2; its plain parse reads it."""
    (evals / "model_a").rename(evals / "-x")
    monkeypatch.chdir(evals)
    out = tmp_path / "s.json"
    flags = common(tmp_path, word_tokenizer)
    assert main(["summarize", "-o", str(out), *flags, "--", "-x"]) == 0
    assert runs_in(out) == {"-x"}
    assert main(["summarize", "-o", str(out), *flags, "--", "-x", "model_b"]) == 0
    assert runs_in(out) == {"-x", "model_b"}


def test_table_before_the_path_is_the_text_table_of_that_path(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``summarize --table runs/ -o s.json``: --table's optional format took the folder, and the
    command ended 'argument --table: invalid choice: 'runs/'', exit 2. A value that is no table
    format but a path on disk is the PATH, the table a text one."""
    out = tmp_path / "s.json"
    flags = common(tmp_path, word_tokenizer)
    capsys.readouterr()
    assert main(["summarize", "--table", str(evals), "-o", str(out), *flags]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("metric ") and "model_a" in printed and "model_b" in printed
    assert runs_in(out) == {"model_a", "model_b"}
    # Beside another PATH, both are read.
    one = tmp_path / "one.json"
    argv = ["summarize", str(evals / "model_a"), "--table", str(evals / "model_b")]
    assert main([*argv, "-o", str(one), *flags]) == 0
    assert runs_in(one) == {"model_a", "model_b"}
    capsys.readouterr()
    # A format is still a format, and a word that is neither is still refused by name.
    assert main(["summarize", "--table", "csv", str(evals), "-o", str(out), *flags]) == 0
    assert capsys.readouterr().out.startswith("run,")
    with pytest.raises(SystemExit) as stop:
        main(["summarize", "--table", "markdwn", str(evals), "-o", str(out), *flags])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert (
        "argument --table: invalid choice: 'markdwn' (choose from 'text', 'markdown', 'csv')" in err
    )


def test_a_cut_id_on_an_ascii_standard_output_ends_with_dots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PYTHONIOENCODING=ascii compare's listed ids and prompts cut for width ended with '…'
    written as '\\u2026': 'toy_math_inspect:proble\\u2026', an id 29 characters wide that reads
    as if the escape were part of it. The cut is marked '...' where the encoding lacks '…' (as
    summarize's text table); characters of the input are still written as escapes."""
    import io

    from tests.data.test_formats_inspect_runs import log, write_eval

    long_id = "problem-0001-from-the-long-dataset"

    def renamed(data: dict[str, object]) -> dict[str, object]:
        return json.loads(json.dumps(data, ensure_ascii=False).replace('"p1"', f'"{long_id}"'))

    second = renamed(log("BBB", "2026-01-02T10:00:00"))
    for sample in second["samples"]:  # type: ignore[attr-defined]
        if sample["id"] in ("p0", long_id) and sample["epoch"] == 1:
            sample["scores"]["match"]["value"] = "I"  # 1/2 -> 0/2
    write_eval(tmp_path / "2026-01-01T10-00-00_toy_AAA.eval", renamed(log("AAA", "2026-01-01")))
    write_eval(tmp_path / "2026-01-02T10-00-00_toy_BBB.eval", second)
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="ascii", newline="\n")
    monkeypatch.setattr("sys.stdout", stdout)
    assert main(["compare", str(tmp_path), "--no-cache", "-q"]) == 0
    stdout.flush()
    lines = stdout.buffer.getvalue().decode("ascii").splitlines()  # type: ignore[attr-defined]
    listed = [line for line in lines if line.startswith("  50.0% ->")]
    assert len(listed) == 2, lines
    assert not any("\\u2026" in line for line in listed), listed
    cut = next(line for line in listed if "Combien" in line)
    # The id cut in its middle to its 24 cells (its end tells ids apart), '...' marking the
    # cut; the prompt's own '×' still escaped.
    assert "  toy_math_i...ong-dataset  Combien font 7 \\xd7 6 ?" in cut, cut
    texts = {max(line.find("What is"), line.find("Combien")) for line in listed}
    assert len(texts) == 1, "\n".join(listed)


LONG_RUNS = (
    "model-alpha-very-long-name-Qwen2.5-72B-Instruct-sft-step-12000",
    "model-alpha-very-long-name-Qwen2.5-72B-Instruct-sft-step-24000",
    "llama-3.1-405b-instruct-fp8-dynamic-eval-run-2024-12-01",
)


def test_long_run_names_cut_on_an_ascii_standard_output_end_with_dots(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three runs with long model names on PYTHONIOENCODING=ascii: summarize's text table cut
    each label in the middle with '…', written '\\u2026' (6 cells): 'llama-3.1-405b\\u2026run-
    2024-12-01', 34 cells, and at 80 columns one run fit in a block where two do in UTF-8;
    compare's headline read 'model-alpha-very-long-name-Qwe\\u20265-72B-…'. The cut is '...'."""
    import io

    for run, solved in zip(LONG_RUNS, (1, 2, 3), strict=True):
        write_jsonl(tmp_path / "evals" / run / "r.jsonl", rows(solved))
    flags = common(tmp_path, word_tokenizer)
    monkeypatch.setenv("COLUMNS", "80")

    def ascii_stdout(argv: list[str]) -> list[str]:
        stdout = io.TextIOWrapper(io.BytesIO(), encoding="ascii", newline="\n")
        monkeypatch.setattr("sys.stdout", stdout)
        assert main(argv) == 0
        stdout.flush()
        return stdout.buffer.getvalue().decode("ascii").splitlines()  # type: ignore[attr-defined]

    table = ascii_stdout(
        ["summarize", str(tmp_path / "evals"), "-o", str(tmp_path / "s.json"), "--table", *flags]
    )
    assert not any("\\u2026" in line for line in table), "\n".join(table)
    header = table[0].split()
    assert header[0] == "metric" and len(header) == 3, table[0]  # two runs side by side, as UTF-8
    assert all("..." in label for label in header[1:]) and len(set(header[1:])) == 2
    assert max(len(line) for line in table[:16]) <= 80
    report = ascii_stdout(["compare", str(tmp_path / "evals"), "--runs", "12000", "24000", *flags])
    assert not any("\\u2026" in line for line in report), "\n".join(report)
    assert report[0].startswith(
        "model-alpha-very-long-name-Qw...-72B-Instruct-sft-step-12000 -> "
        "model-alpha-very-long-name-Qw...-72B-Instruct-sft-step-24000: "
    )


def test_a_run_named_by_its_folders_undecodable_bytes_is_found(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run whose folder name holds a byte that is not UTF-8 is labelled 'run\\xffz' (as every
    message shows it); the name as a script passes it (``--run "$(basename "$d")"``) reached
    evaltui as 'run\\udcffz' (Python's surrogateescape) and was no run: "no run 'run\\udcffz'
    (runs: 'b', 'run\\xffz')", exit 2, for export --run, compare --runs and RUN= of
    --correct-threshold / --score-direction alike; export --where 'run == "…"' matched none."""
    raw = os.fsdecode(b"run\xffz")
    root = tmp_path / "evals"
    write_jsonl(root / raw / "r.jsonl", rows(1))
    write_jsonl(root / "b" / "r.jsonl", rows(3))
    flags = common(tmp_path, word_tokenizer)
    out = tmp_path / "e.json"
    assert main(["export", str(root), "--run", raw, "-o", str(out), *flags]) == 0
    assert runs_in(out) == {"run\\xffz"}
    where = ["--where", f'run == "{raw}"', "--force"]
    assert main(["export", str(root), *where, "-o", str(out), *flags]) == 0
    assert runs_in(out) == {"run\\xffz"}
    capsys.readouterr()
    assert main(["compare", str(root), "--runs", raw, "b", *flags]) == 0
    assert capsys.readouterr().out.startswith("run\\xffz → b: +50.0 pts")
    # RUN=X: the threshold 0 calls every generation of that run correct.
    argv = ["summarize", str(root), "-o", str(out), "--correct-threshold", f"{raw}=0", *flags]
    assert main(argv) == 0
    by_run = {row["run"]: row for row in json.loads(out.read_text(encoding="utf-8"))}
    assert by_run["run\\xffz"]["n_correct"] == 1 and by_run["run\\xffz"]["correct_threshold"] == 0
    argv = ["summarize", str(root), "-o", str(out), "--score-direction", f"{raw}=lower", *flags]
    assert main(argv) == 0
    by_run = {row["run"]: row for row in json.loads(out.read_text(encoding="utf-8"))}
    assert by_run["run\\xffz"]["higher_is_better"] is False
    assert by_run["b"]["higher_is_better"] is True


def test_accuracy_by_run_lines_up_on_an_ascii_standard_error(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """summarize's end summary on a stderr in ASCII (PYTHONIOENCODING=ascii): the accuracy by
    run was laid out with '模型甲' at its 6 cells, then written '\\u6a21\\u578b\\u7532' (18), its
    value 12 cells right of the others'; a long label's cut was '…' written '\\u2026'."""
    import io

    long = "a-very-long-model-name-that-is-longer-than-sixty-characters-for-sure-step-1"
    write_jsonl(tmp_path / "evals" / "模型甲" / "r.jsonl", rows(1))
    write_jsonl(tmp_path / "evals" / long / "r.jsonl", rows(3))
    flags = [f for f in common(tmp_path, word_tokenizer) if f != "-q"]
    stderr = io.TextIOWrapper(
        io.BytesIO(), encoding="ascii", errors="backslashreplace", newline="\n"
    )
    monkeypatch.setattr("sys.stderr", stderr)
    argv = ["summarize", str(tmp_path / "evals"), "-o", str(tmp_path / "s.json"), *flags]
    assert main(argv) == 0
    stderr.flush()
    lines = stderr.buffer.getvalue().decode("ascii").splitlines()  # type: ignore[attr-defined]
    start = next(i for i, line in enumerate(lines) if line.startswith("accuracy "))
    by_run = lines[start + 1 : start + 3]
    assert by_run[0].startswith("  a-very-long-model-name-that-i...y-characters"), by_run
    assert by_run[1].startswith("  \\u6a21\\u578b\\u7532  "), by_run
    assert by_run[0].endswith("  0.7500") and by_run[1].endswith("  0.2500"), by_run
    assert len(by_run[0]) == len(by_run[1]), "\n".join(by_run)


@pytest.mark.parametrize("typo", ["summarise", "sumarize", "comapre", "exprot"])
def test_a_mistyped_command_is_named_with_the_one_meant(
    evals: Path, tmp_path: Path, typo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``evaltui summarise runs -o s.json`` (British spelling) went to the app's parser and
    ended 'unrecognized arguments: -o s.json'; ``evaltui sumarize runs`` said 'sumarize: no
    such file or directory'. Neither said which command was meant (exit 2 both)."""
    meant = {"summarise": "summarize", "sumarize": "summarize"}.get(typo)
    meant = meant or {"comapre": "compare", "exprot": "export"}[typo]
    for argv in ([typo, str(evals), "-o", str(tmp_path / "s.json")], [typo, str(evals)]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err == (
            f"evaltui: error: {typo}: no such file or directory, nor a command: "
            f"did you mean 'evaltui {meant}'?\n"
        )


@pytest.mark.parametrize("limit", [12, 16, 24])
def test_labels_told_apart_with_dots_fit_their_cells(limit: int) -> None:
    """distinct_middle with the '...' an ASCII stream gets: every way it cuts (the common start
    left out, one cut for all, each group where it differs) keeps the labels within ``limit``
    cells, apart, and marked with dots only."""
    from evaltui.data.sanitize import cell_width, distinct_middle

    sets = [
        [f"val_gen_results @ exp{x} · step {n}" for x, n in (("A", 50), ("B", 100))],
        [f"deepseek-ai_R1-Distill-{m}__temp0.6_topp0.95_n{k}" for m in "XY" for k in (8, 16)],
        [f"2025-02-11T15-{t}-00-05-00_popularity_run" for t in ("17:00", "18:04")],
        [
            f"openai/{m}-mini · winrate{x}"
            for m in ("o1", "o3")
            for x in ("", "_divided_by_optimal")
        ],
    ]
    for labels in sets:
        dots = distinct_middle(labels, limit, "...")
        assert all(cell_width(text) <= limit for text in dots.values()), dots
        assert "…" not in "".join(dots.values()), dots
        ellipsis = distinct_middle(labels, limit)
        # As far apart as the one-cell mark leaves them (the dots take two cells more).
        assert len(set(dots.values())) >= min(len(set(ellipsis.values())), len(labels) - 1)


def test_rescore_num_proc_starts_no_more_scorer_processes_than_cores(
    evals: Path, tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--num-proc N is 'never more than the cores' (its help, the README, the load's note
    '--num-proc 64 bounded to 2 threads'), but rescore took it whole as its scorer processes
    when --workers is not given: 64 processes on a 2-core machine. --workers N, said outright,
    is the user's (a scorer that waits on a service may want more)."""
    import evaltui.data.rescore as rescore_module

    seen: list[int | None] = []
    real = rescore_module.rescore

    def recording(result: object, options: rescore_module.RescoreOptions, **kw: object) -> object:
        seen.append(options.workers)
        return real(result, options, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(rescore_module, "rescore", recording)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    argv = ["rescore", str(evals), "--scorer", "exact", "-o", str(tmp_path / "r.json")]
    flags = common(tmp_path, word_tokenizer)
    assert main([*argv, "--num-proc", "64", *flags]) == 0
    assert main([*argv, "--num-proc", "64", "--workers", "3", *flags]) == 0
    assert seen == [2, 3]


@pytest.mark.parametrize("command", ["summarize", "export", "compare"])
def test_an_output_named_compressed_is_refused_before_the_load(
    evals: Path,
    tmp_path: Path,
    word_tokenizer: Path,
    command: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``export --records -o hard.jsonl.gz`` (the readers take .jsonl.gz, so a script names its
    output so) wrote plain JSON lines under the gzip name: ``zcat`` failed on it and evaltui
    itself read it back as 'no reader recognises this file by its name', exit 0. evaltui writes
    no compressed file: such a name is a usage error, nothing written."""
    out = tmp_path / "hard.jsonl.gz"
    argv = [command, str(evals), "-o", str(out), *common(tmp_path, word_tokenizer)]
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--records"] if command == "export" else argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"{str(out)!r}: evaltui writes no compressed (.gz) file" in err, err
    assert not out.exists() and not list(tmp_path.glob("hard*"))
    if command == "summarize":  # the batch script's way of naming it, likewise
        with pytest.raises(SystemExit) as stop:
            main([*argv[:2], "--output_data_dir", str(tmp_path), "--output_filename", out.name])
        assert stop.value.code == 2
        assert "evaltui writes no compressed (.gz) file" in capsys.readouterr().err
        assert not out.exists()


def test_app_rescore_num_proc_starts_no_more_scorer_processes_than_cores(
    evals: Path, tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``evaltui PATH --rescore exact --num-proc 64``: the app's re-score took --num-proc whole
    as its scorer processes (64 on a 2-core machine) where the load beside it was bounded to
    the cores, as ``rescore`` is."""
    import evaltui.app.main

    seen: list[int | None] = []

    def no_app(_paths: object, _options: object, **kw: Any) -> int:
        seen.append(kw["rescore"].workers)
        return 0

    monkeypatch.setattr(evaltui.app.main, "run_app", no_app)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    flags = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main([str(evals), "--rescore", "exact", "--num-proc", "64", *flags]) == 0
    assert main([str(evals), "--rescore", "exact", *flags]) == 0
    assert seen == [2, None]


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        ("help", "--help"),
        ("triage", "export --quick suspect"),
        ("diff", "compare"),
        ("version", "--version"),
    ],
)
def test_a_word_that_is_no_command_is_named_with_the_one_that_does_it(
    evals: Path, word: str, meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``evaltui help`` and ``evaltui triage runs`` (the README's triage flags) said only
    'help: no such file or directory' (explore36), naming nothing a new user could run."""
    for argv in ([word], [word, str(evals)]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err == (
            f"evaltui: error: {word}: no such file or directory, nor a command: "
            f"did you mean 'evaltui {meant}'?\n"
        )


def test_export_takes_the_apps_word_filter_for_where(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app's bar is the "filter" (``/ filter: accuracy < 0.2 and max_len > 8000``): a user
    who typed ``evaltui export runs --filter "accuracy < 0.5" -o hard.json`` got "unrecognized
    arguments: --filter accuracy < 0.5", exit 2. ``--filter`` is ``--where``: the same prompts."""
    flags = common(tmp_path, word_tokenizer)
    written = {}
    for flag in ("--where", "--filter"):
        out = tmp_path / f"{flag.strip('-')}.json"
        assert main(["export", str(evals), flag, "accuracy < 0.5", "-o", str(out), *flags]) == 0
        written[flag] = json.loads(out.read_text(encoding="utf-8"))
    assert sorted((row["run"], row["prompt"]) for row in written["--filter"]) == [
        ("model_a", "prompt 1"),
        ("model_a", "prompt 2"),
        ("model_a", "prompt 3"),
        ("model_b", "prompt 3"),
    ]
    assert written["--filter"] == written["--where"]
    assert (
        main(["export", str(evals), "--filter", "bogus > 1", "-o", str(tmp_path / "x"), *flags])
        == 2
    )
    assert "--where: " in capsys.readouterr().err

"""Headless output never passes input text raw to the terminal.

File names, folder names and run labels come from the input (a folder name, ``--label``, a
harness's model name). Every command prints them through the one sanitising path: whatever they
hold (OSC 52 clipboard writes, OSC 0 titles, ESC[2J, Rich markup, zero-width and bidi controls),
no escape or control byte reaches stdout or stderr, and nothing is interpreted as markup."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import polars as pl
import pytest

from evaltui.cli import main
from tests.conftest import write_jsonl

OSC52 = "\x1b]52;c;cm0gLXJmIH4gIw==\x07"  # "rm -rf ~ #" to the clipboard
OSC0 = "\x1b]0;pwned\x07"  # terminal title
CLEAR = "\x1b[2J"
HOSTILE_FOLDERS = [
    f"clip{OSC52}a",
    f"title{OSC0}b",
    f"clear{CLEAR}c",
    "[link=https://example.invalid]d",
    "e[/]",
    "[@click=app.screenshot('x')]f\u202e\u200b",
]
HOSTILE_LABEL = f"lab{OSC52}{OSC0}{CLEAR}[/][link=x]\u2066el\u0301\u0302\u0303\u0304\u0305"
# Any C0 control but newline and tab (CR only before a newline: CSV line ends), DEL, C1, and the
# invisible characters that reorder or hide text.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
    "|\r(?!\n)"
)


def rec(prompt: str, ok: bool) -> dict[str, object]:
    return {"prompt": prompt, "gen": "so \\boxed{1}", "answer": "1", "accuracy": float(ok)}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    root = tmp_path / "evals"
    for i, folder in enumerate(HOSTILE_FOLDERS):
        name = f"inference{CLEAR}{i}.jsonl"
        write_jsonl(root / folder / name, [rec("p1", i % 2 == 0), rec("p2", True)], raw_lines=["{"])
    return root


def clean(text: str) -> None:
    found = FORBIDDEN.search(text)
    assert found is None, f"{found.group()!r} reached the terminal in {text[:400]!r}"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    clean(out)
    clean(err)
    return code, out, err


def test_every_command_with_hostile_names_and_labels(
    hostile: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    out = tmp_path / "o"
    code, _, err = run(capsys, "summarize", str(hostile), "-o", str(out / "s.json"), *common)
    assert code == 0 and "bad lines    6" in err and "␛]52;" in err  # shown, inert
    for style in ("text", "markdown", "csv"):
        code, table, _ = run(
            capsys,
            "summarize",
            str(hostile),
            "-o",
            str(out / f"{style}.json"),
            "--table",
            style,
            *common,
        )
        assert code == 0 and "␛" in table
    # The label from --label (as a harness's model name would be), in every output.
    labelled = [*common, "--label", HOSTILE_LABEL]
    code, table, _ = run(
        capsys,
        "summarize",
        str(hostile / HOSTILE_FOLDERS[0]),
        "-o",
        str(out / "l.json"),
        "--table",
        "markdown",
        *labelled,
    )
    assert code == 0 and "\\[/\\]\\[link=x\\]" in table  # markdown syntax escaped too
    code, _, err = run(capsys, "compare", str(hostile), *common)
    assert code == 2 and "6 runs loaded (" in err and "␛]0;pwned␇" in err
    code, report, _ = run(
        capsys, "compare", str(hostile), "--runs", HOSTILE_FOLDERS[0], HOSTILE_FOLDERS[1], *common
    )
    assert code == 0 and "clip␛]52;" in report
    # A run named by a part of its label: the hostile part matches, the report stays inert.
    code, report, _ = run(capsys, "compare", str(hostile), "--runs", OSC52, OSC0, *common)
    assert code == 0 and "␛]52;" in report and "␛]0;" in report
    code, _, err = run(capsys, "compare", str(hostile), "--runs", OSC52 + "?", OSC0, *common)
    assert code == 2 and "no run" in err  # (run() checked that nothing raw reached it)
    for extra in (["--run", OSC52 + "?"], ["--where", f"prompt ~ '{OSC0}' and"], []):
        for target in ("x.json", "x.csv", "x.jsonl", "-"):
            code, _, _ = run(
                capsys,
                "export",
                str(hostile),
                *extra,
                "-o",
                str(out / target) if target != "-" else "-",
                "--force",
                *common,
            )
            assert code == (0 if not extra else 2)
    code, _, err = run(capsys, "export", str(hostile), "--records", "-o", "-", *common)
    assert code == 0 and "records of" in err
    code, _, err = run(capsys, "summarize", str(tmp_path / f"missing{OSC52}"), *common)
    assert code == 2 and "missing␛]52;" in err


def test_json_written_escapes_invisible_characters_but_keeps_the_values(
    hostile: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.json"
    argv = ["summarize", str(hostile), "-o", str(out), "--model", str(word_tokenizer)]
    code = main([*argv, "-q", "--no-cache"])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    clean(text)
    assert "\\u202e" in text and "\\u001b" in text
    runs = {row["run"] for row in json.loads(text)}
    assert any(OSC52 in r for r in runs) and any("\u202e\u200b" in r for r in runs)


class Terminal(io.TextIOWrapper):
    """Standard output that is a terminal (or, ``tty=False``, a pipe)."""

    def __init__(self, *, tty: bool = True) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", newline="\n")
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def text(self) -> str:
        self.flush()
        data: bytes = self.buffer.getvalue()  # type: ignore[attr-defined]
        return data.decode("utf-8")


def test_export_to_a_terminal_shows_controls_in_every_text_format(
    hostile: Path, tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``export -o - --as csv`` on a terminal printed the run labels' and file names' escape
    sequences raw (the terminal's title set, the screen cleared), where records and the combined
    JSON show them inert; into a pipe the CSV stays the exact data."""
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    for kind in ("csv", "records", "combined"):
        screen = Terminal()
        monkeypatch.setattr(sys, "stdout", screen)
        assert main(["export", str(hostile), "-o", "-", "--as", kind, *common]) == 0
        clean(screen.text())
        assert kind != "csv" or "␛]52;" in screen.text()  # the run label, inert
    pipe = Terminal(tty=False)
    monkeypatch.setattr(sys, "stdout", pipe)
    assert main(["export", str(hostile), "-o", "-", "--as", "csv", *common]) == 0
    assert any(OSC52 in run for run in pl.read_csv(pipe.text().encode())["run"])


def test_an_error_naming_a_path_with_a_newline_is_one_line(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing input or an unwritable output whose name holds a newline printed its error on
    two lines ('evaltui: error: /tmp/no' then 'such: no such file or directory'): a script
    reading one error per line read half of it. The newline shows as ␊; a --where error keeps
    its caret line under the expression."""
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    code, _, err = run(capsys, "summarize", str(tmp_path / "no\nsuch"), "-o", "-", *common)
    assert code == 2 and err == f"evaltui: error: {tmp_path}/no␊such: no such file or directory\n"
    write_jsonl(tmp_path / "d" / "a.jsonl", [rec("p1", True)])
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "x\ny.json"
    code, _, err = run(capsys, "export", str(tmp_path / "d"), "-o", str(out), *common)
    assert code == 1 and err.count("\n") == 1 and "x␊y.json" in err
    code, _, err = run(capsys, "export", str(tmp_path / "d"), "--where", "n >> 1", "-o", "-")
    assert code == 2 and err.splitlines()[1:] == ["  n >> 1", "     ^"]


def test_rescore_generations_jsonl_escapes_invisible_characters_and_keeps_non_finite_scores(
    hostile: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``rescore --generations x.jsonl`` was polars' ``write_ndjson``: U+202E, U+200B and C1
    controls from folder names and answers went into the file raw (a ``cat`` of it reordered
    the line; ``\\x9b`` is CSI to an 8-bit terminal), and a stored Infinity (lm-eval ``mae``)
    was written ``null``, as if unscored. Now as every JSON evaltui writes."""
    from tests.data.test_scores import TGPRED

    out, verdicts = tmp_path / "r.json", tmp_path / "g.jsonl"
    argv = ["rescore", str(hostile), str(TGPRED), "--scorer", "exact", "-o", str(out)]
    code = main([*argv, "--generations", str(verdicts), "--model", str(word_tokenizer), "-q"])
    assert code == 0
    text = verdicts.read_text(encoding="utf-8")
    clean(text)
    assert "\\u202e" in text and "\\u200b" in text
    rows = [json.loads(line) for line in text.splitlines()]
    assert any(row["run"] == HOSTILE_FOLDERS[-1] for row in rows)  # the same values, escaped
    stored = [row["stored_accuracy"] for row in rows if "gpt-4o-mini" in row["run"]]
    # 17 of the 24 maes are Infinity, 7 finite (see tests/data/test_scores.py)
    assert len(stored) == 24 and stored.count("Infinity") == 17 and None not in stored
    assert float("Infinity") == float(stored[stored.index("Infinity")])


def test_markdown_summary_escapes_a_scorer_name(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An Inspect scorer's name is input: the markdown table's score row and the scores line
    # under it gave it raw, so "|" added a column and "[a](…)" / "<img …>" became a link and
    # HTML in the rendered report (the run labels beside it were escaped).
    scorer = "ok|x [a](http://evil.example) <img src=x>"
    source = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "inspect_ai"
    log = json.loads(next((source / "logs_json").glob("*.json")).read_text(encoding="utf-8"))
    text = json.dumps(log).replace('"match"', json.dumps(scorer))
    assert scorer in text
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "log.json").write_text(text, encoding="utf-8")
    common = ["--model", str(word_tokenizer), "--no-cache", "--table", "markdown"]
    code, table, _ = run(
        capsys, "summarize", str(tmp_path / "logs"), "-o", str(tmp_path / "s.json"), *common
    )
    assert code == 0
    rows = [line for line in table.splitlines() if line.startswith("|")]
    assert len({line.count("|") - line.count("\\|") for line in rows}) == 1, rows
    score_row = next(line for line in rows if line.startswith("| score |"))
    assert r"ok\|x \[a\](http://evil.example) \<img src=x\>" in score_row
    below = [line for line in table.splitlines() if line.startswith("score")]
    assert below and all(re.search(r"(?<!\\)[\[\]<>|]", line) is None for line in below), below
    assert r"\[a\](http://evil.example) \<img src=x\>" in below[0]


def test_csv_summary_keeps_a_scorer_name_from_running_as_a_formula(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The run label got its "'" against spreadsheet formulas; the score_metric cell beside it (an
    # Inspect scorer's name, from the log) went in as it was, and ran as a formula.
    import csv

    scorer = '=HYPERLINK("http://evil.example","x")'
    source = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "inspect_ai"
    log = json.loads(next((source / "logs_json").glob("*.json")).read_text(encoding="utf-8"))
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "log.json").write_text(
        json.dumps(log).replace('"match"', json.dumps(scorer)), encoding="utf-8"
    )
    common = ["--model", str(word_tokenizer), "--no-cache", "--table", "csv"]
    code, table, _ = run(
        capsys, "summarize", str(tmp_path / "logs"), "-o", str(tmp_path / "s.json"), *common
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(table)))
    assert rows and {row["score_metric"] for row in rows} == {"'" + scorer}


def test_rescore_generations_csv_keeps_input_text_from_running_as_a_formula(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # export and compare write their CSV through export.csv_safe; rescore --generations x.csv
    # wrote the run label (a folder name), the file name, the reference and the extracted answer
    # as they were, so a spreadsheet ran "=HYPERLINK(…)" and "@SUM(…)" as formulas.
    import csv

    formula = '=HYPERLINK("http://evil.example","x")'
    rows = [
        {"prompt": "p", "gen": f"so \\boxed{{{formula}}}", "answer": formula, "accuracy": 1.0},
        {"prompt": "q", "gen": "so \\boxed{2}", "answer": "+2", "accuracy": 0.0},
    ]
    write_jsonl(tmp_path / "evals" / "@SUM(1)" / "-s.jsonl", rows)
    out = tmp_path / "g.csv"
    common = ["--model", str(word_tokenizer), "--no-cache", "--scorer", "exact", "-q"]
    code, _, _ = run(
        capsys, "rescore", str(tmp_path / "evals"), "-o", str(tmp_path / "r.json"),
        "--generations", str(out), *common,
    )  # fmt: skip
    assert code == 0
    written = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["run"] for r in written] == ["'@SUM(1)"] * 2
    assert [r["source"] for r in written] == ["'@SUM(1)/-s.jsonl"] * 2
    assert [r["answer"] for r in written] == ["'" + formula, "'+2"]
    assert written[0]["extracted"] == "'" + formula


def test_runs_listed_in_an_error_read_as_their_labels(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The labels were listed by repr(): a backslash read doubled ('dir\\\\x80' for the label
    # dir\\x80 a file name's undecodable byte gives), so the label typed back from the message
    # named no run; a label with a quote changed its quotes.
    for folder in ("run\\x80", "it's", "plain"):
        write_jsonl(tmp_path / "evals" / folder / "s.jsonl", [rec("p1", True)])
    common = ["--model", str(word_tokenizer), "--no-cache"]
    code, _, err = run(capsys, "compare", str(tmp_path / "evals"), *common)
    assert code == 2 and "3 runs loaded (" in err
    assert "'run\\x80'" in err and "'it's'" in err, err
    code, _, err = run(capsys, "compare", str(tmp_path / "evals"), "--runs", "x", "y", *common)
    assert code == 2 and "'run\\x80'" in err, err


def test_names_from_rollout_dumps_and_wandb_tables_keep_their_newlines_visible(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The new readers' names (a NeMo-RL experiment's folder, a wandb run's folder, a TRL
    reward function's column, a wandb table's columns) reach notes, the score line, the mean's
    words and a skipped file's reason. Those lines folded a name's newline, tab and carriage
    return to a space: a folder 'exp\\nF\\rG' read as a folder 'exp F G' in every note (the
    bad lines beside them said 'exp␊F␍G'), a reward function 'ok\\nd' as 'ok d'. Now each
    shows as the name it is, nothing raw and no markup read, in summarize and compare alike."""
    from evaltui.data.loader import LoadOptions, load
    from evaltui.data.notes import note_lines
    from tests.data.test_rollout_writers import trl_rows, write_nemo_rl_validation

    folder = f"exp{OSC0}\x9b[b]x\nF\rG\u202e"
    shown_folder = "exp␛]0;pwned␇\ufffd[b]x␊F␍G\ufffd"
    reward = f"ok{CLEAR}[bold]c\nd\te"
    shown_reward = "ok␛[2J[bold]c␊d␉e"
    root = tmp_path / "evals"
    write_nemo_rl_validation(root / "nemo" / folder, 10, [("\\boxed{0}", 1.0), ("5", 0.0)])
    table = root / "wandb" / f"run-{folder}" / "files" / "media" / "table"
    table.mkdir(parents=True)
    for step in (10, 20):
        rows = [
            {"step": r["step"], "prompt": r["prompt"], "completion": r["completion"],
             reward: r["Skywork-Reward-V2-Qwen3-0.6B"], "advantage": r["advantage"]}
            for r in trl_rows(step)
        ]  # fmt: skip
        (table / f"completions_{step}_{step:020x}.table.json").write_text(
            json.dumps({"columns": list(rows[0]), "data": [list(r.values()) for r in rows]}),
            encoding="utf-8",
        )
    (table / f"generated_samples_30_{1:020x}.table.json").write_text(
        json.dumps({"columns": ["global_step", f"text{reward}"], "data": [[1, "a"]]}),
        encoding="utf-8",
    )
    common = ["--model", str(word_tokenizer), "--no-cache"]
    code, _, err = run(
        capsys, "summarize", str(root / "nemo"), "-o", str(tmp_path / "n.json"), *common
    )
    notes = [line for line in err.splitlines() if line.startswith("note ")]
    assert code == 0 and notes and all(f"note         {shown_folder}/" in n for n in notes), notes
    code, _, err = run(capsys, "summarize", str(root), "-o", str(tmp_path / "s.json"), *common)
    assert code == 0
    score = [line for line in err.splitlines() if "continuous" in line]
    assert score and all(f": {shown_reward}: continuous" in line for line in score), score
    skipped = next(line for line in err.splitlines() if line.startswith("skipped "))
    assert f"run-{shown_folder}/files/" in skipped, skipped
    assert f"global_step, text{shown_reward}:" in skipped, skipped
    # (the triage lines' 'mean <metric>' are triage.py's own words, not checked here)
    said = "\n".join(line for line in err.splitlines() if "vs truncated" not in line)
    assert "x F G" not in said and "ok d" not in said and "c d e" not in said
    # The app's notes screen (b) says notes through the same lines.
    result = load([str(root)], LoadOptions(tokenize=False, use_cache=False))
    lines = note_lines(result.note_groups(), listed=10, limit=400)
    assert any(shown_folder in line for line in lines), lines
    assert not any("x F G" in line for line in lines), lines
    code, report, err = run(capsys, "compare", str(root / "wandb"), *common)
    assert code == 0 and f"run-{shown_folder} · step 10" in report
    assert "x F G" not in report + err and "ok d" not in report + err


def test_a_metrics_name_in_the_score_words_keeps_its_newline_visible() -> None:
    """A score's words (the header's 'mean f1', the summary's and comparison's descriptions,
    the tables' cells) name the metric as read from the input: 'f1\\nx' read 'mean f1 x', a
    metric 'f1 x' it is not."""
    from evaltui.data.metrics import ScoreKind, means_word

    kind = ScoreKind("r", "continuous", "f1\nx\ty", True, None, low=0.0, high=3.0)
    assert kind.describe().startswith("f1␊x␉y: continuous")
    assert kind.short() == "f1␊x␉y continuous ↑"
    assert means_word({"r": kind}, {"r": 1.0}) == "mean f1␊x␉y"


def test_an_inspect_chunked_sample_whose_id_holds_a_newline_is_read_and_named_inert(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A chunked sample's folder is named by its id (``samples/<id>_epoch_<n>/``); an id with a
    newline was no sample folder, so each of its chunks was read as a sample ('samples/a
    b_epoch_1/attachments/0.json: sample without an id', 27 bad lines for one sample). Now it
    reads as its log written whole, and a chunk it lacks is its error, the id shown inert."""
    import zipfile

    from tests.data.test_formats_inspect_chunked import _log, write_chunked_eval

    data = _log()
    sample_id = f"id{OSC0}[b]x\nF\u202e"
    data["samples"][0]["id"] = sample_id
    path = write_chunked_eval(tmp_path / "logs" / "2026-11-23T19-59-31_toy_AAA.eval", data)
    common = ["--model", str(word_tokenizer), "--no-cache"]
    code, _, err = run(
        capsys, "summarize", str(path.parent), "-o", str(tmp_path / "s.json"), *common
    )
    assert code == 0 and "bad lines    0" in err and "generations  6" in err, err
    damaged = tmp_path / "damaged" / path.name
    damaged.parent.mkdir()
    prefix = f"samples/{sample_id}_epoch_1/messages/"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            if not info.filename.startswith(prefix):
                target.writestr(info, source.read(info))
    code, _, err = run(
        capsys, "summarize", str(damaged.parent), "-o", str(tmp_path / "d.json"), *common
    )
    assert code == 0 and "bad lines    1" in err, err
    shown = "samples/id␛]0;pwned␇[b]x␊F\ufffd_epoch_1"
    assert f"{shown}/sample.json: message 1 is in none of the sample's {shown}/messages/" in err

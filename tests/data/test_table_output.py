"""``evaltui summarize --table`` as read in an 80-column terminal or a pipe: every line fits,
values and brackets line up, a partial value's ``*`` stands apart from its interval, run labels
are cut in the middle with a mark and shown literally."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from evaltui.cli import main
from evaltui.data.sanitize import cell_width
from tests.conftest import write_jsonl

LABELS = [
    "meta-llama__Meta-Llama-3.1-70B-Instruct-sft-v3-checkpoint-12000",
    "Qwen__Qwen2.5-72B-Instruct-grpo-run-2026-11-30",
    "deepseek-r1-distill-qwen-7b",
    "evil\x1b[31mred\x1b[0m-label [bold]x",
    "m5",
]


def write_runs(root: Path) -> Path:
    """Five runs of 20 prompts, 8 samples each; the first run has 1 sample on every third
    prompt, so its pass@2 and beyond are over 13 of 20 prompts (marked ``*``)."""
    rng = random.Random(1)
    for r, label in enumerate(LABELS):
        lines = []
        for p in range(20):
            for _ in range(1 if r == 0 and p % 3 == 0 else 8):
                ok = rng.random() < 0.5
                record = {"prompt": f"P{p}", "gen": "x", "answer": "1", "accuracy": ok}
                lines.append(json.dumps(record))
        (root / label).mkdir(parents=True)
        (root / label / "x.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_the_text_table_at_80_columns_in_a_pipe(
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It was one block 193 columns wide (the terminal wrapped every row into the next), with
    ``65.9*[58.2, 74.0]`` beside ``74.1 [65.5, 82.7]`` and the footer lines 170 wide."""
    monkeypatch.setenv("COLUMNS", "80")
    data = write_runs(tmp_path / "runs")
    args = ["summarize", str(data), "-o", str(tmp_path / "s.json"), "--table"]
    assert main([*args, "--model", str(word_tokenizer), "--no-cache"]) == 0
    table = capsys.readouterr().out
    lines = table.splitlines()
    assert max(cell_width(line) for line in lines) <= 80
    assert "\x1b" not in table and "evil␛[31mred␛[" in table  # literal, made visible
    assert "*[" not in table and "* [" in table
    # Blocks, each headed by "metric": every run is in one, by its whole label or cut with a mark.
    heads = [line.split()[1:] for line in lines if line.startswith("metric ")]
    assert len(heads) > 1
    shown = [label for head in heads for label in head]
    # The lm-eval orgs (``Qwen__``, ``meta-llama__``) left out first, the sizes kept whole,
    # whole words after them ('…Meta-Llama-3.1-70B-Ins…12000' read a word 'Ins').
    assert sorted(shown) == [
        "[bold]x",  # the end of "evil␛[31mred␛[0…label [bold]x", split() here
        "deepseek-r1-distill-qwen-7b",
        "evil␛[31mred␛[0…label",
        "m5",
        "…Meta-Llama-3.1-70B-Instruct…",
        "…Qwen2.5-72B-Instruct-grpo…",
    ]
    # In every block the brackets of each run's column line up, row after row.
    metric_rows = [line for line in lines if re.match(r"(pass|avg|maj|cons|G-Pass|mG-Pass)", line)]
    blocks: dict[int, set[tuple[int, ...]]] = {}
    block = -1
    for line in lines:
        if line.startswith("metric "):
            block += 1
        if line in metric_rows:
            positions = tuple(m.start() for m in re.finditer(r"\[", line))
            blocks.setdefault(block, set()).add(positions)
    assert len(blocks) == len(heads) and all(len(p) == 1 for p in blocks.values()), blocks
    # The lines under it wrapped between words, nothing cut.
    words = " ".join(table.split())
    assert "…Meta-Llama-3.1-70B-Instruct…: pass@2, pass@4, pass@8, G-Pass@8_0.5," in words
    assert "mG-Pass@8 over 13 of 20 prompts" in words


@pytest.mark.parametrize("columns", [50, 60, 80])
def test_the_lines_below_the_text_table_wrap_in_cells(
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    columns: int,
) -> None:
    """The notes under the table (which metrics are over some prompts, by run label) wrapped
    with textwrap, which counts characters: at 60 columns a run of CJK label went to 63 cells,
    the terminal broke the line again. Every line now fits, and no word is lost."""
    monkeypatch.setenv("COLUMNS", str(columns))
    root = tmp_path / "runs"
    for index, label in enumerate(
        ["模型评测结果很长的名字第一个版本", "🙂🙂🙂模型二号 e\u0301e\u0301"]
    ):
        lines = [
            json.dumps({"prompt": f"P{p}", "gen": "x", "answer": "1", "accuracy": (p + k) % 2})
            for p in range(4)
            for k in range(2 if p == index else 1)
        ]
        (root / label).mkdir(parents=True)
        (root / label / "x.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["summarize", str(root), "-o", str(tmp_path / "s.json"), "--table", "-q"]
    assert main([*args, "--model", str(word_tokenizer), "--no-cache"]) == 0
    table = capsys.readouterr().out
    assert max(cell_width(line) for line in table.splitlines()) <= columns
    words = " ".join(table.split())
    assert "G-Pass@2_1.0, mG-Pass@2 over 1 of 4 prompts" in words
    below = table[table.index("(values in %") :]
    assert "模型" in below and "e\u0301" in below  # the labels, marks kept on their letters


def test_the_csv_table_names_each_run_as_the_combined_json_does(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--table csv folded each run label onto one line, whitespace runs to one space: the runs
    of folders 'model  v2' and 'n\\ny' were 'model v2' and 'n y' in the table but 'model  v2'
    and 'n\\ny' in the combined JSON beside it, so a script joining the two by run lost them.
    A CSV field holds any text (a newline is quoted); control characters stay visible."""
    import csv
    import io

    for name in ("model  v2", "n\ny", "evil\x1b[31m"):
        (tmp_path / "evals" / name).mkdir(parents=True)
        record = {"prompt": "P", "gen": "x", "answer": "1", "accuracy": 1}
        (tmp_path / "evals" / name / "x.jsonl").write_text(json.dumps(record) + "\n")
    out = tmp_path / "s.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    code = main(["summarize", str(tmp_path / "evals"), "-o", str(out), "--table", "csv", *common])
    assert code == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    runs = {row["run"] for row in json.loads(out.read_text(encoding="utf-8"))}
    assert runs == {"model  v2", "n\ny", "evil\x1b[31m"}
    assert {row["run"] for row in table} == {"model  v2", "n\ny", "evil␛[31m"}


@pytest.mark.parametrize("columns", [40, 45, 60])
def test_the_text_table_fits_narrow_terminals(
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    columns: int,
) -> None:
    """At COLUMNS=40 a run solved every time ('100.0  [100.0, 100.0]', 21 cells beside the
    18 of 'never/flaky/always') made 41-cell lines, and a long metric name (the published
    Inspect runs' 'winrate_divided_by_optimal accuracy 0–1') 59-cell ones at 45: the score's
    words are cut in the middle to a run's room, the metric names at their end when the
    numbers leave less; every value is shown whole."""
    monkeypatch.setenv("COLUMNS", str(columns))
    root = tmp_path / "runs"
    write_jsonl(
        root / "模型 ü" / "x.jsonl",
        [{"prompt": f"P{p}", "gen": "x", "answer": "1", "accuracy": 1} for p in range(4)],
    )
    write_jsonl(
        root / "b" / "x.jsonl",
        [{"prompt": f"P{p}", "gen": "x", "answer": "1", "accuracy": p / 4} for p in range(4)],
    )
    args = ["summarize", str(root), "-o", str(tmp_path / "s.json"), "--table", "-q"]
    assert main([*args, "--model", str(word_tokenizer), "--no-cache"]) == 0
    table = capsys.readouterr().out
    lines = table.splitlines()
    assert max(cell_width(line) for line in lines) <= columns, table
    assert "100.0  [100.0, 100.0]" in table
    assert sum(line.startswith("never/flaky/al") for line in lines) == 2


@pytest.mark.parametrize("columns", [40, 45, 60])
def test_a_long_score_name_is_cut_to_the_width(columns: int) -> None:
    """The published Inspect runs' score 'winrate_divided_by_optimal accuracy 0–1' (39 cells)
    made 59-cell lines at COLUMNS=45: it is cut in the middle to the run's room."""
    from evaltui.data.metrics import prompt_stats
    from evaltui.data.summary import render_table, summarize_runs
    from tests.data.test_scores import generations

    rows = [(run, str(p), p / 4) for run in ("openai/o1-mini", "b") for p in range(4)]
    stats = prompt_stats(generations(rows, metric=["winrate_divided_by_optimal"] * len(rows)))
    table = render_table(summarize_runs(stats), "text", columns)
    assert max(cell_width(line) for line in table.splitlines()) <= columns, table
    score = next(line for line in table.splitlines() if line.startswith("score "))
    assert "winrate_di" in score and ("…" in score) == (columns < 60)  # cut, with a mark
    # A win rate is no accuracy: its words say so, and the threshold pass@k counts at.
    assert (
        "score: winrate_divided_by_optimal: 0–1 score 0–0.75, not an accuracy, correct ≥ 0.5"
        in " ".join(table.split())
    )

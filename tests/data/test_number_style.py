"""Counts in what evaltui writes: grouped (``1,490``) in text for people, plain (``1490``) in
data for programs. The end summary said ``prompts      1490`` above ``… of 2,980
generations`` and ``… and 1,195 more``: two styles in one screen."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from evaltui.cli import main
from tests.conftest import write_jsonl

PROMPTS = 1_200


def big_runs(root: Path) -> Path:
    """Two runs of 1,200 prompts, one generation each (no answer to find: 'no answer' on each),
    every one wrong in both; run b also has 1,100 bad lines."""
    for run in "ab":
        write_jsonl(
            root / run / "r.jsonl",
            [
                {"prompt": f"q{i}", "gen": "a long reply " * 20, "answer": "1", "accuracy": 0}
                for i in range(PROMPTS)
            ],
            raw_lines=["{bad"] * 1_100 if run == "b" else [],
        )
    return root


def test_counts_are_grouped_for_people_and_plain_for_programs(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = big_runs(tmp_path / "d")
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    out = tmp_path / "s.json"
    assert main(["summarize", str(root), "-o", str(out), "--table", *common]) == 0
    table, err = capsys.readouterr()
    lines = err.splitlines()
    assert "prompts      1,200 in 2 runs (2,400 rows, run × prompt)" in lines
    assert "generations  2,400" in lines
    assert "bad lines    1,100" in lines
    assert "  … and 1,095 more (every one: --bad-lines FILE, or the app's b)" in lines
    triage = [line for line in lines if "length cap" in line]
    assert len(triage) == 2 and all("no answer 1,200" in line for line in triage), triage
    assert all("of 1,200 generations" in line for line in triage)
    assert "never/flaky/always" in table
    spectrum = next(line for line in table.splitlines() if line.startswith("never/flaky"))
    assert spectrum.split()[1:] == ["1,200/0/0", "1,200/0/0"]
    # Data: plain numbers, as a CSV or JSON reader takes them.
    assert main(["summarize", str(root), "-o", str(out), "--table", "csv", "-q", *common]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {(row["prompts"], row["generations"], row["never"]) for row in rows} == {
        ("1200", "1200", "1200")
    }
    assert {row["count"] for row in json.loads(out.read_text())} == {1}
    # compare's report: the transitions' counts as its other counts.
    assert main(["compare", str(root), "-q", *common]) == 0
    report = capsys.readouterr().out.splitlines()
    assert "improved 0 · regressed 0 · unchanged 1,200" in report
    assert report[-3].split() == ["never", "1,200", "0", "0"]


def test_the_csv_table_holds_values_unrounded(tmp_path: Path) -> None:
    """`--table csv` wrote the text table's rounded values: pass@1 '61.9' for a run at
    61.875% and one at 61.94% alike (a script ranking runs saw a tie), a score to 4
    digits. A cell now reads back as the value itself (in percent for rates)."""
    from evaltui.data.metrics import prompt_stats
    from evaltui.data.summary import render_table, summarize_runs
    from tests.data.test_scores import generations

    # Run a: 99 of 160 prompts right (61.875%); run b: 99 of 161 (61.49…%).
    rows = [("a", str(p), float(p < 99)) for p in range(160)]
    rows += [("b", str(p), float(p < 99)) for p in range(161)]
    rows += [("c", str(p), 1234.56789 * (p + 1)) for p in range(3)]
    summaries = summarize_runs(prompt_stats(generations(rows)))
    table = list(csv.DictReader(io.StringIO(render_table(summaries, "csv"))))
    value = {(row["run"], row["metric"]): row["value"] for row in table}
    assert value[("a", "pass@1")] == "61.875"
    assert float(value[("b", "pass@1")]) == pytest.approx(100 * 99 / 161, abs=1e-12)
    assert float(value[("c", "mean")]) == pytest.approx(1234.56789 * 2, abs=1e-9)


def test_prompts_of_several_runs_are_counted_as_prompts(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two runs of the same 1,200 prompts: export said 'wrote 2,400 rows (run × prompt) …
    (all prompts; 2,400 prompts loaded)' and summarize 'runs 2' over 'prompts 2400': Stats
    rows called prompts, as if 2,400 problems. The prompts are 1,200, in 2 runs."""
    root = big_runs(tmp_path / "d")
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    out = tmp_path / "e.json"
    assert main(["export", str(root), "-o", str(out), *common]) == 0
    err = capsys.readouterr().err
    assert f"wrote 2,400 rows (run × prompt) to {out} (all prompts; 1,200 prompts in 2 runs " in err
    assert main(["export", str(root / "a"), "-o", str(tmp_path / "a.json"), *common]) == 0
    assert "(all prompts; 1,200 prompts loaded)" in capsys.readouterr().err

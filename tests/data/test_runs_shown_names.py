"""A run is named by its label as evaltui shows it: a folder ``new\\nline``'s run is
``new␊line`` in the end summary, the table and the app (explore36), yet ``--runs``/``--run``
typed so said "no run 'new␊line' (runs: …, 'new line', …)": the list folded the newline to a
space, a name that found no run either."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaltui.cli import main
from evaltui.data.runs import resolve_run

RUNS = ["new\nline", "tab\there", "other"]


@pytest.mark.parametrize(
    ("name", "run"),
    [("new␊line", RUNS[0]), ("tab␉here", RUNS[1]), ("NEW␊", RUNS[0]), ("new\nline", RUNS[0])],
)
def test_a_label_as_shown_names_the_run(name: str, run: str) -> None:
    assert resolve_run(RUNS, name) == run


def test_the_runs_listed_show_their_newlines_as_the_tables_do() -> None:
    with pytest.raises(ValueError) as error:
        resolve_run(RUNS, "nothing")
    assert "'new␊line'" in str(error.value) and "'tab␉here'" in str(error.value)
    assert "new line" not in str(error.value) and "tab here" not in str(error.value)


def test_compare_and_export_take_a_run_as_the_summary_lists_it(
    tmp_path: Path, capsys: Any, word_tokenizer: Path
) -> None:
    for name, accuracy in (("new\nline", 0), ("tab\there", 1)):
        folder = tmp_path / "evals" / name
        folder.mkdir(parents=True)
        rows = [
            {"prompt": f"p{i}", "gen": "1", "answer": "1", "accuracy": accuracy} for i in range(3)
        ]
        (folder / "x.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    common = [str(tmp_path / "evals"), "--model", str(word_tokenizer), "-q"]
    common += ["--cache-dir", str(tmp_path / "c")]
    argv = ["compare", *common, "--runs", "new␊line", "tab␉here", "--summary-json", "-"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["run_a"], report["run_b"]) == ("new\nline", "tab\there")
    out = tmp_path / "one.json"
    assert main(["export", *common, "--run", "new␊line", "-o", str(out)]) == 0
    assert {row["run"] for row in json.loads(out.read_text())} == {"new\nline"}


def test_a_threshold_and_a_direction_take_a_run_as_shown() -> None:
    """``--correct-threshold 'new␊line=0.9'`` said "names 1 run(s) not loaded … (runs: new
    line, …)", and a run so named kept the default threshold."""
    from evaltui.data.metrics import Thresholds

    thresholds = Thresholds.parse(["new␊line=0.9"]).with_directions(["tab␉here=lower"])
    assert thresholds.for_run("new\nline", True) == 0.9
    assert thresholds.direction_for("tab\there") is False
    assert thresholds.unknown_message(RUNS) is None
    message = Thresholds.parse(["nothing=0.9"]).unknown_message(RUNS)
    assert message is not None and "new␊line" in message and "new line" not in message

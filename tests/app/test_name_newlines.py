"""A run label with a newline (a folder 'short\\nline') shows on one line, the newline visible."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evaltui.app.screens.compare import CompareScreen, RunPairScreen
from evaltui.app.screens.summary import SummaryScreen
from tests.app.conftest import problems_text, settle
from tests.app.test_wide_text_cells import screen_lines


def write_named_runs(root: Path) -> Path:
    for run in ("short\nline", "other run", "third\tone"):
        (root / run).mkdir(parents=True)
        lines = [
            json.dumps({"prompt": f"q{p}", "gen": f"a{s}", "answer": "a0", "accuracy": s})
            for p in range(3)
            for s in range(2)
        ]
        (root / run / "out.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


async def test_a_label_with_a_newline_reads_on_one_line_everywhere(
    tmp_path: Path, make_app: Any
) -> None:
    """It read 'short line' (the newline folded to a space, as a folder 'short line' reads) in
    the table, the status line, the summary, the run-pair picker and the comparison."""
    app = make_app(write_named_runs(tmp_path / "named"))

    def seen() -> str:
        return "\n".join(screen_lines(app))

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r", "r")  # other run, then short\nline
        await settle(pilot)
        assert "run=short␊line" in seen() and "short line" not in seen()
        await pilot.press("c", "t")  # every run
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert "short␊line" in seen() and "third␉one" in seen(), seen()
        await pilot.press("q", "m")
        await settle(pilot)
        assert isinstance(app.screen, RunPairScreen)
        assert "short␊line" in seen() and "short line" not in seen()
        await pilot.press("down", "enter", "enter")  # A: short\nline, then B
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert "A = short␊line" in seen(), seen()


async def test_a_bad_lines_file_name_with_a_newline_reads_on_one_line(
    tmp_path: Path, make_app: Any
) -> None:
    """The bad lines screen (b) named a bad line's file 'new\\nline/out.jsonl' as 'new
    line/out.jsonl' (the newline folded to a space), where its notes show 'new␊line'."""
    folder = tmp_path / "evals" / "new\nline"
    folder.mkdir(parents=True)
    good = json.dumps({"prompt": "q", "gen": "a", "answer": "a", "accuracy": 1})
    (folder / "out.jsonl").write_text(f"{good}\nnot json\n", encoding="utf-8")
    app = make_app(tmp_path / "evals")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        shown = problems_text(app)
        assert "new␊line/out.jsonl:2: not valid JSON" in shown, shown
        assert "new line" not in shown


def write_lm_eval_runs(root: Path, task: str) -> Path:
    """Two lm-eval runs of a task named ``task`` (from the samples file's name), the second
    wrong where the first is right: their prompt ids are ``<task>:<doc_id>``."""
    from tests.conftest import write_jsonl

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "lm_eval"
    source = next((fixture / "outputs" / "run_scripted").glob("*/samples_toy_math_gen_*.jsonl"))
    date = source.name.removeprefix("samples_toy_math_gen_")
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    strict = [r for r in records if r["filter"] == "strict-match"]
    for model, rows in (
        ("org__old", strict),
        ("org__new", [{**r, "exact_match": 0.0} for r in strict]),
    ):
        write_jsonl(root / model / f"samples_{task}_{date}", rows)
    return root


async def test_an_lm_eval_task_with_a_line_break_reads_so_in_the_app(
    tmp_path: Path, make_app: Any
) -> None:
    """An lm-eval task's name reaches its prompt ids and the re-score dialog whole (a line
    break in it too). The comparison's id column read 'toy math:0' and the dialog offered
    'lm-eval:toy math', a task 'toy math' (the line break folded to a space), where the prompt
    screen's title and `evaltui compare` show 'toy␊math:0' and the Re-score button 'lm-eval:toy␊math';
    a NEL (U+0085) in a name, a line break too, read as a space everywhere."""
    from textual.widgets import RadioButton

    from evaltui.app.screens.rescore import RescoreScreen

    app = make_app(write_lm_eval_runs(tmp_path / "d", "toy\nmath\x85x"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        table = screen.current_table()
        assert table is not None
        ids = [str(table.get_row_at(row)[-1]) for row in range(table.row_count)]
        assert sorted(ids) == [f"toy␊math�x:{doc}" for doc in range(4)], ids
        await pilot.press("escape", "R")
        await settle(pilot)
        assert isinstance(app.screen, RescoreScreen)
        labels = [str(b.label) for b in app.screen.query(RadioButton)]
        assert "lm-eval:toy␊math�x: the task's own metric" in labels, labels


async def test_the_prompt_tables_id_column_shows_an_ids_line_break(
    tmp_path: Path, make_app: Any
) -> None:
    """The main table's id column made an lm-eval task's line break a space ('toy math:0', a
    task 'toy math'), where the comparison's id column, the prompt screen's title and
    `evaltui compare` show 'toy␊math:0'."""
    app = make_app(write_lm_eval_runs(tmp_path / "d", "toy\nmath\x85x"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.main.current_table()
        assert table is not None
        ids = {str(table.get_row_at(row)[-1]) for row in range(table.row_count)}
        assert ids == {f"toy␊math�x:{doc}" for doc in range(4)}, ids

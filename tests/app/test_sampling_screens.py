"""Pilot tests for the run summary (t) and the two-run comparison (m) screens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen
from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.prompt import PromptScreen
from evaltui.app.screens.summary import SummaryScreen
from tests.app.conftest import settle
from tests.app.test_scores_app import summary_text

SIZE = (120, 36)


def text_of(app: EvalApp, selector: str) -> str:
    rendered = app.screen.query_one(selector, Static).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def screen_text(app: EvalApp) -> str:
    """What the terminal shows now, as plain text."""
    from tests.app.test_screens import screen_text as render

    return render(app)


async def test_summary_screen_shows_metrics_with_intervals(evals: Path, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        shown = screen_text(app)
        assert shown.splitlines()[1].split() == ["metric", "model_a", "model_b"]
        for metric in ("avg@4", "pass@1", "pass@2", "pass@4", "maj@4", "cons@4", "mG-Pass@4"):
            assert metric in shown
        # model_b solves 1+2+3+4+4+1 = 15 of 24 -> 0.625
        assert "0.625 [" in shown
        await pilot.press("q")
        assert isinstance(app.screen, MainScreen)


async def test_compare_screen(evals: Path, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison is not None
        # model_b is one sample better on prompts 0-3 and 5, equal on 4: +5/24 points on average over 6
        assert text_of(app, "#compare-headline").startswith("B − A accuracy: +20.8 pts")
        assert text_of(app, "#compare-labels") == "A = model_a   B = model_b"
        # the hostile prompt, in words that agree with the count
        assert "only in A: 1 prompt · only in B: 0 prompts" in text_of(app, "#compare-details")
        assert screen.rows.height == 6
        await pilot.press("g")
        await settle(pilot)
        assert screen.rows.height == 0  # nothing regressed
        await pilot.press("g", "i")
        await settle(pilot)
        assert screen.rows.height == 5 and (screen.rows["delta"] > 0).all()
        await pilot.press("enter")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen) and prompt.other_run == "model_b"
        assert set(prompt.generations["run"].to_list()) == {"model_a", "model_b"}
        assert prompt.generations.height == 8
        await pilot.press("q", "q")
        assert isinstance(app.screen, MainScreen)


async def test_hostile_run_names_render_literally(tmp_path: Path, make_app: Any) -> None:
    import json

    root = tmp_path / "evals"
    for run, ok in (("[bold]a[red]", True), ("b\x1b[2Jx", False)):
        (root / run).mkdir(parents=True)
        line = {"prompt": "p", "gen": "\\boxed{1}", "answer": "1", "accuracy": float(ok)}
        (root / run / "s.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        shown = screen_text(app)
        assert "[bold]a[red]" in shown and "\x1b" not in shown and "b␛[2Jx" in shown
        await pilot.press("q", "m")
        await settle(pilot)
        assert text_of(app, "#compare-headline").startswith("B − A accuracy: -100.0 pts")
        assert text_of(app, "#compare-labels") == "A = [bold]a[red]   B = b␛[2Jx"
        assert "\x1b" not in text_of(app, "#compare-details")


async def test_compare_export_of_the_improved_set(
    evals: Path, make_app: Any, tmp_path: Path
) -> None:
    import json

    from textual.widgets import Input

    from evaltui.app.screens.export import ExportScreen

    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("i")  # the 5 improved prompts
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "improved.json")
        await pilot.click("#export-go")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
    records = json.loads((tmp_path / "improved.json").read_text())
    # both runs' rows of the 5 improved prompts (every prompt but 4, where both solve 4/4)
    assert len(records) == 10 and {r["run"] for r in records} == {"model_a", "model_b"}
    assert "Problem 4: what is 4 + 4?" not in {r["prompt"] for r in records}


async def test_the_summary_marks_metrics_over_part_of_a_run(tmp_path: Path, make_app: Any) -> None:
    """At 80×24: pass@2 over the 3 of 4 prompts with two samples is marked, and said so."""
    from tests.conftest import write_jsonl

    rows = [{"prompt": "q0", "gen": "a", "answer": "1", "accuracy": 1}]
    rows += [
        {"prompt": f"q{p}", "gen": "a", "answer": "1", "accuracy": s % 2}
        for p in range(1, 4)
        for s in range(2)
    ]
    write_jsonl(tmp_path / "evals" / "run" / "s.jsonl", rows)
    app = make_app(tmp_path / "evals")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        shown = screen_text(app)
        lines = {line.split()[0]: line.rstrip() for line in shown.splitlines() if line.strip()}
        assert lines["pass@2"].endswith("1.000*[1.000, 1.000]"), lines["pass@2"]
        assert lines["pass@1"].endswith("0.625 [0.500, 0.875]"), lines["pass@1"]
        assert lines["pass@1"].index("0.625") == lines["pass@2"].index("1.000")  # aligned
        said = " ".join(shown.split())  # the line wraps at 80 columns
        assert (
            "run: pass@2, G-Pass@2_0.5, G-Pass@2_0.75, G-Pass@2_1.0, mG-Pass@2 over 3 of 4" in said
        )


async def test_a_summary_open_while_data_changes_is_made_again_once_at_a_time(
    evals: Path, make_app: Any, monkeypatch: Any
) -> None:
    """The run summary is made again when scores or rows change (a re-score, a followed eval
    updating every second). A bootstrap slower than the updates started one worker per update;
    now changes during a summary make one more, after it."""
    import threading

    from evaltui.app.screens import summary as summary_module

    gate = threading.Event()
    calls: list[int] = []
    real = summary_module.summarize_runs

    def slow(rows: Any, **options: Any) -> Any:  # options: the runs' order
        calls.append(rows.height)
        gate.wait(10)
        return real(rows, **options)

    monkeypatch.setattr(summary_module, "summarize_runs", slow)
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, SummaryScreen) and len(calls) == 1
        for _ in range(5):  # five updates while the first summary is being made
            screen.data_changed()
        await pilot.pause(0.2)
        assert len(calls) == 1
        gate.set()
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert len(calls) == 2  # one more, for all five
        assert screen.report is not None and "avg@" in screen_text(app)


async def test_the_summary_lays_its_tables_out_again_on_a_resize(
    tmp_path: Path, make_app: Any
) -> None:
    """Opened at 200 columns with three long-named runs side by side, then narrowed to 80: the
    table kept its width and the third run's column was cropped to its first letter ('Q');
    now the runs that no longer fit go in a table below, and widened they are side by side."""
    from tests.app.test_screens import LONG_A, LONG_B, THIRD, write_runs

    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B, THIRD))
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        view = screen.query_one("#summary-view")

        def metric_lines() -> list[list[str]]:
            """The tables' heading lines, as laid out (drawn wide: none is cropped)."""
            return [line.split() for line in summary_text(screen).splitlines() if "metric " in line]

        assert metric_lines() == [["metric", LONG_A, LONG_B, THIRD]]
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        await pilot.pause(0.2)
        assert view.max_scroll_x == 0
        headings = metric_lines()
        assert len(headings) == 2 and headings[1] == ["metric", THIRD], headings
        await pilot.resize_terminal(200, 40)
        await settle(pilot)
        await pilot.pause(0.2)
        assert metric_lines() == [["metric", LONG_A, LONG_B, THIRD]]

"""Pilot: the header and the summary screen (t) say what each run's score is.

Fixtures: the published lm-eval runs in tests/fixtures/real_world (hand-worked values in
tests/data/test_scores.py): tgpred's ``mae`` (lower is better; 7 finite values 103.4–259.6, 17
Infinity) and truthfulqa's ``bleu_max`` (0–100, mean 19.68).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.plot import PlotScreen
from evaltui.app.screens.summary import SummaryScreen
from evaltui.data.loader import LoadOptions
from evaltui.data.metrics import Thresholds
from tests.app.conftest import settle
from tests.app.test_wide_text_cells import screen_lines
from tests.data.test_scores import TGPRED, truthfulqa, truthfulqa_scored_twice


def whole_header(app: EvalApp) -> str:
    """The header in full (t shows it): its line counts the parts it leaves off, the scores'
    kinds among them on a narrow terminal ("+3 more (t)")."""
    from evaltui.app.screens.main import header_text

    assert app.result is not None
    return header_text(app.result, 10**6, whole=True)


def text_of(app: EvalApp, selector: str) -> str:
    rendered = app.screen.query_one(selector, Static).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def summary_text(screen: SummaryScreen) -> str:
    """The summary screen's tables and spectra as plain text (wide: no label is cut)."""
    import io

    from rich.console import Console

    console = Console(width=300, file=io.StringIO(), record=True)
    console.print(screen.report)
    return console.export_text()


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_header_and_summary_screen_show_each_runs_score_kind(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(TGPRED, truthfulqa(tmp_path))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        header = whole_header(app)
        assert (
            "gpt-4o-mini (mae: continuous 103.4–259.6 and 17 non-finite, lower is better)" in header
        )
        assert "EleutherAI/gpt-neo-125M (bleu_max: continuous 2.84–61.48, higher is better)" in (
            header
        )
        assert "accuracy" not in header  # neither run's score is an accuracy: no "accuracy inf"
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        shown = summary_text(app.screen)
        table = shown.split("What the metrics mean:")[0]
        rows = {line.split("  ")[0]: line for line in table.splitlines() if "  " in line}
        assert "mae continuous ↓" in rows["score"] and "bleu_max continuous ↑" in rows["score"]
        assert "inf (17 of 24 infinite)" in rows["mean"] and "19.68 [" in rows["mean"]
        assert "186.9*[" in rows["mean of finite"]
        assert "pass@1" not in shown and "pass-rate spectrum" not in shown
        # The per-prompt accuracy histogram (0–1 axis) names the runs it cannot show.
        await pilot.press("q", "p", "3")
        await settle(pilot)
        assert isinstance(app.screen, PlotScreen) and app.screen.last is not None
        assert app.screen.last.kind == "accuracy"
        note = text_of(app, "#plot-legend")
        assert "2 runs not shown (score not an accuracy)" in note and "gpt-4o-mini" in note
        # ... and draws no empty frame: the title says why, the plot's place what would help.
        assert app.screen.last.panels == []
        assert "no run in view has an accuracy" in app.screen.last.title


async def test_threshold_per_run_in_header_and_an_unknown_run_warned(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    options = LoadOptions(
        model=str(word_tokenizer),
        cache_dir=tmp_path / "cache",
        correct_threshold=Thresholds.parse(["gpt-4o-mini=150", "gpt4=1"]),
    )
    app = EvalApp([str(TGPRED)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = whole_header(app)
        # mae <= 150 is correct: 3 of the 24 docs (see tests/data/test_scores.py).
        assert "lower is better, correct ≤ 150" in header
        assert app.result is not None and int(app.result.stats["n_correct"].sum()) == 3
        messages = [n.message for n in app._notifications]
        assert any("names 1 run(s) not loaded: 'gpt4'" in m for m in messages)


def column_labels(app: EvalApp) -> list[str]:
    """The prompt table's column headers, as shown."""
    assert isinstance(app.screen, MainScreen)
    table = app.screen.current_table()
    assert table is not None
    return [str(c.label) for c in table.ordered_columns]


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_the_mean_column_is_no_accuracy_for_a_continuous_score(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """A mean mae (186.9, inf) headed "accuracy" in the prompt table and the sort menu, and
    the summary screen called it a fraction: it is "mean score" (a name the filter accepts),
    and the values are said to be in the score's own units."""
    from textual.widgets import Input

    app = make_app(TGPRED, truthfulqa(tmp_path))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        labels = column_labels(app)
        assert "mean score" in labels and "accuracy" not in labels
        assert isinstance(app.screen, MainScreen)
        assert ("average_accuracy", "mean score") in app.screen.sortable_columns()
        # tgpred: 7 finite mae values, 4 above 150 (259.6, 238.4, 175.5, 246.8; see
        # tests/data/test_scores.py); bleu_max: none (max 61.48). The shown name filters.
        await pilot.press("slash", *"mean_score > 150 and mean_score < 1000", "enter")
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).value.startswith("mean_score")
        assert app.rows is not None
        assert sorted(app.rows["average_accuracy"].round(1).to_list()) == [
            175.5,
            238.4,
            246.8,
            259.6,
        ]
        await pilot.press("escape", "t")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        heading = text_of(app, "#summary-heading")
        assert "values in the score's own units [95% bootstrap CI]" in heading
        assert "fractions" not in heading


async def test_the_mean_column_stays_accuracy_for_accuracies(tmp_path: Path, make_app: Any) -> None:
    from tests.data.test_formats_lm_eval import MID_2024

    app = make_app(MID_2024)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        labels = column_labels(app)
        assert "accuracy" in labels and "mean score" not in labels
        await pilot.press("t")
        await settle(pilot)
        assert "· fractions [95% bootstrap CI]" in text_of(app, "#summary-heading")


QWEN3 = (
    Path(__file__).parents[1]
    / "fixtures/real_world/lm_eval/lm-evaluation-harness/outputs/qwen3-8b/negotiationtom/Qwen__Qwen3-8B"
)


async def test_summary_of_three_runs_fits_80_columns(make_app: Any) -> None:
    """Two published lm-eval runs of Qwen3-8B and gpt-4o-mini's at 80×24: the score row
    ("acc, exact_match accuracy 0/1 ...") was cut at 60 cells, which widened the run columns
    past the screen, cropped without a scroll: the second run's values read "0.417 [0.300,
    0.550" and "35/0/2" (for 35/0/25), the third run was not there. The score is cut to its
    run's column, and runs that do not fit beside the others go in a table below."""
    app = make_app(QWEN3, TGPRED)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        view = app.screen.query_one("#summary-view")
        assert view.max_scroll_x == 0
        lines = summary_text(app.screen).split("What the metrics mean:")[0].splitlines()
        spectrum = next(line for line in lines if line.startswith("never/flaky/always"))
        assert spectrum.split()[1:] == ["35/0/25", "35/0/25"]
        assert any(line.split() == ["metric", "gpt-4o-mini"] for line in lines)
        assert any(line.rstrip().endswith("186.9*[141.7, 232.5]") for line in lines)
        assert all(len(line.rstrip()) <= view.scrollable_content_region.width for line in lines)


async def test_the_scatter_leaves_out_runs_whose_score_is_no_accuracy(
    evals: Path, make_app: Any
) -> None:
    """tgpred's mean mae is inf for 17 prompts: on the scatter's 0–1 accuracy axis plotext
    raised OverflowError (the app died on key 4); like the histogram, it names the run instead."""
    app = make_app(TGPRED, evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p", "4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen) and screen.last is not None
        assert screen.last.kind == "scatter"
        series = screen.last.panels[0].series
        assert {s.label for s in series} == {"model_a", "model_b"}
        assert sum(len(s.x) for s in series) == 13  # the two accuracy runs' prompts
        assert all(0 <= y <= 1 for s in series for y in s.y)
        note = text_of(app, "#plot-legend")
        assert "1 run not shown (score not an accuracy)" in note and "gpt-4o-mini" in note
        app.export_screenshot()  # drawn (plotext raised OverflowError here)
        assert app.return_code is None


async def test_comparing_runs_whose_mean_mae_is_infinite(tmp_path: Path, make_app: Any) -> None:
    """tgpred twice (a third of the second run's Infinity maes made 123): the comparison's
    table cast each mean and change to a fixed-scale Decimal, which cannot hold inf or NaN;
    the cast raised and the app ended on m. They show as inf/-inf, three decimals else; a
    change that is no number (inf in both runs) is n/c, as the counts call it (it read nan)."""
    import json
    import re
    import shutil

    from evaltui.app.screens.compare import CompareScreen
    from tests.app.test_screens import screen_text

    for name in ("m1", "m2"):
        shutil.copytree(TGPRED, tmp_path / name / TGPRED.name)
    samples = next((tmp_path / "m2").rglob("samples_*.jsonl"))
    records = [json.loads(line) for line in samples.read_text(encoding="utf-8").splitlines()]
    for record in records[::3]:
        record["mae"] = 123.0
    samples.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    app = make_app(tmp_path / "m1", tmp_path / "m2")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison is not None
        lines = screen_text(app).splitlines()
        # Means of an mae, not accuracies: headed so.
        start = next(i for i, line in enumerate(lines) if "A mean" in line and "B mean" in line)
        # (the prompt cells start after what every polymer prompt shares: rows are the lines
        # that start with the delta)
        table = [line for line in lines[start + 1 :] if re.match(r"\s*-?(\d|inf|n/c)", line)]
        rows = [line.split()[:3] for line in table]
        # Sorted by the change, the largest regression first (an mae's largest rise, Δ ↓: none
        # here, 0.000), as an accuracy's comparison opens; inf -> 123, the largest gain, is the
        # last comparable change, the not comparable (inf in both: Δ n/c) after it, not first.
        assert rows[0][0] == "0.000"
        comparable = [r for r in rows if r[0] != "n/c"]
        assert comparable[-1] == ["-inf", "inf", "123.000"]
        assert rows[len(comparable) :] and all(r[0] == "n/c" for r in rows[len(comparable) :])
        assert all(r[1:] == ["inf", "inf"] for r in rows[len(comparable) :])
        assert "sorted by Δ B−A ↓ (largest drop first)" in screen_text(app)
        assert any(re.fullmatch(r"0\.000", r[0]) and r[1] == r[2] != "inf" for r in rows)
        assert all(re.fullmatch(r"-?(\d+\.\d{3}|inf)", c) for r in comparable for c in r)
        assert "nan" not in "\n".join(table)
        # An mae is no accuracy and has no "correct": the headline names it, and no matrix of
        # never/flaky/always (it called every prompt flaky).
        head = str(screen.query_one("#compare-headline", Static).render())
        assert head.startswith("B − A mean mae (lower is better): "), head
        matrix = str(screen.query_one("#compare-transitions", Static).render())
        assert matrix.startswith("transitions: none") and "flaky" not in matrix, matrix
        assert "prompts in both runs" in screen_text(app)  # the counts beside it stay shown
        assert screen.comparison.joined["class_a"].null_count() == screen.comparison.joined.height
        assert table and not [line for line in table if "flaky" in line]
        assert app.return_code is None


async def test_comparing_with_a_run_that_has_no_scores(tmp_path: Path, make_app: Any) -> None:
    """A run never scored against a scored one: the headline said "B − A accuracy: nan · 95% CI
    [nan, nan] · p = 1" and the matrix asked for a --correct-threshold; both now say why."""
    from evaltui.app.screens.compare import CompareScreen
    from tests.conftest import write_jsonl

    write_jsonl(
        tmp_path / "scored" / "r.jsonl",
        [
            {"prompt": f"p{i}", "gen": "g", "answer": "1", "accuracy": float(i < 2)}
            for i in range(4)
        ],
    )
    write_jsonl(
        tmp_path / "unscored" / "r.jsonl", [{"prompt": f"p{i}", "gen": "g"} for i in range(4)]
    )
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison is not None
        head = str(screen.query_one("#compare-headline", Static).render())
        assert head == "no delta: no prompt is scored in both runs", head
        details = str(screen.query_one("#compare-details", Static).render())
        assert "p: " not in details and "unscored in a run 4" in details, details
        matrix = str(screen.query_one("#compare-transitions", Static).render())
        assert matrix.startswith("transitions: none") and "unscored" in matrix, matrix
        assert "threshold" not in matrix


async def test_comparing_scores_of_no_direction_says_rises_and_falls(
    tmp_path: Path, make_app: Any
) -> None:
    """Two plain runs of a bare 0-100 ``score`` (direction unknown) at 80x24: the counts said
    "improved 1 · regressed 2", g showed "regressed only" and "(largest drop first)", higher
    taken for better; now "higher 1 · lower 2", "lower only (g)", "(largest fall first)"."""
    from evaltui.app.screens.compare import CompareScreen
    from tests.conftest import write_jsonl

    # (b's scores reach 25: all within 0-5 against a's 60, they read as another scale, a 1-10
    # judge's, which compare tells apart: no delta)
    for run, scores in (("a", [60, 20, 1.5]), ("b", [0, 5, 25])):
        write_jsonl(
            tmp_path / run / "r.jsonl",
            [
                # a bare ``score``: no direction (an ``accuracy`` 0-100 is higher-is-better)
                {"prompt": f"p{i}", "gen": "g", "answer": "1", "score": s}
                for i, s in enumerate(scores)
            ],
        )
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison is not None
        details = " ".join(str(screen.query_one("#compare-details", Static).render()).split())
        assert "higher 1 · lower 2 · unchanged 0" in details, details
        assert "improved" not in details and "regressed" not in details, details
        await pilot.press("g")
        await settle(pilot)
        status = str(screen.query_one("#compare-status", Static).render())
        assert "showing lower only (g): 2 prompts" in status, status
        assert "(largest fall first)" in status and "drop" not in status, status
        # The footer says so too: it said "g Regressed i Improved" under "lower only (g)".
        await pilot.pause()
        footer = screen_lines(app)[-1]
        assert "g Lower" in footer and "i Higher" in footer, footer
        assert "Regressed" not in footer and "Improved" not in footer, footer
        await pilot.press("i")
        await settle(pilot)
        status = str(screen.query_one("#compare-status", Static).render())
        assert "showing higher only (i): 1 prompt" in status, status


async def test_comparing_accuracies_keeps_regressed_and_improved_in_the_footer(
    tmp_path: Path, make_app: Any
) -> None:
    """Two 0/1 runs (higher is better) at 80x24: the footer's g and i are Regressed and
    Improved, and the direction-less words are not shown."""
    from evaltui.app.screens.compare import CompareScreen
    from tests.conftest import write_jsonl

    for run, scores in (("a", [1, 0, 1]), ("b", [0, 0, 1])):
        write_jsonl(
            tmp_path / run / "r.jsonl",
            [
                {"prompt": f"p{i}", "gen": "g", "answer": "1", "accuracy": s}
                for i, s in enumerate(scores)
            ],
        )
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison is not None
        await pilot.pause()
        footer = screen_lines(app)[-1]
        assert "g Regressed" in footer and "i Improved" in footer, footer
        assert "Lower" not in footer and "Higher" not in footer, footer
        await pilot.press("g")
        await settle(pilot)
        status = str(screen.query_one("#compare-status", Static).render())
        assert "showing regressed only (g): 1 prompt" in status, status


@pytest.mark.parametrize("threshold", [None, "20"])
async def test_a_prompt_of_a_continuous_score_counts_correct_only_with_a_threshold(
    tmp_path: Path, word_tokenizer: Path, threshold: str | None
) -> None:
    """truthfulqa's first doc has bleu_max 41.11 and no threshold: the prompt screen's title
    said "0/1 correct" (every generation wrong) where the table shows no "correct" at all. It
    gives the mean instead; with ``--correct-threshold 20`` the generation is correct (41 ≥ 20)."""
    from evaltui.app.screens.prompt import PromptScreen

    options = LoadOptions(
        model=str(word_tokenizer),
        cache_dir=tmp_path / "cache",
        correct_threshold=Thresholds.parse([threshold] if threshold else []),
    )
    app = EvalApp([str(truthfulqa(tmp_path))], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.prompt_id == "truthfulqa_gen:0"
        title = text_of(app, "#prompt-title")
        if threshold is None:
            assert "correct" not in title and "mean bleu_max 41.11" in title, title
        else:
            assert "1/1 correct" in title, title
        await pilot.press("ctrl+q")


async def test_a_fraction_score_says_what_counts_as_correct(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A 0–1 winrate: prompt 1 scores 0.7 and 0.3, prompt 2 0.6 twice. avg@2 is 0.55 and pass@1
    0.75 (3 of 4 samples ≥ 0.5): on screen side by side, with nothing saying that a sample of
    0.6 counts as solved, they read as contradicting each other. The header and the summary's
    definitions say "correct ≥ 0.5"."""
    import json

    folder = tmp_path / "evals" / "judge"
    folder.mkdir(parents=True)
    records = [
        {"prompt": "P1", "gen": "a", "answer": "x", "accuracy": 0.7},
        {"prompt": "P1", "gen": "b", "answer": "x", "accuracy": 0.3},
        {"prompt": "P2", "gen": "c", "answer": "y", "accuracy": 0.6},
        {"prompt": "P2", "gen": "d", "answer": "y", "accuracy": 0.6},
    ]
    (folder / "out.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    app = EvalApp([str(tmp_path / "evals")], options)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        assert "accuracy (0–1, partial credit), correct ≥ 0.5" in whole_header(app)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        report = summary_text(app.screen)
        assert "0.550" in report and "0.750" in report  # avg@2, pass@1
        words = " ".join(report.split())
        assert "correct a sample scoring ≥ 0.5 (--correct-threshold)" in words, report
        await pilot.press("ctrl+q")


async def test_comparing_a_bleu_max_run_with_a_bleu_acc_run_gives_no_delta(
    tmp_path: Path, make_app: Any
) -> None:
    """truthfulqa scored by bleu_max (0-100) against a copy scored by bleu_acc (0/1), at 80x24:
    m said "B − A mean bleu_max: +19.184 · p = 1.91e-06" and "improved 20"; now no delta,
    and g lists no prompt."""

    from evaltui.app.screens.compare import CompareScreen

    first, second = truthfulqa_scored_twice(tmp_path)
    app = make_app(first, second)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison is not None
        head = text_of(app, "#compare-headline")
        assert head.startswith("no delta: the runs' scores are different measures"), head
        details = text_of(app, "#compare-details")
        assert "improved/regressed: none counted" in details and "p: " not in details, details
        await pilot.press("g")
        await settle(pilot)
        assert screen.rows.height == 0
        assert "regressed only (g): 0 prompts" in text_of(app, "#compare-status")


async def test_comparing_a_judge_with_a_reward_gives_each_runs_mean_not_a_delta(
    tmp_path: Path, make_app: Any
) -> None:
    """A 0-100 judge against a -1…1 reward (both an unnamed score), m at 80x24: the headline
    read "B − A mean score: -58.138 · 95% CI …"; now no delta, both scales named, and each
    run's own mean under the counts."""
    from evaltui.app.screens.compare import CompareScreen
    from tests.data.test_cli_compare_summary import judge_and_reward

    app = make_app(*judge_and_reward(tmp_path / "evals"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen) and app.screen.comparison is not None
        head = " ".join(text_of(app, "#compare-headline").split())
        assert head.startswith("no delta: the runs' scores seem to be on different scales"), head
        assert "(10–100 vs -0.9–0.8; neither run names its score" in head, head
        details = " ".join(text_of(app, "#compare-details").split())
        assert "each run's own mean (not comparable) over 8 prompts: A 58.12 · B -0.0125" in (
            details
        ), details
        await pilot.press("ctrl+q")


async def test_never_solved_of_a_run_without_correct_is_said_not_shown_empty(
    tmp_path: Path, make_app: Any
) -> None:
    """n (never solved) on tgpred's mae run at 80x24 emptied the table ("no prompt matches"),
    as if every prompt had been solved: the run has no "correct" without a threshold. Now the
    app says why and keeps the table; beside an accuracy run the filter applies, with the note."""
    app = make_app(TGPRED)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("n")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any(
            "'never solved' counts correct generations, and the score of gpt-4o-mini (mae, lower "
            "is better) is no accuracy, with no threshold for correct: no prompt can match" in m
            for m in said
        ), said
        assert app.view.quick is None
        assert isinstance(app.screen, MainScreen) and app.screen.shown_rows is not None
        assert app.screen.shown_rows.height == 24
    mid = Path(__file__).parent.parent / "fixtures" / "formats" / "lm_eval" / "mid2024_json"
    both = make_app(TGPRED, mid)
    async with both.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        said = [n.message for n in both._notifications]
        assert any("its prompts never match" in m for m in said), said
        assert both.view.quick == "never"
        assert isinstance(both.screen, MainScreen) and both.screen.shown_rows is not None
        runs = set(both.screen.shown_rows["run"].to_list())
        assert runs and "gpt-4o-mini" not in runs


async def test_a_filter_on_accuracy_of_an_mae_run_says_what_it_reads(
    tmp_path: Path, make_app: Any
) -> None:
    """'/ accuracy < 0.2 enter' (the hard prompts) on tgpred's mae run emptied the table with no
    word that "accuracy" there is a mean mae, lower is better: the hard prompts are its high
    means. Now a message says so; a filter on lengths says nothing."""
    app = make_app(TGPRED)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"accuracy < 0.2", "enter")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any(
            m.startswith("the filter reads each prompt's mean score, which is no 0-1 accuracy for ")
            and "gpt-4o-mini: mae: continuous" in m
            and "the hard prompts are those with the high means" in m
            for m in said
        ), said
        app.clear_notifications()
        await pilot.press("slash", *(["backspace"] * 20), *"max_len > 1", "enter")
        await settle(pilot)
        assert not [n.message for n in app._notifications if "mean score" in n.message]


async def test_a_lower_is_better_comparison_lists_the_largest_change_first(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Two plain runs scored by `--score-field mae` (lower is better) at 80x24, A = a, B = b:
    the screen opened on the largest improvement (Δ ascending), g listed the regressions smallest first (Δ 0.1, 0.4, 0.5) under "(largest gain first)",
    i the improvements smallest first. Means: a 0.35, 0.65, 1.65, 3.15, 1.05, 2.15; b 0.25,
    1.05, 1.15, 3.65, 0.65, 2.15 (b - a: -0.1, +0.4, -0.5, +0.5, -0.4, 0)."""
    from evaltui.app.screens.compare import CompareScreen
    from evaltui.data.formats import ReadOptions
    from tests.data.test_scores import plain_loss_runs

    plain_loss_runs(tmp_path / "data", "mae")
    options = LoadOptions(
        model=str(word_tokenizer),
        cache_dir=tmp_path / "cache",
        read=ReadOptions(score_field="mae"),
    )
    app = EvalApp([str(tmp_path / "data")], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison is not None
        assert screen.comparison.lower_is_better
        assert (screen.run_a, screen.run_b) == ("a", "b")
        # It opens on the largest regression, as an accuracy's comparison does (Δ ascending
        # opened this one on its largest improvement, -0.5, 'sorted by Δ B−A ↑ (gains first)').
        status = str(screen.query_one("#compare-status", Static).render())
        assert "sorted by Δ B−A ↓ (drops first)" in status, status
        assert [round(d, 3) for d in screen.rows["delta"]] == [0.5, 0.4, 0.0, -0.1, -0.4, -0.5]
        await pilot.press("g")
        await settle(pilot)
        status = str(screen.query_one("#compare-status", Static).render())
        assert "showing regressed only (g): 2 prompts" in status, status
        assert "(largest drop first)" in status, status
        assert [round(d, 3) for d in screen.rows["delta"]] == [0.5, 0.4]
        await pilot.press("i")
        await settle(pilot)
        status = str(screen.query_one("#compare-status", Static).render())
        assert "showing improved only (i): 3 prompts" in status, status
        assert "(largest gain first)" in status, status
        assert [round(d, 3) for d in screen.rows["delta"]] == [-0.5, -0.4, -0.1]


async def test_the_header_gives_a_continuous_runs_mean_in_its_units(
    tmp_path: Path, make_app: Any
) -> None:
    """A run whose score is no accuracy had no score in the header at all, where an accuracy
    run has "accuracy 0.620": a plain 0-100 score (bases 10, 55, 80, 33, 0, 100, each scored
    base and base + 1: mean 562 / 12 = 46.833), lm-eval's truthfulqa bleu_max (the results
    file's 19.6836...) and two plain mae runs (means 1.5 and 1.4833) now show their mean."""
    from tests.conftest import write_jsonl

    bleu = write_jsonl(
        tmp_path / "bleu" / "r.jsonl",
        [
            {"prompt": f"p{i}", "gen": "g", "answer": "1", "accuracy": base + s}
            for i, base in enumerate([10, 55, 80, 33, 0, 100])
            for s in range(2)
        ],
    )
    app = make_app(bleu.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause()
        line = screen_lines(app)[0]
        assert line.startswith(" prompts 6 · mean score 46.833 · generations 12"), line
    app = make_app(truthfulqa(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause()
        line = screen_lines(app)[0]
        # (the generation count gives way to "+N more (t)" at 80 columns: app40)
        assert line.startswith(" prompts 20 · mean bleu_max 19.684 · "), line


async def test_the_header_gives_each_continuous_runs_mean(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Two plain mae runs (`--score-field mae`): a's mean 1.5, b's 1.4833 (see
    plain_loss_runs), one per run as several runs' accuracies are."""
    from evaltui.data.formats import ReadOptions
    from tests.data.test_scores import plain_loss_runs

    plain_loss_runs(tmp_path / "data", "mae")
    options = LoadOptions(
        model=str(word_tokenizer),
        cache_dir=tmp_path / "cache",
        read=ReadOptions(score_field="mae"),
    )
    app = EvalApp([str(tmp_path / "data")], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause()
        line = screen_lines(app)[0]
        assert "mean mae a 1.500 / b 1.483" in line, line


async def test_sorting_runs_of_two_scales_by_the_mean_keeps_each_apart(
    tmp_path: Path, make_app: Any
) -> None:
    """A 0-1 fraction run and a plain 0-100 run at 80x24, `]` on the mean column: the 0-100
    run's 100.5 and 80.5 came above the fraction run's 1.000, its 0.500 among the fractions.
    Each run's scale is sorted apart now (accuracies first), and the status line says so."""
    from tests.conftest import write_jsonl

    for run, scores in (("frac", [0.2, 1.0, 0.5]), ("pct", [0.5, 100.5, 80.5])):
        write_jsonl(
            tmp_path / run / "r.jsonl",
            [
                {"prompt": f"p{i}", "gen": "g", "answer": "1", "accuracy": s}
                for i, s in enumerate(scores)
            ],
        )
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right", "right", "right", "right_square_bracket")
        await settle(pilot)
        assert app.rows is not None
        assert app.rows["average_accuracy"].to_list() == [1.0, 0.5, 0.2, 100.5, 80.5, 0.5]
        assert app.rows["run"].to_list() == ["frac"] * 3 + ["pct"] * 3
        status = text_of(app, "#status")
        assert "sort mean score ↓ (each scale apart)" in status, status


async def test_plot_3_shows_a_continuous_run_given_a_threshold_by_its_pass_rate(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--score-field mae --correct-threshold 1`: the table counts each prompt's correct
    samples (mae <= 1), yet plot 3 (and 4) left the run out, 'score not an accuracy', an empty
    plot. Now its pass rate: by hand, prompts (0.1, 0.2) 2/2, (2, 3) 0/2, (0.3, 2.5) 1/2,
    (1.5, 0.4) 1/2; a note says the rule."""
    import dataclasses

    from tests.data.test_rescore_directions import write_distances

    monkeypatch.chdir(tmp_path)
    source = write_distances(tmp_path / "evals" / "r_mae" / "d.jsonl", "mae")
    read = dataclasses.replace(LoadOptions().read, score_field="mae")
    options = LoadOptions(
        model=str(word_tokenizer),
        cache_dir=tmp_path / "cache",
        read=read,
        correct_threshold=Thresholds.parse(["1"]),
    )
    app = EvalApp([str(source)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p", "3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen) and screen.last is not None
        assert screen.last.kind == "accuracy"
        (series,) = screen.last.panels[0].series
        assert series.y == [1.0, 2.0, 1.0]  # 0/2, 1/2, 2/2
        note = text_of(app, "#plot-legend")
        assert "not shown" not in note and "r_mae: pass rate of mae ≤ 1" in note, note
        await pilot.press("4")
        await settle(pilot)
        assert screen.last.kind == "scatter"
        (series,) = screen.last.panels[0].series
        assert sorted(series.y) == [0.0, 0.5, 0.5, 1.0]


async def test_the_means_of_two_metrics_are_no_range(tmp_path: Path, make_app: Any) -> None:
    """truthfulqa's bleu_max (mean 19.684) beside tgpred's mae (inf) at 80x24: the header said
    'mean score 19.684–inf (t)', a range over two measures; now their count, each in t."""
    app = make_app(truthfulqa(tmp_path), TGPRED)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause()
        line = screen_lines(app)[0]
        assert "mean scores of 2 metrics (t)" in line and "–inf" not in line, line


async def test_an_infinite_mean_lines_up_on_its_value_as_the_text_table_does(
    tmp_path: Path, make_app: Any
) -> None:
    """t right-aligned each cell whole: tgpred's 'inf (17 of 24 infinite)' put its 'inf' 5
    cells left of the digits of '186.9*[141.7, 232.5]' under it. The values line up now, as
    in `summarize --table` (the interval after them)."""
    from evaltui.data.summary import render_table, summarize_runs
    from tests.data.test_scores import load_quick

    def value_ends(lines: list[str]) -> tuple[int, int]:
        mean = next(line for line in lines if line.lstrip().startswith("mean  "))
        finite = next(line for line in lines if line.lstrip().startswith("mean of finite"))
        return mean.index("inf") + 3, finite.index("186.9") + 5

    app = make_app(TGPRED, truthfulqa(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        inf_end, digits_end = value_ends(screen_lines(app))
        assert inf_end == digits_end, screen_lines(app)[:10]
    # The headless table, laid out alike.
    text = render_table(summarize_runs(load_quick([TGPRED]).stats)).splitlines()
    inf_end, digits_end = value_ends(text)
    assert inf_end == digits_end, text

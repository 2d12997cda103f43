"""Length plots at their edges: one generation, every generation the same length."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from evaltui.app.screens.plot import PlotScreen
from tests.app.conftest import settle


def write_same_length(root: Path, prompts: int, samples: int) -> Path:
    """``prompts`` × ``samples`` generations, all of one text (so of one token length)."""
    lines = [
        json.dumps({"prompt": f"P{p}", "gen": "a b c \\boxed{1}", "answer": "1", "accuracy": s % 2})
        for p in range(prompts)
        for s in range(samples)
    ]
    (root / "run").mkdir(parents=True)
    (root / "run" / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(("prompts", "samples"), [(1, 1), (5, 4)])
async def test_a_length_plot_of_one_length_names_it(
    tmp_path: Path, make_app: Any, prompts: int, samples: int
) -> None:
    """Every generation N tokens long: the one bar stood over ticks 9.2, 9.4, … 9.8, and the
    length itself was not written anywhere."""
    app = make_app(write_same_length(tmp_path / "evals", prompts, samples))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen) and screen.last is not None
        length = app.result.generations["gen_length"][0]
        for kind in ("1", "2"):
            await pilot.press(kind)
            await settle(pilot)
            assert screen.last is not None
            for panel in screen.last.panels:
                _ticks, labels = panel.xticks
                assert all(re.fullmatch(r"[\d,]+", label) for label in labels), labels
                assert f"{length:,}" in labels, labels


async def test_plots_of_a_fraction_score_say_what_correct_and_the_means_are(
    tmp_path: Path, make_app: Any
) -> None:
    """A 0–1 judge score, 4 samples a prompt: plot 3 binned the per-prompt means as "1/4 …
    correct of n samples" or "pass rate" (a prompt of 0.5, 0.5, 0, 0 has mean 0.25 and two
    samples correct), and plot 2's "correct" did not say it means ≥ 0.5."""
    folder = tmp_path / "evals" / "judge"
    folder.mkdir(parents=True)
    scores = {"P1": [0.5, 0.5, 0.0, 0.0], "P2": [1.0, 0.5, 0.5, 0.0], "P3": [0.25, 0.25, 0, 0.5]}
    lines = [
        json.dumps({"prompt": p, "gen": f"the answer {i}", "answer": "x", "accuracy": score})
        for p, values in scores.items()
        for i, score in enumerate(values)
    ]
    (folder / "out.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(tmp_path / "evals")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p", "2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen) and screen.last is not None
        assert [label for label, _colour in screen.last.legend] == ["correct (≥ 0.5)", "wrong"]
        await pilot.press("3")
        await settle(pilot)
        figure = screen.last
        assert figure is not None and figure.xlabel == "per-prompt accuracy (mean score)"
        _ticks, labels = figure.panels[0].xticks
        assert not any("/" in label for label in labels), labels  # no "k of n correct" bins
        # means 0.25, 0.5, 0.25: two prompts in 0.2–0.3, one in 0.5–0.6
        assert sorted(c for c in figure.panels[0].series[0].y if c) == [1.0, 2.0]


async def test_correct_vs_wrong_of_three_runs_draws_the_panels_the_height_holds(
    tmp_path: Path, make_app: Any
) -> None:
    """Three runs' correct-vs-wrong panels at 60×20 were drawn over each other: the second's
    title was dropped (wider than the plot) and the third's title and ticks were written over
    the second's axis. Now the panels that fit, each titled, and the others counted."""
    from tests.app.test_screens import LONG_A, LONG_B, THIRD, screen_text, write_runs

    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B, THIRD))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("p", "2")
        await settle(pilot)
        await pilot.pause(0.3)

        def panels() -> tuple[list[str], str]:
            """The panels' titles (the line over each frame's top) and the whole screen."""
            lines = screen_text(app).splitlines()
            tops = [i for i, line in enumerate(lines) if line.lstrip().startswith("┌")]
            return [lines[i - 1].strip() for i in tops], "\n".join(lines)

        titles, shown = panels()
        assert len(titles) == 2 and "1 more run not shown (r picks one run)" in shown, shown
        assert titles == [LONG_A, LONG_B], titles
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        await pilot.pause(0.3)
        titles, shown = panels()
        assert titles == [LONG_A, LONG_B, THIRD] and "not shown" not in shown, shown


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_every_plot_title_of_three_long_runs_says_all_it_holds(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """Three runs with long labels at 80×24: plot 2's title ran past the screen's edge, its
    "· 240 generations" cut off with no mark (at 60×20 the modes "log counts, clipped" too, and the note that a run has no panel
    was cut off after the clip note).
    Now every plot's title holds its count and its modes, in shorter words when needed (and on
    two lines when even those do not fit)."""
    from tests.app.test_screens import LONG_A, LONG_B, THIRD, screen_text, write_runs

    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B, THIRD))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("p")
        for kind, counted, modes in (
            ("1", True, ("log counts", "clipped")),
            ("2", True, ("log counts", "clipped")),
            ("3", False, ("log counts",)),
            ("4", False, ("clipped",)),
        ):
            await pilot.press(kind)
            await settle(pilot)
            for toggles in ((), ("l", "c")):
                await pilot.press(*toggles)
                await settle(pilot)
                await pilot.pause(0.1)
                lines = app.screen.query_one("#plot-title").size.height
                line = " · ".join(t.strip() for t in screen_text(app).splitlines()[:lines])
                assert "10 prompts × 3 runs" in line, (kind, line)
                if counted:
                    assert re.search(r"· 2[34]\d gen(eration)?s\b", line), (kind, line)
                for mode in modes if toggles else ():
                    assert mode in line, (kind, line)
                assert not line.endswith("…"), (kind, line)
                if kind == "2" and size == (60, 20):  # two panels fit: the third run is missing
                    shown = screen_text(app)
                    assert "1 more run not shown (r picks one run)" in shown, shown
                await pilot.press(*toggles)  # back off for the next plot
                await settle(pilot)


async def test_two_long_runs_differing_inside_are_told_apart_in_plots_and_the_summary(
    tmp_path: Path, make_app: Any
) -> None:
    """The 32B and the 7B distill at one temperature, each label cut alone in the middle: plot
    1's legend read "deepseek-ai__Dee…0.6_topp0.95_n16" twice, and the run summary headed
    both columns alike. Now each place tells them apart."""
    from tests.app.test_screens import screen_text

    runs = (
        "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B__temp0.6_topp0.95_n16",
        "deepseek-ai__DeepSeek-R1-Distill-Qwen-7B__temp0.6_topp0.95_n16",
    )

    def apart(labels: list[str]) -> bool:
        """One label names the 32B, the other the 7B."""
        return sorted("32B" in label for label in labels) == [False, True] and all(
            "7B" in label or "32B" in label for label in labels
        )

    for index, run in enumerate(runs):
        lines = [
            json.dumps(
                {"prompt": f"P{p}", "gen": "a " * (p + index), "answer": "1", "accuracy": p % 2}
            )
            for p in range(6)
        ]
        (tmp_path / "evals" / run).mkdir(parents=True)
        (tmp_path / "evals" / run / "s.jsonl").write_text("\n".join(lines) + "\n")
    app = make_app(tmp_path / "evals")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen) and screen.last is not None
        for kind in ("1", "3", "4"):
            await pilot.press(kind)
            await settle(pilot)
            legend = [label for label, _colour in screen.last.legend]
            assert len(set(legend)) == 2 and apart(legend), legend
        await pilot.press("2")
        await settle(pilot)
        await pilot.pause(0.2)
        lines = screen_text(app).splitlines()
        titles = [lines[i - 1].strip() for i, line in enumerate(lines) if "┌" in line]
        assert len(set(titles)) == 2 and apart(titles), titles
        await pilot.press("q", "t")
        await settle(pilot)
        await pilot.pause(0.2)
        shown = screen_text(app)
        heads = [line for line in shown.splitlines() if line.lstrip().startswith("metric")]
        assert heads and "32B" in heads[0] and "7B" in heads[0], shown


def test_an_axis_writes_its_ticks_alike() -> None:
    """The length axis of the 17 published runs read ``0  5,000  10k  15k  20k  25k  30k``: two
    notations on one axis (and 5,000's comma like a break between ticks)."""
    import numpy as np

    from evaltui.app.screens.plot import x_ticks
    from evaltui.data.bins import length_bins

    bins = length_bins(np.array([1.0, 434.0, 30_500.0]))
    _positions, labels = x_ticks(bins)
    assert labels == ["0", "5k", "10k", "15k", "20k", "25k", "30k"], labels
    _positions, labels = x_ticks(length_bins(np.array([120.0, 3_400.0])))
    assert "," in "".join(labels) and not any(label.endswith("k") for label in labels), labels


def test_ten_bins_of_a_mean_score_are_labelled_at_their_edges() -> None:
    """Per-prompt accuracy of a 0–1 fraction (ten bins of 0.1): a range under each bar
    ("0.0–0.1") was as wide as the bar at 80 columns, and plotext left out the ones that touched
    (0.2–0.3 and 0.5–0.6 were not on the axis). The edges are labelled, at the bars' sides."""
    import numpy as np

    from evaltui.app.screens.plot import rate_ticks
    from evaltui.data.bins import rate_bins

    bins = rate_bins(np.array([0.05, 0.31, 0.97]), counted=False)
    positions, labels = rate_ticks(bins)
    assert labels == ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"]
    assert positions == [i - 0.5 for i in range(11)]  # bar i spans i - 0.5 .. i + 0.5
    # bars of one value each (k/n) keep their label under the bar
    positions, labels = rate_ticks(rate_bins(np.array([0.0, 0.25, 1.0]), [4, 4, 4]))
    assert labels == ["0/4", "1/4", "2/4", "3/4", "4/4"] and positions == [0, 1, 2, 3, 4]


async def test_correct_vs_wrong_of_one_length_is_bars_not_dots(
    tmp_path: Path, make_app: Any
) -> None:
    """lm-eval's one-token answers: every generation in one length bin, and the correct and
    wrong series were lines over that one bin: a dot at the top and one at 0, told apart by
    colour alone. They are bars side by side, one bar not the whole frame."""
    from textual_plotext import PlotextPlot

    from evaltui.data.sanitize import cell_width

    app = make_app(write_same_length(tmp_path / "evals", 3, 2))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p", "2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen) and screen.last is not None
        assert [panel.bars for panel in screen.last.panels] == [True]
        await pilot.press("1")
        await settle(pilot)
        plot = screen.query_one(PlotextPlot)
        rows = [line.text for line in (plot.render_line(y) for y in range(plot.size.height))]
        widest = max(row.count("█") for row in rows)
        assert 0 < widest < cell_width(rows[len(rows) // 2]) // 2, rows


async def test_correct_vs_wrong_leaves_out_runs_with_no_correct_and_says_so(
    tmp_path: Path, make_app: Any
) -> None:
    """Plot 2 of a 0-100 score (no threshold: no "correct") beside an accuracy run drew the
    score's run as an empty panel under "correct (≥ 0.5)", first, taking the room of the runs
    after it. Now it is named in the note and not drawn; alone, the title says why; one of its
    prompts opens on its lengths."""
    rows = {
        "bleu": [
            {"prompt": f"P{i}", "gen": "w " * (i + 3), "accuracy": 20.0 * i} for i in range(4)
        ],
        "acc": [{"prompt": f"P{i}", "gen": "w " * (i + 3), "accuracy": i % 2} for i in range(4)],
    }
    for run, lines in rows.items():
        (tmp_path / "evals" / run).mkdir(parents=True)
        text = "\n".join(json.dumps({**line, "answer": "x"}) for line in lines) + "\n"
        (tmp_path / "evals" / run / "s.jsonl").write_text(text, encoding="utf-8")
    app = make_app(tmp_path / "evals")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p", "2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen) and screen.last is not None
        assert [panel.title for panel in screen.last.panels] == ["acc"]
        assert "1 run not shown (no 'correct': no threshold or no score): bleu" in (
            screen.last.note
        )
    alone = make_app(tmp_path / "evals" / "bleu")
    async with alone.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p", "2")
        await settle(pilot)
        screen = alone.screen
        assert isinstance(screen, PlotScreen) and screen.last is not None
        assert screen.last.panels == []
        assert "no run in view has a 'correct'" in screen.last.title
        await pilot.press("escape", "enter")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = alone.screen
        assert isinstance(screen, PlotScreen) and screen.kind == "lengths"
        assert screen.last is not None and screen.last.panels


async def test_plots_of_continuous_runs_only_say_why_in_place_of_an_empty_frame(
    tmp_path: Path, make_app: Any
) -> None:
    """Plots 3 and 4 of a view whose only run has a 0-100 score (no accuracy, no threshold)
    drew an empty frame over "per-prompt accuracy (pass rate)"; plot 2 an empty frame too.
    Now no frame: the title says why, and the plot's place what would draw something. Plot 1
    then draws its frame again."""
    from textual.widgets import Static
    from textual_plotext import PlotextPlot

    (tmp_path / "evals" / "m").mkdir(parents=True)
    lines = [{"prompt": f"P{i}", "gen": "w " * (i + 3), "score": 30.0 * (i + 1)} for i in range(2)]
    text = "".join(json.dumps(line) + "\n" for line in lines)
    (tmp_path / "evals" / "m" / "s.jsonl").write_text(text, encoding="utf-8")
    app = make_app(tmp_path / "evals")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen)
        for key, why in (
            ("3", "no run in view has an accuracy"),
            ("4", "no run in view has an accuracy"),
            ("2", "no run in view has a 'correct'"),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert screen.last is not None and screen.last.panels == [], key
            assert why in screen.last.title, screen.last.title
            assert not screen.query_one(PlotextPlot).display, key
            place = screen.query_one("#plot-empty", Static)
            assert place.display and "--correct-threshold [RUN=]X" in str(place.render()), key
        await pilot.press("1")
        await settle(pilot)
        assert screen.last is not None and screen.last.panels
        assert screen.query_one(PlotextPlot).display
        assert not screen.query_one("#plot-empty", Static).display


async def test_an_unscored_run_left_off_the_accuracy_axis_is_said_to_have_no_score(
    tmp_path: Path, make_app: Any
) -> None:
    """Beside a scored run, a run of no scores was left off plot 3 as 'score not an
    accuracy': it has no score at all. Each left-out run is named under its own reason, the
    counts first: at 80 columns the first reason's names took the line, and the second
    reason's count was cut off it (explore36: 9 unscored runs left the plot unsaid)."""
    rows = {
        "scored": [{"prompt": "P0", "gen": "a", "answer": "a", "accuracy": 1}],
        "loss": [{"prompt": "P0", "gen": "a", "score": 30.0}],
        "bare": [{"prompt": "P0", "gen": "a"}],
    }
    for run, lines in rows.items():
        (tmp_path / "evals" / run).mkdir(parents=True)
        text = "".join(json.dumps(line) + "\n" for line in lines)
        (tmp_path / "evals" / run / "s.jsonl").write_text(text, encoding="utf-8")
    app = make_app(tmp_path / "evals")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen)
        await pilot.press("3")
        await settle(pilot)
        assert screen.last is not None
        assert screen.last.note == (
            "2 runs not shown (1 score not an accuracy, 1 no score): loss; no score: bare"
        ), screen.last.note

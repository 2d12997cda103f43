"""User journeys through the compare, plot and summary screens at 80×24 and 120×35.

The runs are Inspect logs (the shipped fixture, rewritten) whose model names are real, long labels
(``meta-llama/Meta-Llama-3.1-70B-Instruct``), 10 prompts × 8 samples with a known pattern of
correct samples, so every count below is worked out by hand. Hostile runs carry OSC 52 / OSC 0,
Rich markup, ``[/]`` and ``[@click=…]`` in their folder names and model names.
"""

from __future__ import annotations

import copy
import io
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import OptionList, Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen, RunPairScreen
from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.plot import CORRECT, WRONG, PlotScreen
from evaltui.app.screens.prompt import PromptScreen
from evaltui.app.screens.sort import SortScreen
from evaltui.app.screens.summary import SummaryScreen
from tests.app.conftest import settle
from tests.conftest import write_jsonl

FIXTURE = next((Path(__file__).parents[1] / "fixtures/formats/inspect_ai/logs_json").glob("*.json"))
LONG_A = "meta-llama/Meta-Llama-3.1-70B-Instruct"
LONG_B = "meta-llama/Meta-Llama-3.1-8B-Instruct"
THIRD = "Qwen/Qwen2.5-72B-Instruct"
#: Correct samples (of 8) per prompt q0…q9.
CORRECT_COUNTS = {
    LONG_A: [0, 1, 2, 3, 4, 5, 6, 7, 8, 0],
    LONG_B: [1, 3, 2, 8, 4, 5, 0, 7, 8, 4],
    THIRD: [8, 8, 8, 8, 8, 8, 8, 8, 8, 8],
}
# B − A per prompt, in eighths: +1 +2 0 +5 0 0 -6 0 0 +4 → improved q3 (0.625), q9 (0.500),
# q1 (0.250), q0 (0.125); regressed q6 (-0.750); unchanged 5.
OSC_MODEL = "evil\x1b]52;c;cm0gLXJmIH4gIw==\x07\x1b]0;pwned\x07[link=https://x]a[/]"
CLICK = "[@click=app.screenshot('pwned.svg')]click"
# A folder name cannot hold "/": `[/]` reaches the app through the model name instead.
HOSTILE_FOLDERS = ("[link=https:evil.example]a", "[bold]b[i]\x1b[2J", CLICK)
SIZES = [(80, 24), (120, 35)]
WORDY = " Find the number of ordered pairs (a, b) of positive integers that satisfy the equation."


def write_log(
    path: Path, model: str, correct: list[int], samples: int = 8, *, wordy: bool = False
) -> None:
    """An Inspect JSON log of ``model``: prompt q<p> has ``correct[p]`` of ``samples`` right
    (``wordy``: each prompt a long sentence, as real ones are, after its "Question p?")."""
    log = json.loads(FIXTURE.read_text(encoding="utf-8"))
    template = log["samples"][0]
    log["eval"]["model"] = model
    # Each log its own eval (the reader reads one eval saved twice only once).
    for key in ("eval_id", "run_id"):
        log["eval"][key] = f"{log['eval'].get(key, key)}-{path.stem}"
    rows = []
    for p, right in enumerate(correct):
        for epoch in range(samples):
            ok = epoch < right
            text = " ".join(["w"] * (20 * (p + 1) + epoch)) + f" answer {p if ok else -1}"
            sample = copy.deepcopy(template)
            sample.update(
                id=f"q{p}", epoch=epoch + 1, input=f"Question {p}?" + WORDY * wordy, target=str(p)
            )
            sample["uuid"] = f"{path.stem}-{p}-{epoch}"
            sample["output"]["choices"][0]["message"]["content"] = text
            sample["output"]["completion"] = text
            sample["messages"][-1]["content"] = text
            sample["scores"]["match"].update(value="C" if ok else "I", answer=str(p if ok else -1))
            rows.append(sample)
    log["samples"] = rows
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(log), encoding="utf-8")


def write_runs(root: Path, *models: str, wordy: bool = False) -> Path:
    for index, model in enumerate(models):
        write_log(root / f"log{index}.json", model, CORRECT_COUNTS[model], wordy=wordy)
    return root


def write_hostile(root: Path) -> Path:
    """Plain runs in hostile folders plus an Inspect log whose model name holds OSC 52/OSC 0."""
    for index, folder in enumerate(HOSTILE_FOLDERS):
        lines = [
            json.dumps(
                {
                    "prompt": f"Question {p}?",
                    "gen": f"\\boxed{{{p}}}",
                    "answer": str(p),
                    "accuracy": float((p + index) % 2),
                }
            )
            for p in range(4)
        ]
        (root / folder).mkdir(parents=True)
        (root / folder / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_log(root / "logs" / "hostile.json", OSC_MODEL, [1, 0, 1, 0], samples=1)
    return root


def screen_text(app: EvalApp) -> str:
    """What the terminal shows now, as plain text (the whole screen, every layer)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False
    )
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def static(app: EvalApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_compare(pilot: Any) -> CompareScreen:
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen) and screen.comparison is not None
    return screen


# --- compare -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_compare_layout_shows_matrix_and_change(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B, wordy=True))
    async with app.run_test(size=size) as pilot:
        screen = await open_compare(pilot)
        assert (screen.run_a, screen.run_b) == (LONG_A, LONG_B)
        shown = screen_text(app)
        lines = shown.splitlines()
        # The transitions matrix, every row of it (at 120×35 only its header showed).
        assert any(re.search(r"A ↓  B →\s+never\s+flaky\s+always", line) for line in lines)
        assert any(re.search(r"never\s+0\s+2\s+0\s*$", line) for line in lines)
        assert any(re.search(r"flaky\s+1\s+5\s+1\s*$", line) for line in lines)
        assert any(re.search(r"always\s+0\s+0\s+1\s*$", line) for line in lines)
        # Human headers; the change column is on screen at 80 columns, first row -0.750 (q6).
        header = next(line for line in lines if "prompt" in line and "A acc" in line)
        assert header.split()[:3] == ["Δ", "B−A", "A"] and "B acc" in header
        # Both runs' verdicts without scrolling sideways (at 80 columns "B solved" was cut off).
        assert re.search(r"A solved\s+B solved", header), header
        for internal in ("prompt_a", "rate_a", "class_a", "count_a"):
            assert internal not in shown
        first = lines[lines.index(header) + 1].split()
        assert first[:3] == ["-0.750", "0.750", "0.000"] and "Question" in first[3]
        # Both labels fully distinguishable, on one line, even at 80 columns.
        labels = static(app, "#compare-labels")
        assert "70B-Instruct" in labels and "8B-Instruct" in labels and "\n" not in labels
        assert "10 prompts in both runs" in shown and "1 prompts" not in shown


@pytest.mark.parametrize("size", SIZES)
async def test_compare_numbers_have_one_format(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=size) as pilot:
        await open_compare(pilot)
        lines = screen_text(app).splitlines()
        start = next(i for i, line in enumerate(lines) if "A acc  B acc" in line) + 1
        rows = [line for line in lines[start:] if re.match(r"\s*-?\d", line)]
        assert len(rows) >= 8
        for row in rows:
            # Δ, A and B: always three decimals (never -0.62 beside -0.625, or 1 beside 0.750).
            assert re.match(r"\s*-?\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}\s", row), row
        assert static(app, "#compare-headline").startswith("B − A accuracy: +7.5 pts · 95% CI [")


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_compare_status_line_says_its_order_within_the_width(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """At 80 columns the compare screen's status line "showing all prompts in both runs: 10
    prompts · sorted by Δ B−A ↑ (largest drop first)" ran off the screen at "(largest drop",
    with no mark. Now it says its order in shorter words, and is cut with a … past those."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=size) as pilot:
        await open_compare(pilot)
        await pilot.pause(0.1)
        (line,) = [t.strip() for t in screen_text(app).splitlines() if "showing all" in t]
        if size[0] == 80:
            assert line.endswith("sorted by Δ B−A ↑ (drops first)"), line
        else:
            # Cut with a mark, then the columns out of sight (compare_hidden_columns).
            assert line.startswith("showing all prompts in both"), line
            assert re.search(r"… · \d+ columns →$", line), line


@pytest.mark.parametrize("size", SIZES)
async def test_compare_g_and_i_say_they_are_on_and_sort_by_size(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=size) as pilot:
        screen = await open_compare(pilot)
        assert "showing all prompts" in static(app, "#compare-status")
        await pilot.press("i")
        await settle(pilot)
        # Largest improvement first: q3 (+5/8), q9 (+4/8), q1 (+2/8), q0 (+1/8).
        assert [p.split(":")[-1] for p in screen.rows["prompt_id"]] == ["q3", "q9", "q1", "q0"]
        status = static(app, "#compare-status")
        assert "improved only (i): 4 prompts" in status and "largest gain first" in status
        assert "0.625" in screen_text(app).split("A acc  B acc")[1].splitlines()[1]
        await pilot.press("g")
        await settle(pilot)
        assert screen.rows["prompt_id"].to_list() == ["toy_math_inspect:q6"]
        assert "regressed only (g): 1 prompt ·" in static(app, "#compare-status")
        await pilot.press("g")
        await settle(pilot)
        assert "showing all prompts in both runs: 10 prompts" in static(app, "#compare-status")


@pytest.mark.parametrize("size", SIZES)
async def test_compare_opens_the_row_under_the_cursor_with_long_labels(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=size) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("i", "down")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert (prompt.run, prompt.other_run, prompt.prompt_id) == (
            LONG_A,
            LONG_B,
            "toy_math_inspect:q9",
        )
        # Both runs' 8 generations, not the empty screen a cut label used to give.
        assert prompt.generations.height == 16
        assert screen.rows.height == 4


@pytest.mark.parametrize("size", SIZES)
async def test_a_prompt_opened_from_compare_shows_both_runs_votes(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """B's majority vote came after A's on the one reference line, cut off at 80 columns."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=size) as pilot:
        await open_compare(pilot)
        await pilot.press("i", "down", "enter")  # q9: A 0 of 8 correct, B 4 of 8
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        shown = screen_text(app)
        assert "reference: 9" in shown
        assert "votes: -1 ×8 ✗ (agreement 100%)" in shown
        assert "votes: 9 ×4 ✓ · -1 ×4 ✗ (agreement 50%)" in shown


@pytest.mark.parametrize("size", SIZES)
async def test_compare_with_three_runs_lets_the_user_pick_the_pair(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B, THIRD))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RunPairScreen) and picker.runs == [LONG_A, LONG_B, THIRD]
        assert "70B-Instruct" in screen_text(app) and "Qwen2.5-72B-Instruct" in screen_text(app)
        await pilot.press("down", "down", "enter")  # A = Qwen
        await pilot.press("down", "enter")  # B = the second of the remaining: 8B
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert (screen.run_a, screen.run_b) == (THIRD, LONG_B)
        # q0…q9: 8/8 → (1,3,2,8,4,5,0,7,8,4)/8: 8 regressed, 2 unchanged.
        # (The counts are wrapped between items to the room beside the matrix.)
        details = static(app, "#compare-details").replace("\n", " ")
        assert "improved 0 · regressed 8 · unchanged 2" in details
        # m again picks another pair; esc keeps this one.
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, RunPairScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("q")
        assert isinstance(app.screen, MainScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_the_pickers_second_question_is_whole_with_a_long_baseline(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """With a long model name picked as A, the question for B is on screen whole (at 80 columns
    it was cut after "compare with"), and A's name is shown."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B, THIRD))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("enter")  # A = the 70B
        await settle(pilot)
        shown = screen_text(app)
        question = app.screen.query_one("#pair-prompt", Static).render()
        lines = str(question).splitlines()
        assert any(LONG_A in line for line in lines) and "Pick B" in lines[1]
        assert all(line in shown for line in lines), lines  # every line whole on screen


@pytest.mark.parametrize("size", SIZES)
async def test_b_is_offered_with_its_prompts_in_common_with_a(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """Picking B after A: each run says how many of A's prompts it has (compare joins on them),
    most first; a run with none (another benchmark) is last, not first to be picked by enter."""
    for model, prompts in (("other-bench", range(20, 24)), ("A", range(6)), ("B", range(3))):
        rows = [{"prompt": f"q{p}", "gen": "x", "answer": "1", "accuracy": 1.0} for p in prompts]
        write_jsonl(tmp_path / "runs" / model / "s.jsonl", rows)
    app = make_app(tmp_path / "runs")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RunPairScreen)
        options = picker.query_one("#pair-options", OptionList)
        names = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        await pilot.press(*["down"] * names.index("A"), "enter")  # A
        await settle(pilot)
        offered = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert offered == ["3 · B", "0 · other-bench"]
        assert "in common with A" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert (app.screen.run_a, app.screen.run_b) == ("A", "B")


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_the_pickers_runs_cut_to_fit_still_read_apart(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """Runs named alike but for a middle part (the model size): each cut in its own middle,
    the picker listed them all as ``deepseek-ai__DeepSeek-R1-Dis…_topp0.95_n16_seed0`` at 60
    columns, for A and for B: which to pick was not told."""
    stem = "deepseek-ai__DeepSeek-R1-Distill-Qwen-{}B__temp0.6_topp0.95_n16_seed0"
    runs = [stem.format(b) for b in (1.5, 7, 14, 32)]
    for run in runs:
        rows = [{"prompt": f"q{p}", "gen": "x", "answer": "1", "accuracy": 1.0} for p in range(3)]
        write_jsonl(tmp_path / "runs" / run / "s.jsonl", rows)
    app = make_app(tmp_path / "runs")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RunPairScreen)
        options = picker.query_one("#pair-options", OptionList)

        def listed() -> list[str]:
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        names = listed()
        assert len(names) == 4 and len(set(names)) == 4, names
        assert any("…" in name for name in names), names  # (cut: what this is about)
        await pilot.press("enter")
        await settle(pilot)
        offered = listed()
        assert len(offered) == 3 and len(set(offered)) == 3, offered


async def test_exporting_from_compare_counts_prompts_as_the_screen_does(
    tmp_path: Path, make_app: Any
) -> None:
    """Regressed only: the compare screen showed 1 prompt, its export dialog said "2 prompts"
    (a row per run) and, at 80 columns, cut its title off before the runs' names."""
    from textual.widgets import Label

    from evaltui.app.screens.export import ExportScreen

    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compare(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert "regressed only (g): 1 prompt ·" in static(app, "#compare-status")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        title = str(app.screen.query(Label).first().render())
        assert title.startswith("Export the current view (1 prompt × 2 runs · regressed")
        shown = " ".join(line.strip(" █") for line in screen_text(app).splitlines())
        # The whole title is on screen, to B's name (cut in the middle) and the bracket.
        assert "1 prompt × 2 runs" in shown and title.split()[-1] in shown
        # Each run by the size that tells them apart (the labels' shared "-Instruct" may be cut).
        a, b = title.rsplit(", ", 1)[1].split(" vs ")
        assert "Llama-3.1-70B" in a and "Llama-3.1-8B" in b and title.endswith(")")
        # With the title on two lines the dialog is taller than 80% of 24 lines: the buttons'
        # lower edge was cut off.
        dialog = app.screen.query_one("#export-dialog")
        assert dialog.max_scroll_y == 0  # all of it shown, nothing scrolled out of the box
        for button in ("#export-go", "#export-cancel"):
            region = app.screen.query_one(button).region
            assert region.height == 3 and dialog.content_region.contains_region(region), button


@pytest.mark.parametrize(("key", "hint"), [("m", "esc Cancel"), ("s", "esc Back")])
async def test_the_pickers_bottom_line_gives_their_own_keys(
    tmp_path: Path, make_app: Any, key: str, hint: str
) -> None:
    """The run-pair picker (m) and the sort menu (s) showed the table's keys behind them
    (t Summary, p Plot…), which do nothing there, and not how to leave."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B, THIRD))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, RunPairScreen | SortScreen)
        bottom = screen_text(app).splitlines()[-1]
        assert hint in bottom and "Summary" not in bottom and "Open" not in bottom


async def test_compare_with_two_runs_needs_no_picker(tmp_path: Path, make_app: Any) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(pilot)
        # No pair to pick: the key is not offered.
        assert "Runs" not in screen_text(app).splitlines()[-1]
        await pilot.press("m")
        await settle(pilot)
        assert app.screen is screen


# --- plots ---------------------------------------------------------------------------------


def plot(app: EvalApp) -> PlotScreen:
    screen = app.screen
    assert isinstance(screen, PlotScreen) and screen.last is not None
    return screen


@pytest.mark.parametrize("size", SIZES)
async def test_plots_are_readable(tmp_path: Path, make_app: Any, size: tuple[int, int]) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        figure = plot(app).last
        assert figure is not None and figure.kind == "lengths"
        # One series per run, told apart by colour and named in the legend above the plot.
        (panel,) = figure.panels
        assert len(panel.series) == 2
        assert {s.color for s in panel.series}.isdisjoint({CORRECT, WRONG})
        assert len({s.color for s in panel.series}) == 2
        legend = static(app, "#plot-legend")
        assert "70B-Instruct" in legend and "8B-Instruct" in legend
        # Integer counts, round ticks: 10 prompts × 8 generations per run.
        assert all(float(y).is_integer() for s in panel.series for y in s.y)
        assert [sum(s.y) for s in panel.series] == [80, 80]
        ticks, labels = panel.yticks
        assert all(float(t).is_integer() for t in ticks) and labels[0] == "0"
        xticks, xlabels = panel.xticks
        steps = {round(b - a, 9) for a, b in itertools.pairwise(xticks)}
        assert len(steps) == 1 and steps.pop() in {10, 20, 25, 50, 100}
        assert all(re.fullmatch(r"[\d,]+", label) for label in xlabels)
        # The legend is not drawn over the data: plotext gets no labels.
        canvas = plot(app).query_one("#plot").render()
        assert "Instruct" not in str(getattr(canvas, "plain", canvas))

        await pilot.press("2")
        await settle(pilot)
        figure = plot(app).last
        assert figure is not None and len(figure.panels) == 2  # one panel per run
        for panel in figure.panels:
            assert [(s.label, s.color) for s in panel.series] == [
                ("correct", CORRECT),
                ("wrong", WRONG),
            ]
        right = sum(sum(p.series[0].y) for p in figure.panels)
        assert right == sum(CORRECT_COUNTS[LONG_A]) + sum(CORRECT_COUNTS[LONG_B])

        await pilot.press("3")
        await settle(pilot)
        figure = plot(app).last
        assert figure is not None
        (panel,) = figure.panels
        # One bar per k/8: nine bins, none always empty.
        assert panel.xticks[1] == [f"{k}/8" for k in range(9)]
        per_run = {s.label: s.y for s in panel.series}
        assert next(y for label, y in per_run.items() if "70B" in label) == [2] + [1] * 8
        assert next(y for label, y in per_run.items() if "8B" in label) == [
            1,
            1,
            1,
            1,
            2,
            1,
            0,
            1,
            2,
        ]


async def test_plot_log_and_clip_modes(tmp_path: Path, make_app: Any) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p", "l")
        await settle(pilot)
        figure = plot(app).last
        assert figure is not None and "log counts" in figure.title
        assert figure.panels[0].yticks[1][:2] == ["0", "1"]
        await pilot.press("l", "c")
        await settle(pilot)
        figure = plot(app).last
        assert figure is not None and "clipped" in figure.title and "log" not in figure.title
        # 80 lengths from 22 to 209: the longest (above the 99th percentile) is left out, said so.
        shown = sum(sum(s.y) for s in figure.panels[0].series)
        assert shown == 79 and "1 generation longer than 208 not shown (c shows all)" in figure.note


@pytest.mark.parametrize("size", SIZES)
async def test_one_prompt_plot_offers_only_keys_that_work(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = plot(app)
        assert screen.prompt is not None and screen.kind == "split"
        footer = screen_text(app).splitlines()[-1]
        assert "3 Acc" not in footer and "4 Scatter" not in footer and "1 Lengths" in footer
        assert "3" not in screen.active_bindings and "4" not in screen.active_bindings
        assert "1" in screen.active_bindings and "2" in screen.active_bindings
        await pilot.press("3")
        await settle(pilot)
        assert screen.kind == "split"


# --- summary -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_summary_defines_its_metrics_and_bins_at_k_over_n(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        shown = screen_text(app)
        header = next(line for line in shown.splitlines() if line.startswith(" metric"))
        assert "Llama-3.1-70B" in header and "Llama-3.1-8B" in header
        # A: (0+1+…+8+0)/80 = 36/80 = 0.450; B: 42/80 = 0.525. One format: three decimals.
        avg = next(line for line in shown.splitlines() if line.startswith(" avg@8"))
        assert re.search(r"0\.450 \[\d\.\d{3}, \d\.\d{3}\]\s+0\.525 \[\d\.\d{3}, \d\.\d{3}\]", avg)
        console = Console(width=200, file=io.StringIO(), record=True)
        console.print(app.screen.report)
        full = console.export_text()
        # cons@8 and maj@8 side by side are explained, naming whose definitions they are.
        definitions = full.split("What the metrics mean:")[1].splitlines()
        cons = next(line for line in definitions if line.startswith("cons@8 "))
        assert "AISBench" in cons and "more than half" in cons
        maj = next(line for line in definitions if line.startswith("maj@8 "))
        assert "majority vote" in maj and "DeepSeek-R1 calls this cons@64" in maj
        # The spectrum: one bar per k/8, counts per bar (A has two prompts with 0 of 8).
        spectrum = [line.split() for line in full.splitlines() if re.match(r"\s+\d/8\s", line)]
        assert [row[0] for row in spectrum[:9]] == [f"{k}/8" for k in range(9)]
        assert spectrum[0][-1] == "2" and len(spectrum) == 18
        # Why prompts look hard: the triage counts of each run, as `summarize` prints them.
        triage = full.split("Why prompts look hard (triage flags, per run):")[1]
        assert "70B-Instruct" in triage and "8B-Instruct" in triage
        assert triage.count("accuracy completed") == 2 and "all truncated" in triage
        # In the table's units (it said "45.0%" under "avg@8 0.450").
        assert re.search(r"accuracy completed 0\.450 vs truncated", triage), triage
        assert "%" not in triage


async def test_pass_rates_are_binned_over_the_samples_each_prompt_had(
    tmp_path: Path, make_app: Any
) -> None:
    """8 samples a prompt, 0, 4 or 8 of them correct: the summary's spectrum and plot 3 said
    0/2, 1/2, 2/2 "correct of n samples", as if each prompt had 2 samples."""
    write_log(tmp_path / "runs" / "log0.json", LONG_A, [0, 4, 4, 8, 4])
    app = make_app(tmp_path / "runs")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        console = Console(width=200, file=io.StringIO(), record=True)
        console.print(app.screen.report)
        bars = [line.split() for line in console.export_text().splitlines()]
        spectrum = {row[0]: row[-1] for row in bars if row and re.fullmatch(r"\d+/\d+", row[0])}
        assert spectrum == {f"{k}/8": str({0: 1, 4: 3, 8: 1}.get(k, 0)) for k in range(9)}
        await pilot.press("escape", "p", "3")
        await settle(pilot)
        (panel,) = plot(app).last.panels  # type: ignore[union-attr]
        assert panel.xticks[1] == [f"{k}/8" for k in range(9)]
        assert panel.series[0].y == [1, 0, 0, 0, 3, 0, 0, 0, 1]
        assert "correct of n samples" in screen_text(app)


async def test_help_defines_the_metrics(tmp_path: Path, make_app: Any) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = str(app.screen.query_one("#help Static", Static).render())
        assert "cons@n" in text and "AISBench" in text and "maj@n" in text
        # One paragraph, wrapped by the terminal: a line break written in it left "filter, a"
        # alone on a line at 80 columns.
        assert "(in a filter, a header with a space is written with _ or `backquotes`)" in text


# --- hostile labels ------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_hostile_labels_stay_text_on_every_screen(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(write_hostile(tmp_path / "evil"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.result is not None
        runs = app.result.stats["run"].unique(maintain_order=True).to_list()
        assert set(runs) == {*HOSTILE_FOLDERS, OSC_MODEL}
        seen = []

        def check() -> None:
            shown = screen_text(app)
            seen.append(shown)
            assert "\x1b" not in shown and "\x07" not in shown
            assert "\x1b]" not in app.export_screenshot()

        for keys in (["t"], ["p"], ["p", "2"], ["p", "3"], ["p", "4"]):
            await pilot.press(*keys)
            await settle(pilot)
            check()
            await pilot.press("q")
        # m with four runs: the picker, then every pair's screen is Text.
        await pilot.press("m")
        await settle(pilot)
        check()
        osc = runs.index(OSC_MODEL)
        await pilot.press(*["down"] * osc, "enter", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison is not None
        check()
        labels = static(app, "#compare-labels")
        assert "evil␛]52;c;" in labels or "evil␛]52" in labels
        # A click on the labels or headline runs nothing ([@click=…] is not markup here).
        await pilot.click("#compare-labels")
        await pilot.click("#compare-headline")
        await settle(pilot)
        assert not list(tmp_path.rglob("pwned.svg"))
        for _ in range(3):
            await pilot.press("m")
            await settle(pilot)
            await pilot.press("down", "enter", "down", "enter")
            await settle(pilot)
            assert isinstance(app.screen, CompareScreen)
            check()
            await pilot.press("enter")
            await settle(pilot)
            check()
            await pilot.press("q")
        assert any("[link=https:evil.example]a" in s for s in seen)
        assert any("[bold]b[i]␛[2J" in s for s in seen)
        assert any("[link=https:x]a[/]" in s or "a[/]" in s for s in seen)
        assert any("[@click=app.screenshot('pwned.svg')]" in s for s in seen)
        assert not list(tmp_path.rglob("pwned.svg"))


@pytest.mark.parametrize("size", SIZES)
async def test_next_and_previous_prompt_follow_the_compare_list(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=size) as pilot:
        await open_compare(pilot)
        await pilot.press("i")  # improved, largest gain first: q3, q9, q1, q0
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen) and prompt.prompt_id.endswith(":q3")
        seen = []
        for key in (".", ".", ".", ",", ","):
            await pilot.press(key)
            await settle(pilot)
            seen.append(prompt.prompt_id.split(":")[-1])
            assert (prompt.run, prompt.other_run) == (LONG_A, LONG_B)
        # Along the compare list (not the main table's q0, q1, … of one run).
        assert seen == ["q9", "q1", "q0", "q1", "q9"]
        assert prompt.generations.height == 16  # both runs, on every step


@pytest.mark.parametrize(
    "note", ["", "12 prompts with mean length over 30k not shown (c shows all)"]
)
@pytest.mark.parametrize("width", [40, 78, 200])
def test_plot_legend_of_many_runs_says_how_many_it_leaves_out(note: str, width: int) -> None:
    """15 published runs: the legend's two lines showed five labels and dropped the rest
    without a word. Whole entries only, within the width, and "+N more" for the others."""
    from rich.cells import cell_len

    from evaltui.app.screens.plot import Figure, legend_text
    from evaltui.data.sanitize import one_line, one_line_middle

    runs = [f"Qwen/Qwen3-8B @ 2026-07-08T16-04-{i:02d}.219874" for i in range(12)]
    runs += ["openai/gpt-5", "模型/通义千问-7B", "gpt-4o-mini"]
    labels = [one_line_middle(run, 30) for run in runs]
    figure = Figure(
        "lengths", "t", "x", "y", [], legend=[(label, (1, 2, 3)) for label in labels], note=note
    )
    lines = legend_text(figure, width, 2).plain.split("\n")
    assert len(lines) <= 2
    if note:  # the note has the last line (cut with … when narrower)
        assert lines[-1] == one_line(note, width)
        lines = lines[:-1]
    assert all(cell_len(line) <= width for line in lines)
    body = " ".join(lines)
    shown = [label for label in labels if f"■ {label}   " in body + "   "]
    match = re.search(r"\+(\d+) more", body)
    assert shown == labels[: len(shown)] and (shown or width < 78)
    assert (int(match.group(1)) if match else 0) == len(labels) - len(shown)


LATEX_PROMPTS = [
    "Define\n\\[p = \\sum_{k = 1}^\\infty \\frac{1}{k^2}",  # MATH500, as SkyThought writes it
    "Plain \\[x\\] and \\[1, 2) here",
    "Ends with a backslash \\",
]


async def test_backslash_before_a_bracket_is_shown_in_both_tables(
    tmp_path: Path, make_app: Any
) -> None:
    """``\\[`` with no ``]`` after it lost its backslash in the prompt and compare tables
    (``Define [p = \\sum…``): textual-fastdatatable escaped a literal cell with
    ``rich.markup.escape``, which leaves it, and Rich read it as an escaped bracket."""
    for run in ("model-a", "model-b"):
        lines = [
            json.dumps({"prompt": p, "gen": "7", "answer": "7", "accuracy": i % 2})
            for i, p in enumerate(LATEX_PROMPTS)
        ]
        (tmp_path / run).mkdir()
        (tmp_path / run / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(tmp_path / "model-a", tmp_path / "model-b")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "Define \\[p = \\sum_{k" in shown and "Plain \\[x\\] and \\[1" in shown
        assert "backslash \\ " in shown
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        shown = screen_text(app)
        assert "Define \\[p = \\sum" in shown and "Plain \\[x\\] and" in shown


async def test_a_length_plot_of_an_empty_view_says_it_is_empty(
    tmp_path: Path, make_app: Any
) -> None:
    """A filter matching nothing, then p: the plot said "no lengths yet", as if still counting."""
    from textual.widgets import Input

    app = make_app(write_runs(tmp_path / "runs", LONG_A))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.result is not None and app.result.complete
        await pilot.press("slash")
        app.screen.query_one("#filter", Input).value = "accuracy > 2"
        await pilot.press("enter")
        await settle(pilot)
        assert app.rows is not None and app.rows.height == 0
        for key in ("p", "2"):
            await pilot.press(key)
            await settle(pilot)
            title = plot(app).last.title  # type: ignore[union-attr]
            assert title.endswith("0 prompts in view · no generations"), title

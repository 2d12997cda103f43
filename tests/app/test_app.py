"""Pilot tests: the app as a person drives it, key by key."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Button, Input, Label, OptionList, Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.export import ExportScreen
from evaltui.app.screens.help import HelpScreen
from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.plot import PlotScreen
from evaltui.app.screens.problems import ProblemsScreen
from evaltui.app.screens.prompt import PromptScreen
from evaltui.app.screens.sort import SortScreen
from tests.app.conftest import problems_text, settle, write_evals
from tests.app.test_follow_app import wait_until
from tests.app.test_screens import screen_text

SIZE = (120, 36)


def static_text(app: EvalApp, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


async def click_go(pilot: Pilot[int]) -> None:
    """Click the export dialog's Export, once it takes a click: a Button ignores clicks for
    0.2 s after a press (its "-active" look), and a quick settle ends sooner than that."""
    go = pilot.app.screen.query_one("#export-go", Button)
    await wait_until(pilot, lambda: not go.has_class("-active"))
    await pilot.click("#export-go")


def shown(app: EvalApp) -> list[tuple[str, str]]:
    assert app.rows is not None
    return list(zip(app.rows["run"].to_list(), app.rows["prompt"].to_list(), strict=True))


async def test_loads_and_shows_every_prompt(evals: Path, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.result is not None and app.result.complete
        summary = static_text(app, "#summary")
        # Two runs: prompts per run (7 and 6), accuracy per run, never one pooled number.
        assert "runs 2" in summary and "prompts 7/6 per run" in summary
        # the files' count is one of the parts the line leaves off, counted (t shows them)
        assert summary.endswith(" · +4 more (t)")
        from evaltui.app.screens.main import header_text

        assert "files 3" in header_text(app.result, 10**6, whole=True)
        assert "accuracy model_a 0.440 / model_b 0.625" in summary
        assert "generations 49" in summary and "bad lines 2" in summary
        assert "Showing 13 of 13 rows (run × prompt)" in static_text(app, "#status")
        table = app.screen.current_table()  # type: ignore[attr-defined]
        assert table is not None and table.row_count == 13
        # Cells hold sanitized one-line text, never raw control characters.
        cells = [str(v) for row in range(table.row_count) for v in table.get_row_at(row)]
        assert not any("\x1b" in c or "\x00" in c for c in cells)
        assert any("Hostile [red]x[/red] prompt ␛[31m" in c for c in cells)


async def test_filter_valid_invalid_and_clear(evals: Path, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.screen.query_one("#filter", Input).has_focus
        await pilot.press(*"average_accuracy < 0.5", "enter")
        await settle(pilot)
        assert app.rows is not None
        # By hand: run a solves p % 5 of 4 (prompts 0, 1, 5 < 0.5), run b one more (prompts 0, 5).
        assert app.rows["average_accuracy"].to_list() == [0.0, 0.25, 0.0, 0.25, 0.25]
        assert "Showing 5 of 13 rows (run × prompt) · average_accuracy < 0.5" in static_text(
            app, "#status"
        )
        # An invalid expression says why and keeps the last good view.
        await pilot.press("slash", *" and bogus > 1", "enter")
        await settle(pilot)
        assert "unknown column 'bogus'" in static_text(app, "#filter-error")
        assert app.rows.height == 5
        await pilot.press("slash", "ctrl+u", *'prompt ~ "Problem [12]"', "enter")
        await settle(pilot)
        assert sorted(set(app.rows["prompt"].str.slice(0, 9).to_list())) == [
            "Problem 1",
            "Problem 2",
        ]
        await pilot.press("c")
        await settle(pilot)
        assert app.rows.height == 13 and app.screen.query_one("#filter", Input).value == ""


@pytest.mark.parametrize("back", ["", "average_accuracy < 0.5"])
async def test_a_filter_error_goes_once_the_box_holds_the_filter_shown_again(
    evals: Path, make_app: Any, back: str
) -> None:
    """An unknown column, then the box cleared (or edited back to the filter shown): the error
    "✗ unknown column 'acuracy' … showing the last valid filter" stayed under the box, the
    table showing what the box says, because that view was not computed again."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if back:
            await pilot.press("slash", *back, "enter")
            await settle(pilot)
        shown = app.rows
        await pilot.press("slash", "ctrl+u", *"acuracy < 1", "enter")
        await settle(pilot)
        error = app.screen.query_one("#filter-error", Static)
        assert "unknown column 'acuracy'" in static_text(app, "#filter-error")
        await pilot.press("ctrl+u", *back)
        await pilot.pause(0.6)  # the filter box's debounce
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).value == back
        assert app.rows is not None and shown is not None and app.rows.equals(shown)
        assert not error.display
        await pilot.press("escape")
        await settle(pilot)
        assert not error.display and "acuracy" not in screen_text(app)


async def test_sort_by_keys_and_menu(evals: Path, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Move the cursor to the accuracy column (prompt, run, n, accuracy) and sort descending.
        await pilot.press("right", "right", "right", "right_square_bracket")
        await settle(pilot)
        accuracy = app.rows["average_accuracy"].to_list()  # type: ignore[index]
        assert accuracy == sorted(accuracy, reverse=True)
        # The column as its header reads (it said 'sort average_accuracy ↓' under 'accuracy').
        assert "sort accuracy ↓" in static_text(app, "#status")
        assert "average_accuracy" not in static_text(app, "#status")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.rows["average_accuracy"].to_list() == sorted(accuracy)  # type: ignore[index]
        # The sort menu: pick max_gen_length; picking it again flips the direction.
        await pilot.press("s")
        assert isinstance(app.screen, SortScreen)
        options = app.screen.query_one(OptionList)
        options.highlighted = app.screen.columns.index("max_gen_length")
        await pilot.press("enter")
        await settle(pilot)
        lengths = app.rows["max_gen_length"].to_list()  # type: ignore[index]
        assert lengths == sorted(lengths)
        assert "sort max len ↑" in static_text(app, "#status")
        app.screen.sort_by("max_gen_length")  # type: ignore[attr-defined]
        await settle(pilot)
        assert app.rows["max_gen_length"].to_list() == sorted(lengths, reverse=True)  # type: ignore[index]
        # The export dialog tells the view in the same words.
        await pilot.press("e")
        await settle(pilot)
        dialog = " ".join(str(label.render()) for label in app.screen.query(Label))
        assert "sort max len ↓" in dialog and "max_gen_length" not in dialog


async def test_quick_filters_and_runs(evals: Path, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert set(app.rows["n_correct"].to_list()) == {0}  # type: ignore[index]
        await pilot.press("a")
        await settle(pilot)
        rows = app.rows
        assert (
            rows is not None and (rows["n_correct"] == rows["n_scored"]).all() and rows.height > 0
        )
        await pilot.press("f")
        await settle(pilot)
        assert all(0 < c < n for c, n in app.rows.select("n_correct", "n_scored").rows())  # type: ignore[union-attr]
        await pilot.press("f")  # again: off
        await settle(pilot)
        assert app.rows.height == 13  # type: ignore[union-attr]
        await pilot.press("r")
        await settle(pilot)
        assert set(app.rows["run"].to_list()) == {"model_a"}  # type: ignore[index]
        await pilot.press("r")
        await settle(pilot)
        assert set(app.rows["run"].to_list()) == {"model_b"}  # type: ignore[index]
        await pilot.press("r")
        await settle(pilot)
        assert app.rows.height == 13  # type: ignore[union-attr]


async def test_prompt_screen_navigation(evals: Path, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        assert screen.run == "model_a"
        assert screen.generations.height == 4
        assert "Problem 0" in static_text(app, "#prompt-text")
        assert "reference: 0" in static_text(app, "#prompt-answer")
        # run a never solves prompt 0: all four samples answer \boxed{1}
        assert "votes: 1 ×4 ✗" in static_text(app, "#prompt-answer")
        first = static_text(app, "#generation-text")
        await pilot.press("j")
        await pilot.pause()
        assert static_text(app, "#generation-text") != first
        await pilot.press("w")  # only wrong: prompt 0 of run a has 0 correct -> all 4 wrong
        await pilot.pause()
        assert screen.only == "wrong" and screen.generations.height == 4
        await pilot.press("w")  # only right
        await pilot.pause()
        assert screen.generations.height == 0
        await pilot.press("w", "full_stop")  # all again; next prompt in the table's order
        await pilot.pause()
        assert "Problem 1" in static_text(app, "#prompt-text")
        await pilot.press("comma")
        await pilot.pause()
        assert "Problem 0" in static_text(app, "#prompt-text")
        await pilot.press("y")
        await pilot.press("q")
        assert isinstance(app.screen, MainScreen)


async def test_wrong_right_keeps_the_generation_read(tmp_path: Path, make_app: Any) -> None:
    """`w` lists only the wrong, only the right, then all generations: the one being read
    stays highlighted where the new list holds it (reading #3 under "all", `w` put the
    highlight on #1, the list's first, as if another prompt had been opened)."""
    data = tmp_path / "evals"
    data.mkdir()
    records = [
        {"prompt": "p", "gen": f"gen {i}", "answer": "1", "accuracy": (i + 1) % 2} for i in range(4)
    ]  # samples 0 and 2 right, 1 and 3 wrong
    (data / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    app = make_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PromptScreen)

        def reading() -> int:
            at = screen.query_one("#generations", OptionList).highlighted
            assert at is not None
            return int(screen.generations["sample"][at])

        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert reading() == 3
        await pilot.press("w")  # only wrong: 1 and 3, still on 3
        await pilot.pause()
        assert screen.only == "wrong" and reading() == 3
        assert "gen 3" in static_text(app, "#generation-text")
        await pilot.press("w")  # only right: 0 and 2, 3 not listed: the first
        await pilot.pause()
        assert screen.only == "right" and reading() == 0
        await pilot.press("j", "w")  # 2, then all: still on 2
        await pilot.pause()
        assert not screen.only and reading() == 2
        assert "gen 2" in static_text(app, "#generation-text")


async def test_an_empty_reference_is_said_not_left_blank(tmp_path: Path, make_app: Any) -> None:
    """truthfulqa's blank targets showed as "reference:  · votes …", a gap that read as a
    rendering fault; an absent reference stays "–"."""
    data = tmp_path / "evals"
    data.mkdir()
    records = [
        {"prompt": "blank", "gen": "x", "answer": "  ", "accuracy": 0},
        {"prompt": "none", "gen": "y", "answer": None, "accuracy": 0},
    ]
    (data / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for prompt, shown in (("blank", "reference: (empty) · "), ("none", "reference: – · ")):
            await pilot.press("slash", "ctrl+u", *f'prompt ~ "{prompt}"', "enter")
            await settle(pilot)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, PromptScreen)
            assert static_text(app, "#prompt-answer").startswith(shown)
            await pilot.press("escape")
            await pilot.pause()


async def test_hostile_text_renders_literally(evals: Path, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *'prompt ~ "Hostile"', "enter")
        await settle(pilot)
        assert app.rows is not None and app.rows.height == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        text = static_text(app, "#generation-text")
        assert "␛[2J [/] [bold]x[/bold] ␛]0;title␇ nul␀ 答案 🙂 \\boxed{7}" in text
        assert "\x1b" not in text and "\x00" not in text and "\x07" not in text
        assert "Hostile [red]x[/red] prompt ␛[31m" in static_text(app, "#prompt-text")
        assert "reference: [/]" in static_text(app, "#prompt-answer")
        screenshot = app.export_screenshot()
        assert "\x1b]0;title" not in screenshot


async def test_plots(evals: Path, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlotScreen) and screen.last is not None
        assert screen.last.kind == "lengths"
        assert sum(sum(s.y) for s in screen.last.panels[0].series) == 49
        assert screen.last.xlabel == "generation length (tokens)"
        await pilot.press("2")
        await settle(pilot)
        correct, wrong = screen.last.panels[0].series
        assert (correct.label, wrong.label) == ("correct", "wrong")
        right = sum(sum(p.series[0].y) for p in screen.last.panels)
        assert right == int((app.result.generations["accuracy"] >= 0.5).sum())  # type: ignore[union-attr]
        await pilot.press("3")
        await settle(pilot)
        assert screen.last.kind == "accuracy"
        assert sum(sum(s.y) for s in screen.last.panels[0].series) == 13
        await pilot.press("4")
        await settle(pilot)
        assert screen.last.kind == "scatter"
        assert sum(len(s.x) for s in screen.last.panels[0].series) == 13
        await pilot.press("q")
        # The plot follows the filter: never-solved prompts only.
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        panel = app.screen.last.panels[0]  # type: ignore[attr-defined]
        assert sum(sum(s.y) for s in panel.series) == 4 * app.rows.height  # type: ignore[union-attr]
        await pilot.press("q", "enter", "p")
        await settle(pilot)
        assert app.screen.prompt is not None  # type: ignore[attr-defined]
        assert sum(app.screen.last.panels[0].series[0].y) == 0  # type: ignore[attr-defined]


async def test_export_all_kinds(evals: Path, make_app: Any, tmp_path: Path) -> None:
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        never = app.rows.height  # type: ignore[union-attr]
        for kind, name in (
            ("combined", "v.json"),
            ("records", "r.jsonl"),
            ("csv", "s.csv"),
            ("parquet", "s.parquet"),
        ):
            await pilot.press("e")
            screen = app.screen
            assert isinstance(screen, ExportScreen)
            screen.query_one(f"#kind-{kind}").value = True  # type: ignore[attr-defined]
            await pilot.pause()
            screen.query_one("#export-path", Input).value = str(tmp_path / name)
            await click_go(pilot)
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
        combined = json.loads((tmp_path / "v.json").read_text())
        assert len(combined) == never and all(r["n_correct"] == 0 for r in combined)
        records = (tmp_path / "r.jsonl").read_text().splitlines()
        assert len(records) == 4 * never and all(json.loads(r)["accuracy"] == 0.0 for r in records)
        assert pl.read_csv(tmp_path / "s.csv").height == never
        assert pl.read_parquet(tmp_path / "s.parquet").height == never
        # An existing file asks for confirmation before it is overwritten.
        await pilot.press("e")
        screen = app.screen
        screen.query_one("#export-path", Input).value = str(tmp_path / "v.json")
        await click_go(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen) and "exists" in static_text(
            app, "#export-message"
        )
        await click_go(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        # A folder is no file to overwrite: it said "exists: press Export again to overwrite it",
        # and the second press failed with a temp-file name in the folder's parent.
        await pilot.press("e")
        app.screen.query_one("#export-path", Input).value = str(tmp_path)
        for _ in range(2):
            await click_go(pilot)
            await settle(pilot)
            assert isinstance(app.screen, ExportScreen)
            assert static_text(app, "#export-message") == "that is a folder: give a file path"
        # A folder not made yet (`new/`): a file named `new` was written, the dialog closed.
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "new") + "/"
        await click_go(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert static_text(app, "#export-message") == "that is a folder: give a file path"
        assert not (tmp_path / "new").exists()


async def test_the_export_dialogs_messages_leave_its_buttons_in_view(
    evals: Path, make_app: Any, tmp_path: Path
) -> None:
    """At 80x24, "<path> exists: press Export again to overwrite it" with a long path took three
    lines and pushed the Export and Cancel buttons out of the dialog."""
    folder = tmp_path / "a_rather_long_folder_name_for_exports" / "another_level_of_nesting"
    folder.mkdir(parents=True)
    existing = folder / "existing_export_file.json"
    existing.write_text("x")
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        for path in (existing, folder, evals / "model_a" / "samples.jsonl"):
            app.screen.query_one("#export-path", Input).value = str(path)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ExportScreen)
            assert static_text(app, "#export-message"), path
            dialog = app.screen.query_one("#export-dialog")
            assert dialog.max_scroll_y == 0, path  # nothing scrolled out of the box
            for button in ("#export-go", "#export-cancel"):
                region = app.screen.query_one(button).region
                inside = dialog.content_region.contains_region(region)
                assert region.height == 3 and inside, (path, button)
        assert existing.read_text() == "x"


async def test_an_export_keeps_a_file_written_at_its_path_while_it_ran(
    evals: Path, make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dialog checks that the path has no file, then writes in the background; another
    evaltui exporting to the same name meanwhile had its file replaced without a word, and
    this one said "exported". Now that file is kept (nothing of this export written, no temp
    file) and the dialog offers to overwrite it, which Export again does."""
    import evaltui.app.screens.export as screen_module

    target = tmp_path / "hard.json"
    real = screen_module.export_view

    def another_program_writes_meanwhile(*args: Any, **kwargs: Any) -> Any:
        summary = real(*args, **kwargs)
        if not target.exists():  # the first write only
            target.write_text("theirs\n", encoding="utf-8")
        return summary

    monkeypatch.setattr(screen_module, "export_view", another_program_writes_meanwhile)
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        message = static_text(app, "#export-message")
        assert message.startswith("written meanwhile by another program: kept;")
        assert message.endswith("press Export again to overwrite it")
        assert target.read_text(encoding="utf-8") == "theirs\n"
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
        dialog = app.screen.query_one("#export-dialog")
        assert dialog.max_scroll_y == 0  # the buttons stay in view at 80x24
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
    rows = json.loads(target.read_text(encoding="utf-8"))  # this export's combined JSON
    assert rows and all("prompt" in row and "average_accuracy" in row for row in rows)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
async def test_an_export_that_cannot_be_written_names_the_file_asked_for(
    evals: Path, make_app: Any
) -> None:
    """Exporting into /proc (a folder no file can be made in, even by root): the dialog said
    "No such file or directory: '/proc/.out.json.evaltui.json.evaltui-<pid>.<random>.tmp'",
    a hidden temp name the user never typed."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#export-path", Input).value = "/proc/out.json"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        message = static_text(app, "#export-message")
        assert message.startswith("cannot write /proc/out.json:"), message
        assert "No such file or directory" in message, message
        assert ".tmp" not in message and "evaltui-" not in message, message


async def test_help_problems_and_quit(evals: Path, make_app: Any) -> None:
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = static_text(app, "#help Static")
        for key in (
            "enter",
            "/",
            "[",
            "]",
            "p",
            "e",
            "ctrl+q",
            "Next prompt",
            "average_accuracy < 0.2",
        ):
            assert key in help_text
        # "? Help" once, under "Everywhere", not again under every screen that also binds it.
        assert len(re.findall(r"^  \?\s+Help$", help_text, flags=re.MULTILINE)) == 1, help_text
        await pilot.press("q")
        await pilot.press("b")
        assert isinstance(app.screen, ProblemsScreen)
        problems = problems_text(app)
        assert "2 bad lines" in problems and "model_a/samples.jsonl:25: not valid JSON" in problems
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_load_failure_is_a_message_not_a_traceback(tmp_path: Path, make_app: Any) -> None:
    app = make_app(tmp_path / "missing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.load_error is not None and "no such file or directory" in app.load_error
        assert "Could not load" in static_text(app, "#failure")
        await pilot.press("ctrl+q")


async def test_prompt_screen_marks_answers_as_the_triage_flags_do(
    tmp_path: Path, make_app: Any
) -> None:
    """The prompt screen's "no final answer" follows the triage rule (the loader's has_answer):
    an "Answer: 42" line is an answer, and an empty generation is "empty", not "no answer"."""
    from textual.widgets import OptionList

    data = tmp_path / "evals.jsonl"
    gens = ["Work it out.\nAnswer: 42", "I keep thinking about it", "", "so \\boxed{42}"]
    data.write_text(
        "".join(
            json.dumps({"prompt": "What is 6*7?", "gen": g, "answer": "42", "accuracy": 1}) + "\n"
            for g in gens
        )
    )
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        options = app.screen.query_one("#generations", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        marks = ["no final answer" in label for label in labels]
        assert marks == [False, True, False, False], labels
        assert ["⚠ empty" in label for label in labels] == [False, False, True, False]


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_a_generation_and_its_flags_take_one_line(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """A repetition loop that hit the length cap without an answer: at 80 columns its flags
    wrapped onto a second line of the generation list, which read as the next generation's
    (30 blank cells for the missing answer before them). Now one line per generation, the
    flags whole at 80 columns and cut with a mark at 60."""
    from tests.app.test_screens import screen_text

    data = tmp_path / "evals.jsonl"
    loop = "Let me think. " + "I keep going around in circles here again. " * 200
    gens = [loop, "so \\boxed{1}", loop, "so \\boxed{3}"]
    data.write_text(
        "".join(
            json.dumps({"prompt": "Problem 0?", "gen": g, "answer": "0", "accuracy": i % 3 == 0})
            + "\n"
            for i, g in enumerate(gens)
        )
    )
    app = make_app(data)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        options = app.screen.query_one("#generations", OptionList)
        assert options.option_count == 4
        flags = "⚠ no final answer, hit length cap, repetition loop"
        lines = screen_text(app).splitlines()
        listed = [line for line in lines if re.search(r"#\d +[✓✗]", line)]
        assert len(listed) >= 3, lines  # one line each: the first three fit in the list
        assert [line.split("#")[1][0] for line in listed] == ["0", "1", "2", "3"][: len(listed)]
        if size[0] == 80:
            assert flags in listed[0] and flags in listed[2], listed
        else:
            assert "⚠ no final answer, hit" in listed[0] and "…" in listed[0], listed


async def test_continuous_scores_keep_the_generation_lengths_in_one_column(
    tmp_path: Path, make_app: Any
) -> None:
    """Rewards from -1 to 1 (no threshold, so each generation shows its score): "#2   0.5"
    pushed its length two cells right of "#0   1"'s, the list's columns zigzagging. Now the
    scores are right-aligned to the widest and every " tok" is in one column."""
    data = tmp_path / "evals.jsonl"
    scores = [1.0, 0.0, 0.5, -1.0, 0.25, -0.75]
    data.write_text(
        "".join(
            json.dumps({"prompt": "Q?", "gen": f"so \\boxed{{{i}}}", "answer": "1", "accuracy": s})
            + "\n"
            for i, s in enumerate(scores)
        )
    )
    app = make_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        options = app.screen.query_one("#generations", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(labels) == len(scores)
        assert len({label.index(" tok") for label in labels}) == 1, labels
        assert [label.split()[1] for label in labels] == ["1", "0", "0.5", "-1", "0.25", "-0.75"]


LONG_RUNS = (
    "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B-2025-01-20T12-33-01.123456",
    "meta-llama__Llama-3.3-70B-Instruct-2025-02-01T09-00-00",
    "Qwen__Qwen2.5-Math-72B-Instruct",
)


@pytest.mark.parametrize(("runs", "width"), [(3, 80), (2, 80), (2, 120), (3, 200)])
async def test_header_with_long_run_labels_fits_the_width(
    tmp_path: Path, make_app: Any, runs: int, width: int
) -> None:
    # Three runs named as real model folders are: at 80 columns the third run's accuracy and the
    # bad-line count fell off the header line. Now every run's accuracy fits (labels cut to fit)
    # or, when labels would be too short to tell runs apart, their range; the bad lines always show.
    root = tmp_path / "long"
    evals = write_evals(tmp_path / "base")
    for name in LONG_RUNS[:runs]:
        (root / name).mkdir(parents=True)
        lines = (evals / "model_a" / "samples.jsonl").read_text(encoding="utf-8")
        (root / name / "samples.jsonl").write_text(lines, encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        line = app.screen.query_one("#summary", Static).render_line(0).text
        assert f"bad lines {runs}" in line, line
        if width == 200:
            # Room for whole labels up to 40 cells (they were cut at 20 at any width); cut, an
            # lm-eval folder's org (``deepseek-ai__``) is left out first, as an ``org/`` is.
            # (app42: whole words, the size kept: '…DeepSeek-R1-Disti…' read a word 'Disti')
            assert (
                "accuracy Qwen__Qwen2.5-Math-72B-Instruct 0.417 / …DeepSeek-R1-Distill-Qwen-32B…"
                " 0.417 / …Llama-3.3-70B-Instruct-2025-02… 0.417 · generations 72 · bad lines 3"
            ) in line, line
        elif width == 120:
            # Labels cut in the middle to fit, every run's accuracy and the bad lines on the line,
            # the parts left off counted (it ended with a bare "…"): the generation count gives
            # way before the labels are cut under 12 cells ("…Dee…123456").
            # (app40: a cut ends at a word's start, so the size stays whole: ``…70B…``; app42:
            # two models read by their family and size, the generation count kept)
            assert "accuracy …Qwen-32B… 0.417 / …Llama…70B… 0.417 · generations 48 · bad" in line
            assert line.endswith("bad lines 2 · +4 (t)"), line
        else:
            assert "accuracy 0.417 (t) · bad lines" in line, line  # one value, not 0.417–0.417


async def test_header_of_runs_with_different_prompt_counts_keeps_its_counts(
    tmp_path: Path, make_app: Any
) -> None:
    # As three published Inspect logs load (runs of 1, 4 and 6 prompts, 33 errored samples): at
    # 80 columns the line ended "… accuracy 0.000–0.221 by run (t) · bad lines", the count cut off.
    for name, prompts in zip(LONG_RUNS, (1, 4, 6), strict=True):
        lines = [
            json.dumps({"prompt": f"q{p}", "gen": "x", "answer": "1", "accuracy": p % 2})
            for p in range(prompts)
        ]
        if prompts == 6:
            lines += ["{not json"] * 33
        (tmp_path / name).mkdir()
        (tmp_path / name / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = app.screen.query_one("#summary", Static).render_line(0).text
        assert line.startswith("runs 3 · prompts 1–6 · accuracy 0.000–0.500 (t) · "), line
        assert "bad lines 33 ·" in line, line
        # Wider, each run's accuracy comes back, its label read by model and size (app42: this
        # read 'Qwen…uct 0.500 / deep…456 0.000 / meta…-00 0.500', the prompts per run before
        # them; they give way first, the summary (t) has them).
        await pilot.resize_terminal(120, 24)
        await settle(pilot)
        line = app.screen.query_one("#summary", Static).render_line(0).text
        assert re.search(r"accuracy …Math-72B… 0.500 / …Qwen-32B… 0.000 / …Llama…70B… 0.500", line)
        assert "bad lines 33" in line, line


async def test_header_takes_a_second_line_to_keep_the_bad_line_count(
    tmp_path: Path, make_app: Any
) -> None:
    # As all of the published files load at once (15 runs, unscored generations, 33 bad lines,
    # notes): even the shortest spelling left "bad lines" without its count at 80 columns.
    for index in range(15):
        lines = [
            json.dumps(
                {"prompt": f"q{p}", "gen": "x", "answer": "1"}
                | ({"accuracy": p % 2} if index else {})
            )
            for p in range(index + 1 if index else 100)
        ]
        if index == 14:
            lines += ["{not json"] * 33
        folder = tmp_path / f"{LONG_RUNS[index % 3]}-{index}"
        folder.mkdir()
        (folder / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        summary = app.screen.query_one("#summary", Static)
        first, second = (summary.render_line(y).text.rstrip() for y in (0, 1))
        assert first.startswith(
            "runs 15 · prompts 2–100 · accuracy 0.333–0.500 (t) · unscored 100"
        ), first
        # the unscored run's file names the score fields looked for: a note
        assert second.startswith("bad lines 33 · notes 1 (b) · generations 219"), second
        assert summary.size.height == 2
        # Narrower, the counts lead the second line (they were cut off after "unscored …").
        for width in (60, 50, 40):
            await pilot.resize_terminal(width, 24)
            await settle(pilot)
            second = summary.render_line(1).text
            assert second.startswith("bad lines 33 · "), (width, second)
        # Wide enough for the counts on one line: one line again.
        await pilot.resize_terminal(200, 24)
        await settle(pilot)
        assert "bad lines 33" in summary.render_line(0).text and summary.size.height == 1


async def test_keys_typed_at_once_open_the_row_they_move_to(evals: Path, make_app: Any) -> None:
    """ "down down enter" arriving in one read (typed fast, pasted, or sent by tmux) opened the
    first prompt and dropped the arrows: enter was a priority binding, run as the key arrived,
    ahead of the arrows the table had not handled yet."""
    from textual import events

    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.rows is not None
        third = app.rows.row(2, named=True)
        for key, character in (("down", None), ("down", None), ("enter", "\r")):
            app.post_message(events.Key(key, character))  # one burst, as the driver posts them
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert (app.screen.run, app.screen.prompt_id) == (third["run"], third["prompt_id"])


async def test_keys_typed_at_once_after_enter_go_to_the_prompt_opened(
    evals: Path, make_app: Any
) -> None:
    """ "enter . w" arriving in one read (tmux send-keys, a fast typist) opened the first prompt
    and dropped ". w": the table's enter posted CellSelected, the prompt opened after the keys
    behind it had gone to the table's screen. Found in tmux on sample data: ``Enter j j . w``
    showed "prompt 1 of 121", every generation. Also in the compare screen."""
    from textual import events

    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.rows is not None
        second = app.rows.row(1, named=True)
        for key, character in (("enter", "\r"), ("full_stop", "."), ("w", "w")):
            app.post_message(events.Key(key, character))  # one burst, as the driver posts them
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert (app.screen.run, app.screen.prompt_id) == (second["run"], second["prompt_id"])
        assert app.screen.position == 1 and app.screen.only == "wrong"
        # The compare screen's enter, likewise.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert type(app.screen).__name__ == "CompareScreen"
        for key, character in (("enter", "\r"), ("full_stop", ".")):
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen) and app.screen.position == 1


async def test_export_never_overwrites_a_file_of_the_load(evals: Path, make_app: Any) -> None:
    """The export dialog named a loaded eval file "exists: press Export again to overwrite it",
    and a second press replaced the user's samples with the view's combined JSON."""
    app = make_app(evals)
    source = evals / "model_a" / "samples.jsonl"
    before = source.read_bytes()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        # Spelled another way than the load's path: it is still the same file.
        other_spelling = evals / "model_b" / ".." / "model_a" / "samples.jsonl"
        app.screen.query_one("#export-path", Input).value = str(other_spelling)
        for _ in range(2):
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ExportScreen)
            message = static_text(app, "#export-message")
            assert "a file of this load: writing there would destroy it" in message
            assert "press Export again" not in message
    assert source.read_bytes() == before


async def test_esc_while_an_export_is_written_says_it_goes_on(
    evals: Path, make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc (Cancel) while the file was being written closed the dialog saying nothing: the file
    was still written, and its "exported" line never came. A second ctrl+s started a second
    write of the same file."""
    import threading

    import evaltui.app.screens.export as export_screen

    release = threading.Event()
    calls: list[Path] = []
    real = export_screen.export_view

    def slow(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[4])
        assert release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(export_screen, "export_view", slow)
    target = tmp_path / "view.json"
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")  # again, while writing: not a second write
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert static_text(app, "#export-message").startswith("still writing")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        said = [n.message for n in app._notifications]
        assert any(m.startswith(f"still writing {target}") for m in said), said
        release.set()
        # (the write's worker left with the dialog: a settle does not wait for it)
        await wait_until(pilot, lambda: any(n.title == "exported" for n in app._notifications))
        said = [n.message for n in app._notifications]
        # (the path on lines of its own, broken at its folders, where it is longer than the toast)
        assert any(m.startswith("wrote ") and m.endswith(target.name) for m in said), said
        assert calls == [target] and target.exists()


@pytest.mark.parametrize(("key", "box"), [("e", "#export-path"), ("R", "#rescore-module")])
async def test_text_typed_right_after_tab_in_a_dialog_lands_in_the_box(
    evals: Path, make_app: Any, key: str, box: str
) -> None:
    """In the export (and re-score) dialog, tab and a path arriving in one read (tmux send-keys,
    a paste, a fast typist) lost the path's start, or all of it: the characters went to the
    radio buttons tab was leaving, because tab moved the focus only once they had handled it.
    A path of the load's folder lost its start and the export went to another folder."""
    from textual import events

    names = {"/": "slash", ".": "full_stop", ":": "colon", "_": "underscore"}
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        text = "/tmp/some_folder/view.json" if key == "e" else "my_scorers.py:grade"
        # (the box's text is selected as tab focuses it: typing replaces the default path)
        burst = [("tab", None)] + [(names.get(c, c), c) for c in text]
        for name, character in burst:  # one burst, as the driver posts them
            app.post_message(events.Key(name, character))
        await settle(pilot)
        assert app.screen.query_one(box, Input).value == text


async def test_a_path_typed_without_tab_in_the_export_dialog_lands_in_the_box(
    evals: Path, make_app: Any, tmp_path: Path
) -> None:
    """The export dialog opens with the focus on the kind list: a path typed at once (no Tab)
    went nowhere, and ctrl+s wrote to the default path. It lands in the path box now, in one
    burst too, replacing the default; the kind list still takes its own keys."""
    from textual import events

    names = {"/": "slash", ".": "full_stop", "_": "underscore", "-": "minus"}
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        await pilot.press("down", "enter")  # the kind list has the focus: records
        await settle(pilot)
        assert screen.kind() == "records"
        target = tmp_path / "typed-at-once" / "view_records.jsonl"
        for character in str(target):  # one burst, as the driver posts them
            app.post_message(events.Key(names.get(character, character), character))
        await settle(pilot)
        assert screen.query_one("#export-path", Input).value == str(target)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert target.is_file() and not (Path.cwd() / "evaltui_view.jsonl").exists()
        # Typed key by key (a person), with a space; then pasted.
        for path in (tmp_path / "my exports" / "v.json", tmp_path / "pasted" / "p.json"):
            await pilot.press("e")
            await settle(pilot)
            if path.parent.name == "pasted":
                app.screen.post_message(events.Paste(str(path)))
            else:
                await pilot.press(*[names.get(c, "space" if c == " " else c) for c in str(path)])
            await settle(pilot)
            assert app.screen.query_one("#export-path", Input).value == str(path)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert path.is_file(), path


async def test_a_path_with_spaces_typed_in_one_burst_keeps_its_spaces(
    evals: Path, make_app: Any, tmp_path: Path
) -> None:
    """`e`, then a path with spaces in one burst (tmux send-keys of the whole path, a fast
    typist): every key was handed to the kind list, the first one moved the focus to the path
    box, and the spaces were dropped on the way ("a b/my out.json" written as "ab/myout.json").
    Each key lands in the box, in order; enter at the end of the burst writes the file. A space
    while the kind list has the focus still picks a kind."""
    from textual import events

    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        await pilot.press("down", "space")  # space on the kind list: records
        await settle(pilot)
        assert screen.kind() == "records"
        typed = "a b/my out.jsonl"
        keys = [
            ("space" if c == " " else "slash" if c == "/" else "full_stop" if c == "." else c, c)
            for c in typed
        ]
        assert app._driver is not None
        for key, character in [*keys, ("enter", "\r")]:  # one burst, as the driver sends them
            app._driver.send_message(events.Key(key, character))
        await settle(pilot)
        assert isinstance(app.screen, MainScreen), screen.query_one("#export-path", Input).value
        assert (tmp_path / "a b" / "my out.jsonl").is_file()
        assert not (tmp_path / "ab").exists()


async def test_the_exported_line_counts_what_the_dialog_said_it_would_write(
    evals: Path, make_app: Any, tmp_path: Path
) -> None:
    """Two runs: the dialog said "13 rows (run × prompt)", the exported line "wrote 52 records
    of 13 prompts" (some prompts counted twice, once per run). Both count rows now, and the
    exported line names the file."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.rows is not None and app.result is not None
        rows, records = app.rows.height, app.result.generations.height  # one generation a line
        assert app.rows["run"].n_unique() == 2
        for kind, name, written in (
            ("records", "r.jsonl", f"{records} records of "),
            ("csv", "s.csv", ""),
        ):
            await pilot.press("e")
            screen = app.screen
            assert isinstance(screen, ExportScreen)
            title = str(screen.query_one("#export-title", Label).render())
            assert f"({rows} rows (run × prompt) ·" in title, title
            screen.query_one(f"#kind-{kind}").value = True  # type: ignore[attr-defined]
            await pilot.pause()
            screen.query_one("#export-path", Input).value = str(tmp_path / name)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
            said = [n.message for n in app._notifications]
            expected = f"wrote {written}{rows} rows (run × prompt) to"
            # (the path on lines of its own, broken at its folders: longer than the toast)
            assert any(m.startswith(expected) and m.endswith(name) for m in said), said
        assert len((tmp_path / "r.jsonl").read_text().splitlines()) == records
        assert pl.read_csv(tmp_path / "s.csv").height == rows


async def test_enter_on_an_invalid_filter_keeps_the_keys_in_the_filter_box(
    evals: Path, make_app: Any
) -> None:
    """Enter on a filter that does not parse said why, and gave the keys to the table: the
    correction typed next ran as commands (its 'q' quit the app, 'n' filtered)."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *'prompt ~ "[', "enter")
        await settle(pilot)
        box = app.screen.query_one("#filter", Input)
        assert "unterminated string" in static_text(app, "#filter-error")
        assert box.has_focus
        await pilot.press("backspace", *'Problem 1" and n_correct >= 0', "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.is_running
        assert box.value == 'prompt ~ "Problem 1" and n_correct >= 0'
        assert app.rows is not None and set(app.rows["prompt"].str.slice(0, 9)) == {"Problem 1"}
        assert not box.has_focus  # a valid filter: the table has the keys again
        assert not app.screen.query_one("#filter-error", Static).display
        # A bad regex is caught while parsing too; esc leaves the box as always.
        await pilot.press("slash", "ctrl+u", *"prompt ~ '('", "enter")
        await settle(pilot)
        assert "invalid regex" in static_text(app, "#filter-error") and box.has_focus
        await pilot.press("escape")
        assert not box.has_focus


#: Filters the README documents (names on screen, combined-JSON keys, aliases) and malformed
#: ones: `export --where` and the app's filter bar read them alike.
SAME_FILTERS = [
    "accuracy < 0.5 and max_len > 0",
    "average_accuracy < 0.5 and max_gen_length > 0",
    "n >= 2 and not (correct == 0)",
    '`max len` > 0 and mean_score >= 0 and id ~ "a"',
    'answer in ["12", "42"] or prompt ~ "Problem"',
    "answer == 42",
    "accuracy <",
    "bogus > 1",
    "(accuracy < 0.5",
    'prompt ~ "("',
    'accuracy ~ "x"',
]


async def test_the_filter_bar_and_export_where_give_the_same_rows_and_error_text(
    evals: Path, make_app: Any, word_tokenizer: Path, tmp_path: Path
) -> None:
    """The app said "✗ unknown column 'bogus' at column 1", `export --where` said "unknown
    column 'bogus'" and a caret: the same error now reads the same in both (and
    `answer == 42` says to quote the 42: answers are text)."""
    import contextlib
    import io

    from evaltui.cli import main

    said: dict[str, str] = {}
    for number, where in enumerate(SAME_FILTERS):
        err = io.StringIO()
        out = tmp_path / f"w{number}.json"
        with contextlib.redirect_stderr(err):
            code = main(
                [
                    "export",
                    str(evals),
                    "--where",
                    where,
                    "-o",
                    str(out),
                    "-q",
                    "--model",
                    str(word_tokenizer),
                    "--cache-dir",
                    str(tmp_path / "cache"),
                ]
            )
        if code == 0:
            said[where] = f"{len(json.loads(out.read_text(encoding='utf-8')))} rows"
        else:
            line = err.getvalue().splitlines()[0]
            assert code == 2 and line.startswith("evaltui: error: --where: "), line
            said[where] = line.removeprefix("evaltui: error: --where: ")
    assert said["answer == 42"].startswith("cannot compare a text with a number (a text is")
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for where in SAME_FILTERS:
            await pilot.press("slash", "ctrl+u", *where, "enter")
            await settle(pilot)
            if said[where].endswith(" rows"):
                assert app.rows is not None and f"{app.rows.height} rows" == said[where]
                assert not app.screen.query_one("#filter-error", Static).display
            else:
                assert app.main.view_error is not None
                assert app.main.view_error[0] == f"✗ {said[where]}", where
                assert static_text(app, "#filter-error").startswith(f"✗ {said[where]}"[:60])
                await pilot.press("escape")


@pytest.mark.parametrize("where", ["table", "prompt"])
async def test_text_typed_right_after_slash_lands_in_the_box(
    evals: Path, make_app: Any, where: str
) -> None:
    """`/` and a filter arriving in one read (tmux send-keys, a paste, a fast typist) lost the
    filter's start: "/accuracy < 0.5" left "5" in the box, the characters before it went to
    the table as commands (a: always solved, c: clear, r: next run, …). The prompt screen's
    search lost its start the same way."""
    from textual import events

    names = {" ": "space", "<": "less_than_sign", ".": "full_stop", "\\": "backslash"}
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if where == "prompt":
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, PromptScreen)
        text = "accuracy < 0.5" if where == "table" else "step \\boxed"
        view = app.view
        burst = [("slash", "/")] + [(names.get(c, c), c) for c in text]
        for name, character in burst:  # one burst, as the driver posts them
            app.post_message(events.Key(name, character))
        await settle(pilot)
        box = "#filter" if where == "table" else "#gen-search"
        assert app.screen.query_one(box, Input).value == text
        if where == "table":
            assert app.view.quick == view.quick and app.view.run == view.run  # no key was a command
        await pilot.press("slash")  # in the box, "/" is a character (a regex, a path)
        assert app.screen.query_one(box, Input).value == text + "/"

"""User journeys: the app driven as people drive it (issue 9), at 80×24 and 120×35, with long run
labels, several runs, keys arriving while data still loads, resizes and published files."""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rich.text import Text
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from evaltui.app.app import EvalApp
from evaltui.app.messages import LoadUpdated
from evaltui.app.screens.export import ExportScreen
from evaltui.app.screens.main import STOPPED, STOPPED_THEN_FOLLOWED, MainScreen
from evaltui.app.screens.problems import ProblemsScreen
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.formats import ReadOptions
from evaltui.data.loader import LoadOptions, load
from evaltui.data.rescore import RescoreOptions
from evaltui.data.sanitize import cell_width
from evaltui.data.schema import LoadError
from tests.app.conftest import problems_text, settle
from tests.app.test_follow_app import wait_until

SMALL = (80, 24)
LARGE = (120, 35)
LONG = "meta-llama/Meta-Llama-3.1-70B-Instruct"
FIXTURES = Path(__file__).parent.parent / "fixtures" / "app"


def text_of(app: EvalApp, selector: str) -> str:
    rendered = app.screen.query_one(selector, Static).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def main_screen(app: EvalApp) -> MainScreen:
    assert isinstance(app.main, MainScreen)
    return app.main


@pytest.fixture
def options(tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)

    def factory(label: str | None = None) -> LoadOptions:
        return LoadOptions(
            model=str(word_tokenizer), cache_dir=tmp_path / "cache", read=ReadOptions(label=label)
        )

    return factory


def hold_reads(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Holds the reading of each input file until the test sets the event (keys pressed before
    the files are read); the test sets it itself."""
    from evaltui.data import loader

    release = threading.Event()
    real = loader.read_input

    def slow(*args: Any, **kwargs: Any) -> Any:
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "read_input", slow)
    return release


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_enter_opens_the_row_of_a_long_run_label(
    evals: Path, options: Any, size: tuple[int, int]
) -> None:
    # The repro of issue 9: a label longer than the run column (25 characters) opened an empty
    # prompt screen, because the key was read back from the shortened cells.
    app = EvalApp([str(evals / "model_a")], options("exactly-25-chars-label-xy"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        assert (screen.run, screen.generations.height) == ("exactly-25-chars-label-xy", 4)
        assert "Problem 2" in text_of(app, "#prompt-text")
        # prompt 2 of run a: 2 of 4 correct; the reference is its answer
        assert "2/4 correct" in text_of(app, "#prompt-title")
        assert "reference: 4" in text_of(app, "#prompt-answer")


async def test_long_labels_are_cut_in_the_middle(evals: Path, options: Any) -> None:
    app = EvalApp([str(evals / "model_a")], options(LONG))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        table = main_screen(app).current_table()
        assert table is not None
        run_cell = str(table.get_row_at(0)[1])
        # Its family and size stay, its organisation left out first, then its suffix (a lone
        # run read 'meta-lla…nstruct', its org kept and its name cut; then '…Meta-L…Instruct',
        # its size gone).
        assert run_cell.startswith("…") and "Llama-3.1-70B" in run_cell, run_cell
        await pilot.press("enter")
        assert isinstance(app.screen, PromptScreen) and app.screen.run == LONG


async def test_cursor_keeps_its_prompt_through_refreshes_sorts_and_filters(
    evals: Path, options: Any
) -> None:
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        main.sort_by("max_gen_length", True)
        await settle(pilot)
        await pilot.press("down", "down", "down", "down", "right", "right", "right")
        await settle(pilot)
        key = main.cursor_key()
        assert key is not None and main.cursor_column() == "average_accuracy"
        full = app.result
        assert full is not None
        # A partial result (lengths not counted yet) re-sorts the rows: the cursor follows.
        partial = lengths_pending(evals)
        for result in (partial, full):
            app.show_load_result(result)
            await settle(pilot)
            assert main.cursor_key() == key
            assert main.cursor_column() == "average_accuracy"
            table = main.current_table()
            assert table is not None and table.has_focus
            assert table.scroll_y <= table.cursor_row < table.scroll_y + table.size.height - 1
        # A filter that drops the prompt: the row now at its place takes the cursor.
        index = main.current_table().cursor_row  # type: ignore[union-attr]
        last = app.rows.height - 2  # type: ignore[union-attr]  # after the filter
        run, prompt_id = key
        where = f'not (run == "{run}" and prompt_id == "{prompt_id}")'
        app.request_view(app.wanted.replace(where=where))
        await settle(pilot)
        assert main.current_table().cursor_row == min(index, last)  # type: ignore[union-attr]
        neighbour = main.cursor_key()
        assert neighbour != key and main.cursor_column() == "average_accuracy"
        await pilot.press("c")
        await settle(pilot)
        assert main.cursor_key() == neighbour and main.cursor_column() == "average_accuracy"


async def test_a_new_sort_or_filter_from_the_first_row_shows_the_top_of_the_new_order(
    tmp_path: Path, options: Any
) -> None:
    """A user who opened the app and sorted by accuracy at once (the cursor still on the first
    row) saw prompt 1 (accuracy 1.000) on the first line: the cursor kept its prompt, and the
    30 rows sorted before it were scrolled out above. A cursor the user moved still keeps its
    prompt."""
    from tests.conftest import write_jsonl

    records = [
        {
            "prompt": f"Problem {i}",
            "gen": f"answer {i}",
            "answer": "x",
            "accuracy": float(i % 3 != 1),
        }
        for i in range(90)
    ]
    data = write_jsonl(tmp_path / "evals" / "model" / "samples.jsonl", records).parent.parent
    app = EvalApp([str(data)], options())
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        main = main_screen(app)
        table = main.current_table()
        assert table is not None and table.cursor_row == 0
        assert main.cursor_key() == ("model", app.rows["prompt_id"][0])  # type: ignore[index]
        assert app.rows["average_accuracy"][0] == 1.0  # type: ignore[index]
        main.sort_by("average_accuracy", False)
        await settle(pilot)
        table = main.current_table()
        assert table is not None and app.rows is not None
        assert app.rows["average_accuracy"][0] == 0.0
        assert table.cursor_row == 0 and table.scroll_y == 0
        assert main.cursor_key() == ("model", app.rows["prompt_id"][0])
        # A filter from the first row: the top of the filtered rows too.
        app.request_view(app.wanted.replace(where='prompt ~ "Problem [5-8]"'))
        await settle(pilot)
        table = main.current_table()
        assert table is not None and table.cursor_row == 0 and table.scroll_y == 0
        # A cursor moved down keeps its prompt through the next sort.
        await pilot.press("down", "down", "down")
        await settle(pilot)
        key = main.cursor_key()
        main.sort_by("average_accuracy", True)
        await settle(pilot)
        assert main.cursor_key() == key
        assert main.current_table().cursor_row != 3  # type: ignore[union-attr]


async def test_keys_while_loading_are_commands(
    evals: Path, options: Any, gate: threading.Event
) -> None:
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        main = main_screen(app)
        assert "x" in app.screen.active_bindings  # something to stop
        # Before the table exists, keys are commands: nothing is typed into the filter box.
        await pilot.press("n", "s", "left_square_bracket", "e", "p")
        await pilot.pause()
        box = main.query_one("#filter", Input)
        assert box.value == "" and not box.has_focus and isinstance(app.screen, MainScreen)
        # "/" gives the filter the keys; an unfinished expression is still there after loading...
        await pilot.press("slash", *"accuracy <", "enter")
        await pilot.pause()
        assert box.value == "accuracy <" and not box.has_focus
        gate.set()
        await settle(pilot)
        # ...and never hides the table: it shows what else was asked (never solved), with the error.
        table = main.current_table()
        assert table is not None and table.has_focus
        # by hand: run a never solves prompts 0 and 5; run b solves one of 4 of each
        assert app.rows is not None and app.rows.height == 2
        assert set(app.rows["n_correct"].to_list()) == {0}
        assert "✗" in text_of(app, "#filter-error") and main.view_error is not None
        assert main.view_error[1] == "all prompts"
        assert "x" not in app.screen.active_bindings  # loading is over: no "Stop loading"
        # esc always gets back to the table.
        await pilot.press("slash", "escape")
        assert table.has_focus and not box.has_focus
        await pilot.press("slash", "ctrl+u", *"n_correct == 0", "enter")
        await settle(pilot)
        assert not main.query_one("#filter-error", Static).display


async def test_could_not_load_q_quits(tmp_path: Path, options: Any) -> None:
    app = EvalApp([str(tmp_path / "missing")], options())
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "Could not load" in text_of(app, "#failure")
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


async def test_messages_replace_each_other_and_the_palette_has_every_action(
    evals: Path, options: Any
) -> None:
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        await pilot.press("enter", *["comma"] * 5)
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["first prompt of the list"]
        await pilot.press("q")
        for query, check in (
            ("never solved", lambda: app.view.quick == "never"),
            (
                "sort by avg len",
                lambda: app.view.sort is not None and app.view.sort.column == "avg_gen_length",
            ),
            ("run model_b only", lambda: app.view.run == "model_b"),
            ("export", lambda: isinstance(app.screen, ExportScreen)),
        ):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*query)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)
            assert check(), query


async def test_one_number_format_per_column_and_header_names(evals: Path, options: Any) -> None:
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        table = main_screen(app).current_table()
        assert table is not None
        labels = [str(c.label) for c in table.ordered_columns]
        assert labels[:8] == [
            "prompt",
            "run",
            "n",
            "accuracy",
            "correct",
            "max len",
            "avg len",
            "med len",
        ]
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        accuracy = [str(r[3]).strip() for r in rows]
        assert {len(str(r[3])) for r in rows} == {len("accuracy")}  # right-aligned under it
        assert all(len(a) == 5 and a[1] == "." for a in accuracy)  # 0.250, 1.000, never 1
        assert "1.000" in accuracy and "0.250" in accuracy
        assert all(isinstance(r[6], int) for r in rows)  # avg_len: whole tokens


async def test_layout_at_80x24_and_widths_that_follow_resizes(evals: Path, options: Any) -> None:
    app = EvalApp([str(evals)], options(LONG))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert main.query_one("#summary").size.height == 1
        assert main.query_one("#filter").size.height == 1
        table = main.current_table()
        assert table is not None and table.size.height >= 19
        keys = {k.key: k.region for k in main.query(FooterKey)}
        for key in ("enter", "slash", "question_mark"):
            assert keys[key].right <= 80, key
        narrow = max(len(str(table.get_row_at(i)[0])) for i in range(table.row_count))
        await pilot.resize_terminal(*LARGE)
        # the view of the new width asked for (at the screen's resize: a settle under load
        # could end before, and read the table of 80 columns) and shown
        await wait_until(pilot, lambda: app.view_width == LARGE[0] and not app.view_computing)
        await settle(pilot)
        table = main.current_table()
        assert table is not None
        wide = max(len(str(table.get_row_at(i)[0])) for i in range(table.row_count))
        assert narrow >= 20 and wide > narrow  # at least 20; more when it saves a cut column


async def test_prompt_screen_position_search_marker_and_empty_state(
    tmp_path: Path, options: Any
) -> None:
    root = tmp_path / "data"
    root.mkdir()
    long_prompt = "\n".join(f"line {i} of a long prompt" for i in range(40))
    records = [
        {
            "prompt": long_prompt,
            "gen": "wait, the answer is \\boxed{1}",
            "answer": "1",
            "accuracy": 1,
        },
        {
            "prompt": long_prompt,
            "gen": "the answer is \\boxed{1} again",
            "answer": "1",
            "accuracy": 1,
        },
        {"prompt": "short one", "gen": "answer \\boxed{3}", "answer": "2", "accuracy": None},
        {"prompt": "third", "gen": "\\boxed{5}", "answer": "5", "accuracy": 0},
    ]
    (root / "s.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    app = EvalApp([str(root)], options())
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        assert text_of(app, "#prompt-title").startswith("prompt 1 of 3")
        await pilot.pause()
        assert screen.query_one("#prompt-more").display
        assert "more prompt lines" in text_of(app, "#prompt-more")
        await pilot.press("v")
        await pilot.pause()
        await pilot.pause()
        # Whole, its 40 lines are still more than the box (70% of 24 rows) holds: the marker
        # says so and J/K scroll them (it hid, and the rest was reachable by no key).
        assert text_of(app, "#prompt-more").endswith("more prompt lines (J/K scroll)")
        # Search inside the generation: both matches counted, the first shown.
        await pilot.press("slash", *"answer", "enter")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["match 1 of 1"]
        await pilot.press("escape")  # closes the search, stays on the prompt
        assert isinstance(app.screen, PromptScreen)
        # No wrong generation here: the list says so.
        await pilot.press("w")
        await pilot.pause()
        assert "No wrong generation" in text_of(app, "#generation-text")
        # The unscored generation: counted as unscored, not as 0/1 correct, and its vote explained.
        await pilot.press("w", "w", "full_stop")
        await pilot.pause()
        title = text_of(app, "#prompt-title")
        assert (
            title.startswith("prompt 2 of 3")
            and "unscored (1 generation)" in title
            and "correct" not in title
        )
        assert "unscored generations do not vote" in text_of(app, "#prompt-answer")


async def test_next_and_previous_follow_the_list_the_user_came_from(
    evals: Path, options: Any
) -> None:
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        keys = main_screen(app).view_keys().rows()
        chosen = [keys[5], keys[1], keys[9]]
        app.push_screen(PromptScreen(*chosen[0], keys=chosen))
        await pilot.pause()
        assert text_of(app, "#prompt-title").startswith("prompt 1 of 3")
        await pilot.press("full_stop")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        assert (screen.run, screen.prompt_id) == chosen[1]
        await pilot.press("full_stop", "full_stop")
        await pilot.pause()
        assert (screen.run, screen.prompt_id) == chosen[2]
        assert [n.message for n in app._notifications] == ["last prompt of the list"]


async def test_opening_and_walking_prompts_never_copies_the_view_to_python(
    tmp_path: Path, options: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter, `.` and `,` on a big view cost O(1) in its size: the view's columns are never turned
    into Python lists (a million-row view took ~2 s per enter) nor searched as one."""
    data = tmp_path / "many" / "run"
    data.mkdir(parents=True)
    prompts = 600
    lines = [
        json.dumps({"prompt": f"q{p}", "gen": f"\\boxed{{{p}}}", "answer": str(p), "accuracy": 1})
        for p in range(prompts)
    ]
    (data / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = EvalApp([str(data.parent)], options())
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        assert app.rows is not None and app.rows.height == prompts
        lists: list[int] = []
        to_list = pl.Series.to_list

        def counted(series: pl.Series, *args: Any, **kwargs: Any) -> list[Any]:
            lists.append(len(series))
            return to_list(series, *args, **kwargs)

        monkeypatch.setattr(pl.Series, "to_list", counted)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        rows = main_screen(app).shown_rows
        assert rows is not None
        assert (screen.run, screen.prompt_id) == tuple(rows.select("run", "prompt_id").row(2))
        assert text_of(app, "#prompt-title").startswith(f"prompt 3 of {prompts}")
        await pilot.press("full_stop", "full_stop", "comma")
        await pilot.pause()
        assert (screen.run, screen.prompt_id) == tuple(rows.select("run", "prompt_id").row(3))
        assert text_of(app, "#prompt-title").startswith(f"prompt 4 of {prompts}")
        number = str(screen.generations["prompt"][0]).removeprefix("q")
        assert screen.generations["gen"].to_list() == [f"\\boxed{{{number}}}"]
        assert max(lists, default=0) < prompts  # no column of the whole view became a list


async def test_bad_lines_in_order_and_whole(evals: Path, options: Any) -> None:
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert app.result is not None
        reason = "a long reason " + "x" * 150 + " END"
        app.result.errors[:] = [
            LoadError("b.jsonl", 1604, "late"),
            LoadError("a.jsonl", 9, reason),
            LoadError("b.jsonl", 1601, "early"),
            LoadError("b.jsonl", 1602, "middle"),
        ]
        await pilot.press("b")
        assert isinstance(app.screen, ProblemsScreen)
        shown = problems_text(app)
        order = [
            shown.index(s) for s in ("a.jsonl:9", "b.jsonl:1601", "b.jsonl:1602", "b.jsonl:1604")
        ]
        assert order == sorted(order)
        assert "END" in shown  # not cut at the screen width


async def test_bad_lines_opened_while_loading_fill_in(
    evals: Path, options: Any, gate: threading.Event
) -> None:
    """`b` pressed before the files are read: the screen said "still loading" for ever; it now
    shows what is known and fills in when the load ends."""
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        await wait_until(pilot, lambda: bool(app.screen.query("#problems")))
        assert problems_text(app) == "still loading: nothing read yet"
        gate.set()
        await settle(pilot)
        # The screen's next look (every 0.5 s) fills it in: waited for, not slept (a busy
        # machine's look came after a fixed 0.6 s pause).
        await wait_until(
            pilot, lambda: problems_text(app).startswith("2 bad lines (counted, not used)\n")
        )
        shown = problems_text(app)
        assert shown.startswith("2 bad lines (counted, not used)\n")
        assert "model_a/samples.jsonl:25: not valid JSON" in shown and "so far" not in shown


def test_a_mistyped_path_fails_before_the_app_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import evaltui.app.main
    from evaltui.cli import main

    def no_app(*_args: Any) -> int:
        raise AssertionError("the app started")

    monkeypatch.setattr(evaltui.app.main, "run_app", no_app)
    assert main([str(tmp_path / "evals-typo")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "evals-typo: no such file or directory" in err


async def test_partial_results_are_coalesced(
    evals: Path, options: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        main = main_screen(app)
        rebuilds: list[float] = []
        replace = main._replace_table

        def timed(*args: Any, **kwargs: Any) -> None:
            rebuilds.append(time.monotonic())
            replace(*args, **kwargs)

        monkeypatch.setattr(main, "_replace_table", timed)
        partial = lengths_pending(evals)
        app._next_refresh = 0.0
        for _ in range(10):  # each with its own Stats table, as the loader sends them
            app.post_message(LoadUpdated(dataclasses.replace(partial, stats=partial.stats.clone())))
        deadline = time.monotonic() + 60
        while len(rebuilds) < 2 and time.monotonic() < deadline:
            await pilot.pause(0.1)
        await pilot.pause(app.MIN_REFRESH + 0.5)  # and nothing more after the newest
        await settle(pilot)
        # Ten results in a burst: the first is shown, the newest of the rest once, no sooner than
        # MIN_REFRESH after it (the old code rebuilt the table for every one).
        assert len(rebuilds) == 2
        assert rebuilds[1] - rebuilds[0] >= app.MIN_REFRESH - 0.05


def lengths_pending(path: Path) -> Any:
    """A partial load result as the loader sends before tokenizing: every length still null."""
    result = load([str(path)], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations["gen_length"].null_count() == result.generations.height
    return dataclasses.replace(result, complete=False)


async def test_published_files_long_label_and_two_runs(tmp_path: Path, options: Any) -> None:
    # lm-evaluation-harness output whose run label is the model's long name.
    app = EvalApp([str(FIXTURES / "lm_eval_asdiv")], options())
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert app.rows is not None and app.rows.height == 50
        await pilot.press("down", "enter")
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        assert screen.run == "meta-llama/Meta-Llama-3-8B-Instruct"
        assert screen.generations.height == 1
        assert text_of(app, "#prompt-title").startswith("prompt 2 of 50")
    inspect = tmp_path / "inspect"
    inspect.mkdir()
    for log in FIXTURES.glob("*.eval"):
        shutil.copy(log, inspect)
    app = EvalApp([str(inspect)], options())
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        # Two logs of one task and model, one of them unscored: two runs, accuracy for the scored.
        header = text_of(app, "#summary")
        assert "runs 2 · prompts 10 per run" in header and "unscored 10" in header
        assert ":04-05:00 0.800" in header  # the scored run, its label cut in the middle
        await pilot.press("end", "enter")
        screen = app.screen
        assert isinstance(screen, PromptScreen) and screen.generations.height == 1
        assert screen.run == app.rows["run"][-1]  # type: ignore[index]
        assert text_of(app, "#prompt-title").startswith("prompt 20 of 20")


async def test_x_while_files_are_read_keeps_every_prompt_and_skips_lengths(
    tmp_path: Path, options: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`x` pressed before the files are read must not throw the prompts away: reading goes on
    (it is ~1% of a load) and tokenizing is skipped."""
    from tests.app.conftest import write_evals

    data = write_evals(tmp_path / "evals")
    release = hold_reads(monkeypatch)
    app = EvalApp([str(data)], options())
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause(0.3)
        await pilot.press("x")
        release.set()
        await settle(pilot)
        assert app.result is not None and app.result.cancelled
        assert app.result.stats.height == load([data], options()).stats.height == 13
        assert app.result.generations["gen_length"].null_count() == app.result.generations.height
        # said on the progress line (the header's "lengths incomplete" is left off at 80
        # columns, counted in its "+N more (t)")
        assert "token lengths are incomplete" in text_of(app, "#progress")
        # An export now writes no length: the dialog says so before anything is written (the
        # combined JSON came out with every length null, and nothing said why).
        from evaltui.app.screens.export import ExportScreen

        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        message = str(app.screen.query_one("#export-message", Static).render())
        assert message == "13 rows without token lengths: exported empty"  # two runs: rows
        out = tmp_path / "view.json"
        app.screen.query_one("#export-path", Input).value = str(out)
        await settle(pilot)
        assert "without token lengths" in str(
            app.screen.query_one("#export-message", Static).render()
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        rows = json.loads(out.read_text(encoding="utf-8"))
        assert len(rows) == 13 and all(r["max_gen_length"] is None for r in rows)
        # The length plot: none will come (it said "no lengths yet", as if still counting).
        from evaltui.app.screens.plot import PlotScreen

        await pilot.press("p")
        await settle(pilot)
        plot = app.screen
        assert isinstance(plot, PlotScreen) and plot.last is not None
        assert plot.last.title.endswith("no lengths: loading was stopped (x)"), plot.last.title


def test_the_prompt_column_takes_the_room_of_a_column_that_would_be_cut() -> None:
    """At 80 cells the columns after the prompt either fit whole or are left off screen: the
    prompt column grows by the room a half-shown column would have taken (issue: `16` for 1695)."""
    import polars as pl

    from evaltui.app.display import CELL_PADDING, TABLE_CHROME, display_frame
    from evaltui.data.loader import load

    stats = load([Path("sample_data")], LoadOptions(tokenize=False)).stats
    for fit in (80, 120, 200):
        plain = display_frame(stats, 20, 16)
        fitted = display_frame(stats, 20, 16, fit)
        widths = [
            max(len(name), int(fitted[name].cast(pl.String).str.len_chars().max() or 0))
            + CELL_PADDING
            for name in fitted.columns
        ]
        room = fit - TABLE_CHROME
        whole = [sum(widths[: i + 1]) for i in range(len(widths))]
        last = max(i for i, end in enumerate(whole) if end <= room)
        # The columns that fit end exactly at the edge, or every column fits.
        assert whole[last] == room or last == len(widths) - 1, (fit, whole)
        assert fitted["prompt"].str.len_chars().min() >= 20
        assert fitted.drop("prompt").equals(plain.drop("prompt"))


@pytest.mark.parametrize("size", [SMALL, (200, 30)])
async def test_chinese_prompts_leave_the_other_columns_on_screen(
    options: Any, size: tuple[int, int]
) -> None:
    """OpenCompass's published Chinese prompts: a prompt cut at N characters took 2N cells, so
    at 200 cells the table showed only the prompt and at 80 the last column read `corre`. The
    columns the table measures (as Rich counts cells) end exactly at its edge, or all fit."""
    data = Path(__file__).parent.parent / "fixtures" / "real_world" / "opencompass"
    app = EvalApp([str(data)], options())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = main_screen(app).current_table()
        assert table is not None and table.row_count > 0
        assert (
            app.rows is not None and app.rows["prompt"].str.contains("[\u4e00-\u9fff]").sum() > 10
        )
        widths = [column.render_width for column in table.ordered_columns]
        room = table.scrollable_content_region.width
        ends = [sum(widths[: i + 1]) for i in range(len(widths))]
        assert ends[1] <= room  # at least the prompt and the run are whole on screen
        whole = [end for end in ends if end <= room]
        assert whole[-1] >= room - 1 or len(whole) == len(ends), (room, ends)


async def test_r_and_sort_keys_before_the_runs_are_read_say_why_they_wait(
    evals: Path, options: Any, gate: threading.Event
) -> None:
    """r pressed while the files were still read said "only one run is loaded" of two runs;
    [ said nothing (s says why it waits)."""
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said == [
            "still reading the files: r cycles through the runs once the prompts are shown"
            " (press it again then)"
        ], said
        app.clear_notifications()
        await pilot.press("left_square_bracket")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said == [
            "still reading the files: [ and ] sort once the prompts are shown (press it again then)"
        ], said
        gate.set()
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.view.run == "model_a"


async def test_d_during_a_load_started_with_rescore_says_the_rescore_is_to_come(
    evals: Path, options: Any, gate: threading.Event
) -> None:
    """d pressed while the files of `evaltui PATH --rescore exact` were still read said "nothing
    was re-scored: R re-scores …", though the re-score was asked for and starts once loaded."""
    app = EvalApp([str(evals)], options(), rescore=RescoreOptions("exact", use_cache=False))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said == ["re-scores with exact once the files are read: d works when it is done"]
        gate.set()
        await settle(pilot)
        for _ in range(100):  # the re-score's worker
            shown = app.result
            if not app.rescoring and shown is not None and "n_flipped" in shown.stats.columns:
                break
            await pilot.pause(0.05)
        app.clear_notifications()
        await pilot.press("d")
        await settle(pilot)
        assert not app._notifications, [n.message for n in app._notifications]
        assert app.view.quick == "disagree"


async def test_keys_for_screens_before_the_prompts_are_in_say_why_they_wait(
    evals: Path, options: Any, gate: threading.Event
) -> None:
    """t, p, e, m, s and enter pressed while the files are still read did nothing, silently."""
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        for key, what in [
            ("t", "the summary opens"),
            ("p", "the plots open"),
            ("e", "export opens"),
            ("m", "compare opens"),
            ("s", "sorting opens"),
            ("enter", "a prompt opens"),
        ]:
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            said = [n.message for n in app._notifications]
            assert (
                f"still reading the files: {what} once the prompts are shown (press it again then)"
                in said
            ), said
        gate.set()
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert not isinstance(app.screen, MainScreen)  # once the prompts are in, t opens it


async def test_still_reading_toast_goes_when_the_prompts_appear(
    evals: Path, options: Any, gate: threading.Event
) -> None:
    """ "still reading the files: … (press it again then)" stayed up over the table for its
    full time after the prompts appeared; other notifications stay."""
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        app.notify("a warning of its own", severity="warning")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        waiting = "still reading the files: the summary opens once the prompts are shown"
        assert any(m.startswith(waiting) for m in said), said
        gate.set()
        await settle(pilot)
        assert app.rows is not None and app.rows.height
        said = [n.message for n in app._notifications]
        assert said == ["a warning of its own"], said


def one_record_run(tmp_path: Path, prompt: str) -> Path:
    """A run folder of one correct generation of ``prompt``."""
    record = {"prompt": prompt, "gen": "\\boxed{1}", "answer": "1", "accuracy": 1}
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "s.jsonl").write_text(json.dumps(record) + "\n")
    return tmp_path / "run"


@pytest.mark.parametrize(
    ("lines", "said"), [(6, "▼ 1 more prompt line "), (8, "▼ 3 more prompt lines ")]
)
async def test_the_cut_prompts_line_count_is_in_the_right_number(
    tmp_path: Path, make_app: Any, lines: int, said: str
) -> None:
    """A prompt one line longer than its box said "▼ 1 more prompt lines"."""
    prompt = "\n".join(f"line {i}" for i in range(lines))
    app = make_app(one_record_run(tmp_path, prompt))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert text_of(app, "#prompt-more").startswith(said)


async def test_copy_with_no_generation_shown_says_so(tmp_path: Path, make_app: Any) -> None:
    """y with no generation listed (w: only wrong ones, none wrong) did nothing, saying nothing."""
    app = make_app(one_record_run(tmp_path, "p"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen) and app.screen.generations.height == 0
        await pilot.press("y")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["no generation to copy"]


async def test_x_again_counts_the_lengths_x_stopped_and_keeps_the_table_meanwhile(
    tmp_path: Path, options: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once `x` stopped the token lengths, nothing brought them back but reopening the app (and
    F said "reopen to follow"). `x` again counts them: the table stays as it is, the cursor on
    its prompt, until the load is done; then every length is there."""
    from tests.app.conftest import write_evals

    data = write_evals(tmp_path / "evals")
    release = hold_reads(monkeypatch)
    app = EvalApp([str(data)], options())
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause(0.3)
        await pilot.press("x")
        release.set()
        await settle(pilot)
        assert app.result is not None and app.result.cancelled
        assert app.result.generations["gen_length"].null_count() == app.result.generations.height
        assert "x counts the rest" in text_of(app, "#progress")
        footer = {key.key: key.description for key in app.screen.query(FooterKey)}
        assert footer.get("x") == "Count lengths"
        table = main_screen(app).current_table()
        assert table is not None
        table.focus()
        await pilot.press("down", "down", "down")
        key = main_screen(app).cursor_key()
        assert key is not None

        release.clear()  # the files are read again slowly: the table must stay meanwhile
        await pilot.press("x")
        await pilot.pause(0.5)
        assert app.loading and app.rows is not None and app.rows.height == 13
        assert main_screen(app).cursor_key() == key
        release.set()
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert not app.loading and app.result.complete and not app.result.cancelled
        assert app.result.generations["gen_length"].null_count() == 0
        assert app.result.stats.equals(load([data], options()).stats)
        assert main_screen(app).cursor_key() == key
        footer = {key.key: key.description for key in app.screen.query(FooterKey)}
        assert "x" not in footer  # nothing to stop or count now


async def test_f_then_x_while_loading_says_the_inputs_are_not_followed(
    tmp_path: Path, options: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F pressed while the files were read ("following the inputs: new lines … appear"), then x:
    the load stopped and nothing was followed, without a word; the next F said "stopped
    following the inputs" (it had never followed), and only the F after it told why. Now the
    app says, when the stopped load ends, that the inputs are not followed and what to do; the
    next F tells the same, and a line appended is not read."""
    from tests.app.conftest import write_evals

    data = write_evals(tmp_path / "evals")
    release = hold_reads(monkeypatch)
    app = EvalApp([str(data)], options())
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause(0.3)
        await pilot.press("F", "x")
        release.set()
        await settle(pilot)
        assert app.result is not None and app.result.cancelled
        said = [n.message for n in app._notifications]  # (one shown: it replaced "following…")
        assert said == [
            "loading was stopped, so the inputs are not followed yet: x counts the token "
            "lengths left, then they are followed (F: not then)"
        ]
        assert not app.following.is_set()
        # The stopped load's line says so too, once the toast has gone.
        assert text_of(app, "#progress") == STOPPED_THEN_FOLLOWED
        await pilot.press("F")  # not then
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert "the inputs will not be followed once the token lengths are counted" in said
        assert "stopped following the inputs" not in said
        assert text_of(app, "#progress") == STOPPED
        await pilot.press("F")  # then after all
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any(text.startswith("loading was stopped, so there is nothing") for text in said)
        assert not app.following.is_set() and app.follow_after_count
        assert text_of(app, "#progress") == STOPPED_THEN_FOLLOWED


async def test_follow_asked_before_x_starts_once_x_again_has_counted_the_lengths(
    tmp_path: Path, options: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--follow, and x while the files were read (to see the table sooner): following ended
    with the load ('… not followed: x counts the token lengths left, then F follows'), and
    after x again had counted them the inputs were still not followed until F, which the user
    had asked for on the command line. It starts by itself once the count is done: a line
    appended then is read."""
    from tests.app.conftest import write_evals

    data = write_evals(tmp_path / "evals")
    release = hold_reads(monkeypatch)
    app = EvalApp([str(data)], options(), follow=True)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause(0.3)
        await pilot.press("x")
        release.set()
        await settle(pilot)
        assert app.result is not None and app.result.cancelled
        assert not app.following.is_set()
        assert text_of(app, "#progress") == STOPPED_THEN_FOLLOWED  # (--follow's, as the toast)
        assert cell_width(STOPPED_THEN_FOLLOWED) <= 78

        await pilot.press("x")  # count the lengths left
        deadline = time.monotonic() + 30
        while not app.following.is_set() and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert app.result is not None and app.result.complete and not app.result.cancelled
        assert app.following.is_set()
        said = [n.message for n in app._notifications]
        assert any(text.startswith("token lengths counted: following the inputs") for text in said)

        record = {"prompt": "Problem 9: new", "gen": "\\boxed{18}", "answer": "18", "accuracy": 1}
        with (data / "model_a" / "samples.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            app.rows is None or "Problem 9: new" not in app.rows["prompt"].to_list()
        ):
            await pilot.pause(0.2)
        assert app.rows is not None and "Problem 9: new" in app.rows["prompt"].to_list()
        await pilot.press("F")


async def test_keys_in_a_burst_while_loading_leave_one_message_not_a_stack(
    evals: Path, options: Any, gate: threading.Event
) -> None:
    """s t m e p typed while the files were read (tmux, a fast typist: the keys reach a busy
    app together) stacked five toasts "still reading the files: …" over the screen: the
    message that replaces the others was added only once the app got to it, after them all."""
    app = EvalApp([str(evals)], options())
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.pause(0.2)
        main = main_screen(app)
        # One after another before the app handles the messages they post, as a burst of keys.
        for action in ("sort_menu", "summary", "compare", "export", "plot"):
            getattr(main, f"action_{action}")()
        await pilot.pause(0.3)
        said = [n.message for n in app._notifications]
        assert said == [
            "still reading the files: the plots open once the prompts are shown (press it again then)"
        ]
        gate.set()
        await settle(pilot)


async def test_keys_typed_ahead_wait_for_the_table_in_order_and_x_acts_at_once(
    tmp_path: Path, options: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys typed before the app took the terminal (the driver calls hold_typed_ahead) and the
    keys after them wait for the table, then act in the order typed: s, Down, Enter sort by the
    second column. Each said 'still reading the files: … (press it again then)', taken down as
    the table came, and nothing opened. x, which stops the load, acts at once (no key waits
    before it)."""
    from tests.app.conftest import write_evals

    data = write_evals(tmp_path / "evals")
    release = hold_reads(monkeypatch)
    app = EvalApp([str(data)], options())
    app.hold_typed_ahead()  # as TypeaheadDriver does, before the app is mounted
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert app.stop_lengths.is_set()  # at once
        await pilot.press("s", "down", "enter")
        await pilot.pause(0.2)
        assert app.rows is None and len(app.screen_stack) == 2  # nothing opened yet
        said = [n.message for n in app._notifications]  # nor said 'still reading'
        assert said == ["token lengths will be skipped: the files are read first"], said
        release.set()
        await settle(pilot)
        assert app.rows is not None and app.held_keys is None
        assert app.view.sort is not None and app.view.sort.column == "run"
        assert len(app.screen_stack) == 2  # the sort menu opened and closed
        said = [n.message for n in app._notifications]
        assert not any(m.startswith("still reading") for m in said), said


FILTER_WITH_Q_AND_X = 'max_len > 0 and prompt !~ "quit"'


@pytest.mark.parametrize("keys", [("slash", *FILTER_WITH_Q_AND_X, "enter"), ("question_mark", "q")])
async def test_q_and_x_after_a_key_typed_ahead_wait_with_it(
    tmp_path: Path, options: Any, monkeypatch: pytest.MonkeyPatch, keys: tuple[str, ...]
) -> None:
    """q quits and x stops the load at once, but after a key that waits for the table they
    are meant for what it opens: a filter typed ahead (tmux, 80x24: '/prompt ~ "quad"' and
    Enter right after the command) quit the app at its q; '/max_len > 8000' stopped the load
    at its x and was applied as 'ma_len > 8000'; '?' then 'q' quit instead of closing the help.
    They wait with the keys before them, in order."""
    from tests.app.conftest import write_evals

    data = write_evals(tmp_path / "evals")
    release = hold_reads(monkeypatch)
    app = EvalApp([str(data)], options())
    app.hold_typed_ahead()  # as TypeaheadDriver does, before the app is mounted
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press(*keys)
        await pilot.pause(0.2)
        assert app.is_running and not app.stop_lengths.is_set()
        release.set()
        await settle(pilot)
        assert app.is_running and app.held_keys is None and app.rows is not None
        assert isinstance(app.screen, MainScreen)  # the help, if opened, closed by its q
        if keys[0] == "slash":
            assert app.view.where == FILTER_WITH_Q_AND_X
            assert app.rows.height == 13  # every row (run × prompt): none is empty or 'quit'
            assert not app.stop_lengths.is_set()


@pytest.mark.parametrize("leave", ["enter", "escape"])
async def test_a_key_typed_ahead_after_leaving_the_filter_box_goes_to_the_table(
    tmp_path: Path, options: Any, monkeypatch: pytest.MonkeyPatch, leave: str
) -> None:
    """'/accuracy < 0.5', Enter, 'j', Enter typed ahead (tmux, 80x24): the held keys were
    handed over in one burst, and the box, which the Enter leaves in the screen's handler a
    few messages later, took the j ('accuracy < 0.5j', an error), nothing opened; with Escape
    for Enter the same. The keys after an Enter or an Escape go where it left the focus."""
    from evaltui.app.screens.summary import SummaryScreen
    from tests.app.conftest import write_evals

    data = write_evals(tmp_path / "evals")
    release = hold_reads(monkeypatch)
    app = EvalApp([str(data)], options())
    app.hold_typed_ahead()  # as TypeaheadDriver does, before the app is mounted
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("slash", *"n > 1", leave, "t")
        release.set()
        await settle(pilot)
        assert app.held_keys is None
        assert app.main.query_one("#filter", Input).value == "n > 1"
        assert isinstance(app.screen, SummaryScreen)  # the t: the run summary


async def test_a_paste_between_keys_typed_ahead_waits_with_them(
    tmp_path: Path, options: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'/' typed ahead, then a filter pasted while the files were read, then Enter (tmux,
    paste-buffer -p at 80x24): the keys were held for the table, the paste was not: it went to
    the loading screen, was lost, and the filter box applied empty. Now the paste waits with the
    keys and lands in the box, between them."""
    from textual import events

    from tests.app.conftest import write_evals

    data = write_evals(tmp_path / "evals")
    release = hold_reads(monkeypatch)
    app = EvalApp([str(data)], options())
    app.hold_typed_ahead()  # as TypeaheadDriver does, before the app is mounted
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("slash")
        app.post_message(events.Paste("average_accuracy < 0.5"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.rows is None  # still reading
        release.set()
        await settle(pilot)
        assert app.main.query_one("#filter", Input).value == "average_accuracy < 0.5"
        assert app.view.where == "average_accuracy < 0.5"
        assert app.rows is not None and app.rows.height == 5  # by hand, as test_app's filter


@pytest.mark.parametrize(
    "keys", [("s", "down", "enter"), ("s", "escape"), ("m", "down", "enter"), ("m", "escape")]
)
async def test_a_menu_closed_by_the_keys_right_after_the_one_opening_it(
    tmp_path: Path, options: Any, keys: tuple[str, ...]
) -> None:
    """s, Down and Enter reaching the app together (typed fast, sent by tmux in one go, or typed
    ahead of the table): the sort menu closed before the count of columns out of sight it had
    asked for after the next frame, which then looked for its list and crashed the app
    ('NoMatches: No nodes match '#sort-options' on SortScreen()', seen in tmux at 80x24)."""
    from textual import events

    from tests.app.conftest import write_evals

    data = write_evals(tmp_path / "evals")
    for run in ("model_c", "model_d"):  # more runs than a pair: m opens the run picker
        shutil.copytree(data / "model_b", data / run)
    app = EvalApp([str(data)], options())
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        for key in keys:  # posted together, none handled before the next is in the queue
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        await pilot.pause(0.3)
        assert app.is_running and app._exit_renderables == []
        assert len(app.screen_stack) >= 2

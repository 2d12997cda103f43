"""Pilot tests: hostile and very long texts as a new user meets them (80×24)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from evaltui.app.display import MAX_SHOWN_CHARS
from evaltui.app.screens.prompt import PromptScreen
from tests.app.conftest import settle

SIZE = (80, 24)


def write(root: Path, records: list[dict[str, Any]]) -> Path:
    (root / "m").mkdir(parents=True)
    lines = "".join(json.dumps(r) + "\n" for r in records)
    (root / "m" / "out.jsonl").write_text(lines, encoding="utf-8")
    return root


async def test_a_search_for_what_is_past_the_shown_part_of_a_long_generation_says_so(
    tmp_path: Path, make_app: Any
) -> None:
    """A generation of 500 KB on one line is shown up to its first 200,000 characters (a note
    says so). Searching it for its final answer, past that part, said "is not in this
    generation"; it says where the matches are, and a match in the part shown counts those
    after it."""
    long = "word " * (MAX_SHOWN_CHARS // 5 + 20_000) + "\\boxed{7} final"
    root = write(
        tmp_path / "evals",
        [
            {"prompt": "a long trace", "gen": "first boxed " + long, "answer": "7", "accuracy": 1},
            {"prompt": "a long trace", "gen": "short \\boxed{3}", "answer": "7", "accuracy": 0},
        ],
    )
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("slash", *"final", "enter")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said == [
            "“final” is not in the part shown: 1 match after the first 200,000 characters, "
            "not shown (y copies the whole text)"
        ], said
        app.clear_notifications()
        await pilot.press("ctrl+a", "ctrl+k", *"boxed", "enter")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said == [
            "match 1 of 1 · 1 match after the first 200,000 characters, not shown "
            "(y copies the whole text)"
        ], said
        # "more" is in the note under the part shown, not in the generation: not found
        app.clear_notifications()
        await pilot.press("ctrl+a", "ctrl+k", *"more", "enter")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["“more” is not in this generation"]


@pytest.mark.parametrize("where", ["table", "prompt"])
async def test_a_slash_typed_in_the_same_burst_as_the_slash_that_opened_the_box_is_kept(
    evals: Path, make_app: Any, where: str
) -> None:
    """`/` then a filter or search holding "/" in one burst (tmux send-keys, a paste, a fast
    typist: `/1/2`, a fraction, a path): the box had the focus, but not yet the Focus event
    that sets ``has_focus``, so the next "/" ran the "/" binding again and was dropped ("12")."""
    from textual import events

    names = {" ": "space", "/": "slash", '"': "quotation_mark", "~": "tilde"}
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if where == "prompt":
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, PromptScreen)
        text = 'prompt ~ "1/2/"' if where == "table" else "a/b/"
        assert app._driver is not None
        for character in "/" + text:  # one burst, as the driver sends them
            app._driver.send_message(events.Key(names.get(character, character), character))
        await settle(pilot)
        box = "#filter" if where == "table" else "#gen-search"
        assert app.screen.query_one(box, Input).value == text


@pytest.mark.parametrize(
    ("opener", "key"), [([], "q"), (["m"], "ctrl+q"), (["enter"], "ctrl+q"), (["p"], "ctrl+q")]
)
async def test_ctrl_c_says_how_to_quit_in_plain_words(
    evals: Path, make_app: Any, opener: list[str], key: str
) -> None:
    """ctrl+c on the prompt table (or compare's), the screen a new user starts on, did nothing
    and said nothing (the table's copy posted a message no one reads); the other screens said
    "Press [b]ctrl+q[/b] to quit the app", Textual's markup shown as text."""
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*opener)
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.screen is screen and app.is_running
        said = [n.message for n in app._notifications]
        assert said == [f"Press {key} to quit the app"], said


async def test_enter_on_a_load_of_only_bad_lines_says_why_no_prompt_opens(
    tmp_path: Path, make_app: Any
) -> None:
    """Files read, every line bad (as an Inspect log whose samples all errored): enter said
    "the view holds none (/ changes the filter)", with no filter to change."""
    root = tmp_path / "evals" / "m"
    root.mkdir(parents=True)
    lines = [
        {"prompt": "p", "gen": ["a", "b"], "answer": "1", "accuracy": [1]},
        {"prompt": None, "gen": "g", "answer": "1", "accuracy": 1},
    ]
    (root / "out.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines), "utf-8")
    app = make_app(tmp_path / "evals")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.result is not None and app.result.errors and not app.result.stats.height
        await pilot.press("enter")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said == [
            "no prompt to open: the files read hold none (b lists the bad lines and notes)"
        ], said


@pytest.mark.parametrize("width", [60, 80])
async def test_the_tokenizing_line_keeps_its_eta_and_stop_key_on_narrow_screens(
    evals: Path, make_app: Any, width: int
) -> None:
    """At 60 columns the tokenizing line was cut in its ETA ("ETA estimati…"), and "x stops"
    never showed; the longer parts give way first now."""
    from textual.widgets import Static

    from evaltui.app.messages import LoadProgressed
    from evaltui.data.loader import LoadProgress

    app = make_app(evals)
    async with app.run_test(size=(width, 20)) as pilot:
        await settle(pilot)
        progress = LoadProgress(
            stage="tokenizing",
            files_total=10,
            files_read=10,
            files_tokenized=3,
            generations=16_000,
            generations_tokenized=4_897,
            tokens=10_983_824,
            bytes_total=1,
            bytes_read=1,
            elapsed=3.0,
        )
        app.post_message(LoadProgressed(progress))
        await pilot.pause()
        line = app.main.query_one("#progress", Static).render_line(0).text.strip()
        assert line.startswith("tokenizing 4,897/16,000"), line
        assert line.endswith(" · x stops") or line.endswith("lengths fill in)"), line
        assert "ETA estimating…" in line and "…" not in line.replace("estimating…", ""), line


async def test_a_double_click_on_a_row_opens_it(evals: Path, make_app: Any) -> None:
    """With a mouse: a click on a row moved the cursor there, and nothing opened a prompt
    (enter only). A double click opens the row clicked; on the header it sorts, opening none."""
    from evaltui.app.screens.main import MainScreen

    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.main.current_table()
        assert table is not None and app.rows is not None
        await pilot.double_click(table, offset=(3, 0))  # the header
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.view.sort is not None
        await pilot.click(table, offset=(3, 3))  # one click: the cursor moves, nothing opens
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and table.cursor_row == 2
        third = app.main.cursor_key()
        await pilot.double_click(table, offset=(3, 3))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        assert (screen.run, screen.prompt_id) == third


async def test_q_closes_the_rescore_dialog_and_is_a_letter_in_its_box(
    evals: Path, make_app: Any
) -> None:
    """q closed every screen and the sort menu but not the re-score dialog (esc only, which
    tmux delays); in the dialog's scorer box q is still a letter."""
    from evaltui.app.screens.main import MainScreen
    from evaltui.app.screens.rescore import RescoreScreen

    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, RescoreScreen)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.is_running
        await pilot.press("R")
        await settle(pilot)
        app.screen.set_focus(app.screen.query_one("#rescore-module", Input))
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, RescoreScreen)
        assert app.screen.query_one("#rescore-module", Input).value == "q"


async def test_an_empty_view_of_two_runs_is_exported_as_the_table_counts_it(
    evals: Path, make_app: Any, tmp_path: Path
) -> None:
    """A filter matching nothing, then a sort, then e: the table said "0 of 13 rows (run ×
    prompt)", the dialog and its "wrote" line "0 prompts"."""
    from textual.widgets import Label, Static

    from evaltui.app.screens.export import ExportScreen

    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *'prompt ~ "nothing here"', "enter")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.rows is not None and app.rows.height == 0
        status = str(app.main.query_one("#status", Static).render())
        assert "Showing 0 of 13 rows (run × prompt)" in status, status
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        title = str(app.screen.query_one("#export-title", Label).render())
        assert title.startswith("Export the current view (0 rows (run × prompt) · "), title
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert said[-1].startswith("wrote 0 rows (run × prompt) to"), said
        assert json.loads((tmp_path / "evaltui_view.json").read_text(encoding="utf-8")) == []


async def test_the_progress_line_gives_the_share_of_the_text_with_the_tokens(
    evals: Path, make_app: Any
) -> None:
    """A file's texts are tokenized longest first: early on the line read '302/802 generations ·
    31,004 tokens' (the tokens ahead of the count, it seemed). The share of the text done
    stands beside the count, the order said wherever the tokens are; '1 generations' read."""
    from textual.widgets import Static

    from evaltui.app.messages import LoadProgressed
    from evaltui.data.loader import LoadProgress

    app = make_app(evals)
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)

        async def post(**fields: Any) -> str:
            values = dict(stage="tokenizing", files_total=3, files_read=3, files_tokenized=0)
            values |= dict(generations=800, generations_tokenized=50, tokens=400_000)
            values |= dict(bytes_total=1000, bytes_read=1000, elapsed=3.0, bytes_tokenized=0.0)
            app.post_message(LoadProgressed(LoadProgress(**(values | fields))))
            await pilot.pause()
            return app.main.query_one("#progress", Static).render_line(0).text.strip()

        line = await post(bytes_tokenized=620.0)
        assert line.startswith("tokenizing 50/800 generations (62% of the text, longest first)")
        assert "400,000 tokens" in line, line
        line = await post(stage="reading", files_read=1, generations=1)
        assert line == "reading files 1/3 · 1 generation", line

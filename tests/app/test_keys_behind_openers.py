"""A key that opens a screen (e, t, p, b, s, ?, enter on the prompt table), then keys for that
screen, in one burst (tmux send-keys, a paste, SSH lag): the keys are the new screen's, in
order. '/' is a priority key of the prompt table: it ran as it was read, before the key ahead
of it (which runs once it has come back up from the table). 'e ctrl+a ctrl+k /tmp/x.json
ctrl+s' (tmux, 80x24) focused the filter, which got the path, and opened no export dialog;
without the '/' in the path, the dialog opened, the path was lost, and ctrl+s wrote the default
path."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Input

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen
from evaltui.app.screens.export import ExportScreen
from evaltui.app.screens.help import HelpScreen
from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.plot import PlotScreen
from evaltui.app.screens.problems import ProblemsScreen
from evaltui.app.screens.prompt import PromptScreen
from evaltui.app.screens.sort import SortScreen
from evaltui.app.screens.summary import SummaryScreen
from tests.app.conftest import settle
from tests.app.test_dialog_burst import send_together
from tests.app.test_export_edit_keys_burst import typed
from tests.app.test_follow_app import wait_until

SIZES = [(80, 24), (60, 20)]


def filter_box(app: EvalApp) -> Input:
    return app.main.query_one("#filter", Input)


def exported_rows(out: Path) -> list[dict[str, Any]]:
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(rows, list)
    return rows


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "60x20"])
async def test_e_a_path_and_ctrl_s_in_one_burst_write_that_path(
    evals: Path, make_app: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(evals)
    out = tmp_path / "burst" / "x.json"
    out.parent.mkdir()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.rows is not None
        shown = app.rows.height
        send_together(
            app,
            ("e", "e"),
            ("ctrl+a", "\x01"),
            ("ctrl+k", "\x0b"),
            *typed(str(out)),
            ("ctrl+s", "\x13"),
        )
        await wait_until(pilot, out.exists, seconds=30)
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), seconds=30)
        await settle(pilot)
        rows = exported_rows(out)
        assert len(rows) == shown
        assert {row["prompt"] for row in rows} == set(app.rows["prompt"].to_list())
        # Nothing else was written (the default path), the filter got none of it.
        assert sorted(p.name for p in out.parent.iterdir()) == ["x.json", "x.json.evaltui.json"]
        assert not any(tmp_path.glob("evaltui_*"))
        assert filter_box(app).value == ""
        assert app.focused is app.main.current_table()


async def test_the_same_burst_given_to_one_pilot_press_writes_that_path(
    evals: Path, make_app: Any, tmp_path: Path
) -> None:
    """As the brief's hand check types it: one press of every key, path and all."""
    app = make_app(evals)
    out = tmp_path / "pressed.json"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e", "ctrl+a", "ctrl+k", *str(out), "ctrl+s")
        await wait_until(pilot, out.exists, seconds=30)
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), seconds=30)
        assert app.rows is not None
        assert len(exported_rows(out)) == app.rows.height
        assert filter_box(app).value == ""


async def test_a_path_typed_behind_e_without_editing_keys_replaces_the_default(
    evals: Path, make_app: Any, tmp_path: Path
) -> None:
    """'e' then 'qx.json' and enter at once: the q is the path's (it leaves no screen here)."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        send_together(app, ("e", "e"), *typed("qx.json"), ("enter", "\r"))
        out = tmp_path / "qx.json"
        await wait_until(pilot, out.exists, seconds=30)
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), seconds=30)
        assert not any(tmp_path.glob("evaltui_*"))


async def test_a_double_e_in_one_burst_types_no_e_into_the_path(
    evals: Path, make_app: Any, tmp_path: Path
) -> None:
    """The keys behind e are the dialog's, but its own key pressed again is no path: ctrl+s
    after 'e e' writes the default path, never a file named e."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        send_together(app, ("e", "e"), ("e", "e"))
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        await wait_until(pilot, lambda: app.keys_for_screen is None)
        await settle(pilot)
        path = dialog.query_one("#export-path", Input)
        assert path.value == dialog.default_path("combined")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), seconds=30)
        assert not (tmp_path / "e").exists()
        assert Path(dialog.default_path("combined")).exists()


@pytest.mark.parametrize(
    ("key", "character", "opened"),
    [
        ("t", "t", SummaryScreen),
        ("p", "p", PlotScreen),
        ("b", "b", ProblemsScreen),
        ("s", "s", SortScreen),
        ("question_mark", "?", HelpScreen),
    ],
    ids=["t", "p", "b", "s", "?"],
)
async def test_a_slash_behind_a_key_that_opens_a_screen_does_not_take_the_filter(
    evals: Path, make_app: Any, key: str, character: str, opened: type[Screen[Any]]
) -> None:
    """'t /' at once: the '/' focused the filter as it was read, and the t, run after it
    with the box focused, opened nothing (the same of p, b, s, ?). The screen opens; the '/'
    is its (none of them has one); back on the table, the table has the keys."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        send_together(app, (key, character), ("slash", "/"))
        await wait_until(pilot, lambda: isinstance(app.screen, opened))
        await wait_until(pilot, lambda: app.keys_for_screen is None)
        await settle(pilot)
        assert isinstance(app.screen, opened)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        assert filter_box(app).value == ""
        assert app.main.focused is app.main.current_table()


async def test_enter_then_slash_and_text_search_the_prompt_opened(
    evals: Path, make_app: Any
) -> None:
    """Enter on the table, then '/step' at once: the prompt opens and the text is its search
    (the '/' focused the table's filter first, the text went there, no prompt opened)."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        send_together(app, ("enter", "\r"), ("slash", "/"), *typed("step"))
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        search = screen.query_one("#gen-search", Input)
        await wait_until(pilot, lambda: search.value == "step")
        assert screen.focused is search
        assert filter_box(app).value == ""


async def test_help_then_q_in_one_burst_leaves_the_help(evals: Path, make_app: Any) -> None:
    """'? q' at once: the help opens and q leaves it (not the app): the table has the keys."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        send_together(app, ("question_mark", "?"), ("q", "q"), ("j", "j"))
        table = app.main.current_table()
        assert table is not None
        await wait_until(pilot, lambda: table.cursor_row == 1)
        assert isinstance(app.screen, MainScreen)
        assert app.is_running


async def test_e_while_the_files_are_read_holds_nothing(
    evals: Path, make_app: Any, gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before the prompts are shown e opens nothing (it says why): the keys behind it act on
    the prompt table at once, as they did, not held for a screen that will not come."""
    monkeypatch.setattr(EvalApp, "KEYS_HELD_AT_MOST", 60.0)
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        send_together(app, ("e", "e"), ("slash", "/"), *typed("n > 1"))
        box = filter_box(app)
        await wait_until(pilot, lambda: box.value == "n > 1")
        assert app.rows is None  # (still reading)
        assert isinstance(app.screen, MainScreen)
        assert app.keys_for_screen is None
        said = [n.message for n in app._notifications]
        assert any(m.startswith("still reading the files: export opens") for m in said), said
        gate.set()
        await settle(pilot)
        assert app.rows is not None and app.rows.height


async def test_e_a_path_and_ctrl_s_in_one_burst_on_compare_write_compares_rows_there(
    evals: Path, make_app: Any, tmp_path: Path
) -> None:
    """The same burst on compare (tmux, sample_data): the path was lost and ctrl+s wrote
    compare's prompts to the default path."""
    app = make_app(evals)
    out = tmp_path / "compared.json"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_until(pilot, lambda: screen.comparison is not None)
        await settle(pilot)
        ids = set(screen.rows["prompt_id"].to_list())
        send_together(
            app,
            ("e", "e"),
            ("ctrl+a", "\x01"),
            ("ctrl+k", "\x0b"),
            *typed(str(out)),
            ("ctrl+s", "\x13"),
        )
        await wait_until(pilot, out.exists, seconds=30)
        await wait_until(pilot, lambda: app.screen is screen, seconds=30)
        rows = exported_rows(out)
        assert len(rows) == 2 * len(ids)
        assert {row["run"] for row in rows} == {"model_a", "model_b"}
        assert not any(tmp_path.glob("evaltui_*"))


async def test_sort_menu_keys_then_slash_in_one_burst_sort_then_filter(
    evals: Path, make_app: Any
) -> None:
    """'s j enter /' at once: the menu sorts by its second column, then '/' edits the filter
    (the '/' was read with the menu still up, before its enter had come back: nobody's)."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        send_together(app, ("s", "s"), ("j", "j"), ("enter", "\r"), ("slash", "/"), *typed("n"))
        box = filter_box(app)
        await wait_until(pilot, lambda: box.value == "n")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.view.sort is not None and app.view.sort.column == "run"
        assert app.main.focused is box

"""Pilot tests: the export dialog's texts as a new user meets them (80×24, 60×20)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from evaltui.app.screens.export import ExportScreen
from tests.app.conftest import settle
from tests.app.test_screens import screen_text

SIZE = (80, 24)


def kind_lines(text: str) -> dict[str, str]:
    """The kind list's lines by kind, as shown: the mark before each label."""
    marks: dict[str, str] = {}
    for line in text.splitlines():
        for kind, words in (
            ("combined", "combined JSON"),
            ("records", "original records"),
            ("csv", "as CSV"),
            ("parquet", "as Parquet"),
        ):
            if words in line:
                marks[kind] = re.findall("▐(.)▌", line.split(words)[0])[-1]
    return marks


async def test_the_chosen_export_kind_shows_without_colour(evals: Path, make_app: Any) -> None:
    """Every kind showed ●, only the colour told the chosen one: on a plain or 16-colour
    terminal no one could tell. The chosen one is ●, the others ○, in the text itself."""
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        marks = kind_lines(screen_text(app))
        assert marks == {"combined": "●", "records": "○", "csv": "○", "parquet": "○"}, marks
        await pilot.press("down", "enter")  # the kind list has the focus: records
        await pilot.pause()
        assert app.screen.kind() == "records"
        marks = kind_lines(screen_text(app))
        assert marks == {"combined": "○", "records": "●", "csv": "○", "parquet": "○"}, marks


async def test_the_arrow_keys_choose_the_export_kind(evals: Path, make_app: Any) -> None:
    """Down moved a highlight apart from the choice (space or enter chose): after two Downs the
    highlight stood on CSV, ● stayed on combined JSON, and ctrl+s wrote combined JSON. The
    arrows choose as they move, as in the re-score dialog; ctrl+s writes the kind shown ●."""
    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("down", "down")
        await pilot.pause()
        assert app.screen.kind() == "csv"
        marks = kind_lines(screen_text(app))
        assert marks == {"combined": "○", "records": "○", "csv": "●", "parquet": "○"}, marks
        path = Path(app.screen.query_one("#export-path", Input).value)
        assert path.suffix == ".csv"
        await pilot.press("up")
        await pilot.pause()
        assert app.screen.kind() == "records"
        path = Path(app.screen.query_one("#export-path", Input).value)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines and all(line.startswith("{") for line in lines)  # JSON lines, not an array


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
@pytest.mark.parametrize(
    ("down", "name", "says"),
    [
        (
            0,
            "x.jsonl",
            "x.jsonl will hold a JSON array (the combined JSON); name it .json, "
            "or pick original records",
        ),
        (
            1,
            "x.json",
            "x.json will hold JSON lines (the original records); name it .jsonl, "
            "or pick combined JSON",
        ),
    ],
)
async def test_a_file_name_of_another_kind_is_told_before_writing(
    evals: Path, make_app: Any, down: int, name: str, says: str, size: tuple[int, int]
) -> None:
    """Combined JSON typed as ``x.jsonl`` wrote a JSON array under a JSON-lines name without
    a word (and the records as ``x.json``). The line under the path says so before writing,
    whole and with the buttons on screen; the export is not refused (the user may mean it)."""
    app = make_app(evals)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        if down:
            await pilot.press(*["down"] * down, "enter")
        await pilot.press(*name)
        await pilot.pause()
        message = str(app.screen.query_one("#export-message", Static).render())
        if size[0] == 60:  # one line: what the screen has room for (the buttons stay on it)
            says = {"x.jsonl": "x.jsonl gets a JSON array; name it .json"}.get(
                name, "x.json gets JSON lines; name it .jsonl"
            )
        assert message == says
        box = app.screen.query_one("#export-message").region
        lines = screen_text(app).splitlines()[box.y : box.bottom]
        shown = " ".join(line[box.x : box.right].strip() for line in lines)
        assert shown == says, shown  # whole, on screen
        dialog = app.screen.query_one("#export-dialog")
        assert dialog.max_scroll_y == 0
        for button in ("#export-go", "#export-cancel"):
            region = app.screen.query_one(button).region
            assert region.height == 3 and dialog.content_region.contains_region(region), button
        # The right suffix: nothing said.
        good = ".json" if name.endswith("l") else ".jsonl"
        await pilot.press(*["backspace"] * len(name), *f"x{good}")
        await pilot.pause()
        assert str(app.screen.query_one("#export-message", Static).render()) == ""
        # The user means it: written as asked.
        await pilot.press(*["backspace"] * len(f"x{good}"), *name, "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        text = (Path.cwd() / name).read_text(encoding="utf-8")
        assert text.startswith("[") == (down == 0)


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_the_export_title_from_compare_fits_its_two_lines(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """At 60x20 from compare the title's second line ended "regressed prompts," and the runs'
    names were cut off without a mark. It is shorter there ("Export …"), whole or cut with "…",
    in its two lines; at 80x24 it is as it was."""
    from evaltui.app.screens.compare import CompareScreen
    from tests.app.test_screens import LONG_A, LONG_B, open_compare, write_runs

    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=size) as pilot:
        await open_compare(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        label = app.screen.query_one("#export-title")
        title = str(label.render())
        box = label.content_region
        lines = screen_text(app).splitlines()[box.y : box.bottom]
        shown = " ".join(line[box.x : box.right].strip() for line in lines)
        assert shown == title, (shown, title)  # every word of it on screen
        if size == (60, 20):
            assert title.startswith("Export 1 prompt × 2 runs · regressed prompts, ")
            assert title.endswith("…") or title.endswith("8B-Instruct"), title
        else:
            assert title.startswith("Export the current view (1 prompt × 2 runs · regressed")
            # B named by the size that tells it from A (its "-Instruct" may be cut).
            assert title.endswith(")") and "Llama-3.1-8B" in title.rsplit(" vs ", 1)[1], title
        # The dialog keeps its buttons on screen.
        dialog = app.screen.query_one("#export-dialog")
        assert dialog.max_scroll_y == 0


async def test_the_export_kinds_are_read_whole_at_80_columns(evals: Path, make_app: Any) -> None:
    """At 80x24 two kinds were cut: 'combined JSON (per-prompt stats, same schema as s…' and
    'original records of the view's generations (JSONL…': every label is shown whole."""
    from evaltui.data.export import EXPORT_KINDS

    app = make_app(evals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        text = screen_text(app)
        for label, _suffix in EXPORT_KINDS.values():
            assert label in text, (label, text)

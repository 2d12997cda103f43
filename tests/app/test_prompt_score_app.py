"""A run whose format gives each prompt its own score (an Inspect epochs reducer): the prompt
table shows it as a column to sort by, and the prompt screen says it (Pilot, 80x24)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaltui.app.display import table_columns
from evaltui.app.screens.prompt import PromptScreen
from evaltui.app.screens.sort import SortScreen
from tests.app.conftest import settle
from tests.app.test_wide_text_cells import screen_lines
from tests.data.test_formats_inspect_reducers import (
    TASK,
    reduced_log,
    reduction,
    write_eval_with_reductions,
)


def write_reduced(root: Path) -> Path:
    """Three prompts of two epochs; at_least_2 gives 3 (both right) 1, p0 and p1 0."""
    root.mkdir()
    data = reduced_log([reduction("at_least_2", {3: 1, "p0": 0, "p1": 0})], ["at_least_2"])
    write_eval_with_reductions(root / "x_AAA.eval", data)
    return root


async def test_prompt_score_is_a_column_to_sort_by_and_on_the_prompt_screen(
    tmp_path: Path, make_app: Any
) -> None:
    """The reducer's per-prompt score was only in the t summary ('doc score', a mean): the
    table had no column for it (s listed none), so a user looking for the prompts at_least_2
    failed could not sort or read them, and the prompt screen said '1/2 correct' alone."""
    app = make_app(write_reduced(tmp_path / "logs"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
        header = next(line for line in lines if line.lstrip().startswith("prompt "))
        assert "prompt score" in header
        start = header.index("prompt score")
        cells = {
            line[:25].strip(): line[start : start + len("prompt score")].strip()
            for line in lines[lines.index(header) + 1 :]
            if "mockllm/model" in line
        }
        assert cells["If x = 1.5, what is 4x?"] == "1.000"
        assert sorted(cells.values()) == ["0.000", "0.000", "1.000"]
        await pilot.press("s")
        await settle(pilot)
        menu = app.screen
        assert isinstance(menu, SortScreen)
        assert "prompt_score" in menu.columns
        await pilot.press("escape")
        await settle(pilot)
        app.main.sort_by("prompt_score", descending=True)
        await settle(pilot)
        assert app.rows is not None and app.rows["prompt_id"][0] == f"{TASK}:3"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert "2/2 correct, prompt score 1.000" in " ".join(screen_lines(app)[:2])


async def test_no_prompt_score_column_without_one(evals: Path, make_app: Any) -> None:
    """Runs whose format gives no prompt score (most) keep their table as it was."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.rows is not None and "prompt_score" in app.rows.columns
        assert "prompt_score" not in [c for c, _h, _k in table_columns(app.rows)]
        await pilot.press("enter")
        await settle(pilot)
        assert "prompt score" not in screen_lines(app)[0]


async def test_the_prompt_screen_title_keeps_the_id_and_score_when_narrow(
    tmp_path: Path, make_app: Any
) -> None:
    """The title with a prompt score did not fit one line: at 80 columns the id was cut
    ('id toy_math…'), at 60 gone and the score cut ('prompt score …'). It takes two lines then,
    as compare's does: the position and the id, then the run and its count."""
    app = make_app(write_reduced(tmp_path / "logs"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.main.sort_by("prompt_score", descending=True)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        for width in (80, 60):
            await pilot.resize_terminal(width, 24)
            await settle(pilot)
            lines = screen_lines(app)
            assert lines[0].strip() == f"prompt 1 of 3 · id {TASK}:3", lines[:3]
            assert lines[1].strip() == "mockllm/model 2/2 correct, prompt score 1.000", lines[:3]
        await pilot.resize_terminal(120, 24)
        await settle(pilot)
        title = f"prompt 1 of 3 · mockllm/model · 2/2 correct, prompt score 1.000 · id {TASK}:3"
        assert screen_lines(app)[0].strip() == title


async def test_the_prompt_score_column_stays_in_view_at_60_columns(
    tmp_path: Path, make_app: Any
) -> None:
    """At 60x20 the table showed prompt, run, n and accuracy, the prompt score past the right
    edge with no sign of it: the prompt kept 29 cells. It gives up cells (down to 12) to keep
    the prompt's own score in view."""
    app = make_app(write_reduced(tmp_path / "logs"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
        header = next(line for line in lines if line.lstrip().startswith("prompt "))
        assert header.split() == ["prompt", "run", "n", "accuracy", "prompt", "score"], header
        start = header.index("prompt score")
        rows = [line for line in lines[lines.index(header) + 1 :] if "model" in line]
        cells = [line[start : start + len("prompt score")].strip() for line in rows]
        assert cells == ["1.000", "0.000", "0.000"], rows
        assert rows[0].split()[:3] == ["If", "x", "="], rows  # the prompt still begins

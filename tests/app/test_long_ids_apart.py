"""Prompt ids that share a long start are told apart in the id columns (cut in the middle)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from evaltui.app.screens.compare import CompareScreen
from evaltui.data.sanitize import cell_width
from tests.app.conftest import settle
from tests.app.test_name_newlines import write_lm_eval_runs

TASK = "negotiationtom_intention_of_agent"
"""Longer than the id column (24 cells): the ids ``<task>:<doc>`` differ in their last cells."""


async def wait_for_rows(pilot: Any, table: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not table.row_count:
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def id_cells(table: Any) -> list[str]:
    return [str(table.get_row_at(row)[-1]).strip() for row in range(table.row_count)]


async def test_ids_that_share_a_long_start_read_apart_at_80_columns(
    tmp_path: Path, make_app: Any
) -> None:
    """On published lm-eval data every row's id read 'negotiationtom_intentio…' in the main
    table and the comparison: the ':12' that tells them apart was cut off. Both ends are kept."""
    app = make_app(write_lm_eval_runs(tmp_path / "d", TASK))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.main.current_table()
        assert table is not None
        await wait_for_rows(pilot, table)
        shown = id_cells(table)
        # Two runs, four prompts each: a prompt's id reads as no other prompt's.
        assert set(shown) == {f"negotiation…n_of_agent:{doc}" for doc in range(4)}, shown
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        compared = screen.current_table()
        assert compared is not None
        await wait_for_rows(pilot, compared)
        ids = id_cells(compared)
        assert sorted(ids) == sorted(set(shown)), ids
        assert all(cell_width(text) <= 24 for text in ids), ids


LONGER = "negotiationtom_intention_of_agent_in_the_dialogue"
"""Longer than the prompt screen's id (40 cells): its ids differ only in their last cells."""


async def test_the_prompt_title_cuts_a_long_id_in_its_middle(tmp_path: Path, make_app: Any) -> None:
    """The prompt screen's title cut an id at its end ('id negotiationtom_intention_of_agent_in_t…'
    for every prompt of the task) where the tables cut it in its middle: now as they do, the
    ':<doc>' that tells the prompts apart kept."""
    from textual.widgets import Static

    from tests.app.conftest import open_first_prompt

    app = make_app(write_lm_eval_runs(tmp_path / "d", LONGER))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_prompt(pilot)
        doc = screen.prompt_id.rsplit(":", 1)[1]
        title = str(screen.query_one("#prompt-title", Static).render())
        ident = next(
            part for part in title.replace("\n", " · ").split(" · ") if part.startswith("id ")
        )
        assert ident.startswith("id negotiation") and ident.endswith(f"dialogue:{doc}"), title
        assert "…" in ident and cell_width(ident) == len("id ") + 40, title

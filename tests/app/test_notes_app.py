"""The app says a note of one kind about many files once: the header counts it as one, ``b``
shows it once with the files it is about listed under it (80×24)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static

from evaltui.app.screens.problems import ProblemsScreen
from tests.app.conftest import settle
from tests.app.test_screens import static
from tests.data.test_notes import verl_folder


async def test_one_note_for_twelve_verl_steps_and_b_lists_the_files(
    tmp_path: Path, make_app: Any
) -> None:
    """It counted "notes 12 (b)" and ``b`` listed twelve copies of one note."""
    app = make_app(verl_folder(tmp_path / "verl", 12))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "notes 1 (b)" in static(app, "#summary")
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        text = str(app.screen.query_one("#problems-text", Static).render())
        notes = text.split("\nnotes\n", 1)[1].splitlines()
        assert notes[0].startswith("12 files: scored by 'acc'")
        assert notes[1:] == [f"  val_generations/{step * 10}.jsonl" for step in range(12)]
        await pilot.press("q")
        await pilot.press("ctrl+q")

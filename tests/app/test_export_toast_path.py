"""The "exported" toast shows the path broken at its folders: at 80 columns it was broken
anywhere ('…/deepseek-ai__Deep' / 'Seek-R1-Distill-Qwen-32B-long-contex' / 't-sampling-t0.6/
evaltui_view.json'); a folder name longer than the toast is cut in the middle, the file name
is whole on its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from evaltui.app.screens.export import ExportScreen
from evaltui.app.screens.main import MainScreen
from tests.app.conftest import settle, write_evals
from tests.app.test_follow_app import wait_until
from tests.app.test_wide_text_cells import screen_lines

LABEL = "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B-long-context-sampling-t0.6"


@pytest.mark.parametrize(
    ("size", "folder"),
    [((80, 24), "deepseek-ai__Deep…ext-sampling-t0.6/"), ((60, 20), "deepseek-ai_…ampling-t0.6/")],
)
async def test_the_exported_toast_breaks_the_path_at_its_folders(
    tmp_path: Path, make_app: Any, size: tuple[int, int], folder: str
) -> None:
    (tmp_path / "exports" / LABEL).mkdir(parents=True)
    app = make_app(write_evals(tmp_path / "evals"))
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#export-path", Input).value = f"exports/{LABEL}/hard_prompts.json"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert (tmp_path / "exports" / LABEL / "hard_prompts.json").exists()
        told = [n.message for n in app._notifications if n.title == "exported"]
        assert len(told) == 1
        lines = told[0].split("\n")
        assert lines[-2:] == [folder, "hard_prompts.json"], lines

        # As drawn: each of the path's lines whole on a line of the toast (none wrapped again).
        # (the toast is mounted, laid out and drawn messages after its notification: waited for)
        def drawn_lines() -> list[str]:
            return [line.rstrip() for line in screen_lines(app)]

        await wait_until(
            pilot,
            lambda: all(
                any(shown.endswith(f" {line}") for shown in drawn_lines()) for line in lines[1:]
            ),
        )
        drawn = drawn_lines()
        for line in lines[1:]:
            assert any(shown.endswith(f" {line}") for shown in drawn), (line, drawn)


@pytest.mark.parametrize(
    ("typed", "written", "said"),
    [
        ("./x.json", "x.json", "{cwd}/x.json"),
        ("x.json", "x.json", "{cwd}/x.json"),
        ("~/x.json", "home/x.json", "~/x.json"),
        ("{home}/out/x.json", "home/out/x.json", "~/out/x.json"),
    ],
)
async def test_the_exported_toast_says_where_a_short_path_went(
    tmp_path: Path,
    make_app: Any,
    monkeypatch: pytest.MonkeyPatch,
    typed: str,
    written: str,
    said: str,
) -> None:
    """A short path was said as typed ('wrote 13 prompts to x.json', '… to ./x.json' typed):
    nothing of where it went, while the default path was said whole. Every path is said
    absolute, the home folder as ~ (as a long one, broken at its folders)."""
    home = tmp_path / "home"
    (home / "out").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    app = make_app(write_evals(tmp_path / "evals"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        box = app.screen.query_one("#export-path", Input)
        box.value = typed.format(home=home)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert (tmp_path / written).exists()
        told = [n.message for n in app._notifications if n.title == "exported"]
        assert len(told) == 1
        where = told[0].split(" to", 1)[1]
        assert where.replace("\n", "").strip() == said.format(cwd=tmp_path), told[0]

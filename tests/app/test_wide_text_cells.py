"""Wide text (CJK, emoji) is fitted by the terminal cells it takes, not by its characters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.app import App

from evaltui.app.screens.compare import CompareScreen
from evaltui.app.tables import DataTable
from tests.app.conftest import settle
from tests.app.test_follow_app import wait_until

WIDE_PROMPTS = ["日本語の質問", "二たす二は？", "中文问题", "三加五", "🎉🎉🎉🎉"]


def write_wide_runs(root: Path) -> Path:
    """Two plain runs of five short prompts in CJK and emoji, three generations each."""
    for r, run in enumerate(("run-a", "run-b")):
        folder = root / run
        folder.mkdir(parents=True)
        lines = [
            json.dumps(
                {"prompt": prompt, "gen": f"答え {p}", "answer": "四", "accuracy": (p + s + r) % 2},
                ensure_ascii=False,
            )
            for p, prompt in enumerate(WIDE_PROMPTS)
            for s in range(3)
        ]
        (folder / "out.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def screen_lines(app: App[Any]) -> list[str]:
    """The screen's text as drawn, a line each (a wide character is one string character)."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


async def test_short_wide_prompts_are_whole_in_the_compare_table(
    tmp_path: Path, make_app: Any
) -> None:
    """At 120 columns the comparison had room for every prompt, yet its prompt column was
    measured in characters ('日本語の質問' as 6, not 12 cells) and cut each one: '日本…',
    '二た…', '🎉🎉…'."""
    app = make_app(write_wide_runs(tmp_path / "wide"))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        table = app.screen.query_one(DataTable)
        prompts = [str(table.get_row_at(row)[3]).strip() for row in range(table.row_count)]
        assert sorted(prompts) == sorted(WIDE_PROMPTS)
        lines = screen_lines(app)
        for prompt in WIDE_PROMPTS:
            assert any(prompt in line for line in lines), (prompt, lines)


def footer_line(app: App[Any]) -> str:
    """The footer's keys as drawn, without the palette key docked at its right."""
    return screen_lines(app)[-1].split("▏")[0].rstrip()


async def test_footer_keys_are_whole_or_left_out_with_a_mark(evals: Path, make_app: Any) -> None:
    """At 80 columns the main screen's footer ended 'e Export c C' (c Clear cut, no mark; 'x S'
    while loading), the prompt screen's 'v Whole p'; at 60 columns 'm Compar'. Each key shown is
    whole, and '…' follows the last when keys are left out."""
    from textual.widgets._footer import FooterKey

    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for size in ((80, 24), (60, 20), (200, 30), (80, 24)):
            await pilot.resize_terminal(*size)
            await wait_until(pilot, lambda: app.screen.size.width == size[0])  # noqa: B023
            for screen_key in ("", "enter"):
                if screen_key:
                    await pilot.press(screen_key)
                    await wait_until(pilot, lambda: app.screen is not app.main)

                def fitted() -> bool:
                    if not screen_lines(app):
                        return False  # (not drawn yet)
                    line = footer_line(app)
                    keys = [
                        f"{key.key_display} {key.description}".strip()
                        for key in app.screen.query(FooterKey)
                        if not key.has_class("-command-palette") and key.description
                    ]
                    if size[0] == 200 and line.endswith("…"):  # noqa: B023
                        return False  # room for every key
                    return line.endswith(("…", *keys))

                # (Waited for: the footer is fitted to a new width a refresh or more after it.)
                await wait_until(pilot, fitted)
                if screen_key:
                    await pilot.press("q")
                    await wait_until(pilot, lambda: app.screen is app.main)


async def test_an_export_title_of_wide_run_names_fits_its_two_lines(
    tmp_path: Path, make_app: Any
) -> None:
    """At 60x20 with a CJK run picked (r), the export dialog's title was measured in
    characters: 'Export the current view (5 prompts · run=另一个…' said to take two lines took
    three, the third (with the name's end) hidden, no mark."""
    from textual.widgets import Label

    from evaltui.app.screens.export import ExportScreen

    root = tmp_path / "wide"
    write_wide_runs(root)
    for old, new in (
        ("run-a", "非常に長い日本語のモデル名前これはテストです-七十億"),
        ("run-b", "另一个非常长的中文模型名称用于测试宽字符显示-第二版"),
    ):
        (root / old).rename(root / new)
    app = make_app(root)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        title = app.screen.query_one("#export-title", Label)
        lines = [line.text.rstrip() for line in title.render_lines(title.region.reset_offset)]
        shown = "".join(line.strip() for line in lines)
        assert title.size.height == len(lines)
        assert shown.endswith(("…", ")")) and "run=" in shown, lines

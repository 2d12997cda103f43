"""Chat-templated prompts share a long start: every prompt cell read ``<|im_start|>user
Backgr…`` at 80×24, and nothing told the rows apart. A cell shows the part that does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import Static

from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.prompt import PromptScreen
from tests.app.conftest import settle

SIZE = (80, 24)
THINGS = ["iron", "wood", "glass", "cheese", "paper", "salt"]
TEMPLATES = {
    "chatml": (
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n{}"
        "<|im_end|>\n<|im_start|>assistant\n"
    ),
    "llama3": (
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n{}<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    ),
    "deepseek": "<｜begin▁of▁sentence｜><｜User｜>{}<｜Assistant｜>",
    "mistral": "<s>[INST] {} [/INST]",
    "gemma": "<bos><start_of_turn>user\n{}<end_of_turn>\n<start_of_turn>model\n",
}
PASSAGE = (
    "Background: Here is a long passage about materials and how they behave.\n\n"
    "Question: what is special about {}?"
)


def write_chat(root: Path, template: str) -> Path:
    root.mkdir(parents=True)
    records = [
        {
            "prompt": TEMPLATES[template].format(PASSAGE.format(thing)),
            "gen": f"It is {thing}. \\boxed{{{i}}}",
            "answer": str(i),
            "accuracy": i % 2,
        }
        for i, thing in enumerate(THINGS)
    ]
    (root / "samples.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return root


def static_text(app: Any, selector: str) -> str:
    rendered = app.screen.query_one(selector, Static).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


async def test_chat_templated_prompts_are_told_apart_at_80x24(
    tmp_path: Path, make_app: Any
) -> None:
    for template in TEMPLATES:
        app = make_app(write_chat(tmp_path / template, template))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            table = app.screen.current_table()
            assert table is not None and table.row_count == len(THINGS)
            prompts = [str(table.get_row_at(row)[0]) for row in range(table.row_count)]
            # Each cell starts (after the "…" of the cut) with what tells its prompt apart.
            assert sorted(p.strip() for p in prompts) == sorted(
                f"… {thing}?" for thing in THINGS
            ), template
            assert not any("<" in p or "[INST]" in p for p in prompts), template
            # The header and the status line say what every cell leaves out (nothing is
            # hidden silently).
            start = "You are a help" if template == "chatml" else "Background: Here"
            header = table.ordered_columns[0].label.plain
            assert header.startswith(f'prompt after "{start[:8]}'), (template, header)
            status = static_text(app, "#status")
            assert f'every prompt starts "{start}' in status, (template, status)
            screenshot = app.export_screenshot()
            for thing in THINGS:
                assert f"…&#160;{thing}?" in screenshot, (template, thing)
            assert "im_start" not in screenshot and "start_of_turn" not in screenshot
            # The prompt screen keeps the whole literal text, markup and all.
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, PromptScreen)
            text = static_text(app, "#prompt-text")
            assert TEMPLATES[template].split("{}")[0].strip() in text
            assert "Background: Here is a long passage" in text
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            # The filter still reads the full text, markup included.
            marker = {"chatml": "im_start", "llama3": "eot_id", "deepseek": "User｜"}
            if template in marker:
                await pilot.press("slash", *f'prompt ~ "{marker[template]}"', "enter")
                await settle(pilot)
                assert app.rows is not None and app.rows.height == len(THINGS)


async def test_each_run_leaves_out_its_own_shared_start(tmp_path: Path, make_app: Any) -> None:
    """Two runs of two tasks: no start is shared by the whole view, each run's is cut."""
    root = tmp_path / "two"
    for run, template in (("chat_run", "chatml"), ("gemma_run", "gemma")):
        write_chat(root / run, template)
    for i, thing in enumerate(THINGS):  # a third run of another task, its own preamble
        path = root / "other_run" / "samples.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "prompt": f"Translate the following sentence into French please: the {thing} cup",
            "gen": "x",
            "answer": str(i),
            "accuracy": 0,
        }
        with path.open("a") as f:
            f.write(json.dumps(record) + "\n")
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.current_table()
        assert table is not None and table.row_count == 3 * len(THINGS)
        prompts = [str(table.get_row_at(row)[0]).strip() for row in range(table.row_count)]
        assert sorted(prompts) == sorted(
            [f"… {thing}?" for thing in THINGS] * 2 + [f"… {thing} cup" for thing in THINGS]
        )
        # (shorter where the column is narrower than it: 'prompt after start' at 80 columns)
        label = table.ordered_columns[0].label.plain
        assert label in ("prompt after run's start", "prompt after start"), label
        assert "their run's prompts share" in static_text(app, "#status")


async def test_the_comparison_tells_chat_templated_prompts_apart(
    tmp_path: Path, make_app: Any
) -> None:
    root = tmp_path / "pair"
    write_chat(root / "run_a", "chatml")
    write_chat(root / "run_b", "chatml")
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        table = app.screen.current_table()
        assert table is not None and table.row_count == len(THINGS)
        labels = [column.label.plain for column in table.ordered_columns]
        prompt = next(i for i, label in enumerate(labels) if label.startswith("prompt"))
        assert labels[prompt].startswith('prompt after "You are'), labels
        cells = sorted(str(table.get_row_at(row)[prompt]).strip() for row in range(6))
        assert cells == sorted(f"… {thing}?" for thing in THINGS)


@pytest.mark.parametrize("sizes", [[(80, 24)], [(60, 20)], [(80, 40), (80, 24), (80, 40)]])
async def test_a_narrow_prompt_column_of_several_starts_keeps_the_last_column_whole(
    tmp_path: Path, make_app: Any, sizes: list[tuple[int, int]]
) -> None:
    """A run with no shared start beside runs with their own (the published runs and a plain
    'p0', 'p1' run): at 80 columns the prompt column was fitted to 23 cells and its header
    'prompt after run's start' (24) widened it, so the last column read 'max le' over '3' and
    '43', cut with no mark (fitted as if the table had no vertical scrollbar; a resize of the
    height alone that gives or takes it fits again). The header says it shorter where the
    column is narrower (60 columns)."""
    root = tmp_path / "mixed"
    for run, template in (("chat_run", "chatml"), ("gemma_run", "gemma")):
        write_chat(root / run, template)
    plain = root / "plain_run" / "out.jsonl"
    plain.parent.mkdir(parents=True)
    lines = [
        {"prompt": f"p{i}", "gen": "word " * (1000 * i + 1), "answer": "1", "accuracy": 0.3}
        for i in range(12)
    ]
    plain.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=sizes[0]) as pilot:
        for size in sizes:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            table = app.screen.current_table()
            assert table is not None
            widths = [column.render_width for column in table.ordered_columns]
            room = table.scrollable_content_region.width
            ends = [sum(widths[: i + 1]) for i in range(len(widths))]
            whole = [end for end in ends if end <= room]
            label = table.ordered_columns[0].label.plain
            assert len(whole) == len(ends) or whole[-1] >= room - 1, (size, room, ends, widths)
            assert label.startswith("prompt after") and len(label) <= widths[0], (label, widths)

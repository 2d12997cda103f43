"""A length axis's tick labels at narrow widths: as many as have room, evenly apart."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from evaltui.app.screens.plot import PlotScreen
from evaltui.data.bins import TICK_GAP, spaced_ticks
from tests.app.conftest import settle, write_run
from tests.app.test_wide_text_cells import screen_lines


def write_long_lengths(root: Path) -> Path:
    """Generations of 20 to 3,600 words (the word tokenizer's tokens): an axis 0 to 3,500."""
    records = [
        {
            "prompt": f"p{i}",
            "gen": " ".join(["w"] * length),
            "answer": "1",
            "accuracy": i % 2,
        }
        for i, length in enumerate((20, 150, 400, 900, 1600, 2400, 3000, 3600))
    ]
    return write_run(root, *records)


def axis_labels(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) cells of each label on the line under the plot frame's bottom."""
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return [m.span() for m in re.finditer(r"\S+", lines[bottom + 1])]


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 35)])
async def test_length_axis_labels_stand_apart(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """At 60x20 the length histogram's axis had eight labels on 56 cells, one or two blank
    cells apart and the last two touching: '1,000  1,500   2,000 … 3,000 3,500'. Now every
    second one there (0, 1,000, 2,000, 3,000), each TICK_GAP cells from the next; wider,
    all eight as before."""
    app = make_app(write_long_lengths(tmp_path))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PlotScreen)
        await pilot.pause()
        labels = axis_labels(screen_lines(app))
        assert len(labels) >= 4, labels
        gaps = [b[0] - a[1] for a, b in itertools.pairwise(labels)]
        assert min(gaps) >= TICK_GAP, (labels, screen_lines(app))


def test_spaced_ticks_keep_every_kth_round_tick() -> None:
    ticks = [float(v) for v in range(0, 4000, 500)]
    labels = [f"{v:,.0f}" for v in ticks]
    assert spaced_ticks(ticks, labels, 56) == (
        [0.0, 1000.0, 2000.0, 3000.0],
        ["0", "1,000", "2,000", "3,000"],
    )
    assert spaced_ticks(ticks, labels, 76) == (ticks, labels)  # 8 labels of 5 + 3 fit
    assert spaced_ticks(ticks[:2], labels[:2], 5) == (ticks[:2], labels[:2])


def write_two_runs_of_many_lengths(root: Path) -> Path:
    """Two runs of 240 generations of 5 to 1,200 words: count axes up to ~30-80 a bin."""
    for run, shift in (("deepseek-ai__DeepSeek-R1-Distill-Qwen-32B", 0), ("qwen", 7)):
        folder = root / "evals" / run
        folder.mkdir(parents=True)
        lines = [
            json.dumps(
                {
                    "prompt": f"p{i % 40}",
                    "gen": " ".join(["w"] * (5 + ((i * 37 + shift) % 97) ** 2 // 8)),
                    "answer": "1",
                    "accuracy": (i + shift) % 3 == 0,
                }
            )
            + "\n"
            for i in range(240)
        ]
        (folder / "out.jsonl").write_text("".join(lines), encoding="utf-8")
    return root / "evals"


def count_axes(lines: list[str]) -> list[list[tuple[int, float]]]:
    """Each panel's y tick labels: (row on screen, value), top to bottom."""
    panels: list[list[tuple[int, float]]] = []
    for row, line in enumerate(lines):
        if "┌" in line:
            panels.append([])
        found = re.match(r"^\s*([\d,.]+k?)┤", line)
        if found and panels:
            panels[-1].append((row, float(found.group(1).replace(",", "").replace("k", "e3"))))
    return panels


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 35)])
@pytest.mark.parametrize("plot", ["1", "2"])
async def test_count_axis_labels_stand_a_row_apart_and_evenly(
    tmp_path: Path, make_app: Any, size: tuple[int, int], plot: str
) -> None:
    """At 80x24 the correct-vs-wrong plot of two runs has two panels of five rows: five count
    ticks (0, 20, … 80) met on them, plotext dropped one, and the axis read 80, 60, 40, 0 on
    consecutive rows (a step of 20 a row, then of 40). Now as many as leave a blank row
    between labels, at one value step."""
    app = make_app(write_two_runs_of_many_lengths(tmp_path))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PlotScreen)
        await pilot.press(plot)
        await settle(pilot)
        await pilot.pause()
        lines = screen_lines(app)
        shown = "\n".join(lines)
        panels = count_axes(lines)
        assert len(panels) == (2 if plot == "2" else 1), shown
        for ticks in panels:
            assert len(ticks) >= 2, shown
            rows = [row for row, _value in ticks]
            values = [value for _row, value in ticks]
            assert min(b - a for a, b in itertools.pairwise(rows)) >= 2, shown
            assert len({round(a - b, 6) for a, b in itertools.pairwise(values)}) == 1, shown

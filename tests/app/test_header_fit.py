"""The header line keeps whole parts and counts those it leaves off ("+N more (t)"); the run
summary (t) shows it in full. It was cut at the terminal's width: what was cut went unsaid, the
tokenizer and the scores' kinds were readable nowhere, and a number could be cut
("generations 80…" for 802 at 60 columns)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Static

from evaltui.app.screens.main import header_text
from evaltui.data.sanitize import cell_width
from tests.app.conftest import settle


def write_long_runs(root: Path, runs: int = 5) -> Path:
    """``runs`` runs in folders named like published model ids, 12 prompts of 3 generations."""
    for r in range(runs):
        folder = root / f"meta-llama__Meta-Llama-3.1-70B-Instruct-checkpoint-{1000 * (r + 1)}"
        folder.mkdir(parents=True)
        lines = [
            json.dumps(
                {"prompt": f"Q{p}", "gen": "a b c " * (p + s), "answer": "1", "accuracy": s % 2}
            )
            for p in range(12)
            for s in range(3)
        ]
        (folder / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 35)])
async def test_the_header_keeps_whole_parts_and_counts_those_left_off(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(write_long_runs(tmp_path / "evals"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.result is not None
        shown = str(app.main.query_one("#summary", Static).render())
        for line in shown.splitlines():
            assert cell_width(line) <= size[0] - 2, line  # the widget's padding: nothing cut
            assert not re.search(r"\d…", line), line  # no number cut
        last = shown.splitlines()[-1]
        more = re.search(r" · \+(\d+)(?: more)? \(t\)$", last)
        assert more, last
        whole = header_text(app.result, 10**6, whole=True)
        assert "generations 180" in whole and "files 5" in whole and "tokenizer " in whole
        # The parts after the runs' accuracy (spelled alike at any width): those not shown
        # are the ones counted.
        after = whole.split(" · ")[3:]
        assert after[0] == "generations 180"
        assert int(more.group(1)) == len([p for p in after if p not in shown]) > 0
        await pilot.press("t")
        await settle(pilot)
        console = Console(width=1000, file=io.StringIO(), record=True)
        console.print(app.screen.report)  # type: ignore[attr-defined]
        report = " ".join(console.export_text().split())
        assert f"loaded (the header in full): {whole}" in report


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_runs_of_one_accuracy_are_one_value_not_a_range(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """Five runs each scored 1/3 (0, 1, 0 on every prompt): the header said 'accuracy
    0.333–0.333 by run (t)' (or '… (t)' when cut), a range of one value."""
    app = make_app(write_long_runs(tmp_path / "evals"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        shown = " ".join(str(app.main.query_one("#summary", Static).render()).split())
        assert "0.333–0.333" not in shown, shown
        assert "accuracy 0.333 (t)" in shown, shown


async def test_the_header_in_full_is_shown_over_a_view_of_no_prompt(
    tmp_path: Path, make_app: Any
) -> None:
    """A filter that matches no prompt (or a followed folder with no file yet) leaves the
    header's "+N more (t)": t said only "no prompts in view", the tokenizer and the files it
    promised readable nowhere."""
    from textual.widgets import Input

    app = make_app(write_long_runs(tmp_path / "evals"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.result is not None
        await pilot.press("slash")
        app.screen.query_one("#filter", Input).value = "accuracy > 2"
        await pilot.press("enter")
        await settle(pilot)
        assert app.rows is not None and app.rows.height == 0
        last = str(app.main.query_one("#summary", Static).render()).splitlines()[-1]
        assert re.search(r" · \+\d+(?: more)? \(t\)$", last), last
        await pilot.press("t")
        await settle(pilot)
        console = Console(width=1000, file=io.StringIO(), record=True)
        console.print(app.screen.report)  # type: ignore[attr-defined]
        report = " ".join(console.export_text().split())
        whole = header_text(app.result, 10**6, whole=True)
        assert "tokenizer " in whole
        assert f"loaded (the header in full): {whole}" in report


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_two_runs_cut_to_fit_still_read_apart(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """Two runs whose labels differ only inside (as ``Qwen2.5-32B-Instruct`` and
    ``Qwen/Qwen2.5-14B-Instruct``, a SkyThought results file and a Qwen2.5-Math run folder, are
    labelled): each cut in its own middle, the header read 'accuracy Qwen…ruct 0.740 /
    Qwen…ruct 0.200' at 80 columns, which run is which not told."""
    root = tmp_path / "evals"
    for name, right in (("Qwen-Qwen2.5-32B-Instruct", 3), ("Qwen-Qwen2.5-14B-Instruct", 1)):
        folder = root / name
        folder.mkdir(parents=True)
        lines = [
            json.dumps({"prompt": f"Q{p}", "gen": "x", "answer": "1", "accuracy": int(p < right)})
            for p in range(4)
        ]
        (folder / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        shown = " ".join(str(app.main.query_one("#summary", Static).render()).split())
        found = re.search(r"accuracy (\S+) (0\.\d+) / (\S+) (0\.\d+)", shown)
        assert found, shown
        assert {found.group(2), found.group(4)} == {"0.750", "0.250"}, shown
        assert found.group(1) != found.group(3), shown

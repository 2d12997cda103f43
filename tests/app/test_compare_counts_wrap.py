"""The compare screen's counts and headline at narrow widths: a line breaks between items, a
count never apart from its word."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from evaltui.app.screens.compare import CompareScreen
from evaltui.data.compare import CLASSES
from tests.app.conftest import settle, write_evals
from tests.app.test_wide_text_cells import screen_lines

LONG_A = "DeepSeek-R1-Distill-Qwen-32B-Instruct-2501"
LONG_B = "Meta-Llama-3.1-70B-Instruct-Turbo"


def long_named_runs(root: Path) -> Path:
    """The two runs of write_evals in folders named as models are (long names)."""
    evals = write_evals(root / "evals")
    runs = root / "runs"
    runs.mkdir()
    shutil.move(evals / "model_a", runs / LONG_A)
    shutil.move(evals / "model_b", runs / LONG_B)
    return runs


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_compare_counts_break_between_items(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """At 60x20 the counts beside the matrix were wrapped at any space: 'improved 16 ·
    regressed' over '22 · unchanged 22', 'mean over 60 prompts: A' over '0.625 → B 0.619',
    and the headline's 'p =' ended a line, its value alone on the next. The lines past the
    top's room were cut off with no mark ('only in B: 0 prompts' not on screen): the test's
    name goes first (the headline has its p), then a last line ends with '…'."""
    app = make_app(long_named_runs(tmp_path))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.pause()
        lines = [line.strip() for line in screen_lines(app)]
        top = "\n".join(lines[:12])
        for word in ("improved", "regressed", "unchanged"):
            assert any(
                f"{word} " in line and line.split(f"{word} ")[1][:1].isdigit() for line in lines
            ), (word, top)
        assert any("p = " in line for line in lines), top
        # The test is named: beside its p when its line in the counts is left out (at 60x20
        # 'p = 0.0625' stood alone on the headline's second line, no test named).
        assert "p: sign test on per-prompt pass rates" in " ".join(lines[:12]) or any(
            re.search(r"p = [\d.]+ \(sign test\)", line) for line in lines[:3]
        ), top
        assert "only in A: 1 prompt" in top and "only in B: 0 prompts" in top, top
        assert "(not compared)" in top or "only in B: 0 prompts …" in top, top
        # The table's last column is whole: at 60x20 the vertical scrollbar that came once the
        # top was laid out took its two cells ('A solve' over 'alway', no mark).
        header = next(line for line in lines if line.startswith("Δ B−A"))
        assert not header.endswith(("solve", "solv", "sol", "A gen", "ge")), header
        words = [line.split()[-1] for line in lines if line.startswith(("0.", "-0.", "+0."))]
        cut = [w for w in words if any(c.startswith(w) and c != w for c in CLASSES)]
        assert words and not cut, lines
        mean = next(line for line in lines if "mean over" in line)
        assert "A " in mean or any(line.startswith("A ") and "→ B" in line for line in lines), top
        for line in lines[:12]:
            # No line starts with a count cut from its word, nor ends with a word cut from it.
            assert not line.endswith(("regressed", "improved", "unchanged", "p =", " A")), top
            assert not re.match(r"[-+]?[\d.]+( ·| →|$)", line), top


def test_a_chunk_wider_than_the_screen_wraps_in_cells() -> None:
    """A headline chunk holding a CJK run label (e.g. 'mean over 8 prompts: 模型…') wider than
    the screen was wrapped by textwrap in characters: a 48-cell line on a 30-cell screen."""
    from evaltui.app.screens.compare import fill
    from evaltui.data.sanitize import cell_width

    label = "模型评测结果很长的名字第一个版本二号"
    out = fill(["mean:", f"A {label} 0.625 → B {label} 0.619", "end"], 30)
    assert max(cell_width(line) for line in out.splitlines()) <= 30
    assert " ".join(out.split()).replace(" ", "") == f"mean:A{label}0.625→B{label}0.619end"

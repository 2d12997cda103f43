"""The header after a re-score of several runs keeps the flipped count and, where they fit, their
stored accuracy (Pilot): the re-score's parts are spelled shorter until those fit."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.app.conftest import settle
from tests.app.test_follow_app import wait_until
from tests.app.test_rescore_dialog import ask, header
from tests.data.test_rescore_lm_eval import ASDIV, REAL


@pytest.mark.parametrize(
    ("size", "first", "second", "end"),
    [
        # At 60 columns the flipped count (what the re-score was asked for) and the counts
        # take the second line: the stored accuracies give way, counted in "+N more (t)".
        ((60, 20), "", "notes 3 (b) · 8 flipped (d) · unscored 24", " more (t)"),
        (
            (80, 24),
            " · stored 0.417–0.920",
            "notes 3 (b) · unscored 24 · new over 166 of 170",
            " more (t)",
        ),
        # One cell short of "+6 (t)" since truthfulqa's 20 generations have no reference
        # (readers36: "unscored 4" became "unscored 24"): the parts after it were a bare "…".
        # The stored accuracies' labels shorter (their range), the parts left off are counted.
        (
            (120, 35),
            " · stored accuracy 0.417–0.920 by run · unscored 24",
            "notes 3 (b) · new over 166 of 170 · 8 verdicts flipped (d)",
            " · +3 more (t)",
        ),
    ],
)
async def test_the_stored_accuracies_stay_in_a_narrow_header(
    tmp_path: Path, make_app: Any, size: tuple[int, int], first: str, second: str, end: str
) -> None:
    """The published lm_eval runs (five: two Qwen3-8B, asdiv, truthfulqa's bleu, tgpred's mae)
    re-scored by exact: the header's second line read 'notes 2 (b) …' at 60, 80 and 120
    columns, the stored accuracies and the unscored generations left off without a word (the
    one part beside the accuracy took 100+ cells). The flipped count stays at every width (at
    60 and 80 columns it was left off). Unscored: 4 of the runs' and truthfulqa_gen's 20, whose
    constant doc_to_target " " is no reference (an exact re-score has nothing to match)."""
    folder = tmp_path / "lm_eval"
    shutil.copytree(REAL / "lm-evaluation-harness", folder / "harness")
    shutil.copytree(ASDIV, folder / "asdiv")
    app = make_app(folder)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await ask(pilot, "exact", "all")
        await settle(pilot)
        assert app.rescored is not None
        lines = header(app).splitlines()
        assert len(lines) == 2, lines
        assert lines[0] == "runs 5 · prompts 20–60 · accuracy 0.000–1.000 (t)" + first, lines
        assert lines[1].startswith(second), lines
        assert "unscored 24" in header(app), lines
        assert " 8 flipped (d)" in lines[1] or " 8 verdicts flipped (d)" in lines[1], lines
        assert lines[1].endswith(end), lines  # the parts left off are counted, or marked
        assert all(len(line) <= size[0] - 2 for line in lines), lines


async def test_the_unscored_count_stays_after_a_re_score_of_many_runs(
    tmp_path: Path, make_app: Any
) -> None:
    """The 14 published runs of the fixtures re-scored by exact, at 60x20: the header's
    second line read 'bad lines 33 · notes 7 (b) · stored 0.000–1.000 …', the unscored count
    left off without a word (the stored accuracies and it do not fit on one line of 58 cells);
    the stored accuracies are now what gives way, counted in '+N more (t)'."""
    app = make_app(REAL.parent)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await ask(pilot, "exact", "all")
        await settle(pilot)
        assert app.rescored is not None
        assert app.rows is not None
        unscored = int(app.rows["count"].sum() - app.rows["n_scored"].sum())
        assert unscored > 0
        lines = header(app).splitlines()
        assert len(lines) == 2, lines
        assert f"unscored {unscored:,}" in lines[1], lines
        assert lines[1].endswith(" more (t)"), lines
        assert all(len(line) <= 58 for line in lines), lines
        # Wider, the stored accuracies are on the line again.
        await pilot.resize_terminal(120, 35)
        # (the header is fitted to the new width a layout after the resize: waited for)
        await wait_until(pilot, lambda: "stored accuracy " in header(app))
        assert "stored accuracy " in header(app), header(app)

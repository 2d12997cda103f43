"""The compare screen says what ``evaltui compare`` warns of: two runs scored by different
metrics were compared on it with no word of it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from evaltui.app.screens.compare import CompareScreen
from tests.app.conftest import settle, write_evals
from tests.app.test_follow_app import wait_until
from tests.app.test_wide_text_cells import screen_lines

LONG_A = "meta-llama__Meta-Llama-3.1-70B-Instruct"
LONG_B = "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B"


def two_metrics(root: Path) -> Path:
    """Two runs of 6 prompts × 4 samples, one scored by exact_match, the other by f1 (0/1)."""
    for run, metric in ((LONG_A, "exact_match"), (LONG_B, "f1[red]\x1b[31m")):
        (root / run).mkdir(parents=True)
        lines = [
            json.dumps(
                {
                    "prompt": f"Problem {p}",
                    "gen": "so \\boxed{1}",
                    "answer": "1",
                    "accuracy": {metric: float((p + s + len(metric)) % 2)},
                }
            )
            for p in range(6)
            for s in range(4)
        ]
        (root / run / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(("size", "rows"), [((80, 24), 6), ((60, 20), 5)])
async def test_compare_screen_warns_of_two_metrics(
    tmp_path: Path, make_app: Any, size: tuple[int, int], rows: int
) -> None:
    """At 80x24 and 60x20: the warning `evaltui compare` prints is on the screen with both
    runs' metrics read whole (cut as one line at 80 columns, run B's was lost), each metric's
    name (untrusted) literal with its control character made visible; the table keeps rows."""
    app = make_app(two_metrics(tmp_path / "runs"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)

        def drawn() -> list[str]:
            return [line.rstrip() for line in screen_lines(app)]

        # The warning and the table are drawn layouts after the screen: waited for (a settle
        # under load read the table with 3 of its rows drawn), failing with the lines drawn.
        def ready(lines: list[str]) -> bool:
            warned = any("warning:" in line for line in lines)
            return warned and sum("Problem " in line for line in lines) >= rows

        deadline = time.monotonic() + 30
        while not ready(lines := drawn()):
            assert time.monotonic() < deadline, lines
            await pilot.pause(0.05)
        at = next(i for i, line in enumerate(lines) if "warning:" in line)
        assert lines[at].strip() == "warning: the two runs' scores are not the same metric:"
        # Run A (the first in the app's order) is the f1 one: its name as written, made visible.
        assert lines[at + 1].strip() == "A: f1[red]\u241b[31m: accuracy (0/1)", lines
        assert lines[at + 2].strip() == "B: exact_match: accuracy (0/1)", lines
        assert all(len(line) <= size[0] and "…" not in line for line in lines[at : at + 3])
        assert sum("Problem " in line for line in lines) >= rows, lines  # rows still shown


async def test_compare_fits_its_top_to_the_warnings_laid_out_after_the_fit(
    tmp_path: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 60x20 the top is fitted at once when the comparison comes (as when the refresh the
    fit waits for comes before the layout of the warnings just shown: a busy machine): it read
    the three warning lines as none, kept 8 lines for the counts, and the table showed 3 of its
    5 rows for good. The top is fitted again once the warnings are laid out."""
    real = CompareScreen.call_after_refresh

    def fit_before_layout(self: CompareScreen, callback: Any, *args: Any, **kwargs: Any) -> bool:
        if getattr(callback, "__func__", None) is CompareScreen.fit_top:
            callback(*args, **kwargs)  # before the layout of what changed
            return True
        return real(self, callback, *args, **kwargs)

    monkeypatch.setattr(CompareScreen, "call_after_refresh", fit_before_layout)
    app = make_app(two_metrics(tmp_path / "runs"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        warnings = screen.query_one("#compare-warnings")
        await wait_until(pilot, lambda: warnings.outer_size.height == 3)  # laid out

        def drawn() -> list[str]:
            return [line.rstrip() for line in screen_lines(app)]

        def rows(lines: list[str]) -> int:
            return sum("Problem " in line for line in lines)

        deadline = time.monotonic() + 30
        while rows(lines := drawn()) < 5:
            assert time.monotonic() < deadline, lines  # was 3 rows under 8 lines of counts
            await pilot.pause(0.05)
        assert any("warning:" in line for line in lines), lines
        assert all(len(line) <= 60 for line in lines), lines


async def test_compare_screen_of_one_metric_has_no_warning_line(
    tmp_path: Path, make_app: Any
) -> None:
    """Two runs of one score: no warning, and no line kept for one."""
    app = make_app(write_evals(tmp_path / "evals"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert not app.screen.query_one("#compare-warnings").display
        assert not any("warning:" in line for line in screen_lines(app))


async def test_compare_screen_says_the_bad_lines_as_the_report_does(
    tmp_path: Path, make_app: Any
) -> None:
    """At 80x24, under the prompt only in one run, the load's bad lines as `evaltui compare`
    says them (a prompt whose lines are bad in a run is "only in" the other): the screen said
    "only in A: 1 prompt" and no word of the two bad lines."""
    from tests.app.test_compare_counts_wrap import long_named_runs

    app = make_app(long_named_runs(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.pause()
        comparison = app.screen.comparison
        assert comparison is not None
        lines = [line.strip() for line in screen_lines(app)]
        # The counts beside the matrix: the left part of the top's lines.
        left = " ".join(line.split("   ")[0] for line in lines[2:12])
        warning = comparison.bad_lines_warning(2, below=False)
        assert warning == (
            "the load has 2 bad lines: a prompt whose lines are bad in one run counts as only "
            "in the other"
        )
        assert "only in A: 1 prompt · only in B: 0 prompts" in left, lines
        assert f"({warning})" in left, lines
        # The report's words (it adds where they are listed).
        assert f"({warning.replace('lines:', 'lines (see below):')})" in comparison.report(2)


async def test_compare_screen_says_what_its_mean_is_over_as_the_report_does(
    tmp_path: Path, make_app: Any
) -> None:
    """A prompt unscored in one run: the report says its mean is over "the 3 prompts scored
    in both"; the screen said "mean over 3 prompts" beside "4 prompts in both runs"."""
    root = tmp_path / "runs"
    for run in (LONG_A, LONG_B):
        rows: list[dict[str, object]] = [
            {"prompt": f"Problem {p}", "gen": "1", "answer": "1", "accuracy": (p + len(run)) % 2}
            for p in range(4)
        ]
        if run == LONG_B:
            rows[0].pop("accuracy")  # Problem 0 unscored in this run: not in the mean
        (root / run).mkdir(parents=True)
        text = "\n".join(json.dumps(row) for row in rows) + "\n"
        (root / run / "s.jsonl").write_text(text, encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.pause()
        comparison = app.screen.comparison
        assert comparison is not None
        assert comparison.over == "mean over the 3 prompts scored in both"
        assert comparison.over in comparison.report()
        lines = [line.strip() for line in screen_lines(app)]
        left = " ".join(line.split("   ")[0] for line in lines[2:12])
        assert f"{comparison.over}: A " in left, lines


async def test_counts_take_the_lines_a_short_table_leaves(tmp_path: Path, make_app: Any) -> None:
    """Four compared prompts at 80x24, the counts 9 lines (a prompt unscored in a run, one
    only in a run, the load's bad lines): they were cut at 8 lines ('(the load has 2 bad
    lines: a prompt whose …') above a table of 4 rows with 7 empty lines under it."""
    root = tmp_path / "runs"
    for run in (LONG_A, LONG_B):
        rows: list[dict[str, object]] = [
            {"prompt": f"Problem {p}", "gen": "1", "answer": "1", "accuracy": (p + len(run)) % 2}
            for p in range(4)
        ]
        if run == LONG_B:
            rows[0].pop("accuracy")
            rows.append({"prompt": "Only in B", "gen": "1", "answer": "1", "accuracy": 1})
        lines = [json.dumps(row) for row in rows] + ["{a bad line"]
        (root / run).mkdir(parents=True)
        (root / run / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.pause()
        await settle(pilot)
        comparison = app.screen.comparison
        assert comparison is not None
        lines = [line.rstrip() for line in screen_lines(app)]
        left = " ".join(line.strip().split("   ")[0] for line in lines[2:14])
        assert f"({comparison.bad_lines_warning(2, below=False)})" in left, lines
        assert f"{comparison.over}:" in left and "unscored in a run 1" in left, lines
        assert not any(line.endswith("…") for line in lines[2:14]), lines
        assert sum("Problem " in line for line in lines) == 4, lines  # every row in sight

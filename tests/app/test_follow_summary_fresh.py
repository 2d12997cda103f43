"""After followed updates the summary screen (t) shows what opening the final files from scratch
shows: every number, histogram and line of it, and so the same scrollbar."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.summary import SummaryScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import line, one_run, until_following, wait_until


def _summary(app: EvalApp) -> tuple[str, object, int]:
    """The summary screen's heading and report as text, its view's height and scroll range."""
    screen = app.screen
    assert isinstance(screen, SummaryScreen) and screen.report is not None
    console = Console(width=78, file=io.StringIO(), record=True)
    console.print(screen.query_one("#summary-heading", Static).render())
    console.print(screen.report)
    view = screen.query_one("#summary-view")
    return console.export_text(), view.virtual_size, view.max_scroll_y


async def _open_summary(app: EvalApp, pilot: object) -> tuple[str, object, int]:
    await pilot.press("t")  # type: ignore[attr-defined]
    await wait_until(
        pilot,  # type: ignore[arg-type]
        lambda: (
            isinstance(app.screen, SummaryScreen)
            and app.screen.shown is not None
            and not app.screen._computing
        ),
    )
    await pilot.pause(0.3)  # type: ignore[attr-defined]
    return _summary(app)


async def test_the_summary_after_followed_updates_is_a_fresh_opens(tmp_path: Path) -> None:
    """Lines appended in five writes, counted by the count-only path (the default tokenizer),
    which took over the load's self-check: the summary's last line said how the load and the
    followed lines were counted apart ("tiktoken (… on 40 texts); followed lines: tiktoken (…
    on 72 texts)"), a line more than a fresh open's, which moved the scrollbar's thumb (a "▁▁"
    beside pass@4 at 80x24)."""
    lines = [line(p, (p * 7 + s) % 5 < 3) for p in range(9) for s in range(8)]
    data, out = one_run(tmp_path, "".join(lines[:40]), "meta-llama/Meta-Llama-3.1-70B-Instruct")
    options = LoadOptions(use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.result is not None and app.result.complete)
        await until_following(pilot, app)
        for start, end in ((40, 47), (47, 54), (54, 61), (61, 68), (68, 72)):
            with out.open("a", encoding="utf-8") as handle:
                handle.write("".join(lines[start:end]))
            await wait_until(
                pilot,
                lambda end=end: (  # type: ignore[misc]
                    app.result is not None
                    and app.result.stats["count"].sum() == end
                    and app._building_since is None
                ),
            )
        await pilot.pause(0.3)
        followed = await _open_summary(app, pilot)
        await pilot.press("ctrl+q")
    assert "generations                                  72" in followed[0]
    assert "followed lines" not in followed[0]

    fresh = EvalApp([str(data)], options)
    async with fresh.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: fresh.result is not None and fresh.result.complete)
        await pilot.pause(0.3)
        assert await _open_summary(fresh, pilot) == followed
        await pilot.press("ctrl+q")


async def test_a_summary_open_while_followed_updates_arrive_is_a_fresh_opens(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The summary open while two long-labelled runs grow: made again on each update, it was
    laid out beside its scrollbar, 2 cells narrower than a fresh open's (laid out before its
    report scrolled), and each run's label was cut a letter apart ("DeepSeek-R1-…ll-Qwen-32B"
    for "…ill-Qwen-32B")."""
    runs = ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "meta-llama/Meta-Llama-3.1-70B-Instruct")
    lines = {
        run: [line(p, (p * 3 + s + r) % 4 < 2) for p in range(6) for s in range(4)]
        for r, run in enumerate(runs)
    }
    data, first = one_run(tmp_path, "".join(lines[runs[0]][:8]), runs[0])
    second = data / runs[1] / "out.jsonl"
    second.parent.mkdir(parents=True)
    second.write_text("".join(lines[runs[1]][:8]), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.result is not None and app.result.complete)
        await until_following(pilot, app)
        await _open_summary(app, pilot)
        for start in (8, 16):
            for run, out in zip(runs, (first, second), strict=True):
                with out.open("a", encoding="utf-8") as handle:
                    handle.write("".join(lines[run][start : start + 8]))
            await wait_until(
                pilot,
                lambda end=start + 8: (  # type: ignore[misc]
                    app.result is not None
                    and app.result.stats["count"].sum() == 2 * end
                    and app._building_since is None
                ),
            )
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, SummaryScreen)
                and app.screen.shown is not None
                and "generations 48" in app.screen.shown.load[0]
                and not app.screen._computing
            ),
        )
        await pilot.pause(0.3)
        followed = _summary(app)
        await pilot.press("ctrl+q")
    assert "DeepSeek-R1-" in followed[0]

    fresh = EvalApp([str(data)], options)
    async with fresh.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: fresh.result is not None and fresh.result.complete)
        await pilot.pause(0.3)
        assert await _open_summary(fresh, pilot) == followed
        await pilot.press("ctrl+q")

"""The re-score dialog open while followed lines arrive counts the prompts there are (80x24)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import RadioButton

from evaltui.app.app import EvalApp
from evaltui.app.screens.rescore import RescoreScreen
from evaltui.data.loader import LoadOptions, load
from tests.app.test_follow_app import appender, line, one_run, until_following, wait_until


async def test_the_rescore_dialog_counts_the_prompts_a_writer_adds(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Opened over 2 prompts, it said 'all 2 prompts' while the table behind it grew to 6 (in
    tmux: 'all 5 prompts' over 'Showing 12 of 12'), and ctrl+s re-scored the 6."""
    data, out = one_run(tmp_path, line(1, True) + line(2, False))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_following(pilot, app)
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 2)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, RescoreScreen))
        dialog = app.screen

        def labels() -> tuple[str, str]:
            return (
                str(dialog.query_one("#scope-view", RadioButton).label),
                str(dialog.query_one("#scope-all", RadioButton).label),
            )

        assert labels()[1] == "all 2 prompts"
        chosen = dialog.query_one("#scope-all", RadioButton).value
        writer, writing = appender(out, range(3, 7), lambda p: p % 2 == 0, 0.1)
        writer.start()
        await wait_until(pilot, lambda: not writing.is_set())
        writer.join()
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 6)
        await wait_until(pilot, lambda: labels()[1] == "all 6 prompts")
        assert labels()[0].startswith("the current view's 6 prompts · ")
        assert dialog.query_one("#scope-all", RadioButton).value == chosen
        assert app.screen is dialog
        fresh = load([data], options)
        assert app.result is not None and app.result.stats.equals(fresh.stats)

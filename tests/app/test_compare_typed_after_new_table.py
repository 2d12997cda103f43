"""Keys typed right behind one that makes the compare table again (g, i, [ or ] read in one
burst: tmux send-keys, fast typing on a busy app) act on the new table: they were handed to
the table being replaced (the focus moved to the new one a message later) and were lost, 'g'
then 'j j enter' opened the first regressed prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_compare_back_from_prompt import two_runs
from tests.app.test_follow_app import wait_until
from tests.app.test_input_key_order import burst


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("key", ["g", "i", "right_square_bracket", "left_square_bracket"])
async def test_keys_behind_a_new_compare_table_act_on_it(
    tmp_path: Path, word_tokenizer: Path, size: tuple[int, int], key: str
) -> None:
    data = two_runs(tmp_path / "data")
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 120)
        await pilot.press("m")  # two runs: compared at once
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_until(pilot, lambda: screen.cursor_prompt_id() is not None)
        burst(app, [key, "j", "j", "j", "enter"])
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        # The fourth of the rows the key shows (the first before the j's moved the old table).
        assert prompt.prompt_id == str(screen.rows["prompt_id"][3])
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        table = screen.current_table()
        assert table is not None and table.cursor_row == 3
        await pilot.press("ctrl+q")

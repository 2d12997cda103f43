"""A view no prompt matches names the score column as the table does (80×24)."""

from __future__ import annotations

from pathlib import Path

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle
from tests.app.test_labels_at_80 import _plain_run, _table_header
from tests.app.test_screens import screen_text


async def test_a_view_of_no_prompt_names_the_score_column_as_the_table_does(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A bleu-like run (scores 0–100, no accuracy): its table's column reads 'mean score'; a
    filter matching nothing emptied the table, and the column read 'accuracy' (named by the
    view's rows, of which there were none)."""
    folder = _plain_run(tmp_path / "bleu", [12.5, 40.0, 77.0])
    app = EvalApp([str(folder)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = _table_header(screen_text(app))
        assert "mean score" in header and "accuracy" not in header, header
        await pilot.press("slash", *"n > 100", "enter")
        await settle(pilot)
        screen = screen_text(app)
        assert "Showing 0 of 3 prompts" in screen, screen
        header = _table_header(screen)
        assert "mean score" in header and "accuracy" not in header, header
        assert ("average_accuracy", "mean score") in app.main.sortable_columns()

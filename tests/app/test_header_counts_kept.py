"""The header keeps the note and bad-line counts at 80 columns when they fit only without room
for the mark of the parts after them (Pilot)."""

from __future__ import annotations

from typing import Any

from evaltui.app.screens.main import _lines
from tests.app.conftest import settle
from tests.app.test_rescore_dialog import header
from tests.data.test_rescore_lm_eval import REAL


async def test_the_notes_stay_when_they_fill_the_first_line_exactly(make_app: Any) -> None:
    """The fixtures' four published lm_eval runs at 80x24: 'runs 4 · prompts 20–60 · accuracy
    0.417–0.417 (t) · bad lines 0 · notes 1 (b)' is 77 cells, the header's width: on one line
    the notes gave way to ' …' (the header read '… · bad lines 0 …', no notes count; the same
    with the four runs of real-world/lm_eval, notes 3)."""
    app = make_app(REAL / "lm-evaluation-harness")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = header(app)
        notes = len(app.result.notes)
        assert notes > 0
        assert f"notes {notes} (b)" in text, text
        assert all(len(line) <= 78 for line in text.splitlines()), text


def test_counts_that_fill_the_line_move_the_rest_to_a_second() -> None:
    parts = ["runs 4", "prompts 20–90", "accuracy 0.200–0.677 (t)", "bad lines 0", "notes 3 (b)"]
    parts += ["generations 214", "files 9", "tokenizer t", "counted by c"]
    line = " · ".join(parts[:5])
    text, _left = _lines(parts, len(line))
    assert text.splitlines()[0] == line, text
    assert text.splitlines()[1].startswith("generations 214"), text
    # With a cell to spare for the mark, one line as before.
    text, left = _lines(parts, len(line) + 16)
    assert text == f"{line} · +4 more (t)", text
    assert left == 4

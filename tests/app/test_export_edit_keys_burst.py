"""The export dialog's path box edited with its keys (ctrl+a ctrl+k, ctrl+u) typed in one burst
with the path and ctrl+s, as tmux send-keys or a fast typist delivers them: the kind list has the
focus when the dialog opens, and those keys were run after the path typed behind them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaltui.app.screens.export import ExportScreen
from tests.app.conftest import settle
from tests.app.test_dialog_burst import send_together
from tests.app.test_follow_app import wait_until

NAMES = {"/": "slash", ".": "full_stop", "_": "underscore", "-": "minus"}


def typed(text: str) -> list[tuple[str, str | None]]:
    return [(NAMES.get(c, c), c) for c in text]


@pytest.mark.parametrize(
    "edit", [[("ctrl+a", "\x01"), ("ctrl+k", "\x0b")], [("ctrl+u", "\x15")]], ids=["a-k", "u"]
)
async def test_editing_keys_then_a_path_and_ctrl_s_in_one_burst_write_that_path(
    evals: Path, make_app: Any, tmp_path: Path, edit: list[tuple[str, str | None]]
) -> None:
    """'e', then 'ctrl+a ctrl+k /tmp/e2e44/x2.json ctrl+s' at once (tmux, 80x24 and 60x20): the
    box was empty when ctrl+s came (ctrl+a and ctrl+k reached the app's bindings after the
    path's keys, with the focus moved to the box by then) and nothing was written; the dialog
    stayed open. ctrl+u likewise."""
    app = make_app(evals)
    out = tmp_path / "typed-out.json"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        await settle(pilot)
        send_together(app, *edit, *typed(str(out)), ("ctrl+s", "\x13"))
        await wait_until(pilot, lambda: not isinstance(app.screen, ExportScreen), seconds=15)
        await settle(pilot)
        rows = json.loads(out.read_text(encoding="utf-8"))
        assert app.rows is not None
        assert len(rows) == app.rows.height

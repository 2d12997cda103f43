"""Toasts asked for while a dialog is open wait until it closes: stacked on the right half at
80x24 they covered the export dialog's formats and the sort menu's columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets._toast import Toast

from evaltui.app.screens.dialog import Dialog
from tests.app.conftest import settle
from tests.app.test_follow_app import wait_until

NOTE = "meta-llama/Meta-Llama-3.1-70B-Instruct/samples_gsm8k.jsonl is gone: its rows were removed"
WARNING = "2 files of lm-eval:gsm8k were not re-scored: their task is not in the installed lm_eval"


def toasts(app: Any) -> list[str]:
    """The texts of the toasts on the screen on top."""
    return [str(t.render()) for t in app.screen.query(Toast)]


def toasts_over_focus(app: Any) -> list[str]:
    """The toasts drawn over the focused widget of the screen on top."""
    focused = app.screen.focused
    assert focused is not None
    return [str(t.render()) for t in app.screen.query(Toast) if t.region.overlaps(focused.region)]


async def test_toasts_wait_until_the_dialog_closes(evals: Path, make_app: Any) -> None:
    """A followed file's note and a re-score's warning come while the export dialog, then the
    sort menu, is open: they covered the formats' choices and the column list, the keys'
    focus; they are shown once the dialog closes, on the table. An error is shown at once."""
    app = make_app(evals)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        for key in ("e", "s"):
            await pilot.press(key)
            await wait_until(
                pilot, lambda: isinstance(app.screen, Dialog) and app.screen.focused is not None
            )
            app.notify(WARNING, title="not re-scored", severity="warning")
            app.notify(NOTE, title="follow")
            assert len(app.held_notes) == 2
            await pilot.pause(0.3)
            assert toasts_over_focus(app) == []
            assert not app.screen.query(Toast)
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is app.main and len(toasts(app)) == 2)
            shown = toasts(app)
            assert any("not re-scored" in s for s in shown), shown
            assert any("is gone: its rows were removed" in s for s in shown), shown
            app.clear_notifications()
            await wait_until(pilot, lambda: not toasts(app))

        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, Dialog))
        app.notify("could not write out.json: disk full", severity="error")
        await wait_until(pilot, lambda: any("disk full" in s for s in toasts(app)))
        await pilot.press("escape")
        await pilot.press("ctrl+q")

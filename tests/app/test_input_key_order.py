"""Editing keys read in one burst take effect in order: Textual ran a text box's bindings
(backspace, ctrl+u) once the key had bubbled up to the app, after the characters queued behind
it were inserted (an app busy with a followed update reads the keys typed meanwhile at once)."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input

from evaltui.app.app import EvalApp
from evaltui.app.screens.export import ExportScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import line, one_run, wait_until


def burst(app: EvalApp, keys: list[str]) -> None:
    """The keys as the driver hands over keys read together: all queued before any is handled."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


async def test_keys_typed_in_a_burst_edit_the_filter_and_the_export_path_in_order(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data, _out = one_run(tmp_path, line(1, True) + line(2, False))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 2)
        await pilot.press("slash")
        box = app.main.query_one("#filter", Input)
        await wait_until(pilot, lambda: box.has_focus)
        burst(app, ["a", "b", "c", "backspace", "d"])
        await wait_until(pilot, lambda: len(box.value) >= 2)
        await pilot.pause(0.2)
        assert box.value == "abd"  # was 'abc': the backspace took the d
        await pilot.press("escape")
        # (the box hands the focus back to the table a message later: an e before it was typed)
        await wait_until(pilot, lambda: not box.has_focus)

        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        path = app.screen.query_one("#export-path", Input)
        await pilot.press("tab")
        await wait_until(pilot, lambda: path.has_focus)
        target = str(tmp_path / "rec.json")
        burst(app, ["ctrl+u", *target])
        await wait_until(pilot, lambda: path.value.endswith("json"))
        await pilot.pause(0.2)
        assert path.value == target  # the default's ctrl+u took what was typed after it
        await pilot.press("escape")
        await pilot.press("ctrl+q")

"""The export dialog's error names the source that cannot be exported: shown literally, its
control characters made visible."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.export import ExportScreen
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle
from tests.app.test_hostile_notifications import NAME, RAW, sent_to_terminal


def record(prompt: int) -> str:
    return json.dumps({"prompt": f"P{prompt}", "gen": "g", "answer": "1", "accuracy": 1}) + "\n"


async def test_a_records_export_refused_shows_the_source_inert(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A records export of a file changed since it was loaded is refused with "<source> has
    changed since it was loaded": the dialog showed the source's name raw, so a file named with
    OSC 0 / ESC[2J retitled and cleared the terminal from the export dialog."""
    folder = tmp_path / "data" / "m"
    folder.mkdir(parents=True)
    source = folder / f"x{NAME}.jsonl"
    source.write_text(record(1) + record(2), encoding="utf-8")
    app = EvalApp([str(tmp_path / "data")], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # rewritten since it was loaded (lines appended past the rows read would be exported)
        source.write_text(record(3), encoding="utf-8")
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#kind-records").value = True  # type: ignore[attr-defined]
        await pilot.pause()
        screen.query_one("#export-path", Input).value = str(tmp_path / "r.jsonl")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        error = str(screen.query_one("#export-message", Static).render())
        assert "m/x␛]0;PWNED␇␛[2J\ufffd31m\ufffd␍[@click=app.quit]x.jsonl has changed" in error
        shown = sent_to_terminal(app)
        assert "␛]0;PWNED␇" in shown and RAW.search(shown) is None, RAW.findall(shown)
        assert not (tmp_path / "r.jsonl").exists()
        await pilot.press("escape", "q")

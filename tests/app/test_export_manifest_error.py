"""The export dialog's error for an output whose manifest cannot be written names the file the
user typed and says its manifest failed: it named a folder at the manifest's name as the
output's fault ('cannot write x.json: a folder, not a file: give a file path') (80×24)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from evaltui.app.screens.export import ExportScreen
from evaltui.data.marks import MANIFEST_SUFFIX
from tests.app.conftest import settle
from tests.app.test_app import static_text


async def test_the_dialog_names_the_output_whose_manifest_failed(
    evals: Path, make_app: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    (folder / f"stats.json{MANIFEST_SUFFIX}").mkdir(parents=True)
    target = folder / "stats.json"
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        message = static_text(app, "#export-message")
        assert message == (
            f"cannot write {target}: its manifest stats.json{MANIFEST_SUFFIX} beside it:"
            " a folder is there"
        )
        await pilot.press("ctrl+q")
    assert sorted(p.name for p in folder.iterdir()) == [f"stats.json{MANIFEST_SUFFIX}"]

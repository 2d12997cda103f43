"""An export that fails midway (the disk full after some bytes) leaves the file it was to
replace as it was and no temp file; the dialog says why as headless commands do ("cannot
write PATH: No space left on device", not "[Errno 28] No space left on device: 'PATH'",
the path twice), stays open, and Export again writes the file once there is room (80×24)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from evaltui.app.screens.export import ExportScreen
from evaltui.data.export import atomic_open
from tests.app.conftest import settle
from tests.app.test_app import static_text


async def test_an_export_failing_midway_keeps_the_old_file_and_can_be_tried_again(
    evals: Path, make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import evaltui.app.screens.export as screen_module

    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "stats.json"
    target.write_text("OLD\n", encoding="utf-8")
    real = screen_module.export_view

    def disk_full(*args: Any, **kwargs: Any) -> Any:
        with atomic_open(target) as handle:
            handle.write("[\n  {")  # some bytes written, then the disk is full
            handle.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(screen_module, "export_view", disk_full)
    app = make_app(evals)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")  # the file is there: asks to overwrite it
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        message = static_text(app, "#export-message")
        assert message == f"cannot write {target}: No space left on device"
        assert target.read_text(encoding="utf-8") == "OLD\n"
        assert sorted(p.name for p in folder.iterdir()) == ["stats.json"]
        monkeypatch.setattr(screen_module, "export_view", real)  # room again
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        await pilot.press("ctrl+q")
    rows = json.loads(target.read_text(encoding="utf-8"))
    assert rows and all("prompt" in row for row in rows)
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]

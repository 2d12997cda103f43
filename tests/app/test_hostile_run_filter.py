"""The view's words (the status line, the export dialog's title) name a run picked with r as
a label made safe: its control characters visible, its markup text, cut in the middle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Label, Static

from evaltui.app.screens.export import ExportScreen
from tests.app.conftest import settle
from tests.app.test_hostile_notifications import RAW, sent_to_terminal

FOLDER = "run\x1b]0;pwned\x07\x1b[2J\u202e\u200d[b]bold[@click=app.quit]q"


def write(root: Path) -> Path:
    for folder in (FOLDER, "plain"):
        lines = [
            json.dumps({"prompt": f"Q{p}?", "gen": f"\\boxed{{{p}}}", "answer": str(p)})
            for p in range(3)
        ]
        (root / folder).mkdir(parents=True)
        (root / folder / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("size", [(80, 24), (200, 24)])
async def test_a_hostile_run_picked_with_r_is_named_visibly(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    # The label went into the status line raw: at 200 columns the terminal was sent
    # "run=run ESC]0;pwned ESC[2J U+202E…" (an OSC left open, the screen cleared); at 80 the
    # line ended in "·", the label wrapped out of sight.
    app = make_app(write(tmp_path / "evals"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        runs = app.screen.runs()
        await pilot.press(*["r"] * (runs.index(FOLDER) + 1))
        await settle(pilot)
        assert app.view.run == FOLDER
        status = str(app.screen.query_one("#status", Static).render())
        assert RAW.search(status) is None, repr(status)
        whole = "run=run␛]0;pwned␇␛[2J��[b]bold[@click=app.quit]q"
        if size[0] == 80:  # cut in the middle to the line's room, both ends kept
            assert "run=run␛]0;pwned␇" in status and status.endswith("[@click=app.quit]q")
            assert whole not in status and "…" in status
        else:
            assert whole in status
        sent = sent_to_terminal(app)
        assert RAW.search(sent) is None
        # On screen too: at 80 columns the status line wrapped to a second line that its one
        # row hides, and ended in "·" with no sign of the run; then it was cut at its end
        # ("run=run␛]0;pwned␇␛[2J��[b]bo…"), now the label is cut in its middle.
        shown = next(line for line in sent.splitlines() if "Showing" in line).rstrip()
        assert "run=run␛]0;pwned␇" in shown, shown
        assert shown.endswith("[@click=app.quit]q"), shown
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        title = str(app.screen.query_one("#export-title", Label).render())
        assert RAW.search(title) is None, repr(title)
        assert "run=run␛]0;p" in title
        assert RAW.search(sent_to_terminal(app)) is None

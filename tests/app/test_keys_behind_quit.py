"""Keys read in one go with the q that quits (tmux 'q s', fast typing): the sort menu opened as
the app closed, crashed mounting its list, and the terminal got a traceback (exit status 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events

from tests.app.conftest import settle, write_evals


async def test_a_key_behind_q_goes_nowhere(tmp_path: Path, make_app: Any) -> None:
    app = make_app(write_evals(tmp_path / "evals"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Both read before either is handled, as from one write to the terminal.
        app.post_message(events.Key("q", "q"))
        app.post_message(events.Key("s", "s"))
        await pilot.pause(0.5)
    assert app.return_code == 0
    assert not app._exit_renderables  # no traceback printed at exit

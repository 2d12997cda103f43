"""A worker's message handled while the app shuts down is dropped, not a crash."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from evaltui.app.app import EvalApp
from evaltui.app.messages import FollowStatus
from evaltui.data.loader import LoadOptions
from tests.app.conftest import write_evals


async def test_follow_lines_posted_as_the_app_shuts_down_are_dropped(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A follower posts its line after every poll, from its own thread, until it is stopped.
    Pilot's run_test shuts the app down while the app's queue still runs: a follow line handled
    then found the main screen's widgets removed and the test ended in ``NoMatches: No nodes
    match '#progress'`` (test_follow_export_retry failed so under load). Lines posted every
    half millisecond across the shutdown make it happen on every run of the old app."""
    data = write_evals(tmp_path / "evals")
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    stop = threading.Event()
    posted = [0]

    def follower() -> None:
        while not stop.is_set():
            app.post_message(FollowStatus("following · 1 new generation in the last minute"))
            posted[0] += 1
            time.sleep(0.0005)

    thread = threading.Thread(target=follower, daemon=True)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            while app.rows is None:
                await pilot.pause(0.05)
            thread.start()
            while posted[0] < 20:
                await pilot.pause(0.01)
            # The lines handled while running are shown, as before.
            assert "following · 1 new generation" in str(app.main.query_one("#progress").render())
    finally:
        stop.set()
        thread.join()

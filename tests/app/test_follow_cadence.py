"""The follow worker's cadence (``EvalApp._follow`` on a clock of its own): how long a line waits
for the poll that reads it, while lines keep coming and after a quiet spell."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from evaltui.app import app as app_module
from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions

SHOWN = 0.05
"""Seconds from a poll's start to its update painted on a quiet machine, a MB appended
(``benchmarks/bench_follow_app.py``: painted median 0.55 s, of it 0.5 s the wait for the poll)."""

TARGET = 1.0
"""Seconds from a line written to it on screen, at the 95th percentile (issue 13)."""

HEARTBEAT = 1.0
"""Seconds after which the watcher hands over an empty batch (``Follower._watcher``)."""


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class _Follower:
    """Inputs written at ``writes`` (clock times), read by polls that take ``work`` seconds;
    the watcher hands a change over ``handover`` seconds after it is asked, or after the write
    when it waits for one, or an empty batch after :data:`HEARTBEAT` seconds. Stops the loop
    after ``count`` polls (its stop event's waits pass on the clock)."""

    def __init__(
        self, clock: _Clock, writes: list[float], work: float, handover: float, count: int
    ) -> None:
        self.clock, self.writes, self.work, self.given = clock, writes, work, handover
        self.count = count
        self.polls: list[float] = []
        self.read_at = 0.0
        self.read: list[tuple[float, float]] = []
        """(the write, the start of the poll that read it)"""
        self.live = SimpleNamespace(appended=0)

    def poll(self, *, catch_up: bool = False) -> object:
        now = self.clock.now
        self.polls.append(now)
        new = [w for w in self.writes if self.read_at < w <= now]
        self.read += [(w, now) for w in new]
        self.read_at = now
        self.clock.now += self.work
        if not new:
            return None
        self.live.appended += 1
        return SimpleNamespace(result=SimpleNamespace(stats=None), notes=[])

    def status_wordings(self) -> tuple[str, ...]:
        return ("following",)

    def handover(self) -> float:
        return self.given

    def wait(self, timeout: float, stop: threading.Event | None = None) -> bool:
        now = self.clock.now
        if any(self.read_at < w <= now for w in self.writes):  # written meanwhile
            self.clock.now += self.given
            return True
        coming = [w for w in self.writes if now < w <= now + HEARTBEAT]
        if coming:
            self.clock.now = coming[0] + self.given
            return True
        self.clock.now += HEARTBEAT
        return False

    # the worker's stop event
    def is_set(self) -> bool:
        return len(self.polls) >= self.count

    def stop_wait(self, timeout: float | None = None) -> bool:
        self.clock.now += timeout or 0.0
        return self.is_set()


def _follow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, follower: _Follower, clock: _Clock
) -> list[object]:
    app = EvalApp([str(tmp_path)], LoadOptions(), follow=True)
    app.following.set()
    posted: list[object] = []
    monkeypatch.setattr(app, "post_message", posted.append)
    monkeypatch.setattr(time, "monotonic", clock)
    stop = SimpleNamespace(is_set=follower.is_set, wait=follower.stop_wait)
    app._follow(follower, stop)  # type: ignore[arg-type]
    return posted


@pytest.mark.parametrize(("work", "handover"), [(0.04, 0.1), (0.01, 0.0), (0.2, 0.1)])
def test_a_line_written_as_a_poll_begins_is_read_in_time_to_be_shown_within_a_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, work: float, handover: float
) -> None:
    """While lines keep coming, polls start FOLLOW_MIN_INTERVAL apart (with file-system events
    or polling), so a line written just after a poll read its file waits that long for the next
    poll, then ~0.05 s for its update to be painted: the wait must leave that room under the
    1 s target. At 1.0 s apart the 95th percentile of the delay was 0.99-1.06 s (0.95 s for the
    poll, then the update). Never sooner than the interval either: each update costs ~23 ms of
    CPU whatever its size."""
    clock = _Clock()
    writes = [100.0 + 0.06 * i for i in range(1, 300)]  # a writer that never pauses
    follower = _Follower(clock, writes, work, handover, 12)
    posted = _follow(tmp_path, monkeypatch, follower, clock)
    gaps = [b - a for a, b in itertools.pairwise(follower.polls)]
    assert len(gaps) == 11 and len(posted) >= 11
    assert max(gaps) + SHOWN <= TARGET + 1e-9, gaps
    assert min(gaps) >= app_module.FOLLOW_MIN_INTERVAL - 1e-9, gaps


@pytest.mark.parametrize("after", [0.05, 0.2, 0.4, 0.6, 0.8, 1.3, 2.7])
def test_a_line_written_after_a_quiet_spell_is_read_at_the_watchers_handover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: float
) -> None:
    """Nothing written for 3 s, then a line ``after`` s past a quiet look: the next poll begins
    as the watcher hands the write over, not after the rest of a pause. The look after the
    watcher's empty heartbeat found nothing, so there was no update to space out; it paused
    ~0.85 s all the same, and a write then waited for the pause's end (0.08-1.02 s to the
    screen, median 0.24 s, writes 2-4 s apart in the app). Updates stay an interval apart."""
    clock = _Clock()
    handover = 0.1
    follower = _Follower(clock, [100.0, 104.0 + after], 0.03, handover, 9)
    _follow(tmp_path, monkeypatch, follower, clock)
    _, (write, read) = follower.read
    assert write == 104.0 + after
    assert read - write <= handover + 1e-9, (after, follower.polls)
    # the quiet looks: one a heartbeat, not faster
    quiet = [b - a for a, b in itertools.pairwise(follower.polls) if a < 104.0 + after - 1.0]
    assert quiet and min(quiet) >= 0.95, quiet

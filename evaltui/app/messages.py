"""App-wide messages. Posted from the loader's thread; handled on the main thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl
from textual.message import Message

from evaltui.app.display import TableLayout
from evaltui.data.loader import LoadProgress, LoadResult
from evaltui.data.query import View
from evaltui.data.rescore import Rescored, RescoreProgress

if TYPE_CHECKING:
    from evaltui.app.screens.main import HeaderCounts


class WorkerMessage(Message):
    """What the app's workers post (every message here): what it brings is for the screens,
    and has nothing left to show once the app shuts down (``EvalApp._on_message``)."""


@dataclass
class LoadProgressed(WorkerMessage):
    """A progress snapshot. A newer one replaces an unhandled older one in the queue."""

    progress: LoadProgress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LoadProgressed)


@dataclass
class LoadUpdated(WorkerMessage):
    """A (partial or final) load result to show."""

    result: LoadResult
    grown_from: pl.DataFrame | None = None
    """A followed update's: the Stats table of the update before it, when this result's Stats
    table has its rows first, with the same values in the columns both have, and then only new
    prompts' rows (lines of new prompts appended); None otherwise."""


@dataclass
class FollowStatus(WorkerMessage):
    """While following: the status line ("following · 12 new generations …"), or a ``note``
    worth a notification (a file rewritten and read again)."""

    text: str
    note: bool = False
    shorter: tuple[str, ...] = ()
    """The status line's shorter wordings, longest first: a screen too narrow for ``text``
    shows the first that fits (:meth:`~evaltui.data.follow.Follower.status_wordings`)."""


@dataclass
class LoadFailed(WorkerMessage):
    """Nothing could be loaded; ``reason`` is for the user."""

    reason: str


@dataclass
class ViewReady(WorkerMessage):
    """A filter/sort was computed off the main thread: the rows to show, in order."""

    view: View
    rows: pl.DataFrame
    layout: TableLayout
    """How the table shows them (its cells are made for the rows on screen)."""
    generation: int
    """Which load result the rows came from (older answers are dropped)."""
    header: str | None = None
    """The header line of ``header_of``, made with the view (a followed update's: see
    :attr:`~evaltui.app.app.EvalApp.header_pending`); None when the header is shown otherwise."""
    header_of: LoadResult | None = None
    header_counts: HeaderCounts | None = None
    """The counts ``header`` was made from (what the next followed update's header grows from)."""


@dataclass
class ViewInvalid(WorkerMessage):
    """The requested view's expression cannot be used; the last good view stays."""

    view: View
    error: str
    position: int | None
    field: str = "where"
    """The part of the view at fault: ``where``, ``quick`` or ``sort``
    (:attr:`~evaltui.data.query.QueryError.field`)."""


@dataclass
class RescoreProgressed(WorkerMessage):
    """A re-score progress snapshot (``evaltui PATH --rescore NAME``)."""

    progress: RescoreProgress
    serial: int = 0
    """Which re-score (EvalApp.rescore_serial) it reports on."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RescoreProgressed)


@dataclass
class RescoreDone(WorkerMessage):
    """``base`` re-scored: ``result`` is it under the new scores (stored ones beside)."""

    base: LoadResult
    result: LoadResult
    rescored: Rescored
    serial: int = 0


@dataclass
class RescoreKnown(WorkerMessage):
    """``base`` (a followed update waiting for its re-score) under the verdicts given so far:
    ``result`` shows them, its generations not scored yet pending."""

    base: LoadResult
    result: LoadResult
    rescored: Rescored
    serial: int = 0


@dataclass
class RescoreFailed(WorkerMessage):
    """The scorer cannot run here (or the run failed, or was stopped: no reason); ``reason`` is
    for the user."""

    reason: str
    serial: int = 0

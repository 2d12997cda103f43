"""The Textual app: starts the loader in a thread worker, holds the results, answers views."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import polars as pl
from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState, get_current_worker

from evaltui.app.display import display_frame, prompt_width
from evaltui.app.messages import (
    FollowStatus,
    LoadFailed,
    LoadProgressed,
    LoadUpdated,
    ViewInvalid,
    ViewReady,
)
from evaltui.data.follow import Follower
from evaltui.data.loader import LoadFailure, LoadOptions, LoadResult
from evaltui.data.query import QueryCancelled, QueryError, View

FOLLOW_MIN_INTERVAL = 0.5
"""Seconds between two followed updates at the most often."""


class EvalApp(App[int]):
    """``evaltui PATH…``: per-prompt stats of an eval directory, to sort, filter, inspect, export."""

    # Absolute, so subclasses defined elsewhere (benchmarks, tests) find the same stylesheet.
    CSS_PATH = Path(__file__).parent / "evaltui.tcss"
    TITLE = "evaltui"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("F", "toggle_follow", "Follow", id="follow"),
    ]

    def __init__(
        self,
        paths: Sequence[str],
        options: LoadOptions,
        *,
        partial_interval: float = 0.5,
        follow: bool = False,
    ) -> None:
        super().__init__()
        self.paths = [str(p) for p in paths]
        """What the user asked to open."""
        self.options = options
        """Loading flags from the command line."""
        self.partial_interval = partial_interval
        """Seconds between partial results while tokenizing."""
        self.result: LoadResult | None = None
        """The latest (partial or final) load result; None until the first arrives."""
        self.result_generation = 0
        """Bumped on every new result, so a view computed from an older one is dropped."""
        self.view = View()
        """The filters and sort the user asked for (the last good one)."""
        self.rows: pl.DataFrame | None = None
        """The Stats rows the current view shows, in order."""
        self.load_error: str | None = None
        """Why nothing could be loaded, when that is the case."""
        self.cancel_event: threading.Event | None = None
        self.following = threading.Event()
        """Set while the inputs are followed (``--follow``, toggled with ``F``): appended lines,
        new files and rewrites flow into the view. Read by the load worker's thread."""
        if follow:
            self.following.set()
        self.follower: Follower | None = None
        """The finished load's follower (None until the load is done)."""

    def on_mount(self) -> None:
        from evaltui.app.screens.main import MainScreen

        self.main = MainScreen()
        self.push_screen(self.main)
        self.start_load()

    # --- loading ------------------------------------------------------------------------------

    def start_load(self) -> None:
        self.load_data()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load", name="load")
    def load_data(self) -> None:
        """Runs in a thread: only posts messages, never touches widgets or reactives."""
        worker = get_current_worker()
        self.cancel_event = worker.cancelled_event
        follower = Follower(self.paths, self.options)
        try:
            result = follower.load(
                on_progress=lambda p: self.post_message(LoadProgressed(p)),
                cancelled=worker.cancelled_event,
                on_partial=lambda r: self.post_message(LoadUpdated(r)),
                partial_interval=self.partial_interval,
            )
        except LoadFailure as exc:
            self.post_message(LoadFailed(str(exc)))
            return
        self.post_message(LoadUpdated(result))
        self.follower = follower
        if not result.cancelled and self.following.is_set():
            self.call_from_thread(self.follow_inputs)

    @work(thread=True, exclusive=True, exit_on_error=False, group="follow", name="follow")
    def follow_inputs(self) -> None:
        """While ``following`` is set, keep the view up to date with the inputs.

        At most one update every ``FOLLOW_MIN_INTERVAL`` seconds, and never sooner than twice the
        time the last poll (reading, tokenizing, stats) took, so a fast writer cannot keep the app
        rebuilding. Runs in a thread: only posts messages.
        """
        follower = self.follower
        stop = get_current_worker().cancelled_event
        if follower is None:
            return
        status = ""
        while not stop.is_set() and self.following.is_set():
            started = time.monotonic()
            update = follower.poll()
            took = time.monotonic() - started
            if update is not None:
                self.post_message(LoadUpdated(update.result))
                for note in update.notes:
                    self.post_message(FollowStatus(note, note=True))
            if follower.status() != status:
                status = follower.status()
                self.post_message(FollowStatus(status))
            pause = max(FOLLOW_MIN_INTERVAL, 2 * took) - (time.monotonic() - started)
            if pause > 0:
                stop.wait(pause)
            follower.wait(1.0, stop)
        self.post_message(FollowStatus(""))

    def cancel_load(self) -> bool:
        """Stop tokenizing; what was read stays on screen. False when nothing was loading."""
        if self.cancel_event is None or self.cancel_event.is_set():
            return False
        if self.result is not None and self.result.complete:
            return False
        self.cancel_event.set()
        return True

    def on_load_progressed(self, message: LoadProgressed) -> None:
        self.main.show_progress(message.progress)

    def on_load_updated(self, message: LoadUpdated) -> None:
        self.result = message.result
        self.result_generation += 1
        if self.result_generation == 1:  # every run is known once the files are read
            runs = message.result.stats["run"].unique(maintain_order=True).to_list()
            unknown = self.options.correct_threshold.unknown_message(runs)
            if unknown is not None:
                self.notify(unknown, severity="warning", markup=False, timeout=15)
        self.main.show_result(message.result)
        self.request_view(self.view)

    def action_toggle_follow(self) -> None:
        """``F``: follow the inputs (from the end of the load on), or stop following them."""
        if self.following.is_set():
            self.following.clear()
            self.notify("stopped following the inputs", markup=False)
            return
        if self.result is not None and self.result.cancelled:
            self.notify(
                "loading was stopped, so there is nothing to follow from: reopen to follow",
                severity="warning",
                markup=False,
            )
            return
        self.following.set()
        self.notify(
            "following the inputs: new lines and files appear as they are written", markup=False
        )
        if self.follower is not None:  # the load is done; otherwise it starts following itself
            self.follow_inputs()

    def on_follow_status(self, message: FollowStatus) -> None:
        if message.note:
            self.notify(message.text, title="follow", markup=False)
        else:
            self.main.show_follow_status(message.text)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.load_error = message.reason
        self.main.show_failure(message.reason)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # One place for unexpected worker errors: a message on screen, never a traceback.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            reason = f"{type(error).__name__}: {error}"
            if event.worker.group == "load":
                self.load_error = reason
                self.post_message(LoadFailed(reason))
            else:
                self.notify(reason, title="error", severity="error", markup=False)

    # --- views --------------------------------------------------------------------------------

    def request_view(self, view: View) -> None:
        """Compute ``view`` off the main thread; the screen updates when ViewReady arrives."""
        if self.result is None:
            self.view = view
            return
        width = prompt_width(self.size.width)
        self.compute_view(view, self.result.stats, self.result_generation, width)

    @work(thread=True, exclusive=True, exit_on_error=False, group="view", name="view")
    def compute_view(self, view: View, stats: pl.DataFrame, generation: int, width: int) -> None:
        # exclusive: a newer request cancels this worker, and the cancel stops the polars query
        # itself (a monster filter must not keep a core busy after the next keystroke).
        cancelled = get_current_worker().cancelled_event
        try:
            rows = view.apply(stats, cancelled)
        except QueryCancelled:
            return
        except QueryError as exc:
            self.post_message(ViewInvalid(view, exc.message, exc.position))
            return
        if not cancelled.is_set():
            self.post_message(ViewReady(view, rows, display_frame(rows, width), generation))

    def on_view_ready(self, message: ViewReady) -> None:
        if message.generation != self.result_generation:
            return  # computed from an older load result; a newer one is on its way
        self.view = message.view
        self.rows = message.rows
        self.main.show_view(message.view, message.rows, message.display)

    def on_view_invalid(self, message: ViewInvalid) -> None:
        self.main.show_view_error(message.error, message.position)

    # --- screens ------------------------------------------------------------------------------

    def action_help(self) -> None:
        from evaltui.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def default_export_dir(self) -> Path:
        from evaltui.data.export import default_export_dir

        return default_export_dir(self.paths)

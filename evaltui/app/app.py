"""The Textual app: starts the loader in a thread worker, holds the results, answers views."""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

import polars as pl
from textual import events, work
from textual.app import App, ScreenStackError
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.message import Message
from textual.notifications import Notify
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from evaltui.app.commands import AppCommands, Palette
from evaltui.app.display import Eta, TableLayout, column_widths, table_layout
from evaltui.app.messages import (
    FollowStatus,
    LoadFailed,
    LoadProgressed,
    LoadUpdated,
    RescoreDone,
    RescoreFailed,
    RescoreKnown,
    RescoreProgressed,
    ViewInvalid,
    ViewReady,
    WorkerMessage,
)
from evaltui.data.follow import Follower
from evaltui.data.index import PromptIndex
from evaltui.data.loader import LoadFailure, LoadOptions, LoadResult
from evaltui.data.query import QueryCancelled, QueryError, View
from evaltui.data.rescore import Rescored, RescoreOptions, ScoreMemo, is_rescored
from evaltui.data.sanitize import visible
from evaltui.data.texts import TextSource, TextUnavailable

if TYPE_CHECKING:
    from textual.screen import Screen

    from evaltui.app.screens.main import HeaderCounts

FOLLOW_MIN_INTERVAL = 0.95
"""Seconds between two followed updates at the most often. Each costs ~23 ms of CPU whatever its
size (the stats, the view, the table; ~21 ms more per MB), so at 2 a second following a busy eval
took a third of a core before any new line was counted. While lines keep coming, polls start this
far apart, with file-system events or polling alike: a line waits for its poll up to this long
(0.95 of it at the 95th percentile), then ~0.05 s to be on screen (the target is 1 s at the 95th
percentile). At 1.0 s that percentile sat at 0.99-1.01 s on a quiet or lightly loaded machine
(0.95 s to its poll, then the update); at 0.95 s, 0.950-0.955 s at load 4-6 (1.007-1.008 s at 1.0
s there), 0.035-0.057 s less in five pairs of six at load 4-10, for ~5 % more updates (~1.2 ms of
CPU per MB at 1 MB/s)."""

GROWN_KEPT = 4
"""Followed updates whose rows :meth:`EvalApp.rows_kept` can tell kept (the updates a view
takes to show are one or two: the others wait, the newest replacing them)."""

FOLLOW_HOLD_MAX = 5.0
"""Seconds at most a followed update waits for the table of the one before it to be built."""

PREPARE_AFTER_PAINT_MAX = 5.0
"""Seconds at most the follower's counter waits for the first table to be painted."""

SNAPSHOT_HOLD_MAX = 30.0
"""Seconds at most a warm load waits, after the cache's snapshot of the stats, for its table to
be shown before it reads the generation rows anyway."""


LEAVE_AT_ONCE = frozenset({"escape", "q"})
"""The keys that leave a screen whose keys are held (``EvalApp.hold_keys_for_screen``) as soon
as it is up, by default: compare's, whose table may take a while."""


def told_key(text: str) -> str:
    """What a warning says, its counts left out: a followed file's re-score warned again at
    every update, its counts grown ('exact calls wrong 8 of the 12 generations stored correct',
    then '12 of the 18', a 20-second warning each: a writer's every second stacked them over
    the table). t's summary has the newest counts."""
    return re.sub(r"\d[\d,.]*", "#", text)


class EvalApp(App[int]):
    """``evaltui PATH…``: per-prompt stats of an eval directory, to sort, filter, inspect, export."""

    # Absolute, so subclasses defined elsewhere (benchmarks, tests) find the same stylesheet.
    CSS_PATH = Path(__file__).parent / "evaltui.tcss"
    TITLE = "evaltui"
    COMMANDS = App.COMMANDS | {AppCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("F", "toggle_follow", "Follow", id="follow"),
    ]
    MIN_REFRESH = 2.0
    """Seconds at least between two table rebuilds for partial load results."""
    INDEX_FROM = 200_000
    """Generations from which a result's are indexed by prompt (in a worker, once a prompt of
    it was opened): opening a prompt filtered them all on the UI thread (~0.2 s at 2M, more on
    a busy machine); below, that is a few milliseconds."""
    INDEX_DELAY = 1.0
    """Seconds after the first prompt is shown before its result's generations are indexed:
    built right away, the index took the cores from the prompt being opened (at 1M prompts,
    load ~13: 1.2-1.5 s to open, 3-7 s with the index built as the load completed)."""

    def __init__(
        self,
        paths: Sequence[str],
        options: LoadOptions,
        *,
        partial_interval: float = 0.5,
        follow: bool = False,
        rescore: RescoreOptions | None = None,
    ) -> None:
        super().__init__()
        self.paths = [str(p) for p in paths]
        """What the user asked to open."""
        # The table needs only the rows: a file's rows come from the cache when they are there,
        # and the text of a prompt's generations is read back when the prompt is opened.
        self.options = dataclasses.replace(options, text_on_demand=True)
        """Loading flags from the command line."""
        self._texts: TextSource | None = None
        """Reads generation text back for the current result's rows (made per result)."""
        self.partial_interval = partial_interval
        """Seconds between partial results while tokenizing."""
        self.result: LoadResult | None = None
        """The latest (partial or final) load result shown; None until the first arrives."""
        self.result_generation = 0
        """Bumped on every new result, so a view computed from an older one is dropped."""
        self._screens_shown_generation = 0
        """The result generation the screens open over the table were last told of."""
        self.view = View()
        """The filters and sort of the rows shown (the last good view)."""
        self.wanted = View()
        """The view asked for last (may still be computing); keys build on this one."""
        self.view_computing = False
        """True from a view's request until it (or the one shown for it) is on the table."""
        self._after_view: list[Callable[[], None]] = []
        """What keys asked for while a view was computing (:meth:`after_view`)."""
        self.rows: pl.DataFrame | None = None
        """The Stats rows the current view shows, in order."""
        self.said_until_prompts: set[str] = set()
        """Messages that hold only until the table first has prompts ("still reading the files:
        … (press it again then)"): taken down when the prompts appear, not left up for their
        full time over the table they said was coming."""
        self.said_until_generations: set[str] = set()
        """Messages that hold only until the generations are loaded ("still reading the
        generations: … (press it again then)", a warm load's first table): taken down then,
        not left up for their full time saying the generations are still read."""
        self.held_keys: list[events.Key | events.Paste] | None = None
        """Keys (and pastes) held until the table first has prompts, when some were typed
        before the app took the terminal (:meth:`hold_typed_ahead`); None when none are held."""
        self._replaying = False
        """True while the held keys are handed to the app (:meth:`_replay_held_keys`)."""
        self._replayed: set[int] = set()
        """The ids of held keys handed to the app and not reached it yet (not held again)."""
        self._replay_paused_at: events.Key | None = None
        """The held Enter or Escape the replay waits behind (:meth:`_replay_held_keys`)."""
        self._replay_paused_on: Screen[object] | None = None
        """The screen that read that key, once it has been read."""
        self.keys_for_screen: list[events.Key | events.Paste] | None = None
        """Keys read after one that opens a screen whose keys come later (``m``: compare, or
        the run picker; the picker's Enter: compare), held until that screen has them
        (:meth:`hold_keys_for_screen`); None when none are held."""
        self._keys_held_on: object = None
        """The screen shown when those keys began to be held."""
        self._leave_keys = LEAVE_AT_ONCE
        """The keys that leave the screen those keys are held for at once (:meth:`screen_opened`)."""
        self._keys_held_timer: Timer | None = None
        """Hands the held keys over after :attr:`KEYS_HELD_AT_MOST` seconds whatever comes."""
        self.rows_result: LoadResult | None = None
        """The load result :attr:`rows` were made from: :attr:`result` is the newer one from
        a followed update's arrival until its rows are shown (an export takes the two together,
        never one update's rows with the next one's generations)."""
        self.shown_layout: TableLayout | None = None
        """How the table shows those rows (what it was built from)."""
        self.load_error: str | None = None
        """Why nothing could be loaded, when that is the case."""
        self.following = threading.Event()
        """Set while the inputs are followed (``--follow``, toggled with ``F``): appended lines,
        new files and rewrites flow into the view. Read by the load worker's thread."""
        if follow:
            self.following.set()
        self._follow_after_count = False
        self.follower: Follower | None = None
        """The finished load's follower (None until the load is done)."""
        self.held_notes: list[tuple[str, str, dict[str, object]]] = []
        """Toasts asked for while a dialog is open: (message, title, options), shown once it
        closes (:meth:`notify`)."""
        self.follow_catches_up = False
        """Set by F turning following on after the load: the next poll's rows were written
        while not followed (:meth:`~evaltui.data.follow.Follower.poll`'s ``catch_up``)."""
        self.follow_lock = threading.Lock()
        """Held by the follow worker that polls: F off and on again starts a new worker while
        the one stopped may still be in a poll, and two polls of one follower at once lost
        lines (one thread's window ended after the other's, then the file looked unchanged)."""
        self.stage = "reading"
        """The load's stage as last reported (reading, tokenizing, done, cancelled)."""
        self.view_width: int | None = None
        self.view_rows: int | None = None
        """The rows the prompt table showed when the view shown was asked for (whether it has
        a vertical scrollbar decides the columns' room)."""
        """The terminal width the last view was asked for at (its columns are cut for it)."""
        self.table_shown = threading.Event()
        """Set once the first table is on screen (or its view failed): a warm load holds its
        row reading until then."""
        self.table_painted = threading.Event()
        """Set after the screen's refresh that follows the first table shown: the follower's
        counter is made after it (:meth:`prepare_follower`), not in its way."""
        self.stop_lengths = threading.Event()
        """Set by ``x``: the load skips the token lengths still to count (it reads every file)."""
        self.loading = True
        """True until the load ended (complete, stopped or failed)."""
        self.resuming = False
        """True while a load resumed by ``x`` (after ``x`` stopped its lengths) runs: its
        partial results are not shown, the stopped one stays until it is done."""
        self.eta = Eta()
        """Time left for tokenizing, from the recent byte rate, smoothed."""
        self._pending: LoadResult | None = None
        """A partial result held back because the table was rebuilt a moment ago."""
        self._pending_timer: Timer | None = None
        self._building_since: float | None = None
        """When the view being computed for a new load result was asked for."""
        self._next_refresh = 0.0
        """No partial result rebuilds the table before this time (monotonic seconds)."""
        self.prompt_index: PromptIndex | None = None
        """Where each prompt's generations are, for the rows of the result it was built for
        (:attr:`PromptIndex.generations`); a prompt is opened without it until it is ready."""
        self._indexing: pl.DataFrame | None = None
        """The generations an index was asked for last."""
        self.rescore_options = rescore
        if rescore is not None:  # scorer processes: set up before Textual captures sys.stderr
            from evaltui.data.rescore import prepare_workers

            prepare_workers()
        """``--rescore NAME`` or the re-score dialog's (``R``): every final load result is
        re-scored with this scorer."""
        self.rescore_scope: pl.DataFrame | None = None
        """The prompts (``run``, ``prompt_id``) the dialog asked to re-score; None: all."""
        self.loaded: LoadResult | None = None
        """The latest load result as read (stored scores): what a re-score starts from."""
        self.rescored: Rescored | None = None
        """The re-score the shown result carries (None: stored scores only)."""
        self.doubts_told: set[str] = set()
        """The doubts about new verdicts said (:meth:`tell_doubts`), and the re-score's notes
        (:meth:`untold`), by :func:`told_key`: a followed update's re-score says only new ones,
        not the same with newer counts. Emptied by each re-score the dialog asks for."""
        self.rescoring = False
        """True while a re-score runs (``x`` or ``esc`` stops it; the scores shown stay)."""
        self.rescore_error: str | None = None
        """Why the scorer cannot run: no re-score is tried again until the dialog asks."""
        self.rescore_serial = 0
        """Bumped for every re-score started: messages of an older (stopped) one are dropped."""
        self.score_memo = ScoreMemo()
        """The verdicts given so far (the scorer's last): a re-score of a followed update, or one
        started again after ``x``, sends only the generations not scored yet."""
        self.known_shown: LoadResult | None = None
        """The held update shown with the verdicts known when it came (:meth:`show_known`)."""
        self.rescore_held: LoadResult | None = None
        """A followed update not shown yet: the table shows re-scored numbers, and this waits
        for its own (the running re-score's, then the next one's) rather than showing the
        stored scores in between."""
        self.header_pending: LoadResult | None = None
        """A result shown after a complete one (a followed update, a re-score) whose header line
        is made by the view worker with its view, and shown with its table: one repaint of the
        screen per update, not one for the header and another for the table, and the header's
        query off the UI thread. None when no header waits."""
        self._follow_line: tuple[str, ...] | None = None
        """The follow line's newest wordings (longest first), held while a header waits (shown
        with it)."""
        self._grown: list[tuple[pl.DataFrame, pl.DataFrame]] = []
        """The last few followed updates' (Stats table, the one it grew from): see
        :meth:`rows_kept`."""
        self._header_counts: tuple[pl.DataFrame, HeaderCounts] | None = None
        """The Stats table whose header was made last, and its counts: a followed update that
        grew from it counts its new rows only."""

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; on Linux and macOS, one that keeps the keys typed
        before it took the terminal (:class:`~evaltui.app.driver.TypeaheadDriver`)."""
        base = super().get_driver_class()
        # Compared by name: the module imports termios (none on Windows).
        if (base.__module__, base.__qualname__) == ("textual.drivers.linux_driver", "LinuxDriver"):
            from evaltui.app.driver import TypeaheadDriver

            return TypeaheadDriver
        return base

    def hold_typed_ahead(self) -> None:
        """Keys were typed before the app took the terminal: they, and the keys typed (and
        text pasted) after them, wait for the table's first prompts (and their generations)
        and are acted on then, in the order typed.

        Typed ahead, they were meant for the table: 's e t m' typed 0.3 s after 'evaltui
        sample_data' (in tmux) each said 'still reading the files: … (press it again then)',
        the last said taken down a moment later as the prompts appeared, and nothing opened:
        the keys were echoed by the shell and lost. A key that quits or stops the load acts at
        once (the load may be long). Keys typed on the loading screen with none typed ahead
        say they are not queued, as before (:meth:`MainScreen.prompts_shown`)."""
        if self.rows is None and self.held_keys is None:
            self.held_keys = []

    def release_held_keys(self) -> None:
        """Hand the held keys to the app, in the order typed (after what is posted now)."""
        if self.held_keys is not None and not self._replaying:
            self._replaying = True
            self._replay_held_keys()

    REPLAY_WAIT = 1.0
    """Seconds at most that held keys wait for a text box to let the focus go after an Enter or
    an Escape (the filter box keeps it on an invalid filter: the keys after it are typed in)."""

    def _replay_held_keys(self, waited: float | None = None) -> None:
        """Post the held keys, in order; after an Enter or an Escape, the rest once it has
        been acted on: when it leaves a text box, once the box has let the focus go.

        An Enter or an Escape typed into the filter box leaves it in the screen's handler, a
        few messages after the box got it; the keys posted with it went to the box meanwhile:
        '/accuracy < 0.5', Enter, 'j', Enter typed ahead typed the j into the filter
        ('accuracy < 0.5j', an error) and opened nothing. ``waited``: seconds waited so far
        for the box (None: not waiting). Keys typed meanwhile wait behind these (held)."""
        if (
            waited is not None
            and waited < self.REPLAY_WAIT
            and (isinstance(self.focused, Input) or self._replay_dialog_open())
        ):
            self.set_timer(0.02, lambda: self._replay_held_keys(waited + 0.02))
            return
        self._replay_paused_at = self._replay_paused_on = None
        held = self.held_keys
        while held:
            again = self._post_again(held.pop(0))
            if held and isinstance(again, events.Key) and again.key in ("enter", "escape"):
                self._replay_paused_at = again
                self.call_after_refresh(self._replay_held_keys, 0.0)
                return
        self.held_keys = None
        self._replaying = False

    def _replay_dialog_open(self) -> bool:
        """Whether the held Enter or Escape the replay waits behind has not come back from the
        widget it was handed to (a key's bindings run then, on the screen shown then), or came
        back to a dialog still open: the keys behind it wait for it to close. 'j j s j' Enter
        't' typed ahead of the published Inspect logs (tmux, 80x24) sorted and opened no
        summary: the t, handed to the table as the s and the Enter were, came back to the app
        with the sort dialog up, where t is nothing (a key stopped by a text box never comes
        back: its wait ends with ``REPLAY_WAIT``)."""
        if self._replay_paused_at is None:
            return False
        read_on = self._replay_paused_on
        return read_on is None or (read_on.is_modal and read_on is self.screen)

    def hold_keys_for_screen(self, leave: frozenset[str] = LEAVE_AT_ONCE) -> None:
        """Hold the keys read from now on until the screen opening has them
        (:meth:`release_keys_for_screen`).

        'm j j enter' typed in one burst (a paste, tmux send-keys, a busy machine) left compare
        on its first row with nothing opened: the keys were read before compare had a table,
        and went to the prompt table behind it or to no widget. The keys in ``leave`` read once
        the new screen is up leave it at once, the keys held before them with it (compare's
        escape and q; none for a screen up at its first refresh: the keys are its, in order)."""
        if self.keys_for_screen is None:
            self.keys_for_screen = []
            self._keys_held_on = self.screen
            self._leave_keys = leave
            # Never for good: a screen that does not come (an `m` waiting for a view that is
            # dropped) would leave every key but ctrl+q held, the app deaf to the user.
            self._keys_held_timer = self.set_timer(
                self.KEYS_HELD_AT_MOST, self.release_keys_for_screen
            )

    def release_keys_for_screen(self) -> None:
        """Hand the keys held for a screen to the app, in the order read (after what is
        posted now)."""
        held, self.keys_for_screen = self.keys_for_screen, None
        self._keys_held_on = None
        if self._keys_held_timer is not None:
            self._keys_held_timer.stop()
            self._keys_held_timer = None
        if held:
            # Posted from the app (a key posted by the screen stopped bubbling at it: its
            # table's bindings ran, the app's and the screen's never did).
            self.call_later(self._post_keys, held)

    def screen_ready(self, screen: Screen[object]) -> None:
        """``screen``, opened over the one the held keys were read on, is up and takes keys
        (drawn: its first refresh is done): the keys held for it are handed to it, in order.

        'e ctrl+a ctrl+k /tmp/x.json ctrl+s' in one burst (tmux send-keys) opened no export
        dialog: '/', a priority key of the prompt table, focused its filter as it was read, and
        the e, run once it had come back up from the table, found the filter box focused and
        opened nothing; the path went into the filter. Without the '/', the dialog opened and
        the path was lost (read before it was drawn), and ctrl+s wrote the default path."""
        if (
            self.keys_for_screen is not None
            and self.screen_stack
            and screen is self.screen
            and screen is not self._keys_held_on
        ):
            self.release_keys_for_screen()

    def _post_keys(self, held: list[events.Key | events.Paste]) -> None:
        """The keys held for a screen handed over as keys typed ahead are (:meth:`_replay_held_keys`):
        in order, the keys read meanwhile after them, and those after an Enter or an Escape once
        it has been acted on. Posted at once, a key that leaves the screen (the sort menu's
        Enter) came back to the app after a priority key behind it had been read ('s j enter /':
        the '/', read with the menu still up, was nobody's, and the filter not focused)."""
        if self.held_keys is not None:  # (a replay of keys typed ahead is going on: these first)
            self.held_keys[:0] = held
            return
        self.held_keys = list(held)
        self._replaying = True
        self._replay_held_keys()

    def _post_again(self, key: events.Key | events.Paste) -> events.Key | events.Paste:
        """A held key (or paste) posted to the app again, as a new event marked replayed (not
        held again)."""
        again: events.Key | events.Paste = (
            events.Paste(key.text)
            if isinstance(key, events.Paste)
            else events.Key(key.key, key.character)
        )
        self._replayed.add(id(again))
        self.post_message(again)
        return again

    def screen_opened(self) -> None:
        """The screen the held keys wait for is up (its keys not yet there): an Escape or a q
        held for it leaves it now, the keys before it with it (they were its); the keys after
        it act on the screen it goes back to."""
        held = self.keys_for_screen
        if held is None:
            return
        self._keys_held_on = self.screen
        leave = next(
            (
                at
                for at, key in enumerate(held)
                if isinstance(key, events.Key) and key.key in self._leave_keys
            ),
            None,
        )
        if leave is not None:
            self.keys_for_screen = held[leave:]
            self.release_keys_for_screen()

    def _held_for_screen(self, event: events.Key | events.Paste) -> bool:
        """Whether ``event`` (read, not forwarded) waits for the screen opening."""
        held = self.keys_for_screen
        if held is None:
            return False
        if isinstance(event, events.Key):
            active = self.active_bindings.get(event.key)
            if active is not None and active.binding.action in self._ACT_AT_ONCE:
                return False
            if event.key in self._leave_keys and self.screen is not self._keys_held_on:
                # The new screen is up: these leave it now (the keys before them were its).
                self.keys_for_screen = []
                self.release_keys_for_screen()
                return False
        self._replayed.discard(id(event))
        held.append(event)
        return True

    def _opens_later(self, event: events.Event) -> frozenset[str] | None:
        """When ``event`` is a key read that opens a screen whose keys come later (the screen
        shown says: ``key_opens_later``, unless a text box takes the key), the keys that leave
        that screen at once (the screen's ``keys_leaving``: :data:`LEAVE_AT_ONCE` without it);
        else None."""
        if not isinstance(event, events.Key) or event.is_forwarded or not self.screen_stack:
            return None
        if isinstance(self.focused, Input):
            return None
        opens = getattr(self.screen, "key_opens_later", None)
        if not callable(opens) or not opens(event.key):
            return None
        leaving = getattr(self.screen, "keys_leaving", None)
        return frozenset(leaving(event.key)) if callable(leaving) else LEAVE_AT_ONCE

    KEYS_HELD_AT_MOST: ClassVar[float] = 10.0
    """Seconds the keys typed behind ``m`` wait for compare's table at most: then they are
    handed over wherever they land (:meth:`hold_keys_for_screen`)."""

    _ACT_AT_ONCE: ClassVar[frozenset[str]] = frozenset({"quit", "help_quit", "app.help_quit"})
    """The actions of keys never held (:meth:`hold_typed_ahead`): ctrl+q quits, ctrl+c says
    how, whatever was typed before them."""
    _ACT_AT_ONCE_FIRST: ClassVar[frozenset[str]] = frozenset({"app.quit", "cancel_load"})
    """The actions of keys not held when no key is held before them (q quits, x stops the
    load). After a held key they wait with it: what it opens, they are typed into (a filter
    typed ahead, '/prompt ~ "quad"', quit the app at its q; '/max_len > 8000' stopped the
    load at its x and was applied as 'ma_len > 8000'; '?' then 'q' quit, not leaving the
    help)."""

    async def _on_message(self, message: Message) -> None:
        # Once shutting down, a worker's message has nothing left to show: Pilot's run_test
        # shuts the app down while its queue still runs, and a follow line handled then found
        # the main screen's widgets removed (NoMatches '#progress', a test that failed at its
        # end under load). A real quit ends the queue before it shuts down.
        if not self.is_running and isinstance(message, WorkerMessage):
            return
        await super()._on_message(message)

    async def on_event(self, event: events.Event) -> None:
        if self._exit and isinstance(event, (events.Key, events.Paste)):
            # Quitting: a key read with the q (tmux 'q s', fast typing) opened its screen as
            # the app closed, which crashed mounting it (a traceback, exit status 1).
            return
        if (
            isinstance(event, (events.Key, events.Paste))
            and not event.is_forwarded
            and self._held_for_screen(event)
        ):
            return
        # (a key typed ahead of the first table is held there first: it opens nothing now)
        typed_ahead = self.held_keys is not None and id(event) not in self._replayed
        leave = None if typed_ahead else self._opens_later(event)
        if leave is not None:
            await self._on_event_now(event)
            self.hold_keys_for_screen(leave)  # (once the key is acted on or on its way)
            return
        await self._on_event_now(event)

    async def _on_event_now(self, event: events.Event) -> None:
        if event is self._replay_paused_at and (
            event.is_forwarded or isinstance(self.focused, Input)
        ):
            # Back from the widget it was handed to: its bindings are run on this screen. (A
            # text box acts on it as it reads it, and keeps it: the wait is for its focus.)
            self._replay_paused_on = self.screen
        if id(event) in self._replayed:
            self._replayed.discard(id(event))
        elif self.held_keys is not None and not event.is_forwarded:
            if isinstance(event, events.Key):
                active = self.active_bindings.get(event.key)
                action = active.binding.action if active is not None else None
                at_once = self._ACT_AT_ONCE_FIRST if not self.held_keys else frozenset()
                if action not in self._ACT_AT_ONCE and action not in at_once:
                    self.held_keys.append(event)
                    return
            elif isinstance(event, events.Paste):
                # Between held keys: a paste after a '/' typed ahead went to the table (no
                # filter box had the keys yet) and was lost, the filter applied empty.
                self.held_keys.append(event)
                return
        shown = self.screen if self.screen_stack else None
        if (
            isinstance(event, events.Key)
            and event.key == "escape"
            and not event.is_forwarded
            and self.screen_stack  # (none while the app closes)
            and not isinstance(self.focused, Input)
            and self.screen.maximized is None
            and await self._check_bindings("escape")  # exact textual pin (pyproject.toml)
        ):
            # Acted on as it is read, before the keys behind it: Textual hands it to the focused
            # widget, its binding runs once it has come back up to the screen, and a priority
            # key sent with it ran first, where the escape was to leave: Escape, '/' on a
            # prompt searched its generation rather than filter the table. (A text box keeps
            # its escape in order with the characters typed before it: OrderedInput.)
            if event is self._replay_paused_at:
                self._replay_paused_on = shown
            return
        await super().on_event(event)

    def on_mount(self) -> None:
        from evaltui.app.screens.main import MainScreen

        self.main = MainScreen()
        self.push_screen(self.main)
        self.start_load()

    def action_command_palette(self) -> None:
        """ctrl+p: the command palette, one that closes once (:class:`Palette`)."""
        if self.use_command_palette and not Palette.is_open(cast("App[object]", self)):
            self.push_screen(Palette(id="--command-palette"))

    def action_help_quit(self) -> None:
        """ctrl+c: how to quit. Textual's own words are markup, and every toast here is literal
        (see :meth:`notify`): it showed "Press [b]q[/b] to quit the app"."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(f"Press {key} to quit the app", title="Do you want to quit?", now=True)
                return

    def notify(self, message: str, *, title: str = "", now: bool = False, **kwargs: object) -> None:
        """Every toast is literal text with its control characters made visible, here for all
        of them: a message may quote a file name, a run label or a scorer's error (a followed
        file named with OSC 0 retitled the terminal from its "was rewritten" toast). Shown, it
        replaces the plain messages (:meth:`_on_notify`).

        While a dialog is open, a toast waits until it closes (:meth:`show_held_notes`), but an
        error or one asked for ``now`` (the quit key's): at 80x24 a followed file's note and a
        re-score's warning, stacked on the right half, covered the export dialog's formats and
        the sort menu's columns being picked from."""
        message, title = visible(message), visible(title)
        kwargs["markup"] = False
        if not now and kwargs.get("severity") != "error" and self._dialog_open():
            self.held_notes.append((message, title, kwargs))
            return
        super().notify(message, title=title, **kwargs)  # type: ignore[arg-type]

    def _dialog_open(self) -> bool:
        """Whether the screen on top is a dialog not closed yet."""
        from evaltui.app.screens.dialog import Dialog

        try:
            screen = self.screen
        except ScreenStackError:
            return False
        return isinstance(screen, Dialog) and not screen.closed

    def show_held_notes(self) -> None:
        """The toasts asked for while a dialog was open, in order, once it is closed."""
        if self._dialog_open():  # another dialog on top: they wait for that one
            return
        held, self.held_notes = self.held_notes, []
        for message, title, kwargs in held:  # made visible when held
            super().notify(message, title=title, **kwargs)  # type: ignore[arg-type]

    def _on_notify(self, event: Notify) -> None:
        """A new message replaces the plain messages shown (and any copy of itself); warnings
        and errors stay until their time is up. Never a stack of the same words.

        Done as the message is shown (Textual's own handler, called after this one, adds it),
        not when it is asked for: ``notify`` only posts it, and keys typed in a burst while the
        files were read each asked before any was shown, which stacked five of them."""
        message = event.notification.message
        for shown in list(self._notifications):
            if shown.severity == "information" or shown.message == message:
                self._unnotify(shown, refresh=False)

    def say(self, message: str) -> None:
        """A short message to the user; the text is shown literally."""
        self.notify(message, markup=False)

    def say_until_prompts(self, message: str) -> None:
        """:meth:`say`, taken down once the table first has prompts."""
        self.said_until_prompts.add(message)
        self.say(message)

    def say_until_generations(self, message: str) -> None:
        """:meth:`say`, taken down once the generations are loaded."""
        self.said_until_generations.add(message)
        self.say(message)

    def take_down(self, messages: set[str]) -> None:
        """Take down the notifications showing any of ``messages``; the others stay."""
        self.held_notes = [n for n in self.held_notes if n[0] not in messages]
        shown = [n for n in self._notifications if n.message in messages]
        for notification in shown:
            self._unnotify(notification, refresh=False)
        if shown:
            self._refresh_notifications()

    def back_to_main(self) -> None:
        """Close the screens above the prompt table."""
        while len(self.screen_stack) > 1 and self.screen is not self.main:
            self.pop_screen()

    # --- loading ------------------------------------------------------------------------------

    def start_load(self) -> None:
        self.load_data()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load", name="load")
    def load_data(self) -> None:
        """Runs in a thread: only posts messages, never touches widgets or reactives."""
        worker = get_current_worker()
        follower = Follower(self.paths, self.options)

        def partial(result: LoadResult) -> None:
            self.post_message(LoadUpdated(result))
            if not result.from_snapshot:
                return
            # The cache's snapshot of the stats: its table first, alone. Reading the rows
            # meanwhile took the GIL from the view's thread and the UI's: on "small" (quiet)
            # the first rows came at 1.30 s, 0.85 s with this (median of 4 each); the complete
            # table comes later for it (1.38 -> 1.62 s; at 1M prompts 13 -> 18 s, first rows
            # unchanged at 13 s).
            deadline = time.monotonic() + SNAPSHOT_HOLD_MAX
            while not self.table_shown.wait(0.05):
                if worker.cancelled_event.is_set() or time.monotonic() > deadline:
                    return

        try:
            result = follower.load(
                on_progress=lambda p: self.post_message(LoadProgressed(p)),
                cancelled=worker.cancelled_event,
                on_partial=partial,
                partial_interval=self.partial_interval,
                stop_lengths=self.stop_lengths,
                # not following, a folder with no file to read is a mistake: said as before
                wait_for_files=self.following.is_set(),
                hold_cut=self.following.is_set(),  # not following, a cut line is a bad line
            )
        except LoadFailure as exc:
            self.post_message(LoadFailed(str(exc)))
            return
        self.post_message(LoadUpdated(result))
        self.follower = follower
        if self.following.is_set():
            self.call_from_thread(
                self.follow_not_started if result.cancelled else self.follow_inputs
            )
        elif not result.cancelled:
            self.call_from_thread(self.follow_after_counting)

    @property
    def follow_after_count(self) -> bool:
        """Following was asked for (``--follow``, ``F``) and the load stopped (``x``) before it
        could start: it starts once ``x`` again has counted the token lengths left. The stopped
        load's line says so while it is asked for (once the toast that told it had gone, the
        line read as if the inputs were followed, or as if they would never be)."""
        return self._follow_after_count

    @follow_after_count.setter
    def follow_after_count(self, asked: bool) -> None:
        self._follow_after_count = asked
        if hasattr(self, "main"):
            self.main.show_stopped_load()

    def follow_not_started(self) -> None:
        """The load asked to be followed (F, --follow) was stopped (x): nothing is followed
        yet, and the user is told so (the app had said "following the inputs", then followed
        nothing, and the next F said "stopped following"). Following starts once x again has
        counted the lengths left (:meth:`follow_after_counting`): x stops the token lengths,
        not the following asked for, which took an F after the count."""
        if not self.following.is_set():
            return
        self.following.clear()
        self.follow_after_count = True
        self.notify(
            "loading was stopped, so the inputs are not followed yet: x counts the token "
            "lengths left, then they are followed (F: not then)",
            severity="warning",
            markup=False,
        )

    def follow_after_counting(self) -> None:
        """The lengths a stopped load left are counted (x again): the following asked for
        before the stop starts now."""
        if not self.follow_after_count or self.following.is_set():
            return
        self.follow_after_count = False
        self.following.set()
        self.notify(
            "token lengths counted: following the inputs; new lines and files appear as they "
            "are written",
            markup=False,
        )
        self.follow_inputs()

    @work(thread=True, exclusive=True, exit_on_error=False, group="follow", name="follow")
    def follow_inputs(self) -> None:
        """While ``following`` is set, keep the view up to date with the inputs.

        At most one update every ``FOLLOW_MIN_INTERVAL`` seconds, and never sooner than twice the
        time the last poll and stats rebuild took, so a fast writer cannot keep the app
        rebuilding. Runs in a thread: only posts messages.
        """
        follower = self.follower
        stop = get_current_worker().cancelled_event
        if follower is None:
            return
        try:
            self.call_from_thread(self.prepare_follower, follower)
        except RuntimeError:  # the app is closing
            return
        while not self.follow_lock.acquire(timeout=0.05):  # the stopped worker's poll ends
            if stop.is_set():
                return
        try:
            self._follow(follower, stop)
        finally:
            self.follow_lock.release()

    @work(thread=True, exclusive=True, exit_on_error=False, group="prepare", name="prepare")
    def prepare_follower(self, follower: Follower) -> None:
        """Make the follower's counter once the table is painted (its first new line waited
        ~1.8 s for it after a load, made on first use); the polls go on meanwhile."""
        stop = get_current_worker().cancelled_event
        deadline = time.monotonic() + PREPARE_AFTER_PAINT_MAX
        while not self.table_painted.wait(0.05):
            if stop.is_set():
                return
            if time.monotonic() > deadline:
                break
        follower.prepare()

    def _follow(self, follower: Follower, stop: threading.Event) -> None:
        """The follow worker's loop (:meth:`follow_inputs`), holding ``follow_lock``."""
        status: tuple[str, ...] = ()
        last: pl.DataFrame | None = None  # the Stats table of the last update posted
        written = True  # whether an input may have changed since the look before (events)
        while not stop.is_set() and self.following.is_set():
            started = time.monotonic()
            catch_up, self.follow_catches_up = self.follow_catches_up, False
            update = follower.poll(catch_up=catch_up)
            if update is not None:
                appended = follower.live.appended
                result = update.result  # the stats are built here
                # Only new prompts' rows after the last update's (LiveStats' append): said, so
                # that the header and the layout count and measure those rows alone.
                grown = last if follower.live.appended == appended + 1 else None
                self.post_message(LoadUpdated(result, grown))
                last = result.stats
                for note in update.notes:
                    self.post_message(FollowStatus(note, note=True))
            took = time.monotonic() - started
            wordings = follower.status_wordings()
            if wordings != status:
                status = wordings
                self.post_message(FollowStatus(status[0], shorter=status[1:]))
            # The next poll FOLLOW_MIN_INTERVAL after this one started (twice this one's time
            # when that is longer); then, with file-system events, once an input changed (those
            # of the pause are handed over `handover` s after the pause: taken from it, updates
            # came 1.1 s apart), and polling, at once (a second wait of 1 s made them 2 s apart).
            pause = max(FOLLOW_MIN_INTERVAL, 2 * took) - (time.monotonic() - started)
            pause -= follower.handover()
            if update is None and not written:
                # A look after the watcher's heartbeat found nothing, and nothing was written
                # since: no update to space out. The next look waits for the watcher alone, so
                # a line written after a quiet spell is read at its handover (~0.1 s), not
                # after the rest of a pause (a write 2-4 s after the last: 0.08-1.02 s to the
                # screen, median 0.24 s). Events that found nothing still pause as before.
                pause = 0.0
            if pause > 0:
                stop.wait(pause)
            written = follower.wait(0.0, stop)
        self.post_message(FollowStatus(""))

    def cancel_load(self) -> bool:
        """Stop tokenizing; what was read stays on screen (files still being read are read: that
        is ~1% of a load). False when nothing was loading."""
        if not self.loading or self.stop_lengths.is_set():
            return False
        self.stop_lengths.set()
        return True

    def can_resume_lengths(self) -> bool:
        """True when ``x`` stopped the token lengths and the load is over: ``x`` again counts
        the rest."""
        return (
            not self.loading
            and not self.rescoring
            and self.stop_lengths.is_set()
            and self.result is not None
            and self.result.cancelled
        )

    def resume_lengths(self) -> bool:
        """Count the token lengths ``x`` stopped: the files are loaded again (the lengths
        cached per file are not counted again), the table shown as it is until the load is
        done, then with every length. False when there is nothing to resume."""
        if not self.can_resume_lengths():
            return False
        self.stop_lengths = threading.Event()
        self.loading = True
        self.resuming = True
        self.stage = "reading"
        self.eta = Eta()
        self.start_load()
        return True

    # --- re-scoring ---------------------------------------------------------------------------

    def start_rescore(self, result: LoadResult) -> None:
        """Re-score a final load result with the chosen scorer (``--rescore`` or the dialog's),
        in a worker (a cached file is instant); until it is done the scores shown stay."""
        if self.rescore_options is None or self.rescore_error is not None:
            return
        if self.rescoring:  # a newer request replaces the running re-score
            self.workers.cancel_group(self, "rescore")
        self.rescore_serial += 1
        self.rescoring = True
        self.main.refresh_bindings()
        self.rescore_data(result, self.rescore_options, self.rescore_scope, self.rescore_serial)

    def rescore_from_dialog(
        self, scorer: str, only: pl.DataFrame | None, *, reextract: bool = False
    ) -> None:
        """The re-score dialog's request: ``scorer`` on the prompts of ``only`` (None: all),
        now, or once the load is done when it is still going (``reextract``: ``exact`` reads
        each answer from the text, :attr:`RescoreOptions.reextract`)."""
        from evaltui.data.rescore import prepare_workers

        base = self.rescore_options
        self.rescore_options = (
            dataclasses.replace(base, scorer=scorer, reextract=reextract)
            if base is not None
            else RescoreOptions(
                scorer,
                workers=self.options.num_proc,
                cache_dir=self.options.cache_dir,
                use_cache=self.options.use_cache,
                reextract=reextract,
            )
        )
        self.rescore_scope = only
        self.rescore_error = None
        # A re-score asked for is told its notes and doubts afresh: said once per app, a second
        # scorer's "scored from the answer" went unsaid, as did exact's doubt asked for again.
        self.doubts_told.clear()
        prepare_workers()
        if self.loading or self.loaded is None:
            self.notify(
                f"re-scores with {scorer} once the files are loaded", markup=False, timeout=6
            )
            return
        self.start_rescore(self.loaded)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rescore", name="rescore")
    def rescore_data(
        self,
        result: LoadResult,
        options: RescoreOptions,
        only: pl.DataFrame | None,
        serial: int,
    ) -> None:
        """Runs in a thread: only posts messages. Cancelling the worker stops the scorer's
        processes (nothing half-done is shown or cached; the verdicts given are kept in the memo)."""
        from evaltui.data.rescore import ScorerUnavailable, in_scope, rescore, rescored_load

        cancelled = get_current_worker().cancelled_event
        # The stored scores are judged as the load judges them (the doubts compare with them).
        options = dataclasses.replace(options, thresholds=self.options.correct_threshold)
        scored = result
        gens = result.generations
        # exact reads the stored answers, unless asked to read them from the text
        needs_text = (
            options.scorer.strip() != "exact" or options.reextract
        ) and not options.scorer.startswith("lm-eval")
        if needs_text and gens.height and gens["gen"].null_count():
            # A warm load keeps no generation text (its rows come from the cache): the scorer
            # reads it, so it is read back from the files (the prompts re-scored only), for
            # this re-score only.
            from evaltui.data.texts import TextSource

            rows = gens.with_row_index("_row")
            if only is not None:
                rows = rows.filter(in_scope(gens, only))
            try:
                filled = TextSource(result.files, self.options.read).fill(rows, gens)
            except TextUnavailable as exc:
                self.post_message(RescoreFailed(f"cannot re-score: {exc}", serial))
                return
            text = gens["gen"].clone().scatter(filled["_row"], filled["gen"])
            scored = dataclasses.replace(result, generations=gens.with_columns(text))
        if cancelled.is_set():
            return
        try:
            rescored = rescore(
                scored,
                options,
                on_progress=lambda p: self.post_message(RescoreProgressed(p, serial)),
                cancelled=cancelled,
                read_options=self.options.read.cache_token(),
                only=only,
                memo=self.score_memo,
            )
        except ScorerUnavailable as exc:
            self.post_message(RescoreFailed(str(exc), serial))
            return
        if rescored.cancelled or cancelled.is_set():
            self.post_message(RescoreFailed("", serial))
            return
        load_options = self.options
        shown = rescored_load(result, rescored, load_options)
        self.post_message(RescoreDone(result, shown, rescored, serial))

    def cancel_rescore(self) -> bool:
        """Stop re-scoring (``x``, ``esc``); the scores shown stay. False when none runs."""
        if not self.rescoring:
            return False
        self.workers.cancel_group(self, "rescore")
        self.rescore_serial += 1  # whatever the stopped worker still posts is dropped
        self.rescoring = False
        self.main.show_rescore_progress(None)
        self.main.refresh_bindings()
        self.show_held(stopped=True)
        return True

    def show_held(self, *, stopped: bool = False) -> None:
        """A followed update held for its re-score, which will not come (stopped, failed):
        shown as read, unless it is shown with the verdicts given before it was ``stopped``
        (those stay). The next update is re-scored again, from the verdicts kept."""
        held, self.rescore_held = self.rescore_held, None
        shown, self.known_shown = self.known_shown, None
        if held is not None and held is self.loaded and not (stopped and shown is held):
            self.show_load_result(held)

    def on_rescore_progressed(self, message: RescoreProgressed) -> None:
        if self.rescoring and message.serial == self.rescore_serial:
            self.main.show_rescore_progress(message.progress)

    def on_rescore_done(self, message: RescoreDone) -> None:
        if message.serial != self.rescore_serial:
            return  # a stopped or replaced re-score
        self.rescoring = False
        self.main.show_rescore_progress(None)
        self.main.refresh_bindings()
        # Shown even when a followed update came meanwhile (held, not shown): this is newer
        # than the table, and every verdict in it is kept, so the next re-score (of the
        # newest update, at once) scores only what came since.
        held, self.rescore_held = self.rescore_held, None
        # Each said once, as the doubts are: a followed file's every update is re-scored, and
        # its notes came again with grown counts ('4 prompts', then '6 prompts').
        for note in self.untold(message.rescored.notes)[:3]:
            self.notify(note, title="not re-scored", severity="warning", markup=False)
        from evaltui.data.rescore import from_answer_words

        # Before the prompt scores' note: a plain message replaces the one shown, and what
        # became of the prompts' own scores is the one to leave (t's summary has both).
        told = from_answer_words(message.rescored)
        if told and told_key(told) not in self.doubts_told:
            self.doubts_told.add(told_key(told))
            self.notify(told, title="re-scored answers", markup=False)
        for note in self.untold(message.rescored.prompt_notes)[:2]:  # the prompt scores now
            self.notify(note, title="prompt scores", markup=False)
        self.tell_doubts(message.rescored, message.base)
        newer = held is not None and held is not message.base and held is self.loaded
        if not (newer and self.known_shown is held):
            # Else the newer update is on screen already (with the verdicts known then); the
            # next re-score's first look shows the new ones, at once.
            self.rescored = message.rescored
            self.known_shown = None
            self.show_load_result(message.result)
        if newer and held is not None:
            self.rescore_held = held
            self.start_rescore(held)
            self.show_known(held)

    def untold(self, notes: list[str]) -> list[str]:
        """Those of ``notes`` not said before (by :func:`told_key`), now counted as said."""
        fresh = [n for n in notes if told_key(n) not in self.doubts_told]
        self.doubts_told.update(told_key(n) for n in fresh)
        return fresh

    def tell_doubts(self, rescored: Rescored, base: LoadResult) -> None:
        """Each kind of file whose new verdicts may not be its task's (a task whose own scorer
        maps the answer ``A`` to a label: ``exact`` called every one stored correct wrong), with
        the scorer that scores as the task did: a warning that stays until dismissed."""
        from evaltui.data.notes import fold_notes
        from evaltui.data.sanitize import one_line, one_line_middle

        groups = [
            g
            for g in fold_notes(rescored.doubts, [f.source for f in base.files])
            if told_key(g.text) not in self.doubts_told
        ]
        self.doubts_told.update(told_key(g.text) for g in groups)
        for group in groups[:2]:
            # The first file's name and how many more first (the toast is narrow and may cut
            # the end: t's summary has it all), then the note without its list of files.
            what = group.notes[0][len(group.sources[0]) + 2 :] if group.sources else group.text
            where = ""
            if group.sources:
                where = one_line_middle(Path(group.sources[0]).name, 36)
                where += f" and {len(group.sources) - 1:,} more" if len(group.sources) > 1 else ""
                where += ": "
            self.notify(
                one_line(where + what, 400),
                title="new verdicts may not be the task's",
                severity="warning",
                timeout=20,
                markup=False,
            )
        if len(groups) > 2:
            self.notify(
                f"and {len(groups) - 2:,} more kinds of files (evaltui rescore lists each)",
                title="new verdicts may not be the task's",
                severity="warning",
                markup=False,
            )

    def show_known(self, result: LoadResult) -> None:
        """``result`` (held for its re-score) shown now with the verdicts given so far, made in
        a worker (the scorer's running re-score goes on)."""
        options = self.rescore_options
        if options is not None:
            self.rescore_known(result, options, self.rescore_scope, self.rescore_serial)

    @work(thread=True, exclusive=True, exit_on_error=False, group="known", name="known")
    def rescore_known(
        self,
        result: LoadResult,
        options: RescoreOptions,
        only: pl.DataFrame | None,
        serial: int,
    ) -> None:
        """Runs in a thread: only posts messages."""
        from evaltui.data.rescore import known_scores, rescored_load

        options = dataclasses.replace(options, thresholds=self.options.correct_threshold)
        known = known_scores(result, options, self.score_memo, only=only)
        if known is None or get_current_worker().is_cancelled:
            return
        load_options = self.options
        shown = rescored_load(result, known, load_options)
        self.post_message(RescoreKnown(result, shown, known, serial))

    def on_rescore_known(self, message: RescoreKnown) -> None:
        if message.serial != self.rescore_serial or message.base is not self.rescore_held:
            return  # its re-score was stopped or replaced, or a newer update is on its way
        self.rescored = message.rescored
        self.known_shown = message.base
        self.show_load_result(message.result)

    def on_rescore_failed(self, message: RescoreFailed) -> None:
        if message.serial != self.rescore_serial:
            return
        self.rescoring = False
        self.main.show_rescore_progress(None)
        self.main.refresh_bindings()
        self.show_held()
        if message.reason:
            self.rescore_error = message.reason
            self.notify(
                message.reason, title="re-score", severity="error", markup=False, timeout=15
            )

    def on_load_progressed(self, message: LoadProgressed) -> None:
        progress = message.progress
        self.stage = progress.stage
        self.main.show_progress(progress, self.eta.update(progress, time.monotonic()))

    def rows_kept(self, stats: pl.DataFrame, before: pl.DataFrame) -> bool:
        """Whether ``stats`` has ``before``'s rows first, with the same values in the columns
        both have, then only new prompts' rows: ``before`` itself, or a Stats table followed
        updates grew from it by appending (through updates not shown, too)."""
        frame = stats
        for new, old in reversed(self._grown):
            if frame is before:
                return True
            if new is frame:
                frame = old
        return frame is before

    def on_load_updated(self, message: LoadUpdated) -> None:
        if message.grown_from is not None:
            self._grown = [
                *self._grown[-(GROWN_KEPT - 1) :],
                (message.result.stats, message.grown_from),
            ]
        if self.resuming:
            if not (message.result.complete or message.result.cancelled):
                # The files read again, fewer than the table shows: it stays as it is (its
                # rows and the user's cursor) until every length is counted.
                return
            self.resuming = False
        self.loaded = message.result
        if message.result.complete or message.result.cancelled:
            building = self._building_since
            if (
                not self.loading
                and building is not None
                and time.monotonic() - building < FOLLOW_HOLD_MAX
            ):
                # Following, and the table of the last update is still being built: this one
                # waits for it (a newer update replaces it), then shows at once. Asking for its
                # view now would cancel that build, and updates coming faster than a build (a
                # busy machine, a large table) would leave the table showing none of them.
                self._pending = message.result
                return
            self.show_final_result(message.result)
            return
        # A partial result: at most one table rebuild per MIN_REFRESH, and never more often than
        # a rebuild takes; in between, the newest result waits (older ones are dropped).
        self._pending = message.result
        wait = self._next_refresh - time.monotonic()
        if self.result is None or (wait <= 0 and self._building_since is None):
            self.show_pending()
        elif self._pending_timer is None:
            self._pending_timer = self.set_timer(max(wait, 0.1), self.show_pending)

    def show_final_result(self, result: LoadResult) -> None:
        """A complete (or stopped) load result, or a followed update: shown now, or, while
        re-scored numbers are shown or coming, once re-scored."""
        self.loading = False
        self._pending = None
        if self.rescore_follows():
            # The stored scores are not shown in between (the table would flip between the two
            # every update). A running re-score is not stopped: it goes on, its result is shown,
            # then this one's re-score scores only the generations not scored yet.
            self.rescore_held = result
            if not self.rescoring:
                self.start_rescore(result)
            else:  # meanwhile, it is shown with the verdicts given so far
                self.show_known(result)
            return
        self.show_load_result(result)
        self.start_rescore(result)

    def rescore_follows(self) -> bool:
        """Whether a new final load result (a followed update) waits for its re-score: one runs,
        or the table shows re-scored numbers, and the scorer can run."""
        if self.rescore_options is None or self.rescore_error is not None:
            return False
        shown = self.result
        return self.rescoring or (shown is not None and is_rescored(shown.stats))

    def want_prompt_index(self) -> None:
        """A prompt is being opened: the current result's generations are indexed by prompt
        soon after (once per result, when there are enough of them to be worth it)."""
        result = self.result
        if result is None or result.generations.height < self.INDEX_FROM:
            return
        generations = result.generations
        if result.generations_pending or generations is self._indexing:
            return
        self._indexing = generations

        def start() -> None:
            if self.result is not None and self.result.generations is generations:
                self.index_prompts(generations)

        self.set_timer(self.INDEX_DELAY, start)

    @work(thread=True, exclusive=True, exit_on_error=False, group="index", name="index")
    def index_prompts(self, generations: pl.DataFrame) -> None:
        """Runs in a thread: indexes the generations by prompt (~0.6 s at 2M), then hands the
        index to the UI thread."""
        index = PromptIndex(generations)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(setattr, self, "prompt_index", index)

    def table_built(self) -> None:
        """The table of the current result is shown (or its view failed): a followed update
        held back meanwhile shows now."""
        self._building_since = None
        pending = self._pending
        if pending is not None and (pending.complete or pending.cancelled):
            self.show_final_result(pending)

    def show_pending(self) -> None:
        self._pending_timer = None
        if self._pending is None:
            return
        if self._building_since is not None or time.monotonic() < self._next_refresh:
            wait = max(self._next_refresh - time.monotonic(), 0.1)
            self._pending_timer = self.set_timer(wait, self.show_pending)
            return
        result, self._pending = self._pending, None
        self.show_load_result(result)

    def show_load_result(self, result: LoadResult) -> None:
        previous = self.result
        # The same Stats table (a warm load's snapshot, then its rows): views computed from it,
        # shown or still in flight, are this result's views too (seconds at a million prompts).
        same_table = previous is not None and previous.stats is result.stats
        self.result = result
        if not same_table:
            self.result_generation += 1
        if self.result_generation == 1 and not same_table:  # every run is known once read
            runs = result.stats["run"].unique(maintain_order=True).to_list()
            unknown = self.options.correct_threshold.unknown_message(runs)
            if unknown is not None:
                self.notify(unknown, severity="warning", markup=False, timeout=15)
        if (
            not same_table
            and previous is not None
            and previous.complete
            and self.rows is not None
            and self.main.shown_rows is not None
        ):
            self.header_pending = result  # shown with its view (on_view_ready)
        else:
            self.show_header_now(result)
        if same_table and self._building_since is not None:
            return  # the view being computed lands with this result
        self._building_since = time.monotonic()
        if (
            same_table
            and self.rows is not None
            and self.shown_layout is not None
            and self.view == self.wanted
        ):
            self.post_message(
                ViewReady(self.view, self.rows, self.shown_layout, self.result_generation)
            )
            return
        self.request_view(self.wanted)

    def action_toggle_follow(self) -> None:
        """``F``: follow the inputs (from the end of the load on), or stop following them."""
        if self.main.failed and not self.loading:
            # Nothing was loaded (a folder with no file yet, most often): loaded again, now
            # following, so such a folder waits for its first file; any other failure (a path
            # that does not exist) is shown again, and F tries again. F said "following the
            # inputs" here and nothing came (no load, no follower), or with --follow "stopped
            # following" of inputs never followed.
            self.following.set()
            self.notify(
                "following the inputs: loading them again; a folder with no file yet waits "
                "for its first one",
                markup=False,
            )
            self.load_error = None
            self.loading = True
            self.stage = "reading"
            self.eta = Eta()
            self.main.clear_failure()
            self.start_load()
            return
        if self.following.is_set():
            self.following.clear()
            self.notify("stopped following the inputs", markup=False)
            return
        if self.follow_after_count:
            self.follow_after_count = False
            self.notify(
                "the inputs will not be followed once the token lengths are counted",
                markup=False,
            )
            return
        if self.result is not None and self.result.cancelled:
            self.follow_after_count = True
            self.notify(
                "loading was stopped, so there is nothing to follow from yet: x counts the "
                "token lengths left, then the inputs are followed (F: not then)",
                severity="warning",
                markup=False,
            )
            return
        self.following.set()
        self.notify(
            "following the inputs: new lines and files appear as they are written", markup=False
        )
        if self.follower is not None:  # the load is done; otherwise it starts following itself
            # What was written since the load or since following stopped is read at once: a
            # catch-up, not new generations seen arriving in the last minute.
            self.follow_catches_up = True
            self.follow_inputs()

    def show_header_now(self, result: LoadResult) -> None:
        """``result``'s header line, made here; a header waiting for its view is not shown."""
        self.header_pending = None
        self.main.show_result(result)
        self._show_follow_line()

    def _show_follow_line(self) -> None:
        if self._follow_line is not None:
            self.main.show_follow_status(self._follow_line)
            self._follow_line = None

    def on_follow_status(self, message: FollowStatus) -> None:
        if message.note:
            self.notify(message.text, title="follow", markup=False)
            return
        # Posted right after an update: it waits for that update's header and table, so the
        # three lines are drawn in one repaint.
        self._follow_line = (message.text, *message.shorter)
        if self.header_pending is None:
            self._show_follow_line()

    def on_load_failed(self, message: LoadFailed) -> None:
        self.loading = False
        self.resuming = False
        self.load_error = message.reason
        self.main.show_failure(message.reason)
        self.release_held_keys()  # no table is coming: the keys say what they do now

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "load" and event.state == WorkerState.CANCELLED:
            self.release_held_keys()  # stopped before any table: none is coming
        # One place for unexpected worker errors: a message on screen, never a traceback.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            reason = f"{type(error).__name__}: {error}"
            if event.worker.group == "load":
                self.load_error = reason
                self.post_message(LoadFailed(reason))
            elif event.worker.group == "rescore":  # never left "re-scoring" for ever
                failed = f"re-scoring failed: {reason}"
                self.post_message(RescoreFailed(failed, self.rescore_serial))
            else:
                self.notify(reason, title="error", severity="error", markup=False)
            if event.worker.group == "view":
                self.view_shown()  # no view is coming: what waited for it acts on the table

    # --- views --------------------------------------------------------------------------------

    def request_view(self, view: View) -> None:
        """Compute ``view`` off the main thread; the screen updates when ViewReady arrives."""
        self.wanted = view
        if self.result is None:
            return
        self.view_computing = True
        self.view_width = self.size.width
        self.view_rows = self.main.table_rows()
        prompt, run = column_widths(self.size.width)
        pending = self.header_pending
        header = None
        if pending is not None and pending is self.result:
            counted = self._header_counts
            if counted is not None and not self.rows_kept(pending.stats, counted[0]):
                counted = None
            header = (pending, self.main.header_width(), counted)
        # A followed update of the view on screen keeps its columns' widths (no shrinking, a
        # digit of room for a growing number): each width change draws the whole table again.
        steady = self.shown_layout if self.following.is_set() and view == self.view else None
        self.compute_view(
            view,
            self.result.stats,
            self.result_generation,
            prompt,
            run,
            self.size.width,
            header,
            self.main.table_rows(),
            steady,
            steady is not None and self.rows_kept(self.result.stats, steady.rows),
        )

    # A description of its own: Textual's default is the arguments' repr, made on the UI thread
    # as each view starts — three tables printed (the Stats rows, a header's counts, the
    # steady layout's rows), ~1 ms of the UI thread on every followed update.
    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="view",
        name="view",
        description="compute the view",
    )
    def compute_view(
        self,
        view: View,
        stats: pl.DataFrame,
        generation: int,
        width: int,
        run_width: int,
        fit: int | None = None,
        header: tuple[LoadResult, int, tuple[pl.DataFrame, HeaderCounts] | None] | None = None,
        fit_rows: int | None = None,
        steady: TableLayout | None = None,
        kept: bool = False,
    ) -> None:
        """``header``: a result and a width to make the header line of, with the view, and the
        counts of a Stats table it grew from (:meth:`rows_kept`); ``fit_rows``: the rows the
        table shows, ``steady``: the layout whose widths to keep (see :func:`table_layout`),
        ``kept``: ``stats`` has ``steady``'s rows first, unchanged (:meth:`rows_kept`)."""
        # exclusive: a newer request cancels this worker, and the cancel stops the polars query
        # itself (a monster filter must not keep a core busy after the next keystroke).
        cancelled = get_current_worker().cancelled_event
        try:
            rows = view.apply(stats, cancelled)
        except QueryCancelled:
            return
        except QueryError as exc:
            self.post_message(ViewInvalid(view, exc.message, exc.position, exc.field))
            return
        if not cancelled.is_set():
            # The columns' widths and cuts only: the table makes the cells of the rows it shows.
            keep = view.sort.column if view.sort is not None else None
            # The default view's rows are the Stats table itself: kept rows are its first.
            grown = kept and rows is stats
            layout = table_layout(
                rows, width, run_width, fit, fit_rows, keep, steady, grown, named_by=stats
            )
            text = of = counts = None
            if header is not None:
                from evaltui.app.screens.main import grown_header_counts, header_counts, header_text

                of, header_width, counted = header
                counts = (
                    grown_header_counts(counted[1], of.stats.slice(counted[0].height))
                    if counted is not None
                    else header_counts(of.stats)
                )
                text = header_text(of, header_width, counts=counts)
            self.post_message(ViewReady(view, rows, layout, generation, text, of, counts))

    def on_view_ready(self, message: ViewReady) -> None:
        if message.generation != self.result_generation:
            return  # computed from an older load result; a newer one is on its way
        if message.view != self.wanted:
            return  # the user asked for another view meanwhile; it is on its way
        # The very rows already on screen (a warm load's rows arriving with the snapshot's
        # table): the table stays as it is, not built again.
        shown = (
            message.rows is self.rows
            and message.layout is self.shown_layout
            and message.view == self.view
        )
        self.view = message.view
        if self.rows is None and self.said_until_prompts:
            self.take_down(self.said_until_prompts)
            self.said_until_prompts = set()
        self.rows = message.rows
        self.rows_result = self.result
        self.shown_layout = message.layout
        pending = self.header_pending
        if pending is not None:
            # The header with the table, in the same repaint (made with this view when it was
            # asked for with the result shown now; else here).
            if message.header is not None and message.header_of is pending:
                if message.header_counts is not None:
                    self._header_counts = (pending.stats, message.header_counts)
                    self.main.show_filter_example(message.header_counts.kinds)
                self.header_pending = None
                self.main.show_header(message.header)
                self._show_follow_line()
            else:
                self.show_header_now(pending)
        if not shown:
            self.main.show_view(message.view, message.rows, message.layout)
        if message.generation != self._screens_shown_generation:
            # New scores or rows (a re-score, followed lines, more of a load): the screens open
            # over the table show them too (a compare or a prompt kept the old ones silently).
            self._screens_shown_generation = message.generation
            for screen in self.screen_stack[1:]:
                data_changed = getattr(screen, "data_changed", None)
                if callable(data_changed):
                    data_changed()
        self.table_shown.set()
        generations = not (self.result is not None and self.result.generations_pending)
        if generations and self.said_until_generations:
            self.take_down(self.said_until_generations)
            self.said_until_generations = set()
        if self.held_keys is not None and generations:
            # A warm load's first table (the cache's snapshot) reads its generations behind it:
            # the keys wait for them too ('t' said 'still reading the generations: summary opens
            # once they are loaded', up for its full time after they were), and for the table
            # to have the focus.
            self.main.after_table_placed(self.release_held_keys)
        if not self.table_painted.is_set():
            self.call_after_refresh(self.table_painted.set)
        if self._building_since is not None:
            # The next partial result waits at least as long as this one took to show.
            now = time.monotonic()
            self._next_refresh = now + max(self.MIN_REFRESH, now - self._building_since)
            self.table_built()
        self.view_shown()

    def on_view_invalid(self, message: ViewInvalid) -> None:
        if message.view != self.wanted:
            return
        # The error never hides the table: the last valid filter (or none, before the first
        # table) is shown with the rest of what was asked. A view valid until a followed update
        # took its column away (a sort by pass@4, a filter on maj@4, the run of 4 samples
        # deleted) is that last valid one: it kept the older result's rows on the table, the
        # deleted run's among them, under a header counting the new result. The part at fault
        # is left out then (the sort, the quick filter, the filter).
        view = message.view
        if message.field == "sort" and view.sort is not None:
            fallback, kept = view.replace(sort=None), "the rows unsorted"
        elif message.field == "quick" and view.quick is not None:
            fallback, kept = view.replace(quick=None), "the view without it"
        else:
            fallback = view.replace(where=self.view.where if self.rows is not None else "")
            kept = None
            if fallback == view and view.where:
                fallback, kept = view.replace(where=""), "all prompts"
        self.main.show_view_error(message.error, message.position, kept)
        self.main.error_view = fallback
        if fallback != view:
            self.request_view(fallback)
            return
        self.view_shown()
        if self.header_pending is not None:
            self.show_header_now(self.header_pending)
        self.table_shown.set()
        if self._building_since is not None:
            self.table_built()

    def after_view(self, act: Callable[[], None]) -> bool:
        """True when the view asked for is on the table; else False, and ``act`` runs once it
        is (if the table's screen is still the one shown then).

        A key typed right behind one that changes the view (tmux's send-keys, a paste, keys
        read in one go over SSH) was acted on against the table still shown: 'l' then enter
        opened the prompt under the cursor before the filter, 'prompt 180 of 500', not the one
        prompt the filter left; 'u' then 'R' offered to re-score 'the current view's 500
        prompts · all prompts' over a table of 6."""
        if not self.view_computing:
            return True
        self._after_view.append(act)
        return False

    def view_shown(self) -> None:
        """The view asked for (or the one shown in its place) is on the table: what waited for
        it acts now, on the new table."""
        self.view_computing = False
        waiting, self._after_view = self._after_view, []
        for act in waiting:
            self.call_after_refresh(self._act_on_table, act)

    def _act_on_table(self, act: Callable[[], None]) -> None:
        if self.screen is self.main and not self.view_computing:
            act()
        elif self.view_computing:
            self._after_view.append(act)

    # --- screens ------------------------------------------------------------------------------

    def action_help(self) -> None:
        from evaltui.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            # From a dialog: its keys first (the dialog stays open behind the help).
            self.push_screen(HelpScreen(type(self.screen) if self.screen.is_modal else None))

    def text_source(self) -> TextSource:
        """What reads generation text back for the current result's rows, where the load did
        not keep it (one per result: it keeps the whole-document files it parsed)."""
        result = self.result
        assert result is not None
        if self._texts is None or self._texts.files is not result.files:
            self._texts = TextSource(result.files, self.options.read)
        return self._texts

    def default_export_dir(self) -> Path:
        from evaltui.data.export import default_export_dir

        return default_export_dir(self.paths)

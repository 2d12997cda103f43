"""Bad lines and skipped files: everything that could not be used, with file:line and why."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar, cast

from rich.cells import cell_len
from rich.segment import Segment
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static
from textual.worker import get_current_worker

from evaltui.app.footer import KeysFooter
from evaltui.app.screens import ready_for_keys
from evaltui.app.screens.help import HangingText, scroll_a_line
from evaltui.data.discover import natural_key
from evaltui.data.notes import NUMBER, note_lines
from evaltui.data.sanitize import name_line, one_line
from evaltui.data.wording import plural

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp
    from evaltui.data.loader import LoadResult
    from evaltui.data.schema import LoadError

MAX_LISTED = 5000
LINE_LIMIT = 2000
#: Seconds between looks at the app's result (a load or a followed update may bring more).
RECHECK = 0.5
#: Bad lines of one kind said once from this many on (two said as they are are no longer).
FOLD_FROM = 3
#: Places a folded kind names (its first lines, or files); the rest are counted.
PLACES_NAMED = 5
#: The header's words when some bad lines are alike: said once, or each listed.
SAID_ONCE = " · the lines alike said once (a lists every line)"
EACH_LISTED = " · every line (a says the lines alike once)"
BUILT_APART_FROM = 2000
"""Bad lines and notes from this many on are put in words by a worker, the screen saying it is
reading them meanwhile: 120,000 bad lines took the UI thread 0.3-0.9 s (every line listed), the
keys unanswered, ``esc`` too. Fewer are shown at once (no "reading" line flashed)."""
_NUMBERS = re.compile(f"({NUMBER.pattern})")
"""A reason's numbers (as notes are folded, :mod:`evaltui.data.notes`), kept by ``split``."""


class WrappedLines(ScrollView, can_focus=True):
    """A :class:`HangingText` wrapped to the width shown, drawn a line at a time as it is
    scrolled into sight: in one Static, 5,000 bad lines (``a``) were all drawn at once, a
    second of the UI thread (keys and ``esc`` unanswered). Always room for the scrollbar
    (``scrollbar-gutter: stable``): its width, wrapped to, does not change with it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = HangingText("", paragraph=2)
        """The text shown, a line per line as written (``str``)."""
        self._lines: tuple[str, ...] = ()
        self._width = 0
        self._line_cache: LRUCache[int, Strip] = LRUCache(1024)

    def update(self, text: HangingText) -> None:
        self.text = text
        self._lines, self._width = (), 0
        self._line_cache.clear()
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """The text wrapped at the width shown now (a worker wrapped it ahead)."""
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._width:
            return
        self._width = width
        self._lines = self.text.wrapped_lines(width)
        self.virtual_size = Size(width, len(self._lines))
        self._line_cache.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        style = self.rich_style
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, style)
        strip = self._line_cache.get(index)
        if strip is None:
            line = self._lines[index]
            strip = self._line_cache[index] = Strip([Segment(line, style)], cell_len(line))
        return strip.crop_extend(scroll_x, scroll_x + width, style)


class ProblemsScreen(Screen[None]):
    """Opened while files are still read (or followed), it shows what is known so far and
    keeps up: every new result is shown within :data:`RECHECK` seconds."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="problems_back"),
        Binding("q", "app.pop_screen", "Back", id="problems_back_q"),
        Binding(
            "a",
            "every_line",
            "Every line",
            id="problems_every_line",
            tooltip="again: the lines alike said once",
        ),
        Binding("j", "scroll(1)", "Scroll down", id="problems_down_j", show=False),
        Binding("k", "scroll(-1)", "Scroll up", id="problems_up_k", show=False),
    ]

    class Built(Message):
        """The text of build ``ticket`` (:meth:`ProblemsScreen.build`), made off the UI thread."""

        def __init__(self, ticket: int, lines: list[str], text: HangingText) -> None:
            super().__init__()
            self.ticket = ticket
            self.lines = lines
            self.text = text

    def __init__(self) -> None:
        super().__init__()
        self.shown_result: LoadResult | None = None
        self.shown: tuple[int, str | None, bool, bool] | None = None
        """What the text was made from, beside :attr:`shown_result`: how many bad lines, the
        load error, whether the load was still running, whether every line was listed."""
        self.every_line = False
        """True lists every bad line; False says a kind of bad line said on many lines once
        (``a`` toggles)."""
        self.alike = False
        """Whether some bad lines are alike (said once unless :attr:`every_line`): ``a`` is
        offered only then."""
        self.ticket = 0
        """The last build's number: the text of an earlier one (superseded) is not shown."""
        self.building = False
        """Whether a worker is putting the bad lines in words (:data:`BUILT_APART_FROM`)."""

    def compose(self) -> ComposeResult:
        yield Static(id="problems-reading", markup=False)
        yield WrappedLines(id="problems")
        yield KeysFooter(compact=False)

    def action_scroll(self, step: int) -> None:
        scroll_a_line(self.query_one("#problems", WrappedLines), step)

    def on_mount(self) -> None:
        ready_for_keys(self)  # ('b' then keys in one burst: they are this screen's)
        self.query_one("#problems-reading", Static).display = False
        self.show_news()
        self.set_interval(RECHECK, self.show_news)

    def show_news(self) -> None:
        if self.building:
            return  # looked at again once the build in hand is shown
        app = cast("EvalApp", self.app)
        result = app.result
        now = (len(result.errors) if result else 0, app.load_error, app.loading, self.every_line)
        if result is self.shown_result and now == self.shown:
            return
        self.shown_result, self.shown = result, now
        self.ticket += 1
        error, loading, every_line = app.load_error, app.loading, self.every_line
        many = len(result.errors) + len(result.notes) if result is not None else 0
        if many < BUILT_APART_FROM:
            lines = problem_lines(result, error, loading, every_line=every_line)
            self.show_lines(lines, HangingText("\n".join(lines), paragraph=2))
            return
        self.building = True
        reading = self.query_one("#problems-reading", Static)
        assert result is not None  # (none: nothing to read, said at once)
        # The bad lines counted as the header counts them (notes are not bad lines: 120,027 of
        # them and a note were said as "reading 120,028 bad lines").
        reading.update(f"reading {plural(len(result.errors), 'bad line')}… (esc: back)")
        reading.display = True
        # The width the text is wrapped to (beside the scrollbar's room); before the first
        # layout, the screen's less the padding and the scrollbar.
        view = self.query_one("#problems", WrappedLines)
        width = view.scrollable_content_region.width or (
            (self.size.width or self.app.size.width) - 2 - view.styles.scrollbar_size_vertical
        )
        self.build(self.ticket, result, error, loading, every_line, width)

    @work(thread=True, exclusive=True, exit_on_error=False, group="problems")
    def build(
        self,
        ticket: int,
        result: LoadResult | None,
        error: str | None,
        loading: bool,
        every_line: bool,
        width: int,
    ) -> None:
        """Runs in a thread: the text of many bad lines, wrapped to ``width`` ahead (both the
        sorting and the wrapping of 5,000 lines took long); only posts it. Leaving the screen
        cancels it (its text is then never shown)."""
        stop = get_current_worker().cancelled_event

        def check() -> None:
            if stop.is_set():
                raise BuildStopped

        try:
            lines = problem_lines(result, error, loading, every_line=every_line, stop=stop)
            text = HangingText("\n".join(lines), paragraph=2)
            if width > 0:
                text.wrapped_lines(width, check)
        except BuildStopped:
            return  # the screen was left: its text is not wanted
        if not stop.is_set():
            self.post_message(self.Built(ticket, lines, text))

    def on_problems_screen_built(self, message: Built) -> None:
        self.building = False
        self.query_one("#problems-reading", Static).display = False
        if message.ticket == self.ticket:
            self.show_lines(message.lines, message.text)
        self.show_news()  # what came meanwhile (a load's new lines, a pressed)

    def show_lines(self, lines: list[str], text: HangingText) -> None:
        alike = lines[0].endswith((SAID_ONCE, EACH_LISTED))
        if alike != self.alike:
            self.alike = alike
            self.refresh_bindings()
        # An entry too long for the screen goes on two cells in: at 60 columns each bad line
        # went on at the left edge, read as the next entry ('value at column 12').
        self.query_one("#problems", WrappedLines).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.alike or action != "every_line"

    def action_every_line(self) -> None:
        """``a``: every bad line listed, or each kind said on many lines once (as at first)."""
        self.every_line = not self.every_line
        self.show_news()


class BuildStopped(Exception):
    """:func:`problem_lines` was stopped (its screen was left while it ran)."""


def problem_lines(
    result: LoadResult | None,
    error: str | None,
    loading: bool,
    *,
    every_line: bool = False,
    stop: threading.Event | None = None,
) -> list[str]:
    """Bad lines in file order, then skipped files, then notes; what is known so far while
    ``loading``. A kind of bad line on many lines is said once (:func:`fold_errors`) unless
    ``every_line``. ``stop`` set: :class:`BuildStopped` raised soon (a worker's work for a
    screen left: in a thread it still held Python's lock, and the table behind, esc pressed,
    came back only once the 120,000 bad lines were sorted and said, 1-3 s on a busy machine)."""

    def check() -> None:
        if stop is not None and stop.is_set():
            raise BuildStopped

    if result is None:  # the load's reason names files: one safe line, as every line here
        return [one_line(error, LINE_LIMIT) if error else "still loading: nothing read yet"]
    so_far = " so far (still loading)" if loading else ""
    # In file order, line by line (readers and threads report them in any order); each whole,
    # wrapped at the screen's width.
    errors = sorted(result.errors, key=_place_key(check))
    check()
    kinds = fold_errors(errors)
    check()
    folded = len(kinds) < len(errors)
    if every_line or not folded:
        told = EACH_LISTED if folded else ""
        entries, listed = [str(e) for e in errors[:MAX_LISTED]], len(errors)
    else:
        # An Inspect log whose 27 samples all failed on one TypeError said it 27 times, a
        # screen and a half of the same words: once now, with where.
        told = SAID_ONCE
        entries, listed = [], len(kinds)
        for kind in kinds[:MAX_LISTED]:
            check()
            entries.append(kind_line(kind))
    lines = [f"{plural(len(result.errors), 'bad line')} (counted, not used){so_far}{told}"]
    lines.extend(one_line(entry, LINE_LIMIT) for entry in entries)
    if listed > MAX_LISTED:
        lines.append(f"… and {listed - MAX_LISTED:,} more")
    skipped = result.skipped_files
    lines.append("")
    lines.append(f"{plural(len(skipped), 'file')} skipped")
    lines.extend(one_line(f"{name_line(f.source)}: {f.skipped}", LINE_LIMIT) for f in skipped)
    if result.notes:
        # Each kind once, the files it is about listed under it (each file's own note when
        # their numbers differ).
        lines.append("")
        lines.append("notes")
        groups = result.note_groups()
        lines.extend(note_lines(groups, listed=MAX_LISTED, limit=LINE_LIMIT))
    return lines


def fold_errors(errors: Sequence[LoadError]) -> list[list[LoadError]]:
    """``errors`` (in file order) by kind, in that order: the bad lines whose reasons are the
    same, numbers aside (as notes are folded, :mod:`evaltui.data.notes`), are one kind, said
    where its first is, when there are :data:`FOLD_FROM` or more of them; every other bad line
    is a kind of its own, in its place."""
    keys = [_kind_of(error.reason) for error in errors]
    kinds: dict[str, list[LoadError]] = {}
    for key, error in zip(keys, errors, strict=True):
        kinds.setdefault(key, []).append(error)
    folded: list[list[LoadError]] = []
    said: set[str] = set()
    for key, error in zip(keys, errors, strict=True):
        if len(kinds[key]) < FOLD_FROM:
            folded.append([error])
        elif key not in said:
            said.add(key)
            folded.append(kinds[key])
    return folded


def kind_line(kind: Sequence[LoadError]) -> str:
    """One kind of bad line (:func:`fold_errors`) said once: a single bad line as it is;
    several as how many, their reason with ``#`` for each number that differs between them,
    and where: the files, each with its first few lines (in a file without lines, the values
    of the first number that differs: the samples'), the rest counted.

    ``27 bad lines: samples/#_epoch_1.json: sample # (epoch 1) errored: TypeError(…) — in
    a2ui.eval: # = 10, 11, 12, 13, 14 and 22 more``"""
    if len(kind) == 1:
        return str(kind[0])
    reasons = list(dict.fromkeys(error.reason for error in kind))  # (most are one)
    numbers = [_split(reason)[1::2] for reason in reasons]
    differ = [i for i, value in enumerate(numbers[0]) if any(n[i] != value for n in numbers)]
    parts = list(_split(reasons[0]))
    for i in differ:
        parts[2 * i + 1] = "#"
    said = "".join(parts)
    named: dict[str, list[str]] = {}  # file: the marks of its lines named
    covered = 0
    for error in kind:
        mark = (
            str(error.line)
            if error.line is not None
            else _split(error.reason)[2 * differ[0] + 1]
            if differ
            else ""
        )
        if not mark and error.source in named:
            covered += 1  # the file is named: it says where this one is
            continue
        if len(named) + sum(max(0, len(m) - 1) for m in named.values()) >= PLACES_NAMED:
            break
        named.setdefault(error.source, []).extend([mark] if mark else [])
        covered += 1
    places = []
    for source, marks in named.items():
        lines = next(e.line for e in kind if e.source == source) is not None
        what = (" line" if len(marks) == 1 else " lines") if lines else ": # ="
        places.append(f"{source}{what} {', '.join(marks)}" if marks else source)
    rest = f" and {len(kind) - covered:,} more" if covered < len(kind) else ""
    where = ("; " if any(named.values()) else ", ").join(places)
    return f"{plural(len(kind), 'bad line')}: {said} — in {where}{rest}"


def _place_key(check: Callable[[], None]) -> Callable[[LoadError], tuple[object, ...]]:
    """The order bad lines are listed in: the files as the runs list them (natural order:
    run_2 before run_10), each file's lines in order, then a file without lines (an archive)
    by the member the reason names, in natural order too: an Inspect log's errored samples were
    listed as the zip holds them, ``# = 10, 11, 12, 13, 14`` for samples 1 to 25. ``check``
    is called for each (it raises to stop the sort)."""
    files: dict[str, object] = {}

    def key(error: LoadError) -> tuple[object, ...]:
        check()
        source = files.get(error.source)
        if source is None:
            source = files[error.source] = natural_key(error.source)
        if error.line is not None:
            return (source, error.line, [])
        return (source, 0, [int(p) if p.isdecimal() else p for p in _DIGITS.split(error.reason)])

    return key


_DIGITS = re.compile(r"(\d+)")
"""Splits a text into its words and whole numbers (kept), alternating, words first."""


@lru_cache(maxsize=1 << 16)
def _kind_of(reason: str) -> str:
    """``reason`` with its numbers as ``#``: the bad lines of one kind say the same."""
    return NUMBER.sub("#", reason)


@lru_cache(maxsize=1 << 10)
def _split(reason: str) -> tuple[str, ...]:
    """``reason``'s text and numbers, alternating (text first and last): its kind is the text
    (:func:`fold_errors`). Many bad lines have one reason: split once."""
    return tuple(_NUMBERS.split(reason))

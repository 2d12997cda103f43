"""Bad lines and skipped files: everything that could not be used, with file:line and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from evaltui.app.footer import KeysFooter
from evaltui.app.screens.help import HangingText
from evaltui.data.notes import note_lines
from evaltui.data.sanitize import one_line
from evaltui.data.wording import plural

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp
    from evaltui.data.loader import LoadResult

MAX_LISTED = 5000
LINE_LIMIT = 2000
#: Seconds between looks at the app's result (a load or a followed update may bring more).
RECHECK = 0.5


class ProblemsScreen(Screen[None]):
    """Opened while files are still read (or followed), it shows what is known so far and
    keeps up: every new result is shown within :data:`RECHECK` seconds."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="problems_back"),
        Binding("q", "app.pop_screen", "Back", id="problems_back_q"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.shown_result: LoadResult | None = None
        self.shown: tuple[int, str | None, bool] | None = None
        """What the text was made from, beside :attr:`shown_result`: how many bad lines, the
        load error, whether the load was still running."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="problems"):
            yield Static(id="problems-text")
        yield KeysFooter(compact=False)

    def on_mount(self) -> None:
        self.show_news()
        self.set_interval(RECHECK, self.show_news)

    def show_news(self) -> None:
        app = cast("EvalApp", self.app)
        result = app.result
        now = (len(result.errors) if result else 0, app.load_error, app.loading)
        if result is self.shown_result and now == self.shown:
            return
        self.shown_result, self.shown = result, now
        text = "\n".join(problem_lines(app.result, app.load_error, app.loading))
        # An entry too long for the screen goes on two cells in: at 60 columns each bad line
        # went on at the left edge, read as the next entry ('value at column 12').
        self.query_one("#problems-text", Static).update(HangingText(text, paragraph=2))


def problem_lines(result: LoadResult | None, error: str | None, loading: bool) -> list[str]:
    """Bad lines in file order, then skipped files, then notes; what is known so far while
    ``loading``."""
    if result is None:  # the load's reason names files: one safe line, as every line here
        return [one_line(error, LINE_LIMIT) if error else "still loading: nothing read yet"]
    so_far = " so far (still loading)" if loading else ""
    lines = [f"{plural(len(result.errors), 'bad line')} (counted, not used){so_far}"]
    # In file order, line by line (readers and threads report them in any order); each whole,
    # wrapped at the screen's width.
    errors = sorted(result.errors, key=lambda e: (e.source, e.line or 0))
    lines.extend(one_line(str(e), LINE_LIMIT) for e in errors[:MAX_LISTED])
    if len(result.errors) > MAX_LISTED:
        lines.append(f"… and {len(result.errors) - MAX_LISTED:,} more")
    skipped = result.skipped_files
    lines.append("")
    lines.append(f"{plural(len(skipped), 'file')} skipped")
    lines.extend(one_line(f"{f.source}: {f.skipped}", LINE_LIMIT) for f in skipped)
    if result.notes:
        # Each kind once, the files it is about listed under it (each file's own note when
        # their numbers differ).
        lines.append("")
        lines.append("notes")
        groups = result.note_groups()
        lines.extend(note_lines(groups, listed=MAX_LISTED, limit=LINE_LIMIT))
    return lines

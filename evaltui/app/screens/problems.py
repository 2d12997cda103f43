"""Bad lines and skipped files: everything that could not be used, with file:line and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from evaltui.data.sanitize import one_line

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp

MAX_LISTED = 5000
LINE_LIMIT = 2000


class ProblemsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="problems_back"),
        Binding("q", "app.pop_screen", "Back", id="problems_back_q"),
    ]

    def compose(self) -> ComposeResult:
        app = cast("EvalApp", self.app)
        result = app.result
        lines: list[str] = []
        if result is None:
            lines.append(app.load_error or "still loading")
        else:
            lines.append(f"{len(result.errors):,} bad lines (counted, not used)")
            # In file order, line by line (readers and threads report them in any order); each
            # whole, wrapped at the screen's width.
            errors = sorted(result.errors, key=lambda e: (e.source, e.line or 0))
            lines.extend(one_line(str(e), LINE_LIMIT) for e in errors[:MAX_LISTED])
            if len(result.errors) > MAX_LISTED:
                lines.append(f"… and {len(result.errors) - MAX_LISTED:,} more")
            skipped = result.skipped_files
            lines.append("")
            lines.append(f"{len(skipped):,} files skipped")
            lines.extend(one_line(f"{f.source}: {f.skipped}", LINE_LIMIT) for f in skipped)
            if result.notes:
                lines.append("")
                lines.append("notes")
                lines.extend(one_line(n, LINE_LIMIT) for n in result.notes)
        with VerticalScroll(id="problems"):
            yield Static(Text("\n".join(lines)))
        yield Footer()

"""Every binding, and the filter language."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.css.styles import RulesMap
from textual.screen import Screen
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget
from textual.widgets import Static

from evaltui.app.footer import KeysFooter
from evaltui.data.columns import ALIASES, DISPLAY_NAMES

FILTER_HELP = """\
Filter language (the same as `evaltui export --where`):
  average_accuracy < 0.2 and max_gen_length > 8000
  count >= 8 and not (n_correct == 0)
  prompt ~ "triangle"          regex match (!~ for no match; (?i) for any case)
  answer == "42" or pass@1 > 0.3
  prompt_score is not null
Columns: any column of the table, by its full name (prompt, answer, count, average_accuracy, \
n_correct, n_scored, max_gen_length, avg_gen_length, median_gen_length, min_gen_length, run, …).
An invalid filter says why on the line under the box and keeps the last valid one; where the line is too narrow for all of it, enter says the whole.
"""


_GAP = re.compile(r" *\S.*? {2,}(?=\S)")
"""A line's first column and the spaces after it: what it says starts after them."""


_CHUNK = re.compile(r"\s+|\S+\s*")
"""A line's words, each with the spaces after it (its leading spaces a chunk of their own)."""


def wrap_cells(line: str, width: int) -> list[str]:
    """``line`` in pieces of at most ``width`` cells, broken after spaces (dropped at the
    break), a word longer than a line cut where the line ends. Made on plain text: a
    Content for each of 5,000 bad lines took a second."""
    width = max(1, width)
    pieces: list[str] = []
    piece, used = "", 0
    for chunk in _CHUNK.findall(line):
        word = cell_len(chunk.rstrip(" "))
        if used + word <= width:
            piece, used = piece + chunk, used + cell_len(chunk)
            continue
        if piece.strip(" "):  # on the next line
            pieces.append(piece.rstrip(" "))
            piece, used = "", 0
        if word <= width:
            piece, used = chunk, cell_len(chunk)
            continue
        # A word longer than a line: cut where each line ends.
        while used + cell_len(chunk.rstrip(" ")) > width:
            cut, taken = 0, used
            while cut < len(chunk) and taken + cell_len(chunk[cut]) <= width:
                taken += cell_len(chunk[cut])
                cut += 1
            if not cut and not piece:  # (a character wider than the line)
                cut = 1
            pieces.append((piece + chunk[:cut]).rstrip(" "))
            piece, used, chunk = "", 0, chunk[cut:]
        piece, used = chunk, cell_len(chunk)
    pieces.append(piece.rstrip(" "))
    return pieces


def hang(line: str, paragraph: int = 0) -> int:
    """Where a line's continuation starts when it wraps: under what it says (a key's words, a
    column's meaning, an example's note) when it has columns, else two cells in from its own
    indent: an indented line's continuation never starts at the left edge, where titles are."""
    column = _GAP.match(line)
    if column:
        return column.end()
    indent = len(line) - len(line.lstrip(" "))
    return indent + 2 if indent else paragraph  # a title or a paragraph: ``paragraph`` in


class HangingText(Visual):
    """The help's text, each line wrapped to the width it is shown at with its continuation
    indented (:func:`hang`): wrapped by the terminal, a key's words went on at column 0, under
    the keys (``x  Stop loading / Count lengths — the rest,`` then ``once stopped`` at 60x20).
    ``str()`` is the text unwrapped, as written."""

    def __init__(self, text: str, paragraph: int = 0) -> None:
        self.text = text
        """The text as written, a line per line."""
        self.paragraph = paragraph
        """Where a line written at the left edge goes on (0: a paragraph; 2: a list of
        entries, each told apart from the next, as the bad lines are)."""
        self._wrapped: dict[int, tuple[str, ...]] = {}
        """The lines wrapped at each width asked (:meth:`wrapped_lines`)."""

    def __str__(self) -> str:
        return self.text

    def wrapped_lines(self, width: int, check: Callable[[], None] | None = None) -> tuple[str, ...]:
        """The text's lines as shown at ``width`` cells (kept for the widths asked). ``check``
        is called for each line written (it raises to stop: a worker's screen was left)."""
        known = self._wrapped.get(width)
        if known is not None:
            return known
        lines: list[str] = []
        for line in self.text.split("\n"):
            if check is not None:
                check()
            indent = hang(line, self.paragraph)
            if indent > width // 2:  # an example's note far right: under the example instead
                indent = len(line) - len(line.lstrip(" ")) + 4
            if cell_len(line) <= width or width - indent < 8:
                lines.append(line)
                continue
            first = wrap_cells(line, width)[0]
            rest = line[len(first) :].lstrip(" ")
            lines.append(first)
            lines.extend(" " * indent + part for part in wrap_cells(rest, width - indent))
        wrapped = self._wrapped[width] = tuple(lines)
        return wrapped

    def wrapped(self, width: int) -> Content:
        """The text as shown at ``width`` cells."""
        return Content("\n".join(self.wrapped_lines(width)))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.wrapped(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(Content(line).cell_length for line in self.text.split("\n"))

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.wrapped_lines(width)) if width > 0 else 0


def scroll_a_line(view: Widget, step: int) -> None:
    """j (``step`` 1) or k (-1) on a screen of text (help, summary, bad lines): a line down or
    up, as the arrows. They were taken by nothing there, while they move in every table. At
    once: deferred to the next refresh, five j typed in a burst each went from the same line
    and scrolled one line in all."""
    view.scroll_relative(y=step, animate=False, immediate=True)


def _bindings_text(
    title: str, bindings: Sequence[BindingType], everywhere: Sequence[BindingType] = ()
) -> str:
    """One section; a key that does the same everywhere is listed once, under "Everywhere". A
    key bound to two actions on one screen (``x``: stop loading, then count the lengths left) is
    one line with both: listed twice, it read as a mistake."""
    rows: dict[str, list[str]] = {}
    common = {(b.key, b.action) for b in everywhere if isinstance(b, Binding)}
    for binding in bindings:
        if (
            isinstance(binding, Binding)
            and binding.description  # tab/shift+tab in a dialog move the focus, as anywhere
            and (binding.key, binding.action.removeprefix("app.")) not in common
        ):
            key = binding.key.replace("left_square_bracket", "[").replace(
                "right_square_bracket", "]"
            )
            key = (
                key.replace("full_stop", ".")
                .replace("comma", ",")
                .replace("slash", "/")
                .replace("question_mark", "?")
            )
            more = f" — {binding.tooltip}" if binding.tooltip else ""
            rows.setdefault(key, []).append(f"{binding.description}{more}")
    return "\n".join([title, *(f"  {key:<12} {' / '.join(what)}" for key, what in rows.items())])


class HelpScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="help_back"),
        Binding("q", "app.pop_screen", "Back", id="help_back_q"),
        Binding("j", "scroll(1)", "Scroll down", id="help_down_j", show=False),
        Binding("k", "scroll(-1)", "Scroll up", id="help_up_k", show=False),
    ]

    def __init__(self, dialog: type[Screen[Any]] | None = None) -> None:
        super().__init__()
        self.dialog = dialog
        """The dialog ``?`` was pressed in: its keys are listed first; None: in order."""

    def on_mount(self) -> None:
        from evaltui.app.screens import ready_for_keys

        ready_for_keys(self)  # ('? q' in one burst: the q leaves the help)

    def action_scroll(self, step: int) -> None:
        scroll_a_line(self.query_one("#help", VerticalScroll), step)

    def compose(self) -> ComposeResult:
        from evaltui.app.app import EvalApp
        from evaltui.app.screens.compare import CompareScreen, RunPairScreen
        from evaltui.app.screens.export import ExportScreen
        from evaltui.app.screens.main import MainScreen
        from evaltui.app.screens.plot import PlotScreen
        from evaltui.app.screens.problems import ProblemsScreen
        from evaltui.app.screens.prompt import PromptScreen
        from evaltui.app.screens.rescore import RescoreScreen
        from evaltui.app.screens.sort import SortScreen
        from evaltui.app.screens.summary import SummaryScreen
        from evaltui.app.tables import DataTable
        from evaltui.data.definitions import definitions_help

        everywhere = [*EvalApp.BINDINGS, Binding("ctrl+p", "", "Command palette")]
        screens: list[tuple[str, type[Screen[Any]]]] = [
            ("Prompt table", MainScreen),
            ("Prompt", PromptScreen),
            ("Plots", PlotScreen),
            ("Export", ExportScreen),
            ("Re-score", RescoreScreen),
            ("Sort menu", SortScreen),
            ("Compare two runs", CompareScreen),
            ("Picking the runs to compare", RunPairScreen),
            ("Run summary", SummaryScreen),
            ("Bad lines and notes", ProblemsScreen),
        ]
        first = [
            _bindings_text(f"{title} (this dialog; esc goes back to it)", screen.BINDINGS)
            for title, screen in screens
            if screen is self.dialog
        ]
        sections = [
            *first,
            _bindings_text("Everywhere", everywhere),
            *(
                _bindings_text(title, screen.BINDINGS, everywhere)
                for title, screen in screens
                if screen is not self.dialog
            ),
            _bindings_text(
                "Tables (prompts, compare; arrows, page keys, home/end too)", DataTable.BINDINGS
            ),
            FILTER_HELP,
            definitions_help(),
        ]
        sections.append(
            "Table headers and the combined JSON's keys name the same columns (in a filter, a "
            "header with a space is written with _ or `backquotes`):\n"
            + "\n".join(f"  {name:<16} {column}" for column, name in DISPLAY_NAMES.items())
            + "\n"
            + "\n".join(
                f"  {name:<16} {column} (headed so when a run's score is no accuracy)"
                for name, column in ALIASES.items()
            )
            + "\nRates (accuracy, pass@k, maj@k, …) are fractions 0–1, shown with three decimals."
        )
        with VerticalScroll(id="help"):
            yield Static(HangingText("\n\n".join(sections)))
        yield KeysFooter(compact=False)

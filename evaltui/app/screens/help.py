"""Every binding, and the filter language."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.css.styles import RulesMap
from textual.screen import Screen
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
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

    def __str__(self) -> str:
        return self.text

    @lru_cache(maxsize=4)  # noqa: B019 (a help screen's few widths; the screen is short-lived)
    def wrapped(self, width: int) -> Content:
        """The text as shown at ``width`` cells."""
        lines: list[str] = []
        for line in self.text.split("\n"):
            indent = hang(line, self.paragraph)
            if indent > width // 2:  # an example's note far right: under the example instead
                indent = len(line) - len(line.lstrip(" ")) + 4
            if Content(line).cell_length <= width or width - indent < 8:
                lines.append(line)
                continue
            first = str(Content(line).wrap(width)[0])
            rest = line[len(first) :].lstrip(" ")
            lines.append(first)
            lines.extend(" " * indent + str(part) for part in Content(rest).wrap(width - indent))
        return Content("\n".join(lines))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.wrapped(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(Content(line).cell_length for line in self.text.split("\n"))

    def get_height(self, rules: RulesMap, width: int) -> int:
        # Counted in the plain text: split, 5,000 bad lines made 5,000 Contents (0.1 s).
        return self.wrapped(width).plain.count("\n") + 1 if width > 0 else 0


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
    ]

    def __init__(self, dialog: type[Screen[Any]] | None = None) -> None:
        super().__init__()
        self.dialog = dialog
        """The dialog ``?`` was pressed in: its keys are listed first; None: in order."""

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

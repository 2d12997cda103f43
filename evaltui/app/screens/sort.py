"""Pick a column to sort the prompt table by."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from evaltui.app.choices import Options
from evaltui.app.footer import KeysFooter
from evaltui.app.screens.dialog import Dialog, move_highlight, refill, show_more
from evaltui.data.query import Sort

SORT_LIST_ROWS = 20
"""The sort menu's list at its tallest (with its border), room permitting."""


class SortScreen(Dialog[str | None]):
    """A list of the table's columns; enter sorts by one (again flips the direction)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Back", id="sort_back"),
        Binding("q", "dismiss_none", "Back", id="sort_back_q"),
        # A dialog takes none of the app's keys (a modal screen): ? is bound here. Out of the
        # dialog's short footer: the prompt table's footer shows "? Help".
        Binding("question_mark", "app.help", "Help", id="sort_help", show=False),
        # j/k move as in the table behind it (they were taken by nothing: 's j j enter' sorted
        # by the first column without a word).
        Binding("j", "move(1)", "Down", id="sort_down_j", show=False),
        Binding("k", "move(-1)", "Up", id="sort_up_k", show=False),
    ]

    def __init__(
        self,
        columns: list[tuple[str, str]],
        current: Sort | None,
        columns_of: Callable[[], list[tuple[str, str]]] | None = None,
    ) -> None:
        super().__init__()
        self.columns = [column for column, _name in columns]
        """The Stats columns, in menu order."""
        self.names = dict(columns)
        """Column -> the name its table header shows (the menu shows the same)."""
        self.current = current
        self.columns_of = columns_of
        """The table's columns now (a followed update may add or take away some)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="sort-dialog", classes="dialog"):
            yield Label("Sort by (enter; the same column again flips ↑/↓)")
            yield Options(*self.options(), id="sort-options")
        yield KeysFooter()  # this menu's keys, not the table's behind it

    def options(self) -> list[Option]:
        options = []
        for column in self.columns:
            mark = ""
            if self.current is not None and self.current.column == column:
                mark = "  ↓" if self.current.descending else "  ↑"
            options.append(Option(Text(self.names[column] + mark), id=column))
        return options

    def data_changed(self) -> None:
        """A followed update under the menu: it lists the table's columns now, the highlight on
        its column. It kept those it opened with: a run of 4 samples arriving brought pass@2,
        pass@4 and maj@4 to the table and not to the menu, and that run deleted, its maj@4
        picked from the menu said "✗ unknown sort column 'maj@4' — showing the last valid
        filter" (seen in tmux at 80x24)."""
        if self.columns_of is None:
            return
        columns = self.columns_of()
        if not columns or columns == [(c, self.names[c]) for c in self.columns]:
            return
        options = self.query_one("#sort-options", OptionList)
        at = options.highlighted
        was = self.columns[at] if at is not None and 0 <= at < len(self.columns) else None
        self.columns = [column for column, _name in columns]
        self.names = dict(columns)
        refill(options, self.options(), was)
        options.call_after_refresh(options.scroll_to_highlight)

    def on_resize(self, _event: events.Resize) -> None:
        self.call_while_open(self.fit_list)

    def fit_list(self) -> None:
        """The list no taller than the dialog has room for: at 60x20 the dialog (80% of the
        lines at most) cut the list off below 'med len' with its lower border, and Down moved
        the highlight onto columns out of sight (the list, whole to itself, did not scroll)."""
        dialog = self.query_one("#sort-dialog", Vertical)
        options = self.query_one("#sort-options", OptionList)
        label = self.query_one(Label)
        # The dialog's max-height (80%) is of the screen's height above the docked footer.
        space = self.size.with_height(self.size.height - self.query_one(Footer).outer_size.height)
        limit = dialog.styles.max_height
        tallest = int(limit.resolve(space, self.size)) if limit is not None else space.height
        chrome = dialog.outer_size.height - dialog.content_region.height
        rows = max(3, min(SORT_LIST_ROWS, tallest - chrome - label.outer_size.height))
        options.styles.max_height = rows
        options.call_after_refresh(options.scroll_to_highlight)
        self.call_while_open(self.show_more)

    def on_mount(self) -> None:
        # The wheel scrolls the list without moving its highlight: the count follows the scroll.
        options = self.query_one("#sort-options", OptionList)
        self.watch(options, "scroll_y", lambda _y: self.show_more(), init=False)

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self.call_while_open(self.show_more)  # the list scrolls to the highlighted column

    def show_more(self) -> None:
        """How many columns are out of sight above and below, on the list's top border, as the
        run picker says of its runs: at 50x15 the list showed 'prompt', 'run' and 'n' of 22
        columns, its scrollbar's thumb too small to be drawn, no word of the 19 below."""
        show_more(self.query_one("#sort-options", OptionList))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.close(event.option.id)

    def action_move(self, step: int) -> None:
        move_highlight(self.query_one("#sort-options", OptionList), step)

    def action_dismiss_none(self) -> None:
        self.close(None)

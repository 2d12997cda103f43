"""textual-fastdatatable's ``DataTable``, with string cells rendered literally, its enter shown in
the footer as "Open", and its rows replaceable in place (a followed update).

With ``render_markup=False`` the library still hands a string cell to Rich as markup, escaped by
``rich.markup.escape`` -- which only escapes what looks like a tag. A ``\\[`` with no closing
bracket after it (LaTeX display math: ``Define\\n\\[p = \\sum_{k = 1}…``) passed through and Rich
read it as an escaped bracket: the prompt table showed ``Define [p = \\sum…``. Here a string cell
of a table that renders no markup becomes a ``Text`` before the library formats it, so it never
meets the markup parser (the cell, the width measure and the tooltip all call this one function).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from math import ceil
from typing import Any, ClassVar, Literal, NoReturn, Protocol, runtime_checkable

import polars as pl
from rich.console import RenderableType
from rich.segment import Segment
from rich.text import Text
from textual import events, on
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.widget import Widget
from textual_fastdatatable import DataTable as _LibraryTable
from textual_fastdatatable import data_table as _module
from textual_fastdatatable.backend import DataTableBackend
from textual_fastdatatable.format import cell_formatter as _library_formatter

from evaltui.app.display import TableLayout

__all__ = ["DataTable", "LayoutBackend", "cursor_on_last_read", "row_of"]


def _literal_cell_formatter(obj: object, *args: Any, **kwargs: Any) -> RenderableType:
    if isinstance(obj, str) and not kwargs.get("render_markup", True):
        obj = Text(obj)
    return _library_formatter(obj, *args, **kwargs)


if getattr(_module, "cell_formatter", None) is _library_formatter:
    setattr(_module, "cell_formatter", _literal_cell_formatter)  # noqa: B010 (not re-exported)


@runtime_checkable
class OpensRows(Protocol):
    """A screen that opens the row under its table's cursor (enter, a double click)."""

    def open_cursor_row(self) -> None: ...


class DataTable(_LibraryTable):
    """The prompt and compare tables: enter (select the cell: the screen opens its row) is in
    the footer. The screens' own enter binding cannot be a priority one: it would run ahead of
    arrow keys the table has not handled yet ("down down enter" typed at once opened the first
    row), and a table's binding hides a screen's for the same key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="open"),
        # As in less, vim and most terminal lists (j was taken for nothing: the cursor stayed).
        Binding("j", "cursor_down", "Row down (as ↓)", show=False),
        Binding("k", "cursor_up", "Row up (as ↑)", show=False),
    ]

    class NothingSelected(Message):
        """Enter on a table with no row (the library posts nothing then): the screen can say
        why nothing opens (an eval followed before its first file, a filter matching none)."""

    @on(events.Click)
    def open_on_double_click(self, event: events.Click) -> None:
        """A double click on a row opens it, as enter does (a click only moved the cursor, and
        no click opened anything; a header's click sorts, a double click there too)."""
        meta = event.style.meta
        if event.chain == 2 and meta and meta.get("row", -1) >= 0 and meta.get("column", -1) >= 0:
            self.action_select_cursor()

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        super()._on_mouse_scroll_down(event)
        self._cursor_into_view()

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        super()._on_mouse_scroll_up(event)
        self._cursor_into_view()

    def _cursor_into_view(self) -> None:
        """After the wheel scrolled the rows, the cursor goes with them: to the first row on
        screen when it was above, the last when below. It stayed on its row off screen, and
        enter then opened a prompt the user could not see, not one of those in sight."""
        if not self.row_count:
            return
        header = self.header_height if self.show_header else 0
        first = max(0, int(self.scroll_y))
        shown = max(1, self.scrollable_content_region.height - header)
        last = min(self.row_count - 1, first + shown - 1)
        row = self.cursor_row
        if row < first:
            self.move_cursor(row=min(first, last))
        elif row > last:
            self.move_cursor(row=last)

    def on_resize(self, _event: events.Resize) -> None:
        # (The library's _on_resize runs too: Textual calls each class's handler.)
        self.call_after_refresh(self._cursor_row_in_sight)

    def watch_show_horizontal_scrollbar(self, shown: bool) -> None:
        if shown:
            self.call_after_refresh(self._cursor_row_in_sight)

    def _cursor_row_in_sight(self) -> None:
        """The cursor's row scrolled back into sight when the rows shown became fewer (the
        table shorter, a horizontal scrollbar come): scrolled to when there were more, it was
        left under the scrollbar or just below the view (the compare table at 80x24, resized
        from 160x50 with its cursor on row 14: rows 1-13 shown)."""
        if not self.row_count or not self.is_attached:
            return
        header = self.header_height if self.show_header else 0
        shown = self.scrollable_content_region.height - header
        if shown <= 0:
            return
        row = self.cursor_row
        if row >= int(self.scroll_y) + shown:
            self.scroll_to(y=row - shown + 1, animate=False, immediate=True)

    def action_copy_selection(self) -> None:
        """ctrl+c: the library's copy posts a message no one reads, so on the first screen a
        user meets, ctrl+c (to quit, as in most programs) did nothing and said nothing; every
        other screen says how to quit (Textual's ctrl+c)."""
        self.app.action_help_quit()

    def action_select_cursor(self) -> None:
        if self.row_count == 0:
            self.post_message(self.NothingSelected())
            return
        screen = self.screen
        if isinstance(screen, OpensRows):
            # At once, in order with the keys: by the library's CellSelected message, the row
            # opened after the keys typed in the same burst ("enter j ." at once), which went
            # to the table's screen and were lost.
            screen.open_cursor_row()
            return
        super().action_select_cursor()

    def place_cursor(self, row: int, column: int) -> None:
        """The cursor on (``row``, ``column``), scrolled into view also on a table just made:
        the library measures its rows only when idle, and until the table is laid out with
        that height it has no vertical scrollbar and does not scroll (the cursor of a compare
        table made again for a sort stayed off screen, on row 56 of a view of rows 0-14).
        Measured here, the cursor is scrolled into view again once laid out, where it is then:
        placed again on (``row``, ``column``), it undid the keys handled before that refresh
        ('g' then Down typed at once left the cursor on the first row)."""
        self.move_cursor(row=row, column=column)
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            self._update_dimensions([])
            self.call_after_refresh(self.move_cursor)  # no row, no column: where it is

    def replace_data(self, backend: LayoutBackend) -> None:
        """Show ``backend``'s rows in this table, in place.

        The library has no such call (``clear()`` raises: "mount a new one instead"), and a new
        table per followed update cost the app most of a core (Textual styled, laid out and
        composited the whole screen again for each). Here the data, the render caches and the
        column list are swapped; the virtual size is set again, which relays the screen out only
        when it changed (rows came or went, a column grew). The cursor is clamped to the new
        rows; the caller puts it back on its prompt.

        When the rows on screen and the columns are the very same cells as before (a followed
        update that added or changed rows elsewhere: new prompts arrive at the end of the
        default view), what was drawn stays: the table is not drawn again (each full redraw
        made every cell on screen anew, ~40 ms of the UI thread per update at 120x35); only
        what was cached for rows off screen is dropped."""
        backend.render_markup = self.render_markup
        old = self.backend
        same_labels = isinstance(old, LayoutBackend) and list(old.columns) == list(backend.columns)
        same_columns = (
            same_labels
            and isinstance(old, LayoutBackend)
            and list(old.column_content_widths) == list(backend.column_content_widths)
        )
        kept = self._rows_unchanged_on_screen(backend) if same_columns else None
        cells = self._cells_unchanged_on_screen(backend) if same_labels and kept is None else None
        self.backend = backend
        if not same_columns:
            # Rebuilt from the backend's labels and widths (each label parsed and measured:
            # ~1-2 ms, and the cursor's scroll asks for them), only when those changed.
            self._ordered_columns = None
        self._require_update_dimensions = False
        if kept is not None:
            self._forget_rows_outside(kept)
            self._content_resized()
        elif same_labels:
            # The same columns, a cell on screen or a width changed: the table is drawn again,
            # without laying the screen out (the table's box keeps its size; a wider column
            # changed the virtual size, which laid out and drew every widget again). Only the
            # cells that changed are made again (each cell made costs ~0.1 ms of the UI thread:
            # a length column a digit wider, or a prompt on screen gaining a generation, made
            # every cell on screen anew, ~40-60 ms at 120x35).
            if cells is not None:
                self._forget_cells_except(cells, keep_lines=same_columns)
            else:
                self._clear_caches()
                self._update_count += 1
            self._content_resized(redraw=True)
        else:
            self._clear_caches()
            self._update_count += 1
            self._update_dimensions([])  # the virtual size: a reactive, a no-op when unchanged
            self.refresh()
        # validated: clamped to the new rows
        self.cursor_coordinate = self.cursor_coordinate
        self.selection_anchor_coordinate = self.selection_anchor_coordinate

    def _content_resized(self, *, redraw: bool = False) -> None:
        """The virtual size for the rows and column widths now (the labels being the same);
        with ``redraw``, the table is drawn again. The table's own size is its box's
        (``height: 1fr``), not its content's, so a new virtual size needs no layout of the
        screen (which drew every widget again, the table too: ~30-40 ms of the UI thread per
        followed update); a scrollbar appearing or going lays the screen out as always. When
        only the height changed (rows came or went), the vertical bar is drawn again only when
        its thumb moves (at the top of a long table it stays one cell at the top whatever the
        rows: each bar drawn again made the screen's compositor cut every line of the table
        again, ~2-3 ms of the UI thread per update)."""
        header = self.header_height if self.show_header else 0
        width = sum(c.render_width for c in self.ordered_columns) + self._row_label_column_width
        size = Size(width, self._total_row_height + header)
        if redraw:
            self.refresh()
        if size == self.virtual_size:
            return
        shown = (self.show_vertical_scrollbar, self.show_horizontal_scrollbar)
        wider = size.width != self.virtual_size.width
        self.set_reactive(Widget.virtual_size, size)
        self._refresh_scrollbars()
        bar = self.vertical_scrollbar
        if (
            (self.show_vertical_scrollbar, self.show_horizontal_scrollbar) != shown
            or wider
            or not self.show_vertical_scrollbar
            or not self.styles.scrollbar_size_vertical
        ):
            self._scroll_update(size)
            return
        # The height alone changed: the horizontal bar stays as it is (the library's
        # _scroll_update drew both bars again: the horizontal one, ~0.75 ms of the UI thread at
        # 120x35, on each followed update that moved the vertical thumb).
        moved = _thumb(bar, bar.window_virtual_size) != _thumb(bar, size.height)
        bar.set_reactive(ScrollBar.window_virtual_size, size.height)
        if moved:
            bar.refresh()
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def _rows_unchanged_on_screen(self, backend: LayoutBackend) -> range | None:
        """The rows on screen (by index) when ``backend``, whose columns (labels and widths)
        are those shown, has the same cells in each of those rows (a row on screen neither
        appears nor goes); None when anything on screen would change. Told from the rows'
        values (~0.1 ms), not their cells (a block of 128 rows made: ~6 ms of the UI thread
        per followed update)."""
        old = self.backend
        if not isinstance(old, LayoutBackend) or not self.size.height:
            return None
        start = max(0, int(self.scroll_y))
        shown = range(start, start + self.size.height)  # the header's line makes it one more
        return shown if old.layout.same_cells(backend.layout, start, len(shown)) else None

    def _cells_unchanged_on_screen(self, backend: LayoutBackend) -> dict[int, set[int]] | None:
        """For the rows on screen (by index), the columns whose cells ``backend``, whose column
        labels are those shown, has the same (:meth:`TableLayout.unchanged_cells`), and for the
        header's row (-1) the columns whose width stayed; None when the table is not drawn yet."""
        old = self.backend
        if not isinstance(old, LayoutBackend) or not self.size.height:
            return None
        start = max(0, int(self.scroll_y))
        same = old.layout.unchanged_cells(backend.layout, start, self.size.height)
        cells = {start + offset: columns for offset, columns in enumerate(same)}
        widths = zip(old.layout.widths, backend.layout.widths, strict=True)
        cells[-1] = {index for index, (mine, theirs) in enumerate(widths) if mine == theirs}
        return cells

    def _forget_cells_except(self, cells: dict[int, set[int]], *, keep_lines: bool) -> None:
        """Drop what the render caches hold but the cells in ``cells`` (row: columns). With
        ``keep_lines`` (no width changed), the rows whose every cell stayed keep their drawn
        lines; else every line is drawn again (from the cells kept)."""
        for key in list(self._cell_render_cache.keys()):
            if key[1] not in cells.get(key[0], ()):
                self._cell_render_cache.discard(key)
        columns = len(self.ordered_columns)
        whole = {row for row, kept in cells.items() if len(kept) == columns}
        caches: list[tuple[LRUCache[Any, Any], int]] = [
            (self._row_render_cache, 0),  # keys start with the row index
            (self._line_cache, 1),  # keys start with the line: the row index + 1 (the header)
        ]
        for cache, offset in caches:
            if not keep_lines:
                cache.clear()
                continue
            for key in list(cache.keys()):
                if key[0] - offset not in whole:
                    cache.discard(key)
        self._tooltip_cache.clear()

    def _forget_rows_outside(self, rows: range) -> None:
        """Drop what the render caches hold for rows outside ``rows`` (the header's row, -1,
        stays): only those rows are known to hold the same cells."""
        caches: list[tuple[LRUCache[Any, Any], int]] = [
            (self._cell_render_cache, 0),  # keys start with the row index
            (self._row_render_cache, 0),
            (self._line_cache, 1),  # keys start with the line: the row index + 1 (the header)
        ]
        for cache, offset in caches:
            for key in list(cache.keys()):
                row = key[0] - offset
                if row != -1 and row not in rows:
                    cache.discard(key)
        self._tooltip_cache.clear()


def _thumb(bar: ScrollBar, virtual: int) -> list[Segment]:
    """The cells of a vertical scrollbar for ``virtual`` lines of content, as
    :class:`ScrollBarRender` makes them (in its default colours: only where the thumb is
    matters here)."""
    window = bar.window_size if bar.window_size < virtual else 0
    cells = ScrollBarRender.render_bar(
        size=bar.size.height,
        virtual_size=ceil(virtual),
        window_size=ceil(window),
        position=bar.position,
        thickness=bar.size.width,
        vertical=True,
    )
    return list(cells.segments)


class LayoutBackend(DataTableBackend[pl.DataFrame]):
    """The prompt table's rows, as a :class:`~evaltui.app.display.TableLayout` makes them: the
    column widths are the layout's (measured once, without making a cell), and a row's cells
    are made when the table draws it, a block of rows at a time, the last few blocks kept. A
    million-prompt view shows its first screen after making ~100 rows of cells, not a million.

    Read only: a new view (filter, sort, new load result) is a new layout and a new backend, put
    into the table on screen (:meth:`DataTable.replace_data`)."""

    BLOCK = 128
    """Rows whose cells are made at once (a screen, and the rows a page key goes to)."""
    KEEP = 32
    """Blocks kept."""

    def __init__(self, layout: TableLayout) -> None:
        self._render_markup: bool | None = None
        self.layout = layout
        self.data = layout.rows
        self._blocks: OrderedDict[int, list[tuple[Any, ...]]] = OrderedDict()

    @classmethod
    def from_pydict(
        cls,
        data: Mapping[str, Sequence[Any]],
        max_rows: int | None = None,
        column_names: Sequence[str] | None = None,
    ) -> LayoutBackend:
        raise NotImplementedError("a LayoutBackend is made from a TableLayout")

    @property
    def source_data(self) -> pl.DataFrame:
        return self.layout.rows

    @property
    def source_row_count(self) -> int:
        return self.layout.rows.height

    @property
    def row_count(self) -> int:
        return self.layout.rows.height

    @property
    def columns(self) -> Sequence[str]:
        return self.layout.labels

    @property
    def column_content_widths(self) -> Sequence[int]:
        return self.layout.widths

    def get_row_at(self, index: int) -> Sequence[Any]:
        if not 0 <= index < self.row_count:
            raise IndexError(index)
        block = index // self.BLOCK
        rows = self._blocks.get(block)
        if rows is None:
            rows = self.layout.frame(block * self.BLOCK, self.BLOCK).rows()
            self._blocks[block] = rows
            while len(self._blocks) > self.KEEP:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(block)
        return rows[index - block * self.BLOCK]

    def get_column_at(self, index: int) -> Sequence[Any]:
        return self.layout.frame().to_series(index).to_list()

    def get_cell_at(self, row_index: int, column_index: int) -> Any:
        return self.get_row_at(row_index)[column_index]

    def _read_only(self) -> NoReturn:
        raise NotImplementedError("the prompt table shows a view: a new view is a new backend")

    def append_column(self, label: str, default: Any | None = None) -> int:
        self._read_only()

    def append_rows(self, records: Iterable[Iterable[Any]]) -> list[int]:
        self._read_only()

    def drop_row(self, row_index: int) -> None:
        self._read_only()

    def update_cell(self, row_index: int, column_index: int, value: Any) -> None:
        self._read_only()

    def sort(self, by: list[tuple[str, Literal["ascending", "descending"]]] | str) -> None:
        self._read_only()


def row_of(rows: pl.DataFrame, key: tuple[str, str], hint: int | None = None) -> int | None:
    """The index of the row with this (run, prompt_id), if the frame has it; looked up at
    ``hint`` first (where it was before a followed update: usually still there)."""
    run, prompt_id = key
    if (
        hint is not None
        and 0 <= hint < rows.height
        and rows["prompt_id"][hint] == prompt_id
        and rows["run"][hint] == run
    ):
        return hint
    hits = (
        rows.select(pl.col("run"), pl.col("prompt_id"))
        .with_row_index("_row")
        .filter((pl.col("run") == run) & (pl.col("prompt_id") == prompt_id))
    )
    return int(hits["_row"][0]) if hits.height else None


class Reading(Protocol):
    """A prompt screen opened from a table (:class:`~evaltui.app.screens.prompt.PromptScreen`):
    the prompt it shows and where that is in the list `.`/`,` walk (None: not in it)."""

    run: str
    prompt_id: str
    position: int | None


def cursor_on_last_read(table: DataTable | None, rows: pl.DataFrame, reading: Reading) -> None:
    """Back from a prompt screen opened on ``table`` (its rows' keys ``rows``: ``run`` and
    ``prompt_id``, in its order): the cursor on the prompt last read there, scrolled into view.
    It went back to the row the prompt was opened from, though `.` had stepped five prompts on
    (on the prompt table, and on the compare table too). The rows may have changed meanwhile
    (a followed update, rows added above): the prompt is found by its key. Gone from the
    table, the cursor stays."""
    if table is None:
        return
    hint = table.cursor_row if reading.position is None else reading.position
    found = row_of(rows, (reading.run, reading.prompt_id), hint)
    if found is not None and found != table.cursor_row:
        table.move_cursor(row=found, column=table.cursor_column)

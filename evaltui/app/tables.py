"""textual-fastdatatable's ``DataTable``, with string cells rendered literally, and its enter
shown in the footer as "Open".

With ``render_markup=False`` the library still hands a string cell to Rich as markup, escaped by
``rich.markup.escape`` -- which only escapes what looks like a tag. A ``\\[`` with no closing
bracket after it (LaTeX display math: ``Define\\n\\[p = \\sum_{k = 1}…``) passed through and Rich
read it as an escaped bracket: the prompt table showed ``Define [p = \\sum…``. Here a string cell
of a table that renders no markup becomes a ``Text`` before the library formats it, so it never
meets the markup parser (the cell, the width measure and the tooltip all call this one function).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType
from textual_fastdatatable import DataTable as _LibraryTable
from textual_fastdatatable import data_table as _module
from textual_fastdatatable.format import cell_formatter as _library_formatter

__all__ = ["DataTable"]


def _literal_cell_formatter(obj: object, *args: Any, **kwargs: Any) -> RenderableType:
    if isinstance(obj, str) and not kwargs.get("render_markup", True):
        obj = Text(obj)
    return _library_formatter(obj, *args, **kwargs)


if getattr(_module, "cell_formatter", None) is _library_formatter:
    setattr(_module, "cell_formatter", _literal_cell_formatter)  # noqa: B010 (not re-exported)


class DataTable(_LibraryTable):
    """The prompt and compare tables: enter (select the cell: the screen opens its row) is in
    the footer. The screens' own enter binding cannot be a priority one: it would run ahead of
    arrow keys the table has not handled yet ("down down enter" typed at once opened the first
    row), and a table's binding hides a screen's for the same key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="open"),
    ]

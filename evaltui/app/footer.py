"""The footer of every screen: Textual's, with the keys that do not fit whole left out and an
ellipsis saying so (Textual's scrolls them out of sight under the palette key, the last one cut
mid-word with no mark: 'x S' for 'x Stop loading', 'c C' for 'c Clear' at 80 columns)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer, Label
from textual.widgets._footer import FooterKey

MORE = "…"
"""Stands after the last key shown when keys are left out (? help, always shown, lists them all)."""


class MoreKeys(Label):
    """The footer's mark that keys are left out."""

    DEFAULT_CSS = """
    MoreKeys {
        display: none;
        width: auto;
        margin: 0 1 0 0;
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """


class KeysFooter(Footer):
    """A footer whose keys are shown whole or not at all, the ones left out marked by ``…``."""

    def __init__(self, *, compact: bool = True) -> None:
        super().__init__(compact=compact)
        self._edges: list[tuple[Widget, int]] | None = None
        """Each key (or key group) with the cell its right margin ends at, all keys shown; the
        keys' widths do not change with the terminal's, so a resize only picks how many fit."""

    def compose(self) -> ComposeResult:
        yield from super().compose()
        if self._bindings_ready:
            yield MoreKeys(MORE)

    async def recompose(self) -> None:
        await super().recompose()
        self._edges = None
        self.call_after_refresh(self.fit_keys)

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_keys)

    def _items(self) -> list[Widget]:
        return [
            child
            for child in self.children
            if not isinstance(child, MoreKeys) and not child.has_class("-command-palette")
        ]

    def fit_keys(self) -> None:
        """Show the keys that fit whole beside the palette key, then ``…`` if any are left out."""
        if not self.is_attached:
            return
        items = self._items()
        if self._edges is None or [w for w, _ in self._edges] != items:
            if any(not item.display for item in items):
                for item in items:  # measured with all of them shown
                    item.display = True
                self.call_after_refresh(self.fit_keys)
                return
            if any(item.size.width == 0 for item in items):
                return  # not laid out yet: the next resize or recompose measures them
            self._edges = [(item, item.virtual_region_with_margin.right) for item in items]
        palette = [c for c in self.children if c.has_class("-command-palette")]
        room = self.content_size.width - sum(p.outer_size.width for p in palette)
        fits_all = not self._edges or self._edges[-1][1] <= room
        widths = [
            (item, edge - before)
            for (item, edge), before in zip(
                self._edges, [0, *(e for _, e in self._edges)], strict=False
            )
        ]
        # The help key is kept whatever is left out: it lists every key.
        help_width = sum(w for item, w in widths if is_help(item))
        taken, full = help_width + len(MORE) + 1, False
        for item, width in widths:
            if fits_all or is_help(item):
                item.display = True
                continue
            full = full or taken + width > room
            item.display = not full
            taken += 0 if full else width
        for more in self.query(MoreKeys):
            more.display = not fits_all
        if self.scroll_x:
            self.scroll_to(x=0, animate=False)


def is_help(item: Widget) -> bool:
    """Whether a footer item is the key that opens help."""
    return isinstance(item, FooterKey) and item.action.rsplit(".", 1)[-1] == "help"

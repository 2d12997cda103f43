"""A text box whose editing keys take effect in the order they were typed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import events
from textual.widgets import Input

from evaltui.data.sanitize import cell_width, one_line


def fitting_placeholder(wordings: Sequence[str], width: int) -> str:
    """The first of ``wordings`` (longest first) that fits in ``width`` cells, else the last
    cut with ``…``: the box drew its placeholder wrapped to its width and showed the first
    line, cut at a word with no mark ('/ filter: accuracy < 0.2 and max_len > 8000 · prompt ~'
    at 60 columns, 'module:function or' at 50)."""
    for wording in wordings:
        if cell_width(wording) <= width:
            return wording
    return one_line(wordings[-1], max(width, 1))


class OrderedInput(Input):
    """An :class:`~textual.widgets.Input` that runs its own key bindings (backspace, ctrl+u,
    ctrl+w, the arrows, home, enter…) as it reads them, between the characters typed before
    and after. Textual runs a widget's (non-priority) bindings once the key has bubbled up to
    the app, while the box goes on inserting the characters queued behind it: keys read in
    one burst (an app busy with a followed update, a fast typist, tmux send-keys) were
    applied out of order: 'abc', backspace, 'd' in the filter box gave 'abc', not 'abd', and
    ctrl+u then a path in the export dialog kept 'jsonl' of '/tmp/f26/rec.jsonl'. The same
    bindings run, with the same precedence (the focused widget's come first in Textual's
    chain; priority bindings were run before the key reached the box).

    ``placeholders`` are shorter wordings of the placeholder, shown when it does not fit the
    box (:func:`fitting_placeholder`)."""

    def __init__(self, *args: Any, placeholders: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.placeholders = (self.placeholder, *placeholders) if self.placeholder else ()
        """The placeholder's wordings, longest first ('' : none)."""

    def on_resize(self, event: events.Resize) -> None:
        if self.placeholders:
            width = self.scrollable_content_region.width
            self.placeholder = fitting_placeholder(self.placeholders, width)

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)

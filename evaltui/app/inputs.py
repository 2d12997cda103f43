"""A text box whose editing keys take effect in the order they were typed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual import events
from textual.widgets import Input

from evaltui.data.sanitize import cell_width, one_line

NOT_EDITING = frozenset({"submit", "cut", "copy", "paste"})
"""The box's bindings that are not editing its text (``edits_with``)."""


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
    box (:func:`fitting_placeholder`).

    ``on_submit`` and ``on_escape``, when given, run as enter and escape are read, in order
    with the keys around them, where the library's Submitted message and the escape key
    reached the screen after the keys queued behind them in the box: '/accuracy < 0.2',
    enter, ']' typed at once (tmux) put ']' in the filter ("unexpected ']'") and sorted
    nothing. A key the box reads once the focus has left it (queued before an enter or
    escape that moved it) goes to the app again, to act where the focus is now (before the
    app's first table, on that table once it has the keys)."""

    def __init__(
        self,
        *args: Any,
        placeholders: Sequence[str] = (),
        on_submit: Callable[[str], object] | None = None,
        on_escape: Callable[[], object] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.placeholders = (self.placeholder, *placeholders) if self.placeholder else ()
        """The placeholder's wordings, longest first ('' : none)."""
        self.on_submit = on_submit
        """Called with the value on enter, at once (instead of posting Submitted)."""
        self.on_escape = on_escape
        """Called on escape, at once (the key then goes no further)."""

    def on_resize(self, event: events.Resize) -> None:
        self._fit_placeholder()

    def set_placeholders(self, wordings: Sequence[str]) -> None:
        """Other wordings of the placeholder (longest first), the one that fits shown."""
        if tuple(wordings) == self.placeholders:
            return
        self.placeholders = tuple(wordings)
        self._fit_placeholder()

    def _fit_placeholder(self) -> None:
        """The wording that fits the box (the longest before it is laid out: on_resize fits it)."""
        if not self.placeholders:
            self.placeholder = ""
            return
        width = self.scrollable_content_region.width
        self.placeholder = (
            fitting_placeholder(self.placeholders, width) if width > 0 else self.placeholders[0]
        )

    async def action_submit(self) -> None:
        if self.on_submit is None:
            await super().action_submit()
        else:
            self.on_submit(self.value)

    async def _on_key(self, event: events.Key) -> None:
        if self.app.focused is not self:
            # Queued here before an earlier key of the burst moved the focus: it was meant for
            # where the focus is now (the table, after the filter's enter), as the next ones.
            # Before the app's first table (its rows still computed, the files read or not),
            # it waits for that table as a key typed ahead does, the keys after it with it: it
            # went to no widget ('/accuracy < 0.5', Enter, ']' in one burst on a slow machine
            # sorted nothing; the ']' said "still reading the files", taken down at once).
            event.stop()
            event.prevent_default()
            hold = getattr(self.app, "hold_typed_ahead", None)
            if callable(hold):
                hold()  # (nothing once the app has its table: EvalApp)
            self.app.post_message(events.Key(event.key, event.character))
            return
        if event.key == "escape" and self.on_escape is not None:
            event.stop()
            event.prevent_default()
            self.on_escape()
            return
        if not event.is_printable and await self.run_key(event.key):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def edits_with(self, key: str) -> bool:
        """Whether ``key`` is one of the box's own editing keys: a binding of the box (not a
        priority one) that moves its cursor or changes its text; not enter, nor the clipboard's
        keys (ctrl+c is the app's elsewhere)."""
        return any(
            not binding.priority and binding.action not in NOT_EDITING
            for binding in self._bindings.key_to_bindings.get(key, ())
        )

    async def run_key(self, key: str) -> bool:
        """Run the box's own (non-priority) binding of ``key`` now; whether one ran."""
        for binding in self._bindings.key_to_bindings.get(key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                return True
        return False

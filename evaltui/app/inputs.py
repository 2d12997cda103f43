"""A text box whose editing keys take effect in the order they were typed."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class OrderedInput(Input):
    """An :class:`~textual.widgets.Input` that runs its own key bindings (backspace, ctrl+u,
    ctrl+w, the arrows, home, enter…) as it reads them, between the characters typed before
    and after. Textual runs a widget's (non-priority) bindings once the key has bubbled up to
    the app, while the box goes on inserting the characters queued behind it: keys read in
    one burst (an app busy with a followed update, a fast typist, tmux send-keys) were
    applied out of order: 'abc', backspace, 'd' in the filter box gave 'abc', not 'abd', and
    ctrl+u then a path in the export dialog kept 'jsonl' of '/tmp/f26/rec.jsonl'. The same
    bindings run, with the same precedence (the focused widget's come first in Textual's
    chain; priority bindings were run before the key reached the box)."""

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)

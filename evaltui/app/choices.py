"""A radio button whose chosen state shows without colour."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import RadioButton


class ChoiceButton(RadioButton):
    """● for the chosen option, ○ for the others. Textual's radio buttons all show ●, only
    the colour differs: on a plain or 16-colour terminal no one could tell which export kind
    (or scorer) was chosen."""

    CHOSEN = "●"
    OTHER = "○"

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = self.CHOSEN if self.value else self.OTHER
        return super()._button

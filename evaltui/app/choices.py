"""Radio buttons whose chosen state shows without colour, a set whose highlight is its choice,
and option lists whose page keys work before the list has a size."""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.events import Click
from textual.widgets import OptionList, RadioButton, RadioSet


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


class ChoiceSet(RadioSet):
    """A radio set whose highlight is its choice: the arrow keys choose as they move, as a radio
    group does in a browser. Textual's moves a highlight apart from the choice (space or enter
    chooses): in the re-score dialog two Downs highlighted lm-eval while ● stayed on
    math-verify, and ctrl+s ran math-verify; in the export dialog two Downs highlighted CSV
    and ctrl+s wrote combined JSON. The highlight starts on the chosen option (it started on
    the first, whatever was chosen)."""

    arrowed = False
    """Whether the last choice came from an arrow key (passing over an option, not picking it
    on purpose: the screen may keep the focus here then)."""

    def on_mount(self) -> None:
        # RadioSet's own mount handler, which finds the chosen button, runs after this one.
        self.call_later(self._highlight_choice)

    def _highlight_choice(self) -> None:
        if self.pressed_button is not None:
            self._selected = self.pressed_index

    def _choose_selected(self) -> None:
        if self._selected is not None:
            button = self._nodes[self._selected]
            if isinstance(button, RadioButton) and not button.value:
                self.arrowed = True
                button.value = True

    def action_next_button(self) -> None:
        super().action_next_button()
        if self.pressed_button is not None:  # not the first move of mount, before any choice
            self._choose_selected()

    def action_previous_button(self) -> None:
        super().action_previous_button()
        if self.pressed_button is not None:
            self._choose_selected()

    def action_toggle_button(self) -> None:
        """Space or enter: the highlighted option, chosen on purpose (told again when it is
        chosen already, so the screen can act on it: the own-scorer box takes the focus)."""
        self.arrowed = False
        button = self._nodes[self._selected] if self._selected is not None else None
        if isinstance(button, RadioButton) and button.value:
            self.post_message(self.Changed(self, button))
            return
        super().action_toggle_button()

    async def _on_click(self, event: Click) -> None:
        self.arrowed = False
        await super()._on_click(event)


def page_when_laid_out(options: OptionList, move: Callable[[], object]) -> None:
    """``move`` (the list's PageUp or PageDown) now if ``options`` has a size, else after its
    next layout, and not at all if it has none then either (no page of it is shown).

    Textual's page keys look the highlighted option's line up in a table filled only while the
    list has a size: pressed before its first layout (ctrl+p then PageDown in the tick the
    palette's commands came in; s then PageDown on the sort menu) or on a list squeezed to no
    lines (a prompt's generations at 30x8), they raised KeyError and the app ended with a
    traceback."""
    if options.scrollable_content_region:
        move()
        return

    def later() -> None:
        if options.is_attached and options.scrollable_content_region:
            move()

    options.call_after_refresh(later)


class Options(OptionList):
    """An option list whose PageUp and PageDown never raise (:func:`page_when_laid_out`)."""

    def action_page_up(self) -> None:
        page_when_laid_out(self, super().action_page_up)

    def action_page_down(self) -> None:
        page_when_laid_out(self, super().action_page_down)

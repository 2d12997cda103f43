"""Every action of the app in the command palette (ctrl+p): "export", "plot", "sort by accuracy",
"run <label>", "compare", "filter never solved"… Titles hold run labels and column names, so they
are shown as literal text (Textual's own system-command provider parses titles as markup)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, ClassVar, NamedTuple, cast

from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.widgets import Input, OptionList

from evaltui.app.choices import page_when_laid_out
from evaltui.data.sanitize import one_line_middle

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp
    from evaltui.app.screens.main import MainScreen


class Command(NamedTuple):
    title: str
    """Plain text (may hold run labels: never parsed as markup)."""
    help: str
    """Trusted text: the key and what it does."""
    run: Callable[[MainScreen], object]


def app_commands(main: MainScreen) -> Iterator[Command]:
    """The main screen's actions, one command each, plus one per sort column and per run."""
    yield Command("Open the prompt under the cursor", "enter", lambda m: m.action_open_prompt())
    yield Command("Filter: edit the filter expression", "/", lambda m: m.action_focus_filter())
    yield Command("Filter never solved (quick filter)", "n", lambda m: m.action_quick("never"))
    yield Command("Filter flaky (quick filter)", "f", lambda m: m.action_quick("flaky"))
    yield Command("Filter always solved (quick filter)", "a", lambda m: m.action_quick("always"))
    yield Command(
        "Filter suspect reference or grader (triage)", "u", lambda m: m.action_quick("suspect")
    )
    yield Command("Filter hit the length cap (triage)", "l", lambda m: m.action_quick("truncated"))
    yield Command(
        "Re-score: a scorer on the view's prompts or all…", "R", lambda m: m.action_rescore()
    )
    if main.evalapp.rescoring:
        yield Command("Stop re-scoring", "x, esc", lambda m: m.action_cancel_load())
    yield Command(
        "Filter stored and new scores disagree (after a re-score)",
        "d",
        lambda m: m.action_quick("disagree"),
    )
    yield Command("Clear filters and sort", "c", lambda m: m.action_clear_view())
    for column, name in main.sortable_columns():
        yield Command(f"Sort by {name} ↑ (ascending)", "s, [", _sorter(column, False))
        yield Command(f"Sort by {name} ↓ (descending)", "s, ]", _sorter(column, True))
    runs = main.runs()
    if len(runs) > 1:
        yield Command("Run: all runs", "r cycles runs", lambda m: m.show_run(None))
        for run in runs:
            yield Command(f"Run: {one_line_middle(run, 80)} only", "r cycles runs", _run_only(run))
        yield Command("Compare two runs", "m", lambda m: m.action_compare())
    yield Command("Plot lengths and accuracy", "p", lambda m: m.action_plot())
    yield Command("Export the prompts shown…", "e", lambda m: m.action_export())
    yield Command("Summary: run-level metrics", "t", lambda m: m.action_summary())
    yield Command("Bad lines and skipped files", "b", lambda m: m.action_problems())
    if main.evalapp.loading:
        yield Command(
            "Stop loading (keep the lengths so far)", "x", lambda m: m.action_cancel_load()
        )
    if main.evalapp.can_resume_lengths():
        yield Command(
            "Count the token lengths left (loading was stopped)",
            "x",
            lambda m: m.action_resume_lengths(),
        )
    yield Command("Help: keys and the filter language", "?", lambda m: m.evalapp.action_help())


def _sorter(column: str, descending: bool) -> Callable[[MainScreen], object]:
    return lambda main: main.sort_by(column, descending)


def _run_only(run: str) -> Callable[[MainScreen], object]:
    return lambda main: main.show_run(run)


class AppCommands(Provider):
    """The app's actions; choosing one goes back to the prompt table first."""

    def commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("EvalApp", self.app)
        main = app.main

        def on_main(command: Command) -> Callable[[], object]:
            def run() -> None:
                app.back_to_main()
                command.run(main)

            return run

        return [(c.title, c.help, on_main(c)) for c in app_commands(main)]

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = matcher.match(title)
            if score > 0:
                _score, offsets = matcher.fuzzy_search.match(query, title)
                display = Content(title)
                for offset in offsets:
                    display = display.stylize("bold reverse", offset, offset + 1)
                yield Hit(score, display, callback, text=title, help=help_text)


class Palette(CommandPalette):
    """Textual's command palette, closed once and its command run once.

    Its ``dismiss`` pops whatever screen is on top, and a key handled after the choice (two
    enters typed together, ctrl+p 'sort' enter enter) chose again: the second enter popped the
    prompt table itself and ran the command on a screen taken down ("No nodes match '#filter'
    on MainScreen()", a traceback, exit status 1). As :class:`evaltui.app.screens.dialog.Dialog`:
    it closes only while it is the screen on top, once, and a choice after that is nothing.
    Its page keys work before its list is laid out (:meth:`action_page`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page(1)", "Next page", show=False),
        Binding("pageup", "page(-1)", "Previous page", show=False),
    ]

    _palette_closed = False

    def action_page(self, direction: int) -> None:
        """PageDown (1) or PageUp (-1) in the list of commands, also in the tick the commands
        came in, before the list was laid out (Textual's raised KeyError: ctrl+p and PageDown
        typed together ended the app with a traceback; :func:`page_when_laid_out`)."""
        commands = self.query_one(CommandList)
        move = commands.action_page_down if direction > 0 else commands.action_page_up
        page_when_laid_out(commands, move)

    def dismiss(self, result: None = None) -> AwaitComplete:
        if self._palette_closed or not self.is_active:
            return AwaitComplete()
        self._palette_closed = True
        return super().dismiss(result)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._palette_closed:  # (its handlers, Textual's, are not called)
            event.prevent_default()
            event.stop()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self._palette_closed:
            event.prevent_default()
            event.stop()

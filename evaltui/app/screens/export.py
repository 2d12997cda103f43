"""Export the current view: combined JSON, original records, or stats as CSV/Parquet."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

import polars as pl
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from evaltui.app.choices import ChoiceButton, ChoiceSet
from evaltui.app.display import (
    of_several_runs,
    path_lines,
    toast_width,
    view_words,
    wrapped_lines,
    written_path,
)
from evaltui.app.footer import KeysFooter
from evaltui.app.inputs import OrderedInput
from evaltui.app.screens import screen_gone
from evaltui.app.screens.dialog import Dialog
from evaltui.data.export import (
    EXPORT_KINDS,
    ExportKind,
    ExportSummary,
    NotPutInPlace,
    OutputAppeared,
    SourceChanged,
    all_or_none,
    export_view,
    input_at,
    is_stdout,
    mismatch_words,
    names_folder,
    suffix_mismatch,
)
from evaltui.data.sanitize import cell_width, name_line, one_line, visible
from evaltui.data.wording import plural, rows_words

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp
    from evaltui.data.loader import LoadResult


TITLE_LINES = 2
SHORT_SCREEN = 20
"""Lines of terminal below which the dialog is drawn compact (no borders round the kinds, the
path and the buttons, no blank lines inside its frame): at 50x15 its 18 lines were cut to 14,
the buttons and the path's lower edge out of the box with no mark."""
"""The title's lines at most (evaltui.tcss: the path stays on screen at 60x20)."""

KIND_NAMES: dict[ExportKind, str] = {
    "combined": "combined JSON",
    "records": "original records",
    "csv": "CSV",
    "parquet": "Parquet",
}
"""The kinds as a note names them (the first words of their labels in the list)."""


OPENER = "e"
"""The key that opens the export dialog (the table's and compare's)."""
REPEAT_WINDOW = 0.5
"""Seconds after the dialog is drawn in which its own key, pressed again first, is held (a
double press), not typed into the path (see ``ExportScreen.repeat_of_opener``)."""
TYPING_GAP = 0.3
"""Seconds within which a key after a held ``e`` makes it the start of a typed path."""

CHOICE_KEYS = frozenset(BindingsMap(ChoiceSet.BINDINGS).key_to_bindings)
"""The kind list's own keys (the arrows, enter, space): never the path box's."""


class ExportScreen(Dialog[ExportSummary | None]):
    """Choose what and where; the file is written in a worker, atomically."""

    _held_opener: float | None = None
    """When the dialog's own key, pressed again first, was held (``repeat_of_opener``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export_cancel"),
        Binding("ctrl+s", "export", "Write", id="export_write"),
        # A dialog takes none of the app's keys (a modal screen): ? is bound here. Out of the
        # dialog's short footer: the prompt table's footer shows "? Help".
        Binding("question_mark", "app.help", "Help", id="export_help", show=False),
        # Tab moves the focus as it arrives (a priority binding): keys typed in the same burst
        # (tmux send-keys, a fast typist) went to the widget Tab left, and were lost.
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    @dataclass
    class Done(Message):
        summary: ExportSummary | None
        error: str | None
        changed: str | None = None
        """The file the write found rewritten or gone since the rows were made (nothing
        written), as the load names it."""
        appeared: Path | None = None
        """The export's path, where a file came to be while it was written (nothing written)."""

    def __init__(
        self,
        rows: pl.DataFrame | None = None,
        what: str | None = None,
        amount: str | None = None,
        result: LoadResult | None = None,
    ) -> None:
        super().__init__()
        self.rows = rows
        """Stats rows to export; None = the main table's current view."""
        self.result = result
        """The load result ``rows`` were made from (their generations and files are exported
        with them); None = the app's current one."""
        self.what = what
        """How the dialog names those rows; None = the main view's description."""
        self.amount = amount
        """How many there are, as the screen that opened the dialog counts them (the compare
        screen's 22 prompts are 44 rows, one per run); None = a prompt per row."""
        self.confirm_overwrite: Path | None = None
        """Set after the user was told the file exists: writing again overwrites it."""
        self.writing: Path | None = None
        """The file being written (a write cannot be stopped midway); None when idle."""
        self.left = False
        """The dialog was closed while writing: the outcome is told by the app."""
        self.lengths_note = ""
        """What the dialog says while nothing else is said: prompts still without token lengths."""
        self.rescored_with: str | None = None
        """The scorer of the re-score shown (its scores are the ones exported); None: stored."""
        self.retry = False
        """A write found a followed file rewritten since the rows were made: it is made again
        with the next followed update's rows (:meth:`data_changed`)."""
        self.retries = 0
        """Writes made again so: a file rewritten at every look is said after a few."""

    @property
    def evalapp(self) -> EvalApp:
        return cast("EvalApp", self.app)

    def export_rows(self) -> pl.DataFrame | None:
        return self.rows if self.rows is not None else self.evalapp.rows

    def export_source(self) -> tuple[pl.DataFrame | None, LoadResult | None]:
        """The rows to export and the load result they were made from, taken together on the
        main thread: while following, the app's result is the next update's as soon as it
        arrives, its rows a moment later (a records export wrote one update's prompts with the
        next one's generations)."""
        if self.rows is not None:
            return self.rows, self.result or self.evalapp.result
        return self.evalapp.rows, self.evalapp.rows_result

    def kind(self) -> ExportKind:
        pressed = self.query_one("#export-kind", RadioSet).pressed_button
        return (
            cast(ExportKind, pressed.id.removeprefix("kind-"))
            if pressed and pressed.id
            else "combined"
        )

    def default_path(self, kind: ExportKind) -> str:
        name = {"combined": "evaltui_view", "records": "evaltui_records"}.get(kind, "evaltui_stats")
        return str(self.evalapp.default_export_dir() / f"{name}{EXPORT_KINDS[kind][1]}")

    def several_runs(self, rows: pl.DataFrame | None) -> bool:
        """Whether ``rows`` are counted as rows (run × prompt). An empty view is counted as the
        main screen counts it, by the load's runs: it said "0 prompts" of "0 of 120 rows (run
        × prompt)" shown behind it."""
        if rows is not None and rows.height:
            return of_several_runs(rows)
        result = self.evalapp.result
        return self.rows is None and result is not None and of_several_runs(result.stats)

    def title_text(self, width: int = 0) -> str:
        """The dialog's title: what the rows exported are, counted as they are now. Given the
        title's ``width``, in its two lines: shorter wording when narrow, then what the rows
        are cut with "…" (at 60x20 from compare, the second line ended "regressed prompts,"
        and the runs' names were cut off without a mark)."""
        rows = self.export_rows()
        count = 0 if rows is None else rows.height
        what = one_line(self.what or view_words(self.evalapp.view, rows), 300)
        amount = self.amount or rows_words(count, self.several_runs(rows))
        title = f"Export the current view ({amount} · {what})"

        def fits(text: str) -> bool:
            return not width or wrapped_lines(text, width) <= TITLE_LINES

        if fits(title):
            return title
        limit = cell_width(what)
        while limit > 1 and not fits(f"Export {amount} · {one_line(what, limit)}"):
            limit -= 1
        return f"Export {amount} · {one_line(what, limit)}"

    def on_resize(self, event: events.Resize) -> None:
        """Compact on a short terminal (:data:`SHORT_SCREEN`); the title as long as the
        dialog's width lets it be (known once laid out)."""
        short = event.size.height < SHORT_SCREEN
        self.query_one("#export-dialog").set_class(short, "-short")
        self.query_one("#export-kind", ChoiceSet).compact = short
        self.query_one("#export-path", Input).compact = short
        for button in self.query("#export-buttons Button").results(Button):
            button.compact = short
        self.call_after_refresh(self.fit_title)

    def fit_title(self) -> None:
        if screen_gone(self):  # closed before this ran after the refresh: widgets gone
            return
        title = self.query_one("#export-title", Label)
        text = self.title_text(title.content_region.width)
        if str(title.render()) != text:
            title.update(Text(text))

    def data_changed(self) -> None:
        """New rows in the main view (a followed update) while the dialog is open: its title
        counts them (it kept the count of when it opened, "2 prompts", and wrote 3)."""
        if self.rows is not None:
            # The rows given (compare's) are the ones exported, as they were; but a write that
            # found their file rewritten takes the same prompts' rows from the update, read
            # again (the dialog said "reload before exporting", and no key reloads there).
            result = self.evalapp.result
            if self.retry and self.writing is None and result is not None:
                self.retry = False
                keys = self.rows.select("run", "prompt_id")
                self.rows = result.stats.join(keys, on=["run", "prompt_id"], how="semi")
                self.result = result
                self.action_export()
            return
        self.fit_title()
        message = self.query_one("#export-message", Static)
        quiet = str(message.render()) == self.quiet_note(self.kind())  # (not an error shown)
        self.lengths_note = self.missing_lengths(self.export_rows())
        if quiet:
            message.update(Text(self.quiet_note(self.kind())))
        if self.retry and self.writing is None:
            self.retry = False
            self.action_export()

    def compose(self) -> ComposeResult:
        rows = self.export_rows()
        app = self.evalapp
        result = app.result
        if app.rescored is not None and result is not None:
            rescored = "stored_accuracy" in result.generations.columns
            self.rescored_with = app.rescored.scorer if rescored else None
        short = self.app.size.height < SHORT_SCREEN
        with Vertical(id="export-dialog", classes="dialog -short" if short else "dialog"):
            yield Label(Text(self.title_text()), id="export-title")
            with ChoiceSet(id="export-kind", compact=short):
                for index, (kind, (label, _suffix)) in enumerate(EXPORT_KINDS.items()):
                    yield ChoiceButton(label, value=index == 0, id=f"kind-{kind}")
            yield OrderedInput(self.default_path("combined"), id="export-path", compact=short)
            self.lengths_note = self.missing_lengths(rows)
            yield Static(Text(self.quiet_note("combined")), id="export-message")
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-go", compact=short)
                yield Button("Cancel", id="export-cancel", compact=short)
        yield KeysFooter()  # this dialog's keys (ctrl+s), not the table's behind it

    def quiet_note(self, kind: ExportKind) -> str:
        """What the message line says while nothing else is said. After a re-score, whose
        scores are exported: said before writing (the dialog and its "wrote" line said nothing
        of it); on this line, not one more (the buttons were cut at 60x20)."""
        return " · ".join(note for note in (self.name_note(kind), self.others_note(kind)) if note)

    def others_note(self, kind: ExportKind) -> str:
        """The quiet note but the file name's: whose scores, prompts without lengths."""
        return " · ".join(note for note in (self.scores_note(kind), self.lengths_note) if note)

    def name_note(self, kind: ExportKind) -> str:
        """A word when the file name's suffix names another kind than the one chosen (a JSON
        array written as ``x.jsonl`` without one): said before writing, not refused (the user
        may mean it)."""
        try:
            raw = self.query_one("#export-path", Input).value.strip()
            message = self.query_one("#export-message", Static)
            dialog = self.query_one("#export-dialog")
        except NoMatches:  # (composing: the default path, named for its kind)
            return ""
        named = suffix_mismatch(kind, raw) if raw else None
        if named is None:
            return ""
        # As long as the room there is: the lines the screen has below the rest of the dialog
        # (one at 60x20: a longer note pushed the buttons out of the box), at its width.
        width = message.content_region.width
        rest = dialog.outer_size.height - message.outer_size.height
        lines = max(1, self.size.height - 1 - rest - (1 if self.others_note(kind) else 0))
        forms = (
            f"{mismatch_words(kind, raw)}, or pick {KIND_NAMES[named]}",
            mismatch_words(kind, raw),
            mismatch_words(kind, raw, short=True),
            mismatch_words(kind, raw, short=True, name_cells=12),
        )
        if not width:  # (not laid out yet)
            return forms[0]
        for form in forms:
            if wrapped_lines(form, width) <= lines:
                return form
        return one_line(forms[-1], width * lines)

    def scores_note(self, kind: ExportKind) -> str:
        """Whose scores an export of ``kind`` holds after a re-score ("" before any)."""
        if self.rescored_with is None:
            return ""
        scorer = one_line(self.rescored_with, 30)
        if kind == "records":  # (short: one line in the dialog at 60 columns)
            return f"records unchanged; {scorer}'s scores in manifest"
        return f"re-scored with {scorer} (stored_* beside)"

    def done_words(self, summary: ExportSummary) -> str:
        """The "wrote" line: rows counted as the dialog's title counts them (60 prompts of 3
        runs are no "180 prompts"), and whose scores they hold."""
        rows = self.export_rows()
        what = self.amount or rows_words(summary.prompts, self.several_runs(rows))
        if summary.kind == "records":
            what = f"{plural(summary.records, 'record')} of {what}"
        where = "standard output" if is_stdout(summary.path) else written_path(summary.path)
        where = name_line(where)
        text = f"wrote {what} to {where}"
        width = toast_width(self.app.size.width)
        if cell_width(where) > width:  # on lines of its own, broken at its folders
            text = f"wrote {what} to\n" + "\n".join(path_lines(where, width))
        if self.rescored_with is not None:
            text += f" · scores re-scored with {one_line(self.rescored_with, 60)}"
        return text

    def missing_lengths(self, rows: pl.DataFrame | None) -> str:
        """A note when some prompts have no token lengths yet (the load is still counting, or
        was stopped): their length fields are exported empty, which no one should take for a
        finished export by surprise."""
        result = self.evalapp.result
        if (
            rows is None
            or result is None
            or result.complete
            or "max_gen_length" not in rows.columns
        ):
            return ""
        missing = rows.get_column("max_gen_length").null_count()
        if not missing:
            return ""
        # One line at 80 columns: a second one pushed the buttons' edge out of the dialog.
        # Rows of several runs are counted as the title counts them ("rows (run × prompt)").
        unit = "row" if of_several_runs(rows) else "prompt"
        return f"{plural(missing, unit)} without token lengths: exported empty"

    async def on_key(self, event: events.Key) -> None:
        """A path typed while the kind list has the focus (no Tab first) went nowhere, and
        ctrl+s wrote to the default path: it goes to the path box, replacing the default as
        after Tab. Keys of the same burst were handed to the kind list before the focus moved:
        they come here too, and go to the box in order. The box does not select its text when
        the focus arrives (that would select what was typed, and the next key replace it).
        A space of the burst comes here too, after the focus moved: it goes to the box (it
        was dropped, "my out.json" written as "myout.json"); a space while the kind list has
        the focus picks a kind, as it did; ``?`` there shows the help (the dialog's keys).
        A key read before the dialog was drawn is not typed into the box: it was meant for the
        screen behind (``e`` pressed twice while the app was busy made the path "e", and
        ctrl+s wrote a file named e).

        An editing key of the path box (ctrl+a, ctrl+k, ctrl+u, backspace, home…) pressed while
        the kind list has the focus goes to the box too, at once (``edit_in_box``)."""
        if not event.is_printable or event.character is None:
            await self.edit_in_box(event)
            return
        path = self.query_one("#export-path", Input)
        if event.character in {" ", "?"} and not isinstance(self.focused, Input):
            return  # (space picks a kind, or presses a button; ? is the help, as elsewhere)
        if isinstance(self.focused, (RadioSet, RadioButton)):
            if self.read_before_shown(event) or self.repeat_of_opener(event):
                event.stop()
                return
            path.select_on_focus = False
            path.value = ""
            self.set_focus(path)
            if self._held_opener is not None and event.time - self._held_opener <= TYPING_GAP:
                path.insert_text_at_cursor(OPENER)  # the start of a path typed fast: kept
            self._held_opener = None
        elif self.focused is not path or path.select_on_focus:
            return
        event.stop()
        event.prevent_default()
        path.insert_text_at_cursor(event.character)

    async def edit_in_box(self, event: events.Key) -> None:
        """An editing key of the path box read while the kind list has the focus: the box's,
        run now, in order with the keys around it, the focus moved to the box. Left to go on,
        it reached the app's bindings after the keys typed behind it, with the focus in the box
        by then (a path typed moved it): 'ctrl+a ctrl+k /tmp/out.json ctrl+s' in one burst
        (tmux) ran ctrl+a and ctrl+k after the path: the box was empty when ctrl+s came, and
        nothing was written. Such a key read here with the focus in the box already was handed
        to the list before the focus moved (the box runs its own keys and stops them): it is
        run now too. Keys of the list itself (the arrows, enter, space) stay the list's."""
        path = self.query_one("#export-path", OrderedInput)
        if (
            not isinstance(self.focused, (RadioSet, RadioButton, OrderedInput))
            or event.key in CHOICE_KEYS
            or not path.edits_with(event.key)
        ):
            return
        event.stop()
        event.prevent_default()
        if self.read_before_shown(event):
            return
        if self.focused is not path:
            path.select_on_focus = False
            self.set_focus(path)
        await path.run_key(event.key)

    def repeat_of_opener(self, event: events.Key) -> bool:
        """Whether ``event`` is the dialog's own key (``e``) pressed again as the first key,
        within ``REPEAT_WINDOW`` of the dialog being drawn: the second press of a double ``e``
        (0.2 s after the dialog was up, in tmux) went into the path box, and ctrl+s wrote a file
        named e. It is held, not dropped: a key typed right after it (``TYPING_GAP``) is a path
        typed fast ('exp.json' begun at once), and the held ``e`` goes before it."""
        if (
            self._held_opener is not None
            or event.character != OPENER
            or self.shown_at is None
            or event.time - self.shown_at > REPEAT_WINDOW
        ):
            return False
        self._held_opener = event.time
        return True

    def on_paste(self, event: events.Paste) -> None:
        """A path pasted while the kind list has the focus: the path box's, as a key typed."""
        if isinstance(self.focused, (RadioSet, RadioButton)) and event.text.strip():
            event.stop()
            path = self.query_one("#export-path", Input)
            path.value = event.text.strip()
            path.cursor_position = len(path.value)
            self.set_focus(path)

    @on(RadioSet.Changed)
    def kind_changed(self) -> None:
        self.retry = False
        self.query_one("#export-message", Static).update(Text(self.quiet_note(self.kind())))
        path = self.query_one("#export-path", Input)
        old_default = any(path.value == self.default_path(k) for k in EXPORT_KINDS)
        if old_default or not path.value.strip():
            path.value = self.default_path(self.kind())
        self.confirm_overwrite = None

    @on(Input.Changed, "#export-path")
    def path_changed(self) -> None:
        self.retry = False
        self.confirm_overwrite = None
        self.query_one("#export-message", Static).update(Text(self.quiet_note(self.kind())))

    @on(Button.Pressed, "#export-go")
    @on(Input.Submitted, "#export-path")
    def action_export(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        # The messages do not repeat the path the user just typed: at 80 columns a long one took
        # three lines, and pushed the buttons out of the dialog.
        message = self.query_one("#export-message", Static)
        if self.writing is not None:  # a second write of the same view is no second file
            message.update("still writing the export…")
            return
        if not raw:
            message.update("give a file path")
            return
        path = Path(raw).expanduser()
        if path.is_dir() or names_folder(raw):  # `out/` too, before it exists
            message.update("that is a folder: give a file path")
            return
        rows, result = self.export_source()
        if rows is None or result is None:
            message.update("nothing to export yet")
            return
        source = input_at(path, result.files)
        if source is not None:  # never offered for overwriting: it would replace the eval data
            message.update("a file of this load: writing there would destroy it")
            return
        if path.exists() and self.confirm_overwrite != path:
            self.confirm_overwrite = path
            message.update("that file exists: press Export again to overwrite it")
            return
        message.update("writing…")
        self.writing = path
        self.write(self.kind(), path, rows, result)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        if self.writing is not None:
            # The write goes on (it cannot be stopped midway): closing said nothing, and the
            # file appeared without its "exported" line.
            self.left = True
            self.app.notify(
                f"still writing {name_line(written_path(self.writing))}: it is finished in the background, "
                "and you are told when it is done",
                markup=False,
            )
        self.close(None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def write(self, kind: ExportKind, path: Path, rows: pl.DataFrame, result: LoadResult) -> None:
        app = self.evalapp
        # A path that had no file is written only where none is still: a file another
        # process (another evaltui's export) wrote there meanwhile was replaced without a word.
        new = () if self.confirm_overwrite == path else (path,)
        try:
            with all_or_none(new):
                summary = export_view(
                    kind,
                    rows,
                    result.generations,
                    result.files,
                    path,
                    rescored_with=self.rescored_with,
                )
        except OutputAppeared:
            words = "written meanwhile by another program: kept;"
            done = self.Done(None, f"{words} press Export again to overwrite it", appeared=path)
        except SourceChanged as exc:
            done = self.Done(None, visible(f"cannot write {path}: {exc}"), exc.source)
        except (OSError, ValueError) as exc:
            # As headless commands say it (cli.cannot_write): the system's reason, not
            # "[Errno 28] No space left on device: '<path>'", the path twice; an output put in
            # place after the others (its manifest) named when it is the one that failed.
            # The reason may name a source file (input text): made visible for the dialog.
            where = exc.filename if isinstance(exc, NotPutInPlace) and exc.filename else path
            reason = (exc.strerror or exc) if isinstance(exc, OSError) else exc
            done = self.Done(None, visible(f"cannot write {where}: {reason}"))
        else:
            done = self.Done(summary, None)
        # On the app's thread, in order with the keys: the dialog may have been closed meanwhile
        # (its messages would be lost with it).
        with contextlib.suppress(RuntimeError):  # the app has ended: no one to tell
            app.call_from_thread(self.on_export_screen_done, done)

    RETRIES = 3
    """Writes made again after a followed update found the rows' file rewritten again."""

    def awaits_the_update(self) -> bool:
        """Whether a write that found a file changed is made again with the next followed
        update (given rows, compare's, are taken again from it): while following, a few times
        at most."""
        return self.evalapp.following.is_set() and self.retries < self.RETRIES

    def on_export_screen_done(self, message: Done) -> None:
        self.writing = None
        if self.left:
            if message.error is not None:
                self.app.notify(message.error, severity="error", markup=False)
            else:
                assert message.summary is not None
                self.app.notify(self.done_words(message.summary), title="exported", markup=False)
            return
        if message.changed is not None and self.awaits_the_update():
            # While following, the file read again comes with the next update (within a
            # second or two): the dialog said "reload before exporting" (no key reloads while
            # following), and ctrl+s again a moment later wrote the file.
            self.retry = True
            self.retries += 1
            self.query_one("#export-message", Static).update(
                Text(
                    f"{visible(message.changed)} changed since the table was made: following"
                    " reads it again, then this export is written"
                )
            )
            return
        if message.error is not None:
            self.confirm_overwrite = message.appeared or self.confirm_overwrite
            self.query_one("#export-message", Static).update(Text(message.error))
            return
        assert message.summary is not None
        self.app.notify(self.done_words(message.summary), title="exported", markup=False)
        self.close(message.summary)

"""Re-score from the app: choose a scorer and the prompts (the current view's, or all)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, cast

import polars as pl
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from evaltui.app.choices import ChoiceButton, ChoiceSet
from evaltui.app.display import of_several_runs, view_words
from evaltui.app.footer import KeysFooter
from evaltui.app.inputs import OrderedInput
from evaltui.app.screens.dialog import Dialog
from evaltui.data.sanitize import name_line, one_line, one_line_middle
from evaltui.data.wording import rows_words

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp

MAX_TASKS = 4
"""lm-eval tasks offered one by one; with more loaded, ``lm-eval`` (each file's own task)."""
OWN = "own"
"""The radio button of a user's module:function (typed into the box)."""
REEXTRACT = "exact --reextract"
"""The choice of ``exact`` reading each answer from the text (``rescore --reextract``), offered
when a loaded format keeps its own scorer's answers (OpenCompass's ``pred``, Inspect's)."""

Scope = Literal["view", "all"]


@dataclass(frozen=True)
class RescoreRequest:
    scorer: str
    """A scorer name as ``evaltui rescore --scorer`` takes it."""
    scope: Scope
    """The current view's prompts or every prompt."""
    reextract: bool = False
    """``exact`` reads each answer from the text, not its format's scorer's (``--reextract``)."""


def keeps_own_answers(app: EvalApp) -> bool:
    """Whether a loaded file's format keeps its own scorer's answers (``Reader.own_answers``),
    which ``exact`` scores unless asked to read the text (:data:`REEXTRACT`)."""
    from evaltui.data.formats import get_reader

    result = app.loaded or app.result
    if result is None:
        return False
    names = {f.format for f in result.files if f.format}
    for name in names:
        try:
            if get_reader(name).own_answers:
                return True
        except ValueError:
            continue
    return False


def lm_eval_tasks(app: EvalApp) -> list[str]:
    """The tasks of the loaded lm-eval samples files (their prompt ids are ``<task>:<doc_id>``)."""
    result = app.loaded or app.result
    if result is None:
        return []
    sources = [f.source for f in result.files if f.format == "lm_eval"]
    if not sources:
        return []
    ids = result.generations.filter(pl.col("source").is_in(sources))["prompt_id"]
    tasks = ids.str.replace(r":[^:]*$", "").unique(maintain_order=True).sort()
    return [str(t) for t in tasks.to_list() if t]


def scorer_choices(app: EvalApp) -> list[tuple[str, str]]:
    """(scorer name, what it does) offered in the dialog, before the user's own."""
    choices = [
        ("math-verify", "math-verify: parse + verify (\\frac12 = 0.5, sets, intervals)"),
        ("exact", "exact: the extracted answer equals the reference"),
    ]
    if keeps_own_answers(app):
        choices.append((REEXTRACT, "exact, answers read from the text (not the format's)"))
    tasks = lm_eval_tasks(app)
    if tasks:
        if len(tasks) <= MAX_TASKS:
            choices += [
                (f"lm-eval:{t}", f"lm-eval:{name_line(t, 50)}: the task's own metric")
                for t in tasks
            ]
        choices.append(("lm-eval", "lm-eval: each samples file through its own task"))
    return choices


def go_label(scorer: str | None) -> str:
    """The Re-score button says which scorer runs (None: the user's own, not typed yet): the
    option chosen (● and the highlight, :class:`ChoiceSet`), or the module:function typed."""
    if scorer is None:
        return "Re-score: type your scorer"
    return f"Re-score with {one_line_middle(scorer, 15)}"


class RescoreScreen(Dialog[RescoreRequest | None]):
    """The scorer and the prompts to re-score; the re-score itself runs on the main screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="rescore_cancel"),
        # q closes it too (tmux delays esc), as on every screen; typed in the scorer's box it
        # is a letter (the box takes printable keys before any binding sees them).
        Binding("q", "cancel", "Cancel", id="rescore_cancel_q", show=False),
        Binding("ctrl+s", "go", "Re-score", id="rescore_go"),
        # A dialog takes none of the app's keys (a modal screen): ? is bound here. Out of the
        # dialog's short footer: the prompt table's footer shows "? Help".
        Binding("question_mark", "app.help", "Help", id="rescore_help", show=False),
        # Tab moves the focus as it arrives (a priority binding): keys typed in the same burst
        # (tmux send-keys, a fast typist) went to the widget Tab left, and were lost.
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.choices: list[tuple[str, str]] = []
        """(scorer name, label) of the radio buttons before the user's own, in order."""

    @property
    def evalapp(self) -> EvalApp:
        return cast("EvalApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.evalapp
        self.choices = scorer_choices(app)
        options = app.rescore_options
        previous = options.scorer if options is not None else None
        if options is not None and options.reextract and previous == "exact":
            previous = REEXTRACT
        known = [name for name, _label in self.choices]
        own = previous if previous is not None and previous not in known else ""
        chosen = previous if previous in known else ("" if own else known[0])
        shown, total = self.scope_counts()
        view_label, all_label = self.scope_labels()
        with Vertical(id="rescore-dialog", classes="dialog"):
            yield Label("Re-score the generations (the files are not touched) with")
            with ChoiceSet(id="rescore-scorer"):
                for index, (name, label) in enumerate(self.choices):
                    yield ChoiceButton(Content(label), value=name == chosen, id=f"scorer-{index}")
                yield ChoiceButton("your own module:function", value=bool(own), id="scorer-own")
            yield OrderedInput(
                own,
                placeholder="module:function or file.py:function",
                placeholders=["mod:func or file.py:func", "module:function"],
                id="rescore-module",
                compact=True,
            )
            yield Label("on")
            with ChoiceSet(id="rescore-scope"):
                yield ChoiceButton(view_label, value=shown < total, id="scope-view")
                yield ChoiceButton(all_label, value=shown >= total, id="scope-all")
            yield Static("", id="rescore-message")
            with Horizontal(id="rescore-buttons"):
                yield Button(
                    Content(go_label(chosen or own or None)),
                    variant="primary",
                    id="rescore-go",
                    compact=True,
                )
                yield Button("Cancel", id="rescore-cancel", compact=True)
        yield KeysFooter()  # this dialog's keys (ctrl+s), not the table's behind it

    def scope_counts(self) -> tuple[int, int]:
        """The prompts (rows) of the current view and of all."""
        app = self.evalapp
        shown = 0 if app.rows is None else app.rows.height
        return shown, 0 if app.result is None else app.result.stats.height

    def scope_labels(self) -> tuple[Content, Content]:
        """The two scopes as the dialog names them, with their prompts now."""
        app = self.evalapp
        shown, total = self.scope_counts()
        stats = app.result.stats if app.result is not None else None
        several = stats is not None and of_several_runs(stats)
        return (
            Content(
                f"the current view's {rows_words(shown, several)} · "
                f"{one_line(view_words(app.view, stats), 40)}"
            ),
            Content(f"all {rows_words(total, several)}"),
        )

    def data_changed(self) -> None:
        """New rows under the dialog (a followed update): the scopes count them. They kept the
        counts of when it opened ('all 5 prompts' over a table of 12), while a re-score takes
        the prompts there are when it starts. The scope chosen stays."""
        view_label, all_label = self.scope_labels()
        self.query_one("#scope-view", RadioButton).label = view_label
        self.query_one("#scope-all", RadioButton).label = all_label

    def scorer(self) -> str | None:
        """The scorer chosen; None (and a message) when the user's own is chosen but not typed."""
        pressed = self.query_one("#rescore-scorer", RadioSet).pressed_button
        if pressed is not None and pressed.id != "scorer-own" and pressed.id:
            return self.choices[int(pressed.id.removeprefix("scorer-"))][0]
        typed = self.query_one("#rescore-module", Input).value.strip()
        module, sep, function = typed.rpartition(":")
        if not (sep and module and function):
            self.query_one("#rescore-message", Static).update(
                "type your scorer as module:function or path/to/file.py:function"
            )
            self.set_focus(self.query_one("#rescore-module", Input))
            return None
        return typed

    def chosen_name(self) -> str | None:
        """The scorer chosen as far as the dialog shows it (no message): a button's scorer,
        the typed module:function, or None when the user's own is chosen but empty."""
        pressed = self.query_one("#rescore-scorer", RadioSet).pressed_button
        if pressed is not None and pressed.id != "scorer-own" and pressed.id:
            return self.choices[int(pressed.id.removeprefix("scorer-"))][0]
        return self.query_one("#rescore-module", Input).value.strip() or None

    def show_go_label(self) -> None:
        self.query_one("#rescore-go", Button).label = Content(go_label(self.chosen_name()))

    def scope(self) -> Scope:
        pressed = self.query_one("#rescore-scope", RadioSet).pressed_button
        return "all" if pressed is not None and pressed.id == "scope-all" else "view"

    @on(Input.Changed, "#rescore-module")
    def module_typed(self, event: Input.Changed) -> None:
        self.query_one("#rescore-message", Static).update("")
        if event.value.strip():
            self.query_one("#scorer-own", RadioButton).value = True
        self.show_go_label()

    @on(RadioSet.Changed, "#rescore-scorer")
    def scorer_changed(self, event: RadioSet.Changed) -> None:
        self.query_one("#rescore-message", Static).update("")
        self.show_go_label()
        # Chosen on purpose (space, enter, a click), the own scorer's box takes the focus to be
        # typed in; passed over by an arrow key, the focus stays for the next arrow.
        arrowed = isinstance(event.radio_set, ChoiceSet) and event.radio_set.arrowed
        if event.pressed.id == "scorer-own" and not arrowed:
            box = self.query_one("#rescore-module", Input)
            self.set_focus(box)

    @on(Button.Pressed, "#rescore-go")
    @on(Input.Submitted, "#rescore-module")
    def action_go(self) -> None:
        scorer = self.scorer()
        if scorer is None:
            return
        if self.scope() == "view" and (self.evalapp.rows is None or not self.evalapp.rows.height):
            self.query_one("#rescore-message", Static).update(
                Text("the current view has no prompts: choose all, or change the view")
            )
            return
        if scorer == REEXTRACT:
            self.close(RescoreRequest("exact", self.scope(), reextract=True))
            return
        self.close(RescoreRequest(scorer, self.scope()))

    @on(Button.Pressed, "#rescore-cancel")
    def action_cancel(self) -> None:
        self.close(None)

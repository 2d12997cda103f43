"""One prompt: its text, reference answer, every generation, and the selected one in full."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

import polars as pl
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from evaltui.app.choices import Options
from evaltui.app.display import MAX_SHOWN_CHARS, fraction, generation_text, score_mark
from evaltui.app.footer import KeysFooter
from evaltui.app.inputs import OrderedInput
from evaltui.app.screens import ready_for_keys, screen_gone
from evaltui.data.metrics import correct_expr, format_score, run_kinds
from evaltui.data.rescore import OK, stored_kinds, verdicts
from evaltui.data.sample_numbers import sample_names, sample_order
from evaltui.data.sampling import vote_summary
from evaltui.data.sanitize import (
    cell_width,
    distinct_middle,
    id_line,
    one_line,
    one_line_middle,
    pad_cells,
    visible,
)
from evaltui.data.texts import TextCancelled, TextUnavailable
from evaltui.data.triage import generation_flags, longest_by_run
from evaltui.data.wording import plural

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp
    from evaltui.data.loader import LoadResult

FILTERS = (None, "wrong", "right")
RESCORED_FILTERS = (*FILTERS, "flipped")
"""After a re-score, ``w`` also shows only the generations whose verdict flipped."""
PROMPTS = Binding.Group("Prompt", compact=True)
GENERATIONS = Binding.Group("Gen", compact=True)


#: Shown in place of a generation whose text is still being read back from its file.
TEXT_LOADING = "loading this generation's text from its file…"


#: The triage flags a generation's line shows, in this order (the same rules as the table's
#: triage column and quick filters).
GENERATION_MARKS = {
    "empty": "empty",
    "no_answer": "no final answer",
    "length_cap": "hit length cap",
    "repetition": "repetition loop",
}


def flipped_summary(gens: pl.DataFrame, most: int = 6) -> str:
    """``2 flipped (stored→new): #3 ✗→✓, #5 ✓→✗`` for a prompt's re-scored generations."""
    flipped = gens.filter(pl.col("_flipped"))
    if not flipped.height:
        return "no verdict flipped"
    shown = [
        f"#{row['_number']} {score_mark(row['stored_accuracy'], row['_stored_correct'])}→"
        f"{score_mark(row['accuracy'], row['_correct'])}"
        for row in flipped.head(most).iter_rows(named=True)
    ]
    more = f", +{flipped.height - most}" if flipped.height > most else ""
    return f"{flipped.height} flipped (stored→new): {', '.join(shown)}{more}"


class GenerationBox(VerticalScroll):
    """The shown generation's box. On its top rule, while the text is longer than the box: how
    many lines are below, and the keys that page and search it (the generation list has the
    focus, its arrows move in the list: nothing said the text scrolls, nor how)."""

    def on_resize(self) -> None:  # (the search box shown, the terminal's size)
        self.mark()

    def watch_virtual_size(self) -> None:  # (a new text)
        self.mark()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.mark()

    shown = ""
    """Which generation the box shows, when the list tells it apart by more than its number
    (``#2 · epoch 1 · b.eval``): said first on its top rule (untrusted: a file's name)."""

    def mark(self) -> None:
        hidden = self.max_scroll_y
        below = max(0, hidden - round(self.scroll_y))
        parts = [self.shown] if self.shown else []
        if hidden:
            parts.append(f"▼ {plural(below, 'more line')}" if below else "▲ the end")
            parts.append("space/b page · / search")
        self.border_title = Text(f" {' · '.join(parts)} ", no_wrap=True) if parts else None


class PromptScreen(Screen[None]):
    """Inspect every generation of one prompt (of one run)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="prompt_back"),
        Binding("q", "back", "Back", id="prompt_back_q"),
        Binding("question_mark", "app.help", "Help", id="prompt_help"),
        Binding("full_stop", "prompt(1)", "Next prompt", id="prompt_next", group=PROMPTS),
        Binding("comma", "prompt(-1)", "Prev prompt", id="prompt_prev", group=PROMPTS),
        Binding("j", "generation(1)", "Next gen", id="gen_next", group=GENERATIONS),
        Binding("k", "generation(-1)", "Prev gen", id="gen_prev", group=GENERATIONS),
        # Priority: the focus moves to the box as "/" arrives, so the text typed right after
        # it in one burst lands there (it went to the generation list and was lost).
        Binding("slash", "search", "Search gen", id="gen_search", priority=True),
        Binding("w", "cycle_filter", "Wrong/right", id="gen_filter"),
        Binding("v", "toggle_prompt", "Whole prompt", id="prompt_whole"),
        # Plain keys (shift+arrows do not reach apps on many terminals): the prompt box is
        # not focused, the generation list is.
        Binding("J", "scroll_prompt(1)", "Prompt ↓", id="prompt_scroll_down", show=False),
        Binding("K", "scroll_prompt(-1)", "Prompt ↑", id="prompt_scroll_up", show=False),
        # The generation list has the focus: a long generation was scrolled only by Tab to its
        # box, then the arrows, and nothing said so. Space and b page it, as in less.
        Binding("space", "scroll_generation(1)", "Gen page ↓", id="gen_page_down", show=False),
        Binding("b", "scroll_generation(-1)", "Gen page ↑", id="gen_page_up", show=False),
        Binding("y", "copy", "Copy", id="copy"),
        Binding("p", "plot", "Plot", id="prompt_plot"),
    ]

    class TextsRead(Message):
        """The text of a prompt's generations, read back from their files in a worker."""

        def __init__(
            self, ticket: int, result: LoadResult, texts: pl.DataFrame | None, error: str | None
        ) -> None:
            super().__init__()
            self.ticket = ticket
            """The :attr:`PromptScreen.ticket` of the request (an older one is dropped)."""
            self.result = result
            """The load result whose rows (``_row``) the texts belong to."""
            self.texts = texts
            """``_row`` and ``gen`` of every generation asked for; None when ``error``."""
            self.error = error

    def __init__(
        self,
        run: str,
        prompt_id: str,
        other_run: str | None = None,
        *,
        keys: pl.DataFrame | list[tuple[str, str]] | None = None,
        position: int | None = None,
        keys_of: Callable[[], pl.DataFrame] | None = None,
    ) -> None:
        super().__init__()
        self.run = run
        self.prompt_id = prompt_id
        self.other_run = other_run
        """A second run whose generations of the same prompt are listed too (compare view)."""
        if keys is None:
            keys = [(run, prompt_id)]
        if isinstance(keys, list):
            keys = pl.DataFrame(keys, schema=["run", "prompt_id"], orient="row")
        self.keys = keys.select("run", "prompt_id")
        """The (run, prompt_id) rows the user came from, in their order: `.`/`,` walk them (the
        main table's rows, or a compare list). Kept as a frame: a million-row view is never
        turned into a Python list, nor searched, on a key press."""
        if position is None or _key_at(self.keys, position) != (run, prompt_id):
            position = _position(self.keys, (run, prompt_id))
        self.position = position
        """Where the shown prompt is in :attr:`keys` (None: not in it)."""
        self.keys_of = keys_of
        """Where :attr:`keys` came from (the main table's rows), asked again when the data
        changes under the screen: after a followed file was cut short, `.` walked the rows the
        table no longer had ("prompt 3 of 36" over 2 prompts, an empty prompt)."""
        self.search = ""
        """The text searched for in the shown generation ("" = none)."""
        self.whole_prompt = False
        """True shows the whole prompt text; False caps it at a few lines, with a marker."""
        self._match = -1
        """Where the last search match shown starts in the generation text."""
        self.only: str | None = None
        """None = all generations, "wrong" or "right"."""
        self.unjudged = ""
        """Why no generation of the prompt is right or wrong ("" when some is)."""
        self.generations = pl.DataFrame()
        """This prompt's generations shown in the list, in sample order."""
        self.text_error: str | None = None
        """Why the generations' text could not be read back (the file changed), if so."""
        self.text_loading = False
        """True while the shown prompt's generation text is being read back in a worker."""
        self.ticket = 0
        """Bumped each time a prompt is shown: the text read for an earlier one is dropped."""
        self._shown: pl.DataFrame | None = None
        """The generations shown, but their text: a new result that changes none of them
        leaves the screen as it is."""
        self._shown_texts: pl.Series | None = None
        """Their texts as they came with the rows (null: read back later)."""
        self._title: tuple[list[str], dict[str, str], str, list[str], list[str]] | None = None
        """What the title says (runs, their counts, position, flips, filter), laid out to the
        width by :meth:`show_title`."""
        self._votes: tuple[list[str], dict[str, str]] | None = None
        """What the vote lines say (the runs, each run's vote; the reference is
        :attr:`_reference`), laid out to the width by :meth:`show_votes`."""
        self._prompt_text = ""
        """The shown prompt's text (whole, as loaded)."""
        self._prompt_key: tuple[str, str] | None = None
        """(run, prompt_id) of the prompt shown: another one is read from its top (new data
        under the same prompt keeps the place)."""
        self._reference: str | None = None
        """The shown prompt's reference answer (whole, as loaded): its line shows the first
        200 cells, ``v`` shows it whole under the prompt."""
        self._note_length = 0
        """Characters of the note above the shown generation saying its text is not the
        model's answer (0: none)."""
        self._texts: tuple[LoadResult, str, str, pl.DataFrame] | None = None
        """The texts read back for the shown prompt (result, run, prompt, ``_row`` + ``gen``),
        kept while the user cycles its filters."""

    @property
    def evalapp(self) -> EvalApp:
        return cast("EvalApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="prompt-title")
        with VerticalScroll(id="prompt-text-box"):
            yield Static("", id="prompt-text")
        yield Static("", id="prompt-more")
        yield Static("", id="prompt-answer")
        yield Options(id="generations")
        with GenerationBox(id="generation-box"):
            yield Static("", id="generation-text")
        yield OrderedInput(
            placeholder="/ search this generation (enter: next match, esc: back)",
            placeholders=["/ search this generation (esc: back)", "/ search this generation"],
            id="gen-search",
            compact=True,
            on_escape=self.action_back,
        )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.load_prompt()
        ready_for_keys(self)  # (enter then '/' in one burst: the '/' searches here)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "/" is typed into the search once it has the focus: the screen's (the box's has_focus
        # comes with the Focus event, after the keys typed in the same burst as "/").
        return not (action == "search" and self.focused is self.query_one("#gen-search", Input))

    def all_generations(self) -> pl.DataFrame:
        """The prompt's generations (of both runs in a compare view), texts as loaded: a warm
        load keeps none, and :meth:`read_texts` reads them back from their files."""
        result = self.evalapp.result
        assert result is not None
        runs = [self.run] if self.other_run is None else [self.run, self.other_run]
        index = self.evalapp.prompt_index
        if index is not None and index.generations is result.generations:
            gens = index.generations_of(runs, self.prompt_id)
        else:
            gens = result.generations.with_row_index("_row").filter(
                pl.col("run").is_in(runs) & (pl.col("prompt_id") == self.prompt_id)
            )
            self.evalapp.want_prompt_index()  # the next prompts are found in the index
        # The first run's generations first, then the other run's, each in sample order (its
        # files one after the other where they number their samples alike).
        gens = sample_order(gens.sort(pl.col("run") != self.run, maintain_order=True))
        known = self._texts
        if known is not None and known[:3] == (result, self.run, self.prompt_id):
            gens = _with_texts(gens, known[3])
        return gens

    @work(thread=True, exclusive=True, exit_on_error=False, group="prompt-text")
    def read_texts(self, ticket: int, result: LoadResult, gens: pl.DataFrame) -> None:
        """Runs in a thread: reads the generations' text back (a whole document may take a
        while), then posts it. Leaving the screen or the prompt cancels it."""
        source = self.evalapp.text_source()
        cancelled = get_current_worker().cancelled_event
        try:
            filled = source.fill(gens, result.generations, cancelled)
        except TextCancelled:
            return
        except TextUnavailable as exc:
            self.post_message(self.TextsRead(ticket, result, None, str(exc)))
            return
        if not cancelled.is_set():
            self.post_message(self.TextsRead(ticket, result, filled.select("_row", "gen"), None))

    def on_prompt_screen_texts_read(self, message: TextsRead) -> None:
        if message.ticket != self.ticket or message.result is not self.evalapp.result:
            return  # another prompt (or another load's rows) is shown now
        self.text_loading = False
        self.text_error = message.error
        if message.texts is not None:
            self._texts = (message.result, self.run, self.prompt_id, message.texts)
            self.generations = _with_texts(self.generations, message.texts)
        self.show_generation()

    def load_prompt(self) -> None:
        result = self.evalapp.result
        assert result is not None
        self.ticket += 1
        # Each run's own threshold and direction (none for a continuous score without one).
        kinds = run_kinds(result.stats)
        threshold = correct_expr(kinds)
        prompt = self.all_generations()
        self._shown = self.facts(prompt)
        self._shown_texts = prompt["gen"]
        self.text_error = None
        self.text_loading = bool(prompt["gen"].null_count())
        if self.text_loading:  # shown as "loading…" until the worker's answer arrives
            self.read_texts(self.ticket, result, prompt)
        everything = prompt.with_columns(threshold.alias("_correct"))
        # The triage flags of each generation, against its whole run's longest generation.
        everything = generation_flags(
            everything, result.triage, longest_by_run(result.stats, result.triage)
        )
        rescored = "stored_accuracy" in everything.columns
        if rescored:  # both verdicts, stored and new, and whether they differ
            # The stored verdicts by the stored scores' kind: re-scored by `exact`, an `mae`
            # run's stored values are no 0/1 verdicts (none without a threshold).
            mine = result.generations.filter(pl.col("run").is_in(prompt["run"].unique().implode()))
            was = stored_kinds(mine, self.evalapp.options.correct_threshold)
            everything = verdicts(everything, run_kinds(result.stats), was)
        # Each generation's number, distinct in its run, and what tells it apart (an epoch, a
        # file): two epochs of one Inspect sample in two logs of one run both read #0.
        formats = {report.source: report.format for report in result.files}
        names = sample_names(everything, formats)
        sources = distinct_middle([n.source for n in names if n.source is not None], 30)
        everything = everything.with_columns(
            pl.Series("_number", [n.number for n in names], dtype=pl.Int64),
            pl.Series(
                "_told",
                [
                    " · ".join(
                        sources[part] if part == name.source else part for part in name.parts()
                    )
                    for name in names
                ],
                dtype=pl.String,
            ),
        )
        gens = everything
        # Why "only wrong" / "only right" can list nothing whatever the scores: no generation
        # has a verdict (unscored, or a score with no threshold: a bleu, an mae).
        self.unjudged = ""
        if everything.height and everything["_correct"].is_null().all():
            self.unjudged = (
                "its generations are unscored"
                if everything["accuracy"].is_null().all()
                else "its score has no threshold for correct (--correct-threshold X gives one)"
            )
        if self.only == "wrong":
            gens = gens.filter(pl.col("_correct").not_())
        elif self.only == "right":
            gens = gens.filter(pl.col("_correct"))
        elif self.only == "flipped" and rescored:
            gens = gens.filter(pl.col("_flipped"))
        self.generations = gens
        first = everything.row(0, named=True) if everything.height else {}
        runs = [self.run] if self.other_run is None else [self.run, self.other_run]
        position = (
            f"prompt {self.position + 1} of {self.keys.height:,}"
            if self.position is not None
            else ""
        )
        counts = {}
        for run in runs:
            mine = everything.filter(pl.col("run") == run)
            scored = int(mine["accuracy"].is_not_null().sum())
            kind = kinds.get(run)
            if scored and kind is not None and kind.threshold is None:
                # A continuous score without a threshold (bleu, mae): no generation is correct
                # or wrong, and "0/1 correct" said they were all wrong.
                metric = one_line(kind.metric or "score", 20)
                mean = cast("float | None", mine["accuracy"].mean())
                counts[run] = f"mean {metric} {format_score(mean)}"
            elif not scored:
                # No scored generation: "0/0 correct" claimed a count of correct ones.
                counts[run] = f"unscored ({plural(mine.height, 'generation')})"
            else:
                correct = int(mine["_correct"].sum() or 0)
                counts[run] = f"{correct}/{scored} correct"
            if scored and mine.height > scored:
                counts[run] += f" ({mine.height - scored} unscored)"
            if "prompt_score" in mine.columns and mine["prompt_score"].null_count() < mine.height:
                # The prompt's own score (an Inspect epochs reducer, lm-eval's vote over
                # repeats), as the table's "prompt score" column shows it: it was only in the
                # t summary's doc score, no prompt's own.
                own = cast("float", mine["prompt_score"].drop_nulls()[0])
                counts[run] += f", prompt score {fraction(own)}"
        flipped = [flipped_summary(everything)] if rescored else []
        only = [f"only {self.only} ({gens.height})"] if self.only else []
        self._title = (runs, counts, position, flipped, only)
        self.show_title()
        another = self._prompt_key != (self.run, self.prompt_id)
        if another:  # another prompt: from its top (a few-shot chat's: from its question)
            self._prompt_key = (self.run, self.prompt_id)
            self.query_one("#prompt-text-box", VerticalScroll).scroll_home(animate=False)
            self.call_after_refresh(self.show_question)
        if everything.height or another:
            # A prompt gone from the files (rewritten, deleted while followed) keeps its text
            # and reference on screen: they went blank, so what was gone was said of nothing.
            self._prompt_text = first.get("prompt") or ""
            self._reference = first.get("answer")
        # The majority vote of each run's samples (answers are untrusted: one safe line).
        votes = {}
        for run in runs:
            mine = everything.filter(pl.col("run") == run)
            votes[run] = one_line(vote_summary(mine, threshold), 300)
            if mine["accuracy"].is_null().any():
                votes[run] += " (unscored generations do not vote)"
        self._votes = (runs, votes)
        self.show_votes()
        self.show_prompt_text()
        self.call_after_refresh(self.mark_cut_prompt)
        options = self.query_one("#generations", OptionList)
        options.clear_options()
        listed = distinct_middle(runs, 24)
        # The loader extracted final answers while reading (the format's own, else the text's);
        # their column is as wide as the widest shown (30 blank cells pushed the flags onto a
        # second line at 80 columns).
        found = gens["extracted"].to_list() if "extracted" in gens.columns else [None] * gens.height
        answers = [one_line(a, 30) if a else "" for a in found]
        answer_cells = max(map(cell_width, answers), default=0)
        lines = []
        for row, extracted in zip(gens.iter_rows(named=True), answers, strict=True):
            length = "…" if row["gen_length"] is None else f"{row['gen_length']:,}"
            flags = [GENERATION_MARKS[f] for f in GENERATION_MARKS if row[f]]
            marker = f"  ⚠ {', '.join(flags)}" if flags else ""
            run = pad_cells(listed[row["run"]], 25) if self.other_run is not None else ""
            # A score other than 0/1 shown with its verdict (a winrate's 0.002 and 0.269 were
            # both a bare ✗; the table shows only their prompt's mean).
            kind = kinds.get(row["run"])
            shape = None if kind is None else kind.kind
            mark = score_mark(
                row["accuracy"],
                row["_correct"],
                with_score=shape not in (None, "binary"),
                fraction=shape == "fraction",
            )
            if rescored:  # stored → new, the flipped ones said so
                stored = score_mark(row["stored_accuracy"], row["_stored_correct"])
                # a verdict the re-score did not give (unscored, scorer error, timeout) keeps
                # the stored one beside it: a bare – hid whether the grader had passed it
                lost = (row["stored_accuracy"] is None) != (row["accuracy"] is None)
                mark = f"{stored}→{mark}" if row["_flipped"] or lost else f" {mark} "
                if row.get("score_status") not in (None, OK):
                    marker += f"  ⚠ {one_line(str(row['score_status']), 20)}"
                    if row.get("score_message"):
                        marker += f": {one_line(str(row['score_message']), 60)}"
                elif row["_flipped"]:
                    marker += "  ⇄ flipped"
            told = visible(row["_told"])
            lines.append((run, row["_number"], told, mark, length, extracted, marker))
        # A continuous score is shown as itself (0.5, -1, 0.25): the marks right-aligned to the
        # widest, so the lengths after them stay in one column.
        mark_cells = max((cell_width(line[3]) for line in lines), default=1)
        told_cells = max((cell_width(line[2]) for line in lines), default=0)
        for run, number, told, mark, length, extracted, marker in lines:
            # What tells it apart beside its number (epoch 2 · b.eval), in a column of its own.
            apart = f"{pad_cells(told, told_cells)}  " if told_cells else ""
            # One line each (the list's style): cut with a mark when the screen is too narrow.
            label = Text(
                f"{run}#{number:<3} {apart}{' ' * (mark_cells - cell_width(mark))}{mark}  "
                f"{length:>8} tok  {pad_cells(extracted, answer_cells)}{marker}"
            )
            options.add_option(Option(label))
        if gens.height:
            options.highlighted = 0
        else:
            empty = (
                f"No generation of this prompt is right or wrong: {self.unjudged} (w shows "
                "the others)."
                if self.only in ("wrong", "right") and self.unjudged
                else f"No {self.only} generation for this prompt (w shows the others)."
                if self.only
                else "This prompt is no longer in the loaded files (they changed since it was "
                "opened: a file rewritten, cut short or deleted)."
            )
            self.query_one("#generation-text", Static).update(Text(empty))
        if self.focused is not self.query_one("#gen-search", Input):
            # The search being typed keeps the keys: a followed update (data_changed) moved
            # them to the list, where "j" went to the next generation.
            options.focus()

    def show_title(self) -> None:
        """The title, its labels cut to the screen's width as it is now (a resize lays it out
        again: from compare at 100 columns, narrowed to 60, B's count was cut off the line)."""
        if self._title is None:
            return
        runs, counts, position, flipped, only = self._title
        width = self.size.width or self.app.size.width
        # Labels cut to share a line (the title's second one in a compare view), told apart
        # where they differ: two long model names both read 'meta-l…truct'.
        spare = width - 2 - sum(cell_width(f"{c} · ") for c in counts.values())
        # (5 cells at least: at 40 columns more cut B's count off the line)
        names = distinct_middle(runs, max(5, spare // 2 - 1))
        # A name (a task's, a sample's id): its line breaks shown ('toy␊math_gen:0'), not folded;
        # cut in its middle as the tables cut ids: cut at its end, every prompt of a long task
        # read 'id negotiationtom_intention_of_agent_in_th…', the ':<doc>' lost.
        ident = f"id {id_line(self.prompt_id, 40)}"
        title = ""
        if len(runs) == 1:  # one line: the run's label beside the position, its count and the id
            # The label gives way (down to 8 cells) before the line runs off: with a prompt
            # score beside the count, the id was cut at 80 columns and gone at 60 ("… prompt
            # score …", the score itself cut).
            # Cut as the other runs loaded are, told apart from them: 'Qwen__Qwen…-Instruct'
            # was the 14B run and the 32B alike.
            loaded = self.evalapp.main.runs() if self.evalapp.result is not None else []
            for label in range(max(12, width - 60), 7, -1):
                name = (
                    distinct_middle(loaded, label)[self.run]
                    if self.run in loaded
                    else one_line_middle(self.run, label)
                )
                parts = [position, name, counts[self.run], *flipped, ident, *only]
                title = " · ".join(p for p in parts if p)
                if cell_width(title) <= width - 2 or cell_width(self.run) <= label:
                    break
        if len(runs) == 1 and cell_width(title) > width - 2:
            # Two lines, as in compare: the position and the id, then the run and its count.
            title = " · ".join(p for p in [position, ident, *only, *flipped] if p) + "\n"
            label = max(8, width - 3 - cell_width(counts[self.run]))
            loaded = self.evalapp.main.runs() if self.evalapp.result is not None else []
            name = (
                distinct_middle(loaded, label)[self.run]
                if self.run in loaded
                else one_line_middle(self.run, label)
            )
            title += f"{name} {counts[self.run]}"
        elif len(runs) > 1:
            # Two lines: after the counts of two long labels, the id was cut off at 80 columns.
            title = " · ".join(p for p in [position, ident, *only, *flipped] if p) + "\n"
            title += " · ".join(f"{names[run]} {counts[run]}" for run in runs)
        self.query_one("#prompt-title", Static).update(
            Text(title, no_wrap=True, overflow="ellipsis")
        )

    def show_votes(self) -> None:
        """The reference and each run's majority vote, the labels cut to the screen's width as
        it is now (a resize lays them out again: opened at 60 columns and widened to 200, the
        labels stayed cut to 12 cells; narrowed, the votes ran off the line)."""
        if self._votes is None:
            return
        runs, votes = self._votes
        width = self.size.width or self.app.size.width
        answer = self._reference
        # No reference is "–"; an empty one (truthfulqa's blank targets) is said, not a gap. A
        # long one gives way to the first run's vote (a paragraph pushed it off the line; v
        # shows the reference whole).
        reference = (
            "–"
            if answer is None
            else one_line(answer, self.reference_room(width))
            if answer.strip()
            else "(empty)"
        )
        lead = f"reference: {reference} · "
        # Each run's vote on a line of its own (under A's when the reference is short): after
        # A's, B's was cut off at 80 columns. The labels give way to the votes.
        indent = " " * min(cell_width(lead), 30)
        spare = (
            width - 2 - max(cell_width(lead), len(indent)) - max(map(cell_width, votes.values()))
        )
        voters = distinct_middle(runs, max(12, spare - 1))
        lines = [votes[run] if len(runs) == 1 else f"{voters[run]} {votes[run]}" for run in runs]
        self.query_one("#prompt-answer", Static).update(
            Text(
                lead + lines[0] + "".join(f"\n{indent}{line}" for line in lines[1:]),
                no_wrap=True,
                overflow="ellipsis",
            )
        )

    def on_resize(self) -> None:
        self.show_title()
        self.show_votes()
        if self.whole_prompt:  # the reference shown whole when its line cuts it at this width
            self.show_prompt_text()
        # The prompt wraps again at the new width: its hidden lines are counted again once laid
        # out (opened at 120 columns and narrowed to 60, it was cut with no marker).
        self.call_after_refresh(self.mark_cut_prompt)

    def data_changed(self) -> None:
        """New scores or rows under the screen (a re-score, followed lines): the prompt shown
        again with them, on the generation the user was reading."""
        if self.evalapp.result is None:
            return
        listed = (self.keys.height, self.position)
        if self.keys_of is not None:  # the list walked by `.`/`,` is the table's rows now
            self.keys = self.keys_of().select("run", "prompt_id")
            self.position = _position(self.keys, (self.run, self.prompt_id))
        now = self.all_generations()
        if (
            self._shown is not None
            and self._shown.equals(self.facts(now))
            and listed == (self.keys.height, self.position)
            and self._same_texts(now)
        ):
            return  # nothing of this prompt changed: the reader's place stays as it is
        # Of two runs (opened from compare), the first run's new generations come before the
        # second's: the place stayed, the generation under it was another. Gone, the place.
        self._load_keeping_reading(keep_place=True)

    def _load_keeping_reading(self, keep_place: bool) -> None:
        """:meth:`load_prompt`, the generation read (its run, file, line and sample)
        highlighted again where it is still listed; else its place (``keep_place``) or the
        list's first. (Its run and sample alone are two generations' in files of one run
        numbered alike.)"""
        options = self.query_one("#generations", OptionList)
        highlighted = options.highlighted
        reading = None
        if highlighted is not None and highlighted < self.generations.height:
            reading = self.generations.select("run", "source", "line", "sample").row(highlighted)
        self.load_prompt()
        if highlighted is None or not self.generations.height:
            return
        place = min(highlighted, self.generations.height - 1) if keep_place else 0
        if reading is not None:
            same = self.generations.with_row_index("_at").filter(
                (pl.col("run") == reading[0])
                & (pl.col("source") == reading[1])
                & (pl.col("line") == reading[2])
                & (pl.col("sample") == reading[3])
            )
            if same.height:
                place = int(same["_at"][0])
        options.highlighted = place

    def _same_texts(self, gens: pl.DataFrame) -> bool:
        """Whether the texts ``gens`` hold (those read with the rows: a warm load's are read
        back later) are the ones shown. A file rewritten with its scores, lengths and answers
        as they were and other words (same place, same size) changed none of the facts, and
        the screen went on showing the old text of every generation (seen in tmux)."""
        shown = self._shown_texts
        if shown is None or shown.len() != gens.height:
            return False
        new = gens["gen"]
        return not (new.is_not_null() & (new != shown).fill_null(True)).any()

    @staticmethod
    def facts(gens: pl.DataFrame) -> pl.DataFrame:
        """What the screen shows of a prompt's generations, but their text (read back later)."""
        return gens.drop("gen", "_row", strict=False)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if 0 <= event.option_index < self.generations.height:
            self.show_generation()
            self.query_one("#generation-box", VerticalScroll).scroll_home(animate=False)

    def show_generation(self) -> Text | None:
        """Show the highlighted generation, search matches marked; returns what is shown."""
        index = self.query_one("#generations", OptionList).highlighted
        if index is None or not 0 <= index < self.generations.height:
            return None
        value = self.generations["gen"][index]
        if value is None and self.text_error is not None:
            text = Text(visible(self.text_error), style="italic")
        elif value is None and self.text_loading:
            text = Text(TEXT_LOADING, style="italic")
        else:
            text = generation_text(value)
        if self.search:
            text.highlight_words([self.search], "black on yellow", case_sensitive=False)
        reason = (
            self.generations["answer_unknown"][index]
            if "answer_unknown" in self.generations.columns
            else None
        )
        self._note_length = 0
        if reason is not None:
            # Said above the text: asdiv doc 30's '13' (the target) read as the model's reply,
            # the reason only in the load's notes (b). Not searched (next_match skips it).
            note = f"not the model's answer: {visible(reason)}"
            self._note_length = len(note)
            text = Text.assemble((note, "italic"), "\n\n", text)
        self.query_one("#generation-text", Static).update(text)
        box = self.query_one("#generation-box", GenerationBox)
        told = self.generations["_told"][index] if "_told" in self.generations.columns else ""
        box.shown = f"#{self.generations['_number'][index]} · {visible(told)}" if told else ""
        box.mark()
        return text

    def action_scroll_generation(self, pages: int) -> None:
        """``space``/``b``: the generation a page down/up (less one line, kept for context)."""
        box = self.query_one("#generation-box", VerticalScroll)
        step = max(1, box.scrollable_content_region.height - 1)
        box.scroll_relative(y=pages * step, animate=False)

    def show_prompt_text(self) -> None:
        """The prompt; with ``v`` (whole), the whole reference under it when its line cuts it
        (a long reference, the subversion-strategy logs' paragraphs, was readable nowhere)."""
        text = visible(self._prompt_text)
        if self.whole_prompt and self.reference_cut():
            text += "\n\nreference (whole):\n" + visible(self._reference or "")
        self.query_one("#prompt-text", Static).update(Text(text))

    def reference_room(self, width: int) -> int:
        """The cells the reference gets on its line at ``width``: what is left after
        "reference: ", " · " and the start of the first run's vote (up to 40 cells of it, its
        label's included), never fewer than 12 nor more than 200; a reference on one line that
        fits in half the line gets its whole width, the vote cut instead (at 60 columns
        '8n^2 + 4n + 1' read '8n^2 + 4n +…' beside 30 cells of the vote)."""
        vote = 0
        if self._votes is not None:
            runs, votes = self._votes
            vote = min(40, cell_width(votes[runs[0]]) + (13 if len(runs) > 1 else 0))
        # (the line's padding takes a cell each side)
        line = width - 2 - len("reference: ") - len(" · ")
        room = max(12, min(200, line - vote))
        answer = self._reference
        if answer is not None and len(answer.strip().splitlines()) == 1:
            whole = cell_width(one_line(answer, max(len(answer), 1) * 2))
            if whole <= line // 2:
                room = max(room, whole)
        return room

    def reference_cut(self) -> bool:
        """True when the reference's line does not show all of it at the screen's width now:
        longer than the room the line gives it, or on several lines."""
        answer = self._reference
        if answer is None or not answer.strip():
            return False
        if len(answer.strip().splitlines()) > 1:
            return True
        width = self.size.width or self.app.size.width
        # Compared with the line the reference makes uncut: the line shows a control character
        # as its symbol and folds spaces, and a '0\x1b[5m' or 'a  b' that fitted was said cut.
        whole = one_line(answer, max(len(answer), 1) * 2)
        return one_line(answer, self.reference_room(width)) != whole

    def show_question(self, tries: int = 0) -> None:
        """A few-shot chat prompt (:func:`question_start`) in its capped box from its question:
        lm-eval's chat-templated asdiv showed its first example ('Jack's booklets: 9 pages,
        49 booklets'), the question (the apples) 45 lines below, the reference 9 read as
        wrong. The examples are above (K scrolls up, v shows the whole prompt)."""
        if screen_gone(self):
            return
        text = visible(self._prompt_text)
        start = question_start(text)
        box = self.query_one("#prompt-text-box", VerticalScroll)
        width = box.scrollable_content_region.width
        if start is None or width <= 0:
            return
        if box.virtual_size.height < len(Text(text).wrap(self.app.console, width)) and tries < 5:
            # Not laid out yet (the last prompt's height): a scroll would stop at its end.
            self.call_after_refresh(self.show_question, tries + 1)
            return
        if not self.prompt_cut():
            return
        before = Text(text[:start].rstrip("\n"))
        row = len(before.wrap(self.app.console, width)) + 1
        box.scroll_to(y=row, animate=False, immediate=True)
        self.call_after_refresh(self.mark_cut_prompt)

    def prompt_cut(self) -> bool:
        """True when the prompt box, as laid out now, does not show all of the prompt."""
        box = self.query_one("#prompt-text-box", VerticalScroll)
        return box.virtual_size.height > box.scrollable_content_region.height

    def mark_cut_prompt(self) -> None:
        """Say when the prompt box does not show the whole prompt, or the reference's line the
        whole reference (never cut silently)."""
        if screen_gone(self):  # left (esc) before this ran after the refresh: widgets gone
            return
        box = self.query_one("#prompt-text-box", VerticalScroll)
        hidden = max(0, box.virtual_size.height - box.scrollable_content_region.height)
        above = min(hidden, max(0, round(box.scroll_y)))
        more = self.query_one("#prompt-more", Static)
        reference = not self.whole_prompt and self.reference_cut()
        # Whole, a prompt longer than its box (70% of the screen) was still cut, the rest
        # reachable by no key (a 35-line lm-eval prompt at 80x24 lost its questions and
        # choices): J/K scroll it, and the marker says what is out of sight.
        more.display = hidden > 0 or reference
        if not more.display:
            return
        # What is out of sight, above the box's top (J scrolled) and below its bottom.
        below = hidden - above
        lines = plural(below, "more prompt line")
        sight = (
            f"▼ {lines}, {above} above"
            if below and above
            else f"▼ {lines}"
            if below
            else f"▲ {plural(above, 'prompt line')} above"
            if above
            else ""
        )
        if self.whole_prompt:
            said = f"{sight} (J/K scroll)" if below else f"{sight} (K scrolls up)"
        elif sight and reference:
            said = f"{sight}, reference cut (v shows both whole)"
        elif sight:
            said = f"{sight} (v shows the whole prompt)"
        else:
            said = "▼ the reference is cut (v shows it whole)"
        # One line: cut with a mark where even this is too wide (at 60 columns a longer one
        # lost its end silently).
        more.update(Text(said, no_wrap=True, overflow="ellipsis"))

    def action_scroll_prompt(self, pages: int) -> None:
        """``J``/``K``: the prompt box a page down/up (less one line, kept for context)."""
        box = self.query_one("#prompt-text-box", VerticalScroll)
        step = max(1, box.scrollable_content_region.height - 1)
        box.scroll_relative(y=pages * step, animate=False)
        self.call_after_refresh(self.mark_cut_prompt)

    def action_toggle_prompt(self) -> None:
        if not self.whole_prompt and not self.prompt_cut() and not self.reference_cut():
            # A short prompt and reference: v changed nothing and said nothing.
            self.app.notify(
                "the whole prompt and reference are shown already (v shows a long one whole)",
                markup=False,
            )
            return
        self.whole_prompt = not self.whole_prompt
        self.query_one("#prompt-text-box").set_class(self.whole_prompt, "whole")
        self.show_prompt_text()
        self.call_after_refresh(self.mark_cut_prompt)

    # --- search inside the generation ------------------------------------------------------

    def action_search(self) -> None:
        box = self.query_one("#gen-search", Input)
        box.display = True
        self.set_focus(box)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.search = event.value
        self._match = -1
        self.show_generation()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.search = event.value
        self.next_match()

    def next_match(self) -> None:
        """Scroll to the next match of the search in the shown generation (wrapping around)."""
        text = self.show_generation()
        if not self.search:
            return
        if text is None:
            # Enter said nothing with no generation shown (w: only wrong, none wrong).
            said = f"“{one_line(self.search, 40)}”: no generation is shown to search"
            self.app.notify(said + (" (w shows the others)" if self.only else ""), markup=False)
            return
        raw = self.selected_text() or ""
        plain = text.plain.lower()
        # The note above a text that is not the model's answer is not part of it: never a match
        # (blanked, its length kept for the line a match is on).
        plain = "\0" * self._note_length + plain[self._note_length :]
        if len(raw) > MAX_SHOWN_CHARS:  # (not the note that ends the part shown)
            plain = plain[: plain.rfind("\n… ")]
        needle = self.search.lower()
        start = plain.find(needle, self._match + 1)
        if start < 0:
            start = plain.find(needle)
        count = plain.count(needle)
        # Matches in the part not shown of a long generation: told, not denied (a long trace's
        # final answer, searched for, was "not in this generation").
        later = raw.lower().count(needle) - raw[:MAX_SHOWN_CHARS].lower().count(needle)
        beyond = (
            f"{plural(later, 'match', 'matches')} after the first {MAX_SHOWN_CHARS:,} "
            "characters, not shown (y copies the whole text)"
        )
        if start < 0:
            said = f"“{one_line(self.search, 40)}” is not in this generation"
            if later:
                said = f"“{one_line(self.search, 40)}” is not in the part shown: {beyond}"
            self.app.notify(said, markup=False)
            return
        self._match = start
        box = self.query_one("#generation-box", VerticalScroll)
        width = max(1, box.scrollable_content_region.width)
        # The line the match is on, counting wrapped lines of the text above it.
        lines = plain[:start].split("\n")
        row = sum(max(1, -(-len(line) // width)) for line in lines[:-1]) + len(lines[-1]) // width
        box.scroll_to(y=max(0, row - 2), animate=False)
        index = plain.count(needle, 0, start) + 1
        said = f"match {index} of {count}" + (f" · {beyond}" if later else "")
        self.app.notify(said, markup=False)

    def selected_text(self) -> str | None:
        index = self.query_one("#generations", OptionList).highlighted
        if index is None or not 0 <= index < self.generations.height:
            return None
        value = self.generations["gen"][index]
        return None if value is None else str(value)

    def action_back(self) -> None:
        box = self.query_one("#gen-search", Input)
        if box.display:  # esc first closes the search, then leaves the prompt
            box.display = False
            self.set_focus(self.query_one("#generations", OptionList))
            return
        self.app.pop_screen()

    def action_generation(self, step: int) -> None:
        options = self.query_one("#generations", OptionList)
        if self.generations.height:
            current = options.highlighted or 0
            options.highlighted = max(0, min(self.generations.height - 1, current + step))

    def action_prompt(self, step: int) -> None:
        target = (-1 if self.position is None else self.position) + step
        if not 0 <= target < self.keys.height:
            self.app.notify(
                "last prompt of the list" if step > 0 else "first prompt of the list", markup=False
            )
            return
        key = _key_at(self.keys, target)
        assert key is not None
        self.run, self.prompt_id = key
        self.position = target
        self.load_prompt()

    def action_cycle_filter(self) -> None:
        result = self.evalapp.result
        rescored = result is not None and "stored_accuracy" in result.generations.columns
        cycle = RESCORED_FILTERS if rescored else FILTERS
        index = cycle.index(self.only) if self.only in cycle else 0
        self.only = cycle[(index + 1) % len(cycle)]
        # The generation read stays highlighted where the new list holds it (#3 read under
        # "only right" was #0 under "all"): the list is a filter, not another prompt.
        self._load_keeping_reading(keep_place=False)

    def action_copy(self) -> None:
        text = self.selected_text()
        if text is None:
            if self.text_loading:
                self.notify("the text is still being read from its file", markup=False)
            elif self.generations.height == 0:
                self.notify("no generation to copy", markup=False)
            return
        self.app.copy_to_clipboard(text)
        # "copied 1 characters" for a one-character answer (a choice letter, lm-eval's "9").
        self.notify(f"copied {plural(len(text), 'character')} (OSC 52)", markup=False)

    def action_plot(self) -> None:
        from evaltui.app.screens.plot import PlotScreen

        self.app.push_screen(
            PlotScreen(prompt=(self.run, self.prompt_id), other_run=self.other_run)
        )


def _with_texts(gens: pl.DataFrame, texts: pl.DataFrame) -> pl.DataFrame:
    """``gens`` with the ``gen`` of each ``_row`` in ``texts`` (the others as they are)."""
    found = gens.select("_row").join(texts, on="_row", how="left", maintain_order="left")
    return gens.with_columns(pl.coalesce(gens["gen"], found["gen"]).alias("gen"))


def _key_at(keys: pl.DataFrame, index: int) -> tuple[str, str] | None:
    """The (run, prompt_id) at ``index`` of ``keys`` (None when out of range)."""
    if not 0 <= index < keys.height:
        return None
    run, prompt_id = keys.row(index)
    return str(run), str(prompt_id)


def _position(keys: pl.DataFrame, key: tuple[str, str]) -> int | None:
    """Where ``key`` first is in ``keys`` (None: not there)."""
    run, prompt_id = key
    hits = keys.with_row_index("_at").filter(
        (pl.col("run") == run) & (pl.col("prompt_id") == prompt_id)
    )
    return int(hits["_at"][0]) if hits.height else None


#: The turns of a chat prompt as shown (``role: text``, a blank line between:
#: :func:`~evaltui.data.formats.base.turns_text`) that are a user's.
USER_TURN = re.compile(r"\n\n(?:user|human|HUMAN): ")


def question_start(text: str) -> int | None:
    """Where a few-shot chat prompt's question starts in ``text`` (as shown): its last user
    turn, when the turns before it hold an assistant's answer (the examples); None for any
    other prompt (one turn, a system prompt and one question, no turns)."""
    if not text.startswith(("user: ", "system: ", "human: ", "HUMAN: ")):
        return None
    turns = list(USER_TURN.finditer(text))
    if not turns:
        return None
    last = turns[-1]
    if not re.search(r"\n\n(?:assistant|gpt|BOT): ", text[: last.start() + 1]):
        return None
    if re.search(r"\n\n(?:assistant|gpt|BOT): ", text[last.end() :]):
        return None  # the prompt ends with an answer: no question last
    return last.start() + 2

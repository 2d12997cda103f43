"""One prompt: its text, reference answer, every generation, and the selected one in full."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from evaltui.app.display import generation_text, has_final_answer, score_mark
from evaltui.data.metrics import correct_expr, run_kinds
from evaltui.data.sampling import vote_summary
from evaltui.data.sanitize import one_line, visible

if TYPE_CHECKING:
    from evaltui.app.app import EvalApp

FILTERS = (None, "wrong", "right")


class PromptScreen(Screen[None]):
    """Inspect every generation of one prompt (of one run)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="prompt_back"),
        Binding("q", "back", "Back", id="prompt_back_q"),
        Binding("j", "generation(1)", "Next gen", id="gen_next"),
        Binding("k", "generation(-1)", "Prev gen", id="gen_prev"),
        Binding("full_stop", "prompt(1)", "Next prompt", id="prompt_next"),
        Binding("comma", "prompt(-1)", "Prev prompt", id="prompt_prev"),
        Binding("w", "cycle_filter", "Wrong/right", id="gen_filter"),
        Binding("y", "copy", "Copy", id="copy"),
        Binding("p", "plot", "Plot", id="prompt_plot"),
    ]

    def __init__(self, run: str, prompt_id: str, other_run: str | None = None) -> None:
        super().__init__()
        self.run = run
        self.prompt_id = prompt_id
        self.other_run = other_run
        """A second run whose generations of the same prompt are listed too (compare view)."""
        self.only: str | None = None
        """None = all generations, "wrong" or "right"."""
        self.generations = pl.DataFrame()
        """This prompt's generations shown in the list, in sample order."""

    @property
    def evalapp(self) -> EvalApp:
        return cast("EvalApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="prompt-title")
        with VerticalScroll(id="prompt-text-box"):
            yield Static("", id="prompt-text")
        yield Static("", id="prompt-answer")
        yield OptionList(id="generations")
        with VerticalScroll(id="generation-box"):
            yield Static("", id="generation-text")
        yield Footer()

    def on_mount(self) -> None:
        self.load_prompt()

    def all_generations(self) -> pl.DataFrame:
        result = self.evalapp.result
        assert result is not None
        runs = [self.run] if self.other_run is None else [self.run, self.other_run]
        gens = result.generations.filter(
            pl.col("run").is_in(runs) & (pl.col("prompt_id") == self.prompt_id)
        )
        # The first run's generations first, then the other run's, each in sample order.
        return gens.sort(pl.col("run") != self.run, "sample", maintain_order=True)

    def load_prompt(self) -> None:
        result = self.evalapp.result
        assert result is not None
        # Each run's own threshold and direction (none for a continuous score without one).
        threshold = correct_expr(run_kinds(result.stats))
        everything = self.all_generations().with_columns(threshold.alias("_correct"))
        gens = everything
        if self.only == "wrong":
            gens = gens.filter(pl.col("_correct").not_())
        elif self.only == "right":
            gens = gens.filter(pl.col("_correct"))
        self.generations = gens
        first = everything.row(0, named=True) if everything.height else {}
        total = everything.height
        correct = int(everything["_correct"].sum() or 0) if total else 0
        runs = self.run if self.other_run is None else f"{self.run} + {self.other_run}"
        title = f"run {one_line(runs, 60)} · prompt {one_line(self.prompt_id, 30)} · {correct}/{total} correct"
        if self.only:
            title += f" · showing only {self.only} ({gens.height})"
        self.query_one("#prompt-title", Static).update(Text(title))
        self.query_one("#prompt-text", Static).update(Text(visible(first.get("prompt") or "")))
        answer = first.get("answer")
        # The majority vote of this run's samples (answers are untrusted: one safe line).
        votes = vote_summary(everything.filter(pl.col("run") == self.run), threshold)
        reference = "–" if answer is None else one_line(answer, 200)
        self.query_one("#prompt-answer", Static).update(
            Text(f"reference: {reference} · {one_line(votes, 300)}")
        )
        options = self.query_one("#generations", OptionList)
        options.clear_options()
        for row in gens.iter_rows(named=True):
            length = "…" if row["gen_length"] is None else f"{row['gen_length']:,}"
            # The loader extracted final answers while reading (the format's own, else the text's).
            answer = row.get("extracted")
            extracted = one_line(answer, 30) if answer else ""
            marker = "" if has_final_answer(row["gen"]) else "  ⚠ no final answer"
            if row.get("truncated"):
                marker += "  ⚠ hit length cap"
            run = f"{one_line(row['run'], 24):<25}" if self.other_run is not None else ""
            label = Text(
                f"{run}#{row['sample']:<3} {score_mark(row['accuracy'], row['_correct'])}  {length:>8} tok  "
                f"{extracted:<30}{marker}"
            )
            options.add_option(Option(label))
        if gens.height:
            options.highlighted = 0
        else:
            self.query_one("#generation-text", Static).update(Text("(no generation matches)"))
        options.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        if 0 <= index < self.generations.height:
            text = self.generations["gen"][index]
            self.query_one("#generation-text", Static).update(generation_text(text))
            self.query_one("#generation-box", VerticalScroll).scroll_home(animate=False)

    def selected_text(self) -> str | None:
        index = self.query_one("#generations", OptionList).highlighted
        if index is None or not 0 <= index < self.generations.height:
            return None
        value = self.generations["gen"][index]
        return None if value is None else str(value)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_generation(self, step: int) -> None:
        options = self.query_one("#generations", OptionList)
        if self.generations.height:
            current = options.highlighted or 0
            options.highlighted = max(0, min(self.generations.height - 1, current + step))

    def action_prompt(self, step: int) -> None:
        rows = self.evalapp.rows
        if rows is None or not rows.height:
            return
        keys = list(zip(rows["run"].to_list(), rows["prompt_id"].to_list(), strict=True))
        here = (self.run, self.prompt_id)
        index = keys.index(here) if here in keys else -1
        target = index + step
        if not 0 <= target < len(keys):
            self.notify("no more prompts in this view", markup=False)
            return
        self.run, self.prompt_id = keys[target]
        self.load_prompt()

    def action_cycle_filter(self) -> None:
        self.only = FILTERS[(FILTERS.index(self.only) + 1) % len(FILTERS)]
        self.load_prompt()

    def action_copy(self) -> None:
        text = self.selected_text()
        if text is None:
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"copied {len(text):,} characters (OSC 52)", markup=False)

    def action_plot(self) -> None:
        from evaltui.app.screens.plot import PlotScreen

        self.app.push_screen(PlotScreen(prompt=(self.run, self.prompt_id)))

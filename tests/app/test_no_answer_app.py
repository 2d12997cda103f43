"""Rows whose text is not the model's answer (their reader's ``answer_unknown``): the prompt screen
says why above the text (Pilot, 80x24)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.formats.inspect_ai import SUMMARY_ONLY
from evaltui.data.formats.lm_eval import NOT_GREEDY
from tests.app.conftest import settle
from tests.app.test_wide_text_cells import screen_lines
from tests.data.test_formats_inspect_summaries import LOG, NAME, header, summary, write
from tests.data.test_rescore_lm_eval import ASDIV


def generation_pane(app: Any) -> str:
    """The screen's lines under the generation box's top rule, joined into one text (the rule
    may name the generation shown: '─ #0 · epoch 1 ───')."""
    lines = screen_lines(app)
    below = next(i for i, line in enumerate(lines) if line.startswith("─"))
    return " ".join(" ".join(lines[below + 1 : -1]).split())


async def test_a_loglikelihood_doc_says_its_text_is_the_target(
    tmp_path: Path, make_app: Any
) -> None:
    """asdiv doc 30 (a loglikelihood request greedy decoding does not give): the generation pane
    showed '13', the target, as the model's reply, the reason only in the load's notes (b)."""
    shutil.copytree(ASDIV, tmp_path / "asdiv")
    app = make_app(tmp_path / "asdiv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.rows is not None
        position = app.rows["prompt_id"].to_list().index("asdiv:30")
        app.main.query_one("DataTable").move_cursor(row=position)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen) and app.screen.prompt_id == "asdiv:30"
        text = generation_pane(app)
        assert text.startswith(f"not the model's answer: {NOT_GREEDY}"), text
        assert text.endswith("13"), text
        # The note is not searched as the text: "target" is not in the generation, "13" once.
        for word, said in (
            ("target", "“target” is not in this generation"),
            ("13", "match 1 of 1"),
        ):
            await pilot.press("slash", *word, "enter")
            await settle(pilot)
            assert [n.message for n in app._notifications][-1] == said
            await pilot.press("escape")
            await settle(pilot)
        # A doc whose text is the model's answer (greedy) says nothing of the kind.
        await pilot.press("comma")
        await settle(pilot)
        assert "not the model's answer" not in generation_pane(app)


async def test_an_inspect_sample_read_from_its_summary_says_its_output_is_missing(
    tmp_path: Path, make_app: Any
) -> None:
    """A --no-log-samples log: each row's text is empty (the summary holds no output), and the
    pane showed nothing at all, as if the model had said nothing."""
    logs = tmp_path / "logs"
    write(
        logs / NAME,
        {"header.json": header(), "summaries.json": [summary(s) for s in LOG["samples"]]},
    )
    app = make_app(logs)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert generation_pane(app) == f"not the model's answer: {SUMMARY_ONLY}"

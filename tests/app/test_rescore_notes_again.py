"""A re-score asked for again (``R``, another scorer) tells its notes and doubts again (Pilot).

The notes were said once per app: a followed update's re-score must not repeat them with grown
counts, but the set of notes said was never emptied, so after a re-score by ``exact`` one by
``math-verify`` of the same Inspect summaries said nothing of the answers it scored from the
format's scorer, and going back to ``exact`` on negotiationtom said nothing of its doubt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle
from tests.data.test_formats_inspect_runs import LOG
from tests.data.test_formats_inspect_summaries import NAME, header, summary, write
from tests.data.test_real_world import NEGOTIATIONTOM


def told(app: EvalApp, title: str) -> list[str]:
    return [n.message for n in app._notifications if n.title == title]


async def rescore_with(pilot: Any, app: EvalApp, scorer: str) -> None:
    app.rescore_from_dialog(scorer, None)
    await settle(pilot)
    assert app.rescored is not None and app.rescored.scorer.startswith(scorer)


async def test_the_answers_note_is_told_for_each_scorer_asked_for(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("math_verify")
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "logs" / NAME,
        {"header.json": header(), "summaries.json": [summary(s) for s in LOG["samples"]]},
    )
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    app = EvalApp([str(tmp_path / "logs")], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await rescore_with(pilot, app, "exact")
        assert len(told(app, "re-scored answers")) == 1
        app.clear_notifications()
        await rescore_with(pilot, app, "math-verify")
        (note,) = told(app, "re-scored answers")
        assert note.startswith("5 generations scored from the answer"), note
        await pilot.press("ctrl+q")


async def test_a_doubt_is_told_again_when_its_scorer_is_asked_for_again(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    app = EvalApp([str(NEGOTIATIONTOM)], options)
    title = "new verdicts may not be the task's"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await rescore_with(pilot, app, "exact")
        assert len(told(app, title)) == 1
        app.clear_notifications()
        await rescore_with(pilot, app, "tests.data.rescore_scorers:contains_reference")
        app.clear_notifications()
        await rescore_with(pilot, app, "exact")
        (doubt,) = told(app, title)
        assert "exact calls wrong 4 of the 4 generations stored correct" in doubt, doubt
        # The same re-score's followed updates still say it once (tell_doubts again: nothing).
        assert app.rescored is not None and app.loaded is not None
        app.tell_doubts(app.rescored, app.loaded)
        assert len(told(app, title)) == 1
        await pilot.press("ctrl+q")

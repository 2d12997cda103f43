"""The app says, once, which files' new verdicts may not be their task's (Pilot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from evaltui.data.rescore import RescoreOptions
from tests.app.conftest import settle
from tests.data.test_real_world import NEGOTIATIONTOM

TITLE = "new verdicts may not be the task's"


async def test_a_rescore_by_exact_warns_of_the_task_with_its_own_scorer(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # negotiationtom_intention maps the letter 'A' to a label in its own process_results:
    # exact called its 4 correct docs wrong with nothing said but the flipped counts.
    monkeypatch.chdir(tmp_path)
    cache = tmp_path / "cache"
    options = LoadOptions(model=str(word_tokenizer), cache_dir=cache)
    app = EvalApp([str(NEGOTIATIONTOM)], options, rescore=RescoreOptions("exact", cache_dir=cache))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.rescored is not None and len(app.rescored.doubts) == 2
        told = [n for n in app._notifications if n.title == TITLE]
        assert len(told) == 1  # the two runs' files: one kind
        assert told[0].severity == "warning"
        message = told[0].message
        assert message.startswith(
            "samples_negotiatio…4-34.219874.jsonl and 1 more: exact calls wrong 4 of the 4 "
            "generations stored correct"
        )
        assert "lm-eval:negotiationtom_intention" in message
        # t's summary says it too, whole, after the toast is gone.
        await pilot.press("t")
        await settle(pilot)
        from evaltui.app.screens.summary import rescore_lines

        lines = rescore_lines(app.rows, app)  # type: ignore[arg-type]
        (doubt,) = [line for line in lines if line.startswith("  doubt: ")]
        assert doubt.startswith("  doubt: 2 files: exact calls wrong 4 of the 4")
        assert "samples_negotiationtom_intention_2026-07-08T18-15-33.115417.jsonl" in doubt
        # Re-scoring again says nothing new.
        app.tell_doubts(app.rescored, app.loaded)  # type: ignore[arg-type]
        assert len([n for n in app._notifications if n.title == TITLE]) == 1

"""A followed file re-scored: its doubt is said once, its counts kept current (Pilot)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.app import Notify
from textual.notifications import Notification

from evaltui.app.app import EvalApp, told_key
from evaltui.data.loader import LoadOptions
from evaltui.data.rescore import RescoreOptions
from tests.app.test_follow_app import wait_until

TITLE = "new verdicts may not be the task's"


def lines(a: int, b: int) -> str:
    """Every generation stored correct; exact calls two of three wrong."""
    return "".join(
        json.dumps(
            {
                "prompt": f"Problem {i % 6}",
                "gen": f"so \\boxed{{{f'ans{i % 6}' if i % 3 == 0 else 'zzz'}}}",
                "answer": f"ans{i % 6}",
                "accuracy": 1,
            }
        )
        + "\n"
        for i in range(a, b)
    )


async def test_a_followed_files_doubt_is_said_once(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each followed update's re-score warned again (20 s each), its counts grown: 'exact
    calls wrong 8 of the 12 generations stored correct', then '12 of the 18', stacked over the
    table at 80x24 while a writer wrote. Said once now; t's summary has the newest counts."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "data" / "m" / "out.jsonl"
    out.parent.mkdir(parents=True)
    out.write_text(lines(0, 12), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp(
        [str(out)], options, follow=True, rescore=RescoreOptions("exact", use_cache=False)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.rescored is not None and not app.rescoring)
        await pilot.pause(0.2)
        assert app.rescored is not None
        assert "calls wrong 8 of the 12 generations" in app.rescored.doubts[0]
        for a, b in ((12, 18), (18, 24)):
            with out.open("a", encoding="utf-8") as handle:
                handle.write(lines(a, b))
            await wait_until(
                pilot,
                lambda b=b: (  # type: ignore[misc]
                    app.result is not None
                    and app.result.generations.height == b
                    and app.rescored is not None
                    and not app.rescoring
                    and "n_flipped" in app.result.stats.columns
                ),
            )
            await pilot.pause(0.2)
        assert "calls wrong 16 of the 24 generations" in app.rescored.doubts[0]
        told = [n for n in app._notifications if n.title == TITLE]
        assert len(told) == 1, [n.message for n in told]
        assert "8 of the 12" in told[0].message
        await pilot.press("ctrl+q")


def test_told_key_leaves_counts_out() -> None:
    a = "out.jsonl: exact calls wrong 8 of the 12 generations stored correct"
    b = "out.jsonl: exact calls wrong 1,204 of the 2,000 generations stored correct"
    assert told_key(a) == told_key(b)
    assert told_key(a) != told_key(a.replace("out.jsonl", "other.jsonl"))


def sampled(a: int, b: int) -> str:
    """Lines of two samples each and one score for both: the prompt's own score (prompt_score),
    which a re-score by exact cannot work out again (its note)."""
    return "".join(
        json.dumps(
            {
                "prompt": f"P{i}",
                "responses": [f"so \\boxed{{{i}}}", "so \\boxed{9}"],
                "answer": str(i),
                "accuracy": 0.5,
            }
        )
        + "\n"
        for i in range(a, b)
    )


async def test_a_followed_files_rescore_notes_are_said_once(
    tmp_path: Path,
    word_tokenizer: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A followed file's re-score notes (here: its prompt scores left out; the files lm-eval's
    scorer does not score go the same way) were told again at every update, counts grown ('4
    prompts', then '6 prompts', seen in tmux at 80x24); said once now, as the doubts are."""
    title, said = "prompt scores", "prompt_score (the file's own score of each prompt, 4 prompts)"
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "data" / "m" / "out.jsonl"
    out.parent.mkdir(parents=True)
    out.write_text(sampled(0, 4), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp(
        [str(out)], options, follow=True, rescore=RescoreOptions("exact", use_cache=False)
    )
    # Every toast said, kept: a plain one is taken down by the next message, and each times
    # out (read from the shown ones once the updates were in, a loaded machine found none).
    said_all: list[Notification] = []
    on_notify = EvalApp._on_notify

    def recorded(self: EvalApp, event: Notify) -> None:
        said_all.append(event.notification)
        on_notify(self, event)

    monkeypatch.setattr(EvalApp, "_on_notify", recorded)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.rescored is not None and not app.rescoring)
        await pilot.pause(0.2)
        for b in (6, 8):
            with out.open("a", encoding="utf-8") as handle:
                handle.write(sampled(b - 2, b))
            await wait_until(
                pilot,
                lambda b=b: (  # type: ignore[misc]
                    app.result is not None
                    and app.result.stats.height == b
                    and app.rescored is not None
                    and not app.rescoring
                    and "n_flipped" in app.result.stats.columns
                ),
            )
            await pilot.pause(0.2)
        told = [n for n in said_all if n.title == title]
        assert len(told) == 1, [n.message for n in told]
        assert said in told[0].message
        # t has it with the newest count (it had no re-score note at all).
        await pilot.press("t")
        await pilot.pause(0.2)
        from tests.app.test_scores_app import summary_text

        text = " ".join(summary_text(app.screen).split())  # type: ignore[arg-type]
        assert "prompt scores: out.jsonl: prompt_score (the file's own score of each prompt, 8" in (
            text
        ), text
        await pilot.press("ctrl+q")

"""Re-scoring from the app (``R``): the dialog, the current view or all, stop, twice, errors."""

from __future__ import annotations

import dataclasses
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from evaltui.app.app import EvalApp
from evaltui.app.screens.prompt import PromptScreen
from evaltui.app.screens.rescore import RescoreScreen
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle
from tests.app.test_follow_app import wait_until
from tests.app.test_rescore_app import write_graded

SIZES = [(80, 24), (120, 35)]


@pytest.fixture
def graded(tmp_path: Path) -> Path:
    return write_graded(tmp_path / "evals")


@pytest.fixture
def plain_app(tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The app opened without --rescore (the re-score is asked for in the app)."""
    monkeypatch.chdir(tmp_path)

    def factory(path: Path) -> EvalApp:
        options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
        return EvalApp([str(path)], options)

    return factory


@pytest.fixture
def slow_scorer(graded: Path) -> str:
    """A user scorer slow enough that the test acts while it runs."""
    scorer = graded / "slow.py"
    scorer.write_text(
        "import time\ndef score(g, r, rec):\n    time.sleep(30)\n    return True\n",
        encoding="utf-8",
    )
    return f"{scorer}:score"


def header(app: EvalApp) -> str:
    return str(app.main.query_one("#summary", Static).render())


def messages(app: EvalApp) -> list[str]:
    return [n.message for n in app._notifications]


def by_prompt(app: EvalApp) -> dict[str, dict[str, Any]]:
    assert app.rows is not None
    return {r["prompt"][:9]: r for r in app.rows.iter_rows(named=True)}


async def ask(pilot: Any, scorer: str, scope: str | None = None) -> None:
    """``R``, choose ``scorer`` (a button's name, or typed as module:function) and the scope
    (None: the dialog's default), then Re-score."""
    await pilot.press("R")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, RescoreScreen)
    names = [name for name, _label in screen.choices]
    if scorer in names:
        screen.query_one(f"#scorer-{names.index(scorer)}", RadioButton).value = True
    else:
        screen.query_one("#rescore-module", Input).value = scorer
    if scope is not None:
        screen.query_one(f"#scope-{scope}", RadioButton).value = True
    await pilot.pause()
    await pilot.click("#rescore-go")
    await pilot.pause()


async def until_rescoring(pilot: Any) -> None:
    deadline = time.monotonic() + 30  # (100 pauses of 0.1 s: short on a loaded machine)
    while not pilot.app.rescoring:
        assert time.monotonic() < deadline, "the re-score did not start"
        await pilot.pause(0.1)


@pytest.mark.parametrize("size", SIZES)
async def test_the_current_view_is_rescored_and_shown_beside_the_stored_scores(
    graded: Path, plain_app: Any, size: tuple[int, int]
) -> None:
    app = plain_app(graded)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert "n_flipped" not in app.rows.columns  # type: ignore[union-attr]
        app.main.action_focus_filter()
        await pilot.press(*'prompt ~ "Problem 0"', "enter")
        await settle(pilot)
        await ask(pilot, "exact")  # the view (1 of 3 prompts) is the default scope
        await settle(pilot)
        assert not app.rescoring and app.screen is app.main, messages(app)
        rows = by_prompt(app)
        assert list(rows) == ["Problem 0"]  # the view is kept
        assert (rows["Problem 0"]["average_accuracy"], rows["Problem 0"]["n_flipped"]) == (0.75, 2)
        assert rows["Problem 0"]["stored_average_accuracy"] == 0.25
        table = app.main.current_table()
        assert table is not None
        labels = [str(c.label) for c in table.ordered_columns]
        assert "stored acc" in labels and "disagree" in labels
        # per run under both: only Problem 0 changed (stored 7/12 → 9/12)
        assert "accuracy 0.750 · stored accuracy 0.583 · 2 verdicts flipped (d)" in header(app)
        # the other prompts keep their stored scores: none of them flips
        await pilot.press("c")
        await settle(pilot)
        rows = by_prompt(app)
        assert [rows[f"Problem {p}"]["n_flipped"] for p in range(3)] == [2, 0, 0]
        assert rows["Problem 1"]["average_accuracy"] == rows["Problem 1"]["stored_average_accuracy"]
        assert app.result is not None
        statuses = app.result.generations["score_status"].value_counts().sort("score_status")
        assert dict(statuses.iter_rows()) == {"ok": 4, "not re-scored": 8}
        await pilot.press("d")  # the disagree quick filter
        await settle(pilot)
        assert list(by_prompt(app)) == ["Problem 0"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        title = str(app.screen.query_one("#prompt-title", Static).render())
        assert "2 flipped (stored→new): #1 ✗→✓, #2 ✗→✓" in title


async def test_rescoring_twice_shows_the_second_scorer(graded: Path, plain_app: Any) -> None:
    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await ask(pilot, "exact", "all")
        await settle(pilot)
        assert [by_prompt(app)[f"Problem {p}"]["n_flipped"] for p in range(3)] == [2, 1, 0]
        # again, another scorer on all: it starts from the stored scores, not the exact ones
        await ask(pilot, "tests.data.rescore_scorers:picky", "all")
        await settle(pilot)
        assert app.rescored is not None and app.rescored.scorer.endswith(":picky")
        rows = by_prompt(app)
        assert rows["Problem 0"]["average_accuracy"] == 0.25  # picky gives 0.25 to each
        assert rows["Problem 0"]["stored_average_accuracy"] == 0.25
        assert app.result is not None
        assert app.result.generations["stored_accuracy"].to_list()[:4] == [1, 0, 0, 0]
        # the dialog opens on the scorer used last, typed in its box
        await pilot.press("R")
        await pilot.pause()
        box = app.screen.query_one("#rescore-module", Input)
        assert box.value == "tests.data.rescore_scorers:picky"
        assert app.screen.query_one("#scorer-own", RadioButton).value
        await pilot.press("escape")  # cancels the dialog: nothing changes
        await pilot.pause()
        assert app.screen is app.main and not app.rescoring


async def test_esc_stops_a_running_rescore_and_the_next_one_runs(
    graded: Path, plain_app: Any, slow_scorer: str
) -> None:
    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await ask(pilot, "exact", "all")
        await settle(pilot)
        first = app.result
        await ask(pilot, slow_scorer, "all")
        await until_rescoring(pilot)
        progress = app.main.query_one("#progress", Static)
        # the progress line, with how to stop it (waited for with a deadline of 30 s, not a
        # count of 50 pauses of 0.1 s)
        await wait_until(pilot, lambda: "re-scoring" in str(progress.render()), 30)
        assert "x or esc stops" in str(progress.render())
        await pilot.press("escape")
        await pilot.pause()
        assert not app.rescoring and not progress.display
        assert any("re-scoring stopped" in m for m in messages(app))
        await pilot.pause(1.0)  # the stopped worker's last messages are dropped
        await settle(pilot)
        assert app.result is first  # the first re-score stays shown
        assert app.rescored is not None and app.rescored.scorer == "exact"
        # another re-score after the stop runs to its end
        await ask(pilot, "tests.data.rescore_scorers:contains_reference", "all")
        await settle(pilot)
        assert app.rescored is not None and app.rescored.scorer.endswith(":contains_reference")
        assert [by_prompt(app)[f"Problem {p}"]["n_flipped"] for p in range(3)] == [2, 1, 0]


async def test_keys_pressed_while_a_rescore_runs(
    graded: Path, plain_app: Any, slow_scorer: str
) -> None:
    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await ask(pilot, slow_scorer, "all")
        await until_rescoring(pilot)
        # moves, the disagree filter (says to wait), a prompt and back, the summary and back,
        # the dialog opened and closed, help and back: the re-score goes on
        await pilot.press("j", "k", "d")
        await pilot.pause()
        assert any("still re-scoring" in m for m in messages(app)), messages(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("escape", "t")
        await pilot.pause()
        await pilot.press("escape", "R")
        await pilot.pause()
        assert isinstance(app.screen, RescoreScreen)
        await pilot.press("escape", "question_mark", "escape", "s", "escape")
        await pilot.pause()
        assert app.screen is app.main and app.rescoring
        await pilot.press("x")
        await settle(pilot)
        assert not app.rescoring
        assert "n_flipped" not in app.rows.columns  # type: ignore[union-attr]


@pytest.fixture
def held_load(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The load shows a partial result (prompts and accuracy) and holds until the test sets the
    event: the user asks for a re-score while tokens are still counted."""
    from evaltui.data.follow import Follower

    release = threading.Event()
    real = Follower.load

    def held(self: Follower, *args: Any, **kwargs: Any) -> Any:
        result = real(self, *args, **kwargs)
        kwargs["on_partial"](dataclasses.replace(result, complete=False))
        release.wait(60)
        return result

    monkeypatch.setattr(Follower, "load", held)
    yield release
    release.set()


async def test_a_rescore_asked_for_while_loading_runs_once_loaded(
    graded: Path, plain_app: Any, held_load: threading.Event
) -> None:
    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause(0.1)
            if app.rows is not None:
                break
        assert app.loading and app.rows is not None and app.rows.height == 3
        await ask(pilot, "exact", "all")
        assert any("once the files are loaded" in m for m in messages(app))
        assert not app.rescoring
        held_load.set()
        await settle(pilot)
        assert not app.loading and app.result is not None
        assert "n_flipped" in app.result.stats.columns
        assert [by_prompt(app)[f"Problem {p}"]["n_flipped"] for p in range(3)] == [2, 1, 0]


async def test_r_before_any_prompt_is_shown_says_to_wait(
    graded: Path, plain_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evaltui.data.follow import Follower

    release = threading.Event()
    real = Follower.load

    def gated(self: Follower, *args: Any, **kwargs: Any) -> Any:
        release.wait(60)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Follower, "load", gated)
    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        assert app.screen is app.main
        assert any(
            "re-scoring opens once the prompts are shown (press it again then)" in m
            for m in messages(app)
        )
        release.set()
        await settle(pilot)


@pytest.mark.parametrize(
    ("scorer", "expected"),
    [
        ("no_such_module_here:f", "cannot import scorer module 'no_such_module_here'"),
        ("tests.data.rescore_scorers:nothing", "has no function 'nothing'"),
        ("lm-eval", "needs the lm_eval package, which is not installed"),
        ("lm-eval:gsm8k", "none was loaded"),
        ("math-verify", "needs the math-verify package"),
    ],
)
async def test_a_scorer_that_cannot_run_is_a_message(
    graded: Path,
    plain_app: Any,
    monkeypatch: pytest.MonkeyPatch,
    scorer: str,
    expected: str,
) -> None:
    monkeypatch.setitem(sys.modules, "math_verify", None)  # as if not installed
    if scorer == "lm-eval":
        monkeypatch.setitem(sys.modules, "lm_eval", None)
    else:
        pytest.importorskip("lm_eval", reason="lm_eval (the test extra) is not installed")
    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if scorer.startswith("lm-eval"):  # offered only for lm-eval files: asked for by name
            app.rescore_from_dialog(scorer, None)
        else:
            await ask(pilot, scorer, "all")
        await settle(pilot)
        assert any(expected in m for m in messages(app)), messages(app)
        assert not app.rescoring and app.screen is app.main
        assert "n_flipped" not in app.rows.columns  # type: ignore[union-attr]
        # the app goes on: another scorer still works
        await ask(pilot, "exact", "all")
        await settle(pilot)
        assert "n_flipped" in app.rows.columns  # type: ignore[union-attr]


async def test_own_scorer_chosen_but_not_typed_says_how(graded: Path, plain_app: Any) -> None:
    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.pause()
        app.screen.query_one("#scorer-own", RadioButton).value = True
        await pilot.pause()
        await pilot.click("#rescore-go")
        await pilot.pause()
        assert isinstance(app.screen, RescoreScreen)
        message = str(app.screen.query_one("#rescore-message", Static).render())
        assert "module:function" in message
        # the box takes the name; enter in it re-scores
        await pilot.press(*"tests.data.rescore_scorers:contains_reference", "enter")
        await settle(pilot)
        assert app.screen is app.main
        assert app.rescored is not None and app.rescored.scorer.endswith(":contains_reference")


async def test_the_palette_offers_rescoring(graded: Path, plain_app: Any) -> None:
    from evaltui.app.commands import app_commands

    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        (command,) = [c for c in app_commands(app.main) if c.title.startswith("Re-score")]
        assert command.help == "R"
        command.run(app.main)
        await pilot.pause()
        assert isinstance(app.screen, RescoreScreen)
        options = app.screen.query_one("#rescore-scorer")
        assert "math-verify" in str(options.query(RadioButton).first().label)


async def test_lm_eval_files_offer_their_task_and_reproduce_it(
    tmp_path: Path, plain_app: Any
) -> None:
    pytest.importorskip("lm_eval", reason="lm_eval (the test extra) is not installed")
    import shutil

    from tests.data.test_rescore_lm_eval import ASDIV

    shutil.copytree(ASDIV, tmp_path / "asdiv")
    app = plain_app(tmp_path / "asdiv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RescoreScreen)
        names = [name for name, _label in screen.choices]
        # lm-eval keeps its filters' answers: exact may read the text instead
        assert names == ["math-verify", "exact", "exact --reextract", "lm-eval:asdiv", "lm-eval"]
        await pilot.press("escape")
        await ask(pilot, "lm-eval:asdiv", "all")
        await settle(pilot)
        assert app.rescored is not None, messages(app)
        assert app.rescored.counts == {"ok": 50}
        assert app.rows is not None and app.rows["n_flipped"].sum() == 0


@pytest.mark.parametrize(("key", "hint"), [("R", "^s Re-score"), ("e", "^s Write")])
async def test_a_dialogs_bottom_line_gives_its_own_keys(
    graded: Path, plain_app: Any, key: str, hint: str
) -> None:
    """The re-score and export dialogs: enter there picks a radio button, and ctrl+s (which
    runs them) was said nowhere: the bottom line still gave the table's keys behind them."""
    from tests.app.test_screens import screen_text

    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        bottom = screen_text(app).splitlines()[-1]
        assert hint in bottom and "esc Cancel" in bottom and "Open" not in bottom


async def test_the_progress_line_goes_on_while_no_generation_is_done(
    graded: Path, plain_app: Any, slow_scorer: str
) -> None:
    """A slow scorer: the line stood at "re-scoring (…) 0/N generations · 0s" until a chunk
    was done (16 s for 32 generations of a 0.5 s grader), as if the app hung. Its elapsed
    time goes on."""
    import re

    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await ask(pilot, slow_scorer, "all")
        await until_rescoring(pilot)
        progress = app.main.query_one("#progress", Static)
        seen: set[str] = set()
        # The worker starts, then scores for 30 s: looked at until three seconds were seen, 20 s
        # at most (not a count of 60 pauses of 0.1 s, all of the start's time included).
        deadline = time.monotonic() + 20
        while len(seen) < 3 and time.monotonic() < deadline:
            await pilot.pause(0.1)
            found = re.search(r" 0/\d+ generations · (\d+)s", str(progress.render()))
            if found:
                seen.add(found[1])
        assert len(seen) >= 3, seen  # e.g. 0s, 1s, 2s, … while nothing is done
        await pilot.press("x")
        await settle(pilot)


async def test_the_rescore_button_says_which_scorer_runs(graded: Path, plain_app: Any) -> None:
    """The button says which scorer runs: the option chosen, or the module:function typed."""
    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RescoreScreen)
        go = screen.query_one("#rescore-go", Button)
        assert str(go.label) == "Re-score with math-verify"
        await pilot.press("down")  # the highlight is the choice: exact
        await pilot.pause()
        assert str(go.label) == "Re-score with exact"
        screen.query_one("#scorer-own", RadioButton).value = True
        await pilot.pause()
        assert str(go.label) == "Re-score: type your scorer"
        screen.query_one("#rescore-module", Input).value = "mine.py:score"
        await pilot.pause()
        assert str(go.label) == "Re-score with mine.py:score"
        screen.query_one("#rescore-module", Input).value = "mymodule_with_a_long_name.py:score"
        await pilot.pause()
        assert str(go.label) == "Re-score with mymodul…y:score"  # cut in the middle, one line
        assert go.size.height == 1 and go.size.width >= len(str(go.label))
        screen.query_one("#scorer-0", RadioButton).value = True
        await pilot.pause()
        assert str(go.label) == "Re-score with math-verify"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.rescore_options is not None
        assert app.rescore_options.scorer == "math-verify"


async def test_the_arrow_keys_choose_the_scorer_and_the_prompts_ctrl_s_runs(
    graded: Path, plain_app: Any
) -> None:
    """The highlight is the choice. Textual's radio sets moved a highlight apart from the choice
    (space or enter chose): a Down highlighted exact while ● stayed on math-verify, and ctrl+s
    ran math-verify; on the scope, Down highlighted 'all' and the current view was re-scored."""
    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RescoreScreen)
        await pilot.press("down")
        await pilot.pause()
        assert screen.query_one("#scorer-1", RadioButton).value  # exact, ●
        assert not screen.query_one("#scorer-0", RadioButton).value
        await pilot.press("down")  # passing over the own scorer keeps the focus on the list
        await pilot.pause()
        assert screen.query_one("#scorer-own", RadioButton).value
        assert screen.focused is screen.query_one("#rescore-scorer")
        await pilot.press("up")
        await pilot.pause()
        await pilot.press("tab")  # the box (empty), then the scope
        await pilot.press("tab")
        await pilot.press("up")  # from 'all' (the whole table is shown) to the current view
        await pilot.pause()
        assert screen.scope() == "view"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.rescore_options is not None and app.rescore_options.scorer == "exact"


async def test_enter_on_the_own_scorer_goes_to_its_box_and_reopening_highlights_the_choice(
    graded: Path, plain_app: Any
) -> None:
    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RescoreScreen)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert screen.focused is screen.query_one("#rescore-module", Input)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("down")  # from math-verify, chosen by default (nothing ran yet)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.rescore_options is not None and app.rescore_options.scorer == "exact"
        await pilot.press("R")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RescoreScreen)
        scorers = screen.query_one("#rescore-scorer", RadioSet)
        assert scorers._selected == 1  # the highlight starts on exact, the choice
        await pilot.press("up")
        await pilot.pause()
        assert str(screen.query_one("#rescore-go", Button).label) == "Re-score with math-verify"


async def test_the_sorted_by_column_stays_in_view_after_a_rescore(
    tmp_path: Path, plain_app: Any
) -> None:
    """At 80 columns, sorted by max len: the re-score's columns (stored acc, disagree) came in
    before it and it went past the right edge, the rows sorted by a column not shown. It is
    kept in view (the columns it passes follow it), and its header still sorts by it."""
    import shutil

    from tests.app.test_screens import screen_text
    from tests.data.test_rescore_lm_eval import ASDIV

    def header_line() -> str:
        return next(line for line in screen_text(app).splitlines() if line.startswith(" prompt "))

    shutil.copytree(ASDIV, tmp_path / "asdiv")
    app = plain_app(tmp_path / "asdiv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.main.sort_by("max_gen_length", descending=True)
        await settle(pilot)
        assert "max len" in header_line() and "stored acc" not in header_line()
        await ask(pilot, "exact", "all")
        await settle(pilot)
        assert app.rescored is not None, messages(app)
        line = header_line()
        assert "stored acc" in line and "max len" in line, line
        assert line.rstrip().endswith("max len")  # the last column shown whole
        # The header where "max len" stands sorts by it (the same column again: ascending).
        y = screen_text(app).splitlines().index(line)
        await pilot.click(offset=(line.index("max len") + 2, y))
        await settle(pilot)
        assert app.wanted.sort is not None
        assert (app.wanted.sort.column, app.wanted.sort.descending) == ("max_gen_length", False)


async def test_the_summary_says_rows_with_no_answer_are_not_rescored(
    tmp_path: Path, plain_app: Any
) -> None:
    """The published asdiv run re-scored by exact: its 4 non-greedy docs show the target, not
    the model's answer, and are not scored ("no answer"); the summary's run line says the new
    mean is over 46 of the 50 generations (it read 0.920 stored → 1.000 new as if all 50)."""
    import shutil

    from tests.app.test_screens import screen_text
    from tests.data.test_rescore_lm_eval import ASDIV

    shutil.copytree(ASDIV, tmp_path / "asdiv")
    app = plain_app(tmp_path / "asdiv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await ask(pilot, "exact", "all")
        await settle(pilot)
        assert app.rescored is not None and app.rescored.counts == {"ok": 46, "no answer": 4}
        await pilot.press("t")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "0.920 stored → 1.000 new (46 of 50 generations scored)" in text, text


async def test_the_header_says_the_new_accuracy_is_over_fewer_generations(
    tmp_path: Path, plain_app: Any
) -> None:
    """asdiv re-scored by exact at 80 columns: the header's new accuracy (1.000) is over the 46
    generations with an answer, the stored one (0.920) over all 50; the header said "accuracy
    1.000 · stored accuracy 0.920" with nothing saying so, and its second line ended
    "generations 50…", a count that read as cut."""
    import shutil

    from tests.data.test_rescore_lm_eval import ASDIV

    shutil.copytree(ASDIV, tmp_path / "asdiv")
    app = plain_app(tmp_path / "asdiv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await ask(pilot, "exact", "all")
        await settle(pilot)
        assert app.rescored is not None, messages(app)
        text = header(app)
        first, second = text.splitlines()
        assert first.startswith("prompts 50 · accuracy 1.000 over 46 of 50"), text
        assert first.endswith(" · stored accuracy 0.920"), text
        # The unscored count is kept: the second line was "notes 1 (b) · stored accuracy
        # 0.920 · 0 verdicts flipped (d) …", unscored 4 gone. The generation count gives way
        # first (app40; "over 46 of 50" says it), counted with the rest left to t.
        assert second.startswith("notes 1 (b) · unscored 4 · "), text
        assert second.endswith(" more (t)"), text
        assert not second[-2:-1].isdigit(), text  # no "…" glued to a number


async def test_several_runs_header_says_the_new_accuracies_are_over_fewer(
    tmp_path: Path, plain_app: Any
) -> None:
    """asdiv beside another run, both re-scored by exact: the runs' new accuracies are over 4
    generations fewer than their stored ones (asdiv's loglikelihood docs), and the header says
    so beside the stored accuracies."""
    import shutil

    from tests.data.test_rescore_lm_eval import ASDIV

    write_graded(tmp_path / "both" / "graded")
    shutil.copytree(ASDIV, tmp_path / "both" / "asdiv")
    app = plain_app(tmp_path / "both")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await ask(pilot, "exact", "all")
        await settle(pilot)
        assert app.rescored is not None, messages(app)
        generations = app.rescored.scores.height
        assert app.rescored.counts.get("no answer") == 4
        text = header(app)
        assert f" · new over {generations - 4} of {generations} · " in text, text


async def test_exact_reading_the_answers_from_the_text_is_offered_for_a_tools_own_answers(
    tmp_path: Path, plain_app: Any
) -> None:
    """OpenCompass's own answer to "1,200 - 200 = 1,000 dollars." is its pred 000: exact
    scores it wrong, as OpenCompass did, and its notice says the reply's own answer is the
    reference. The dialog offers exact reading the answers from the text (rescore
    --reextract), which scores 1,000 right; asked again, the dialog keeps that choice."""
    import shutil

    from evaltui.app.screens.rescore import REEXTRACT

    source = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "opencompass"
    shutil.copytree(source / "outputs", tmp_path / "oc")
    app = plain_app(tmp_path / "oc")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await ask(pilot, "exact", "all")
        await settle(pilot)
        assert app.rescored is not None and app.rows is not None, messages(app)
        assert app.rows["n_flipped"].sum() == 0
        assert any(
            "where the reply's own final answer is the reference" in m for m in messages(app)
        )
        await ask(pilot, REEXTRACT, "all")
        await settle(pilot)
        assert app.rescored is not None and app.rescore_options is not None, messages(app)
        assert app.rescore_options.reextract
        assert app.rows["n_flipped"].sum() == 1
        assert app.rows["n_flipped_to_correct"].sum() == 1
        await pilot.press("R")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RescoreScreen)
        names = [name for name, _label in screen.choices]
        assert names == ["math-verify", "exact", REEXTRACT]
        assert screen.query_one(f"#scorer-{names.index(REEXTRACT)}", RadioButton).value
        await pilot.press("escape")


async def test_a_format_without_its_own_answers_offers_no_reextract(
    graded: Path, plain_app: Any
) -> None:
    app = plain_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RescoreScreen)
        assert [name for name, _label in screen.choices] == ["math-verify", "exact"]
        await pilot.press("escape")

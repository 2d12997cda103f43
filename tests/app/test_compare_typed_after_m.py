"""Keys typed right after `m` (one burst: a paste, tmux send-keys, a fast typist on a busy
machine) act on the compare screen's first table once it is placed, in order, as if typed after
it appeared: they reached the app before there was a table and were lost ('m j j enter' left
compare on row 0 with nothing opened, ']' did not sort). Esc and q leave compare at once."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import evaltui.app.screens.compare as compare_module
from evaltui.app.app import EvalApp
from evaltui.app.screens.compare import CompareScreen, RunPairScreen
from evaltui.app.screens.export import ExportScreen
from evaltui.app.screens.main import MainScreen
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_compare_back_from_prompt import two_runs
from tests.app.test_follow_app import wait_until
from tests.app.test_input_key_order import burst

SIZE = (80, 24)


def third_run(root: Path, prompts: int = 60) -> Path:
    """A third run beside :func:`two_runs`' (the same prompts): ``m`` opens the pair picker."""
    folder = root / "third-run"
    folder.mkdir(parents=True)
    lines = [
        json.dumps(
            {
                "prompt": f"Problem {p}",
                "gen": f"the answer is {p}",
                "answer": str(p),
                "accuracy": s < p % 4,
            }
        )
        for p in range(prompts)
        for s in range(4)
    ]
    (folder / "out.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def hold_comparisons(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[int]]:
    """Every comparison waits (in its worker) for the event to be set: the keys typed after
    ``m`` certainly reach the app before compare's first table. The list gets a 1 as each
    comparison starts, a 2 as it ends."""
    go = threading.Event()
    started: list[int] = []
    compare_runs: Callable[..., Any] = compare_module.compare_runs

    def waiting(*args: Any, **kwargs: Any) -> Any:
        started.append(1)
        go.wait(60)
        try:
            return compare_runs(*args, **kwargs)
        finally:
            started.append(2)

    monkeypatch.setattr(compare_module, "compare_runs", waiting)
    return go, started


def app_of(data: Path, tokenizer: Path) -> EvalApp:
    return EvalApp([str(data)], LoadOptions(model=str(tokenizer), use_cache=False))


async def test_keys_after_m_move_and_open_on_compares_first_table(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    go, started = hold_comparisons(monkeypatch)
    app = app_of(two_runs(tmp_path / "data"), word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 120)
        main_table = app.main.current_table()
        assert main_table is not None and main_table.cursor_row == 0
        burst(app, ["m", "j", "j", "enter"])  # two runs: straight to compare
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen) and bool(started))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        # (the keys were read before m was acted on: compare has no table yet)
        go.set()
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        # The third row of compare's table (its first was opened, or nothing).
        assert prompt.prompt_id == str(screen.rows["prompt_id"][2])
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        table = screen.current_table()
        assert table is not None and table.cursor_row == 2
        assert main_table.cursor_row == 0  # the j's did not move the table behind
        await pilot.press("ctrl+q")


async def test_sort_and_export_typed_after_m_act_on_compare(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    go, started = hold_comparisons(monkeypatch)
    app = app_of(two_runs(tmp_path / "data"), word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 120)
        burst(app, ["m", "right_square_bracket", "e"])
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen) and bool(started))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        go.set()
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        assert screen.sort == ("delta", True)  # ']' sorted compare's column descending
        assert screen.sorted_by_user
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("ctrl+q")


async def test_keys_after_the_pickers_enter_act_on_compares_first_table(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    go, started = hold_comparisons(monkeypatch)
    app = app_of(third_run(two_runs(tmp_path / "data")), word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 180)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, RunPairScreen))
        picker = app.screen
        assert isinstance(picker, RunPairScreen)
        await wait_until(pilot, lambda: picker.placed)
        # A = the highlighted run, B = the first offered, then three rows down and open.
        burst(app, ["enter", "enter", "j", "j", "j", "enter"])
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen) and bool(started))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        go.set()
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.prompt_id == str(screen.rows["prompt_id"][3])
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("leave", ["escape", "q"])
async def test_escape_and_q_after_m_leave_compare_at_once(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch, leave: str
) -> None:
    go, started = hold_comparisons(monkeypatch)
    app = app_of(two_runs(tmp_path / "data"), word_tokenizer)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 120)
            pushed: list[object] = []
            push = app.push_screen

            def pushing(screen: Any, *args: Any, **kwargs: Any) -> Any:
                pushed.append(screen)
                return push(screen, *args, **kwargs)

            monkeypatch.setattr(app, "push_screen", pushing)
            burst(app, ["m", "j", leave])
            # Back on the prompt table while the comparison is still being made (or before it
            # started: on a starved machine the q can come first). Compare opened first: the
            # main screen is shown before any key of the burst is read too.
            await wait_until(
                pilot,
                lambda: (
                    any(isinstance(s, CompareScreen) for s in pushed)
                    and isinstance(app.screen, MainScreen)
                ),
            )
            go.set()  # the comparison ends on a screen gone: nothing shows, nothing is typed
            await wait_until(pilot, lambda: started.count(1) == started.count(2))
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            table = app.main.current_table()
            assert table is not None and table.cursor_row == 0  # the j was compare's
            # Keys typed now act on the prompt table.
            await pilot.press("j")
            await wait_until(pilot, lambda: table.cursor_row == 1)
            await pilot.press("ctrl+q")
    finally:
        go.set()


async def test_keys_held_for_a_compare_that_never_comes_are_handed_over(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keys behind `m` are held for compare's table at most a while: an `m` whose screen
    never comes (one waiting for a view that is dropped) left every key but ctrl+q held, the app
    deaf to the user. Then they act where they land."""
    monkeypatch.setattr(EvalApp, "KEYS_HELD_AT_MOST", 0.5)
    monkeypatch.setattr(MainScreen, "_open_compare", lambda self: True)  # nothing comes
    app = app_of(two_runs(tmp_path / "data"), word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 120)
        table = app.main.current_table()
        assert table is not None and table.cursor_row == 0
        burst(app, ["m", "j", "j"])
        await wait_until(pilot, lambda: table.cursor_row == 2)
        assert app.keys_for_screen is None
        await pilot.press("j")  # and what is typed next is not held
        await wait_until(pilot, lambda: table.cursor_row == 3)
        await pilot.press("ctrl+q")


async def test_a_failed_comparison_does_not_stop_the_next(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compare runs one comparison at a time, the next when data changed meanwhile: one that
    failed (an error, no result) left the screen waiting for it, never compared again."""
    calls: list[int] = []
    compare_runs: Callable[..., Any] = compare_module.compare_runs

    def failing_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("comparison failed")
        return compare_runs(*args, **kwargs)

    monkeypatch.setattr(compare_module, "compare_runs", failing_once)
    app = app_of(two_runs(tmp_path / "data"), word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 120)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen) and bool(calls))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_until(pilot, lambda: not screen._computing)  # the failed one ended
        screen.data_changed()  # (a followed update or a re-score)
        await wait_until(pilot, lambda: len(calls) == 2 and screen.current_table() is not None)
        await pilot.press("ctrl+q")


async def test_compares_callbacks_do_nothing_on_a_screen_left_with_some_widgets_still_there(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A screen leaves the app's stack at once and loses its widgets a few at a time after: a
    callback queued after a refresh (``refit``, ``fit_top``, ``show_status``) that ran in
    between found some and not others (``m j q`` on a busy machine: NoMatches for
    ``#compare-box`` ended the app)."""
    app = app_of(two_runs(tmp_path / "data"), word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 120)
        await pilot.press("m")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, CompareScreen) and app.screen.current_table() is not None
            ),
        )
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await screen.query_one("#compare-box").remove()  # pruned first: the rest still there
        assert screen.children
        app.pop_screen()  # (not awaited: off the stack now, its widgets removed later)
        # Each callback, run now as after a refresh, does nothing (no NoMatches).
        screen.refit()
        screen.fit_top()
        screen.show_status()
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        table = app.main.current_table()
        assert table is not None and table.cursor_row == 0
        await pilot.press("j")
        await wait_until(pilot, lambda: table.cursor_row == 1)
        await pilot.press("ctrl+q")

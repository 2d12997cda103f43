"""Fixtures for Pilot tests: a small eval directory and a helper that waits for workers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from evaltui.app.app import EvalApp
from evaltui.app.screens.prompt import PromptScreen
from evaltui.data.loader import LoadOptions

HOSTILE_GEN = "before \x1b[2J [/] [bold]x[/bold] \x1b]0;title\x07 nul\x00 答案 🙂 \\boxed{7}"


def write_evals(root: Path) -> Path:
    """Two runs x 6 prompts x 4 generations with a known pattern of scores and lengths."""
    for r, run in enumerate(("model_a", "model_b")):
        lines = []
        for p in range(6):
            for s in range(4):
                # prompt p of run a has p % 5 correct of 4 (capped); run b is one better where possible
                correct = min(4, p % 5 + r) > s
                words = " ".join(["step"] * (10 * (p + 1) + s))
                lines.append(
                    json.dumps(
                        {
                            "prompt": f"Problem {p}: what is {p} + {p}?",
                            "gen": f"{words} \\boxed{{{2 * p if correct else 2 * p + 1}}}",
                            "answer": str(2 * p),
                            "accuracy": 1.0 if correct else 0.0,
                        }
                    )
                )
        lines.append("{this line is broken")
        (root / run).mkdir(parents=True)
        (root / run / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    hostile = root / "model_a" / "zz_hostile.jsonl"  # sorts after samples.jsonl
    hostile.write_text(
        json.dumps(
            {
                "prompt": "Hostile [red]x[/red] prompt \x1b[31m",
                "gen": HOSTILE_GEN,
                "answer": "[/]",
                "accuracy": 1,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def evals(tmp_path: Path) -> Path:
    return write_evals(tmp_path / "evals")


@pytest.fixture
def make_app(tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)

    def factory(*paths: Path) -> EvalApp:
        return EvalApp(
            [str(p) for p in paths],
            LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache"),
        )

    return factory


async def settle(pilot: Pilot[int]) -> None:
    """Wait until every worker is done and every message they posted has been handled."""
    import contextlib

    from textual.worker import WorkerCancelled

    for _ in range(6):
        # A view superseded by a newer result's (a warm load's snapshot, then its rows) is
        # cancelled: that is the app working, not a failure.
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def write_run(root: Path, *records: dict[str, Any]) -> Path:
    """A plain run of ``records`` (a JSON line each) in ``root / "run"``, returned."""
    folder = root / "run"
    folder.mkdir()
    lines = "".join(json.dumps(record) + "\n" for record in records)
    (folder / "out.jsonl").write_text(lines, encoding="utf-8")
    return folder


async def open_first_prompt(pilot: Pilot[int]) -> PromptScreen:
    """Once loaded, enter on the table's first row: its prompt screen."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PromptScreen)
    return screen


def problems_text(app: EvalApp) -> str:
    """The bad lines screen's text as written (a line per entry, unwrapped)."""
    from evaltui.app.screens.problems import WrappedLines

    return str(app.screen.query_one("#problems", WrappedLines).text)


def problems_shown(app: EvalApp) -> list[str]:
    """The bad lines screen's lines as drawn now (wrapped, scrolled), right spaces dropped."""
    from textual.geometry import Region

    from evaltui.app.screens.problems import WrappedLines

    view = app.screen.query_one("#problems", WrappedLines)
    strips = view.render_lines(Region(0, 0, *view.size))
    return [strip.crop(view.gutter.left).text.rstrip() for strip in strips]


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Holds the app's load until the test sets the event: the user is faster than the files."""
    from evaltui.data.follow import Follower

    event = threading.Event()
    real = Follower.load

    def gated(self: Follower, *args: Any, **kwargs: Any) -> Any:
        event.wait(60)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Follower, "load", gated)
    yield event
    event.set()

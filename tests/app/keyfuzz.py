"""A seeded random key driver for the app: keys from every screen's real bindings (and the keys
people press anyway: enter, escape, tab, arrows, page keys, letters, digits, filter text),
pressed one by one, in bursts (queued before any is handled, as tmux and fast typing over SSH
deliver them), while the load runs, between resizes. Any exception is a finding: the app's own
(``_exception``, a return code), a worker's error (shown as an "error" toast), a failed load of
good input. Used by ``test_key_fuzz.py`` (a few fixed seeds) and, for many seeds, by hand."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import pkgutil
import random
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from textual import events
from textual.binding import Binding
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.worker import Worker, WorkerState

from evaltui.app.app import EvalApp

Action = tuple[Any, ...]
"""One step: ("press", key), ("burst", (key, …)), ("pause", seconds), ("resize", (w, h))."""

SIZES = ((80, 24), (60, 20), (40, 12))

GENERIC_KEYS = (
    "enter",
    "escape",
    "tab",
    "shift+tab",
    "up",
    "down",
    "left",
    "right",
    "pageup",
    "pagedown",
    "home",
    "end",
    "backspace",
    "space",
    "ctrl+p",
    "slash",
)

TYPED = tuple(string.ascii_lowercase + string.digits + "<>=.~\"' []")

MACROS: tuple[tuple[str, ...], ...] = (
    ("slash", *"accuracy > 2", "enter"),  # an empty view
    ("slash", *'prompt ~ "zzzzqq"', "enter"),  # an empty view
    ("slash", *"n >=", "enter"),  # an invalid filter
    ("slash", *"accuracy < 0.5", "enter"),
    ("e", "ctrl+s"),
    ("e", "tab", "tab", "enter", "ctrl+s"),
    ("s", "down", "enter"),
    ("m", "enter", "enter"),
    ("ctrl+p", *"sort", "enter"),
    ("ctrl+p", *"export", "enter"),
)
"""Sequences a random choice of keys seldom types: a filter that leaves no prompt, an export."""

RARE = {"q": 0.15, "ctrl+q": 0.03}
"""Keys that end the app from the table: kept (``q s`` typed together was a crash) but rarer."""


def binding_keys() -> list[str]:
    """Every key bound by a class of the app (its screens, dialogs and widgets), read from the
    classes' BINDINGS."""
    import evaltui.app.screens

    for module in pkgutil.iter_modules(evaltui.app.screens.__path__):
        importlib.import_module(f"evaltui.app.screens.{module.name}")
    keys: set[str] = set()
    seen: set[type] = set()
    todo: list[type] = [DOMNode]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    for cls in seen:
        if not cls.__module__.startswith("evaltui."):
            continue
        for binding in cls.__dict__.get("BINDINGS", ()):
            key = binding.key if isinstance(binding, Binding) else binding[0]
            keys.update(part.strip() for part in key.split(","))
    return sorted(keys)


def key_pool() -> list[tuple[str, float]]:
    """(key, weight): the bound keys, the generic ones, typed characters."""
    pool: dict[str, float] = {}
    for key in binding_keys():
        pool[key] = 3.0
    for key in GENERIC_KEYS:
        pool[key] = max(pool.get(key, 0.0), 3.0)
    pool["escape"] = 6.0
    pool["enter"] = 5.0
    for char in TYPED:
        pool.setdefault(char, 0.5)
    pool.update(RARE)
    return sorted(pool.items())


def plan(seed: int, length: int | None = None, resize: bool = True) -> list[Action]:
    """The actions of ``seed``: decided up front (never from what the app shows), so a seed
    replays the same keys and a failing plan can be cut shorter."""
    rng = random.Random(seed)
    pool = key_pool()
    keys = [key for key, _ in pool]
    weights = [weight for _, weight in pool]
    count = length if length is not None else rng.randint(20, 200)
    actions: list[Action] = []
    while len(actions) < count:
        roll = rng.random()
        if roll < 0.68:
            actions.append(("press", rng.choices(keys, weights)[0]))
        elif roll < 0.80:
            burst = tuple(rng.choices(keys, weights, k=rng.randint(2, 5)))
            actions.append(("burst", burst))
        elif roll < 0.86:
            actions.append(("burst", rng.choice(MACROS)))
        elif roll < 0.94:
            actions.append(("pause", rng.choice((0.0, 0.0, 0.01, 0.05))))
        elif resize:
            actions.append(("resize", rng.choice(SIZES)))
    return actions


@dataclass
class Findings:
    """What went wrong while the keys were pressed."""

    errors: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.errors)


class FuzzApp(EvalApp):
    """The app, noting its workers' errors (the app shows them as a toast, not a traceback)."""

    worker_errors: list[BaseException]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The app's own handler runs too (handlers are called along the MRO).
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            if not hasattr(self, "worker_errors"):
                self.worker_errors = []
            self.worker_errors.append(event.worker.error)


def send_together(app: EvalApp, keys: Sequence[str]) -> None:
    """Queue ``keys`` before any is handled (Pilot's press waits for each to be)."""
    from textual.app import _character_to_key
    from textual.keys import _get_unicode_name_from_key

    driver = app._driver
    if driver is None:
        return
    import unicodedata

    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(key))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


def ended(app: EvalApp) -> bool:
    return app._exit or app._exception is not None or not app.is_running


async def drive(pilot: Pilot[int], actions: Sequence[Action]) -> None:
    """Do ``actions`` until they are done or the app ends."""
    app = pilot.app
    assert isinstance(app, EvalApp)
    for step, action in enumerate(actions):
        if ended(app):
            return
        app.fuzz_step = step  # type: ignore[attr-defined]
        kind, what = action
        if kind == "press":
            await pilot.press(what)
        elif kind == "burst":
            send_together(app, what)
        elif kind == "pause":
            await pilot.pause(what)
        elif kind == "resize":
            await pilot.resize_terminal(*what)


def check(app: EvalApp, *, load_may_fail: bool = False) -> Findings:
    findings = Findings()
    if app._exception is not None:
        step = getattr(app, "fuzz_step", None)
        findings.errors.append(
            f"app exception at step {step}: {type(app._exception).__name__}: {app._exception}"
        )
    if app.return_code not in (None, 0):
        findings.errors.append(f"return code {app.return_code}")
    for error in getattr(app, "worker_errors", []):
        findings.errors.append(f"worker error: {type(error).__name__}: {error}")
    if app.load_error is not None and not load_may_fail:
        findings.errors.append(f"load failed: {app.load_error}")
    return findings


async def quiet(pilot: Pilot[int], seconds: float) -> None:
    """Wait (``seconds`` at most) until the workers other than following's are done and the
    messages they posted handled. Shielded: a timeout cancelling ``gather`` over ``wait()``
    cancelled the workers' own tasks (their threads ran on, stopped by nothing)."""
    for _ in range(4):
        workers = [w for w in pilot.app.workers if w.group not in ("follow", "prepare")]
        if workers:
            waiting = asyncio.ensure_future(pilot.app.workers.wait_for_complete(workers))
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(waiting), seconds)
        await pilot.pause()


async def run_plan(
    app: EvalApp,
    actions: Sequence[Action],
    size: tuple[int, int],
    *,
    settle_first: bool = False,
    load_may_fail: bool = False,
    writer: Any = None,
) -> Findings:
    """Run ``app`` at ``size``, press ``actions`` (at once, while it loads, unless
    ``settle_first``), let its workers end, and say what went wrong."""
    error: BaseException | None = None
    try:
        async with app.run_test(size=size) as pilot:
            if settle_first:
                await quiet(pilot, 20)
            if writer is not None:
                writer.start()
            await drive(pilot, actions)
            if not ended(app):
                await quiet(pilot, 20)
    except Exception as caught:  # the app's exception, raised again by run_test
        error = caught
    finally:
        if writer is not None:
            writer.stop()
    findings = check(app, load_may_fail=load_may_fail)
    if error is not None and not any("app exception" in e for e in findings.errors):
        findings.errors.append(f"raised: {type(error).__name__}: {error}")
    return findings

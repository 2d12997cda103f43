"""The scorer side of a re-score: built-in scorers and the worker process loop.

Kept free of polars and of the rest of evaltui, so a spawned worker starts fast. A scorer is a
callable ``(generation, reference, record) -> float | bool | None``; :func:`resolve` turns a
scorer name (``math-verify``, ``module:function``, ``path/to/file.py:function``) into one, in the
worker that will call it.
"""

from __future__ import annotations

import decimal
import hashlib
import importlib
import importlib.machinery
import importlib.util
import logging
import math
import numbers
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TAIL_CHARS = 4000
"""math-verify reads the end of a generation only (the extractor's window, extract.TAIL_CHARS)."""

Scorer = Callable[[str, str, dict[str, Any]], Any]

OK, ERROR, TIMEOUT = "ok", "scorer error", "timeout"
"""A generation's score status: scored, the scorer raised (the message says what), or it took
longer than the per-generation timeout."""


class ScorerUnavailable(Exception):
    """The scorer cannot be used here (package missing, bad name). The message is for the user."""


class _TimeoutSeen(logging.Handler):
    """math-verify reports its own (signal) timeouts only as a log warning: catch them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Timeout"):
            self.seen = True


class MathVerify:
    """Hugging Face math-verify: parse the reference and the generation, then verify.

    math-verify's own timeouts (``signal.alarm``, so this runs in a worker's main thread) bound the
    parse and each comparison; a generation where one fired is reported as a timeout, not as wrong.
    Only the last :data:`TAIL_CHARS` characters of a generation are parsed, as the answer extractor
    does (the final answer sits at the end): on 9k-character traces that is 4× faster, and the
    verdicts were the same.
    """

    def __init__(self, timeout: float) -> None:
        try:
            from math_verify import parse, verify
        except ImportError:
            raise ScorerUnavailable(
                "the math-verify scorer needs the math-verify package: "
                "pip install -e '.[rescore]' (or pip install 'math-verify[antlr4_13_2]')"
            ) from None
        self.parse, self.verify = parse, verify
        # Three steps (reference, generation, comparison) share the per-generation budget.
        self.step_timeout = max(1, int(timeout / 3))
        self.watch = _TimeoutSeen()
        log = logging.getLogger("math_verify")
        log.handlers[:] = [self.watch]
        log.propagate = False  # its warnings would draw over a terminal UI
        log.setLevel(logging.WARNING)
        self.gold_cache: dict[str, Any] = {}

    def warm(self) -> None:
        """The first parse pays for sympy's and the LaTeX grammar's lazy set-up (seconds on a busy
        machine): pay it before the clock runs, so it never counts against a generation."""
        self.verify(self.gold("\\frac{1}{2}"), self.parse("so $\\boxed{0.5}$"))

    def gold(self, reference: str) -> Any:
        cached = self.gold_cache.get(reference)
        if cached is None:
            t = self.step_timeout
            # A bare reference ("\frac{1}{2}", "(0, 1]") is LaTeX without delimiters.
            cached = self.parse(f"${reference}$", parsing_timeout=t) or self.parse(
                reference, parsing_timeout=t
            )
            if len(self.gold_cache) > 4096:
                self.gold_cache.clear()
            self.gold_cache[reference] = cached
        return cached

    def __call__(self, generation: str, reference: str, record: dict[str, Any]) -> Any:
        self.watch.seen = False
        aliases = record.get("reference_aliases")
        # A reference with several acceptable answers: verify matches any of them.
        gold = [g for a in aliases for g in self.gold(a)] if aliases else self.gold(reference)
        predicted = self.parse(generation[-TAIL_CHARS:], parsing_timeout=self.step_timeout)
        verdict = bool(self.verify(gold, predicted, timeout_seconds=self.step_timeout))
        if self.watch.seen and not verdict:
            raise TimeoutError("math-verify timed out")
        return verdict


def scorer_version(name: str) -> str | None:
    """What a cached result depends on besides the inputs: the scorer's package version or the
    user module's source hash. None = do not cache (the source cannot be identified)."""
    if name == "math-verify":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"math-verify {version('math-verify')}"
        except PackageNotFoundError:
            return None
    module, _, _function = name.rpartition(":")
    path = _module_file(module)
    if path is None:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def _module_file(module: str) -> str | None:
    if module.endswith(".py"):
        return module
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None and spec.origin not in (None, "built-in") else None


def name_problem(name: str) -> str | None:
    """What is wrong with a scorer name that is plain without importing anything, or None: an
    unknown built-in (``--scorer exatc``), a ``file.py`` that is not there, a module not on the
    path. Checked before the load: the worker found it once every file was read (minutes on a
    big folder, for a typo). Whether the module imports and has the function is still the
    worker's to say."""
    if name in ("math-verify", "exact", "lm-eval") or name.startswith("lm-eval:"):
        return None
    module, sep, function = name.rpartition(":")
    if not sep or not module or not function:
        return f"unknown scorer {name!r}: use math-verify, exact, lm-eval:TASK or module:function"
    if module.endswith(".py"):
        if not Path(module).is_file():
            return f"cannot import scorer module {module!r}: no such file"
        return None
    top = module.partition(".")[0]
    try:
        # The top-level name only: finding a submodule would import its packages. The working
        # directory is searched as resolve() adds it (like python -m).
        found = importlib.util.find_spec(top) or importlib.machinery.PathFinder.find_spec(
            top, [os.getcwd()]
        )
    except (ImportError, ValueError):
        return None  # the worker's import says what is wrong
    if found is None:
        return f"cannot import scorer module {module!r}: no module named {top!r}"
    return None


def resolve(name: str, timeout: float, include_path: str | None = None) -> Scorer:
    """The scorer called ``name``; raises :class:`ScorerUnavailable` with a message saying why not.

    ``lm-eval[:TASK]`` gives a record scorer (``many``: one item is one logged record, its
    generation rows scored together) that builds each task in the worker from its name
    (``include_path``: a folder of custom task YAMLs)."""
    if name == "math-verify":
        return MathVerify(timeout)
    if name == "lm-eval" or name.startswith("lm-eval:"):
        from evaltui.data.lm_eval_scorer import RecordScorer

        return RecordScorer(include_path)
    module_name, sep, function = name.rpartition(":")
    if not sep or not module_name or not function:
        raise ScorerUnavailable(
            f"unknown scorer {name!r}: use math-verify, exact, lm-eval:TASK or module:function"
        )
    try:
        if module_name.endswith(".py"):
            path = Path(module_name)
            spec = importlib.util.spec_from_file_location(f"_evaltui_scorer_{path.stem}", path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {path}")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        else:
            if "" not in sys.path and os.getcwd() not in sys.path:
                sys.path.insert(0, os.getcwd())  # like python -m: the user's own modules
            module = importlib.import_module(module_name)
    except Exception as exc:
        raise ScorerUnavailable(
            f"cannot import scorer module {module_name!r}: {type(exc).__name__}: {exc}"
        ) from None
    scorer = getattr(module, function, None)
    if not callable(scorer):
        raise ScorerUnavailable(f"{module_name!r} has no function {function!r}")
    return scorer  # type: ignore[no-any-return]


def as_score(value: Any) -> float | None:
    """A scorer's return value as a score: bool/int/float (finite), or None (unscored). A
    number of another type counts as one: numpy's scalars (``np.isclose`` gives a
    ``numpy.bool_``, a mean a ``numpy.float64`` or ``float32``), a 0-d array or tensor (its
    ``item()``), a ``Fraction`` or a ``Decimal``."""
    if value is None:
        return None
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        value = item()  # a numpy scalar or 0-d array, a 0-d torch tensor: the Python value
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, numbers.Real | decimal.Decimal):
        number = float(value)
        if math.isfinite(number):
            return number
    raise TypeError(f"scorer returned {type(value).__name__} {value!r:.60}, not a number or bool")


def score_one(
    scorer: Scorer, generation: str, reference: str, record: dict[str, Any]
) -> tuple[float | None, str, str | None]:
    """(score, status, message) for one generation; a raising scorer is an error, never a crash."""
    try:
        return as_score(scorer(generation, reference, record)), OK, None
    except TimeoutError as exc:
        return None, TIMEOUT, str(exc) or "timed out"
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        return None, ERROR, message[:500]


Item = tuple[int, str, str, dict[str, Any]]
"""(row, generation, reference, record) sent to a worker; for a record scorer (``many``), the
row is the first of the record's rows, all of them in ``record["rows"]``."""
Result = tuple[int, float | None, str, str | None, float | None]
"""(row, score, status, message, prompt score) sent back; the prompt score is a record
scorer's metric of the whole record (several generations), else None."""


def worker_main(
    wid: int,
    name: str,
    timeout: float,
    tasks: Any,
    results: Any,
    started: Any,
    current: Any,
    include_path: str | None = None,
) -> None:
    """A worker process: resolve the scorer, then score chunks until it gets None.

    Before each generation it writes the row and the start time into the shared arrays, so the
    parent can kill it when one generation outlives the timeout (a hang in C code or a scorer that
    ignores signals) and hand the rest of its chunk to a fresh worker. A record scorer's
    ``prepare`` (building the record's task, once per worker) runs before the clock starts.
    """
    import signal

    # Ctrl-C reaches the whole process group: the parent decides, the workers keep quiet.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Standard output is the parent's data (`rescore -o -`) or the app's screen: what a scorer
    # prints (a user's debugging print(), a library's chatter, C code too) goes where the
    # parent's messages go, stderr (the app points it at its log). It came first in the JSON.
    sys.stdout.flush()
    try:
        os.dup2(2, 1)
    except OSError:  # no stderr (`2>&-`): nowhere
        nowhere = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nowhere, 1)
        os.close(nowhere)
    try:
        scorer = resolve(name, timeout, include_path)
    except ScorerUnavailable as exc:
        results.send(("unavailable", wid, str(exc)))
        return
    warm = getattr(scorer, "warm", None)
    if callable(warm):
        try:
            warm()
        except Exception as exc:  # a broken warm-up shows up again, per generation
            del exc
    results.send(("ready", wid, None))
    many = getattr(scorer, "many", False)
    prepare = getattr(scorer, "prepare", None)
    while True:
        chunk = tasks.get()
        if chunk is None:
            return
        chunk_id, items = chunk
        out: list[Result] = []
        for item in items:
            row, generation, reference, record = item
            current[wid] = row
            if callable(prepare):
                prepare(record)
            started[wid] = time.monotonic()
            if many:
                out.extend(scorer.score_item(item))  # type: ignore[attr-defined]
            else:
                score, status, message = score_one(scorer, generation, reference, record)
                out.append((row, score, status, message, None))
            started[wid] = 0.0
        results.send(("done", wid, (chunk_id, out)))

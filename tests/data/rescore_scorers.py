"""User scorers for the re-score tests (imported by name in spawned worker processes)."""

from __future__ import annotations

import re
from typing import Any


def contains_reference(generation: str, reference: str, record: dict[str, Any]) -> bool:
    """Correct when the reference appears in the generation."""
    return reference in generation


def picky(generation: str, reference: str, record: dict[str, Any]) -> float | str | None:
    """Raises on "RAISE", returns a string on "STRING", None on "SKIP", else 0.25."""
    if "RAISE" in generation:
        raise ValueError(f"cannot score line {record['line']}")
    if "STRING" in generation:
        return "yes"
    if "SKIP" in generation:
        return None
    return 0.25


def catastrophic(generation: str, reference: str, record: dict[str, Any]) -> bool:
    """A regex with catastrophic backtracking on "HANG": C code no signal interrupts."""
    if "HANG" in generation:
        return re.fullmatch(r"(a+)+$", "a" * 64 + "b") is not None
    return reference in generation


def dies(generation: str, reference: str, record: dict[str, Any]) -> bool:
    """The worker process exits on "DIE" (as an out-of-memory kill or a segfault would)."""
    if "DIE" in generation:
        import os

        os._exit(3)
    return reference in generation


def slow(generation: str, reference: str, record: dict[str, Any]) -> bool:
    """Takes 2.5 s over a generation "SLOW" (a slow grader's worst case)."""
    if "SLOW" in generation:
        import time

        time.sleep(2.5)
    return reference in generation


def counted(generation: str, reference: str, record: dict[str, Any]) -> bool:
    """The reference appears in the generation; each call appends the generation to the file
    ``EVALTUI_TEST_SCORE_LOG`` names, once it is scored. A generation holding "WAIT" is scored
    only once the file ``EVALTUI_TEST_SCORE_GATE`` names exists (a worker stopped meanwhile
    never logs it). Each takes ``EVALTUI_TEST_SCORE_SLEEP`` seconds (default 0)."""
    import os
    import time

    pause = float(os.environ.get("EVALTUI_TEST_SCORE_SLEEP", "0"))
    if pause:
        time.sleep(pause)
    if "WAIT" in generation:
        gate = os.environ["EVALTUI_TEST_SCORE_GATE"]
        while not os.path.exists(gate):
            time.sleep(0.02)
    with open(os.environ["EVALTUI_TEST_SCORE_LOG"], "a", encoding="utf-8") as log:
        log.write(generation.replace("\n", " ") + "\n")
    return reference in generation


def noisy(generation: str, reference: str, record: dict[str, Any]) -> bool:
    """Prints as it scores, as a scorer being debugged does (to standard output)."""
    print(f"DEBUG scoring line {record['line']}")
    return reference in generation


def numpy_verdicts(generation: str, reference: str, record: dict[str, Any]) -> Any:
    """numpy's types, as a scorer built on numpy returns them: ``np.isclose``'s numpy.bool_, a
    float32 mean on "MEAN", an int64 count on "COUNT", a 0-d array on "ARRAY"."""
    import numpy as np

    if "MEAN" in generation:
        return np.float32(0.25)
    if "COUNT" in generation:
        return np.int64(1)
    if "ARRAY" in generation:
        return np.array(0.5)
    return np.isclose(float(generation.split()[-1]), float(reference))

"""Counts in words: "1 prompt", "2 prompts", "1,204 generations"."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from evaltui.data.sanitize import visible


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """``count`` with thousands separators and ``noun`` in the right number."""
    word = noun if count == 1 else (plural_noun or noun + "s")
    return f"{count:,} {word}"


def first_few(numbers: Sequence[int], most: int = 5) -> str:
    """The first ``most`` of ``numbers`` (line numbers a note names), '…' after when more."""
    return ", ".join(str(n) for n in numbers[:most]) + ("…" if len(numbers) > most else "")


def rows_words(count: int, several_runs: bool, shown: int | None = None) -> str:
    """``count`` Stats rows as people count them (``shown`` of them, if given): prompts of one
    run; of several, a row is one run's prompt (120 rows of 60 prompts × 2 runs are not '120
    prompts')."""
    number = f"{count:,}" if shown is None else f"{shown:,} of {count:,}"
    if several_runs:
        return f"{number} {'row' if count == 1 else 'rows'} (run × prompt)"
    return f"{number} {'prompt' if count == 1 else 'prompts'}"


def loaded_words(stats_rows: int, distinct_prompts: int, runs: int) -> str:
    """A load's prompts as people count them: of one run its prompts; of several the distinct
    prompts in that many runs (``60 prompts in 2 runs``: its 120 Stats rows said '120 prompts
    loaded' beside 'wrote 120 rows (run × prompt)', as if 120 problems)."""
    if runs <= 1:
        return plural(stats_rows, "prompt")
    return f"{plural(distinct_prompts, 'prompt')} in {runs:,} runs"


def signed_fixed(value: float, decimals: int) -> str:
    """``value`` with its sign and ``decimals`` decimals; one that rounds to zero is ``+0.000``,
    never ``-0.000`` (a mean of changes that cancel out is a float a hair below zero: the
    comparison's headline read 'B − A accuracy: -0.000' for runs with equal accuracies)."""
    text = f"{value:+.{decimals}f}"
    return "+" + text[1:] if text.startswith("-") and not text.strip("-0.") else text


def flag_words(flag: str, value: str) -> str:
    """``--metric 'exact match'``: a flag a message suggests with its value as a shell reads it
    back (:func:`shlex.quote`), so it can be pasted; the value comes from an input file (a
    metric's or a field's name), so its control characters are shown (``␛``), never sent to the
    terminal. ``--metric it's f1`` could not be pasted, ``--metric 'it'"'"'s f1'`` can."""
    return f"{flag} {shlex.quote(visible(value, multiline=False))}"

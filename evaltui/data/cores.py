"""How many threads or processes a flag's number gives: at most the machine's cores."""

from __future__ import annotations

import os


def bounded(asked: int | None) -> int:
    """``asked`` (all cores when unset) bounded by the machine's cores, at least 1."""
    cores = os.cpu_count() or 1
    return max(1, min(asked or cores, cores))


def bounded_note(flag: str, asked: int | None, what: str) -> str | None:
    """What a command says when ``flag`` asked for more ``what`` (threads, scorer processes)
    than there are cores; None when it did not."""
    if asked is None or asked <= bounded(asked):
        return None
    return f"{flag} {asked} bounded to {bounded(asked)} {what} (the machine's cores)"

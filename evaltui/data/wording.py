"""Counts in words: "1 prompt", "2 prompts", "1,204 generations"."""

from __future__ import annotations


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """``count`` with thousands separators and ``noun`` in the right number."""
    word = noun if count == 1 else (plural_noun or noun + "s")
    return f"{count:,} {word}"

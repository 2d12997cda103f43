"""A user scorer module that prints when it is imported (as scorers being debugged do)."""

from __future__ import annotations

from typing import Any

print("LOADING the loud scorer")


def score(generation: str, reference: str, record: dict[str, Any]) -> bool:
    return reference in generation

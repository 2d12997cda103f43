"""Structurally damaged copies of real records, for "never an exception, never a silent drop" tests."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

#: Values a field of the wrong shape might hold.
WRONG_VALUES: list[Any] = [None, 0, 2.5, True, "", "text", [], {}, [[]], [None], {"k": 1}, [1, 2]]


def damaged(record: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(what was done, copy of ``record``) for every top-level key: removed, or set to each wrong value."""
    for key in record:
        gone = copy.deepcopy(record)
        del gone[key]
        yield f"without {key}", gone
        for value in WRONG_VALUES:
            changed = copy.deepcopy(record)
            changed[key] = copy.deepcopy(value)
            yield f"{key} = {json.dumps(value)}", changed

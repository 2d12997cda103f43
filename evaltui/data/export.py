"""Exports: the combined JSON, and atomic writes that never leave a half-written file."""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import polars as pl

from evaltui.data.metrics import STATS_COLUMNS


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temp file beside ``path``; on success it replaces ``path`` in one ``os.replace``.

    On any exception the temp file is removed and ``path`` is untouched: an existing file is never
    half-overwritten, and a failed export leaves nothing behind.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else "\n"
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_with(
    path: str | os.PathLike[str], writer: Callable[[IO[Any]], None], mode: str = "w"
) -> Path:
    """Run ``writer`` on an atomically replaced file at ``path``; returns the path."""
    with atomic_open(path, mode) as handle:
        writer(handle)
    return Path(path)


def _clean(value: Any) -> Any:
    # JSON has no NaN/Infinity: a stat that is not a number is null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def combined_records(stats: pl.DataFrame) -> list[dict[str, Any]]:
    """The combined-JSON objects: legacy keys first in their order, evaltui's own after."""
    columns = [c for c in STATS_COLUMNS if c in stats.columns]
    columns += [c for c in stats.columns if c not in columns]
    return [
        {k: _clean(v) for k, v in row.items()}
        for row in stats.select(columns).iter_rows(named=True)
    ]


def write_combined_json(stats: pl.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write the combined JSON (a list, one object per prompt per run) atomically, UTF-8."""
    records = combined_records(stats)

    def writer(handle: IO[Any]) -> None:
        json.dump(records, handle, ensure_ascii=False, indent=2)
        handle.write("\n")

    return write_with(path, writer)

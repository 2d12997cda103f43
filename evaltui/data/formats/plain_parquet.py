"""Plain records as a Parquet table: TRL's ``completions/completions_<step>.parquet``.

TRL's ``GRPOTrainer`` (``log_completions=True``; since late 2025) writes the table it logs to
wandb/trackio at every logging step as ``<output_dir>/completions/completions_{step:05d}.parquet``
with pandas: one row per completion, columns ``step`` (int), ``prompt``, ``completion``, one
column per reward function under the function's name (NaN where a function returned None), the
user's ``log_extra`` columns, and ``advantage``. Each row is read as the plain reader reads a line
of JSON lines (the same fields, names, flags and notes: a reward function's column scores, a
group statistic does not, ``step`` makes the step's run); the run is the output folder's name
(``Qwen2-0.5B-GRPO · step 10``), not ``completions``.

A row's ``line`` is its 1-based number in the table (errors say ``row N (counted from 0)``, as a
user finds it with ``pl.read_parquet(p)[N]``); the records export re-encodes each row as a JSON
line, which evaltui reads back as plain JSON lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from evaltui.data.formats.base import (
    ReadOptions,
    ReadResult,
    at_rows,
    folder_label,
    found_in,
    frame_from_rows,
    named,
)
from evaltui.data.formats.plain import (
    HEAD_RECORDS,
    PROMPT_FIELDS,
    PlainReader,
    most_common_shape,
    record_score,
)
from evaltui.data.schema import LoadError
from evaltui.data.wording import first_few, plural

#: The folder TRL writes its completions tables into, under the run's output folder (a fork
#: writes ``completions/<train|eval>/``).
COMPLETIONS_FOLDER = "completions"
_MODES = ("train", "eval")


class PlainParquetReader(PlainReader):
    """Plain records as the rows of a Parquet table (TRL's completions tables)."""

    name = "plain_parquet"
    description = (
        "a Parquet table of plain records (TRL's completions/completions_<step>.parquet:"
        " step, prompt, completion, reward functions' columns), each row read as a plain JSONL line"
    )
    extensions: ClassVar[tuple[str, ...]] = (".parquet",)
    appendable = False
    non_finite_why = (
        "as TRL writes a reward function's None (the function does not apply to the sample)"
    )

    def sniff(self, path: Path, head: bytes) -> int:
        if not head.startswith(b"PAR1"):
            return 0
        import polars as pl

        try:
            columns = pl.read_parquet_schema(path)
            if not any(name in columns for name in PROMPT_FIELDS):
                return 0
            first = pl.read_parquet(path, n_rows=HEAD_RECORDS, glob=False).to_dicts()
        except Exception:  # an unreadable parquet is not ours to judge here
            return 0
        shape = most_common_shape(first)
        return 0 if shape is None else record_score(shape)

    def places(self, count: int) -> str:
        """A table's rows, counted from 0 as its errors count them (a parquet has no lines)."""
        return plural(count, "row") + " counted from 0"

    def numbers(self, lines: list[int]) -> str:
        return first_few([line - 1 for line in lines])

    def folder_run(self, path: Path, options: ReadOptions) -> str:
        """TRL's tables sit in ``<output_dir>/completions/``: the run is the output folder's."""
        folder = found_in(named(path, options))
        if folder.name in _MODES and folder.parent.name == COMPLETIONS_FOLDER:
            folder = folder.parent
        if folder.name == COMPLETIONS_FOLDER and folder.parent.name:
            folder = folder.parent
        return folder_label(folder)

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        import polars as pl

        try:
            table = pl.read_parquet(path, glob=False)  # a path, never a pattern
        except Exception as exc:  # truncated or not parquet: one clear error
            error = LoadError(source, None, f"not a readable parquet file: {exc}")
            return ReadResult(frame_from_rows({}), [error])
        errors: list[LoadError] = []
        result = self.read_parsed(path, source, options, _rows(table), errors, [])
        return ReadResult(result.frame, at_rows(errors), result.notes)

    def records_form(self, path: Path) -> str | None:
        return (
            "each parquet row re-encoded as a JSON line, which evaltui reads back as plain JSON"
            " lines"
        )

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        import polars as pl

        table = pl.read_parquet(path, glob=False)
        for line, _offset in rows:
            yield json.dumps(table.row(line - 1, named=True), ensure_ascii=False, default=str)


def _rows(table: Any) -> Iterator[tuple[int, None, Any]]:
    """``(row number from 1, no byte offset, the row as a dict)`` of each row of ``table``."""
    for index, row in enumerate(table.iter_rows(named=True), start=1):
        yield index, None, row

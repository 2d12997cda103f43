"""Plain records as a wandb table file: ``media/table/<key>_<step>_<hash>.table.json``.

``wandb.Table.bind_to_run`` (``wandb/sdk/data_types/table.py``) writes each table a run logs
into the run's files as ``{"columns": [...], "data": [[...], ...]}`` (``_to_table_json``), at
``<run dir>/files/media/table/<key>_<step>_<sha256[:20]>.table.json`` (``wandb sync``'s offline
runs, ``run.file(...).download()``); a table saved in an artifact (``wandb.Artifact.add``) is the
same object with ``"_type": "table"``, ``ncols``, ``nrows`` and ``column_types``. TRL's
``GRPOTrainer`` logs its ``completions`` table so at every logging step (``step``, ``prompt``,
``completion``, a column per reward function, ``advantage``), and scripts log their samples so.

Each row is read as the plain reader reads a line of JSON lines, its cells under their
columns' names (the same fields, names, flags and notes: a reward function's column scores,
``step`` makes the step's run). The run is the wandb run's folder (``run-20250601_101500-3xk2``),
not ``table``. A row's ``line`` is its 1-based number in ``data`` (errors say ``row N (counted
from 0)``); the records export writes each row as a JSON object of its columns, one a line,
which evaltui reads back as plain JSON lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from evaltui.data.formats.base import (
    EntryError,
    ReadOptions,
    ReadResult,
    RunIdentity,
    at_rows,
    folder_label,
    found_in,
    frame_from_rows,
    json_error,
    json_kind,
    named,
    parse_json,
)
from evaltui.data.formats.plain import record_score, run_name
from evaltui.data.formats.plain_document import (
    BrokenJson,
    after_value,
    byte_at,
    head_list,
    object_key,
    skip_space,
    value_end,
)
from evaltui.data.formats.plain_parquet import PlainParquetReader
from evaltui.data.schema import LoadError
from evaltui.data.wording import plural

COLUMNS = "columns"
DATA = "data"
#: A logged table's file name: the key it was logged under, the run's step, a hash of it.
_MEDIA_NAME = re.compile(r"(?P<key>.+)_\d+_[0-9a-f]{8,}\.table\.json", re.ASCII)


def head_table(head: bytes) -> tuple[list[str], list[Any]] | None:
    """The columns and first rows of the wandb table whose file starts with ``head`` (rows cut
    off by the head's end left out); None when ``head`` is no such table's start."""
    pos = skip_space(head, 3 if head.startswith(b"\xef\xbb\xbf") else 0)
    if byte_at(head, pos) != b"{":
        return None
    columns: list[str] | None = None
    try:
        pos = skip_space(head, pos + 1)
        while byte_at(head, pos) not in (b"}", b""):
            key, value = object_key(head, pos)
            if key == DATA and columns is not None and byte_at(head, value) == b"[":
                rows, _end = head_list(head, value)
                return columns, [row for row in rows if isinstance(row, list)]
            end = value_end(head, value)
            if key == COLUMNS:
                found = json.loads(head[value:end])
                if not isinstance(found, list) or not all(isinstance(c, str) for c in found):
                    return None
                columns = found
            pos, closed = after_value(head, end, b"}")
            if closed:
                break
    except (BrokenJson, ValueError):
        return None
    return None


def table_key(file_name: str) -> str:
    """The key a table file was logged under (``completions`` of
    ``completions_10_<hash>.table.json``), else the file's run name (:func:`run_name`)."""
    match = _MEDIA_NAME.fullmatch(file_name)
    return match["key"] if match is not None else run_name(file_name.removesuffix(".json"))


class PlainWandbTableReader(PlainParquetReader):
    """Plain records as the rows of a wandb table file (TRL's logged completions tables)."""

    name = "plain_wandb_table"
    description = (
        'a wandb table file ({"columns": [...], "data": [[...]]}, media/table/*.table.json:'
        " TRL's logged completions table, a script's samples), each row read as a plain JSONL line"
    )
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    non_finite_why = (
        "as wandb writes a NaN cell (TRL: a reward function's None, the function does not apply"
        " to the sample)"
    )

    def sniff(self, path: Path, head: bytes) -> int:
        table = head_table(head)
        if table is None:
            return 0
        columns, rows = table
        first = dict(zip(columns, rows[0], strict=False)) if rows else dict.fromkeys(columns, "")
        return record_score(first)

    def folder_run(self, path: Path, options: ReadOptions) -> str:
        """A run's tables sit in ``<run dir>/files/media/table/`` (a key with a ``/`` in a
        folder under it: OpenRLHF's ``train/generated_samples``): the run is the run's folder."""
        folder = found_in(named(path, options))
        for above in (folder, *folder.parents):
            if above.name == "table" and above.parent.name == "media":
                folder = above.parent.parent
                if folder.name == "files" and folder.parent.name:
                    folder = folder.parent
                break
        return folder_label(folder)

    def run_identity(self, path: Path, options: ReadOptions) -> RunIdentity | None:
        """As a plain file's, its name the key the table was logged under: one key's tables
        (``completions_10_<hash>``, ``completions_20_<hash>``) are one run's, told apart by
        their ``step`` column."""
        identity = super().run_identity(path, options)
        return None if identity is None else replace(identity, name=table_key(path.name))

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        try:
            table = _load(path, source)
        except _Unreadable as exc:
            return ReadResult(frame_from_rows({}), [exc.error])
        columns, data = table
        errors: list[LoadError] = []
        rows = _rows(columns, data, source, errors)
        result = self.read_parsed(path, source, options, rows, errors, [])
        return ReadResult(result.frame, at_rows(errors), result.notes)

    def records_form(self, path: Path) -> str | None:
        return (
            "each table row as a JSON object of its columns, one a line, which evaltui reads back"
            " as plain JSON lines"
        )

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        columns, data = _load(path, str(path))
        for line, _offset in rows:
            record = dict(zip(columns, data[line - 1], strict=True))
            yield json.dumps(record, ensure_ascii=False, default=str)


class _Unreadable(Exception):
    def __init__(self, error: LoadError) -> None:
        super().__init__(error.reason)
        self.error = error


def _load(path: Path, source: str) -> tuple[list[str], list[Any]]:
    """The table's columns and rows; :class:`_Unreadable` with the file's error when it cannot
    be read, is not JSON, or is no table."""
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise _Unreadable(LoadError(source, None, f"cannot read: {exc.strerror or exc}")) from None
    try:
        document = parse_json(text)
    except json.JSONDecodeError as exc:
        reason = f"not valid JSON: {json_error(exc.msg, exc.colno)}; no row is read"
        raise _Unreadable(LoadError(source, exc.lineno, reason)) from None
    except EntryError as exc:
        raise _Unreadable(LoadError(source, None, str(exc))) from None
    columns = document.get(COLUMNS) if isinstance(document, dict) else None
    data = document.get(DATA) if isinstance(document, dict) else None
    if (
        not isinstance(columns, list)
        or not all(isinstance(c, str) for c in columns)
        or not isinstance(data, list)
    ):
        reason = (
            "not a wandb table: it needs 'columns' (a list of names) and 'data' (a list of rows)"
        )
        raise _Unreadable(LoadError(source, None, reason))
    return columns, data


def _rows(
    columns: list[str], data: list[Any], source: str, errors: list[LoadError]
) -> Iterator[tuple[int, None, Any]]:
    """``(row number from 1, no byte offset, the row as a dict of its columns)``; a row that is
    not a list of one cell per column is that row's error (told by its row: :func:`at_rows`)."""
    for index, row in enumerate(data, start=1):
        if not isinstance(row, list) or len(row) != len(columns):
            what = (
                f"{plural(len(row), 'cell')} for {plural(len(columns), 'column')}"
                if isinstance(row, list)
                else f"not a list of cells ({json_kind(row)})"
            )
            errors.append(LoadError(source, index, what))
            continue
        yield index, None, dict(zip(columns, row, strict=True))

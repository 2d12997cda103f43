"""The reader contract: one module per on-disk format, each turning a file into generation rows."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from evaltui.data.schema import LoadError, conform

#: How many bytes of a file's head the detectors get to look at.
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Window:
    """A byte range of a line-based file to read: whole lines from ``start`` up to ``end``.

    Following a file that is still being written reads only what was appended: ``start`` is the
    offset just after the last complete line already read, ``first_line`` that line's number.
    """

    start: int
    """Byte offset of a line start."""
    first_line: int
    """The 1-based number of the line at ``start``."""
    end: int | None = None
    """Exclusive end offset (just after a newline); None = the end of the file."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What the user told us about field names and labels (CLI flags)."""

    prompt_field: str | None = None
    gen_field: str | None = None
    answer_field: str | None = None
    score_field: str | None = None
    label: str | None = None
    """Run label override (``--label``); None = the format's own model name / the parent folder."""
    window: Window | None = None
    """Read only these lines (readers with ``appendable``); None = the whole file. Not cached."""

    def fields_given(self) -> bool:
        """True when the user named any field (``--prompt-field``, …): plain JSONL is implied."""
        return any(
            f is not None
            for f in (self.prompt_field, self.gen_field, self.answer_field, self.score_field)
        )

    def cache_token(self) -> str:
        """A stable string that changes whenever these options could change what a reader emits."""
        return repr(
            (self.prompt_field, self.gen_field, self.answer_field, self.score_field, self.label)
        )


@dataclass(slots=True)
class ReadResult:
    """A reader's output for one file."""

    frame: pl.DataFrame
    """Rows with :data:`evaltui.data.schema.READER_COLUMNS` (use :func:`conform`)."""
    errors: list[LoadError] = field(default_factory=list)
    """Bad lines/entries in this file: counted and shown, never silently dropped."""
    notes: list[str] = field(default_factory=list)
    """Things worth telling the user that are not errors (e.g. 'doc-level metric maj@8 kept as prompt score')."""


class Reader(ABC):
    """One on-disk format. Instances are stateless; one instance serves every file."""

    name: ClassVar[str]
    """Short name for ``--format`` and ``evaltui formats``."""
    description: ClassVar[str]
    """One line for ``evaltui formats``."""
    extensions: ClassVar[tuple[str, ...]] = (".jsonl",)
    """File name endings this reader may accept (lower case)."""
    appendable: ClassVar[bool] = False
    """True when each line is read on its own (no file-wide state): lines appended later can be
    read alone through ``ReadOptions.window`` and added to the rows already read."""

    @abstractmethod
    def sniff(self, path: Path, head: bytes) -> int:
        """How sure this reader is that ``path`` is one of its sample files: 0 = not mine, 100 = certain.

        ``head`` is the first :data:`HEAD_BYTES` of the file. Content first, path hints second.
        """

    def companion(self, path: Path, head: bytes) -> bool:
        """True when ``path`` belongs to this format but holds no samples (config, results, logs).

        Such files are skipped quietly instead of being reported as unreadable.
        """
        return False

    @abstractmethod
    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        """Read ``path`` (shown to the user as ``source``) into generation rows."""

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        """The original record text of each ``(line, offset)`` row, unchanged, in the given order.

        The default serves line-based files: seek to ``offset`` and return that line without its
        line ending. Container formats (one JSON document) override this.
        """
        with path.open("rb") as handle:
            for _line, offset in rows:
                if offset is None:
                    raise ValueError(f"{path}: record has no byte offset")
                handle.seek(offset)
                raw = handle.readline().rstrip(b"\r\n")
                if offset == 0 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                yield raw.decode("utf-8", errors="replace")


# --- helpers shared by readers -------------------------------------------------------------


def prompt_hash(text: str) -> str:
    """A short stable id for a prompt that has no id of its own."""
    return hashlib.sha1(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]


_TRUE = {"true", "t", "yes", "y", "c", "correct", "pass", "passed"}
_FALSE = {"false", "f", "no", "n", "i", "incorrect", "fail", "failed"}


def to_score(value: Any) -> float | None:
    """Turn a stored score (bool, int, float, numeric string, 'C'/'I') into a float; None = unscored.

    Raises ValueError for a value that is present but cannot be a score.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        number = float(value)
        if number != number:  # NaN: the harness could not score it
            return None
        return number
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        lowered = text.lower()
        if lowered in _TRUE:
            return 1.0
        if lowered in _FALSE:
            return 0.0
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"score {value!r} is not a number or boolean") from None
        return None if number != number else number
    raise ValueError(f"score of type {type(value).__name__} is not a number or boolean")


def stringify(value: Any) -> str | None:
    """A reference answer as text: strings unchanged, numbers without '.0' noise, others as JSON."""
    import json

    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


class Rows:
    """Column lists for a reader frame: ``add`` one generation at a time, ``frame()`` at the end.

    Columns not given are null (a reader names only what its format knows).
    """

    def __init__(self) -> None:
        from evaltui.data.schema import READER_COLUMNS

        self.columns: dict[str, list[Any]] = {name: [] for name in READER_COLUMNS}

    def add(self, **values: Any) -> None:
        unknown = set(values) - set(self.columns)
        if unknown:
            raise TypeError(f"not generation columns: {', '.join(sorted(unknown))}")
        for name, column in self.columns.items():
            column.append(values.get(name))

    def frame(self) -> pl.DataFrame:
        return frame_from_rows(self.columns)


def frame_from_rows(rows: dict[str, list[Any]]) -> pl.DataFrame:
    """Build a conformed reader frame from column lists (missing columns become nulls)."""
    from evaltui.data.schema import GENERATION_SCHEMA

    present = {name: values for name, values in rows.items() if name in GENERATION_SCHEMA}
    frame = pl.DataFrame(present, schema={n: GENERATION_SCHEMA[n] for n in present}, strict=False)
    return conform(frame)


def json_document(path: Path, source: str) -> tuple[Any, LoadError | None]:
    """Parse a whole-file JSON document (UTF-8, BOM allowed); a clear error instead of an exception."""
    import json

    try:
        text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
        return json.loads(text), None
    except OSError as exc:
        return None, LoadError(source, None, f"cannot read: {exc.strerror or exc}")
    except json.JSONDecodeError as exc:
        return None, LoadError(
            source, exc.lineno, f"not valid JSON (truncated?): {exc.msg} at column {exc.colno}"
        )


class ContainerReader(Reader):
    """A format whose file is one JSON document holding many entries (rows' ``line`` = entry index)."""

    def entries(self, data: Any) -> list[tuple[str, Any]]:
        """(key, entry) pairs in file order; the row of entry i has ``line = i + 1``."""
        if isinstance(data, dict):
            return [(str(k), v) for k, v in data.items()]
        if isinstance(data, list):
            return [(str(i), v) for i, v in enumerate(data)]
        return []

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        import json

        data, error = json_document(path, path.name)
        if error is not None:
            raise ValueError(f"{path}: {error.reason}")
        entries = self.entries(data)
        for line, _offset in rows:
            key, entry = entries[line - 1]
            yield json.dumps({key: entry} if isinstance(data, dict) else entry, ensure_ascii=False)
